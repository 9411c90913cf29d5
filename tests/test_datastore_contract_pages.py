"""The datastore contract for pages: keyset positions over any ordering, NULLs and ties, and what a total costs.

Every test takes the ``stores`` fixture (tests/conftest.py), so it runs on the
list, SQLite and ORM stores alike: "the rows after this position" must be exactly
the rows that follow it in the store's own ordering, whatever the types, the
directions, the NULLs and the ties, read forwards or backwards.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from django_restframework_lite.datastore import keyset
from django_restframework_lite.datastore.base import Estimate
from django_restframework_lite.models import FieldError
from tests.stores import Stores

pytestmark = pytest.mark.django_db

WEIGHTS = [1.5, None, 1.5, 0.25, None, 3.0, 1.5, -2.0, None, 0.25, 1e-7, 3.0, 1.5]
NOTES = ["b", None, "a", "b", "\u00e9", None, "B", "b", None, "a", "", "Z", "b"]
ADDED = [None, "2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00.000001+00:00", None, "2023-12-31T23:59:59+00:00",
         "2024-01-01T00:00:00+00:00", None, "2024-06-01T12:00:00+02:00", "2024-01-01T00:00:00+00:00", None,
         "2030-01-01T00:00:00+00:00", None, "2024-01-01T00:00:00+00:00"]

ITEM_ORDERINGS = ["", "-id", "weight", "-weight", "notes,-added_at", "-notes,added_at", "-size,weight", "name", "-name",
                  "added_at,-quantity", "-added_at", "in_stock,-rank", "category,-weight", "-category,notes,weight"]


@pytest.fixture
def crowded(stores: Stores) -> Stores:
    """Thirteen items with ties and NULLs in every nullable column, in an order no column follows."""
    tools = stores.category.create({"name": "tools"})
    for index in range(13):
        stores.item.create({
            "name": f"item {(index * 5) % 13:02d}",
            "notes": NOTES[index],
            "quantity": index % 3,
            "weight": WEIGHTS[index],
            "in_stock": index % 2 == 0,
            "added_at": ADDED[index],
            "size": "SML"[index % 3],
            "rank": (index * 7) % 4,
            "category": tools if index % 3 else None,
        })
    for index, price in enumerate(["1.50", None, "1.5", "0.10", None, "12.00", "-3.25"]):
        stores.part.create({"code": f"p{(index * 3) % 7}", "stock": index % 2, "price": price, "label": "xy"[index % 2]})
    return stores


def ordered(store: Any, order_by: str) -> tuple[list[Any], list[dict[str, Any]]]:
    """Return the store's ordering (pk last) for ``order_by`` and every row in that order."""
    filters = {"order_by": order_by} if order_by else {}
    _, ordering = store.parse_filters(filters)
    return ordering, store.get_list(**filters)


