"""The behavioural contract every datastore keeps, run on PythonList, SQLite and the ORM.

Each test takes the ``stores`` fixture (tests/conftest.py), so it runs once per
datastore. After every refused write the test checks that the store holds exactly
what it held before.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import snapshot
from django.core.exceptions import ImproperlyConfigured

from django_restframework_lite.datastore.validators import UniqueTogether, Validator
from django_restframework_lite.exceptions import ApiError, BadRequest, Conflict, NotFound
from tests.stores import Stores

pytestmark = pytest.mark.django_db


def item(**overrides: Any) -> dict[str, Any]:
    body = {"name": "hammer", "quantity": 5}
    body.update(overrides)
    return body


def refused(store: Any, exception: type[ApiError], call: Any, *args: Any) -> ApiError:
    """Run a write that must fail; check the store is unchanged and return the error."""
    before = snapshot(store)
    with pytest.raises(exception) as caught:
        call(*args)
    assert snapshot(store) == before
    return caught.value


def make_items(stores: Stores, *bodies: dict[str, Any]) -> list[Any]:
    return [stores.item.create(body) for body in bodies]


# Create, get, update, delete ---------------------------------------------------------------


def test_create_returns_pk_and_get_returns_every_field_with_defaults(stores: Stores) -> None:
    pk = stores.item.create(item())
    assert stores.item.get(pk) == {
        "id": pk,
        "name": "hammer",
        "notes": None,
        "quantity": 5,
        "weight": None,
        "in_stock": True,
        "added_at": None,
        "size": "M",
        "rank": 0,
        "category": None,
    }


def test_create_assigns_distinct_increasing_pks(stores: Stores) -> None:
    first = stores.item.create(item(name="a"))
    second = stores.item.create(item(name="b"))
    assert isinstance(first, int) and second > first


def test_every_field_type_round_trips(stores: Stores) -> None:
    category = stores.category.create({"name": "tools"})
    pk = stores.item.create(
        {
            "name": "saw",
            "notes": "sharp; \"quoted\" 'x' \u00e9\u4e2d",
            "quantity": -(2**31),
            "weight": 3,
            "in_stock": False,
            "added_at": "2024-02-03T04:05:06.250000+02:00",
            "size": "L",
            "rank": 100,
            "category": category,
        }
    )
    row = stores.item.get(pk)
    assert row == {
        "id": pk,
        "name": "saw",
        "notes": "sharp; \"quoted\" 'x' \u00e9\u4e2d",
        "quantity": -(2**31),
        "weight": 3.0,
        "in_stock": False,
        "added_at": "2024-02-03T02:05:06.250000+00:00",
        "size": "L",
        "rank": 100,
        "category": category,
    }
    assert type(row["weight"]) is float
    assert type(row["in_stock"]) is bool


def test_naive_and_z_datetimes_are_stored_as_utc(stores: Stores) -> None:
    naive = stores.item.create(item(name="a", added_at="2024-01-01T10:00:00"))
    zulu = stores.item.create(item(name="b", added_at="2024-01-01T10:00:00Z"))
    assert stores.item.get(naive)["added_at"] == "2024-01-01T10:00:00+00:00"
    assert stores.item.get(zulu)["added_at"] == "2024-01-01T10:00:00+00:00"


def test_get_unknown_pk_is_not_found(stores: Stores) -> None:
    with pytest.raises(NotFound) as caught:
        stores.item.get(999)
    assert caught.value.status == 404


@pytest.mark.parametrize("identifier", ["abc", 2**63, -(2**70), None, 1.5])
def test_get_identifier_of_the_wrong_type_is_not_found(stores: Stores, identifier: Any) -> None:
    stores.item.create(item())
    with pytest.raises(NotFound):
        stores.item.get(identifier)


def test_update_changes_only_the_given_fields(stores: Stores) -> None:
    pk = stores.item.create(item(notes="keep", weight=1.5))
    updated = stores.item.update(stores.item.get(pk), {"quantity": 7, "in_stock": False})
    expected = {**stores.item.get(pk)}
    assert updated == expected
    assert (expected["quantity"], expected["in_stock"], expected["notes"], expected["weight"]) == (
        7,
        False,
        "keep",
        1.5,
    )


def test_update_can_set_a_nullable_field_to_null(stores: Stores) -> None:
    pk = stores.item.create(item(notes="x", weight=2.0))
    updated = stores.item.update(stores.item.get(pk), {"notes": None, "weight": None})
    assert (updated["notes"], updated["weight"]) == (None, None)


def test_update_accepts_its_own_pk_unchanged_and_ressource_uri(stores: Stores) -> None:
    pk = stores.item.create(item())
    row = stores.item.get(pk)
    updated = stores.item.update(row, {**row, "quantity": 9, "ressource_uri": "/api/item/1/"})
    assert updated == {**row, "quantity": 9}


def test_update_refuses_a_new_pk(stores: Stores) -> None:
    pk = stores.item.create(item())
    error = refused(stores.item, BadRequest, stores.item.update, stores.item.get(pk), {"id": pk + 1})
    assert (error.message, error.fields) == ("id does not validate", {"id": "The pk of a ressource cannot be changed."})


def test_update_of_a_deleted_row_is_not_found(stores: Stores) -> None:
    pk = stores.item.create(item())
    row = stores.item.get(pk)
    stores.item.delete(pk)
    with pytest.raises(NotFound):
        stores.item.update(row, {"quantity": 1})


def test_delete_removes_the_row(stores: Stores) -> None:
    keep = stores.item.create(item(name="keep"))
    gone = stores.item.create(item(name="gone"))
    stores.item.delete(gone)
    with pytest.raises(NotFound):
        stores.item.get(gone)
    assert [row["id"] for row in stores.item.get_list()] == [keep]


def test_delete_unknown_pk_is_not_found(stores: Stores) -> None:
    stores.item.create(item())
    refused(stores.item, NotFound, stores.item.delete, 999)


def test_string_pk_is_given_by_the_client(stores: Stores) -> None:
    assert stores.part.create({"code": "P-1", "price": 2.5}) == "P-1"
    assert stores.part.get("P-1") == {"code": "P-1", "stock": 0, "price": "2.50", "label": ""}
    stores.part.update(stores.part.get("P-1"), {"stock": 3})
    assert stores.part.get("P-1")["stock"] == 3
    stores.part.delete("P-1")
    with pytest.raises(NotFound):
        stores.part.get("P-1")


def test_string_pk_duplicate_is_a_conflict(stores: Stores) -> None:
    stores.part.create({"code": "P-1"})
    error = refused(stores.part, Conflict, stores.part.create, {"code": "P-1", "stock": 4})
    assert error.status == 409


def test_string_pk_is_required(stores: Stores) -> None:
    error = refused(stores.part, BadRequest, stores.part.create, {"stock": 1})
    assert (error.message, error.fields) == (
        "code is missing. Cannot create the ressource",
        {"code": "This field is required."},
    )


# Validation ----------------------------------------------------------------------------------

INVALID_BODIES = [
    pytest.param(
        {"quantity": 1},
        "name is missing. Cannot create the ressource",
        {"name": "This field is required."},
        id="missing",
    ),
    pytest.param(
        item(quantity=True), "quantity does not validate", {"quantity": "Expected an integer."}, id="bool-as-int"
    ),
    pytest.param(
        item(quantity="3"), "quantity does not validate", {"quantity": "Expected an integer."}, id="str-as-int"
    ),
    pytest.param(
        item(quantity=2.5), "quantity does not validate", {"quantity": "Expected an integer."}, id="fraction-as-int"
    ),
    pytest.param(
        item(quantity=2**63),
        "quantity does not validate",
        {"quantity": "Integers must fit in 64 bits."},
        id="int64-over",
    ),
    pytest.param(
        item(quantity=-(2**63) - 1),
        "quantity does not validate",
        {"quantity": "Integers must fit in 64 bits."},
        id="int64-under",
    ),
    pytest.param(
        item(quantity=None), "quantity does not validate", {"quantity": "This field may not be null."}, id="null"
    ),
    pytest.param(
        item(weight=float("nan")), "weight does not validate", {"weight": "NaN and Infinity are not allowed."}, id="nan"
    ),
    pytest.param(
        item(weight=float("inf")),
        "weight does not validate",
        {"weight": "NaN and Infinity are not allowed."},
        id="infinity",
    ),
    pytest.param(item(weight="1.5"), "weight does not validate", {"weight": "Expected a number."}, id="str-as-float"),
    pytest.param(
        item(in_stock=1), "in_stock does not validate", {"in_stock": "Expected true or false."}, id="int-as-bool"
    ),
    pytest.param(item(name=5), "name does not validate", {"name": "Expected a string."}, id="int-as-str"),
    pytest.param(
        item(name="x" * 21),
        "name does not validate",
        {"name": "Ensure this value has at most 20 characters."},
        id="max-length",
    ),
    pytest.param(
        item(name="a\x00b"),
        "name does not validate",
        {"name": "Strings may not contain the NUL character (U+0000)."},
        id="nul",
    ),
    pytest.param(
        item(notes="a\ud800b"),
        "notes does not validate",
        {"notes": "Strings may not contain lone surrogate code points."},
        id="surrogate",
    ),
    pytest.param(item(size="XL"), "size does not validate", {"size": "Must be one of: S, M, L."}, id="choices"),
    pytest.param(
        item(rank=-1),
        "rank does not validate",
        {"rank": "Ensure this value is greater than or equal to 0."},
        id="min-value",
    ),
    pytest.param(
        item(rank=101),
        "rank does not validate",
        {"rank": "Ensure this value is less than or equal to 100."},
        id="max-value",
    ),
    pytest.param(
        item(added_at="yesterday"),
        "added_at does not validate",
        {"added_at": "'yesterday' is not an ISO 8601 date and time."},
        id="datetime",
    ),
    pytest.param(
        item(colour="red"), "colour is not a field of this ressource", {"colour": "Unknown field."}, id="unknown-member"
    ),
    pytest.param(
        item(id=5),
        "id does not validate",
        {"id": "The pk is assigned by the server and may not be sent."},
        id="pk-sent",
    ),
    pytest.param(["not", "an", "object"], "The body must be a JSON object.", {}, id="not-an-object"),
]


@pytest.mark.parametrize(("body", "message", "fields"), INVALID_BODIES)
def test_create_refuses_invalid_bodies(stores: Stores, body: Any, message: str, fields: dict[str, str]) -> None:
    stores.item.create(item(name="existing"))
    error = refused(stores.item, BadRequest, stores.item.create, body)
    assert (error.status, error.message, error.fields) == (400, message, fields)


@pytest.mark.parametrize(
    ("body", "message", "fields"), [p for p in INVALID_BODIES if p.id not in {"missing", "pk-sent"}]
)
def test_update_refuses_invalid_bodies(stores: Stores, body: Any, message: str, fields: dict[str, str]) -> None:
    pk = stores.item.create(item(name="existing"))
    if isinstance(body, dict):
        body = {key: value for key, value in body.items() if key not in item() or value != item()[key]}
    error = refused(stores.item, BadRequest, stores.item.update, stores.item.get(pk), body)
    assert (error.status, error.message, error.fields) == (400, message, fields)


def test_create_reports_every_bad_field(stores: Stores) -> None:
    error = refused(stores.item, BadRequest, stores.item.create, {"quantity": "x", "rank": 500})
    assert error.message == "quantity does not validate"
    assert error.fields == {
        "quantity": "Expected an integer.",
        "rank": "Ensure this value is less than or equal to 100.",
        "name": "This field is required.",
    }


# Filters -------------------------------------------------------------------------------------


@pytest.fixture
def filled(stores: Stores) -> Stores:
    """Five items with distinct values in every field, some NULLs."""
    tools = stores.category.create({"name": "tools"})
    toys = stores.category.create({"name": "toys"})
    make_items(
        stores,
        item(
            name="Hammer",
            notes="Heavy 100%",
            quantity=5,
            weight=1.5,
            in_stock=True,
            added_at="2024-01-01T00:00:00+00:00",
            size="M",
            rank=10,
            category=tools,
        ),
        item(
            name="hammock",
            notes=None,
            quantity=0,
            weight=None,
            in_stock=False,
            added_at="2024-06-01T12:00:00+00:00",
            size="L",
            rank=20,
            category=None,
        ),
        item(
            name="ball",
            notes="round_thing",
            quantity=12,
            weight=0.25,
            in_stock=True,
            added_at=None,
            size="S",
            rank=30,
            category=toys,
        ),
        item(
            name="Zebra",
            notes="toy zebra",
            quantity=-3,
            weight=7.0,
            in_stock=False,
            added_at="2023-12-31T23:59:59.500000+00:00",
            size="M",
            rank=40,
            category=toys,
        ),
        item(
            name="\u00e9clair",
            notes="HEAVY cream",
            quantity=5,
            weight=2.0,
            in_stock=True,
            added_at="2024-01-01T00:00:00.000001+00:00",
            size="S",
            rank=50,
            category=tools,
        ),
    )
    return stores


def names(rows: list[dict[str, Any]]) -> list[str]:
    return [row["name"] for row in rows]


FILTER_CASES = [
    ({"quantity": "5"}, ["Hammer", "\u00e9clair"]),
    ({"quantity": 5}, ["Hammer", "\u00e9clair"]),
    ({"quantity": "-3"}, ["Zebra"]),
    ({"weight": "1.5"}, ["Hammer"]),
    ({"weight": "7"}, ["Zebra"]),
    ({"in_stock": "false"}, ["hammock", "Zebra"]),
    ({"in_stock": "TRUE"}, ["Hammer", "ball", "\u00e9clair"]),
    ({"name": "ball"}, ["ball"]),
    ({"name": "BALL"}, []),
    ({"size": "M", "in_stock": "true"}, ["Hammer"]),
    ({"added_at": "2024-01-01T00:00:00Z"}, ["Hammer"]),
    ({"added_at": "2024-01-01T01:00:00+01:00"}, ["Hammer"]),
    ({"notes": None}, ["hammock"]),
    ({"quantity__in": "0,12,99"}, ["hammock", "ball"]),
    ({"name__in": "ball,Zebra,nothing"}, ["ball", "Zebra"]),
    ({"size__in": "S"}, ["ball", "\u00e9clair"]),
    ({"in_stock__in": "false"}, ["hammock", "Zebra"]),
    ({"notes__isnull": "true"}, ["hammock"]),
    ({"notes__isnull": "false"}, ["Hammer", "ball", "Zebra", "\u00e9clair"]),
    ({"weight__isnull": "True"}, ["hammock"]),
    ({"added_at__isnull": "true"}, ["ball"]),
    ({"category__isnull": "true"}, ["hammock"]),
    ({"quantity__gt": "5"}, ["ball"]),
    ({"quantity__gte": "5"}, ["Hammer", "ball", "\u00e9clair"]),
    ({"quantity__lt": "0"}, ["Zebra"]),
    ({"quantity__lte": "0"}, ["hammock", "Zebra"]),
    ({"weight__gt": "1.5"}, ["Zebra", "\u00e9clair"]),
    ({"weight__lte": "0.25"}, ["ball"]),
    ({"rank__gte": "20", "rank__lt": "50"}, ["hammock", "ball", "Zebra"]),
    ({"name__gt": "Zebra"}, ["hammock", "ball", "\u00e9clair"]),
    ({"name__lt": "a"}, ["Hammer", "Zebra"]),
    ({"name__gte": "hammock"}, ["hammock", "\u00e9clair"]),
    ({"name__lte": "ball"}, ["Hammer", "ball", "Zebra"]),
    ({"added_at__gt": "2024-01-01T00:00:00+00:00"}, ["hammock", "\u00e9clair"]),
    ({"added_at__lt": "2024-01-01T00:00:00Z"}, ["Zebra"]),
    ({"added_at__gte": "2024-01-01T01:00:00+01:00"}, ["Hammer", "hammock", "\u00e9clair"]),
    ({"name__contains": "amm"}, ["Hammer", "hammock"]),
    ({"name__contains": "AMM"}, []),
    ({"notes__contains": "100%"}, ["Hammer"]),
    ({"notes__contains": "_"}, ["ball"]),
    ({"notes__contains": "%"}, ["Hammer"]),
    ({"name__icontains": "AMM"}, ["Hammer", "hammock"]),
    ({"notes__icontains": "heavy"}, ["Hammer", "\u00e9clair"]),
    ({"notes__icontains": "_T"}, ["ball"]),
    ({"name__icontains": "\u00c9CL"}, ["\u00e9clair"]),
    ({"name__startswith": "Ham"}, ["Hammer"]),
    ({"name__startswith": "ham"}, ["hammock"]),
    ({"name__startswith": "\u00e9"}, ["\u00e9clair"]),
    ({"name__startswith": ""}, ["Hammer", "hammock", "ball", "Zebra", "\u00e9clair"]),
    ({"notes__startswith": "round_"}, ["ball"]),
    ({"notes__startswith": "round%"}, []),
    ({"quantity__gt": "4", "size": "S"}, ["ball", "\u00e9clair"]),
    ({"quantity__gt": str(2**63 - 1)}, []),
    ({"name": "nobody"}, []),
]


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES, ids=[repr(case[0]) for case in FILTER_CASES])
def test_filter(filled: Stores, filters: dict[str, Any], expected: list[str]) -> None:
    assert names(filled.item.get_list(**filters)) == expected
    assert filled.item.count(**filters) == len(expected)


BAD_FILTERS = [
    ({"colour": "red"}, "colour", "Unknown field."),
    ({"quantity__near": "5"}, "quantity__near", "Unknown lookup 'near'."),
    ({"in_stock__gt": "true"}, "in_stock__gt", "Unknown lookup 'gt'."),
    ({"quantity__contains": "5"}, "quantity__contains", "Unknown lookup 'contains'."),
    ({"quantity": "five"}, "quantity", "'five' is not an integer."),
    ({"quantity": "5.0"}, "quantity", "'5.0' is not an integer."),
    ({"quantity": str(2**63)}, "quantity", "Integers must fit in 64 bits."),
    ({"quantity__in": "1,x"}, "quantity__in", "'x' is not an integer."),
    ({"weight__gt": "nan"}, "weight__gt", "NaN and Infinity are not allowed."),
    ({"in_stock": "yes"}, "in_stock", "'yes' is not a boolean: use true or false."),
    ({"notes__isnull": "maybe"}, "notes__isnull", "'maybe' is not a boolean: use true or false."),
    ({"added_at__gt": "soon"}, "added_at__gt", "'soon' is not an ISO 8601 date and time."),
    ({"name": "a\x00"}, "name", "Strings may not contain the NUL character (U+0000)."),
    ({"name__contains": "\udc00"}, "name__contains", "Strings may not contain lone surrogate code points."),
]


@pytest.mark.parametrize(("filters", "key", "message"), BAD_FILTERS, ids=[repr(case[0]) for case in BAD_FILTERS])
def test_bad_filter_is_a_bad_request_naming_it(filled: Stores, filters: dict[str, Any], key: str, message: str) -> None:
    for call in (filled.item.get_list, filled.item.count):
        with pytest.raises(BadRequest) as caught:
            call(**filters)
        assert caught.value.fields == {key: message}
        assert key.partition("__")[0] in caught.value.message


# Ordering and slicing ------------------------------------------------------------------------


ORDER_CASES = [
    ("", ["Hammer", "hammock", "ball", "Zebra", "\u00e9clair"]),
    ("name", ["Hammer", "Zebra", "ball", "hammock", "\u00e9clair"]),
    ("-name", ["\u00e9clair", "hammock", "ball", "Zebra", "Hammer"]),
    ("quantity", ["Zebra", "hammock", "Hammer", "\u00e9clair", "ball"]),
    ("-quantity", ["ball", "Hammer", "\u00e9clair", "hammock", "Zebra"]),
    ("-quantity,-id", ["ball", "\u00e9clair", "Hammer", "hammock", "Zebra"]),
    ("size,-rank", ["hammock", "Zebra", "Hammer", "\u00e9clair", "ball"]),
    ("weight", ["hammock", "ball", "Hammer", "\u00e9clair", "Zebra"]),
    ("-weight", ["Zebra", "\u00e9clair", "Hammer", "ball", "hammock"]),
    ("notes", ["hammock", "\u00e9clair", "Hammer", "ball", "Zebra"]),
    ("added_at", ["ball", "Zebra", "Hammer", "\u00e9clair", "hammock"]),
    ("-added_at", ["hammock", "\u00e9clair", "Hammer", "Zebra", "ball"]),
    ("in_stock,name", ["Zebra", "hammock", "Hammer", "ball", "\u00e9clair"]),
    ("category,-name", ["hammock", "\u00e9clair", "Hammer", "ball", "Zebra"]),
    ("-category,name", ["Zebra", "ball", "Hammer", "\u00e9clair", "hammock"]),
]


@pytest.mark.parametrize(("order_by", "expected"), ORDER_CASES, ids=[case[0] or "default" for case in ORDER_CASES])
def test_ordering(filled: Stores, order_by: str, expected: list[str]) -> None:
    assert names(filled.item.get_list(order_by=order_by)) == expected


def test_ordering_by_an_unknown_field_is_a_bad_request(filled: Stores) -> None:
    with pytest.raises(BadRequest) as caught:
        filled.item.get_list(order_by="name,colour")
    assert caught.value.fields == {"order_by": "Unknown field 'colour'."}


def test_ordering_is_ignored_by_count(filled: Stores) -> None:
    assert filled.item.count(order_by="-name", size="M") == 2


def test_slicing_with_offset_and_count(filled: Stores) -> None:
    assert names(filled.item.get_list(offset=1, count=2)) == ["hammock", "ball"]
    assert names(filled.item.get_list(offset=3)) == ["Zebra", "\u00e9clair"]
    assert names(filled.item.get_list(count=1, order_by="-rank")) == ["\u00e9clair"]
    assert names(filled.item.get_list(offset=4, count=10)) == ["\u00e9clair"]
    assert filled.item.get_list(offset=5, count=10) == []
    assert filled.item.get_list(offset=0, count=0) == []
    assert names(filled.item.get_list(offset=1, count=1, size="S")) == ["\u00e9clair"]


def test_pages_cover_every_row_once(filled: Stores) -> None:
    seen = []
    for offset in range(0, 5, 2):
        seen += filled.item.get_list(offset=offset, count=2, order_by="size")
    assert sorted(row["id"] for row in seen) == sorted(row["id"] for row in filled.item.get_list())


def test_the_default_order_is_the_pk_whatever_order_the_rows_are_stored_in(stores: Stores) -> None:
    """Rows stored out of pk order (string pks created c, a, b; a row rewritten) still list in pk order.

    A store that lists rows in storage order (the list's order, SQLite's rowid,
    PostgreSQL's heap after an UPDATE) without ``ORDER BY pk`` fails here.
    """
    for code in ("c", "a", "b", "e", "d"):
        stores.part.create({"code": code})
    stores.part.update(stores.part.get("a"), {"stock": 1})
    first = stores.item.create(item(name="first"))
    stores.item.create(item(name="second"))
    stores.item.update(stores.item.get(first), {"quantity": 9})

    assert [row["code"] for row in stores.part.get_list()] == ["a", "b", "c", "d", "e"]
    assert [row["code"] for row in stores.part.get_list(offset=1, count=2)] == ["b", "c"]
    rows, total = stores.part.page({}, 2, 2)
    assert ([row["code"] for row in rows], total) == (["c", "d"], 5)
    assert [row["code"] for row in stores.part.get_list(stock=0)] == ["b", "c", "d", "e"]
    assert names(stores.item.get_list()) == ["first", "second"]


def test_page_returns_the_rows_and_the_total_of_every_page(filled: Stores) -> None:
    assert [(names(rows), total) for rows, total in (filled.item.page({}, offset, 2) for offset in (0, 2, 4, 6))] == [
        (["Hammer", "hammock"], 5), (["ball", "Zebra"], 5), (["\u00e9clair"], 5), ([], 5)]
    rows, total = filled.item.page({"size": "M", "order_by": "-name"}, 0, 1)
    assert (names(rows), total) == (["Zebra"], 2)
    assert filled.item.page({"size": "M"}, 0, 0) == ([], 2)


def test_negative_offset_or_count_is_a_bad_request(filled: Stores) -> None:
    for kwargs in ({"offset": -1}, {"count": -1}):
        with pytest.raises(BadRequest):
            filled.item.get_list(**kwargs)


def test_count(filled: Stores) -> None:
    assert filled.item.count() == 5
    assert filled.item.count(in_stock="true", quantity__gte="5") == 3


# UniqueTogether ------------------------------------------------------------------------------


def test_unique_together_refuses_a_duplicate_create(stores: Stores) -> None:
    stores.item.create(item(name="saw", size="S"))
    error = refused(stores.item, Conflict, stores.item.create, item(name="saw", size="S", quantity=99))
    assert (error.message, error.fields) == (
        "name,size must be unique together",
        {"name": "name,size must be unique together", "size": "name,size must be unique together"},
    )


def test_unique_together_uses_defaults_of_the_created_row(stores: Stores) -> None:
    stores.item.create(item(name="saw"))
    refused(stores.item, Conflict, stores.item.create, item(name="saw", size="M"))


def test_unique_together_allows_rows_differing_in_one_field(stores: Stores) -> None:
    stores.item.create(item(name="saw", size="S"))
    stores.item.create(item(name="saw", size="L"))
    stores.item.create(item(name="axe", size="S"))
    assert stores.item.count() == 3


def test_unique_together_accepts_an_update_keeping_its_own_values(stores: Stores) -> None:
    pk = stores.item.create(item(name="saw", size="S"))
    row = stores.item.get(pk)
    assert stores.item.update(row, {"name": "saw", "size": "S", "quantity": 1})["quantity"] == 1


def test_unique_together_refuses_an_update_onto_another_row(stores: Stores) -> None:
    stores.item.create(item(name="saw", size="S"))
    pk = stores.item.create(item(name="saw", size="L"))
    error = refused(stores.item, Conflict, stores.item.update, stores.item.get(pk), {"size": "S"})
    assert error.message == "name,size must be unique together"


def test_validate_runs_the_validators_as_the_seed_did(stores: Stores) -> None:
    stores.item.create(item(name="saw", size="S"))
    with pytest.raises(Conflict) as caught:
        stores.item.validate(item(name="saw", size="S"))
    assert caught.value.message == "name,size must be unique together"
    assert stores.item.validate(item(name="saw", size="L"))["size"] == "L"


class OneOfEachName(Validator):
    """A validator written for the seed: ``validate(self, datastore, data)``, no pk."""

    def validate(self, datastore: Any, data: dict[str, Any]) -> None:
        for name in self.fields:
            if datastore.get_list(**{name: data[name]}):
                raise BadRequest(f"{name} is taken")


def with_validators(store: Any, *validators: Any) -> Any:
    """Return a store of the same kind over the same data, with other validators."""
    other = type(store)(store.ressource_config, store.model, validators=list(validators))
    other.bind(store.registry, store.ressource_name)
    return other


def test_a_seed_style_validator_runs_on_create_and_in_validate(stores: Stores) -> None:
    store = with_validators(stores.item, OneOfEachName("name"))
    store.create(item(name="saw"))
    error = refused(store, BadRequest, store.create, item(name="saw", size="L"))
    assert error.message == "name is taken"
    with pytest.raises(BadRequest):
        store.validate(item(name="saw", size="XL"))
    assert store.count() == 1


@pytest.mark.parametrize(
    ("validator", "message"),
    [
        (UniqueTogether("name", "colour"), "UniqueTogether('name', 'colour') names 'colour', not a field of"),
        (Validator("name"), "Validator must implement validate(self, datastore, data)."),
        (OneOfEachName, "OneOfEachName is a class: put an instance in validators"),
        (object(), "object has no validate() method"),
    ],
)
def test_a_validator_the_store_cannot_run_is_refused_when_it_is_built(stores: Stores, validator: Any, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        with_validators(stores.item, validator)


# Foreign keys --------------------------------------------------------------------------------


def test_foreign_key_to_an_existing_row_is_accepted(stores: Stores) -> None:
    category = stores.category.create({"name": "tools"})
    pk = stores.item.create(item(category=category))
    assert stores.item.get(pk)["category"] == category
    assert names(stores.item.get_list(category=str(category))) == ["hammer"]


def test_foreign_key_to_a_missing_row_is_refused_on_create(stores: Stores) -> None:
    stores.category.create({"name": "tools"})
    error = refused(stores.item, BadRequest, stores.item.create, item(category=999))
    assert error.message == "category does not validate"
    assert list(error.fields) == ["category"]


def test_foreign_key_to_a_missing_row_is_refused_on_update(stores: Stores) -> None:
    category = stores.category.create({"name": "tools"})
    pk = stores.item.create(item(category=category))
    error = refused(stores.item, BadRequest, stores.item.update, stores.item.get(pk), {"category": 999})
    assert error.message == "category does not validate"
    assert stores.item.get(pk)["category"] == category


def test_foreign_key_can_be_cleared(stores: Stores) -> None:
    category = stores.category.create({"name": "tools"})
    pk = stores.item.create(item(category=category))
    assert stores.item.update(stores.item.get(pk), {"category": None})["category"] is None


def test_deleting_a_referenced_row_is_a_conflict_and_deletes_nothing(stores: Stores) -> None:
    category = stores.category.create({"name": "tools"})
    stores.item.create(item(category=category))
    items_before = snapshot(stores.item)
    error = refused(stores.category, Conflict, stores.category.delete, category)
    assert error.status == 409
    assert snapshot(stores.item) == items_before


def test_deleting_a_row_no_longer_referenced_is_allowed(stores: Stores) -> None:
    category = stores.category.create({"name": "tools"})
    pk = stores.item.create(item(category=category))
    stores.item.update(stores.item.get(pk), {"category": None})
    stores.category.delete(category)
    assert stores.category.count() == 0


# Atomic blocks -------------------------------------------------------------------------------


def test_atomic_is_reentrant(stores: Stores) -> None:
    with stores.item.atomic():
        with stores.item.atomic():
            pk = stores.item.create(item())
        stores.item.update(stores.item.get_for_update(pk), {"quantity": 8})
    assert stores.item.get(pk)["quantity"] == 8


def test_get_for_update_of_a_missing_row_is_not_found(stores: Stores) -> None:
    with pytest.raises(NotFound), stores.item.atomic():
        stores.item.get_for_update(12345)


# JSON Schema's integers, and the ignored ressource_uri -----------------------------------------


def test_an_integral_number_is_an_integer_as_json_schema_says(stores: Stores) -> None:
    pk = stores.item.create(item(quantity=4.0, rank=7.0))
    row = stores.item.get(pk)
    assert (row["quantity"], type(row["quantity"]), row["rank"]) == (4, int, 7)
    assert stores.item.update(row, {"quantity": 5.0})["quantity"] == 5
    error = refused(stores.item, BadRequest, stores.item.create, item(quantity=4.5))
    assert error.fields == {"quantity": "Expected an integer."}
    refused(stores.item, BadRequest, stores.item.create, item(quantity=float("inf")))
    refused(stores.item, BadRequest, stores.item.create, item(quantity=1e300))
    assert stores.item.count() == 1


def test_ressource_uri_is_ignored_only_as_a_string(stores: Stores) -> None:
    pk = stores.item.create(item(ressource_uri="/api/items/99/"))
    row = stores.item.get(pk)
    for value in (3, None, ["/api/items/1/"], {"a": 1}):
        error = refused(stores.item, BadRequest, stores.item.create, item(ressource_uri=value))
        assert list(error.fields) == ["ressource_uri"]
        refused(stores.item, BadRequest, stores.item.update, row, {"quantity": 9, "ressource_uri": value})
    assert stores.item.get(pk) == row
    assert stores.item.count() == 1
