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
from ...models.fields import ForeignKeyField
from ..seed import client_must_send


def field_schema(field: Field) -> dict[str, Any]:
    """Return the JSON Schema (OpenAPI 3.1 dialect) of one field's values.

    The type and format come from the field class itself (``json_schema()``:
    ``date``, ``uuid``, decimals as patterned strings, bytes as base64...); the
    field's options add bounds, choices, nullability, a default and an example,
    and its ``description`` (Django's ``help_text``) comes first in the description.
    """
    schema: dict[str, Any] = field.json_schema()
    notes = [field.description, schema.pop("description", None)]
    kind = schema.get("type")
    if field.max_length is not None and kind == "string" and field.base_type != "binary":
        schema["maxLength"] = field.max_length
    if kind in {"integer", "number"}:
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
    if field.choices is not None:
        schema["enum"] = list(field.choices)
    if isinstance(field, ForeignKeyField):
        foreign = field.foreign
        notes.append(f"Refers to {foreign['table']}.{foreign.get('column', 'id')}.")
    elif field.many:
        foreign = field.options["foreign"]
        notes.append(f"The pks of the {foreign['table']} objects linked, ascending; filters select the objects linked to a value.")
    description = " ".join(note for note in notes if note)
    if description:
        schema["description"] = description
    if field.nullable and kind is not None:
        schema["type"] = [kind, "null"]
        if "enum" in schema and None not in schema["enum"]:
            schema["enum"].append(None)
    if "default" in field.options and not callable(field.options["default"]):
        default = field.get_default()
        if not (default == "" and "format" in schema):  # blank is no e-mail address or URL: no such default
            schema["default"] = default
    example = getattr(field, "example", None)
    if example is not None and not field.choices:
        schema["examples"] = [example]
    return schema


def assigned(field: Field, pk: Field) -> bool:
    """Tell whether a field is the server's to write: read-only, or a pk the store assigns."""
    return bool(field.read_only) or field is pk and pk.assigned_by_store


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
        if assigned(field, pk):
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
    """Return the schema of a JSON POST body: no pk the store assigns, no read-only field, no file (uploads are multipart)."""
    pk = controller.model.pk_field
    fields = [
        field for field in controller.visible_fields if not (assigned(field, pk) or field.base_type == "file")
    ]
    properties = body_field_schemas(controller, fields)
    properties["ressource_uri"] = {"type": "string", "description": "Ignored, so that a read object can be sent back."}
    required = [field.name for field in fields if client_must_send(field, pk)]
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
        elif field.base_type == "file":
            properties[field.name]["description"] = (
                "The URL read, sent back unchanged, or null to clear it; upload a new file with multipart/form-data."
            )
    properties["ressource_uri"] = {"type": "string", "description": "Ignored, so that a read object can be sent back."}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def multipart_schema(controller: Controller, *, create: bool) -> dict[str, Any]:
    """Return the schema of a ``multipart/form-data`` body: each part is text, as a query value; files are binary."""
    pk = controller.model.pk_field
    fields = [field for field in controller.visible_fields if not assigned(field, pk) and (create or field is not pk)]
    properties: dict[str, Any] = {}
    for field in fields:
        if field.base_type == "file":
            part: dict[str, Any] = {"type": "string", "contentMediaType": "application/octet-stream"}
        elif field.many:
            part = {"type": "array", "items": field.items.json_schema()}  # type: ignore[attr-defined]
        else:
            part = field_schema(field)
        if field.description:
            part["description"] = field.description
        properties[field.name] = part
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [field.name for field in fields if create and client_must_send(field, pk)]
    if required:
        schema["required"] = required
    return schema


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
