"""Every built-in formater, the names they go by, and what each does to the schema.

View formaters ``f(view, obj)`` change each object on its way out; controller
formaters ``f(controller, data)`` change bodies and filters on their way in::

    from django_restframework_lite.formaters import foreign_keys_format, format_foreign_key, remove_id

    controller = {..., "options": {"formaters": [foreign_keys_format]}}
    view = {"options": {"formaters": ["add_ressource_uri", remove_id, format_foreign_key]}}

With these, ``{"address": 1}`` is shown as ``{"address": "/api/address/1/"}``,
and clients may send either form back, in bodies and in filters
(``?address=/api/address/1/``).

A view formater that removes fields says so with ``@hides("password")``: a
hidden field is then neither filterable, orderable nor selectable with
``?fields=``, and the descriptions leave it out. A formater that removes a field
without declaring it only changes what is rendered; ``exclude`` on the datastore
is what keeps a field from ever leaving the server.

A formater that changes the shape of objects may describe that change, so that
the OpenAPI document and the docs page show what really travels: a view
formater carries ``describe_schema(properties, model)`` (it edits the JSON
Schema properties of an object), a controller formater ``describe_body(properties,
model)`` (the same for request bodies). The shipped ones do; a formater without
it is named in the schema's description as one that may change members.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from .exceptions import BadRequest
from .models import Model
from .models.base import invalid_message
from .models.fields import FieldError, ForeignKeyField
from .models.text import shown
from .types import FormaterController, FormaterView, ViewFormater

__all__ = [
    "BUILTIN_VIEW_FORMATERS",
    "PK",
    "add_ressource_uri",
    "foreign_keys_format",
    "format_foreign_key",
    "hidden_fields",
    "hides",
    "parse_reference",
    "quote_identifier",
    "remove_id",
    "render_builtin",
    "resolve_formaters",
]

SchemaProperties = dict[str, dict[str, Any]]
FormaterType = TypeVar("FormaterType", bound=Callable[..., Any])


class _PrimaryKey:
    """Stands for the pk of whatever model a formater renders: ``@hides(PK)``."""

    def __repr__(self) -> str:
        return "PK"


PK: Any = _PrimaryKey()


def hides(*names: str) -> Callable[[FormaterType], FormaterType]:
    """Declare the fields a view formater removes from every object it renders.

    ::

        @hides("password", "last_login")
        def without_secrets(view, obj):
            obj.pop("password", None)
            obj.pop("last_login", None)
            return obj

    It sets ``formater.hides``. A hidden field is not filterable, orderable or
    selectable with ``?fields=``, and the schema, SPORE, OpenAPI and the docs
    page leave it out. ``PK`` names the model's pk, whatever it is called.
    """

    def decorate(formater: FormaterType) -> FormaterType:
        formater.hides = tuple(names)  # type: ignore[attr-defined]
        return formater

    return decorate


def hidden_fields(formaters: Iterable[Callable[..., Any]], model: Model) -> frozenset[str]:
    """Return the names of the fields ``formaters`` declare they hide from ``model``'s objects."""
    names = set()
    for formater in formaters:
        for name in getattr(formater, "hides", ()):
            names.add(model.pk_field.name if name is PK else name)
    return frozenset(names)


def quote_identifier(pk: Any) -> str:
    """Spell a pk as one URL path segment (``"a b/c"`` -> ``"a%20b%2Fc"``)."""
    if type(pk) is int:
        return str(pk)
    return quote(str(pk), safe="")


# View formaters -----------------------------------------------------------------------------


def add_ressource_uri(view: FormaterView, obj: dict[str, Any]) -> dict[str, Any]:
    """Add ``"ressource_uri": "<prefix><ressource_name>/<pk>/"`` (the default view formater)."""
    pk = obj.get(view.pk_name)
    if pk is not None:
        obj["ressource_uri"] = view.ressource_base + quote_identifier(pk) + "/"
    return obj


