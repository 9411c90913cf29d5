"""Text and scalars as a client sends them, converted exactly as they are validated.

Query strings arrive as text, and a value converted differently from how it was
checked is how a filter finds what it should not or a store keeps what another
refuses. So each conversion here accepts one spelling: ASCII digits only
(``\\d`` would take other scripts' digits), ASCII whitespace around at most
(``str.strip()`` would also drop the separators U+001C-U+001F, which ``int()``
refuses), integers that fit 64 bits before Python is asked to read them, and
moments that stay in the years 1 to 9999 once in UTC.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from .errors import FieldError

__all__ = [
    "ASCII_WHITESPACE",
    "INT64_MAX",
    "INT64_MIN",
    "check_int64",
    "check_text",
    "format_datetime",
    "parse_bool_text",
    "parse_float_text",
    "parse_integer_text",
    "parse_iso_date",
    "parse_iso_datetime",
    "parse_iso_time",
    "shown",
]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

ASCII_WHITESPACE = " \t\n\r\f\v"
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:inf|infinity|nan)", re.IGNORECASE)
# 64-bit integers have at most 19 digits; longer text (leading zeros aside) cannot fit.
INT64_DIGITS = 19


def check_text(value: str) -> str:
    """Refuse the strings that PostgreSQL, SQLite or UTF-8 cannot store."""
    if "\x00" in value:
        raise FieldError("Strings may not contain the NUL character (U+0000).")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise FieldError("Strings may not contain lone surrogate code points.") from None
    return value


def shown(value: Any, limit: int = 40) -> str:
    """Return ``repr(value)``, cut to about ``limit`` characters: error messages echo what a client sent."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "...'" if isinstance(value, str) else text[:limit] + "..."


def check_int64(value: int) -> int:
    if not INT64_MIN <= value <= INT64_MAX:
        raise FieldError("Integers must fit in 64 bits.")
    return value


def parse_bool_text(raw: str) -> bool:
    lowered = raw.strip(ASCII_WHITESPACE).lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise FieldError(f"{shown(raw)} is not a boolean: use true or false.")


def parse_integer_text(raw: str) -> int:
    """Read an integer from query text: ASCII digits, a sign, at most 19 significant digits."""
    text = raw.strip(ASCII_WHITESPACE)
    if not _INTEGER_TEXT.fullmatch(text):
        raise FieldError(f"{shown(raw)} is not an integer.")
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > INT64_DIGITS:
        raise FieldError("Integers must fit in 64 bits.")
    # int() limits the digits it reads, leading zeros included: give it the significant ones.
    value = int(digits or "0")
    return -value if text.startswith("-") else value


def parse_float_text(raw: str) -> float:
    """Read a number from query text (``1.5``, ``-2e3``, ``inf``; the caller refuses what is not finite)."""
    text = raw.strip(ASCII_WHITESPACE)
    if not _FLOAT_TEXT.fullmatch(text):
        raise FieldError(f"{shown(raw)} is not a number.")
    return float(text)


# ISO 8601 as this package reads it, the same on every Python: ``fromisoformat`` takes more
# forms on 3.11 and later than on 3.10 (basic dates, any number of fraction digits), so the
# text is matched here and the objects built from the parts. Extended or basic form, not mixed.
_DATE = r"(?P<year>[0-9]{4})(?P<dash>-?)(?P<month>[0-9]{2})(?P=dash)(?P<day>[0-9]{2})"
_TIME = (
    r"(?P<hour>[0-9]{2})(?:(?P<colon>:?)(?P<minute>[0-9]{2})"
    r"(?:(?P=colon)(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]+))?)?)?"
)
_OFFSET = (
    r"(?P<utc>[Zz])|(?P<sign>[+-])(?P<off_hour>[0-9]{2})(?:(?P<off_colon>:?)(?P<off_minute>[0-9]{2})"
    r"(?:(?P=off_colon)(?P<off_second>[0-9]{2})(?:\.(?P<off_fraction>[0-9]{1,6}))?)?)?"
)
_ISO_DATE = re.compile(_DATE)
_ISO_TIME = re.compile(f"{_TIME}(?:{_OFFSET})?")
_ISO_DATETIME = re.compile(f"{_DATE}[Tt ]{_TIME}(?:{_OFFSET})?")


def _microseconds(fraction: str | None) -> int:
    """Read a fraction of a second to the microsecond (further digits are cut, as Python 3.11+ does)."""
    return int((fraction or "0")[:6].ljust(6, "0"))


def _offset(parts: dict[str, str | None]) -> timezone | None:
    if parts["utc"]:
        return timezone.utc
    if not parts["sign"]:
        return None
    shift = timedelta(
        hours=int(parts["off_hour"] or 0),
        minutes=int(parts["off_minute"] or 0),
        seconds=int(parts["off_second"] or 0),
        microseconds=_microseconds(parts["off_fraction"]),
    )
    return timezone(-shift if parts["sign"] == "-" else shift)


def _time_parts(parts: dict[str, str | None]) -> tuple[int, int, int, int]:
    return (
        int(parts["hour"] or 0),
        int(parts["minute"] or 0),
        int(parts["second"] or 0),
        _microseconds(parts["fraction"]),
    )


def parse_iso_date(value: str) -> date:
    """Read ``2026-11-28`` or ``20261128``."""
    match = _ISO_DATE.fullmatch(value.strip(ASCII_WHITESPACE))
    try:
        if match is None:
            raise ValueError
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise FieldError(f"{shown(value)} is not an ISO 8601 date such as 2026-11-28.") from None


def parse_iso_time(value: str) -> time:
    """Read ``13:45``, ``13:45:00``, ``13:45:00.5``, ``134500``..., with a UTC offset or ``Z`` if given."""
    match = _ISO_TIME.fullmatch(value.strip(ASCII_WHITESPACE))
    try:
        if match is None:
            raise ValueError
        parts = match.groupdict()
        return time(*_time_parts(parts), tzinfo=_offset(parts))
    except ValueError:
        raise FieldError(f"{shown(value)} is not an ISO 8601 time such as 13:45:00.") from None


def parse_iso_datetime(value: str) -> datetime:
    """Read a date and a time (``T``, ``t`` or a space between), with a UTC offset or ``Z`` if given."""
    match = _ISO_DATETIME.fullmatch(value.strip(ASCII_WHITESPACE))
    try:
        if match is None:
            raise ValueError
        parts = match.groupdict()
        day = date(int(match["year"]), int(match["month"]), int(match["day"]))
        return datetime.combine(day, time(*_time_parts(parts)), tzinfo=_offset(parts))
    except ValueError:
        raise FieldError(f"{shown(value)} is not an ISO 8601 date and time.") from None


def format_datetime(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()
