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
(``<ressource_name>-detail``; ``<int:...>`` for integer pks, ``<uuid:...>``
for UUID pks, ``<drfl_text:...>`` otherwise, any text, so that a string pk
holding ``/`` or a line break is reachable at the ``Location`` it was created at), nested lists
``<parent>/<id>/<ressource_name>/`` (``<parent>-<ressource_name>-list``) for
the controllers with ``parents``, and a JSON 404 for every other path below the prefix. Because of
that catch-all, an API mounted at the root (``path("", ...)``) must come after
the project's other patterns.

Every route is built here with its depth (how many ``/`` its own part of the
path holds), which is how each request finds the API's mount prefix. Nothing in
the package imports this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path, register_converter

from . import description
from .api import Api, mount_prefix
from .controllers import Controller
from .relations import Hop

__all__ = ["Api", "ApiPatterns", "include"]


# The path converter of each kind of pk; any other pk is matched as text.
PK_CONVERTERS = {"integer": "int", "uuid": "uuid"}


class AnyTextConverter:
    """A string pk whole: ``/`` and line breaks too (Django's ``path`` converter, ``.+``, stops at a line break,
    so a pk holding one was created and then never found at its ``Location``)."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(AnyTextConverter, "drfl_text")


class ApiPatterns(list[URLPattern | URLResolver]):
    """The URL patterns of one ``include()``, carrying their ``Api`` (``patterns.api``)."""

    api: Api


def list_view(controller: Controller) -> Callable[..., HttpResponse]:
    """Return the view function of ``controller``'s list endpoint (mount kwargs are the project's)."""

    def view(request: HttpRequest, **mount_kwargs: Any) -> HttpResponse:
        return controller.dispatch(request, prefix=mount_prefix(request, 1))

    return view


def detail_view(controller: Controller) -> Callable[..., HttpResponse]:
    """Return the view function of ``controller``'s unique endpoint."""

    def view(request: HttpRequest, identifier: Any, **mount_kwargs: Any) -> HttpResponse:
        return controller.dispatch(request, identifier, prefix=mount_prefix(request, 2, identifier))

    return view


def nested_view(controller: Controller, hop: Hop) -> Callable[..., HttpResponse]:
    """Return the view of a nested list route: ``address/<parent>/users/`` lists that address's users."""

    def view(request: HttpRequest, parent: Any, **mount_kwargs: Any) -> HttpResponse:
        return controller.dispatch(request, prefix=mount_prefix(request, 3, parent), parent=(hop, parent))

    return view


def converter(controller: Controller) -> str:
    """Return the path converter of ``controller``'s identifiers: a string pk may hold ``/`` and line breaks."""
    return PK_CONVERTERS.get(controller.model.pk_field.base_type, "drfl_text")


def build_urlpatterns(api: Api) -> ApiPatterns:
    """Return hello, self-description, list/detail patterns, then the JSON 404 catch-all."""
    patterns = ApiPatterns()
    patterns.api = api
    if api.hello:
        patterns.append(path("", api.route(api.hello_view, 0, "hello"), name="drfl-hello"))
    patterns.extend(description.description_urlpatterns(api))
    # Nested lists first: a detail route's <drfl_text:...> would take "address/1/users/" for its own.
    for controller in api.controllers:
        for hop in controller.relations.parents.values():
            parent, name = hop.target.ressource_name, controller.ressource_name
            patterns.append(
                path(
                    f"{parent}/<{converter(hop.target)}:parent>/{name}/",
                    api.route(nested_view(controller, hop), 3, f"{type(controller).__name__}_by_{parent}", identifier="parent"),
                    name=f"{parent}-{name}-list",
                )
            )
    for controller in api.controllers:
        name = controller.ressource_name
        label = type(controller).__name__
        patterns.append(path(f"{name}/", api.route(list_view(controller), 1, f"{label}_list"), name=f"{name}-list"))
        patterns.append(
            path(
                f"{name}/<{converter(controller)}:identifier>/",
                api.route(detail_view(controller), 2, f"{label}_detail", identifier="identifier"),
                name=f"{name}-detail",
            )
        )
    patterns.append(re_path(r"^[\s\S]*", api.route(api.not_found_view, None, "not_found")))
    return patterns


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
    return build_urlpatterns(api), namespace, namespace
