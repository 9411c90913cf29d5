"""Kept conditions render exactly what Django's lookups render: the same SQL and parameters, value by value.

``Conditions`` keeps a condition's SQL per kind of value and computes later
values' parameters cheaply; each value below goes through it and through a
Django lookup built afresh, and both must agree on the SQL and on every
parameter and its type, or both must leave the condition to the plain path.
The values of one case share kinds on purpose (an ``in`` list with a duplicate
after one without, a float rounded up after one that is whole, a one-letter
prefix first), so later values take the kept path, not the one that learned.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import pytest
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models.sql import Query

from django_restframework_lite.datastore import orm_conditions
from django_restframework_lite.datastore.orm_conditions import Conditions, Fallback, lookup

MOMENT = datetime.datetime(2026, 3, 1, 8, 30, 15, 123000, tzinfo=datetime.timezone.utc)
PLUS_ONE = datetime.timezone(datetime.timedelta(hours=1))

CASES: list[tuple[str, str, str, list[Any]]] = [
    ("Item", "quantity", "exact", [3, 4, True, False, 2.0, 2**70, -(2**70), 5, None, 6]),
    ("Item", "quantity", "gte", [2.0, 2.5, 7, 2**70, -(2**70), 8]),
    ("Item", "quantity", "lt", [1.5, 3.0, 9]),
    ("Item", "quantity", "in", [[1, 2, 3], [4, 5, 6], [1, 1, 2], [None, 1, 2], [7, 8, 9], [None], [], [2], (3, 4),
                                [2**70, 1], [5, 6]]),
    ("Item", "weight", "exact", [1.5, None, 2.25, 3, 0.0]),
    ("Item", "weight", "gt", [1.5, -2.5, 3]),
    ("Item", "name", "exact", ["bitem", "", "É", "a%b_c", "x", ""]),
    ("Item", "name", "gt", ["bitem 05", "a", "Zz"]),
    ("Item", "name", "startswith", ["b", "", "bi", "ÉÉ", "a%_", ""]),
    ("Item", "name", "contains", ["item 1", "%", "_x", "É"]),
    ("Item", "name", "icontains", ["ITEM", "ÉTÉ", "x"]),
    ("Item", "notes", "exact", [None, "Note 3", None, "Note 4"]),
    ("Item", "in_stock", "exact", [True, False, True, 1, 0]),
    ("Item", "added_at", "exact", [MOMENT, MOMENT.astimezone(PLUS_ONE), MOMENT + datetime.timedelta(days=1), None]),
    ("Item", "added_at", "lte", [MOMENT, MOMENT.astimezone(PLUS_ONE)]),
    ("Item", "category", "exact", [2, 3, None, 4]),
    ("Item", "category", "in", [[1, 2], [3, 4], [2, 2]]),
    ("Item", "id", "isnull", [True, False, True]),
    ("Part", "stock", "exact", [3, 40000, -40000, 4]),
    # Auto pks of 64, 32 and 16 bits: an int beyond the column's range is Django's to fold, on every database.
    ("Item", "id", "exact", [3, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, -(2**31) - 1, True, 4.0, 5]),
    ("Item", "id", "lt", [3, 2**63, -(2**63) - 1, 7]),
    ("Label", "id", "exact", [3, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 6]),
    ("Shelf", "id", "gte", [3, 2**15 - 1, 2**15, -(2**15), -(2**15) - 1, 9]),
    ("Part", "price", "gte", [decimal.Decimal("1.5"), decimal.Decimal("2.50"), decimal.Decimal("3")]),
    ("Gadget", "price", "exact", [decimal.Decimal("1.55"), decimal.Decimal("2.5"), None]),
    ("Gadget", "serial", "exact", [uuid.UUID(int=3), uuid.UUID(int=4)]),
    ("Gadget", "serial", "in", [[uuid.UUID(int=3), uuid.UUID(int=5)], [uuid.UUID(int=4), uuid.UUID(int=6)]]),
    ("Gadget", "made", "gt", [datetime.date(2025, 1, 2), datetime.date(2026, 2, 3)]),
    ("Gadget", "opens", "lt", [datetime.time(9, 2), datetime.time(10, 30, 1)]),
    ("Gadget", "warranty", "lt", [datetime.timedelta(days=2), datetime.timedelta(hours=1, seconds=1)]),
    ("Gadget", "specs", "exact", [{"n": 1}, {"n": 2, "tags": ["a"]}, None]),
    ("Gadget", "blob", "exact", [b"\x00\x01", b"ab"]),
    ("Gadget", "ip", "exact", ["::1", "10.0.0.1"]),
]


def model(name: str) -> Any:
    from inventory import models

    return getattr(models, name)


def comparable(params: Any) -> list[Any]:
    """Parameters with their types (``1 == 1.0 == True``); an adapter (PostgreSQL's ``Jsonb``) by what it holds."""
    return [(type(param), getattr(param, "obj", param)) for param in params]


def django_render(field: Any, table: str, name: str, lookup_name: str, value: Any, c_collation: bool,
                  compiler: Any) -> Any:
    """Return what Django renders for the condition: (SQL, parameters), or "fallback" when it drops or folds it."""
    try:
        sql, params = lookup(field, table, name, lookup_name, value, c_collation).as_sql(compiler, connection)
    except (EmptyResultSet, FullResultSet):
        return "fallback"
    return sql, comparable(params)


def kept_render(conditions: Conditions, name: str, lookup_name: str, value: Any, c_collation: bool,
                compiler: Any) -> Any:
    try:
        sql, params = conditions.render("default", name, lookup_name, value, c_collation, compiler)
    except Fallback:
        return "fallback"
    return sql, comparable(params)


#: Each case, and each comparison again in the "C" collation (PostgreSQL's text comparisons; the SQL renders anywhere).
COLLATED_CASES = [(*case, False) for case in CASES] + [
    (*case, True) for case in CASES if case[2] in ("gt", "gte", "lt", "lte")
]


@pytest.mark.django_db
@pytest.mark.parametrize(("model_name", "name", "lookup_name", "values", "c_collation"), COLLATED_CASES,
                         ids=[f"{case[0]}.{case[1]}__{case[2]}{' C' if case[4] else ''}" for case in COLLATED_CASES])
def test_every_value_renders_as_django_renders_it(model_name: str, name: str, lookup_name: str, values: list[Any],
                                                  c_collation: bool) -> None:
    cls = model(model_name)
    field = cls._meta.get_field(name)
    table = cls._meta.db_table
    conditions = Conditions(table, {name: field})
    compiler = Query(cls).get_compiler(using="default")
    for value in values:
        expected = django_render(field, table, name, lookup_name, value, c_collation, compiler)
        assert kept_render(conditions, name, lookup_name, value, c_collation, compiler) == expected, value
        assert kept_render(conditions, name, lookup_name, value, c_collation, compiler) == expected, value


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "lookup_name", "values"), [
    ("quantity", "exact", [3, 4, 5]),
    ("quantity", "in", [[1, 2], [3, 4], [5, 6]]),
    ("name", "startswith", ["b", "bi", "c"]),
    ("name", "icontains", ["a", "B", "cd"]),
    ("added_at", "gt", [MOMENT, MOMENT.astimezone(PLUS_ONE), MOMENT]),
    ("notes", "exact", [None, None, None]),
    ("in_stock", "exact", [True, True, True]),
])
def test_a_kept_kind_builds_no_django_lookup(monkeypatch: Any, name: str, lookup_name: str, values: list[Any]) -> None:
    from inventory.models import Item

    built = []

    def counting(*args: Any) -> Any:
        built.append(args)
        return lookup(*args)

    monkeypatch.setattr(orm_conditions, "lookup", counting)
    conditions = Conditions(Item._meta.db_table, {name: Item._meta.get_field(name)})
    compiler = Query(Item).get_compiler(using="default")
    for value in values:
        conditions.render("default", name, lookup_name, value, False, compiler)
    assert [kept for kept in conditions.kept.values() if kept is not None]
    # The first value is rendered by Django (and, for text, a probe string): later ones are not.
    assert len(built) == (2 if lookup_name in ("startswith", "icontains") else 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "lookup_name"), [("id", "exact"), ("quantity", "gt"), ("quantity", "lte")])
