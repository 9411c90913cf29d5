"""Build the OpenAPI 3.1 document of one ``include()`` from its built controllers.

The document is derived from the very objects that serve the requests (verbs,
models, pagination, partial, authentication, rate limit), so it cannot drift
from what the API does::

    from django_restframework_lite.openapi import openapi_document

    document = openapi_document(api, "/api/")

Paths are relative to the single server entry, whose URL is the API's
``base_url`` or its mount prefix.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .models import Field, Model
from .models.fields import DateTimeField, ForeignKeyField, TimestampField

OPENAPI_VERSION = "3.1.0"
ORDER_BY_KEY = "order_by"
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
    429: "Too many requests: the rate limit is exceeded.",
}
WRITE_VERBS = frozenset({"POST", "PUT", "PATCH"})


# Field and model schemas ----------------------------------------------------------------


def field_schema(field: Field) -> dict[str, Any]:
    """Return the JSON Schema (OpenAPI 3.1 dialect) of one field's values."""
    schema: dict[str, Any] = {}
    base = getattr(field, "base_type", "string")
    if isinstance(field, DateTimeField) or base == "datetime":
        schema["type"] = "string"
        schema["format"] = "date-time"
    elif isinstance(field, TimestampField) or base == "timestamp":
        schema["type"] = "number"
        schema["description"] = "Unix time in seconds."
    elif base == "integer":
        schema["type"] = "integer"
        schema["format"] = "int64"
    elif base == "float":
        schema["type"] = "number"
    elif base == "boolean":
        schema["type"] = "boolean"
    else:
        schema["type"] = "string"
    if field.max_length is not None and schema["type"] == "string":
        schema["maxLength"] = field.max_length
    if field.min_value is not None:
        schema["minimum"] = field.min_value
    if field.max_value is not None:
        schema["maximum"] = field.max_value
    if field.choices is not None:
        schema["enum"] = list(field.choices)
    if isinstance(field, ForeignKeyField):
        foreign = field.foreign
        schema["description"] = f"Refers to {foreign['table']}.{foreign.get('column', 'id')}."
    if field.nullable:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema and None not in schema["enum"]:
            schema["enum"].append(None)
    if "default" in field.options and not callable(field.options["default"]):
        schema["default"] = field.options["default"]
    example = getattr(field, "example", None)
    if example is not None and not field.choices:
        schema["examples"] = [example]
    return schema


def schema_name(ressource_name: str) -> str:
    """Return a component name for a ressource: ``"users"`` -> ``"Users"``."""
    parts = [part for part in ressource_name.replace("-", "_").split("_") if part]
    return "".join(part[:1].upper() + part[1:] for part in parts) or "Ressource"


def builtin_formater(formater: Any) -> str | None:
    """Return the name of a shipped formater (their effect on objects is known), else None."""
    if getattr(formater, "__module__", "") in {"django_restframework_lite.views", "django_restframework_lite.formaters"}:
        return getattr(formater, "__name__", None)
    return None


def view_formaters(controller: Any) -> list[Any]:
    view = getattr(controller, "view", None)
    formaters = getattr(view, "formaters", None)
    if formaters is None:
        from .views import add_ressource_uri

        return [add_ressource_uri]
    return list(formaters)


def reference_schema(field: Field) -> dict[str, Any]:
    """Return the schema of a foreign key shown as the URI of the object it points at."""
    table = field.foreign["table"]
    schema: dict[str, Any] = {"type": "string", "description": f"URI of the {table} object referred to."}
    if field.nullable:
        schema["type"] = ["string", "null"]
    return schema


def object_schema(controller: Any) -> dict[str, Any]:
    """Return the schema of an object as the API answers it, after the view formaters.

    The shipped formaters are applied to the schema (``remove_id`` drops the pk,
    ``format_foreign_key`` turns foreign keys into URIs, ``add_ressource_uri``
    adds ``ressource_uri``). No member is required: a partial response
    (``?fields=``) leaves some out.
    """
    model: Model = controller.model
    properties = {field.name: field_schema(field) for field in model.get_fields()}
    pk = model.pk_field
    if pk.base_type == "integer":
        properties[pk.name]["readOnly"] = True
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    custom = []
    for formater in view_formaters(controller):
        name = builtin_formater(formater)
        if name == "add_ressource_uri":
            properties["ressource_uri"] = {"type": "string", "readOnly": True, "description": "This object's URI."}
        elif name == "remove_id":
            properties.pop(pk.name, None)
        elif name == "format_foreign_key":
            for field in model.foreign_keys:
                properties[field.name] = reference_schema(field)
        else:
            custom.append(getattr(formater, "__name__", repr(formater)))
    if custom:
        schema["description"] = f"Shaped by the view formaters {', '.join(custom)}, which may change these members."
    return schema


