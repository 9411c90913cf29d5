"""JSON Schemas (OpenAPI 3.1 dialect) of a ressource: its objects, request bodies and list envelope.

Formaters that describe their effect (``describe_schema`` on view formaters,
``describe_body`` on controller formaters; every shipped one does) are applied
to the schemas, so they describe what actually travels: ``remove_id`` drops the
pk from answers, ``format_foreign_key`` shows foreign keys as URIs,
``foreign_keys_format`` accepts URIs in bodies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, cast

from ...controllers import Controller
from ...formaters import schema_effects
from ...jsonencoding import dumps
from ...models import Field, Model
from ...models.fields import ForeignKeyField
from ..seed import client_must_send

#: Formats whose fields take "" as blank (``formats.EmailField``, ``URLField``: Django's blank=True).
BLANK_FORMATS = frozenset({"email", "uri"})


def hook(owner: object, name: str) -> Callable[..., Any] | None:
    """Return ``owner``'s optional description method ``name`` (``openapi_parameters``...), or None."""
    found = getattr(owner, name, None)
    return cast("Callable[..., Any]", found) if callable(found) else None


def field_schema(field: Field, *, with_default: bool = False) -> dict[str, Any]:
    """Return the JSON Schema (OpenAPI 3.1 dialect) of one field's values.

    The type and format come from the field class itself (``json_schema()``:
    ``date``, ``uuid``, decimals as patterned strings, bytes as base64...); the
    field's options add bounds, choices, nullability and an example, and its
    ``description`` (Django's ``help_text``) comes first in the description.
    ``with_default=True`` names the field's default in the description: only create
    bodies ask for it, since only a create fills in what is missing. No schema carries
    the ``default`` keyword: a generated client fills in a documented default (a PATCH
    carrying it would overwrite the stored value), and openapi-typescript makes a member
    with a default required in a body component (a create leaving it out would not compile).
    """
    schema: dict[str, Any] = field.json_schema()
    notes = [field.description, schema.pop("description", None)]
    kind = schema.get("type")
    if kind == "string" and schema.get("format") in BLANK_FORMATS and not field.required:
        # An optional e-mail address or URL may be blank, as Django's blank=True: "" is no address, but is valid.
        schema["anyOf"] = [{"format": schema.pop("format")}, {"maxLength": 0}]
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
    if with_default and "default" in field.options and not callable(field.options["default"]):
        default = field.get_default()
        if not (default == "" and "format" in schema):  # a required e-mail address or URL: blank is no default
            notes.append(f"Left out, it is {dumps(default).decode()}.")
    description = " ".join(note for note in notes if note)
    if description:
        schema["description"] = description
    if field.nullable and kind is not None:
        schema["type"] = [kind, "null"]
        if "enum" in schema and None not in schema["enum"]:
            schema["enum"].append(None)
    example = getattr(field, "example", None)
    if example is not None and not field.choices:
        schema["examples"] = [example]
    return schema


def assigned(field: Field, pk: Field) -> bool:
    """Tell whether a field is the server's to write: read-only, or a pk the store assigns."""
    return bool(field.read_only) or field is pk and pk.assigned_by_store


SCHEMA_SUFFIXES = ("", "Create", "Update", "List", "Partial")


