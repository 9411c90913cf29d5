"""The contract of the field types of API.md section 11, run on PythonList, SQLite and the ORM.

``gadget`` (tests/stores.py) has a field of each type, ``ticket`` a UUID pk the
store draws. Every value round-trips in its wire format, every wrong form is a
400 naming the field with nothing written, filters and orderings answer the same
rows on every store, and many-to-many links behave the same.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from conftest import snapshot

from django_restframework_lite.exceptions import ApiError, BadRequest, NotFound
from django_restframework_lite.models import JsonFloat
from tests.stores import Stores

pytestmark = pytest.mark.django_db

SERIAL = "6f1c2d1e-8b7a-4c55-9e0f-3a2b1c0d9e8f"
EMPTY_GADGET = {
    "made": None, "opens": None, "warranty": None, "serial": None, "price": None, "specs": None, "blob": None,
    "email": "", "site": "", "slug": "", "ip": None, "manual": None, "categories": [], "tickets": [],
}


def refused(store: Any, exception: type[ApiError], call: Any, *args: Any) -> ApiError:
    """Run a write that must fail; check the store is unchanged and return the error."""
    before = snapshot(store)
    with pytest.raises(exception) as caught:
        call(*args)
    assert snapshot(store) == before
    return caught.value


# Round trips -------------------------------------------------------------------------------------


def test_every_new_type_round_trips_in_its_wire_format(stores: Stores) -> None:
    tools, toys = stores.category.create({"name": "tools"}), stores.category.create({"name": "toys"})
    ticket = stores.ticket.create({"title": "repair"})
    body = {
        "made": "2026-11-28", "opens": "13:45:00.250000", "warranty": "P1DT2H30M", "serial": SERIAL,
        "price": "12.50", "specs": {"colour": "red", "sizes": [1, 2.5, None, True], "nested": {"é": "中"}},
        "blob": "aGVsbG8=", "email": "someone@example.com", "site": "https://example.com/a?b=c",
        "slug": "hello-world", "ip": "2001:db8::1", "categories": [toys, tools], "tickets": [ticket],
    }
    pk = stores.gadget.create(body)
    expected = {"id": pk, **body, "manual": None, "categories": sorted([tools, toys])}
    assert stores.gadget.get(pk) == expected
    assert stores.gadget.get_list(id=str(pk)) == [expected]


def test_a_gadget_with_no_values_has_nulls_blanks_and_empty_lists(stores: Stores) -> None:
    pk = stores.gadget.create({})
    assert stores.gadget.get(pk) == {"id": pk, **EMPTY_GADGET}


CANONICAL = [
    ("warranty", "PT36H", "P1DT12H"),
    ("warranty", "P1W", "P7D"),
    ("warranty", "PT0S", "PT0S"),
    ("warranty", "P0D", "PT0S"),
    ("warranty", "-PT90M", "-PT1H30M"),
    ("warranty", "PT1,5S", "PT1.5S"),
    ("warranty", "P1M", "P30D"),
    ("warranty", "P0001-02-03T04:05:06", "P428DT10H5M6S"),
    ("price", 12.5, "12.50"),
    ("price", 7, "7.00"),
    ("price", "-0", "0.00"),
    ("price", "1e2", "100.00"),
    ("price", json.loads("0.1", parse_float=JsonFloat), "0.10"),
    ("price", json.loads("123456.78", parse_float=JsonFloat), "123456.78"),
    ("serial", SERIAL.upper(), SERIAL),
    ("serial", "{" + SERIAL.replace("-", "") + "}", SERIAL),
    ("opens", "13:45", "13:45:00"),
    ("opens", "13:45:00.000000", "13:45:00"),
    ("made", "20261128", "2026-11-28"),
    ("ip", "2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
    ("ip", "::ffff:10.0.0.1", "::ffff:10.0.0.1"),
    ("blob", "", ""),
    ("specs", [], []),
    ("specs", "just text", "just text"),
    ("specs", 2**70, 2**70),
]


@pytest.mark.parametrize(("name", "sent", "kept"), CANONICAL, ids=[f"{c[0]}={c[1]!r}" for c in CANONICAL])
def test_values_are_kept_in_their_canonical_spelling(stores: Stores, name: str, sent: Any, kept: Any) -> None:
    pk = stores.gadget.create({name: sent})
    assert stores.gadget.get(pk)[name] == kept
    updated = stores.gadget.update(stores.gadget.get(pk), {name: sent})
    assert updated[name] == kept


INVALID = [
    ("made", "2026-02-30", "'2026-02-30' is not an ISO 8601 date such as 2026-11-28."),
    ("made", "2026-11-28T10:00:00", "'2026-11-28T10:00:00' is not an ISO 8601 date such as 2026-11-28."),
    ("made", 20261128, "Expected an ISO 8601 date string such as 2026-11-28."),
    ("opens", "25:00", "'25:00' is not an ISO 8601 time such as 13:45:00."),
    ("opens", "13:45:00+01:00", "A time of day is kept without a UTC offset: send 13:45:00, not 13:45:00+01:00."),
    ("warranty", "1 day", "'1 day' is not an ISO 8601 duration such as P1DT2H30M."),
    ("warranty", "P", "'P' is not an ISO 8601 duration such as P1DT2H30M."),
    ("warranty", "PT0.0000001S", "Durations are kept to the microsecond: give at most 6 decimal places of seconds."),
    ("warranty", "P999999999999D", "Durations must fit in 64-bit microseconds (about 292,000 years)."),
    ("warranty", 3600, "Expected an ISO 8601 duration string such as P1DT2H30M."),
    ("serial", "not-a-uuid", "'not-a-uuid' is not a valid UUID."),
    ("serial", 5, "Expected a UUID string such as 6f1c2d1e-8b7a-4c55-9e0f-3a2b1c0d9e8f."),
    ("price", "12.505", "Ensure that there are no more than 2 decimal places."),
    ("price", "1.500", "Ensure that there are no more than 2 decimal places."),
    ("price", json.loads("0.30000000000000004", parse_float=JsonFloat),
     "Ensure that there are no more than 8 digits in total."),
    ("price", "1234567", "Ensure that there are no more than 6 digits before the decimal point."),
    ("price", "twelve", "'twelve' is not a decimal number."),
    ("price", "NaN", "'NaN' is not a decimal number."),
    ("price", True, 'Expected a decimal number, as a string such as "12.50" or a number.'),
    ("specs", {"a": "x\x00y"}, "Strings may not contain the NUL character (U+0000)."),
    ("specs", ["\ud800"], "Strings may not contain lone surrogate code points."),
    ("specs", {"k\x00": 1}, "Strings may not contain the NUL character (U+0000)."),
    ("specs", [float("nan")], "NaN and Infinity are not allowed in JSON."),
    ("blob", "aGVsbG8", "Expected standard base64 text, with its padding (such as aGVsbG8=)."),
    ("blob", "***", "Expected standard base64 text, with its padding (such as aGVsbG8=)."),
    ("blob", 5, "Expected base64 text."),
    ("email", "not an address", "Enter a valid email address."),
    ("site", "example.com", "Enter a valid URL."),
    ("site", "javascript:alert(1)", "Enter a valid URL."),
    ("slug", "two words", "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
    ("ip", "300.1.1.1", "Enter a valid IPv4 or IPv6 address."),
    ("ip", "01.2.3.4", "Enter a valid IPv4 or IPv6 address."),
    ("categories", 3, "Expected a list of pks, such as [1, 3] ([] for none)."),
    ("categories", None, "This field may not be null."),
    ("categories", [1, "2"], "Item 1: Expected an integer."),
    ("categories", [None], "Item 0 is null: a link needs a pk."),
    ("tickets", ["nope"], "Item 0: 'nope' is not a valid UUID."),
]


@pytest.mark.parametrize(("name", "value", "message"), INVALID, ids=[f"{c[0]}={c[1]!r}" for c in INVALID])
def test_a_wrong_form_is_a_bad_request_naming_the_field_and_writes_nothing(
    stores: Stores, name: str, value: Any, message: str
) -> None:
    pk = stores.gadget.create({"price": "1.00"})
    error = refused(stores.gadget, BadRequest, stores.gadget.create, {name: value})
    assert (error.message, error.fields) == (f"{name} does not validate", {name: message})
    error = refused(stores.gadget, BadRequest, stores.gadget.update, stores.gadget.get(pk), {name: value})
    assert (error.message, error.fields) == (f"{name} does not validate", {name: message})


def test_a_json_document_is_copied_not_shared(stores: Stores) -> None:
    specs = {"list": [1, 2]}
    pk = stores.gadget.create({"specs": specs})
    specs["list"].append(3)
    read = stores.gadget.get(pk)
    read["specs"]["list"].append(4)
    assert stores.gadget.get(pk)["specs"] == {"list": [1, 2]}


# Filters and ordering ------------------------------------------------------------------------------


@pytest.fixture
def gadgets(stores: Stores) -> Stores:
    """Four gadgets with distinct values in every field, one all null."""
    stores.gadget.create({"made": "2024-01-01", "opens": "09:00:00", "warranty": "P1D", "serial": SERIAL,
                          "price": "9.99", "specs": {"a": 1}, "blob": "AA==", "email": "b@example.com",
                          "slug": "b", "ip": "10.0.0.2"})
    stores.gadget.create({"made": "2023-06-15", "opens": "13:45:00.500000", "warranty": "PT36H",
                          "serial": str(uuid.UUID(int=1)), "price": "10.00", "email": "a@example.com",
                          "slug": "a", "ip": "9.0.0.1"})
    stores.gadget.create({"made": "2025-12-31", "opens": "13:45:00", "warranty": "-PT5M",
                          "serial": "ffffffff-ffff-ffff-ffff-ffffffffffff", "price": "-100.50", "specs": [],
                          "email": "c@example.com", "slug": "c", "ip": "2001:db8::1"})
    stores.gadget.create({})
    return stores


def ids(rows: list[dict[str, Any]]) -> list[int]:
    return [row["id"] for row in rows]


FILTERS = [
    ({"made__gt": "2024-01-01"}, [3]),
    ({"made__gte": "2024-01-01"}, [1, 3]),
    ({"made__lt": "2024-01-01"}, [2]),
    ({"made__lte": "2023-06-15"}, [2]),
    ({"made": "2023-06-15"}, [2]),
    ({"made__in": "2023-06-15,2025-12-31"}, [2, 3]),
    ({"made__isnull": "true"}, [4]),
    ({"opens__gt": "13:45:00"}, [2]),
    ({"opens__gte": "13:45"}, [2, 3]),
    ({"opens__lt": "13:45:00.5"}, [1, 3]),
    ({"opens__lte": "09:00"}, [1]),
    ({"warranty__gt": "P1D"}, [2]),
    ({"warranty__gte": "PT24H"}, [1, 2]),
    ({"warranty__lt": "PT0S"}, [3]),
    ({"warranty__lte": "P1D"}, [1, 3]),
    ({"warranty": "PT24H"}, [1]),
    ({"price__gt": "9.99"}, [2]),
    ({"price__gte": "9.99"}, [1, 2]),
    ({"price__lt": "9.999"}, [1, 3]),
    ({"price__lte": "-100.5"}, [3]),
    ({"price": "10"}, [2]),
    ({"price": "9.990"}, [1]),
    ({"price__in": "10,-100.50,3"}, [2, 3]),
    ({"serial": SERIAL.upper()}, [1]),
    ({"serial__in": f"{SERIAL},{uuid.UUID(int=1)}"}, [1, 2]),
    ({"serial__isnull": "true"}, [4]),
    ({"ip": "2001:DB8::1"}, [3]),
    ({"ip__in": "9.0.0.1,10.0.0.2"}, [1, 2]),
    ({"specs__isnull": "true"}, [2, 4]),
    ({"specs__isnull": "false"}, [1, 3]),
    ({"manual__isnull": "true"}, [1, 2, 3, 4]),
    ({"blob": "AA=="}, [1]),
    ({"email__icontains": "A@EX"}, [2]),
    ({"slug__startswith": "c"}, [3]),
]


@pytest.mark.parametrize(("filters", "expected"), FILTERS, ids=[repr(case[0]) for case in FILTERS])
def test_filters_on_the_new_types(gadgets: Stores, filters: dict[str, Any], expected: list[int]) -> None:
    first = ids(gadgets.gadget.get_list())[0]
    assert ids(gadgets.gadget.get_list(**filters)) == [first + number - 1 for number in expected]
    assert gadgets.gadget.count(**filters) == len(expected)


ORDERINGS = [
    ("made", [4, 2, 1, 3]),
    ("-made", [3, 1, 2, 4]),
    ("opens", [4, 1, 3, 2]),
    ("warranty", [4, 3, 1, 2]),
    ("-warranty", [2, 1, 3, 4]),
    ("price", [4, 3, 1, 2]),
    ("-price", [2, 1, 3, 4]),
    ("serial", [4, 2, 1, 3]),
    ("email", [4, 2, 1, 3]),
    ("-slug", [3, 1, 2, 4]),
]


@pytest.mark.parametrize(("order_by", "expected"), ORDERINGS, ids=[case[0] for case in ORDERINGS])
def test_ordering_by_each_orderable_type(gadgets: Stores, order_by: str, expected: list[int]) -> None:
    first = ids(gadgets.gadget.get_list())[0]
    assert ids(gadgets.gadget.get_list(order_by=order_by)) == [first + number - 1 for number in expected]


@pytest.mark.parametrize("name", ["specs", "blob", "ip", "manual", "categories"])
def test_a_field_without_an_order_cannot_be_ordered_by(gadgets: Stores, name: str) -> None:
    with pytest.raises(BadRequest) as caught:
        gadgets.gadget.get_list(order_by=name)
    assert caught.value.fields == {"order_by": f"Not orderable: {name!r}."}


BAD_FILTERS = [
    ({"made__gt": "soon"}, "made__gt", "'soon' is not an ISO 8601 date such as 2026-11-28."),
    ({"warranty__lt": "an hour"}, "warranty__lt", "'an hour' is not an ISO 8601 duration such as P1DT2H30M."),
    ({"price__gt": "cheap"}, "price__gt", "'cheap' is not a decimal number."),
    ({"serial": "x"}, "serial", "'x' is not a valid UUID."),
    ({"serial__gt": SERIAL}, "serial__gt", "Unknown lookup 'gt'."),
    ({"specs": "{}"}, "specs", "Unknown lookup 'exact'."),
    ({"ip__lt": "10.0.0.1"}, "ip__lt", "Unknown lookup 'lt'."),
    ({"categories": "x"}, "categories", "'x' is not an integer."),
    ({"categories__gt": "1"}, "categories__gt", "Unknown lookup 'gt'."),
    ({"tickets": "x"}, "tickets", "'x' is not a valid UUID."),
]


@pytest.mark.parametrize(("filters", "key", "message"), BAD_FILTERS, ids=[repr(case[0]) for case in BAD_FILTERS])
def test_a_bad_filter_on_a_new_type_is_a_bad_request(gadgets: Stores, filters: dict[str, Any], key: str,
                                                     message: str) -> None:
    with pytest.raises(BadRequest) as caught:
        gadgets.gadget.get_list(**filters)
    assert caught.value.fields == {key: message}


# UUID pks ------------------------------------------------------------------------------------------


def test_a_uuid_pk_is_drawn_by_the_store(stores: Stores) -> None:
    first, second = stores.ticket.create({"title": "a"}), stores.ticket.create({"title": "b"})
    assert str(uuid.UUID(first)) == first != second
    assert stores.ticket.get(first) == {"id": first, "title": "a"}
    assert stores.ticket.get(first.upper()) == {"id": first, "title": "a"}
    assert stores.ticket.get_list(id=first) == [{"id": first, "title": "a"}]
    assert stores.ticket.update(stores.ticket.get(first), {"title": "c"}) == {"id": first, "title": "c"}
    stores.ticket.delete(first)
    with pytest.raises(NotFound):
        stores.ticket.get(first)


def test_a_uuid_pk_sent_by_the_client_is_refused(stores: Stores) -> None:
    error = refused(stores.ticket, BadRequest, stores.ticket.create, {"id": SERIAL, "title": "a"})
    assert error.fields == {"id": "The pk is assigned by the server and may not be sent."}


@pytest.mark.parametrize("identifier", [SERIAL, "not-a-uuid", 5, None])
def test_a_missing_or_malformed_uuid_pk_is_not_found(stores: Stores, identifier: Any) -> None:
    stores.ticket.create({"title": "a"})
    with pytest.raises(NotFound):
        stores.ticket.get(identifier)


# Many-to-many --------------------------------------------------------------------------------------


def test_links_are_kept_sorted_without_duplicates(stores: Stores) -> None:
    a, b, c = (stores.category.create({"name": name}) for name in "abc")
    pk = stores.gadget.create({"categories": [c, a, c, b]})
    assert stores.gadget.get(pk)["categories"] == [a, b, c]
    assert stores.gadget.update(stores.gadget.get(pk), {"categories": [b]})["categories"] == [b]
    assert stores.gadget.update(stores.gadget.get(pk), {"categories": []})["categories"] == []


def test_filters_on_links_mean_related_to(stores: Stores) -> None:
    a, b, c = (stores.category.create({"name": name}) for name in "abc")
    both = stores.gadget.create({"categories": [a, b]})
    only_b = stores.gadget.create({"categories": [b]})
    none = stores.gadget.create({})
    assert ids(stores.gadget.get_list(categories=str(a))) == [both]
    assert ids(stores.gadget.get_list(categories=str(b))) == [both, only_b]
    assert ids(stores.gadget.get_list(categories__in=f"{a},{b}")) == [both, only_b]
    assert stores.gadget.count(categories__in=f"{a},{b}") == 2
    assert ids(stores.gadget.get_list(categories=str(c))) == []
    assert ids(stores.gadget.get_list(categories__isnull="true")) == [none]
    assert ids(stores.gadget.get_list(categories__isnull="false")) == [both, only_b]


def test_links_to_uuid_pks(stores: Stores) -> None:
    first, second = stores.ticket.create({"title": "a"}), stores.ticket.create({"title": "b"})
    pk = stores.gadget.create({"tickets": [second.upper(), first]})
    assert stores.gadget.get(pk)["tickets"] == sorted([first, second])
    assert ids(stores.gadget.get_list(tickets=first)) == [pk]


def test_one_missing_pk_refuses_the_whole_create_and_writes_nothing(stores: Stores) -> None:
    a = stores.category.create({"name": "a"})
    error = refused(stores.gadget, BadRequest, stores.gadget.create, {"categories": [a, a + 1000], "slug": "x"})
    assert (error.message, error.fields) == ("categories does not validate",
                                             {"categories": f"No category matches {a + 1000!r}."})


def test_one_missing_pk_refuses_the_whole_update_and_writes_nothing(stores: Stores) -> None:
    a, b = stores.category.create({"name": "a"}), stores.category.create({"name": "b"})
    pk = stores.gadget.create({"categories": [a], "slug": "before"})
    error = refused(stores.gadget, BadRequest, stores.gadget.update, stores.gadget.get(pk),
                    {"categories": [b, 999999], "slug": "after"})
    assert error.fields == {"categories": "No category matches 999999."}
    assert stores.gadget.get(pk)["categories"] == [a] and stores.gadget.get(pk)["slug"] == "before"


def test_deleting_a_target_unlinks_it(stores: Stores) -> None:
    a, b = stores.category.create({"name": "a"}), stores.category.create({"name": "b"})
    ticket = stores.ticket.create({"title": "t"})
    pk = stores.gadget.create({"categories": [a, b], "tickets": [ticket]})
    stores.category.delete(a)
    stores.ticket.delete(ticket)
    assert stores.gadget.get(pk)["categories"] == [b]
    assert stores.gadget.get(pk)["tickets"] == []
    assert ids(stores.gadget.get_list(categories=str(a))) == []


def test_deleting_the_linking_row_leaves_the_targets(stores: Stores) -> None:
    a = stores.category.create({"name": "a"})
    pk = stores.gadget.create({"categories": [a]})
    stores.gadget.delete(pk)
    assert stores.category.get(a) == {"id": a, "name": "a"}
    again = stores.gadget.create({"categories": []})
    assert stores.gadget.get(again)["categories"] == []


def test_a_scope_on_links_confines_reads_and_writes(stores: Stores) -> None:
    a, b = stores.category.create({"name": "a"}), stores.category.create({"name": "b"})
    inside = stores.gadget.create({"categories": [a]})
    stores.gadget.create({"categories": [b]})
    scope = stores.gadget.parse_scope({"categories": a})
    rows, total = stores.gadget.page({}, scope=scope)
    assert (ids(rows), total) == ([inside], 1)
    refused(stores.gadget, BadRequest, lambda: stores.gadget.create({"categories": [b]}, scope=scope))
