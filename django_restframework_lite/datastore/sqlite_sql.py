"""The SQL the SQLite store writes for a filter or an ordering, with every value a bound parameter.

Identifiers come from the model (quoted, never from a request). Comparisons
and orderings take the field's collation (decimals compare as exact numbers);
``contains``/``startswith`` use ``instr``/``substr``, case-sensitive like the
other stores and needing no escaping of ``%`` and ``_``; ``icontains`` folds
case with Python's ``str.lower`` (the ``drfl_lower`` function), as the other
stores do. NULL sorts first ascending, last descending, as the list store sorts.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import BadRequest
from .query import Condition, Ordering
from .sqlite_columns import FOLD_FUNCTION, collation, encode

__all__ = ["order_by", "quote", "translate"]

_COMPARISONS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def quote(identifier: str) -> str:
    """Quote an SQL identifier; the name comes from the model, the quoting keeps odd names legal."""
    return '"' + identifier.replace('"', '""') + '"'


def translate(condition: Condition) -> tuple[str, list[Any]]:
    """Return the SQL and parameters of one condition on a column of the store's table."""
    field = condition.field
    column = quote(condition.name)
    lookup, value = condition.lookup, condition.value
    if lookup == "isnull":
        return f"{column} IS {'' if value else 'NOT '}NULL", []
    compared = column + collation(field)
    if lookup == "exact":
        if value is None:
            return f"{column} IS NULL", []
        return f"{compared} = ?", [encode(field, value)]
    if lookup == "in":
        placeholders = ", ".join("?" for _ in value)
        return f"{compared} IN ({placeholders})", [encode(field, item) for item in value]
    if lookup in _COMPARISONS:
        return f"{compared} {_COMPARISONS[lookup]} ?", [encode(field, value)]
    if lookup == "contains":
        return f"instr({column}, ?) > 0", [value]
    if lookup == "icontains":
        return f"instr({FOLD_FUNCTION}({column}), {FOLD_FUNCTION}(?)) > 0", [value]
    if lookup == "startswith":
        return f"substr({column}, 1, ?) = ?", [len(value), value]
    raise BadRequest(f"Unknown lookup {lookup!r} for {condition.name}.")


def order_by(ordering: list[Ordering]) -> str:
    """Return the ORDER BY clause of ``ordering`` ("" for none)."""
    terms = [
        f"{quote(order.name)}{collation(order.field)} {'DESC NULLS LAST' if order.descending else 'ASC NULLS FIRST'}"
        for order in ordering
    ]
    return " ORDER BY " + ", ".join(terms) if terms else ""
