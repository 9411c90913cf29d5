"""Values between the API and Django's ORM: the wire form of each field, and the Python form Django wants.

The API keeps every value in its wire form (``"2026-11-28"``, ``"12.50"``,
``"P1D"``, a UUID's text, base64 for bytes, a file's URL); Django's fields want
``date``, ``Decimal``, ``timedelta``, ``UUID``, ``bytes`` and files. Each
field's converters are chosen once, when the store is built: ``writer()`` turns
a wire value (from a body or a filter) into what the ORM takes, ``reader()``
turns what ``.values()`` returns into the wire value.
"""

from __future__ import annotations

import decimal
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from django.conf import settings
from django.db import models

from ..models import Field
from ..models.numbers import format_decimal, to_decimal
from ..models.structured import decode_base64, encode_bytes
from ..models.temporal import format_duration, parse_duration
from ..models.text import format_datetime, parse_iso_datetime

__all__ = ["integer_range", "key_reader", "reader", "writer"]

Converter = Callable[[Any], Any]


def _moment(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else parse_iso_datetime(value)
    if not settings.USE_TZ:
        # The setting is read here, per value: override_settings must take effect on a store already built.
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment
    return moment


def _python(cls: type, parse: Converter) -> Converter:
    return lambda value: value if isinstance(value, cls) else parse(value)


def writer(django_field: models.Field[Any, Any], api_field: Field) -> Converter | None:
    """Return what turns a wire value of ``api_field`` into the value ``django_field`` takes (None: as is)."""
    if isinstance(django_field, models.DateTimeField):
        return _moment
    if isinstance(django_field, models.DateField):
        return _python(date, date.fromisoformat)
    if isinstance(django_field, models.TimeField):
        return _python(time, time.fromisoformat)
    if isinstance(django_field, models.DurationField):
        return _python(timedelta, parse_duration)
    if isinstance(django_field, models.DecimalField):
        return to_decimal  # a float from an explicit FloatField goes by its shortest spelling, never its binary value
    if isinstance(django_field, models.UUIDField):
        return _python(uuid.UUID, uuid.UUID)
    if isinstance(django_field, models.BinaryField):
        return _python(bytes, decode_base64)
    if isinstance(django_field, models.FileField):
        empty = None if django_field.null else ""
        return lambda value: empty if value is None else value
    return None


def _decimal_reader(api_field: Field) -> Converter:
    places = getattr(api_field, "decimal_places", None)
    if api_field.base_type == "float":
        return float  # an explicit FloatField over a DecimalField keeps the seed's float
    return lambda value: format_decimal(decimal.Decimal(value), places)


def _file_url(django_field: models.FileField) -> Converter:
    def url(name: Any) -> str | None:
        return str(django_field.storage.url(name)) if name else None

    return url


def reader(django_field: models.Field[Any, Any], api_field: Field) -> Converter | None:
    """Return what turns a value ``.values()`` gives for ``django_field`` into its wire value (None: as is)."""
    if isinstance(django_field, models.DateTimeField):
        return lambda value: format_datetime(value) if isinstance(value, datetime) else value
    if isinstance(django_field, models.DateField | models.TimeField):
        return lambda value: value.isoformat() if isinstance(value, (date, time)) else value
    if isinstance(django_field, models.DurationField):
        return lambda value: format_duration(value) if isinstance(value, timedelta) else value
    if isinstance(django_field, models.DecimalField):
        return _decimal_reader(api_field)
    if isinstance(django_field, models.UUIDField):
        return str
    if isinstance(django_field, models.BinaryField):
        return lambda value: encode_bytes(bytes(value))
    if isinstance(django_field, models.FileField):
        return _file_url(django_field)
    if isinstance(django_field, models.GenericIPAddressField):
        return api_field.check_type  # PostgreSQL's inet spells addresses its own way
    if isinstance(django_field, models.GeneratedField) and django_field.output_field is not None:
        return reader(django_field.output_field, api_field)
    return None


def key_reader(django_field: models.Field[Any, Any]) -> Converter:
    """Return what turns a key of ``django_field`` (a pk, a link's target) into its wire value."""
    if isinstance(django_field, models.UUIDField):
        return str
    return lambda value: value


def integer_range(connection: Any, django_field: models.Field[Any, Any]) -> tuple[Any, Any]:
    """Return the lowest and highest value the database takes in an integer field (None: unbounded)."""
    try:
        low, high = connection.ops.integer_field_range(django_field.get_internal_type())
    except KeyError:  # not a type the backend bounds
        return None, None
    return low, high
