"""``Api``: the built controllers of one ``include()``, their sibling stores, switches and mount prefix.

``urls.include()`` builds one ``Api`` and turns it into URL patterns; the
self-description and the management commands read it. Its datastores are bound
to one registry keyed by ressource name, so that ``foreign={"table": "address"}``
finds the ``address`` store whatever kind it is.

Every route of an API knows its *depth*: how many ``/`` its own pattern holds
(``users/`` 1, ``users/<identifier>/`` 2, ``openapi.json`` 0). From it, and
from the identifier the route captured (a string pk may hold ``/`` itself:
``tags/a%2Fb/``), ``mount_prefix(request, depth, identifier)`` tells where the
API is mounted for that request, whatever converters the project's own routes hold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from types import FunctionType
from typing import Any

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.urls import get_resolver
from django.urls.exceptions import Resolver404
from django.utils.encoding import escape_uri_path

from .config import ControllerConfigurationError, Problem, read_configs
from .controllers import Controller
from .datastore import DataStore
from .exceptions import BadRequest, NotFound
from .responses import AllowedMethods, JsonResponse, error_response, serve, without_body

__all__ = ["Api", "mount_prefix"]

HELLO_METHODS = AllowedMethods(["GET"])


def mount_prefix(request: HttpRequest, depth: int, identifier: Any = None) -> str:
    """Return the URL-quoted path an API is mounted at (``"/api/"``) for a request to one of its routes.

    ``depth`` is the number of ``/`` in the route's own pattern, and
    ``identifier`` the value the route captured, if any: its own ``/`` (a string
    pk ``a/b``, sent as ``a%2Fb``, arrives decoded in ``request.path`` as in the
    identifier) belong to the route's part of the path too. The prefix ends at
    the ``/`` that many places before the last one.
    """
    if isinstance(identifier, str):
        depth += identifier.count("/")
    path = request.path
    end = len(path)
    for _ in range(depth + 1):
        end = path.rindex("/", 0, end)
    return quoted_prefix(path[: end + 1])


@lru_cache(maxsize=256)
def quoted_prefix(path: str) -> str:
    """Return ``escape_uri_path(path)``, once per mount path (an API is mounted at a few)."""
    return escape_uri_path(path)


class Api:
    """One ``include()``: its settings, built controllers and the registry of their datastores."""

    def __init__(
        self,
        controllers: Sequence[type[Controller]],
        *,
        name: str = "PRAF",
        version: str = "devel",
        base_url: str | None = None,
        autodoc: bool = True,
        autospore: bool = True,
        hello: bool = True,
        openapi: bool = True,
        docs: bool = True,
        namespace: str | None = None,
    ) -> None:
        self.name = name
        self.version = version
        self.base_url = base_url
        self.namespace = namespace
        self.hello = hello
        self.autodoc = autodoc
        self.autospore = autospore
        self.openapi = openapi
        self.docs = docs
        self.controller_classes: list[type[Controller]] = list(controllers)
        for cls in self.controller_classes:
            if not (isinstance(cls, type) and issubclass(cls, Controller)):
                raise TypeError(f"include() takes Controller subclasses, not {cls!r}.")
        self.controllers: list[Controller] = [config.controller_class(config) for config in read_configs(controllers)]
        # Every store is registered before any is bound: a foreign key finds its target whatever the order.
        self.registry: dict[str, DataStore] = {c.ressource_name: c.datastore for c in self.controllers}
        for controller in self.controllers:
            controller.datastore.bind(self.registry, controller.ressource_name)
        siblings = {controller.ressource_name: controller for controller in self.controllers}
        problems = [
            Problem("E005", controller.config.label, f"controller['options']['{option}']", message)
            for controller in self.controllers
            for option, message in controller.bind_relations(siblings)
        ]
        if problems:
            raise ControllerConfigurationError(problems)

    def __repr__(self) -> str:
        return f"<Api {self.name} {self.version}: {', '.join(c.ressource_name for c in self.controllers)}>"

    def get_controller(self, ressource_name: str) -> Controller:
        """Return the built controller serving ``ressource_name``."""
        for controller in self.controllers:
            if controller.ressource_name == ressource_name:
                return controller
        raise KeyError(ressource_name)

    def prefix(self, request: HttpRequest) -> str:
        """Return the absolute, URL-quoted mount prefix of this API for ``request``: ``"/api/"``.

        Works for any request routed to one of this API's routes (its view carries
        the route's depth); the catch-all 404 has none.
        """
        match = getattr(request, "resolver_match", None)
        func = getattr(match, "func", None)
        depth = getattr(func, "drfl_depth", None)
        if depth is None or getattr(func, "drfl_api", None) is not self:
            raise ValueError(f"{request.path!r} was not routed to one of this API's patterns.")
        captured = getattr(func, "drfl_identifier", None)
        identifier = match.kwargs.get(captured) if captured else None  # type: ignore[union-attr]
        return mount_prefix(request, depth, identifier)

    def route(
        self, view: Callable[..., HttpResponse], depth: int | None, name: str, *, identifier: str | None = None
    ) -> Callable[..., HttpResponse]:
        """Mark ``view`` as a route of this API ``depth`` slashes deep (None: the catch-all); return it.

        ``identifier`` names the keyword argument the route captures an
        identifier in, whose own slashes count towards its depth.

        The mark lets ``prefix()`` and the management commands find the API from a
        resolved URL. The routes are CSRF-exempt: only ``DjangoAuthentication``,
        which reads session cookies, checks CSRF, and it does so itself.
        """
        route = view
        if not isinstance(view, FunctionType):  # a bound method takes no attributes: wrap it

            def route(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
                return view(request, *args, **kwargs)

        marks: dict[str, Any] = {"__name__": name, "__qualname__": name, "csrf_exempt": True, "drfl_api": self}
        if depth is None:
            marks["drfl_not_found"] = True
        else:
            marks.update(drfl_depth=depth, drfl_identifier=identifier)
        for attribute, value in marks.items():
            setattr(route, attribute, value)
        return route

    # The API's own routes -----------------------------------------------------------------

    def hello_view(self, request: HttpRequest) -> HttpResponse:
        """Answer the prefix itself with the API's name and version."""
        return serve(request, HELLO_METHODS, lambda: JsonResponse({"name": self.name, "version": self.version}))

    def not_found_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Answer every unknown path below the prefix with a JSON 404 (a hint when only the slash is missing)."""
        try:
            request.GET  # noqa: B018  (too many parameters is a 400 here too)
        except TooManyFieldsSent:
            return error_response(BadRequest("Too many query parameters."))
        message = self.missing_message(request.path_info) or f"Nothing at {request.path}."
        if not request.path_info.endswith("/"):
            try:
                match = get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info + "/")
            except Resolver404:
                match = None
            if match is not None and not getattr(match.func, "drfl_not_found", False):
                message = f"Nothing at {request.path}; did you mean {request.path}/ ?"
        response = error_response(NotFound(message))
        return without_body(response) if request.method == "HEAD" else response

    def missing_message(self, path_info: str) -> str | None:
        """Say "No users with id='abc'." for an identifier the detail pattern's converter refused."""
        segments = path_info.split("/")
        if len(segments) < 3 or segments[-1] != "":
            return None
        for controller in self.controllers:
            if segments[-3] == controller.ressource_name:
                return str(controller.datastore.not_found(segments[-2]).message)
        return None
