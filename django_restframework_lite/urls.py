"""``include()``: turn controller classes into Django URL patterns.

::

    from django.urls import path
    from django_restframework_lite.urls import include as api_include

    urlpatterns = [
        path("api/", api_include([AddressEndPoint, UserEndPoint], name="addressbook", version="1.0")),
    ]

Under the prefix this serves the hello root (``{"name", "version"}``), the
self-description patterns, ``<ressource_name>/`` (URL name
``<ressource_name>-list``) and ``<ressource_name>/<identifier>/``
(``<ressource_name>-detail``; ``<int:...>`` for integer pks, ``<str:...>``
otherwise), and a JSON 404 for every other path below the prefix. Because of
that catch-all, an API mounted at the root (``path("", ...)``) must come after
the project's other patterns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, get_resolver, path, re_path
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern
from django.utils.encoding import escape_uri_path

from .checks import ControllerConfigurationError, controller_problems, duplicate_name_problems
from .controllers import Controller
from .datastore import DataStore
from .exceptions import BadRequest, MethodNotAllowed, NotFound
from .views import JsonResponse, error_response

HELLO_ALLOW = "GET, HEAD, OPTIONS"


class ApiPatterns(list):
    """The URL patterns of one ``include()``, carrying their ``Api`` (``patterns.api``)."""

    api: Api


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

        problems = []
        for cls in self.controller_classes:
            if not (isinstance(cls, type) and issubclass(cls, Controller)):
                raise TypeError(f"include() takes Controller subclasses, not {cls!r}.")
            problems.extend(controller_problems(cls))
        if not problems:
            problems.extend(duplicate_name_problems(self.controller_classes))
        if problems:
            raise ControllerConfigurationError(problems)

        self.registry: dict[str, DataStore] = {}
        self.controllers: list[Controller] = []
        for cls in self.controller_classes:
            controller = cls()
            controller.api = self
            controller.datastore.bind(self.registry, controller.ressource_name)
            self.registry[controller.ressource_name] = controller.datastore
            self.controllers.append(controller)
        self.urlpatterns = self.build_urlpatterns()
        self._route_depths = sorted(
            ((str(pattern.pattern), len(str(pattern.pattern).split("/"))) for pattern in self.urlpatterns
             if isinstance(pattern.pattern, RoutePattern)),
            key=lambda item: len(item[0]),
            reverse=True,
        )

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

        Works for any request routed to one of this API's route patterns: the
        matched route tells how many trailing path segments belong to the API.
        """
        match = getattr(request, "resolver_match", None)
        route = getattr(match, "route", None)
        if route is not None and not getattr(match.func, "drfl_not_found", False):
            for inner, depth in self._route_depths:
                if route.endswith(inner):
                    parts = request.path.split("/")
                    return escape_uri_path("/".join(parts[: len(parts) - depth]) + "/")
        raise ValueError(f"{request.path!r} was not routed to one of this API's patterns.")

    # URL patterns ------------------------------------------------------------------------

    def build_urlpatterns(self) -> ApiPatterns:
        """Return hello, self-description, list/detail patterns, then the JSON 404 catch-all."""
        patterns = ApiPatterns()
        patterns.api = self
        if self.hello:
            patterns.append(path("", self._mark(self._wrap(self.hello_view, "hello")), name="drfl-hello"))
        patterns.extend(self.description_urlpatterns())
        for controller in self.controllers:
            name = controller.ressource_name
            converter = "int" if controller.model.pk_field.base_type == "integer" else "str"
            patterns.append(path(f"{name}/", self._mark(list_view(controller)), name=f"{name}-list"))
            patterns.append(
                path(f"{name}/<{converter}:identifier>/", self._mark(detail_view(controller)), name=f"{name}-detail")
            )
        not_found = self._mark(self._wrap(self.not_found_view, "not_found"))
        not_found.drfl_not_found = True  # type: ignore[attr-defined]
        patterns.append(re_path(r"^.*$", not_found))
        return patterns

    def description_urlpatterns(self) -> list[URLPattern]:
        try:
            from .description import description_urlpatterns
        except ImportError:
            return []
        return list(description_urlpatterns(self))

    @staticmethod
    def _wrap(method: Callable[..., HttpResponse], name: str) -> Callable[..., HttpResponse]:
        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return method(request, *args, **kwargs)

        view.__name__ = view.__qualname__ = name
        return view

    def _mark(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        """Make ``view`` CSRF-exempt and let the URL resolver tell which Api built it."""
        view.csrf_exempt = True  # type: ignore[attr-defined]
        view.drfl_api = self  # type: ignore[attr-defined]
        return view

    def hello_view(self, request: HttpRequest) -> HttpResponse:
        """Answer the prefix itself with the API's name and version."""
        if request.method == "OPTIONS":
            return JsonResponse({"allow": HELLO_ALLOW.split(", ")}, headers={"Allow": HELLO_ALLOW})
        if request.method not in ("GET", "HEAD"):
            return error_response(
                MethodNotAllowed(f"{request.method} is not allowed here; use {HELLO_ALLOW}.", headers={"Allow": HELLO_ALLOW})
            )
        response = JsonResponse({"name": self.name, "version": self.version})
        return Controller.drop_body(response) if request.method == "HEAD" else response

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
        return Controller.drop_body(response) if request.method == "HEAD" else response


    def missing_message(self, path_info: str) -> str | None:
        """Say "No users with id='abc'." for an identifier the detail pattern's converter refused."""
        segments = path_info.split("/")
        if len(segments) < 3 or segments[-1] != "":
            return None
        for controller in self.controllers:
            if segments[-3] == controller.ressource_name:
                return f"No {controller.ressource_name} with {controller.model.pk_field.name}={segments[-2]!r}."
        return None


def list_view(controller: Controller) -> Callable[..., HttpResponse]:
    """Return the view function of ``controller``'s list endpoint (mount kwargs are the project's)."""

    def view(request: HttpRequest, **mount_kwargs: Any) -> HttpResponse:
        return controller.dispatch(request)

    view.__name__ = view.__qualname__ = f"{type(controller).__name__}_list"
    return view


def detail_view(controller: Controller) -> Callable[..., HttpResponse]:
    """Return the view function of ``controller``'s unique endpoint."""

    def view(request: HttpRequest, identifier: Any, **mount_kwargs: Any) -> HttpResponse:
        return controller.dispatch(request, identifier)

    view.__name__ = view.__qualname__ = f"{type(controller).__name__}_detail"
    return view


def include(
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
) -> tuple[ApiPatterns, str | None, str | None]:
    """Build the controllers and return ``(urlpatterns, app_name, namespace)`` for ``path()``.

    A misconfigured controller raises ``ImproperlyConfigured`` naming it and the key.
    """
    api = Api(
        controllers,
        name=name,
        version=version,
        base_url=base_url,
        autodoc=autodoc,
        autospore=autospore,
        hello=hello,
        openapi=openapi,
        docs=docs,
        namespace=namespace,
    )
    return api.urlpatterns, namespace, namespace


__all__ = ["Api", "ApiPatterns", "include"]
