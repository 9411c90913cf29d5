"""Values that are not one scalar: ``JSONField`` (any JSON value) and ``BinaryField`` (bytes, as base64).

A JSON value is kept as the plain Python value ``json.loads`` gives (numbers
with a fraction as floats). Section 9's rule holds inside it too: no string or
key may hold U+0000 or a lone surrogate, and no number may be NaN or
Infinity, because PostgreSQL's ``jsonb`` refuses them. Bytes travel as standard
base64 with padding (``"aGVsbG8="``); ``max_length`` counts bytes, as Django's
``BinaryField`` does.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any

from .fields import COMMON_LOOKUPS, Field, FieldError
from .numbers import JsonFloat
from .text import check_text


def refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")

__all__ = ["BinaryField", "JSONField", "check_json"]


def check_json(value: Any) -> Any:
    """Return a fresh copy of a JSON value, or raise ``FieldError`` on what no store can keep.

    Walks without recursion: a body parsed by ``json.loads`` may nest deeper than
    Python's recursion limit allows a recursive walk to go.
    """
    root: list[Any] = [None]
    pending: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while pending:
        item, parent, key = pending.pop()
        copied: Any
        if item is None or isinstance(item, (bool, str, int)):
            copied = check_text(item) if isinstance(item, str) else item
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise FieldError("NaN and Infinity are not allowed in JSON.")
            copied = float(item)
        elif isinstance(item, dict):
            copied = dict.fromkeys(item)  # the members' order is the sender's, whatever order they are checked in
            for name, member in item.items():
                if not isinstance(name, str):
                    raise FieldError("JSON object keys must be strings.")
                check_text(name)
                pending.append((member, copied, name))
        elif isinstance(item, (list, tuple)):
            copied = [None] * len(item)
            pending.extend((member, copied, position) for position, member in enumerate(item))
        else:
            raise FieldError(f"{type(item).__name__} is not a JSON value.")
        parent[key] = copied
    return root[0]


class JSONField(Field):
    """Any JSON value: an object, an array, a string, a number or a boolean; ``null`` where ``nullable=True``.

    ``null`` is kept as SQL ``NULL``, so ``nullable`` means what it means for
    every other field (Django's model validation refuses ``None`` for a
    ``JSONField`` without ``null=True`` too). Filters: ``isnull`` only; it
    cannot be ordered.
    """

    base_type = "json"
    example: Any = {"key": "value"}
    lookups = frozenset({"isnull"})
    orderable = False

    def check_type(self, value: Any) -> Any:
        return check_json(value)

    def from_text(self, raw: str) -> Any:
        """Read JSON text (a form part), numbers with a fraction kept as written for whoever needs them."""
        try:
            return json.loads(raw, parse_float=JsonFloat, parse_constant=refuse_constant)
        except (ValueError, RecursionError) as error:
            raise FieldError(f"Malformed JSON: {error}.") from None

    def check_options(self, value: Any) -> None:
        if self.choices is not None and value not in self.choices:
            raise FieldError("Must be one of the allowed values.")

    def json_schema(self) -> dict[str, Any]:
        return {}


class BinaryField(Field):
    """Bytes, as standard base64 with padding: ``"aGVsbG8="`` is ``b"hello"``."""

    base_type = "binary"
    example = "aGVsbG8="
    lookups = COMMON_LOOKUPS
    orderable = False

    def check_type(self, value: Any) -> str:
        if isinstance(value, (bytes, bytearray, memoryview)):
            return base64.b64encode(bytes(value)).decode("ascii")
        if not isinstance(value, str):
            raise FieldError("Expected base64 text.")
        return encode_bytes(decode_base64(value))

    def check_options(self, value: Any) -> None:
        if self.max_length is not None and len(decode_base64(value)) > self.max_length:
            raise FieldError(f"Ensure this value has at most {self.max_length} bytes.")

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "contentEncoding": "base64"}


def decode_base64(text: str) -> bytes:
    """Return the bytes of standard base64 text (padding required), or raise ``FieldError``."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise FieldError("Expected standard base64 text, with its padding (such as aGVsbG8=).") from None


def encode_bytes(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
