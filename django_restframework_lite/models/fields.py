"""Field classes: how one member of a ressource is typed, validated and converted.

A field checks a JSON value strictly (``true`` is not an integer, ``"3"`` is not
an integer, ``NaN`` is not a number) and refuses what no datastore can keep (a
NUL character, a lone surrogate, an integer outside 64 bits), so that the three
datastores and PostgreSQL accept and refuse exactly the same bodies. It also
converts query-string text to its type, so that ``?age=5`` finds the integer 5.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, ClassVar

from .errors import FieldError
from .text import (
    check_int64,
    check_text,
    format_datetime,
    parse_bool_text,
    parse_float_text,
    parse_integer_text,
    parse_iso_datetime,
)
from .validators import value_check

__all__ = [
    "BooleanField",
    "DateTimeField",
    "Field",
    "FieldError",
    "FloatField",
    "ForeignKeyField",
    "IntForeign",
    "IntegerField",
    "PkField",
    "StringField",
    "StringForeignKey",
    "StringForeingKey",
    "StringPkField",
    "TimestampField",
]

NOT_PROVIDED: Any = type("NotProvided", (), {"__repr__": lambda self: "NOT_PROVIDED"})()

# Lookups every field answers, and the ones that only make sense on text or on ordered values.
COMMON_LOOKUPS = frozenset({"exact", "in", "isnull"})
ORDERED_LOOKUPS = frozenset({"gt", "gte", "lt", "lte"})
TEXT_LOOKUPS = frozenset({"contains", "icontains", "startswith"})


class Field:
    """Base class of every field: options, validation and query conversion.

    Subclasses set ``base_type`` (the name used in schemas), ``example`` and
    override ``check_type()`` (JSON value) and ``from_text()`` (query string).
    ``validators`` are extra checks run after those: callables ``f(value)`` that
    raise ``FieldError``, or the seed's objects whose ``validate(value)`` returns
    a bool (``models.validators``).
    ``read_only=True`` makes the field the server's: it is rendered, but a client
    may not send it (POST), or only unchanged (PUT/PATCH).
    """

    base_type: ClassVar[str] = "string"
    example: Any = "Hello World"
    validators: ClassVar[Sequence[Any]] = ()
    lookups: ClassVar[frozenset[str]] = COMMON_LOOKUPS | ORDERED_LOOKUPS
    is_pk: ClassVar[bool] = False
    #: A pk the store makes on create (an integer it counts, a UUID it draws): a client never sends it.
    assigned_by_store: ClassVar[bool] = False
    #: Whether ``order_by`` may name the field (a JSON document or a list of pks has no order).
    orderable: ClassVar[bool] = True
    #: A list of pks of another ressource (``ManyToManyField``): filters mean "related to".
    many: ClassVar[bool] = False

    def __init__(
        self,
        name: str,
        *,
        required: bool = False,
        nullable: bool = False,
        default: Any = NOT_PROVIDED,
        max_length: int | None = None,
        min_value: float | None = None,
        max_value: float | None = None,
        choices: list[Any] | tuple[Any, ...] | None = None,
        read_only: bool = False,
        description: str | None = None,
        **options: Any,
    ) -> None:
        self.name = name
        self.read_only = read_only
        #: What the field means, for people: OpenAPI's and ``schema/``'s ``description`` (Django's ``help_text``).
        self.description = str(description) if description else None
        self.required = required
        self.nullable = nullable
        self.default = default
        self.max_length = max_length
        self.min_value = min_value
        self.max_value = max_value
        self.choices = self.canonical_choices(choices) if choices is not None else None
        # The seed's formaters read ``field.options["foreign"]``: keep every option there too.
        self.options: dict[str, Any] = {
            "required": required,
            "nullable": nullable,
            "max_length": max_length,
            "min_value": min_value,
            "max_value": max_value,
            "choices": self.choices,
            "read_only": read_only,
            **options,
        }
        if default is not NOT_PROVIDED:
            self.options["default"] = default
        # How each entry of ``validators`` is run, decided once per field.
        self.value_checks: tuple[Callable[[Any], None], ...] = tuple(map(value_check, self.validators))
        if self.description:
            self.options["description"] = self.description

    def canonical_choices(self, choices: list[Any] | tuple[Any, ...]) -> list[Any]:
        """Return the choices as values of this field are stored (``Decimal("1.5")`` is ``"1.50"``)."""
        canonical = []
        for choice in choices:
            try:
                canonical.append(choice if choice is None else self.check_type(choice))
            except FieldError as error:
                raise TypeError(f"{type(self).__name__}({self.name!r}): the choice {choice!r} is no value of it: {error}") from None
        return canonical

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    # Validation -------------------------------------------------------------------------

    def validate(self, value: Any) -> Any:
        """Return the value as stored, or raise ``FieldError`` saying what is wrong."""
        if value is None:
            if self.nullable:
                return None
            raise FieldError("This field may not be null.")
        value = self.check_type(value)
        self.check_options(value)
        for check in self.value_checks:
            check(value)
        return value

    def check_type(self, value: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement check_type()")

    def check_options(self, value: Any) -> None:
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(str(choice) for choice in self.choices)
            raise FieldError(f"Must be one of: {allowed}.")
        if self.max_length is not None and len(value) > self.max_length:
            raise FieldError(f"Ensure this value has at most {self.max_length} characters.")
        if self.min_value is not None and value < self.min_value:
            raise FieldError(f"Ensure this value is greater than or equal to {self.min_value}.")
        if self.max_value is not None and value > self.max_value:
            raise FieldError(f"Ensure this value is less than or equal to {self.max_value}.")

    def get_default(self) -> Any:
        """Return the default as the field stores it (a callable is called; ``date.today()`` becomes text)."""
        default = self.default
        value = default() if callable(default) else default
        if value is None or value is NOT_PROVIDED:
            return value
        try:
            return self.check_type(value)
        except FieldError:
            return value  # a default the store understands better than the field (the ORM's own)

    def sort_key(self, value: Any) -> Any:
        """Return what orders and compares ``value`` (a stored, non-null value) the way every database does."""
        return value

    # Query strings ----------------------------------------------------------------------

    def to_query_value(self, value: Any) -> Any:
        """Convert a filter value (query-string text or a Python value) to this field's type.

        Unlike ``validate()`` it skips ``choices``/``max_length``/bounds: a filter
        on a value that cannot exist simply matches nothing.
        """
        if isinstance(value, str) and self.base_type != "string":
            return self.check_type(self.from_text(value))
        return self.check_type(value)

    def from_text(self, raw: str) -> Any:
        return raw

    # Description ------------------------------------------------------------------------

    def get_schema(self) -> dict[str, str]:
        """Return the seed's description of this field."""
        schema = {
            "type": self.base_type,
            "example": self.example,
            "required": "true" if self.required else "false",
        }
        if self.description:
            schema["description"] = self.description
        return schema

    def json_schema(self) -> dict[str, Any]:
        """Return the JSON Schema type of the field's values on the wire (``type``, ``format``...)."""
        return dict(_JSON_SCHEMA_TYPES.get(self.base_type, {"type": "string"}))