def after(store: Any, ordering: list[Any], row: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """Return at most ``count`` rows after ``row``'s position, read as a cursor page reads them.

    The condition is built twice, with and without the store's NOT NULL fields: both must select the same rows.
    """
    values = keyset.decode(ordering, keyset.position_of(row, ordering))
    pages = []
    for never_null in (store.never_null, ()):
        condition = keyset.after(ordering, values, never_null)
        rows, total = store.page({}, 0, count, scope=[condition], ordering=ordering, total="none")
        assert total is None
        pages.append(rows)
    assert pages[0] == pages[1]
    return pages[0]


def pks(store: Any, rows: list[dict[str, Any]]) -> list[Any]:
    name = store.model.pk_field.name
    return [row[name] for row in rows]


@pytest.mark.parametrize("order_by", ITEM_ORDERINGS)
def test_the_rows_after_a_position_are_those_that_follow_it_in_the_order(crowded: Stores, order_by: str) -> None:
    store = crowded.item
    ordering, rows = ordered(store, order_by)
    assert len(rows) == 13
    for index, row in enumerate(rows):
        assert pks(store, after(store, ordering, row, 4)) == pks(store, rows[index + 1 : index + 5]), (order_by, index)


@pytest.mark.parametrize("order_by", ITEM_ORDERINGS)
def test_the_rows_before_a_position_are_the_next_ones_of_the_reversed_order(crowded: Stores, order_by: str) -> None:
    store = crowded.item
    ordering, rows = ordered(store, order_by)
    backwards = keyset.reverse(ordering)
    for index, row in enumerate(rows):
        expected = list(reversed(rows[max(index - 4, 0) : index]))
        assert pks(store, after(store, backwards, row, 4)) == pks(store, expected), (order_by, index)


@pytest.mark.parametrize("order_by", ["", "-code", "price", "-price", "label,-price", "-stock,price"])
def test_positions_over_decimals_and_a_string_pk(crowded: Stores, order_by: str) -> None:
    store = crowded.part
    ordering, rows = ordered(store, order_by)
    assert len(rows) == 7
    for index, row in enumerate(rows):
        assert pks(store, after(store, ordering, row, 10)) == pks(store, rows[index + 1 :]), (order_by, index)


@pytest.mark.parametrize("order_by", ["made", "-opens", "warranty", "-serial", "price,-made", "email", "-slug,warranty"])
def test_positions_over_dates_times_durations_and_uuids(stores: Stores, order_by: str) -> None:
    store = stores.gadget
    values = [
        {"made": "2024-02-29", "opens": "09:30:00", "warranty": "P1D", "serial": "0f8fad5b-d9cb-469f-a165-70867728950e",
         "price": "10.00", "email": "b@example.com", "ip": "10.0.0.2"},
        {"made": None, "opens": None, "warranty": None, "serial": None, "price": None, "ip": None},
        {"made": "2024-02-29", "opens": "09:30:00.5", "warranty": "PT24H", "serial": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
         "price": "10", "email": "a@example.com", "ip": "10.0.0.10"},
        {"made": "1999-12-31", "opens": "23:59:59", "warranty": "PT0S", "serial": "0f8fad5b-d9cb-469f-a165-70867728950e",
         "price": "-0.01", "ip": "10.0.0.2"},
        {"made": None, "opens": "00:00:00", "warranty": "P2DT1M", "serial": None, "price": "10.01", "email": "b@example.com"},
    ]
    for body in values:
        store.create(body)
    ordering, rows = ordered(store, order_by)
    for index, row in enumerate(rows):
        assert pks(store, after(store, ordering, row, 10)) == pks(store, rows[index + 1 :]), (order_by, index)
        before = after(store, keyset.reverse(ordering), row, 10)
        assert pks(store, before) == pks(store, list(reversed(rows[:index]))), (order_by, index)


def test_a_position_holds_after_its_row_is_deleted(crowded: Stores) -> None:
    store = crowded.item
    ordering, rows = ordered(store, "-weight")
    position = keyset.position_of(rows[5], ordering)
    store.delete(rows[5]["id"])
    rows_after = store.page({}, 0, 3, scope=[keyset.after(ordering, keyset.decode(ordering, position))], ordering=ordering)[0]
    assert pks(store, rows_after) == pks(store, rows[6:9])


def test_the_pk_and_not_null_columns_are_never_null(stores: Stores) -> None:
    expected = {"pythonlist": {"id"}, "sqlite": {"id", "name", "quantity"}, "orm": {"id", "name", "quantity", "in_stock",
                                                                                   "size", "rank"}}[stores.kind]
    assert stores.item.never_null == expected


def test_a_position_that_does_not_fit_the_ordering_is_refused(crowded: Stores) -> None:
    ordering, _ = ordered(crowded.item, "added_at")
    with pytest.raises(ValueError):
        keyset.decode(ordering, ["2024-01-01T00:00:00+00:00"])
    with pytest.raises(FieldError):
        keyset.decode(ordering, ["not a date", 3])


def test_a_page_without_a_total_reads_no_count(crowded: Stores) -> None:
    _, every = ordered(crowded.item, "-id")
    rows, total = crowded.item.page({"order_by": "-id"}, 2, 3, total="none")
    assert (pks(crowded.item, rows), total) == (pks(crowded.item, every[2:5]), None)


def test_an_estimated_total_is_exact_where_the_database_keeps_no_estimate(crowded: Stores) -> None:
    rows, total = crowded.item.page({"size": "S"}, 0, 2, total="estimated")
    estimating = crowded.kind == "orm" and connection.vendor == "postgresql"
    assert len(rows) == 2
    assert isinstance(total, Estimate) is estimating
    if not estimating:
        assert total == 5
    # A short page holds every match after the offset: exact everywhere.
    rows, total = crowded.item.page({"size": "S"}, 3, 10, total="estimated")
    assert (len(rows), total, isinstance(total, Estimate)) == (2, 5, False)


def test_an_estimate_is_never_below_the_rows_the_page_shows(crowded: Stores) -> None:
    rows, total = crowded.item.page({}, 10, 2, total="estimated")
    assert len(rows) == 2 and total is not None and total >= 12
