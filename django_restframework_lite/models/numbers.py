"""Exact numbers: ``DecimalField`` and ``JsonFloat``, the JSON number that keeps its text.

Money must not pass through a binary float: ``0.1 + 0.2`` is not ``0.3`` there.
A ``DecimalField`` travels as a JSON string with exactly ``decimal_places``
places (``"12.50"``) and accepts a string or a number; a number is read from its
text. Request bodies are parsed with ``parse_float=JsonFloat``, so a JSON number
such as ``12.50`` is a float to every other field and to the formaters, and
still ``"12.50"`` to a ``DecimalField``. A Python float (from code, not JSON) is
read by its shortest spelling, ``repr()``: ``0.1`` is ``0.1``, not
``0.1000000000000000055511151231257827``.
"""

from __future__ import annotations

import decimal
import re
from decimal import Decimal
from typing import Any

from .fields import COMMON_LOOKUPS, ORDERED_LOOKUPS, Field, FieldError

__all__ = ["DecimalField", "JsonFloat", "format_decimal"]

# Far beyond any column, short enough that spelling it out stays cheap (a filter's value is not validated).
_LARGEST_EXPONENT = 1000
_DECIMAL_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class JsonFloat(float):
    """A JSON number with a fraction or an exponent, as read from a body: a float that keeps its ``text``."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> JsonFloat:
        number = super().__new__(cls, text)
        number.text = text if isinstance(text, str) else repr(float(text))
        return number

    def __reduce__(self) -> tuple[Any, ...]:
        return (JsonFloat, (self.text,))


def to_decimal(value: Any) -> Decimal:
    """Read a JSON number, a decimal string, an int, a ``Decimal`` or a float exactly as written."""
    if isinstance(value, bool):
        raise FieldError("Expected a decimal number, as a string such as \"12.50\" or a number.")
    if isinstance(value, JsonFloat):
        text = value.text
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise FieldError("NaN and Infinity are not allowed.")
        return value
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise FieldError("Expected a decimal number, as a string such as \"12.50\" or a number.")
    if not _DECIMAL_TEXT.match(text):
        raise FieldError(f"{text!r} is not a decimal number.")
    number = Decimal(text)
    if abs(number.adjusted()) > _LARGEST_EXPONENT:
        raise FieldError("This number is too large.")
    return number


def format_decimal(value: Decimal, places: int | None) -> str:
    """Return ``value`` with exactly ``places`` decimal places (``"12.50"``), never in exponent form, ``-0`` as ``0``."""
    if places is not None:
        context = decimal.Context(prec=max(28, value.adjusted() + places + 2))
        value = value.quantize(Decimal(1).scaleb(-places), context=context)
    if value.is_zero():
        value = abs(value)
    return format(value, "f")


def count_digits(value: Decimal) -> tuple[int, int]:
    """Return (digits, decimal places) as Django's ``DecimalValidator`` counts them (trailing zeros included)."""
    _sign, digit_tuple, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0:
        digits = len(digit_tuple) + exponent if digit_tuple != (0,) else 1
        return digits, 0
    if abs(exponent) > len(digit_tuple):
        return abs(exponent), abs(exponent)
    return len(digit_tuple), abs(exponent)


class DecimalField(Field):
    """An exact decimal: ``DecimalField(name=..., max_digits=8, decimal_places=2)``; ``"12.50"`` on the wire.

    In: a string (``"12.5"``) or a JSON number (``12.5``), read from its text.
    More places than ``decimal_places``, or more digits than ``max_digits``, is a
    400 with Django's own messages. Out: a string with exactly ``decimal_places`` places.
    """

    base_type = "decimal"
    lookups = COMMON_LOOKUPS | ORDERED_LOOKUPS

    def __init__(self, name: str, *, max_digits: int, decimal_places: int, **options: Any) -> None:
        if not (isinstance(max_digits, int) and isinstance(decimal_places, int) and 0 <= decimal_places <= max_digits):
            raise TypeError(f"DecimalField({name!r}) needs max_digits and decimal_places, 0 <= decimal_places <= max_digits.")
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        whole = min(2, max_digits - decimal_places)
        self.example = format_decimal(Decimal("12.5").scaleb(whole - 2), decimal_places)
        super().__init__(name, max_digits=max_digits, decimal_places=decimal_places, **options)

    def check_type(self, value: Any) -> str:
        number = to_decimal(value)
        digits, places = count_digits(number)
        if digits > self.max_digits:
            raise FieldError(f"Ensure that there are no more than {self.max_digits} digits in total.")
        if places > self.decimal_places:
            raise FieldError(f"Ensure that there are no more than {self.decimal_places} decimal places.")
        if digits - places > self.max_digits - self.decimal_places:
            raise FieldError(
                f"Ensure that there are no more than {self.max_digits - self.decimal_places} digits before the decimal point."
            )
        return format_decimal(number, self.decimal_places)

    def to_query_value(self, value: Any) -> str:
        """Convert a filter's value: any exact decimal (``price__gt=9.999`` is a fair question), unrounded."""
        number = to_decimal(value)
        places = count_digits(number)[1]
        return format_decimal(number, self.decimal_places if places <= self.decimal_places else None)

    def check_options(self, value: Any) -> None:
        key = self.sort_key(value)
        if self.choices is not None and value not in self.choices:
            raise FieldError(f"Must be one of: {', '.join(self.choices)}.")
        if self.min_value is not None and key < to_decimal(self.min_value):
            raise FieldError(f"Ensure this value is greater than or equal to {self.min_value}.")
        if self.max_value is not None and key > to_decimal(self.max_value):
            raise FieldError(f"Ensure this value is less than or equal to {self.max_value}.")

    def sort_key(self, value: Any) -> Decimal:
        return Decimal(value)

    def json_schema(self) -> dict[str, Any]:
        whole = self.max_digits - self.decimal_places
        pattern = r"^-?" + (rf"\d{{1,{whole}}}" if whole else "0")
        if self.decimal_places:
            pattern += rf"(\.\d{{1,{self.decimal_places}}})?"
        return {
            "type": "string",
            "format": "decimal",
            "pattern": pattern + "$",
            "description": f"An exact decimal as a string, with {self.decimal_places} decimal places "
            f"and at most {self.max_digits} digits; a JSON number is accepted too, read from its text.",
        }
