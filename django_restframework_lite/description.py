"""Self-description of one ``include()``: schema, SPORE, OpenAPI and the HTML docs page.

``include()`` calls ``description_urlpatterns(api)`` and mounts the patterns it
returns before the ressource patterns. Each switch of ``include()`` (``autodoc``,
``autospore``, ``openapi``, ``docs``) adds its patterns; a switch turned off adds
none, so the API's catch-all answers its JSON 404 there.

Every description is computed from the built controllers that serve the
requests, so it says what the API really does. These endpoints need no
authentication: they describe only the controllers of their own ``include()``.

The pure builders (``schema_index``, ``ressource_schema``, ``spore_description``,
``docs_context``) take an ``Api`` (or any object with the same attributes) and a prefix, so the management
commands and the tests can call them without a request.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import URLPattern, path

from .models.fields import INT64_MAX, INT64_MIN, Field
from .openapi import openapi_document, partial_keyword, security_schemes_of

if TYPE_CHECKING:
    from .controllers import Controller
    from .urls import Api

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
STATIC_DIR = Path(__file__).resolve().parent / "static" / "django_restframework_lite"
# The docs page's own assets, served by the API itself so that the page works
# whether or not the project serves static files (a wheel under runserver, say).
DOCS_ASSETS = {"docs.js": "text/javascript; charset=utf-8", "docs.css": "text/css; charset=utf-8"}
DOCS_TEMPLATE = "django_restframework_lite/docs.html"

# The first path segment each switch takes under the prefix: a ressource may not have it as its name.
RESERVED_NAMES = {"autodoc": "schema", "autospore": "spore", "docs": "docs"}


# Pure builders --------------------------------------------------------------------------


def schema_index(api: Api, prefix: str) -> dict[str, dict[str, Any]]:
    """Return the seed's ``schema/`` answer: each ressource's endpoint, verbs and schema URL."""
    return {
        controller.ressource_name: {
            "allowed list_verbs": list(controller.list_verbs),
            "allowed unique ressource": list(controller.unique_verbs),
            "list_endpoint": f"{prefix}{controller.ressource_name}/",
            "schema_endpoint": f"{prefix}schema/{controller.ressource_name}/",
        }
        for controller in api.controllers
    }


def ressource_schema(controller: Controller) -> dict[str, dict[str, Any]]:
    """Return the seed's ``schema/<ressource>/`` answer: every field but the pk."""
    return controller.model.get_schema()


def client_must_send(field: Field, pk: Field) -> bool:
    """Tell whether a create must carry ``field``: a required field, or a pk the client chooses."""
    if field is pk:
        return pk.base_type != "integer"
    return bool(field.required)


def create_required_params(controller: Controller) -> list[str]:
    """Return the members a create must send."""
    model = controller.model
    return [field.name for field in model.get_fields() if client_must_send(field, model.pk_field)]


def spore_methods(controller: Controller) -> dict[str, dict[str, Any]]:
    """Return the SPORE methods of one controller, only for the verbs it is configured with."""
    name = controller.ressource_name
    list_path = f"/{name}/"
    unique_path = f"/{name}/:identifier"
    list_verbs = set(controller.list_verbs)
    unique_verbs = set(controller.unique_verbs)
    methods: dict[str, dict[str, Any]] = {}

    def method(http_method: str, method_path: str, required: list[str]) -> dict[str, Any]:
        return {"path": method_path, "method": http_method, "formats": ["json"], "required_params": required}

    if "GET" in list_verbs:
        methods[f"list_{name}"] = method("GET", list_path, [])
    if "POST" in list_verbs:
        methods[f"create_{name}"] = method("POST", list_path, create_required_params(controller))
    if "GET" in unique_verbs:
        methods[f"get_{name}"] = method("GET", unique_path, ["identifier"])
    update_verb = "PUT" if "PUT" in unique_verbs else "PATCH" if "PATCH" in unique_verbs else None
    if update_verb is not None:
        methods[f"update_{name}"] = method(update_verb, unique_path, ["identifier"])
    if "DELETE" in unique_verbs:
        methods[f"delete_{name}"] = method("DELETE", unique_path, ["identifier"])
    return methods


