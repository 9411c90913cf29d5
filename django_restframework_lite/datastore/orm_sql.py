"""The SQL the ORM store asks Django for: lookups, orderings and case folding that match the other stores.

Django's ``contains``/``startswith`` use ``LIKE``, which SQLite folds for ASCII,
and PostgreSQL orders text by the database's locale; the expressions here keep
every comparison case-sensitive and in code-point order (the "C" collation on
PostgreSQL), and fold case with Python's ``str.lower`` on SQLite, so that the
three stores answer every filter alike.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Collate, Left, Lower, StrIndex
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual

from ..exceptions import BadRequest
from .query import fold_case

__all__ = ["CaseFold", "install_sqlite_functions", "lookup_expression", "order_term", "text_expression",
           "window_fields"]

SQLITE_FOLD_FUNCTION = "drfl_lower"
COMPARISONS = {"gt": GreaterThan, "gte": GreaterThanOrEqual, "lt": LessThan, "lte": LessThanOrEqual}


def install_sqlite_functions(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    """Give a new SQLite connection of Django the case folding the other stores use.

    Connected to ``connection_created`` by the app's ``ready()``, Django's own way
    to prepare each connection, so a reconnect gets the function too.
    """
    if connection is not None and connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function(SQLITE_FOLD_FUNCTION, 1, fold_case, deterministic=True)


class CaseFold(Lower):
    """``LOWER()``, except on SQLite where it is Python's ``str.lower`` (as the other stores fold)."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function=SQLITE_FOLD_FUNCTION, **extra_context)


def lookup_expression(attname: str, lookup: str, value: Any, *, c_collation: bool) -> Any:
    """Return the ``filter()`` argument for ``attname <lookup> value`` (the value already in database form)."""
    if lookup == "isnull":
        return models.Q(**{f"{attname}__isnull": value})
    if lookup == "in":
        return models.Q(**{f"{attname}__in": value})
    if lookup == "exact":
        if value is None:
            return models.Q(**{f"{attname}__isnull": True})
        return models.Q(**{attname: value})
    expression = text_expression(models.F(attname), lookup, value, c_collation=c_collation)
    if expression is not None:
        return expression
    if lookup in COMPARISONS:
        return models.Q(**{f"{attname}__{lookup}": value})
    if lookup == "startswith":  # of the empty string: any non-NULL value
        return models.Q(**{f"{attname}__isnull": False})
    raise BadRequest(f"Unknown lookup {lookup!r} for {attname}.")


def text_expression(column: Any, lookup: str, value: Any, *, c_collation: bool) -> Any:
    """Return the expression of ``column <lookup> value`` where Django's own lookup would not match the other stores.

    That is a comparison in the "C" collation, and ``contains``, ``icontains``
    and ``startswith`` of a non-empty string without ``LIKE``; None for any other
    lookup. ``column`` is an ``F()`` (the plain path's ``filter()``) or a ``Col``
    (the compiled path, ``orm_conditions``): both paths build the same expression.
    """
    if lookup in COMPARISONS and c_collation:
        return COMPARISONS[lookup](Collate(column, "C"), value)
    if lookup == "contains":
        return GreaterThan(StrIndex(column, models.Value(value)), 0)
    if lookup == "icontains":
        return GreaterThan(StrIndex(CaseFold(column), CaseFold(models.Value(value))), 0)
    if lookup == "startswith" and value:
        return Exact(Left(column, len(value)), models.Value(value))
    return None


def order_term(column: Any, descending: bool, *, c_collation: bool, nullable: bool = True) -> Any:
    """Return one ``order_by()`` term: NULL first ascending, last descending, as the other stores sort.

    ``column`` is an attname, or an expression (a related row's value). A column
    that cannot hold NULL (``nullable=False``: the pk, a NOT NULL column) gets no
    ``NULLS FIRST``/``LAST``: PostgreSQL serves a plain ``ORDER BY id`` from the
    index, but sorts the whole table for ``ORDER BY id ASC NULLS FIRST``.
    """
    if isinstance(column, str):
        column = models.F(column)
    if c_collation:
        column = Collate(column, "C")
    if not nullable:
        return column.desc() if descending else column.asc()
    return column.desc(nulls_last=True) if descending else column.asc(nulls_first=True)


def window_fields(queryset: models.QuerySet[Any]) -> set[str]:
    """Return the names of the model fields a QuerySet's filters compare."""
    names: set[str] = set()
    pending = list(queryset.query.where.children)
    while pending:
        node = pending.pop()
        children = getattr(node, "children", None)
        if children is not None:
            pending.extend(children)
            continue
        target = getattr(getattr(node, "lhs", None), "target", None)
        if target is not None:
            names.add(target.name)
    return names
