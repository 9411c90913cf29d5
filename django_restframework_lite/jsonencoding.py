"""JSON bytes for every answer: the standard library's encoder, or orjson when it is installed — the same bytes.

``pip install "django-restframework-lite[fast]"`` adds orjson, which encodes a
page of objects several times faster than ``json``. Nothing else changes: an
answer is byte for byte the one the standard library writes, compact
(``separators=(",", ":")``), UTF-8 with only ``"``, ``\\`` and control
characters escaped (``ensure_ascii=False``), keys in insertion order.

orjson writes a few values differently or not at all, and those answers are
written by the standard library instead, so the bytes (or the error) are its own:

- ``NaN`` and infinities: orjson writes ``null``; the standard library refuses
  them (``allow_nan=False``), so such an answer is the JSON 500 it always was:
  JSON has no such number, and a ``null`` would silently stand for a value;
- floats below 1e-4 (orjson spells ``1e-05`` as ``0.00001`` and ``2.5e-07`` as
  ``2.5e-7``): the output is searched for those spellings, and a match is
  rewritten by the standard library (a string that happens to contain one only
  costs the slower path);
- integers beyond 64 bits, keys that are not strings, lone surrogates
  (escaped, as only an echoed query can hold them), float subclasses (a
  request body's ``JsonFloat``), nesting deeper than 254 levels, and anything
  ``default`` refuses: orjson raises, and the standard library answers.

Dates, times and datetimes go through ``default`` on both paths (ISO 8601 by
``isoformat()``), as do decimals (exact strings), durations, bytes (base64)
and sets; UUIDs are their canonical text on both; an ``Enum`` member is its value.

``USE_ORJSON`` is the switch: True when orjson imports. Set it to False to
answer with the standard library alone (the tests run every request both ways
and compare the bytes).
"""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import re
import uuid
from itertools import chain
from typing import Any

from .models.numbers import format_decimal
from .models.structured import encode_bytes
from .models.temporal import format_duration

orjson: Any = None
try:  # the ``fast`` extra
    import orjson as installed_orjson
except ImportError:  # pragma: no cover - the leg without orjson runs this
    pass
else:
    orjson = installed_orjson

__all__ = ["USE_ORJSON", "dumps", "orjson_available"]

#: Encode with orjson (True when it is installed); False answers with the standard library alone.
USE_ORJSON: bool = orjson is not None


def orjson_available() -> bool:
    """Tell whether orjson is installed (the ``fast`` extra)."""
    return orjson is not None


def default(value: Any) -> Any:
    """Serialise the few non-JSON types a formater may hand back, in the wire formats of the field classes.

    Dates and times as ISO 8601, a ``timedelta`` as an ISO 8601 duration, a
    ``Decimal`` as an exact string (``"12.50"``), a UUID as its text, bytes as
    base64, an ``Enum`` member as its value, sets and tuples as lists.
    """
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return format_duration(value)
    if isinstance(value, decimal.Decimal):
        return format_decimal(value, None)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return encode_bytes(bytes(value))
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# One encoder, built once: json.dumps() with options would build a new one per call.
_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=default)
_ascii_encoder = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False, default=default)
_ORJSON_OPTIONS = 0 if orjson is None else orjson.OPT_PASSTHROUGH_DATETIME
# How orjson spells a float below 1e-4 where the standard library writes "1e-05" or "2.5e-07".
_SMALL_FLOAT = re.compile(rb"(?<![0-9.])-?0\.0000|[0-9]e-[1-9](?![0-9])")


def dumps(data: Any, *, indent: int | None = None) -> bytes:
    """Serialise ``data`` as compact UTF-8 JSON (indented for people when ``indent`` is given)."""
    if indent is None and USE_ORJSON and orjson is not None:
        fast = _orjson_dumps(data)
        if fast is not None:
            return fast
    encoder = _encoder if indent is None else json.JSONEncoder(
        ensure_ascii=False, indent=indent, allow_nan=False, default=default
    )
    text = encoder.encode(data)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (only possible in echoed request text): escape it instead of failing.
        return _ascii_encoder.encode(data).encode("ascii")


def _orjson_dumps(data: Any) -> bytes | None:
    """Return orjson's bytes for ``data``, or None where they could differ from the standard library's."""
    try:
        out: bytes = orjson.dumps(data, default=default, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        return None
    if b"null" in out and _holds_non_finite(data):
        return None
    if (b"e-" in out or b"0.0000" in out) and _SMALL_FLOAT.search(out):
        return None
    return out


#: Members that hold no float inside: nothing to look into.
_PLAIN = frozenset({str, int, bool, type(None)})
#: Members looked at where they are: the plain ones, and exact floats (checked in place).
_CHECKED = _PLAIN | {float}
#: The member types of a page's rows: a list of exact dicts.
_DICTS = frozenset({dict})


def _holds_non_finite(data: Any) -> bool:
    """Tell whether a NaN or an infinity lies anywhere in ``data`` (orjson would write it as null).

    A container's members are sorted by type in one pass of C (``set(map(type, ...))``), and a list
    of plain dicts (a page's rows) is read as one run of values: only floats are compared, and only
    members of other types (containers, enums, subclasses) are looked into, one by one.
    """
    pending = [data]
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is dict:
            members: Any = value.values()
            kinds = set(map(type, members))
        elif kind is list or kind is tuple:
            members = value
            kinds = set(map(type, value))
            if kinds == _DICTS:  # rows: their values in one run
                members = list(chain.from_iterable(map(dict.values, value)))
                kinds = set(map(type, members))
        elif kind is float:
            if value - value != 0.0:  # NaN - NaN and inf - inf are NaN
                return True
            continue
        elif kind in _PLAIN:
            continue
        else:
            if isinstance(value, dict):
                pending.extend(value.values())
            elif isinstance(value, (list, tuple, set, frozenset)):
                pending.extend(value)
            elif isinstance(value, enum.Enum):
                pending.append(value.value)
            elif isinstance(value, float) and value - value != 0.0:
                return True
            continue
        if kinds <= _PLAIN:
            continue
        if float in kinds and any(type(member) is float and member - member != 0.0 for member in members):
            return True
        if not kinds <= _CHECKED:
            pending.extend(member for member in members if type(member) not in _CHECKED)
    return False