_JSON_SCHEMA_TYPES: dict[str, dict[str, Any]] = {
    "datetime": {"type": "string", "format": "date-time"},
    "timestamp": {"type": "number", "description": "Unix time in seconds."},
    "integer": {"type": "integer", "format": "int64"},
    "float": {"type": "number"},
    "boolean": {"type": "boolean"},
}


class StringField(Field):
    base_type = "string"
    example = "Hello World"
    lookups = COMMON_LOOKUPS | ORDERED_LOOKUPS | TEXT_LOOKUPS

    def check_type(self, value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError("Expected a string.")
        return check_text(value)


class IntegerField(Field):
    base_type = "integer"
    example = 0

    def check_type(self, value: Any) -> int:
        # JSON Schema calls 4.0 an integer (a number whose fractional part is zero): so does the API.
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError("Expected an integer.")
        return check_int64(value)

    def from_text(self, raw: str) -> int:
        return parse_integer_text(raw)


class FloatField(Field):
    base_type = "float"
    example = 0.1

    def check_type(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FieldError("Expected a number.")
        try:
            number = float(value)
        except OverflowError:
            raise FieldError("This number is too large.") from None
        if not math.isfinite(number):
            raise FieldError("NaN and Infinity are not allowed.")
        return number

    def from_text(self, raw: str) -> float:
        return parse_float_text(raw)


class BooleanField(Field):
    base_type = "boolean"
    example = True
    lookups = COMMON_LOOKUPS

    def check_type(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise FieldError("Expected true or false.")
        return value

    def from_text(self, raw: str) -> bool:
        return parse_bool_text(raw)


class TimestampField(FloatField):
    """Unix time in seconds, as a number."""

    base_type = "timestamp"
    example = 1381921200.0


class DateTimeField(Field):
    """A moment as an ISO 8601 string; stored and returned in UTC, e.g. ``2013-10-16T12:00:00+00:00``.

    Naive values are taken as UTC. Keeping one canonical spelling is what lets
    every datastore compare and order these strings the same way.
    """

    base_type = "datetime"
    example = "2013-10-16T12:00:00+00:00"

    def check_type(self, value: Any) -> str:
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, str):
            moment = parse_iso_datetime(value)
        else:
            raise FieldError("Expected an ISO 8601 date and time string.")
        try:
            return format_datetime(moment)
        except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is in year 0 in UTC
            raise FieldError("This moment is out of range: in UTC it must fall in the years 1 to 9999.") from None

    def check_options(self, value: Any) -> None:
        if self.choices is not None and value not in self.choices:
            raise FieldError("Must be one of the allowed moments.")


class PkField(IntegerField):
    """The integer primary key, assigned by the datastore on create."""

    is_pk = True
    assigned_by_store = True
    example = 1


def check_reachable_identifier(value: str) -> None:
    """Refuse a pk that no URL can reach: empty (``/tags//``), ``.`` or ``..`` (clients resolve them away)."""
    if value in ("", ".", ".."):
        raise FieldError(f"{value!r} cannot be an identifier: no URL can reach it.")


class StringPkField(StringField):
    """A string primary key, chosen by the client on create.

    Any text a URL can reach: ``/`` and every other character travel
    percent-encoded in ``Location`` and ``ressource_uri`` (``a%2Fb``); the empty
    string, ``.`` and ``..`` are refused, since clients rewrite such paths.
    """

    is_pk = True
    example = "my-key"
    validators = (check_reachable_identifier,)


class ForeignKeyField(Field):
    """A reference to another ressource: ``foreign={"table": ..., "column": ...}``.

    ``column`` defaults to the referenced ressource's pk.
    """

    def __init__(self, name: str, *, foreign: dict[str, str] | None = None, **options: Any) -> None:
        if not foreign or "table" not in foreign:
            raise TypeError(f"{type(self).__name__}({name!r}) needs foreign={{'table': ..., 'column': ...}}")
        super().__init__(name, foreign=foreign, **options)
        self.foreign = foreign


class IntForeign(ForeignKeyField, IntegerField):
    base_type = "integer"
    example = 1


class StringForeignKey(ForeignKeyField, StringField):
    base_type = "string"
    example = "my-key"


StringForeingKey = StringForeignKey  # the seed's spelling, kept for its users