def _describe_ressource_uri(properties: SchemaProperties, model: Model) -> None:
    properties["ressource_uri"] = {"type": "string", "readOnly": True, "description": "This object's URI."}


@hides(PK)
def remove_id(view: FormaterView, obj: dict[str, Any]) -> dict[str, Any]:
    """Drop the pk from the representation (put it after ``"add_ressource_uri"``)."""
    obj.pop(view.model.pk_field.name, None)
    return obj


def _describe_remove_id(properties: SchemaProperties, model: Model) -> None:
    properties.pop(model.pk_field.name, None)


def format_foreign_key(view: FormaterView, obj: dict[str, Any]) -> dict[str, Any]:
    """Show each foreign key as the URI of the object it points at: ``"/api/address/1/"``."""
    for field in view.model.foreign_keys:
        value = obj.get(field.name)
        if value is not None:
            obj[field.name] = view.uri(field.options["foreign"]["table"], value)
    return obj


def reference_schema(field: ForeignKeyField) -> dict[str, Any]:
    """Return the schema of a foreign key shown as the URI of the object it points at."""
    schema: dict[str, Any] = {
        "type": ["string", "null"] if field.nullable else "string",
        "description": f"URI of the {field.foreign['table']} object referred to.",
    }
    return schema


def _describe_foreign_keys(properties: SchemaProperties, model: Model) -> None:
    for field in model.foreign_keys:
        if field.name in properties:
            properties[field.name] = reference_schema(field)