def accepts_references(controller: Any) -> bool:
    """Tell whether the controller's formaters let clients send foreign keys as URIs."""
    return any(
        builtin_formater(formater) == "foreign_keys_format" for formater in getattr(controller, "formaters", None) or ()
    )


def body_field_schema(controller: Any, field: Field) -> dict[str, Any]:
    schema = field_schema(field)
    if isinstance(field, ForeignKeyField) and accepts_references(controller):
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        schema["type"] = [kinds[0], "string", *kinds[1:]] if "string" not in kinds else kinds
        schema.pop("format", None)
        schema["description"] += " Its URI is accepted too."
    return schema


def create_schema(controller: Any) -> dict[str, Any]:
    """Return the schema of a POST body: the store assigns an integer pk, so it is not sent."""
    model: Model = controller.model
    pk = model.pk_field
    fields = [field for field in model.get_fields() if not (field is pk and pk.base_type == "integer")]
    properties = {field.name: body_field_schema(controller, field) for field in fields}
    properties["ressource_uri"] = {"type": "string", "description": "Ignored, so that a read object can be sent back."}
    required = [field.name for field in fields if field.required or field is pk]
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def update_schema(controller: Any) -> dict[str, Any]:
    """Return the schema of a PUT/PATCH body: any subset of the fields; the pk only unchanged."""
    model: Model = controller.model
    properties = {field.name: body_field_schema(controller, field) for field in model.get_fields()}
    properties[model.pk_field.name]["description"] = "May be sent back unchanged; it cannot be changed."
    properties["ressource_uri"] = {"type": "string", "description": "Ignored, so that a read object can be sent back."}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def meta_schema(pagination: Any) -> dict[str, Any]:
    """Return the schema of the list ``meta`` for a ressource with or without pagination."""
    filters = {
        "type": "object",
        "description": "The filters in effect, keyed as the request spelled them.",
        "additionalProperties": True,
    }
    if pagination is None:
        return {"type": "object", "required": ["filters"], "properties": {"filters": filters}}
    offset_key, count_key = pagination_keys(pagination) or ("offset", "count")
    link = {"type": ["string", "null"], "description": "Absolute path and query of the page, or null."}
    return {
        "type": "object",
        "required": [offset_key, count_key, "total_count", "next", "previous", "filters"],
        "properties": {
            offset_key: {"type": "integer", "minimum": 0},
            count_key: {"type": "integer", "minimum": 0, "description": "The page size in effect."},
            "total_count": {"type": "integer", "minimum": 0, "description": "Objects matching the filters."},
            "next": link,
            "previous": link,
            "filters": filters,
        },
    }


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "One sentence saying what went wrong."},
        "fields": {
            "type": "object",
            "description": "A message per invalid field or query parameter.",
            "additionalProperties": {"type": "string"},
        },
    },
}


# Parameters -----------------------------------------------------------------------------


def pagination_keys(pagination: Any) -> tuple[str, str] | None:
    if pagination is None:
        return None
    return getattr(pagination, "offset_key", "offset"), getattr(pagination, "count_key", "count")


def partial_keyword(controller: Any) -> str | None:
    partial = getattr(controller, "partial", None)
    if partial is None:
        return None
    return getattr(partial, "partial_keyword", "fields")


def filter_parameters(controller: Any) -> list[dict[str, Any]]:
    """Return one query parameter per field and per field lookup (``age``, ``age__gt`` ...)."""
    parameters = []
    for field in controller.model.get_fields():
        value_schema = body_field_schema(controller, field)
        value_schema.pop("default", None)
        value_schema.pop("readOnly", None)
        parameters.append(
            {
                "name": field.name,
                "in": "query",
                "required": False,
                "description": f"Only objects whose {field.name} equals this value.",
                "schema": value_schema,
            }
        )
        for lookup in sorted(getattr(field, "lookups", ())):
            if lookup == "exact":
                continue
            if lookup == "isnull":
                schema: dict[str, Any] = {"type": "boolean"}
                description = f"true: only objects whose {field.name} is null; false: only the others."
            elif lookup == "in":
                schema = {"type": "string"}
                description = f"Comma-separated values; {field.name} must equal one of them."
            else:
                schema = {key: value for key, value in value_schema.items() if key in {"type", "format"}}
                description = f"Filter on {field.name} with the {lookup} lookup."
            parameters.append(
                {
                    "name": f"{field.name}__{lookup}",
                    "in": "query",
                    "required": False,
                    "description": description,
                    "schema": schema,
                }
            )
    return parameters


