"""The conditions of the ORM store's compiled reads: Django renders each kind of condition once, requests bind values.

``CompiledReads`` (``orm_compiled``) finds a request's shape from the SQL of each
of its conditions. Building a Django lookup and calling its ``as_sql()`` for every
condition of every request cost more than the rest of a compiled detail read, for
SQL that never changes with the value: ``"app_user"."id" = %s``. ``Conditions``
keeps, per database alias, field, lookup, collation and *kind* of value (see
``kind``), the condition's SQL and a cheap way to compute its parameters:

- a kind that holds the value itself (``None``, a bool, the empty string) keeps
  Django's SQL and parameters as they are: ``IS NULL``, ``NOT "col"``, ``= %s``;
- a comparison on the column (``exact``, ``gt``..., ``in``) keeps the column's SQL
  and the operator, and lets Django's lookup class prepare each value itself: its
  ``get_prep_lookup()`` and ``process_rhs()`` (the field's ``get_db_prep_value``,
  ``in`` dropping duplicates and ``None``, the integer range checks). A value
  whose right-hand side SQL or prepared type differs from the kept one (an ``in``
  list with duplicates) renders through Django. On Django's own integer fields
  an ``int`` within the column's range is its own parameter (in the driver's
  integer type where the backend uses one: what the lookup class would give
  after its range check): it is bound without building a lookup;
- ``contains``/``icontains``/``startswith`` on a string keep which parameters are
  the string, which its length and which constants.

A kind is kept only when the cheap way gives exactly Django's SQL and parameters
(equal value by value and type by type) on its first value, and, for the text
lookups, on a second, longer probe string too; otherwise every value of that kind
renders through Django. A condition Django drops or folds (``EmptyResultSet``,
``FullResultSet``: an ``in`` list of nothing, an integer beyond the column's
range) raises ``Fallback`` on either path: the plain ORM path answers it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import BuiltinLookup, Exact, IntegerFieldOverflow
from django.db.models.sql.compiler import SQLCompiler

from .orm_sql import COMPARISONS, text_expression

__all__ = ["Conditions", "Fallback", "kind"]

#: The most kinds one store keeps (``in`` lists of every length...): beyond it, new kinds render through Django.
MAX_KINDS = 1024
#: The lookups whose right-hand side Django's lookup class prepares alone (the column's SQL never changes).
COLUMN_LOOKUPS = frozenset({"exact", "in", *COMPARISONS})
#: Django's integer fields, whose lookups prepare an ``int`` as itself once it is within the column's range.
INTEGER_FIELDS = frozenset({
    models.AutoField, models.BigAutoField, models.SmallAutoField, models.IntegerField, models.BigIntegerField,
    models.SmallIntegerField, models.PositiveIntegerField, models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
})
#: The lookups on an expression of the string (its SQL is kept, its parameters placed by ``template``).
TEXT_LOOKUPS = frozenset({"contains", "icontains", "startswith"})

#: Computes one value's parameters on a compiler and its connection; None: this value renders through Django.
Compute = Callable[[Any, SQLCompiler, Any], "Sequence[Any] | None"]
#: A kept kind: the condition's SQL and how to compute its parameters.
Kept = tuple[str, Compute]


class Fallback(Exception):
    """This request's shape is one the compiled path does not reproduce: take the plain ORM path."""


def kind(value: Any) -> Any:
    """Return the part of a value that decides the SQL of its condition, with the value's type.

    ``None``, bools and the empty string are kinds of their own (``IS NULL``,
    ``NOT "col"``, ``IS NOT NULL`` for ``startswith ""``), with the type, since
    ``True == 1``; a list or tuple counts its items (``IN (%s, %s)``).
    """
    value_type = type(value)
    if value is None or value_type is bool or value_type is str and not value:
        return ("=", value_type, value)
    if value_type is list or value_type is tuple:
        return ("n", value_type, len(value))
    return value_type


def lookup(field: Any, table: str, name: str, lookup_name: str, value: Any, c_collation: bool) -> Any:
    """Return the Django lookup the plain path builds for one condition, on ``table``'s column of ``field``."""
    column = Col(table, field)
    if lookup_name == "exact" and value is None:
        lookup_name, value = "isnull", True
    expression = text_expression(column, lookup_name, value, c_collation=c_collation)
    if expression is not None:
        return expression
    if lookup_name in ("exact", "in", "isnull", *COMPARISONS):
        return field.get_lookup(lookup_name)(column, value)
    if lookup_name == "startswith":  # of the empty string: any non-NULL value
        return field.get_lookup("isnull")(column, False)
    raise Fallback(name)


def same(mine: Sequence[Any], django: Sequence[Any]) -> bool:
    """Tell whether two parameter lists are equal item by item, types included (``1 == 1.0 == True``)."""
    return len(mine) == len(django) and all(
        type(one) is type(other) and one == other for one, other in zip(mine, django, strict=True)
    )


