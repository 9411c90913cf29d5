"""How the SQLite store keeps each kind of field in a column, so that every value reads back exactly.

SQLite has five storage classes; each field type is given the one that keeps
its values exactly and compares them as the other stores do:

- dates, times, datetimes, UUIDs, IP addresses, text and file URLs: ``TEXT`` in
  their canonical spelling, which orders as the values do;
- decimals: ``TEXT`` (a ``NUMERIC`` column would turn ``"12.50"`` into a binary
  float), compared and ordered through the ``drfl_decimal`` collation, which
  compares them as exact decimals;
- durations: ``INTEGER`` microseconds, so that ``PT24H`` and ``P1D`` are equal and order by length;
- bytes: ``BLOB``; JSON values: ``TEXT`` holding the JSON.

A file written by one store is read back exactly by a new store opened on it.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ..models import Field
from ..models.structured import decode_base64
from ..models.temporal import duration_microseconds, format_duration, parse_duration
from .query import fold_case

__all__ = ["DECIMAL_COLLATION", "column_type", "decoder", "encode", "prepare_connection"]

DECIMAL_COLLATION = "drfl_decimal"
FOLD_FUNCTION = "drfl_lower"

COLUMN_TYPES = {
    "integer": "INTEGER",
    "boolean": "INTEGER",
    "float": "REAL",
    "timestamp": "REAL",
    "duration": "INTEGER",
    "binary": "BLOB",
}


def compare_decimals(left: str, right: str) -> int:
    """Compare two decimal texts as exact numbers (SQLite collation: negative, zero or positive)."""
    a, b = Decimal(left), Decimal(right)
    return (a > b) - (a < b)


def prepare_connection(connection: sqlite3.Connection) -> None:
    """Give a new connection what the store's SQL uses: foreign keys, case folding, decimal comparison."""
    connection.execute("PRAGMA foreign_keys = ON")
    connection.create_function(FOLD_FUNCTION, 1, fold_case, deterministic=True)
    connection.create_collation(DECIMAL_COLLATION, compare_decimals)


def column_type(field: Field) -> str:
    """Return the SQL type (and so SQLite's affinity) of the column keeping ``field``: ``TEXT`` unless listed."""
    return COLUMN_TYPES.get(field.base_type, "TEXT")


def collation(field: Field) -> str:
    """Return the ``COLLATE`` clause comparisons and orderings of ``field`` need ("" for most)."""
    return f" COLLATE {DECIMAL_COLLATION}" if field.base_type == "decimal" else ""


def _encode_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


_ENCODERS: dict[str, Callable[[Any], Any]] = {
    "boolean": int,
    "duration": lambda value: duration_microseconds(parse_duration(value)),
    "binary": decode_base64,
    "json": _encode_json,
}


def encode(field: Field, value: Any) -> Any:
    """Return a stored value (or a filter's value) as its column keeps it."""
    if value is None:
        return None
    encoder = _ENCODERS.get(field.base_type)
    return value if encoder is None else encoder(value)


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "boolean": bool,
    "float": float,
    "timestamp": float,
    "duration": lambda value: format_duration(timedelta(microseconds=value)),
    "binary": lambda value: base64.b64encode(value).decode("ascii"),
    "json": json.loads,
}


def decoder(field: Field) -> Callable[[Any], Any] | None:
    """Return what turns a column's value back into the field's value (None: it is already)."""
    return _DECODERS.get(field.base_type)
