"""JSON Schemas (OpenAPI 3.1 dialect) of a ressource: its objects, request bodies and list envelope.

Formaters that describe their effect (``describe_schema`` on view formaters,
``describe_body`` on controller formaters; every shipped one does) are applied
to the schemas, so they describe what actually travels: ``remove_id`` drops the
pk from answers, ``format_foreign_key`` shows foreign keys as URIs,
``foreign_keys_format`` accepts URIs in bodies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...controllers import Controller
from ...formaters import schema_effects
from ...models import Field, Model
from ...models.fields import DateTimeField, ForeignKeyField, TimestampField


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


SCHEMA_SUFFIXES = ("", "Create", "Update", "List")


def component_names(ressource_names: list[str]) -> dict[str, str]:
    """Give each ressource a component base name whose four schemas clash with no other's.

    ``"user"`` and ``"user_list"`` would both want ``UserList``; the later one gets ``UserList2``.
    """
    taken = {"Error"}
    names = {}
    for ressource_name in ressource_names:
        base = candidate = schema_name(ressource_name)
        counter = 2
        while any(f"{candidate}{suffix}" in taken for suffix in SCHEMA_SUFFIXES):
            candidate, counter = f"{base}{counter}", counter + 1
        taken.update(f"{candidate}{suffix}" for suffix in SCHEMA_SUFFIXES)
        names[ressource_name] = candidate
    return names


def schema_name(ressource_name: str) -> str:
    """Return a component name for a ressource: ``"users"`` -> ``"Users"``."""
    parts = [part for part in ressource_name.replace("-", "_").split("_") if part]
    return "".join(part[:1].upper() + part[1:] for part in parts) or "Ressource"


def object_schema(controller: Controller) -> dict[str, Any]:
    """Return the schema of an object as the API answers it, after the view formaters.

    No member is required: a partial response (``?fields=``) leaves some out.
    """
    model: Model = controller.model
    properties = {field.name: field_schema(field) for field in model.get_fields()}
    pk = model.pk_field
    for field in model.get_fields():
        if field.read_only or field is pk and pk.base_type == "integer":
            properties[field.name]["readOnly"] = True
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    effects, custom = schema_effects(controller.view.formaters, "describe_schema")
    for effect in effects:
        effect(properties, model)
    for name in set(model.get_fields_name()).difference(field.name for field in controller.visible_fields):
        properties.pop(name, None)
    if custom:
        schema["description"] = f"Shaped by the view formaters {', '.join(custom)}, which may change these members."
    return schema


def body_field_schemas(controller: Controller, fields: list[Field]) -> dict[str, dict[str, Any]]:
    """Return the schema of each field in a request body, after the controller formaters that describe themselves."""
    properties = {field.name: field_schema(field) for field in fields}
    effects, _ = schema_effects(controller.formaters, "describe_body")
    for effect in effects:
        effect(properties, controller.model)
    return properties


def create_schema(controller: Controller) -> dict[str, Any]:
    """Return the schema of a POST body: the store assigns an integer pk, so it is not sent."""
    pk = controller.model.pk_field
    fields = [
        field for field in controller.visible_fields if not (field.read_only or field is pk and pk.base_type == "integer")
    ]
    properties = body_field_schemas(controller, fields)
    properties["ressource_uri"] = {"type": "string", "description": "Ignored, so that a read object can be sent back."}
    required = [field.name for field in fields if field.required or field is pk]
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def update_schema(controller: Controller) -> dict[str, Any]:
    """Return the schema of a PUT/PATCH body: any subset of the fields; the pk and read-only ones only unchanged."""
    pk = controller.model.pk_field
    properties = body_field_schemas(controller, controller.visible_fields)
    for field in controller.visible_fields:
        if field is pk or field.read_only:
            properties[field.name]["readOnly"] = True
            properties[field.name]["description"] = "May be sent back unchanged; it cannot be changed."
    properties["ressource_uri"] = {"type": "string", "description": "Ignored, so that a read object can be sent back."}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def meta_schema(pagination: Any) -> dict[str, Any]:
    """Return the schema of the list ``meta`` for a ressource with or without pagination."""
    filters = {
        "type": "object",
        "description": "The filters in effect, keyed as the request spelled them.",
        "additionalProperties": True,
    }
    describe = getattr(pagination, "openapi_meta_schema", None)
    if callable(describe):
        schema: dict[str, Any] = describe(filters)
        return schema
    return {"type": "object", "required": ["filters"], "properties": {"filters": filters}}


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


def lookup_parameters(name: str, value_schema: dict[str, Any], lookups: Iterable[str]) -> list[dict[str, Any]]:
    """Return the query parameters of filter ``name``: ``name`` itself (exact) and ``name__<lookup>``."""
    value_schema = {key: value for key, value in value_schema.items() if key not in {"default", "readOnly"}}
    parameters = []
    for lookup in sorted(lookups, key=lambda lookup: (lookup != "exact", lookup)):
        if lookup == "exact":
            schema: dict[str, Any] = value_schema
            description = f"Only objects whose {name} equals this value."
        elif lookup == "isnull":
            schema = {"type": "boolean"}
            description = f"true: only objects whose {name} is null; false: only the others."
        elif lookup == "in":
            schema = {"type": "string"}
            description = f"Comma-separated values; {name} must equal one of them."
        else:
            schema = {key: value for key, value in value_schema.items() if key in {"type", "format"}}
            description = f"Filter on {name} with the {lookup} lookup."
        parameters.append(
            {
                "name": name if lookup == "exact" else f"{name}__{lookup}",
                "in": "query",
                "required": False,
                "description": description,
                "schema": schema,
            }
        )
    return parameters
