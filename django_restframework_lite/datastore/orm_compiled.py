"""Compiled statements for the ORM store: Django builds each query shape's SQL once, later requests rebind values.

A list page, a count or a detail costs Django a QuerySet clone per step, the
resolution of every filter and a compilation, for a query whose shape never
changes between requests. Here a request is reduced to its *shape*: the SQL of
each condition alone (rendered by Django's own lookup for that column, so it
carries the operator, ``IS NULL`` or ``IN (%s, %s)`` as Django would write it),
the tree of ``AllOf``/``AnyOf`` groups, the ordering, the selected columns and
the form of the slice. The first request of a shape builds the very QuerySet the
plain path would build and lets Django compile it; the statement is kept when
Django's parameters end with the conditions' own parameters, in order (and each
condition's SQL is in the statement), else the shape is marked as one to leave
to the plain path. Later requests only render their conditions' parameters
(each condition's SQL is kept per kind of value: ``orm_conditions``) and run the
kept SQL on the connection's cursor (``orm_cursor``), with ``LIMIT``/``OFFSET``
bound as parameters.

Rows are decoded by one function per column, chosen when the statement is
kept: Django's converters for that column (``get_converters``: SQLite's
datetimes, booleans, decimals; a field's ``from_db_value``) followed by the
store's own reader to the wire form.

Whatever this module cannot reproduce exactly falls back to the plain ORM path:
conditions on many-to-many fields, subqueries (relation filters), orderings
across relations, a file field's ``isnull``, values Django folds into the SQL
(an integer beyond the column's range), databases other than SQLite and
PostgreSQL, and a window QuerySet that is sliced or combined. The window's own
parameters are those Django compiled the first time: see ``compiled=False``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import models
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler

from .orm_conditions import Conditions, Fallback
from .orm_cursor import fetch_all
from .query import AllOf, AnyOf, Filter, Ordering

__all__ = ["LINK_KEY", "CompiledReads", "Fallback"]

#: Where a decoded row keeps the raw key its many-to-many links are read by (no field name starts so).
LINK_KEY = "\0link:"

#: The most shapes one store keeps; beyond it (``in`` lists of every length...) requests take the plain path.
MAX_SHAPES = 512
VENDORS = frozenset({"sqlite", "postgresql"})
GROUPS = (AnyOf, AllOf)
#: Values Django compiles into the condition's SQL (a subquery, an expression): the plain path's.
QUERIES = (models.QuerySet, models.expressions.BaseExpression)

Row = dict[str, Any]
#: Turns the fetched tuples of a page into its rows in wire form.
Decoder = Callable[[list[Sequence[Any]]], list[Row]]


class Statement:
    """One shape's SQL (with its slice), the window's parameters before the conditions', and its row decoder."""

    __slots__ = ("decode", "prefix", "sql")

    def __init__(self, sql: str, prefix: list[Any], decode: Decoder | None) -> None:
        self.sql = sql
        self.prefix = prefix
        self.decode = decode


