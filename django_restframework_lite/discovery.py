"""Find the ``include()`` Apis mounted in the project's URLconf, with their prefixes.

The management commands have no request, so they walk the root URL resolver:
every resolver whose patterns were built by ``include()`` carries its Api on its
views (``callback.drfl_api``), and the route strings met on the way down give
the mount prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, get_script_prefix
from django.urls.resolvers import RegexPattern

from .api import Api


@dataclass(frozen=True)
class MountedApi:
    """An ``include()``'s Api and where it is mounted."""

    api: Api
    prefix: str
    namespace: str | None

    def url_name(self, name: str) -> str:
        return f"{self.namespace}:{name}" if self.namespace else name


def route_text(pattern: Any) -> str:
    """Return the literal text a URL pattern matches (regexes lose their anchors)."""
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    return text


def api_of(patterns: Iterable[Any]) -> Api | None:
    """Return the Api that built these patterns, or None when ``include()`` did not."""
    for pattern in patterns:
        if not isinstance(pattern, URLPattern):
            continue
        for owner in (pattern.callback, getattr(pattern.callback, "view_class", None)):
            api = getattr(owner, "drfl_api", None)
            if isinstance(api, Api):
                return api
    return None


def walk(patterns: Iterable[Any], prefix: str, namespaces: tuple[str, ...]) -> Iterator[MountedApi]:
    for pattern in patterns:
        if not isinstance(pattern, URLResolver):
            continue
        here = prefix + route_text(pattern.pattern)
        spaces = namespaces + ((pattern.namespace,) if pattern.namespace else ())
        api = api_of(pattern.url_patterns)
        if api is not None:
            yield MountedApi(api, here, ":".join(spaces) or None)
        else:
            yield from walk(pattern.url_patterns, here, spaces)


def mounted_apis(urlconf: str | None = None) -> list[MountedApi]:
    """Return every Api mounted in ``urlconf`` (the root URLconf by default), in URL order."""
    resolver = get_resolver(urlconf)
    return list(walk(resolver.url_patterns, get_script_prefix(), ()))
