"""The HTML docs page: what it shows of each endpoint, and its own assets.

``docs_context(api, prefix)`` is the page's data; the template renders it, and
the page's JS and CSS are served by the API itself (``docs/assets/<file>``), so
the page works whether or not the project serves static files.

The template is looked up through the project's template engines first, so a
project may override ``django_restframework_lite/docs.html``; a project with no
``TEMPLATES`` setting (a one-file app under ``WSGIDispatcher``) gets it from a
template engine of the app's own, so the page works there too.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import get_template

from ..api import Api
from ..controllers import Controller
from ..models.fields import Field
from ..models.text import INT64_MAX, INT64_MIN
from .examples import output_schemas, response_examples, shown_type
from .openapi.security import security_schemes_of
from .seed import client_must_send

PACKAGE_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = PACKAGE_DIR / "static" / "django_restframework_lite"
# The docs page's own assets, served by the API itself so that the page works
# whether or not the project serves static files (a wheel under runserver, say).
DOCS_ASSETS = {"docs.js": "text/javascript; charset=utf-8", "docs.css": "text/css; charset=utf-8"}
DOCS_TEMPLATE = "django_restframework_lite/docs.html"


def field_description(field: Field, pk: Field, shown: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return what the docs page shows of one field; ``shown`` is its schema as answers carry it.

    The type and note come from ``shown`` (the field's JSON Schema after the view
    formaters' ``describe_schema``), so a foreign key that ``format_foreign_key``
    sends as a URI is called one.
    """
    foreign = getattr(field, "foreign", None)
    shown = shown if shown is not None else field.json_schema()
    note = shown.get("description")
    return {
        "name": field.name,
        "type": shown_type(shown),
        "note": note if note and note != field.description else None,
        "required": client_must_send(field, pk),
        "nullable": bool(field.nullable),
        "pk": field is pk,
        "read_only": bool(field.read_only) or (field is pk and pk.assigned_by_store),
        "description": field.description,
        "max_length": field.max_length,
        "choices": field.choices,
        # Bounds that only restate 64-bit integers say nothing to a reader.
        "min_value": None if field.min_value == INT64_MIN else field.min_value,
        "max_value": None if field.max_value == INT64_MAX else field.max_value,
        "foreign": f"{foreign['table']}.{foreign.get('column', 'id')}" if foreign else None,
        "example": field.example,
    }


def fields_description(controller: Controller) -> list[dict[str, Any]]:
    """Return the page's rows: each visible field, then each member a view formater adds (``ressource_uri``)."""
    pk = controller.model.pk_field
    shown = output_schemas(controller)
    rows = [field_description(field, pk, shown.get(field.name)) for field in controller.visible_fields]
    for name, schema in shown.items():
        if controller.model.get_field(name) is None:
            rows.append({"name": name, "type": shown_type(schema), "required": False, "nullable": False, "pk": False,
                         "read_only": True, "description": schema.get("description"), "note": None,
                         "max_length": None, "choices": None, "min_value": None, "max_value": None,
                         "foreign": None, "example": None})
    return rows


def example_body(controller: Controller) -> dict[str, Any]:
    """Return a body a create would accept, built from each writable field's example.

    The docs page puts it in its forms, so that trying a POST starts from something valid.
    """
    pk = controller.model.pk_field
    body: dict[str, Any] = {}
    for field in controller.visible_fields:
        if field is pk and pk.assigned_by_store or field.read_only or field.base_type == "file":
            continue  # the server's values, and files (uploaded as multipart, not in a JSON body)
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


def lookup_order(lookups: Any) -> list[str]:
    """Return a filter's lookups as the page lists them: ``exact`` (the bare name) first, then by name."""
    return sorted(lookups, key=lambda lookup: (lookup != "exact", lookup))


def query_description(controller: Controller, prefix: str) -> dict[str, Any]:
    """Return what a client may put in a list's query string, and the nested routes."""
    relations = controller.relations
    filters = [{"name": name, "lookups": lookup_order(lookups)} for name, lookups in controller.query_rules.filters.items()]
    filters += [{"name": name, "lookups": lookup_order(lookups)} for name, (_, lookups) in relations.filters.items()]
    order = [name for name in controller.model.get_fields_name() if name in controller.query_rules.order]
    search = None
    if relations.search is not None:
        search = [getattr(target, "name", "") for target in relations.search]
    nested = [
        {"url": f"{prefix}{hop.target.ressource_name}/{{{hop.field.name}}}/{controller.ressource_name}/",
         "verbs": [verb for verb in controller.list_verbs if verb in ("GET", "POST")]}
        for hop in relations.parents.values()
    ]
    return {
        "filters": filters,
        "order_fields": order + sorted(relations.order),
        "search_fields": search,
        "expand": sorted(relations.expand),
        "nested": nested,
    }


def docs_context(api: Api, prefix: str, request: HttpRequest | None = None) -> dict[str, Any]:
    """Return what the docs page shows: one entry per ressource, and the API's other descriptions.

    ``request`` is the one the view formaters see when they render the example
    objects (a bare request when the page is built outside a request).
    """
    request = request if request is not None else HttpRequest()
    ressources = []
    for controller in api.controllers:
        model = controller.model
        pagination = getattr(controller, "pagination", None)
        list_url = f"{prefix}{controller.ressource_name}/"
        ressources.append(
            {
                "name": controller.ressource_name,
                "list_url": list_url,
                "detail_url": f"{prefix}{controller.ressource_name}/{{identifier}}/",
                "list_verbs": list(controller.list_verbs),
                "unique_verbs": list(controller.unique_verbs),
                "fields": fields_description(controller),
                "pk": model.pk_field.name,
                "datastore": type(controller.datastore).__name__,
                "pagination": None
                if pagination is None
                else {
                    # The parameter that picks the page: the cursor of a CursorPagination, the offset of a Pagination.
                    "page_key": getattr(pagination, "cursor_key", None) or getattr(pagination, "offset_key", "offset"),
                    "count_key": getattr(pagination, "count_key", "count"),
                    "max_result": getattr(pagination, "max_result", None),
                    "total": getattr(pagination, "total", None),
                },
                "partial_keyword": getattr(controller.partial, "partial_keyword", None),
                "authentication": describe_authentication(controller),
                "security": security_schemes_of(controller.authentication),
                "ratelimit": getattr(controller, "ratelimit", None) is not None,
                "example_body": example_body(controller),
                "examples": response_examples(controller, request, prefix, list_url),
                **query_description(controller, prefix),
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


@functools.lru_cache(maxsize=len(DOCS_ASSETS))
def read_asset(filename: str) -> bytes:
    return (STATIC_DIR / filename).read_bytes()


def asset_url(prefix: str, filename: str) -> str:
    """Return an asset's URL, versioned by its content so that a cached copy never outlives a change."""
    digest = hashlib.sha256(read_asset(filename)).hexdigest()[:12]
    return f"{prefix}docs/assets/{filename}?v={digest}"


@functools.lru_cache(maxsize=1)
def own_template_engine() -> Engine:
    """Return the engine that finds the app's templates when the project's engines do not."""
    return Engine(dirs=[str(PACKAGE_DIR / "templates")], app_dirs=False)


def render_docs_page(context: dict[str, Any], request: HttpRequest) -> str:
    """Render the docs page: with the project's engines if one finds the template, else with the app's own."""
    try:
        template = get_template(DOCS_TEMPLATE)
    except TemplateDoesNotExist:
        return own_template_engine().get_template(DOCS_TEMPLATE).render(Context(context))
    return template.render(context, request)
