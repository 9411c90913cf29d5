"""Ready-made formaters: the seed tutorial's helpers, working under any mount prefix.

View formaters ``f(view, obj)`` change each object on its way out; controller
formaters ``f(controller, data)`` change bodies and filters on their way in::

    from django_restframework_lite.formaters import foreign_keys_format, format_foreign_key, remove_id

    controller = {..., "options": {"formaters": [foreign_keys_format]}}
    view = {"options": {"formaters": ["add_ressource_uri", remove_id, format_foreign_key]}}

With these, ``{"address": 1}`` is shown as ``{"address": "/api/address/1/"}``,
and clients may send either form back, in bodies and in filters
(``?address=/api/address/1/``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from .exceptions import BadRequest
from .models.base import invalid_message
from .models.fields import ForeignKeyField
from .views import add_ressource_uri

if TYPE_CHECKING:
    from .controllers import Controller
    from .views import BoundView

__all__ = ["add_ressource_uri", "foreign_keys_format", "format_foreign_key", "parse_reference", "remove_id"]


def remove_id(view: BoundView, obj: dict[str, Any]) -> dict[str, Any]:
    """Drop the pk from the representation (put it after ``"add_ressource_uri"``)."""
    obj.pop(view.model.pk_field.name, None)
    return obj


def format_foreign_key(view: BoundView, obj: dict[str, Any]) -> dict[str, Any]:
    """Show each foreign key as the URI of the object it points at: ``"/api/address/1/"``."""
    for field in view.model.foreign_keys:
        value = obj.get(field.name)
        if value is not None:
            obj[field.name] = view.uri(field.options["foreign"]["table"], value)
    return obj


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
        text = identifier.strip()
        if not (text.isascii() and text.isdigit()):
            raise BadRequest(invalid_message(key), fields={key: f"{identifier!r} is not an id of the {table} ressource."})
        return int(text)
    return identifier


def foreign_keys_format(controller: Controller, data: dict[str, Any]) -> dict[str, Any]:
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
