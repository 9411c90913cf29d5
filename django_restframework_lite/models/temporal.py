"""Calendar fields: ``DateField``, ``TimeField`` and ``DurationField``, with their ISO 8601 wire formats.

A date travels as ``"2026-11-28"``, a time of day as ``"13:45:00"`` (microseconds
when there are some: ``"13:45:00.250000"``), a duration as the shortest ISO 8601
duration (``"P1DT2H30M"``, ``"PT0S"`` for zero, ``"-PT5M"`` for a negative one).
Stores keep the canonical text (the SQLite store keeps a duration as its
microseconds), so dates and times compare as text and durations by their length.

A duration in is any ISO 8601 duration: ``P1W``, ``PT36H``, ``P1DT0.5S``,
``P0003-06-04T12:30:05``; years and months have no fixed length, so they count
as PostgreSQL counts them in ``EXTRACT(EPOCH ...)``: a year is 365.25 days, a
month 30 days. Durations are kept to the microsecond, within 64-bit
microseconds (about 292,000 years), which every store can hold.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from .fields import COMMON_LOOKUPS, ORDERED_LOOKUPS, Field, FieldError
from .text import INT64_MAX, parse_iso_date, parse_iso_time

__all__ = ["DateField", "DurationField", "TimeField", "format_duration", "parse_duration"]

TEMPORAL_LOOKUPS = COMMON_LOOKUPS | ORDERED_LOOKUPS

_MICROSECONDS = {
    "Y": Decimal(36525 * 864_000_000),  # 365.25 days
    "M": Decimal(30 * 86_400_000_000),
    "W": Decimal(7 * 86_400_000_000),
    "D": Decimal(86_400_000_000),
    "H": Decimal(3_600_000_000),
    "min": Decimal(60_000_000),
    "S": Decimal(1_000_000),
}
_NUMBER = r"\d+(?:[.,]\d+)?"
_DESIGNATORS = re.compile(
    rf"^(?P<sign>[-+]?)P(?!$)(?:(?P<Y>{_NUMBER})Y)?(?:(?P<M>{_NUMBER})M)?(?:(?P<W>{_NUMBER})W)?(?:(?P<D>{_NUMBER})D)?"
    rf"(?:T(?=\d)(?:(?P<H>{_NUMBER})H)?(?:(?P<min>{_NUMBER})M)?(?:(?P<S>{_NUMBER})S)?)?$"
)
_ALTERNATIVE = re.compile(
    r"^(?P<sign>[-+]?)P(?P<Y>\d{4})-?(?P<M>\d{2})-?(?P<D>\d{2})T(?P<H>\d{2}):?(?P<min>\d{2}):?(?P<S>\d{2}(?:[.,]\d+)?)$"
)


def parse_duration(text: str) -> timedelta:
    """Read any ISO 8601 duration (``P1DT2H30M``, ``PT0.5S``, ``P1W``, ``-P1D``, ``P0001-02-03T04:05:06``)."""
    match = _DESIGNATORS.match(text.strip()) or _ALTERNATIVE.match(text.strip())
    if match is None or text.strip().endswith("T"):
        raise FieldError(f"{text!r} is not an ISO 8601 duration such as P1DT2H30M.")
    parts = match.groupdict()
    total = Decimal(0)
    for unit, scale in _MICROSECONDS.items():
        amount = parts.get(unit)
        if amount:
            total += Decimal(amount.replace(",", ".")) * scale
    if total != total.to_integral_value():
        raise FieldError("Durations are kept to the microsecond: give at most 6 decimal places of seconds.")
    microseconds = int(total) * (-1 if parts["sign"] == "-" else 1)
    return timedelta(microseconds=check_duration_range(microseconds))


def check_duration_range(microseconds: int) -> int:
    if abs(microseconds) > INT64_MAX:
        raise FieldError("Durations must fit in 64-bit microseconds (about 292,000 years).")
    return microseconds


def duration_microseconds(value: timedelta) -> int:
    """Return the length of ``value`` in microseconds (exact, unlike ``total_seconds()``)."""
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def format_duration(value: timedelta) -> str:
    """Return the shortest ISO 8601 spelling of ``value``: ``P1DT2H30M``, ``PT0.5S``, ``PT0S``, ``-PT5M``."""
    microseconds = duration_microseconds(value)
    sign = "-" if microseconds < 0 else ""
    days, rest = divmod(abs(microseconds), 86_400_000_000)
    hours, rest = divmod(rest, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, fraction = divmod(rest, 1_000_000)
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if fraction:
        clock += f"{seconds}.{fraction:06d}".rstrip("0") + "S"
    elif seconds:
        clock += f"{seconds}S"
    text = f"{sign}P{days}D" if days else f"{sign}P"
    if clock:
        text += "T" + clock
    return text if text not in {"P", "-P"} else "PT0S"


class DateField(Field):
    """A calendar date, ``"2026-11-28"`` (ISO 8601); takes a ``date`` from Python code too."""

    base_type = "date"
    example = "2026-11-28"
    lookups = TEMPORAL_LOOKUPS

    def check_type(self, value: Any) -> str:
        if isinstance(value, datetime):
            raise FieldError("Expected a date, not a date and time.")
        if isinstance(value, date):
            return value.isoformat()
        if not isinstance(value, str):
            raise FieldError("Expected an ISO 8601 date string such as 2026-11-28.")
        return parse_iso_date(value).isoformat()

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


class TimeField(Field):
    """A time of day without a UTC offset, ``"13:45:00"`` or ``"13:45:00.250000"`` (ISO 8601)."""

    base_type = "time"
    example = "13:45:00"
    lookups = TEMPORAL_LOOKUPS

    def check_type(self, value: Any) -> str:
        if isinstance(value, time):
            moment = value
        elif isinstance(value, str):
            moment = parse_iso_time(value)
        else:
            raise FieldError("Expected an ISO 8601 time string such as 13:45:00.")
        if moment.tzinfo is not None:
            raise FieldError("A time of day is kept without a UTC offset: send 13:45:00, not 13:45:00+01:00.")
        return moment.isoformat()

    def sort_key(self, value: Any) -> Any:
        return time.fromisoformat(value)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "time"}


class DurationField(Field):
    """A length of time: the shortest ISO 8601 duration out (``"P1DT2H30M"``), any ISO 8601 duration in."""

    base_type = "duration"
    example = "P1DT2H30M"
    lookups = TEMPORAL_LOOKUPS

    def check_type(self, value: Any) -> str:
        if isinstance(value, timedelta):
            return format_duration(timedelta(microseconds=check_duration_range(duration_microseconds(value))))
        if not isinstance(value, str):
            raise FieldError("Expected an ISO 8601 duration string such as P1DT2H30M.")
        return format_duration(parse_duration(value))

    def check_options(self, value: Any) -> None:
        if self.choices is not None and value not in self.choices:
            raise FieldError(f"Must be one of: {', '.join(self.choices)}.")
        key = self.sort_key(value)
        for bound, refuse, message in (
            (self.min_value, key.__lt__, "greater than or equal to"),
            (self.max_value, key.__gt__, "less than or equal to"),
        ):
            if bound is not None and refuse(self.sort_key(self.check_type(bound))):
                raise FieldError(f"Ensure this duration is {message} {self.check_type(bound)}.")

    def sort_key(self, value: Any) -> int:
        """Return the duration's microseconds: ``P1D`` and ``PT24H`` are equal, ``PT5M`` is less than ``P1D``."""
        return duration_microseconds(parse_duration(value))

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "duration"}
