"""The OpenAPI 3.1 document of one ``include()``: paths, operations and parameters.

Built from the controllers that serve the requests (verbs, models, pagination,
partial, authentication, rate limit), so it cannot drift from what the API does.
Paths are relative to the single server entry, whose URL is the API's
``base_url`` or its mount prefix.
"""

from __future__ import annotations

import json
from typing import Any

from ...api import Api
from ...controllers import Controller
from .links import nested_links
from .operations import Names, error_response, operation, options_answer
from .parameters import (
    IDENTIFIER,
    filter_parameters,
    identifier_parameter,
    order_parameter,
    partial_parameters,
)
from .relations import relation_parameters
from .schemas import (
    ERROR_SCHEMA,
    component_names,
    create_schema,
    hook,
    meta_schema,
    object_schema,
    partial_object_schema,
    update_schema,
)
from .security import SecurityRegistry

__all__ = ["list_parameters", "openapi_document"]

OPENAPI_VERSION = "3.1.0"
#: The order of the verbs in a path item: reading first, then writing, then OPTIONS.
VERB_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
HELLO_TAG = {"name": "api", "description": "The API itself: its name and version."}


def list_parameters(controller: Controller) -> list[dict[str, Any]]:
    """Return the query parameters of a list GET: pagination, partial, ordering, relations and filters."""
    parameters: list[dict[str, Any]] = []
    describe = hook(controller.pagination, "openapi_parameters")
    if describe is not None:
        parameters.extend(describe())
    parameters.extend(partial_parameters(controller))
    parameters.append(order_parameter(controller))
    parameters.extend(relation_parameters(controller))
    reserved = {parameter["name"] for parameter in parameters} | set(controller.reserved_parameters)
    parameters.extend(parameter for parameter in filter_parameters(controller) if parameter["name"] not in reserved)
    return parameters


def ressource_schemas(controller: Controller, names: Names, components_of: dict[str, str]) -> dict[str, Any]:
    """Return the component schemas of one ressource that its operations use.

    The object always (answers, embedded objects); the create body with POST, the
    update body with PUT or PATCH, the list envelope with the list GET, and the
    partial object under partial responses.
    """
    shown = object_schema(controller, components_of)
    schemas = {names.base: shown}
    if "POST" in controller.list_methods:
        schemas[f"{names.base}Create"] = create_schema(controller)
    if "PUT" in controller.unique_methods or "PATCH" in controller.unique_methods:
        schemas[f"{names.base}Update"] = update_schema(controller)
    if "GET" in controller.list_methods:
        schemas[f"{names.base}List"] = {
            "type": "object",
            "required": ["meta", "object_list"],
            "properties": {
                "meta": meta_schema(controller.pagination),
                "object_list": {"type": "array", "items": names.read},
            },
        }
    if names.partial:
        schemas[f"{names.base}Partial"] = partial_object_schema(controller, shown, names.base)
    return schemas


