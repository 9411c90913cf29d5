"""Shared by the commands: choose the mounted Apis a command works on."""

from __future__ import annotations

from django.core.management.base import CommandError

from ...discovery import MountedApi, mounted_apis


def select_apis(*, namespace: str | None = None, prefix: str | None = None, urlconf: str | None = None) -> list[MountedApi]:
    """Return the mounted Apis matching ``namespace`` and ``prefix``; none at all is an error."""
    found = mounted_apis(urlconf)
    if not found:
        raise CommandError("No django-restframework-lite include() is mounted in the URLconf.")
    chosen = found
    if namespace is not None:
        chosen = [mounted for mounted in chosen if mounted.namespace == namespace]
    if prefix is not None:
        wanted = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        chosen = [mounted for mounted in chosen if mounted.prefix == wanted]
    if not chosen:
        known = ", ".join(describe(mounted) for mounted in found)
        raise CommandError(f"No mounted API matches; the mounted ones are: {known}.")
    return chosen


def describe(mounted: MountedApi) -> str:
    namespace = f" (namespace {mounted.namespace})" if mounted.namespace else ""
    return f"{mounted.prefix}{namespace}"