def list_parameters(controller: Any) -> list[dict[str, Any]]:
    """Return the query parameters of a list GET: pagination, partial, ordering and filters."""
    model = controller.model
    parameters: list[dict[str, Any]] = []
    keys = pagination_keys(controller.pagination)
    if keys is not None:
        offset_key, count_key = keys
        max_result = getattr(controller.pagination, "max_result", None)
        count_schema: dict[str, Any] = {"type": "integer", "minimum": 0}
        description = "Page size"
        if max_result is not None:
            description += f"; above {max_result} it is lowered to {max_result}"
            count_schema["default"] = max_result
        parameters.append(
            {
                "name": offset_key,
                "in": "query",
                "required": False,
                "description": "Index of the first object of the page.",
                "schema": {"type": "integer", "minimum": 0, "default": 0},
            }
        )
        parameters.append(
            {"name": count_key, "in": "query", "required": False, "description": description + ".", "schema": count_schema}
        )
    keyword = partial_keyword(controller)
    if keyword is not None:
        parameters.append(partial_parameter(keyword, model))
    names = ", ".join(model.get_fields_name())
    parameters.append(
        {
            "name": ORDER_BY_KEY,
            "in": "query",
            "required": False,
            "description": f"Comma-separated fields, '-' for descending order; one of: {names}. Default: the pk.",
            "schema": {"type": "string"},
        }
    )
    reserved = {parameter["name"] for parameter in parameters} | set(auth_query_parameters(controller))
    parameters.extend(parameter for parameter in filter_parameters(controller) if parameter["name"] not in reserved)
    return parameters


def partial_parameter(keyword: str, model: Model) -> dict[str, Any]:
    names = ", ".join(model.get_fields_name())
    return {
        "name": keyword,
        "in": "query",
        "required": False,
        "description": f"Comma-separated fields to return (the pk and ressource_uri always come); among: {names}.",
        "schema": {"type": "string"},
    }


def identifier_parameter(model: Model) -> dict[str, Any]:
    integer = model.pk_field.base_type == "integer"
    return {
        "name": IDENTIFIER,
        "in": "path",
        "required": True,
        "description": f"The {model.pk_field.name} of the object.",
        "schema": {"type": "integer"} if integer else {"type": "string"},
    }


# Security -------------------------------------------------------------------------------


def auth_query_parameters(controller: Any) -> tuple[str, ...]:
    authentication = getattr(controller, "authentication", None)
    return tuple(getattr(authentication, "query_parameters", ()) or ())


def api_key_header() -> str:
    try:
        from .authentication import API_KEY_HEADER
    except ImportError:  # the protection layer is optional to this module
        return "X-Api-Key"
    return API_KEY_HEADER


def security_schemes_of(authentication: Any) -> list[dict[str, Any]]:
    """Return the OpenAPI security schemes one authentication object accepts.

    An authentication class may describe itself with ``get_openapi_security_schemes()``;
    the shipped ones are recognised by their class names.
    """
    if authentication is None:
        return []
    hook = getattr(authentication, "get_openapi_security_schemes", None)
    if callable(hook):
        return list(hook())
    names = {klass.__name__ for klass in type(authentication).__mro__}
    if "ApiKeyAuthentication" in names:
        identifier = getattr(authentication, "identifier", "apikey")
        header = getattr(authentication, "header", None) or api_key_header()
        return [
            {"type": "apiKey", "in": "query", "name": identifier, "description": "API key as a query parameter."},
            {"type": "apiKey", "in": "header", "name": header, "description": "API key as a header."},
        ]
    if "BasicAuthentication" in names:
        return [{"type": "http", "scheme": "basic", "description": "HTTP Basic credentials."}]
    if "DjangoAuthentication" in names:
        return [
            {
                "type": "apiKey",
                "in": "cookie",
                "name": settings.SESSION_COOKIE_NAME,
                "description": "Django session cookie; unsafe methods also need the CSRF token (X-CSRFToken).",
            }
        ]
    return [
        {"type": "apiKey", "in": "query", "name": name, "description": f"Read by {type(authentication).__name__}."}
        for name in getattr(authentication, "query_parameters", ()) or ()
    ]


