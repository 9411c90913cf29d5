"""The OpenAPI 3.1 document of one ``include()``: paths, operations and parameters.

Built from the controllers that serve the requests (verbs, models, pagination,
partial, authentication, rate limit), so it cannot drift from what the API does.
Paths are relative to the single server entry, whose URL is the API's
``base_url`` or its mount prefix.
"""

from __future__ import annotations

from typing import Any

from ...api import Api
from ...controllers import Controller
from ...datastore.query import ORDER_BY_KEY
from ...models import Model
from .relations import expand_parameters, relation_parameters
from .schemas import (
    ERROR_SCHEMA,
    body_field_schemas,
    component_names,
    create_schema,
    lookup_parameters,
    meta_schema,
    multipart_schema,
    object_schema,
    update_schema,
)
from .security import SecurityRegistry

OPENAPI_VERSION = "3.1.0"
IDENTIFIER = "identifier"
ERROR_REF = {"$ref": "#/components/schemas/Error"}

LIST_SUMMARIES = {"GET": "List {name}", "POST": "Create one of {name}", "HEAD": "Headers of the {name} list"}
UNIQUE_SUMMARIES = {
    "GET": "Read one of {name}",
    "PUT": "Update one of {name} (only the given fields change)",
    "PATCH": "Update the given fields of one of {name}",
    "DELETE": "Delete one of {name}",
    "HEAD": "Headers of one of {name}",
}
ERROR_DESCRIPTIONS = {
    400: "The request is invalid: see error and fields.",
    401: "Authentication credentials were missing or incorrect.",
    403: "The authenticated user may not do this.",
    404: "No such ressource.",
    405: "This verb is not allowed here.",
    409: "The request conflicts with stored data.",
    412: "The ressource changed since the ETag given in If-Match.",
    413: "The request body is too large.",
    415: "Request bodies must be application/json.",
    429: "Too many requests (or failed authentications): the rate limit is exceeded; see Retry-After.",
    503: "A service the API needs (the database, the rate limit's cache) is unavailable; see Retry-After.",
}
RETRY_AFTER = {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
ETAG = {"description": "The tag of the object (or list) in the body, for If-Match and If-None-Match.",
        "schema": {"type": "string"}}
WRITE_VERBS = frozenset({"POST", "PUT", "PATCH"})


# Parameters -----------------------------------------------------------------------------


def partial_parameters(controller: Controller) -> list[dict[str, Any]]:
    """Return the query parameter of the partial response option, if the ressource has one."""
    describe = getattr(controller.partial, "openapi_parameters", None)
    return list(describe(controller.selectable)) if callable(describe) else []


def filter_parameters(controller: Controller) -> list[dict[str, Any]]:
    """Return one query parameter per filterable field and allowed lookup (``age``, ``age__gt`` ...)."""
    parameters = []
    allowed = controller.query_rules.filters
    fields = [field for field in controller.model.get_fields() if field.name in allowed]
    schemas = body_field_schemas(controller, fields)
    for field in fields:
        # A many-to-many filter takes one pk of the target ("related to"), not a list.
        value_schema = field.items.json_schema() if field.many else schemas[field.name]  # type: ignore[attr-defined]
        parameters.extend(lookup_parameters(field.name, value_schema, allowed[field.name]))
    return parameters


def list_parameters(controller: Controller) -> list[dict[str, Any]]:
    """Return the query parameters of a list GET: pagination, partial, ordering and filters."""
    model = controller.model
    parameters: list[dict[str, Any]] = []
    describe = getattr(controller.pagination, "openapi_parameters", None)
    if callable(describe):
        parameters.extend(describe())
    parameters.extend(partial_parameters(controller))
    orderable = [name for name in model.get_fields_name() if name in controller.query_rules.order]
    names = ", ".join([*orderable, *sorted(controller.relations.order)])
    parameters.append(
        {
            "name": ORDER_BY_KEY,
            "in": "query",
            "required": False,
            "description": f"Comma-separated fields, '-' for descending order; one of: {names}. Default: the pk.",
            "schema": {"type": "string"},
        }
    )
    parameters.extend(relation_parameters(controller))
    reserved = {parameter["name"] for parameter in parameters} | set(controller.reserved_parameters)
    parameters.extend(parameter for parameter in filter_parameters(controller) if parameter["name"] not in reserved)
    return parameters


def identifier_parameter(model: Model) -> dict[str, Any]:
    pk = model.pk_field
    if pk.base_type == "integer":
        schema: dict[str, Any] = {"type": "integer"}
    else:
        schema = {key: value for key, value in pk.json_schema().items() if key in {"type", "format"}}
    return {
        "name": IDENTIFIER,
        "in": "path",
        "required": True,
        "description": f"The {pk.name} of the object.",
        "schema": schema,
    }


# Operations -----------------------------------------------------------------------------


def error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {"description": ERROR_DESCRIPTIONS[status], "content": {"application/json": {"schema": ERROR_REF}}}
    if status in (429, 503):
        response["headers"] = {"Retry-After": RETRY_AFTER}
    return response


def ratelimit_headers(controller: Controller) -> dict[str, Any]:
    describe = getattr(controller.ratelimit, "openapi_headers", None)
    return dict(describe()) if callable(describe) else {}


def operation(
    controller: Controller,
    verb: str,
    *,
    unique: bool,
    security: SecurityRegistry,
    component: str,
) -> dict[str, Any]:
    """Return the OpenAPI operation for one verb of a list or unique endpoint; ``component`` names its schemas."""
    name = controller.ressource_name
    object_ref = {"$ref": f"#/components/schemas/{component}"}
    summaries = UNIQUE_SUMMARIES if unique else LIST_SUMMARIES
    kind = "detail" if unique else "list"
    op: dict[str, Any] = {
        "operationId": f"{name}_{kind}_{verb.lower()}",
        "summary": summaries.get(verb, f"{verb} {name}").format(name=name),
        "tags": [name],
    }
    parameters: list[dict[str, Any]] = []
    headers = ratelimit_headers(controller)
    responses: dict[str, Any] = {}
    if verb in {"GET", "HEAD"}:
        if unique:
            parameters.extend(partial_parameters(controller))
            parameters.extend(expand_parameters(controller))
            body_ref = object_ref
        else:
            parameters.extend(list_parameters(controller))
            body_ref = {"$ref": f"#/components/schemas/{component}List"}
        success: dict[str, Any] = {"description": "OK"}
        if verb == "GET":
            success["content"] = {"application/json": {"schema": body_ref}}
        responses["200"] = success
        responses["304"] = {"description": "Not modified: the If-None-Match ETag still matches."}
        responses["400"] = error_response(400)
    elif verb == "POST":
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}Create"}}},
        }
        if controller.accepts_uploads:
            op["requestBody"]["content"]["multipart/form-data"] = {"schema": multipart_schema(controller, create=True)}
        responses["201"] = {
            "description": "Created; Location gives the new object's URI.",
            "headers": {"Location": {"description": "The new object's URI.", "schema": {"type": "string"}}},
            "content": {"application/json": {"schema": object_ref}},
        }
    elif verb in {"PUT", "PATCH"}:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}Update"}}},
        }
        if controller.accepts_uploads:
            op["requestBody"]["content"]["multipart/form-data"] = {"schema": multipart_schema(controller, create=False)}
        responses["200"] = {"description": "The updated object.", "content": {"application/json": {"schema": object_ref}}}
    elif verb == "DELETE":
        responses["204"] = {"description": "Deleted; the body is empty."}
    elif verb == "OPTIONS":
        responses["200"] = {
            "description": "The allowed verbs.",
            "headers": {"Allow": {"description": "The allowed verbs.", "schema": {"type": "string"}}},
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["allow"],
                        "properties": {"allow": {"type": "array", "items": {"type": "string"}}},
                    }
                }
            },
        }
    if verb in WRITE_VERBS:
        for status in (400, 409, 413, 415):
            responses[str(status)] = error_response(status)
        if controller.accepts_uploads:
            responses["415"]["description"] = "Request bodies must be application/json or multipart/form-data."
            responses["413"]["description"] = "The request body, or an uploaded file, is too large."
    if verb == "DELETE":
        responses["409"] = error_response(409)
    if unique:
        responses["404"] = error_response(404)
    if verb != "OPTIONS":
        responses["412"] = error_response(412)  # If-Match is honoured on every method (RFC 9110)
        responses["503"] = error_response(503)
        for status in ("200", "201"):
            if status in responses and verb != "DELETE":
                responses[status].setdefault("headers", {})["ETag"] = ETAG
    requirements = security.requirements(controller)
    if requirements is not None:
        op["security"] = requirements
        responses["401"] = error_response(401)
        responses["403"] = error_response(403)
    if controller.ratelimit is not None:
        responses["429"] = error_response(429)
    if headers:
        for status, response in responses.items():
            if status.startswith("2"):
                response.setdefault("headers", {}).update(headers)
    if parameters:
        op["parameters"] = parameters
    op["responses"] = dict(sorted(responses.items()))
    return op


