"""Keyset positions: the condition "rows after this one" for any ordering, NULLs included.

A cursor page does not skip rows with an OFFSET; it asks for the rows that come
after the last row already seen, in the page's ordering. For an ordering
``(a, -b, pk)`` and a position ``(va, vb, vpk)`` that is::

    a after va
    OR (a = va AND b after vb)
    OR (a = va AND b = vb AND pk > vpk)

where "after" follows the stores' order: NULL before every value ascending,
after every value descending (``query.sort_rows``). The condition is built from
``Condition``, ``AnyOf`` and ``AllOf``, so every store translates it with the
filters it already knows (a database index on the ordering serves it), and the
list store evaluates it with ``query.matches``. Reversing the ordering
(``reverse``) turns "after" into "before": a previous page is the next page of
the reversed ordering, read backwards.

The pk always ends the ordering, so a position names exactly one row; the row
need not exist any more (it may have been deleted since): the values alone say
where the next page starts.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from .query import AllOf, AnyOf, Condition, Filter, Ordering, convert_filter_value

__all__ = ["after", "decode", "position_of", "reverse"]

Branch = Filter


def reverse(ordering: Sequence[Ordering]) -> list[Ordering]:
    """Return the ordering read backwards: each term's direction flipped (and NULLs with it)."""
    return [Ordering(order.field, not order.descending, order.label, order.expression) for order in ordering]


def position_of(row: dict[str, Any], ordering: Sequence[Ordering]) -> list[Any]:
    """Return the values of ``row`` that place it in ``ordering`` (its keyset position)."""
    return [row.get(order.name) for order in ordering]


def decode(ordering: Sequence[Ordering], values: Sequence[Any]) -> list[Any]:
    """Return a position's wire values (as ``position_of`` took them from a row) as the fields' query values.

    Raise ``ValueError`` when the count differs from the ordering's terms, and
    ``models.FieldError`` when a value does not fit its field.
    """
    if len(values) != len(ordering):
        raise ValueError(f"A position in an ordering of {len(ordering)} terms needs {len(ordering)} values.")
    return [
        None if value is None else convert_filter_value(order.field, "exact", value)
        for order, value in zip(ordering, values, strict=True)
    ]


def after(ordering: Sequence[Ordering], values: Sequence[Any], never_null: Collection[str] = ()) -> Branch:
    """Return the condition met by the rows that come strictly after ``values`` in ``ordering``.

    ``values`` are of the fields' types (``None`` for NULL), one per term;
    ``never_null`` names the fields the store keeps NULL out of (its pk, NOT
    NULL columns): their terms need no NULL branch, which keeps the condition one
    that a database index serves. With several terms, the first one's bound
    (``a >= va``) is stated on its own too, for the same reason.
    """
    if len(values) != len(ordering):
        raise ValueError(f"A position in an ordering of {len(ordering)} terms needs {len(ordering)} values.")
    branches: list[Branch] = []
    equal: list[Branch] = []
    for order, value in zip(ordering, values, strict=True):
        later = _strictly_after(order, value, order.name not in never_null)
        if later is not None:
            branches.append(AllOf((*equal, later)) if equal else later)
        equal.append(Condition(order.field, "exact", value))
    # One branch (an ordering by the pk alone) is that condition itself: ``pk > value``, what an index serves.
    condition = branches[0] if len(branches) == 1 else AnyOf(tuple(branches))
    bound = _bound(ordering[0], values[0], ordering[0].name not in never_null) if len(branches) > 1 else None
    return condition if bound is None else AllOf((bound, condition))


def _strictly_after(order: Ordering, value: Any, nullable: bool) -> Branch | None:
    """Return the condition on one term's field alone: its value sorts after ``value`` (None: nothing does)."""
    field = order.field
    if not order.descending:
        # NULL comes first: after NULL is any value; after a value, a greater one.
        return Condition(field, "isnull", False) if value is None else Condition(field, "gt", value)
    # Descending, NULL comes last: nothing is after NULL; after a value, a smaller one or NULL.
    if value is None:
        return None
    smaller = Condition(field, "lt", value)
    return AnyOf((smaller, Condition(field, "isnull", True))) if nullable else smaller


def _bound(order: Ordering, value: Any, nullable: bool) -> Branch | None:
    """Return what every row after a position meets on the first term: not before its value (None: no help)."""
    field = order.field
    if not order.descending:
        return None if value is None else Condition(field, "gte", value)
    if value is None:
        return Condition(field, "isnull", True)
    return None if nullable else Condition(field, "lte", value)