def test_an_int_on_an_integer_column_is_bound_without_a_lookup(monkeypatch: Any, name: str, lookup_name: str) -> None:
    from inventory.models import Item

    field = Item._meta.get_field(name)
    lookup_class = field.get_lookup(lookup_name)
    prepared = []
    original = lookup_class.process_rhs

    def counting(self: Any, compiler: Any, connection: Any) -> Any:
        prepared.append(self.rhs)
        return original(self, compiler, connection)

    monkeypatch.setattr(lookup_class, "process_rhs", counting)
    conditions = Conditions(Item._meta.db_table, {name: field})
    compiler = Query(Item).get_compiler(using="default")
    for value in (3, 4, 5, -6):
        conditions.render("default", name, lookup_name, value, False, compiler)
    learned = len(prepared)
    assert learned >= 1  # the first value is Django's, and checked against the integer path
    for value in (7, 2**31 - 1, -(2**31)):
        conditions.render("default", name, lookup_name, value, False, compiler)
    assert len(prepared) == learned
    # A value the integer path does not take (a float) goes through the lookup class again.
    expected = django_render(field, Item._meta.db_table, name, lookup_name, 2.5, False, compiler)
    assert kept_render(conditions, name, lookup_name, 2.5, False, compiler) == expected
    assert len(prepared) > learned


@pytest.mark.django_db
def test_a_kind_that_cannot_be_kept_still_renders_through_django() -> None:
    from inventory.models import Item

    field = Item._meta.get_field("in_stock")
    conditions = Conditions(Item._meta.db_table, {"in_stock": field})
    compiler = Query(Item).get_compiler(using="default")
    # An integer on a boolean column becomes a bool: on PostgreSQL "col" / NOT "col", elsewhere "= %s".
    for value in (1, 0, 1):
        expected = django_render(field, Item._meta.db_table, "in_stock", "exact", value, False, compiler)
        assert kept_render(conditions, "in_stock", "exact", value, False, compiler) == expected


@pytest.mark.django_db
def test_beyond_the_most_kinds_new_kinds_render_through_django(monkeypatch: Any) -> None:
    from inventory.models import Item

    monkeypatch.setattr(orm_conditions, "MAX_KINDS", 2)
    field = Item._meta.get_field("quantity")
    conditions = Conditions(Item._meta.db_table, {"quantity": field})
    compiler = Query(Item).get_compiler(using="default")
    lists = [[1], [1, 2], [1, 2, 3], [1, 2, 3, 4], [5, 6, 7, 8]]
    for value in lists:
        expected = django_render(field, Item._meta.db_table, "quantity", "in", value, False, compiler)
        assert kept_render(conditions, "quantity", "in", value, False, compiler) == expected
    assert len(conditions.kept) == 2


def test_kinds_tell_apart_what_changes_the_sql() -> None:
    kinds = [orm_conditions.kind(value) for value in (None, True, 1, 1.0, "", "a", [1], [1, 2], (1,), False)]
    assert len(set(kinds)) == len(kinds)
    assert orm_conditions.kind("a") == orm_conditions.kind("bcd")
    assert orm_conditions.kind([1, 2]) == orm_conditions.kind([3, 4])