def spore_description(api: Api, base_url: str) -> dict[str, Any]:
    """Return the SPORE description of the API, its method paths relative to ``base_url``."""
    methods: dict[str, dict[str, Any]] = {}
    for controller in api.controllers:
        methods.update(spore_methods(controller))
    return {
        "name": str(api.name),
        "base_url": base_url,
        "version": str(api.version),
        "expected_status": [200],
        "methods": methods,
    }


def field_description(field: Field, pk: Field) -> dict[str, Any]:
    """Return what the docs page shows of one field."""
    foreign = getattr(field, "foreign", None)
    return {
        "name": field.name,
        "type": field.base_type,
        "required": client_must_send(field, pk),
        "nullable": bool(field.nullable),
        "pk": field is pk,
        "max_length": field.max_length,
        "choices": field.choices,
        # Bounds that only restate 64-bit integers say nothing to a reader.
        "min_value": None if field.min_value == INT64_MIN else field.min_value,
        "max_value": None if field.max_value == INT64_MAX else field.max_value,
        "foreign": f"{foreign['table']}.{foreign.get('column', 'id')}" if foreign else None,
        "example": field.example,
    }


def example_body(controller: Controller) -> dict[str, Any]:
    """Return a body a create would accept, built from each writable field's example.

    The docs page puts it in its forms, so that trying a POST starts from something valid.
    """
    model = controller.model
    pk = model.pk_field
    body: dict[str, Any] = {}
    for field in model.get_fields():
        if field is pk and pk.base_type == "integer":
            continue
        value = field.example
        if field.choices:
            value = field.choices[0]
        elif getattr(field, "foreign", None) and field.nullable:
            value = None
        elif isinstance(value, str) and field.max_length is not None:
            value = value[: field.max_length]
        elif isinstance(value, (int, float)) and field.min_value is not None and value < field.min_value:
            value = field.min_value
        elif isinstance(value, (int, float)) and field.max_value is not None and value > field.max_value:
            value = field.max_value
        body[field.name] = value
    return body


def describe_authentication(controller: Controller) -> str | None:
    authentication = getattr(controller, "authentication", None)
    if authentication is None:
        return None
    return type(authentication).__name__


def docs_context(api: Api, prefix: str) -> dict[str, Any]:
    """Return what the docs page shows: one entry per ressource, and the API's other descriptions."""
    ressources = []
    for controller in api.controllers:
        model = controller.model
        pagination = getattr(controller, "pagination", None)
        ressources.append(
            {
                "name": controller.ressource_name,
                "list_url": f"{prefix}{controller.ressource_name}/",
                "detail_url": f"{prefix}{controller.ressource_name}/{{identifier}}/",
                "list_verbs": list(controller.list_verbs),
                "unique_verbs": list(controller.unique_verbs),
                "fields": [field_description(field, model.pk_field) for field in model.get_fields()],
                "pk": model.pk_field.name,
                "datastore": type(controller.datastore).__name__,
                "pagination": None
                if pagination is None
                else {
                    "offset_key": getattr(pagination, "offset_key", "offset"),
                    "count_key": getattr(pagination, "count_key", "count"),
                    "max_result": getattr(pagination, "max_result", None),
                },
                "partial_keyword": partial_keyword(controller),
                "authentication": describe_authentication(controller),
                "security": security_schemes_of(getattr(controller, "authentication", None)),
                "ratelimit": getattr(controller, "ratelimit", None) is not None,
                "example_body": example_body(controller),
            }
        )
    links = {
        "schema": f"{prefix}schema/" if api.autodoc else None,
        "spore": f"{prefix}spore/" if api.autospore else None,
        "openapi": f"{prefix}openapi.json" if api.openapi else None,
    }
    return {
        "name": str(api.name),
        "version": str(api.version),
        "prefix": prefix,
        "ressources": ressources,
        "links": links,
    }


# Views ----------------------------------------------------------------------------------


def json_error(status: int, message: str, headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer GET and HEAD with the view, OPTIONS with ``Allow``, anything else with a JSON 405."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        allow = ", ".join(SAFE_METHODS)
        if request.method == "OPTIONS":
            response = HttpResponse(status=200)
            response["Allow"] = allow
            return response
        if request.method not in SAFE_METHODS:
            return json_error(405, f"Method {request.method} is not allowed here.", {"Allow": allow})
        response = view(request, *args, **kwargs)
        if request.method == "HEAD":
            response.content = b""
        return response

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]  # read-only: nothing to protect
    return wrapper