def ressource_paths(controller: Controller, security: SecurityRegistry, names: Names,
                    shown: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the path items (list and unique) of one controller, with the verbs it serves (HEAD and OPTIONS too)."""
    name = controller.ressource_name
    query = list_parameters(controller)
    paths: dict[str, dict[str, Any]] = {}
    list_item = {
        verb.lower(): operation(controller, verb, unique=False, security=security, names=names, shown=shown,
                                list_parameters=query)
        for verb in VERB_ORDER
        if verb in controller.list_methods and verb in LIST_VERBS
    }
    if controller.list_verbs:
        paths[f"/{name}/"] = list_item
    unique_item: dict[str, Any] = {
        verb.lower(): operation(controller, verb, unique=True, security=security, names=names, shown=shown,
                                list_parameters=query)
        for verb in VERB_ORDER
        if verb in controller.unique_methods and verb in UNIQUE_VERBS
    }
    if controller.unique_verbs:
        paths[f"/{name}/{{{IDENTIFIER}}}/"] = {"parameters": [identifier_parameter(controller.model)], **unique_item}
    for hop in controller.relations.parents.values():
        parent_name = hop.target.ressource_name
        nested = {
            key: {**value, "operationId": f"{value['operationId']}_by_{parent_name}",
                  "responses": dict(sorted({**value["responses"], "404": error_response(404, body=key != "head")}.items()))}
            for key, value in list_item.items()
            if key in ("get", "post", "head")
        }
        if nested:
            parameter = identifier_parameter(
                hop.target.model, "parent", f"The {hop.target.model.pk_field.name} of the {parent_name} object."
            )
            paths[f"/{parent_name}/{{parent}}/{name}/"] = {"parameters": [parameter], **nested}
    return paths


LIST_VERBS = frozenset({"GET", "HEAD", "POST", "OPTIONS"})
UNIQUE_VERBS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"})


def hello_path() -> dict[str, Any]:
    """Return the path item of the API's root: its name and version, for anyone (HEAD and OPTIONS too)."""
    hello = {
        "type": "object",
        "required": ["name", "version"],
        "properties": {"name": {"type": "string"}, "version": {"type": "string"}},
    }
    common = {"tags": [HELLO_TAG["name"]], "security": []}
    return {
        "get": {
            "operationId": "hello",
            "summary": "Name and version of this API",
            "description": "Who answers here: the name and version the API was given.",
            **common,
            "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": hello}}}},
        },
        "head": {
            "operationId": "hello_head",
            "summary": "Headers of the name and version",
            "description": "The headers a GET of the root would answer, without the body.",
            **common,
            "responses": {"200": {"description": "OK"}},
        },
        "options": {
            "operationId": "hello_options",
            "summary": "Verbs of the root",
            "description": "The verbs the root serves, in Allow and in the body.",
            **common,
            "responses": {"200": options_answer()},
        },
    }


def server_url(api: Api, prefix: str) -> str:
    """Return the URL the paths hang from: ``base_url`` when given, else the mount prefix."""
    base = api.base_url or prefix
    return base.rstrip("/") or "/"


def link_nested(paths: dict[str, Any], schemas: dict[str, Any], components_of: dict[str, str], parent: Controller,
                child: Controller) -> None:
    """Link ``parent``'s create to ``child``'s nested list, when both are documented."""
    created = paths.get(f"/{parent.ressource_name}/", {}).get("post", {}).get("responses", {}).get("201")
    shown = schemas.get(components_of.get(parent.ressource_name, ""))
    if created is not None and shown is not None and f"/{parent.ressource_name}/{{parent}}/{child.ressource_name}/" in paths:
        created.setdefault("links", {}).update(nested_links(parent, shown, child))


def unused_objects(schemas: dict[str, Any], paths: dict[str, Any], candidates: list[str]) -> None:
    """Drop the full object of a ressource with partial responses when nothing refers to it.

    Its GETs answer ``<Name>Partial``; the full object is the answer of its writes
    and what ``?expand=`` embeds elsewhere: a read-only ressource nobody embeds leaves it unused.
    """
    text = json.dumps([paths, schemas])
    for name in candidates:
        if f'"#/components/schemas/{name}"' not in text:
            del schemas[name]


def openapi_document(api: Api, prefix: str) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of ``api`` (an ``include()``'s Api) mounted at ``prefix``."""
    security = SecurityRegistry()
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    tags = []
    partial = []
    components_of = component_names(api.controllers)
    if api.hello:
        paths["/"] = hello_path()
        tags.append(HELLO_TAG)
    for controller in api.controllers:
        names = Names(components_of[controller.ressource_name], partial=controller.partial is not None)
        if names.partial:
            partial.append(names.base)
        ressource = ressource_schemas(controller, names, components_of)
        schemas.update(ressource)
        paths.update(ressource_paths(controller, security, names, ressource[names.base]))
        tags.append({"name": controller.ressource_name, "description": f"Datastore: {type(controller.datastore).__name__}"})
    for controller in api.controllers:
        for hop in controller.relations.parents.values():
            link_nested(paths, schemas, components_of, hop.target, controller)
    unused_objects(schemas, paths, partial)
    components: dict[str, Any] = {"schemas": schemas}
    if security.schemes:
        components["securitySchemes"] = security.schemes
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": str(api.name),
            "version": str(api.version),
            "description": f"The {api.name} API: every endpoint, verb, parameter, body, answer and error it serves.",
        },
        "servers": [{"url": server_url(api, prefix)}],
        "tags": tags,
        "paths": paths,
        "components": components,
    }
