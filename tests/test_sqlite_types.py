"""How the SQLite store keeps the types of API.md section 11: columns that read back exactly, link tables.

A value written through one store is read back exactly by a new store opened
on the same file (a new connection, new objects); decimals are text compared
as exact numbers, durations whole microseconds, bytes blobs, links rows of a
link table whose source rows cascade.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from django_restframework_lite import models
from django_restframework_lite.datastore import SQLiteDataStore
from tests.stores import CategoryModel, GadgetModel, TicketModel

SERIAL = "6f1c2d1e-8b7a-4c55-9e0f-3a2b1c0d9e8f"


def raw(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def open_stores(path: Path) -> dict[str, SQLiteDataStore]:
    stores = {name: SQLiteDataStore({"name": str(path), "table": name}, model)
              for name, model in (("category", CategoryModel), ("ticket", TicketModel), ("gadget", GadgetModel))}
    for name, store in stores.items():
        store.bind(stores, name)
    return stores


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "types.db"
    for store in open_stores(tmp_path / "types.db").values():
        store.close()


def test_each_type_has_the_column_that_keeps_it_exactly(path: Path) -> None:
    open_stores(path)
    columns = {row[1]: row[2] for row in raw(path, "PRAGMA table_info(gadget)")}
    assert columns == {
        "id": "INTEGER", "made": "TEXT", "opens": "TEXT", "warranty": "INTEGER", "serial": "TEXT", "price": "TEXT",
        "specs": "TEXT", "blob": "BLOB", "email": "TEXT", "site": "TEXT", "slug": "TEXT", "ip": "TEXT",
        "manual": "TEXT",
    }
    assert {row[1]: row[2] for row in raw(path, "PRAGMA table_info(ticket)")} == {"id": "TEXT", "title": "TEXT"}
    links = raw(path, "PRAGMA table_info(gadget__categories)")
    assert [(row[1], row[2], row[5]) for row in links] == [("source", "INTEGER", 1), ("target", "INTEGER", 2)]
    references = {(row[2], row[3], row[4], row[6]) for row in raw(path, "PRAGMA foreign_key_list(gadget__categories)")}
    assert references == {("gadget", "source", "id", "CASCADE"), ("category", "target", "id", "CASCADE")}


def test_a_new_store_on_the_same_file_reads_every_value_back_exactly(path: Path) -> None:
    stores = open_stores(path)
    category = stores["category"].create({"name": "tools"})
    ticket = stores["ticket"].create({"title": "fix"})
    body = {"made": "2026-11-28", "opens": "13:45:00.000001", "warranty": "-P1DT0.5S", "serial": SERIAL,
            "price": "999999.99", "specs": {"n": [1, 2.5, None], "t": "\u00e9"}, "blob": "AAEC/w==",
            "email": "a@example.com", "site": "https://example.com/", "slug": "s", "ip": "::1",
            "categories": [category], "tickets": [ticket]}
    pk = stores["gadget"].create(body)
    written = stores["gadget"].get(pk)
    for store in stores.values():
        store.close()
    again = open_stores(path)
    assert again["gadget"] is not stores["gadget"]
    assert again["gadget"].get(pk) == written == {"id": pk, **body, "manual": None}
    assert again["ticket"].get(ticket) == {"id": ticket, "title": "fix"}
    stored = raw(path, "SELECT warranty, price, blob, specs FROM gadget")
    assert stored == [(-86_400_500_000, "999999.99", b"\x00\x01\x02\xff", '{"n":[1,2.5,null],"t":"\u00e9"}')]


class PreciseModel(models.Model):
    fields = [models.PkField(name="id"), models.DecimalField(name="amount", max_digits=30, decimal_places=27)]


def test_decimals_compare_and_order_as_exact_numbers(tmp_path: Path) -> None:
    store = SQLiteDataStore({"name": str(tmp_path / "precise.db"), "table": "precise"}, PreciseModel)
    small = store.create({"amount": "0.100000000000000000000000001"})
    tenth = store.create({"amount": "0.1"})
    negative = store.create({"amount": "-2"})
    nine = store.create({"amount": "9"})
    assert [row["id"] for row in store.get_list(order_by="amount")] == [negative, tenth, small, nine]
    assert [row["id"] for row in store.get_list(amount__gt="0.1")] == [small, nine]
    assert [row["id"] for row in store.get_list(amount="0.10")] == [tenth]
    assert [row["id"] for row in store.get_list(amount__in="9.0,-2")] == [negative, nine]
    store.close()


def test_a_deleted_row_takes_its_links_with_it(path: Path) -> None:
    stores = open_stores(path)
    category = stores["category"].create({"name": "tools"})
    pk = stores["gadget"].create({"categories": [category]})
    stores["gadget"].delete(pk)
    assert raw(path, "SELECT * FROM gadget__categories") == []
    assert stores["category"].get(category) == {"id": category, "name": "tools"}
