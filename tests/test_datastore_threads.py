"""Concurrent writers in one process: no lost rows, no pk handed out twice, no broken rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from django_restframework_lite.datastore import DataStore, SQLiteDataStore
from django_restframework_lite.datastore.validators import UniqueTogether
from django_restframework_lite.exceptions import Conflict
from tests.concurrency import run_together
from tests.stores import build_store

THREADS = 8
PER_THREAD = 50


def make_store(kind: str, tmp_path: Path) -> DataStore:
    return build_store(kind, "item", tmp_path, validators=[UniqueTogether("name", "size")])


def run_threads(work: Callable[[int], Any], store: DataStore | None = None) -> list[Any]:
    """Start every thread at the same moment; a SQLite store's connection is closed in its own thread."""
    cleanup = store.close if isinstance(store, SQLiteDataStore) else None
    return run_together(THREADS, work, cleanup=cleanup)


@pytest.mark.parametrize("kind", ["pythonlist", "sqlite"])
def test_concurrent_creates_get_distinct_pks_and_all_rows(kind: str, tmp_path: Path) -> None:
    store = make_store(kind, tmp_path)

    def create_many(number: int) -> list[int]:
        return [store.create({"name": f"t{number}-{index}", "quantity": index}) for index in range(PER_THREAD)]

    pks = [pk for batch in run_threads(create_many, store) for pk in batch]
    assert len(pks) == THREADS * PER_THREAD
    assert len(set(pks)) == THREADS * PER_THREAD
    assert store.count() == THREADS * PER_THREAD
    assert sorted(row["id"] for row in store.get_list()) == sorted(pks)
    if kind == "pythonlist":
        assert len(store.data) == THREADS * PER_THREAD


@pytest.mark.parametrize("kind", ["pythonlist", "sqlite"])
def test_concurrent_duplicates_pass_unique_together_once(kind: str, tmp_path: Path) -> None:
    store = make_store(kind, tmp_path)

    def create_same(number: int) -> str:
        try:
            store.create({"name": "same", "size": "S", "quantity": number})
        except Conflict as error:
            return error.message
        return "created"

    outcomes = run_threads(create_same, store)
    assert sorted(outcomes) == ["created"] + ["name,size must be unique together"] * (THREADS - 1)
    assert store.count() == 1


@pytest.mark.parametrize("kind", ["pythonlist", "sqlite"])
def test_concurrent_updates_are_not_lost(kind: str, tmp_path: Path) -> None:
    store = make_store(kind, tmp_path)
    pk = store.create({"name": "counter", "quantity": 0})

    def increment(_number: int) -> None:
        for _ in range(20):
            with store.atomic():
                current = store.get_for_update(pk)
                store.update(current, {"quantity": current["quantity"] + 1})

    run_threads(increment, store)
    assert store.get(pk)["quantity"] == THREADS * 20


# The ORM store on either database: PostgreSQL locks rows (select_for_update); SQLite's
# test database is a file with IMMEDIATE transactions (see test_settings), so writers queue.

@pytest.mark.django_db(transaction=True)
def test_orm_concurrent_creates_and_locked_updates() -> None:
    from django.db import connection
    from inventory.models import Item

    from django_restframework_lite.datastore import DjangoModelDataStore

    store = DjangoModelDataStore(Item, validators=[UniqueTogether("name", "size")])
    pk = store.create({"name": "counter", "quantity": 0})

    def work(number: int) -> list[int]:
        try:
            created = [store.create({"name": f"t{number}-{index}", "quantity": 1}) for index in range(10)]
            for _ in range(10):
                with store.atomic():
                    current = store.get_for_update(pk)
                    store.update(current, {"quantity": current["quantity"] + 1})
            return created
        finally:
            connection.close()

    pks = [created for batch in run_threads(work) for created in batch]
    assert len(set(pks)) == THREADS * 10
    assert store.count() == THREADS * 10 + 1
    assert store.get(pk)["quantity"] == THREADS * 10

@pytest.mark.django_db(transaction=True)
def test_orm_concurrent_duplicates_pass_unique_together_once() -> None:
    from django.db import connection
    from inventory.models import Item

    from django_restframework_lite.datastore import DjangoModelDataStore

    store = DjangoModelDataStore(Item, validators=[UniqueTogether("name", "size")])

    def create_same(number: int) -> str:
        try:
            store.create({"name": "same", "size": "S", "quantity": number})
        except Conflict as error:
            return error.message
        finally:
            connection.close()
        return "created"

    outcomes = run_threads(create_same)
    assert sorted(outcomes) == ["created"] + ["name,size must be unique together"] * (THREADS - 1)
    assert store.count() == 1