class Conditions:
    """The kept kinds of one store's conditions; ``render`` returns one condition's SQL and parameters."""

    def __init__(self, table: str, columns: dict[str, Any]) -> None:
        self.table = table
        self.columns = columns
        #: (alias, name, lookup, c_collation, kind) -> the kept SQL and computation, or None: render through Django.
        self.kept: dict[tuple[Any, ...], Kept | None] = {}

    def render(self, alias: str, name: str, lookup_name: str, value: Any, c_collation: bool,
               compiler: SQLCompiler) -> tuple[str, Sequence[Any]]:
        """Return the SQL and parameters of ``name <lookup_name> value``, as Django's ``as_sql()`` gives them."""
        key = (alias, name, lookup_name, c_collation, kind(value))
        kept = self.kept.get(key)
        try:
            if kept is not None:
                sql, compute = kept
                params = compute(value, compiler, compiler.connection)
                if params is not None:
                    return sql, params
            django = lookup(self.columns[name], self.table, name, lookup_name, value, c_collation)
            sql, params = django.as_sql(compiler, compiler.connection)
        except (EmptyResultSet, FullResultSet):
            raise Fallback(name) from None  # Django drops or folds this condition: its SQL depends on the value
        if key not in self.kept and len(self.kept) < MAX_KINDS:
            try:
                self.kept[key] = self.learn(django, name, lookup_name, value, c_collation, sql, params, compiler)
            except (EmptyResultSet, FullResultSet):
                self.kept[key] = None
        return sql, params

    def learn(self, django: Any, name: str, lookup_name: str, value: Any, c_collation: bool, sql: str,
              params: Sequence[Any], compiler: SQLCompiler) -> Kept | None:
        """Return how to render later values of this kind, when it gives Django's answer for this one; else None."""
        value_kind = kind(value)
        if isinstance(value_kind, tuple) and value_kind[0] == "=":
            constant = tuple(params)
            return sql, lambda value, compiler, connection: constant
        if lookup_name in COLUMN_LOOKUPS and isinstance(django, BuiltinLookup):
            return self.column_rhs(django, value, sql, params, compiler)
        if lookup_name in TEXT_LOOKUPS and value_kind is str:
            return self.text_template(name, lookup_name, value, c_collation, sql, params, compiler)
        return None

    def column_rhs(self, django: BuiltinLookup, value: Any, sql: str, params: Sequence[Any],
                   compiler: SQLCompiler) -> Kept | None:
        """Keep the column's SQL and operator; each value goes through the lookup class's own preparation."""
        connection = compiler.connection
        if connection.ops.max_in_list_size():
            return None  # long lists are split into several IN (...) (Oracle)
        lookup_class, lhs, prepared_type = type(django), django.lhs, type(django.rhs)
        lhs_sql, lhs_params = django.process_lhs(compiler, connection)
        rhs_sql, _ = django.process_rhs(compiler, connection)
        if f"{lhs_sql} {django.get_rhs_op(connection, rhs_sql)}" != sql:  # BuiltinLookup.as_sql's composition
            return None
        lhs_params = tuple(lhs_params)
        conditional = issubclass(lookup_class, Exact)  # a bool on the right renders "col" or "NOT col"

        def compute(value: Any, compiler: SQLCompiler, connection: Any) -> Sequence[Any] | None:
            prepared = lookup_class(lhs, value)
            if type(prepared.rhs) is not prepared_type or conditional and isinstance(prepared.rhs, bool):
                return None
            value_sql, value_params = prepared.process_rhs(compiler, connection)
            if value_sql != rhs_sql:
                return None
            return (*lhs_params, *value_params)

        found = compute(value, compiler, connection)
        if found is None or not same(found, params):
            return None
        wrapper = type(params[-1]) if params else None
        if (issubclass(lookup_class, IntegerFieldOverflow) and type(lhs.output_field) in INTEGER_FIELDS
                and wrapper is not None and issubclass(wrapper, int) and wrapper is not bool):
            integers = self.integer_rhs(lhs.output_field, lhs_params, wrapper, compute, connection)
            if same(integers(value, compiler, connection) or (), params):
                return sql, integers
        return sql, compute

    @staticmethod
    def integer_rhs(field: Any, lhs_params: tuple[Any, ...], wrapper: type[int], compute: Compute,
                    connection: Any) -> Compute:
        """Return ``compute`` for an integer column without a lookup per value: an ``int`` in the column's range
        is its own parameter (``IntegerFieldOverflow`` checks the range, ``get_db_prep_value`` gives the ``int``,
        which PostgreSQL's backend wraps in the driver's typed ``Int4``... : ``wrapper``); anything else goes
        through ``compute``."""
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        low = -(2**63) if low is None else low
        high = 2**63 - 1 if high is None else high
        wrap = None if wrapper is int else wrapper

        def integers(value: Any, compiler: SQLCompiler, connection: Any) -> Sequence[Any] | None:
            if type(value) is int and low <= value <= high:
                return (*lhs_params, value if wrap is None else wrap(value))
            return compute(value, compiler, connection)

        return integers

    def text_template(self, name: str, lookup_name: str, value: str, c_collation: bool, sql: str,
                      params: Sequence[Any], compiler: SQLCompiler) -> Kept | None:
        """Keep which parameters are the string, its length or constants, read from Django's parameters for this
        string and for a longer probe string (so that ``"a"``'s length is not taken for SQLite's constant 1)."""
        probe = value + "~"
        probe_sql, probe_params = lookup(self.columns[name], self.table, name, lookup_name, probe, c_collation).as_sql(
            compiler, compiler.connection
        )
        if probe_sql != sql or len(probe_params) != len(params):
            return None
        template: list[tuple[int, Any]] = []
        for mine, probed in zip(params, probe_params, strict=True):
            if type(mine) is str and mine == value and type(probed) is str and probed == probe:
                template.append((1, None))
            elif (isinstance(mine, int) and type(mine) is type(probed) and type(mine) is not bool
                  and mine == len(value) and probed == len(probe)):
                template.append((2, type(mine)))  # int, or the driver's typed one (psycopg's Int4 on PostgreSQL)
            elif same([mine], [probed]):
                template.append((0, mine))
            else:
                return None

        def compute(value: Any, compiler: SQLCompiler, connection: Any) -> Sequence[Any]:
            return [value if place == 1 else constant(len(value)) if place == 2 else constant
                    for place, constant in template]

        if same(compute(value, compiler, None), params) and same(compute(probe, compiler, None), probe_params):
            return sql, compute
        return None