def ressource_paths(controller: Controller, security: SecurityRegistry, component: str) -> dict[str, dict[str, Any]]:
    """Return the path items (list and unique) of one controller, with only its configured verbs."""
    name = controller.ressource_name
    paths: dict[str, dict[str, Any]] = {}
    list_item = {
        verb.lower(): operation(controller, verb, unique=False, security=security, component=component)
        for verb in controller.list_verbs
    }
    if list_item:
        paths[f"/{name}/"] = list_item
    unique_item: dict[str, Any] = {
        verb.lower(): operation(controller, verb, unique=True, security=security, component=component)
        for verb in controller.unique_verbs
    }
    if unique_item:
        paths[f"/{name}/{{{IDENTIFIER}}}/"] = {"parameters": [identifier_parameter(controller.model)], **unique_item}
    for hop in controller.relations.parents.values():
        nested = {
            key: {**value, "operationId": f"{value['operationId']}_by_{hop.target.ressource_name}",
                  "responses": {**value["responses"], "404": error_response(404)}}
            for key, value in list_item.items()
            if key in ("get", "post", "head")
        }
        if nested:
            parameter = {**identifier_parameter(hop.target.model), "name": "parent",
                         "description": f"The {hop.target.model.pk_field.name} of the {hop.target.ressource_name} object."}
            paths[f"/{hop.target.ressource_name}/{{parent}}/{name}/"] = {"parameters": [parameter], **nested}
    return paths