class SecurityRegistry:
    """Give each distinct security scheme one component name, shared by the controllers using it."""

    def __init__(self) -> None:
        self.schemes: dict[str, dict[str, Any]] = {}

    def name_for(self, scheme: dict[str, Any]) -> str:
        for name, known in self.schemes.items():
            if known == scheme:
                return name
        if scheme["type"] == "http":
            base = scheme.get("scheme", "http")
        elif scheme["type"] == "apiKey":
            base = {"cookie": "session", "query": "apiKeyQuery", "header": "apiKeyHeader"}[scheme["in"]]
        else:
            base = scheme["type"]
        name, counter = base, 2
        while name in self.schemes:
            name, counter = f"{base}{counter}", counter + 1
        self.schemes[name] = scheme
        return name

    def requirements(self, controller: Any) -> list[dict[str, list[str]]] | None:
        """Return an operation's ``security``; optional (``{}``) when no authorization enforces it."""
        schemes = security_schemes_of(getattr(controller, "authentication", None))
        if not schemes:
            return None
        requirements: list[dict[str, list[str]]] = [{self.name_for(scheme): []} for scheme in schemes]
        if getattr(controller, "authorization", None) is None:
            requirements.append({})
        return requirements


# Operations -----------------------------------------------------------------------------


def error_response(status: int) -> dict[str, Any]:
    return {"description": ERROR_DESCRIPTIONS[status], "content": {"application/json": {"schema": ERROR_REF}}}


def ratelimit_headers(controller: Any) -> dict[str, Any]:
    if getattr(controller, "ratelimit", None) is None:
        return {}
    integer = {"schema": {"type": "integer"}}
    return {
        "X-RateLimit-Limit": {"description": "Requests allowed per interval.", **integer},
        "X-RateLimit-Remaining": {"description": "Requests left in this interval.", **integer},
        "X-RateLimit-Reset": {"description": "When the interval starts again.", **integer},
    }


def operation(
    controller: Any,
    verb: str,
    *,
    unique: bool,
    security: SecurityRegistry,
) -> dict[str, Any]:
    """Return the OpenAPI operation for one verb of a list or unique endpoint."""
    name = controller.ressource_name
    component = schema_name(name)
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
            keyword = partial_keyword(controller)
            if keyword is not None:
                parameters.append(partial_parameter(keyword, controller.model))
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
        responses["200"] = {"description": "The updated object.", "content": {"application/json": {"schema": object_ref}}}
    elif verb == "DELETE":
        responses["204"] = {"description": "Deleted; the body is empty."}
    elif verb == "OPTIONS":
        responses["200"] = {
            "description": "The allowed verbs.",
            "headers": {"Allow": {"description": "The allowed verbs.", "schema": {"type": "string"}}},
        }
    if verb in WRITE_VERBS:
        for status in (400, 409, 413, 415):
            responses[str(status)] = error_response(status)
    if verb == "DELETE":
        responses["409"] = error_response(409)
    if unique:
        responses["404"] = error_response(404)
        if verb in {"PUT", "PATCH", "DELETE"}:
            responses["412"] = error_response(412)
    requirements = security.requirements(controller)
    if requirements is not None:
        op["security"] = requirements
        responses["401"] = error_response(401)
        responses["403"] = error_response(403)
    if getattr(controller, "ratelimit", None) is not None:
        responses["429"] = error_response(429)
    if headers:
        for status, response in responses.items():
            if status.startswith("2"):
                response.setdefault("headers", {}).update(headers)
    if parameters:
        op["parameters"] = parameters
    op["responses"] = dict(sorted(responses.items()))
    return op


def ressource_paths(controller: Any, security: SecurityRegistry) -> dict[str, dict[str, Any]]:
    """Return the path items (list and unique) of one controller, with only its configured verbs."""
    name = controller.ressource_name
    paths: dict[str, dict[str, Any]] = {}
    list_item = {
        verb.lower(): operation(controller, verb, unique=False, security=security) for verb in controller.list_verbs
    }
    if list_item:
        paths[f"/{name}/"] = list_item
    unique_item: dict[str, Any] = {
        verb.lower(): operation(controller, verb, unique=True, security=security) for verb in controller.unique_verbs
    }
    if unique_item:
        paths[f"/{name}/{{{IDENTIFIER}}}/"] = {"parameters": [identifier_parameter(controller.model)], **unique_item}
    return paths


def server_url(api: Any, prefix: str) -> str:
    """Return the URL the paths hang from: ``base_url`` when given, else the mount prefix."""
    base = getattr(api, "base_url", None) or prefix
    return base.rstrip("/") or "/"


def openapi_document(api: Any, prefix: str) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of ``api`` (an ``include()``'s Api) mounted at ``prefix``."""
    security = SecurityRegistry()
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    tags = []
    if getattr(api, "hello", False):
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
        component = schema_name(controller.ressource_name)
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
        paths.update(ressource_paths(controller, security))
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
