"""Shared fixtures: the same three ressources on each of the three datastores.

``stores`` is parametrized over ``pythonlist``, ``sqlite`` and ``orm``: each test
that takes it runs once per datastore, against ressources that behave the same
(the ORM's models are derived from ``inventory.models``; the other stores get the
explicit models below, which describe the same fields).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from django_restframework_lite.datastore import (
    DataStore,
    DjangoModelDataStore,
    PythonListDataStore,
    SQLiteDataStore,
)
from django_restframework_lite.datastore.validators import UniqueTogether
from tests.browser_support import running_in_ci, why_no_browser
from tests.http_support import STORE_KINDS, CategoryModel, ItemModel, PartModel


@dataclass
class Stores:
    """The ressources of one API on one kind of datastore, bound to each other."""

    kind: str
    category: DataStore
    item: DataStore
    part: DataStore

    @property
    def registry(self) -> dict[str, DataStore]:
        return {"category": self.category, "item": self.item, "part": self.part}


def build_stores(kind: str, tmp_path: Any) -> Stores:
    """Build category/item/part stores of one kind; items are unique together on (name, size)."""
    item_options = {"validators": [UniqueTogether("name", "size")]}
    if kind == "pythonlist":
        stores = Stores(
            kind,
            PythonListDataStore([], CategoryModel),
            PythonListDataStore([], ItemModel, **item_options),
            PythonListDataStore([], PartModel),
        )
    elif kind == "sqlite":
        path = str(tmp_path / "contract.db")
        category = SQLiteDataStore({"name": path, "table": "category"}, CategoryModel)
        stores = Stores(
            kind,
            category,
            SQLiteDataStore({"name": path, "table": "item"}, ItemModel, **item_options),
            SQLiteDataStore({"name": path, "table": "part"}, PartModel),
        )
    elif kind == "orm":
        from inventory.models import Category, Item, Part

        stores = Stores(
            kind,
            DjangoModelDataStore(Category),
            DjangoModelDataStore(Item, **item_options),
            DjangoModelDataStore(Part),
        )
    else:  # pragma: no cover - a typo in a parametrization
        raise ValueError(kind)
    registry = stores.registry
    for name, store in registry.items():
        store.bind(registry, name)
    return stores


@pytest.fixture(params=STORE_KINDS)
def stores(request: pytest.FixtureRequest, tmp_path: Any) -> Stores:
    """The three ressources on each datastore in turn (the ORM ones in a test transaction)."""
    if request.param == "orm":
        request.getfixturevalue("db")
    built = build_stores(request.param, tmp_path)
    yield built
    for store in built.registry.values():
        if isinstance(store, SQLiteDataStore):
            store.close()


def snapshot(store: DataStore) -> list[dict[str, Any]]:
    """Everything a store holds, in pk order: compared before and after a refused write."""
    rows = store.get_list()
    assert store.count() == len(rows)
    return rows


# Browser tests: left out, and said so, where Chromium is missing; always run under CI -------------

_LEFT_OUT = pytest.StashKey[tuple[str, list[str]]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_tests = [item for item in items if item.get_closest_marker("browser")]
    if not browser_tests or running_in_ci():
        return
    reason = why_no_browser()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"browser test left out: {reason}")
    for item in browser_tests:
        item.add_marker(skip)
    config.stash[_LEFT_OUT] = (reason, [item.nodeid for item in browser_tests])


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if _LEFT_OUT not in config.stash:
        return
    reason, nodeids = config.stash[_LEFT_OUT]
    terminalreporter.section("browser tests left out", sep="-", yellow=True)
    terminalreporter.line(f"{len(nodeids)} tests that drive headless Chromium did not run: {reason}.")
    for nodeid in nodeids:
        terminalreporter.line(f"  {nodeid}")
    terminalreporter.line("Everything else ran. CI (CI=true) always runs them, and fails without Chromium.")
