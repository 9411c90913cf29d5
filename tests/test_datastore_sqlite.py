"""What only the SQLite datastore does: the file, the table and its constraints, bound
parameters, one connection per thread, transactions."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import snapshot
from django.core.exceptions import ImproperlyConfigured

from django_restframework_lite import models
from django_restframework_lite.datastore import SQLiteDataStore
from django_restframework_lite.exceptions import BadRequest, Conflict
from tests.stores import CategoryModel, ItemModel, PartModel

INJECTION = "x'); DROP TABLE item;--"


def raw(path: Path, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, parameters).fetchall()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sub" / "dir" / "store.db"


@pytest.fixture
def unbound(db_path: Path) -> tuple[SQLiteDataStore, SQLiteDataStore]:
    """A category table and an item table in one file, with no registry: SQL alone guards the keys."""
    category = SQLiteDataStore({"name": str(db_path), "table": "category"}, CategoryModel)
    item = SQLiteDataStore({"name": str(db_path), "table": "item"}, ItemModel)
    yield category, item
    category.close()
    item.close()


def test_creates_the_file_and_the_table(unbound: Any, db_path: Path) -> None:
    assert db_path.is_file()
    tables = {row[0] for row in raw(db_path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"category", "item"}


def test_table_columns_types_pk_and_not_null(unbound: Any, db_path: Path) -> None:
    columns = {row[1]: (row[2], row[3], row[5]) for row in raw(db_path, "PRAGMA table_info(item)")}
    assert columns == {
        "id": ("INTEGER", 0, 1),
        "name": ("TEXT", 1, 0),
        "notes": ("TEXT", 0, 0),
        "quantity": ("INTEGER", 1, 0),
        "weight": ("REAL", 0, 0),
        "in_stock": ("INTEGER", 0, 0),
        "added_at": ("TEXT", 0, 0),
        "size": ("TEXT", 0, 0),
        "rank": ("INTEGER", 0, 0),
        "category": ("INTEGER", 0, 0),
    }


def test_string_pk_is_a_text_primary_key_not_null(tmp_path: Path) -> None:
    store = SQLiteDataStore({"name": str(tmp_path / "p.db"), "table": "part"}, PartModel)
    columns = {row[1]: (row[2], row[3], row[5]) for row in raw(tmp_path / "p.db", "PRAGMA table_info(part)")}
    assert columns["code"] == ("TEXT", 1, 1)
    store.close()


def test_foreign_key_constraint_references_a_table_of_the_same_file(unbound: Any, db_path: Path) -> None:
    keys = [(row[2], row[3], row[4]) for row in raw(db_path, "PRAGMA foreign_key_list(item)")]
    assert keys == [("category", "category", "id")]


def test_no_sql_foreign_key_to_a_table_outside_the_file(tmp_path: Path) -> None:
    model = models.Model([models.PkField("id"), models.IntForeign("owner", foreign={"table": "users"})])
    store = SQLiteDataStore({"name": str(tmp_path / "x.db"), "table": "pets"}, model)
    assert raw(tmp_path / "x.db", "PRAGMA foreign_key_list(pets)") == []
    assert store.get(store.create({"owner": 12})) == {"id": 1, "owner": 12}
    store.close()


def test_unbound_foreign_key_to_a_missing_row_is_a_bad_request(unbound: Any) -> None:
    category, item = unbound
    pk = category.create({"name": "tools"})
    before = snapshot(item)
    with pytest.raises(BadRequest) as caught:
        item.create({"name": "saw", "quantity": 1, "category": pk + 1})
    assert (caught.value.message, list(caught.value.fields)) == ("category does not validate", ["category"])
    assert snapshot(item) == before


def test_sql_foreign_key_error_names_the_field(unbound: Any) -> None:
    _category, item = unbound
    # Past the Python-side check, the constraint itself answers: the same 400.
    with pytest.raises(BadRequest) as caught, item.atomic():
        item.insert({"name": "saw", "quantity": 1, "category": 77})
    assert caught.value.message == "category does not validate"
    assert item.count() == 0


def test_unbound_delete_of_a_referenced_row_is_a_conflict(unbound: Any) -> None:
    category, item = unbound
    pk = category.create({"name": "tools"})
    item.create({"name": "saw", "quantity": 1, "category": pk})
    with pytest.raises(Conflict) as caught:
        category.delete(pk)
    assert caught.value.status == 409
    assert category.count() == 1 and item.count() == 1


def test_not_null_constraint_holds_in_the_file(unbound: Any, db_path: Path) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
        raw(db_path, "INSERT INTO item (name, quantity) VALUES (?, NULL)", ("x",))


def test_values_are_bound_parameters_and_stored_literally(unbound: Any, db_path: Path) -> None:
    _category, item = unbound
    pk = item.create({"name": "Robert'); --"[:20], "notes": INJECTION, "quantity": 1})
    assert item.get(pk)["notes"] == INJECTION
    assert [row["id"] for row in item.get_list(notes=INJECTION)] == [pk]
    assert item.count(notes__contains="'); DROP") == 1
    assert item.count(notes__startswith="x'") == 1
    assert item.count(notes__in=f"{INJECTION},other") == 1
    assert raw(db_path, "SELECT notes FROM item") == [(INJECTION,)]


def test_identifiers_come_quoted_from_the_model(tmp_path: Path) -> None:
    model = models.Model([models.PkField("id"), models.StringField('order "by"'), models.IntegerField("select")])
    store = SQLiteDataStore({"name": str(tmp_path / "q.db"), "table": "group"}, model)
    pk = store.create({'order "by"': "x", "select": 2})
    assert store.get_list(select__gte="2", order_by='-order "by"') == [{"id": pk, 'order "by"': "x", "select": 2}]
    store.close()


def test_storage_types_in_the_file(unbound: Any, db_path: Path) -> None:
    _category, item = unbound
    item.create({"name": "saw", "quantity": 1, "weight": 2, "in_stock": False, "added_at": "2024-01-01T01:00:00+01:00"})
    assert raw(db_path, "SELECT typeof(weight), weight, in_stock, added_at FROM item") == [
        ("real", 2.0, 0, "2024-01-01T00:00:00+00:00")
    ]


def test_an_existing_table_is_reused(unbound: Any, db_path: Path) -> None:
    _category, item = unbound
    pk = item.create({"name": "saw", "quantity": 1})
    again = SQLiteDataStore({"name": str(db_path), "table": "item"}, ItemModel)
    assert again.get(pk)["name"] == "saw"
    assert again.sql_foreign_keys == {"category"}
    again.close()


def test_an_existing_table_without_a_model_column_is_a_configuration_error(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    raw(db_path, "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)")
    with pytest.raises(ImproperlyConfigured, match="has no column notes, quantity"):
        SQLiteDataStore({"name": str(db_path), "table": "item"}, ItemModel)


@pytest.mark.parametrize("config", [{"name": "x.db"}, {"table": "t"}, "x.db", None])
def test_the_seed_configuration_form_is_required(config: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match='needs ressource={"name"'):
        SQLiteDataStore(config, CategoryModel)


def test_each_thread_has_its_own_connection(unbound: Any) -> None:
    category, _item = unbound
    seen: list[sqlite3.Connection] = []
    thread = threading.Thread(target=lambda: (seen.append(category.connection), category.close()))
    thread.start()
    thread.join()
    assert seen and seen[0] is not category.connection


def test_atomic_rolls_back_on_error(unbound: Any) -> None:
    category, _item = unbound
    with pytest.raises(RuntimeError), category.atomic():
        category.create({"name": "tools"})
        raise RuntimeError("abort")
    assert category.count() == 0
    assert not category.connection.in_transaction


def test_atomic_takes_the_write_lock_at_once(unbound: Any, db_path: Path) -> None:
    category, _item = unbound
    other = sqlite3.connect(db_path, timeout=0)
    with category.atomic():
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.rollback()
    other.close()


def test_icontains_folds_non_ascii_like_python(unbound: Any) -> None:
    category, _item = unbound
    category.create({"name": "\u00c9CLAIRS"})
    assert category.count(name__icontains="\u00e9clair") == 1
    assert category.count(name__contains="\u00e9clair") == 0


def test_timestamp_and_string_foreign_keys(tmp_path: Path) -> None:
    path = str(tmp_path / "t.db")
    parts = SQLiteDataStore({"name": path, "table": "part"}, PartModel)
    model = models.Model(
        [
            models.PkField("id"),
            models.TimestampField("at", nullable=True),
            models.StringForeignKey("part", foreign={"table": "part", "column": "code"}),
        ]
    )
    orders = SQLiteDataStore({"name": path, "table": "orders"}, model)
    assert [(row[2], row[3], row[4]) for row in raw(tmp_path / "t.db", "PRAGMA foreign_key_list(orders)")] == [
        ("part", "part", "code")
    ]
    parts.create({"code": "P1"})
    pk = orders.create({"at": 1381921200, "part": "P1"})
    assert orders.get(pk) == {"id": pk, "at": 1381921200.0, "part": "P1"}
    assert orders.count(at__gte="1381921200.0") == 1
    with pytest.raises(BadRequest) as caught:
        orders.create({"part": "nope"})
    assert caught.value.message == "part does not validate"
    with pytest.raises(Conflict):
        parts.delete("P1")
    assert parts.count() == 1 and orders.count() == 1
    parts.close()
    orders.close()


# Outages and connections ------------------------------------------------------------------------


def test_a_lock_held_past_the_timeout_is_a_503_and_writes_nothing(db_path: Path) -> None:
    from django_restframework_lite.exceptions import ServiceUnavailable

    store = SQLiteDataStore({"name": str(db_path), "table": "part"}, PartModel, timeout=0.05)
    store.create({"code": "kept"})
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        for call, arguments in [(store.create, ({"code": "new"},)), (store.get, ("kept",)), (store.get_list, ()),
                                (store.delete, ("kept",)), (store.update, ({"code": "kept"}, {"stock": 3}))]:
            with pytest.raises(ServiceUnavailable) as caught:
                call(*arguments)
            assert caught.value.headers == {"Retry-After": "1"}
            assert not store.connection.in_transaction
    finally:
        holder.rollback()
        holder.close()
    assert store.get_list() == [{"code": "kept", "stock": 0, "price": None, "label": ""}]
    store.close()


@pytest.mark.django_db(transaction=True)  # request_finished also closes Django's own connections
def test_connections_are_closed_when_each_request_finishes(db_path: Path) -> None:
    """Threads that come and go (runserver's) leave no connection behind, without waiting for the garbage collector."""
    import gc
    import os

    from django.core.signals import request_finished, request_started

    store = SQLiteDataStore({"name": str(db_path), "table": "part"}, PartModel)
    store.close()

    def open_files() -> int:
        count = 0
        for name in os.listdir("/proc/self/fd"):
            try:
                count += os.readlink(f"/proc/self/fd/{name}") == str(db_path)
            except OSError:
                continue
        return count

    def one_request() -> None:
        request_started.send(sender=None)
        store.get_list()
        request_finished.send(sender=None)

    gc.disable()
    try:
        threads = [threading.Thread(target=one_request) for _ in range(20)]
        for thread in threads:
            thread.start()
            thread.join()
        assert open_files() == 0
    finally:
        gc.enable()


def test_an_in_memory_database_keeps_its_connection(tmp_path: Path) -> None:
    from django_restframework_lite.datastore.sqlite_connections import close_request_connections

    store = SQLiteDataStore({"name": ":memory:", "table": "part"}, PartModel)
    store.create({"code": "kept"})
    close_request_connections()
    assert store.get("kept")["code"] == "kept"