def make_schema_index_view(api: Api) -> Callable[..., HttpResponse]:
    @read_only
    def schema_view(request: HttpRequest) -> HttpResponse:
        return JsonResponse(schema_index(api, api.prefix(request)))

    return schema_view


def make_ressource_schema_view(api: Api) -> Callable[..., HttpResponse]:
    @read_only
    def ressource_schema_view(request: HttpRequest, ressource_name: str) -> HttpResponse:
        for controller in api.controllers:
            if controller.ressource_name == ressource_name:
                return JsonResponse(ressource_schema(controller))
        return json_error(404, f"There is no ressource named {ressource_name} in this API.")

    return ressource_schema_view


def make_spore_view(api: Api) -> Callable[..., HttpResponse]:
    @read_only
    def spore_view(request: HttpRequest) -> HttpResponse:
        base_url = api.base_url or api.prefix(request)
        return JsonResponse(spore_description(api, base_url))

    return spore_view


def make_openapi_view(api: Api) -> Callable[..., HttpResponse]:
    @read_only
    def openapi_view(request: HttpRequest) -> HttpResponse:
        document = openapi_document(api, api.prefix(request))
        return JsonResponse(document, json_dumps_params={"indent": 2})

    return openapi_view


def make_docs_view(api: Api) -> Callable[..., HttpResponse]:
    @read_only
    def docs_view(request: HttpRequest) -> HttpResponse:
        prefix = api.prefix(request)
        context = docs_context(api, prefix)
        context["stylesheet_url"] = asset_url(prefix, "docs.css")
        context["script_url"] = asset_url(prefix, "docs.js")
        html = render_to_string(DOCS_TEMPLATE, context, request=request)
        return HttpResponse(html, content_type="text/html; charset=utf-8")

    return docs_view


@functools.lru_cache(maxsize=len(DOCS_ASSETS))
def read_asset(filename: str) -> bytes:
    return (STATIC_DIR / filename).read_bytes()


def asset_url(prefix: str, filename: str) -> str:
    """Return an asset's URL, versioned by its content so that a cached copy never outlives a change."""
    digest = hashlib.sha256(read_asset(filename)).hexdigest()[:12]
    return f"{prefix}docs/assets/{filename}?v={digest}"


def make_docs_asset_view(api: Api) -> Callable[..., HttpResponse]:
    @read_only
    def docs_asset_view(request: HttpRequest, filename: str) -> HttpResponse:
        """Serve one of the docs page's own files (a fixed list: no path reaches the disk otherwise)."""
        content_type = DOCS_ASSETS.get(filename)
        if content_type is None:
            return json_error(404, f"The docs page has no asset named {filename}.")
        response = HttpResponse(read_asset(filename), content_type=content_type)
        response["Cache-Control"] = "public, max-age=3600"
        return response

    return docs_asset_view


def check_reserved_names(api: Api) -> None:
    """Refuse a ressource whose list URL a description switched on would hide."""
    for switch, name in RESERVED_NAMES.items():
        if not getattr(api, switch):
            continue
        for controller in api.controllers:
            if controller.ressource_name == name:
                raise ImproperlyConfigured(
                    f"{type(controller).__name__}: the ressource_name {name!r} is taken by the {switch} description "
                    f"({name}/); rename the ressource or pass {switch}=False to include()."
                )


def description_urlpatterns(api: Api) -> list[URLPattern]:
    """Return the self-description patterns that ``api``'s switches turn on."""
    check_reserved_names(api)
    patterns: list[URLPattern] = []
    if api.autodoc:
        patterns.append(path("schema/", make_schema_index_view(api), name="drfl-schema"))
        patterns.append(
            path("schema/<str:ressource_name>/", make_ressource_schema_view(api), name="drfl-schema-ressource")
        )
    if api.autospore:
        patterns.append(path("spore/", make_spore_view(api), name="drfl-spore"))
    if api.openapi:
        patterns.append(path("openapi.json", make_openapi_view(api), name="drfl-openapi"))
    if api.docs:
        patterns.append(path("docs/", make_docs_view(api), name="drfl-docs"))
        patterns.append(path("docs/assets/<str:filename>", make_docs_asset_view(api), name="drfl-docs-asset"))
    for pattern in patterns:
        pattern.callback.drfl_api = api  # type: ignore[attr-defined]  # lets the commands find the Api
    return patterns