def component_names(controllers: Iterable[Controller]) -> dict[str, str]:
    """Give each ressource a component base name: singular, readable, unique and stable.

    The rule: the Django model's ``verbose_name`` in CamelCase for the ORM
    (``User``, ``Address``), the model class's name less a ``Model`` suffix for
    explicit models (``NoteModel`` -> ``Note``); the ressource name in CamelCase
    when neither says more (a bare ``Model``). A name already taken by an earlier
    ressource of the same ``include()`` (two ressources of one model) falls back to
    the ressource name, then gets a number: ``User``, ``Admins``, ``User3``. Names
    depend only on the models and the order of the controllers, never on a request.
    """
    taken = {"Error"}
    names = {}
    for controller in controllers:
        candidates = [model_name(controller), camel_case(controller.ressource_name)]
        base = candidates[0]
        for candidate in candidates:
            if not any(f"{candidate}{suffix}" in taken for suffix in SCHEMA_SUFFIXES):
                break
        else:
            counter = 2
            candidate = f"{base}{counter}"
            while any(f"{candidate}{suffix}" in taken for suffix in SCHEMA_SUFFIXES):
                counter += 1
                candidate = f"{base}{counter}"
        taken.update(f"{candidate}{suffix}" for suffix in SCHEMA_SUFFIXES)
        names[controller.ressource_name] = candidate
    return names


def camel_case(text: str) -> str:
    """``"user_list"`` -> ``"UserList"``, ``"my document"`` -> ``"MyDocument"``; non-word characters split words."""
    parts = re.split(r"[^0-9A-Za-z]+", text)
    name = "".join(part[:1].upper() + part[1:] for part in parts if part)
    return name if name[:1].isalpha() else f"Ressource{name}"


def model_name(controller: Controller) -> str:
    """Return the singular name of a controller's objects (see ``component_names``)."""
    django_model = getattr(controller.datastore, "model_class", None)
    if django_model is not None:
        return camel_case(str(django_model._meta.verbose_name))
    class_name = type(controller.model).__name__
    if class_name.endswith("Model") and len(class_name) > len("Model"):
        class_name = class_name[: -len("Model")]
    if class_name == "Model":
        return camel_case(controller.ressource_name)
    return camel_case(class_name)


def object_schema(controller: Controller, components_of: dict[str, str]) -> dict[str, Any]:
    """Return the schema of an object as the API answers it, after the view formaters.

    Every member is required: an answer always carries each one (null when
    empty), unless a view formater that does not describe itself may change them.
    A relation ``?expand=`` embeds is the URI or the target's object.
    ``partial_object_schema`` describes ``?fields=`` answers.
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
    for name, hop in controller.relations.expand.items():
        if name in properties and hop.target.ressource_name in components_of:
            embedded: dict[str, Any] = {"$ref": f"#/components/schemas/{components_of[hop.target.ressource_name]}"}
            if getattr(hop.field, "many", False):
                embedded = {"type": "array", "items": embedded}
            properties[name] = {"anyOf": [properties[name], embedded],
                                "description": f"{properties[name].get('description', name)} With ?expand={name}: the object."}
    if custom:
        schema["description"] = f"Shaped by the view formaters {', '.join(custom)}, which may change these members."
    else:
        schema["required"] = list(properties)
    return schema


def partial_object_schema(controller: Controller, full: dict[str, Any], component: str) -> dict[str, Any]:
    """Return the schema of a GET answer under partial responses: only the pk and ``ressource_uri`` always come."""
    always = {controller.model.pk_field.name, "ressource_uri"}
    keyword = getattr(controller.partial, "partial_keyword", "fields")
    schema: dict[str, Any] = {
        "type": "object",
        "description": f"A {component} as a GET answers it: with ?{keyword}= only the fields named (and the pk and "
        f"ressource_uri) come; without it, every member of {component}.",
        "properties": dict(full["properties"]),
    }
    required = [name for name in full.get("required", ()) if name in always]
    if required:
        schema["required"] = required
    return schema


def body_field_schemas(controller: Controller, fields: list[Field], *, default: bool = False) -> dict[str, dict[str, Any]]:
    """Return the schema of each field in a request body, after the controller formaters that describe themselves.

    ``default=True`` (create bodies only) documents the defaults the server fills in.
    """
    properties = {field.name: field_schema(field, with_default=default) for field in fields}
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
    properties = body_field_schemas(controller, fields, default=True)
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
            part = field_schema(field, with_default=create)
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
    describe = hook(pagination, "openapi_meta_schema")
    if describe is not None:
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