class CompiledReads:
    """The compiled reads of one ``DjangoModelDataStore``: pages, counts and details by pk."""

    def __init__(self, store: Any) -> None:  # a DjangoModelDataStore (which imports this module)
        self.store = store
        self.shapes: dict[tuple[Any, ...], Statement | None] = {}
        query = store.queryset.query
        self.usable = not query.is_sliced and not query.combinator and not query.select_for_update
        self.table = store.model_class._meta.db_table
        self.columns = {name: store.django_fields[name] for name in store.attnames}
        # The fields a condition may name here, each with whether it is text (compared in the "C" collation).
        self.leaves = {name: name in store.text_fields for name in self.columns if name not in store.many}
        self.conditions = Conditions(self.table, self.columns)
        # Per thread, per database: a compiler (it renders with that thread's connection) and the collation flag.
        self.local = threading.local()

    # Conditions -------------------------------------------------------------------------

    def context(self, alias: str) -> tuple[SQLCompiler, bool]:
        """Return this thread's compiler of this table on ``alias`` and whether text compares in the "C" collation
        there; raise ``Fallback`` where the compiled path does not run.

        The compiler renders with, and the reads run on, the connection Django gave
        this thread: kept in a ``threading.local`` (as Django keeps its connections),
        not by thread id, which a later thread may reuse.
        """
        contexts: dict[str, tuple[SQLCompiler, bool] | None] | None = getattr(self.local, "contexts", None)
        if contexts is None:
            contexts = self.local.contexts = {}
        try:
            found = contexts[alias]
        except KeyError:
            compiler = Query(self.store.model_class).get_compiler(using=alias)
            usable = self.usable and compiler.connection.vendor in VENDORS
            found = contexts[alias] = (compiler, self.store.uses_c_collation(alias)) if usable else None
        if found is None:
            raise Fallback("not compiled here")
        return found

    def rendered(self, conditions: Sequence[Filter], alias: str) -> tuple[SQLCompiler, list[Any], list[Any]]:
        """Return the compiler of ``alias``, the conditions' SQL (the shape) and their parameters; raise ``Fallback``."""
        compiler, collated = self.context(alias)
        shape: list[Any] = []
        params: list[Any] = []
        for condition in conditions:
            self.render(condition, compiler, alias, collated, shape, params)
        return compiler, shape, params

    def render(self, condition: Filter, compiler: SQLCompiler, alias: str, collated: bool, shape: list[Any],
               params: list[Any]) -> None:
        """Add one condition's SQL to ``shape`` and its parameters to ``params`` (groups recursively)."""
        if isinstance(condition, GROUPS):
            shape.append("(OR" if isinstance(condition, AnyOf) else "(AND")
            for part in condition.conditions:
                self.render(part, compiler, alias, collated, shape, params)
            shape.append(")")
            return
        name, lookup = condition.name, condition.lookup
        text = self.leaves.get(name)
        if text is None or lookup == "isnull" and name in self.store.file_names:
            raise Fallback(name)
        value = self.store.db_value(condition)
        if isinstance(value, QUERIES):
            raise Fallback(name)
        sql, leaf_params = self.conditions.render(alias, name, lookup, value, collated and text, compiler)
        shape.append(sql)
        params.extend(leaf_params)

    # Statements -------------------------------------------------------------------------

    def statement(self, key: tuple[Any, ...], build: Callable[[], models.QuerySet[Any]], params: list[Any],
                  fragments: list[Any], alias: str, decoded: bool, columns: frozenset[str] | None = None, *,
                  sliced: Callable[[str], str]) -> Statement:
        """Return the kept statement of ``key``, compiling it from ``build()`` the first time.

        ``sliced`` turns Django's SQL into the statement run (a slice, a count): the
        form of that is part of ``key``, so the kept SQL is complete.
        """
        try:
            found = self.shapes[key]
        except KeyError:
            found = self.compile(build(), params, fragments, alias, decoded, columns, sliced)
            if len(self.shapes) < MAX_SHAPES:
                self.shapes[key] = found
        if found is None:
            raise Fallback("a shape the plain path answers")
        return found

    def compile(self, queryset: models.QuerySet[Any], params: list[Any], fragments: list[Any], alias: str,
                decoded: bool, columns: frozenset[str] | None, sliced: Callable[[str], str]) -> Statement | None:
        """Let Django compile ``queryset``; keep it when its parameters end with the conditions' ones."""
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, django_params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):
            return None
        django_params = list(django_params)
        split = len(django_params) - len(params)
        if split < 0 or django_params[split:] != params or any(
            isinstance(part, str) and part not in ("(OR", "(AND", ")") and part not in sql for part in fragments
        ):
            return None
        if " LIMIT " in sql.upper() or " OFFSET " in sql.upper():
            return None
        return Statement(sliced(sql), django_params[:split], self.decoder(compiler, columns) if decoded else None)

    def decoder(self, compiler: SQLCompiler, columns: frozenset[str] | None) -> Decoder:
        """Return what turns the fetched tuples of a page into its rows in wire form, in one pass per column.

        Each column's function is Django's converters (as ``.values()`` applies
        them) followed by the store's reader; the many-to-many keys are kept under
        their attname too, as Django gives them, under ``LINK_KEY + attname``
        (``DjangoModelDataStore.link_rows`` reads the links by them and drops them).
        """
        store = self.store
        expressions = [selected[0] for selected in compiler.select]
        position = {getattr(getattr(expression, "target", None), "attname", None): index
                    for index, expression in enumerate(expressions)}
        converters = compiler.get_converters(expressions)
        connection = compiler.connection

        def column(index: int, reader: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
            django = _chain(converters[index][0], converters[index][1], connection) if index in converters else None
            if reader is None:
                return django
            if django is None:
                return lambda value: None if value is None else reader(value)
            return lambda value: None if (value := django(value)) is None else reader(value)

        steps = [(name, position[attname], column(position[attname], reader))
                 for name, attname, reader in store.readers if columns is None or name in columns]
        outers = dict.fromkeys(many.outer for name, many in store.many.items() if columns is None or name in columns)
        steps += [(LINK_KEY + outer, position[outer], column(position[outer], None)) for outer in outers]
        return row_decoder(steps)

    # Reads ------------------------------------------------------------------------------

    def link_rows(self, objects: list[dict[str, Any]], alias: str, columns: frozenset[str] | None
                  ) -> list[dict[str, Any]]:
        """Add the many-to-many lists to rows the compiled path decoded (their link keys are dropped)."""
        if not self.store.many:
            return objects
        many_fields = {name: many for name, many in self.store.many.items() if columns is None or name in columns}
        if not many_fields:
            return objects
        for name, many in many_fields.items():
            key = LINK_KEY + many.outer
            linked = many.read(alias, [obj[key] for obj in objects]) if objects else {}
            for obj in objects:
                obj[name] = linked[obj[key]]
        for obj in objects:
            for many in many_fields.values():
                obj.pop(LINK_KEY + many.outer, None)
        return objects

    def rows(self, conditions: Sequence[Filter], ordering: list[Ordering], offset: int,
             count: int | None, alias: str, columns: frozenset[str] | None = None) -> list[Row]:
        """Return one page in wire form (only ``columns`` when given), with its many-to-many lists; raise ``Fallback``."""
        return self.link_rows(self.fetch(conditions, ordering, offset, count, alias, columns), alias, columns)

    def fetch(self, conditions: Sequence[Filter], ordering: list[Ordering], offset: int,
              count: int | None, alias: str, columns: frozenset[str] | None = None) -> list[Row]:
        """Return the ``.values()`` rows of one page, as the plain path reads them; raise ``Fallback``."""
        store = self.store
        if any(order.expression is not None for order in ordering):
            raise Fallback("an ordering across a relation")
        compiler, fragments, params = self.rendered(conditions, alias)
        connection = compiler.connection
        order_key = tuple((order.name, order.descending) for order in ordering)
        key = ("rows", alias, tuple(fragments), order_key, count is None, offset == 0, columns)

        def build() -> models.QuerySet[Any]:
            ordered = store.matching(conditions).order_by(*store.order_expressions(ordering, alias))
            values: models.QuerySet[Any] = store.values(ordered, columns)
            return values

        def sliced(sql: str) -> str:  # the slice's form is part of the key: only its numbers are parameters
            if count is not None:
                sql += " LIMIT %s"
            elif offset:
                sql += " LIMIT -1" if connection.vendor == "sqlite" else ""
            return sql + " OFFSET %s" if offset else sql

        statement = self.statement(key, build, params, fragments, alias, decoded=True, columns=columns, sliced=sliced)
        bound = [*statement.prefix, *params]
        if count is not None:
            bound.append(count)
        if offset:
            bound.append(offset)
        decode = statement.decode
        assert decode is not None
        return decode(fetch_all(connection, statement.sql, bound))

    def count(self, conditions: Sequence[Filter], alias: str) -> int:
        """Return how many rows match, with one kept ``SELECT COUNT(*)``; raise ``Fallback``."""
        store = self.store
        compiler, fragments, params = self.rendered(conditions, alias)
        key = ("count", alias, tuple(fragments))
        statement = self.statement(
            key, lambda: store.matching(conditions).order_by().values("pk"), params, fragments, alias, decoded=False,
            sliced=lambda sql: f"SELECT COUNT(*) FROM ({sql}) drfl_counted",
        )
        found = fetch_all(compiler.connection, statement.sql, [*statement.prefix, *params])
        return int(found[0][0]) if found else 0


def _chain(converters: list[Any], expression: Any, connection: Any) -> Callable[[Any], Any]:
    """Return Django's converters of one column as one function (as ``apply_converters`` runs them)."""
    if len(converters) == 1:
        only = converters[0]
        return lambda value: only(value, expression, connection)

    def convert(value: Any) -> Any:
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def row_decoder(steps: list[tuple[str, int, Callable[[Any], Any] | None]]) -> Decoder:
    """Return a function turning fetched tuples into dicts: ``steps`` gives each key, its column and its conversion.

    It is one list comprehension written for these steps (``{'id': row[0], 'born':
    convert_2(row[2])}``), compiled once per shape, as ``collections.namedtuple`` and
    ``dataclasses`` write their methods: a third faster on a page than a comprehension
    that loops over the steps for every row. Keys enter the source only through
    ``repr()``; conversions are passed by name.
    """
    functions = {f"convert_{index}": convert for index, (_, _, convert) in enumerate(steps) if convert is not None}
    members = ", ".join(
        f"{name!r}: row[{column}]" if convert is None else f"{name!r}: convert_{index}(row[{column}])"
        for index, (name, column, convert) in enumerate(steps)
    )
    namespace: dict[str, Any] = {}
    exec(f"def decode(rows):\n    return [{{{members}}} for row in rows]\n", functions, namespace)  # noqa: S102
    decode: Decoder = namespace["decode"]
    return decode
