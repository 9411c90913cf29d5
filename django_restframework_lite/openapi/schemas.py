"""JSON Schemas (OpenAPI 3.1 dialect) of a ressource: its objects, request bodies and list envelope.

The shipped formaters are taken into account, so the schemas describe what
actually travels: ``remove_id`` drops the pk from answers, ``format_foreign_key``
shows foreign keys as URIs, ``foreign_keys_format`` accepts URIs in bodies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import Field, Model
from ..models.fields import DateTimeField, ForeignKeyField, TimestampField

if TYPE_CHECKING:
    from ..controllers import Controller


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


def builtin_formater(formater: Any) -> str | None:
    """Return the name of a shipped formater (their effect on objects is known), else None."""
    if getattr(formater, "__module__", "") in {"django_restframework_lite.views", "django_restframework_lite.formaters"}:
        return getattr(formater, "__name__", None)
    return None


def view_formaters(controller: Controller) -> list[Any]:
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


def object_schema(controller: Controller) -> dict[str, Any]:
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


def accepts_references(controller: Controller) -> bool:
    """Tell whether the controller's formaters let clients send foreign keys as URIs."""
    return any(
        builtin_formater(formater) == "foreign_keys_format" for formater in getattr(controller, "formaters", None) or ()
    )


def body_field_schema(controller: Controller, field: Field) -> dict[str, Any]:
    schema = field_schema(field)
    if isinstance(field, ForeignKeyField) and accepts_references(controller):
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        schema["type"] = [kinds[0], "string", *kinds[1:]] if "string" not in kinds else kinds
        schema.pop("format", None)
        schema["description"] += " Its URI is accepted too."
    return schema


def create_schema(controller: Controller) -> dict[str, Any]:
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


def update_schema(controller: Controller) -> dict[str, Any]:
    """Return the schema of a PUT/PATCH body: any subset of the fields; the pk only unchanged."""
    model: Model = controller.model
    properties = {field.name: body_field_schema(controller, field) for field in model.get_fields()}
    properties[model.pk_field.name]["description"] = "May be sent back unchanged; it cannot be changed."
    properties["ressource_uri"] = {"type": "string", "description": "Ignored, so that a read object can be sent back."}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def pagination_keys(pagination: Any) -> tuple[str, str] | None:
    if pagination is None:
        return None
    return getattr(pagination, "offset_key", "offset"), getattr(pagination, "count_key", "count")


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