def server_url(api: Api, prefix: str) -> str:
    """Return the URL the paths hang from: ``base_url`` when given, else the mount prefix."""
    base = api.base_url or prefix
    return base.rstrip("/") or "/"


def openapi_document(api: Api, prefix: str) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of ``api`` (an ``include()``'s Api) mounted at ``prefix``."""
    security = SecurityRegistry()
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    tags = []
    components_of = component_names([controller.ressource_name for controller in api.controllers])
    if api.hello:
        paths["/"] = {
            "get": {
                "operationId": "hello",
                "summary": "Name and version of this API",
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["name", "version"],
                                    "properties": {"name": {"type": "string"}, "version": {"type": "string"}},
                                }
                            }
                        },
                    }
                },
            }
        }
    for controller in api.controllers:
        component = components_of[controller.ressource_name]
        schemas[component] = object_schema(controller)
        schemas[f"{component}Create"] = create_schema(controller)
        schemas[f"{component}Update"] = update_schema(controller)
        schemas[f"{component}List"] = {
            "type": "object",
            "required": ["meta", "object_list"],
            "properties": {
                "meta": meta_schema(controller.pagination),
                "object_list": {"type": "array", "items": {"$ref": f"#/components/schemas/{component}"}},
            },
        }
        paths.update(ressource_paths(controller, security, component))
        tags.append({"name": controller.ressource_name, "description": f"Datastore: {type(controller.datastore).__name__}"})
    components: dict[str, Any] = {"schemas": schemas}
    if security.schemes:
        components["securitySchemes"] = security.schemes
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": str(api.name), "version": str(api.version)},
        "servers": [{"url": server_url(api, prefix)}],
        "tags": tags,
        "paths": paths,
        "components": components,
    }
    return document
