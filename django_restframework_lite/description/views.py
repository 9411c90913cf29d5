"""The self-description routes of one ``include()``: schema, SPORE, OpenAPI and the docs page.

``description_urlpatterns(api)`` returns the patterns that the API's switches
(``autodoc``, ``autospore``, ``openapi``, ``docs``) turn on; a switch turned off
adds none, so the API's catch-all answers its JSON 404 there. Each route is
read-only: GET and HEAD, OPTIONS, and a JSON 405 for anything else, through the
same helper as every other route. These routes need no authentication: they
describe only the controllers of their own ``include()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path

from ..api import Api, mount_prefix
from ..config import check_reserved_names
from ..exceptions import NotFound
from ..responses import AllowedMethods, JsonResponse, serve
from .docs import DOCS_ASSETS, asset_url, docs_context, read_asset, render_docs_page
from .openapi import openapi_document
from .seed import ressource_schema, schema_index, spore_description

__all__ = ["description_urlpatterns"]

READ_ONLY = AllowedMethods(["GET"])

# The first path segment each switch takes under the prefix: a ressource may not have it as its name.
RESERVED_NAMES = {"schema": "autodoc", "spore": "autospore", "docs": "docs"}

Builder = Callable[..., HttpResponse]


def read_only_route(api: Api, depth: int, build: Builder) -> Callable[..., HttpResponse]:
    """Return the view of a read-only route: ``build(api, request, prefix, **kwargs)`` answers GET."""

    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return serve(request, READ_ONLY, lambda: build(api, request, mount_prefix(request, depth), **kwargs))

    return api.route(view, depth, build.__name__)


def schema_index_answer(api: Api, request: HttpRequest, prefix: str) -> HttpResponse:
    return JsonResponse(schema_index(api, prefix))


def ressource_schema_answer(api: Api, request: HttpRequest, prefix: str, ressource_name: str) -> HttpResponse:
    try:
        controller = api.get_controller(ressource_name)
    except KeyError:
        raise NotFound(f"There is no ressource named {ressource_name} in this API.") from None
    return JsonResponse(ressource_schema(controller))


def spore_answer(api: Api, request: HttpRequest, prefix: str) -> HttpResponse:
    return JsonResponse(spore_description(api, api.base_url or prefix))


def openapi_answer(api: Api, request: HttpRequest, prefix: str) -> HttpResponse:
    return JsonResponse(openapi_document(api, prefix), indent=2)


def docs_answer(api: Api, request: HttpRequest, prefix: str) -> HttpResponse:
    context = docs_context(api, prefix, request)
    context["stylesheet_url"] = asset_url(prefix, "docs.css")
    context["script_url"] = asset_url(prefix, "docs.js")
    html = render_docs_page(context, request)
    return HttpResponse(html, content_type="text/html; charset=utf-8")


def docs_asset_answer(api: Api, request: HttpRequest, prefix: str, filename: str) -> HttpResponse:
    """Serve one of the docs page's own files (a fixed list: no path reaches the disk otherwise)."""
    content_type = DOCS_ASSETS.get(filename)
    if content_type is None:
        raise NotFound(f"The docs page has no asset named {filename}.")
    response = HttpResponse(read_asset(filename), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def description_urlpatterns(api: Api) -> list[URLPattern]:
    """Return the self-description patterns that ``api``'s switches turn on."""
    check_reserved_names(
        [controller.config for controller in api.controllers],
        {name: switch for name, switch in RESERVED_NAMES.items() if getattr(api, switch)},
    )
    patterns: list[URLPattern] = []
    if api.autodoc:
        patterns.append(path("schema/", read_only_route(api, 1, schema_index_answer), name="drfl-schema"))
        patterns.append(
            path(
                "schema/<str:ressource_name>/",
                read_only_route(api, 2, ressource_schema_answer),
                name="drfl-schema-ressource",
            )
        )
    if api.autospore:
        patterns.append(path("spore/", read_only_route(api, 1, spore_answer), name="drfl-spore"))
    if api.openapi:
        patterns.append(path("openapi.json", read_only_route(api, 0, openapi_answer), name="drfl-openapi"))
    if api.docs:
        patterns.append(path("docs/", read_only_route(api, 1, docs_answer), name="drfl-docs"))
        patterns.append(
            path("docs/assets/<str:filename>", read_only_route(api, 2, docs_asset_answer), name="drfl-docs-asset")
        )
    return patterns
