"""``PythonListDataStore``: the list it was given is the storage, whatever else changes it.

Changes made to the list directly (``clear()``, ``append()``, replacing a row)
are seen at once, and objects go out with the model's fields only, whatever
other members the rows hold.
"""

from __future__ import annotations

from typing import Any

import pytest

from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.exceptions import NotFound
from tests.stores import CategoryModel, PartModel


def test_rows_show_the_model_fields_only() -> None:
    rows: list[dict[str, Any]] = [{"code": "a", "stock": 1, "price": None, "label": "", "id": 7, "secret": "x"}]
    store = PythonListDataStore(rows, PartModel)
    store.create({"code": "b"})
    assert store.get("a") == {"code": "a", "stock": 1, "price": None, "label": ""}
    assert [sorted(obj) for obj in store.get_list()] == [["code", "label", "price", "stock"]] * 2
    assert store.update(store.get("a"), {"stock": 2}) == {"code": "a", "stock": 2, "price": None, "label": ""}
    assert rows[1] == {"code": "b", "stock": 0, "price": None, "label": ""}  # no id member added to a string-pk row


def test_a_cleared_list_holds_nothing_any_more() -> None:
    rows: list[dict[str, Any]] = []
    store = PythonListDataStore(rows, PartModel)
    store.create({"code": "a"})
    rows.clear()
    with pytest.raises(NotFound):
        store.get("a")
    assert store.create({"code": "a"}) == "a"  # the pk is free again
    assert store.get_list() == [{"code": "a", "stock": 0, "price": None, "label": ""}]


def test_rows_added_or_replaced_in_the_list_are_found() -> None:
    rows: list[dict[str, Any]] = [{"id": 1, "name": "tools"}]
    store = PythonListDataStore(rows, CategoryModel)
    rows.append({"id": 5, "name": "food"})
    assert store.get(5) == {"id": 5, "name": "food"}
    rows[0] = {"id": 1, "name": "hardware"}
    assert store.get(1) == {"id": 1, "name": "hardware"}
    del rows[0]
    with pytest.raises(NotFound):
        store.get(1)
    assert store.get(5)["name"] == "food"
    assert store.create({"name": "toys"}) == 6


def test_integer_pks_are_never_handed_out_twice() -> None:
    rows: list[dict[str, Any]] = []
    store = PythonListDataStore(rows, CategoryModel)
    assert [store.create({"name": name}) for name in "ab"] == [1, 2]
    rows.clear()
    assert store.create({"name": "c"}) == 3  # an old URI must not find a new object