def render_builtin(view: FormaterView, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Return a copy of each row through the view formaters, step by step over the page, when all are built-in; else None.

    The result is what ``add_ressource_uri``, ``remove_id`` and
    ``format_foreign_key`` give one after the other on each row, in their order,
    key order included: each step's request values (the URI bases, the pk's
    name, each foreign key's ressource) are read once per page, not once per
    row and formater.
    """
    steps: list[tuple[int, Any]] = []
    for formater in view.formaters:  # type: ignore[attr-defined]  # a BoundView's, as the caller checked
        if formater is add_ressource_uri:
            steps.append((0, (view.pk_name, view.ressource_base)))
        elif formater is remove_id:
            steps.append((1, view.model.pk_field.name))
        elif formater is format_foreign_key:
            steps.append((2, [(field.name, f"{view.prefix}{quote(field.options['foreign']['table'], safe='')}/")
                              for field in view.model.foreign_keys]))
        else:
            return None
    objects = list(map(dict, rows))
    # Step by step over the page: each object meets the same changes in the same order as row by row.
    for step, data in steps:
        if step == 1:
            for obj in objects:
                obj.pop(data, None)
            continue
        for name, base in ((data,) if step == 0 else data):
            target = "ressource_uri" if step == 0 else name
            for obj in objects:
                value = obj.get(name)
                if value is not None:  # an int needs no quoting (and no call: pages of ints are the common case)
                    obj[target] = f"{base}{value}/" if type(value) is int else f"{base}{quote_identifier(value)}/"
    return objects


# Controller formaters ------------------------------------------------------------------------


def parse_reference(field: ForeignKeyField, value: Any, key: str | None = None) -> Any:
    """Turn ``"/api/address/1/"`` into ``1`` for ``field``; leave plain ids to the datastore's validation.

    A URI (a path, or a full URL as in ``Location``) must end with ``<table>/<id>/``
    where ``<table>`` is the field's ``foreign["table"]``; anything else that
    contains a ``/`` is a 400 naming ``key``.
    """
    if not isinstance(value, str) or "/" not in value:
        return value
    key = key or field.name
    table = field.options["foreign"]["table"]
    path = urlsplit(value).path if "://" in value else value
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) < 2 or segments[-2] != table or "//" in path:
        raise BadRequest(
            invalid_message(key),
            fields={key: f"Expected a URI of the {table} ressource, like /{table}/1/, or its id."},
        )
    identifier = unquote(segments[-1])
    if field.base_type == "integer":
        # ASCII digits, then the field's own conversion, which refuses what 64 bits cannot hold.
        try:
            if not (identifier.isascii() and identifier.isdigit()):
                raise FieldError(identifier)
            return field.to_query_value(identifier)
        except FieldError:
            raise BadRequest(
                invalid_message(key), fields={key: f"{shown(identifier)} is not an id of the {table} ressource."}
            ) from None
    return identifier


def foreign_keys_format(controller: FormaterController, data: dict[str, Any]) -> dict[str, Any]:
    """Accept ressource URIs for foreign keys in bodies and filters (``address__in`` too)."""
    fields = controller.datastore.model.foreign_keys
    if not fields:
        return data
    by_name = {field.name: field for field in fields}
    for key, value in list(data.items()):
        name, _, lookup = key.partition("__")
        field = by_name.get(name)
        if field is None or lookup == "isnull":
            continue
        if lookup == "in" and isinstance(value, str):
            if "/" in value:
                data[key] = [parse_reference(field, item, key) for item in value.split(",")]
        else:
            data[key] = parse_reference(field, value, key)
    return data


def _describe_accepted_references(properties: SchemaProperties, model: Model) -> None:
    for field in model.foreign_keys:
        schema = properties.get(field.name)
        if schema is None:
            continue
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        schema["type"] = kinds if "string" in kinds else [kinds[0], "string", *kinds[1:]]
        schema.pop("format", None)
        schema["description"] = schema.get("description", "") + " Its URI is accepted too."


# Each shipped formater describes its effect on the schemas.
add_ressource_uri.describe_schema = _describe_ressource_uri  # type: ignore[attr-defined]
remove_id.describe_schema = _describe_remove_id  # type: ignore[attr-defined]
format_foreign_key.describe_schema = _describe_foreign_keys  # type: ignore[attr-defined]
foreign_keys_format.describe_body = _describe_accepted_references  # type: ignore[attr-defined]


# Names ---------------------------------------------------------------------------------------

#: The view formaters usable by name in ``view["options"]["formaters"]``.
BUILTIN_VIEW_FORMATERS: dict[str, ViewFormater] = {
    "add_ressource_uri": add_ressource_uri,
    "remove_id": remove_id,
    "format_foreign_key": format_foreign_key,
}


def resolve_formaters(entries: Any, owner: str) -> list[ViewFormater]:
    """Turn a ``formaters`` option (names and callables) into callables, or raise ``ImproperlyConfigured``."""
    if isinstance(entries, (str, bytes)) or not isinstance(entries, (list, tuple)):
        raise ImproperlyConfigured(f"{owner} must be a list of formaters, not {entries!r}.")
    resolved = []
    for entry in entries:
        if isinstance(entry, str):
            if entry not in BUILTIN_VIEW_FORMATERS:
                known = ", ".join(sorted(BUILTIN_VIEW_FORMATERS))
                raise ImproperlyConfigured(f"{owner} names an unknown formater {entry!r}; built-in names are: {known}.")
            resolved.append(BUILTIN_VIEW_FORMATERS[entry])
        elif callable(entry):
            resolved.append(entry)
        else:
            raise ImproperlyConfigured(f"{owner} holds {entry!r}, which is neither a formater name nor a callable.")
    return resolved


def schema_effects(formaters: Iterable[Callable[..., Any]], hook: str) -> tuple[list[Callable[..., Any]], list[str]]:
    """Return the schema hooks (``describe_schema`` or ``describe_body``) of ``formaters``, and the names of those without one."""
    effects: list[Callable[..., Any]] = []
    unknown: list[str] = []
    for formater in formaters:
        effect = getattr(formater, hook, None)
        if callable(effect):
            effects.append(effect)
        else:
            unknown.append(getattr(formater, "__name__", repr(formater)))
    return effects, unknown

