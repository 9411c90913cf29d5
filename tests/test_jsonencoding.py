"""Answers are the same bytes with orjson (the ``fast`` extra) and without it.

Every comparison encodes the same data, or answers the same request, once with
``jsonencoding.USE_ORJSON`` on and once off, and compares bytes (or the error
raised). Where orjson is not installed the comparisons cannot run: they are
skipped, except under ``DRFL_REQUIRE_ORJSON=1`` (the CI leg that installs the
``fast`` extra), where a missing orjson fails.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import math
import random
import struct
import uuid
from collections import OrderedDict
from typing import Any

import pytest

from django_restframework_lite import jsonencoding
from django_restframework_lite.models import JsonFloat
from django_restframework_lite.pagination import CursorPagination, Pagination
from tests.http_support import mount, need_orjson, user_endpoint, users
from tests.stores import close_stores, store_controllers


@pytest.fixture
def orjson_installed() -> None:
    need_orjson(": nothing to compare the standard library with")


def encoded(data: Any, monkeypatch: pytest.MonkeyPatch, use_orjson: bool) -> Any:
    """Return ``dumps(data)`` with orjson on or off, or the exception it raised as (type, message)."""
    monkeypatch.setattr(jsonencoding, "USE_ORJSON", use_orjson)
    try:
        return jsonencoding.dumps(data)
    except Exception as error:  # the comparison is of the failure too
        return type(error), str(error)


def same_both_ways(data: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    fast, plain = encoded(data, monkeypatch, True), encoded(data, monkeypatch, False)
    assert fast == plain, (data, fast, plain)
    return plain


class Colour(enum.Enum):
    RED = "red"
    NAN = float("nan")


class Size(enum.IntEnum):
    SMALL = 1


class Label(str, enum.Enum):
    OPEN = "open"


class Text(str):
    pass


class Float(float):
    pass


VALUES: list[Any] = [
    None, True, False, 0, -1, 2**63 - 1, -(2**63), 2**63, 2**64 - 1, 2**64, -(2**63) - 1, 10**40,
    0.0, -0.0, 0.1, 1.0, 1.5, 1e16, 1e15, 1e-4, 1e-5, 2.5e-7, 1.2345678901234567e-6, 1e-10, 5e-324, 1e308, -1e-9,
    123456789.123, float("nan"), float("inf"), float("-inf"), JsonFloat("12.50"), JsonFloat("1e-7"),
    "", "plain", "\u00e9\u4e2d\U0001f600", "\x00\x01\x1f\x7f\x80\u2028\u2029\ufeff", '"quoted" \\ back/slash', "a\udc80",
    "e-5 and 0.00001 inside a string", "null",
    decimal.Decimal("1.50"), decimal.Decimal("1E-7"), decimal.Decimal("NaN"),
    datetime.datetime(2024, 1, 2, 3, 4, 5, 123456), datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
    datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))),
    datetime.date(2024, 2, 29), datetime.time(13, 45), datetime.time(13, 45, 0, 500), datetime.timedelta(days=1, hours=2),
    uuid.UUID(int=1), uuid.uuid4(), b"bytes\x00", bytearray(b"ab"), memoryview(b"mv"),
    (1, 2), {3}, frozenset({"x"}), [], {}, [[[[]]]], {"a": {"b": [1, {"c": None}]}},
    OrderedDict([("z", 1), ("a", 2)]), {"z": 1, "a": 2, "m": 3}, {1: "int key"}, {None: 1}, {1.5: "float key"},
    Colour.RED, Colour.NAN, Size.SMALL, Label.OPEN, Text("str subclass"), object(), {"deep": [0.1, [float("nan")]]},
    {"set": {float("inf")}}, [float("nan")] * 2, [2**70, "x"], {"t": (float("nan"),)},
    # Rows: a NaN only in a later row, behind a nested container, a dict subclass, an enum, a float subclass.
    [{"a": 1.5, "b": None}, {"a": float("nan"), "b": None}], [{"a": None}, {"b": [1, {"c": float("-inf")}]}],
    [{"a": None}, OrderedDict(b=float("inf"))], [{"a": None}, {"b": Colour.NAN}], [{"a": None}, {"b": Float("nan")}],
    [{"a": 0.5, "b": None}, {"a": -2.5, "b": "x"}], ({"a": None}, {"b": (2.0, float("nan"))}),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda value: repr(value)[:40])
def test_every_kind_of_value_encodes_the_same(orjson_installed, monkeypatch, value):
    same_both_ways(value, monkeypatch)
    same_both_ways({"meta": {"next": None}, "object_list": [{"value": value}]}, monkeypatch)


def test_nan_and_infinity_are_refused_both_ways(orjson_installed, monkeypatch):
    error = same_both_ways({"weight": float("nan")}, monkeypatch)
    assert error[0] is ValueError and "Out of range float values are not JSON compliant" in error[1]


def test_every_code_point_is_escaped_the_same(orjson_installed, monkeypatch):
    text = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)
    assert same_both_ways({"text": text}, monkeypatch).startswith(b'{"text":"\\u0000\\u0001')


def test_random_floats_are_spelled_the_same(orjson_installed, monkeypatch):
    generator = random.Random(13)
    values = [struct.unpack("d", struct.pack("Q", generator.getrandbits(64)))[0] for _ in range(20000)]
    values += [generator.uniform(-1, 1) * 10.0 ** generator.randint(-12, 20) for _ in range(20000)]
    values = [value for value in values if math.isfinite(value)]
    for start in range(0, len(values), 500):
        same_both_ways({"rows": values[start : start + 500]}, monkeypatch)


def test_an_ordinary_page_is_written_by_orjson(orjson_installed, monkeypatch):
    """The fast path really runs: a page of ordinary objects is orjson's bytes, not a fallback's."""
    page = {"meta": {"offset": 0, "count": 2, "total_count": 9, "next": "/api/x/?offset=2", "previous": None, "filters": {}},
            "object_list": [{"id": n, "name": f"n\u00e9{n}", "weight": 1.5 * n, "when": datetime.date(2024, 1, n + 1),
                             "price": decimal.Decimal("1.50"), "uid": uuid.UUID(int=n), "notes": None}
                            for n in range(2)]}
    calls = []
    real = jsonencoding.orjson.dumps

    def spy(*args: Any, **kwargs: Any) -> bytes:
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(jsonencoding.orjson, "dumps", spy)
    monkeypatch.setattr(jsonencoding, "USE_ORJSON", True)
    assert jsonencoding._orjson_dumps(page) == real(page, default=jsonencoding.default,
                                                    option=jsonencoding.orjson.OPT_PASSTHROUGH_DATETIME)
    assert len(calls) == 1
    same_both_ways(page, monkeypatch)


def test_without_orjson_the_standard_library_answers(monkeypatch):
    monkeypatch.setattr(jsonencoding, "USE_ORJSON", False)
    assert jsonencoding.dumps({"a": [1, 2.5e-7, "\u00e9"]}) == '{"a":[1,2.5e-07,"\u00e9"]}'.encode()
    assert jsonencoding.dumps({"a": 1}, indent=2) == b'{\n  "a": 1\n}'


# The same requests, both ways -----------------------------------------------------------------------


def answers(client: Any, monkeypatch: pytest.MonkeyPatch, send: Any) -> tuple[Any, Any]:
    """Send the same request with orjson on, then off; return (status, headers, body) of each."""
    results = []
    for use_orjson in (True, False):
        monkeypatch.setattr(jsonencoding, "USE_ORJSON", use_orjson)
        response = send(client)
        results.append((response.status_code, sorted(response.items()), response.content))
    return results[0], results[1]


def test_the_same_requests_give_the_same_bytes_on_every_store(orjson_installed, store_kind, tmp_path, settings,
                                                                client, monkeypatch):
    api = mount(settings, store_controllers(store_kind, tmp_path, item_options={"pagination": Pagination(3)}))
    try:
        for name in ("tools \u00e9\u4e2d", "toys \U0001f600"):
            assert client.post("/api/category/", {"name": name}, content_type="application/json").status_code == 201
        bodies = [
            {"name": "tiny", "quantity": 1, "weight": 2.5e-7, "notes": "e-5 \"q\" \\ \u2028", "category": 1,
             "added_at": "2024-02-03T04:05:06.250000+02:00"},
            {"name": "huge", "quantity": 2**31 - 1, "weight": 1e300, "notes": None, "category": "/api/category/2/"},
            {"name": "plain", "quantity": -5, "weight": 0.1, "in_stock": False, "size": "S"},
            {"name": "zero", "quantity": 0, "weight": -0.0, "notes": "\x00"},  # refused: U+0000
        ]
        for data in bodies:  # created once; their reads are compared below
            client.post("/api/item/", data, content_type="application/json")
        for data in [{"code": "\u00e9-1", "stock": 3, "price": "12.50", "label": "\U0001f600"},
                     {"code": "bad", "price": "1.234"}, {"code": "x", "stock": "many"}]:
            def create(c: Any, data: dict[str, Any] = data) -> Any:
                c.delete("/api/part/%C3%A9-1/")  # the same pk each time: the same answer
                return c.post("/api/part/", data, content_type="application/json")

            fast, plain = answers(client, monkeypatch, create)
            assert fast == plain, data
        for url in ["/api/item/", "/api/item/?offset=1&order_by=-weight", "/api/item/1/", "/api/item/?notes__contains=e-5",
                    "/api/item/?weight__gt=abc", "/api/item/999/", "/api/category/", "/api/part/", "/api/openapi.json",
                    "/api/schema/", "/api/spore/", "/api/", "/api/item/?name=\u00e9%00"]:
            fast, plain = answers(client, monkeypatch, lambda c, url=url: c.get(url))
            assert fast == plain, url
    finally:
        close_stores(api.registry.values())


def test_cursor_pages_and_errors_give_the_same_bytes(orjson_installed, settings, client, monkeypatch):
    rows = users(7)
    rows[2]["first_name"] = "\u00c9mile \U0001f600"
    mount(settings, [user_endpoint(rows, options={"pagination": CursorPagination(3)})])
    link = "/api/users/?order_by=-age"
    while link:
        fast, plain = answers(client, monkeypatch, lambda c, link=link: c.get(link))
        assert fast == plain, link
        link = json.loads(fast[2])["meta"]["next"]
    for url in ["/api/users/?cursor=forged", "/api/users/?count=-1", "/api/users/?%C3%A9=%80%FF", "/api/users/?first_name__gt=%E4%B8%AD"]:
        fast, plain = answers(client, monkeypatch, lambda c, url=url: c.get(url))
        assert fast == plain and fast[0] in (200, 400), url


def test_a_nan_a_formater_adds_is_the_same_500_both_ways(orjson_installed, settings, client, monkeypatch):
    def add_nan(view: Any, obj: dict[str, Any]) -> dict[str, Any]:
        return {**obj, "ratio": float("nan"), "colour": Colour.RED}

    mount(settings, [user_endpoint(users(2), view={"options": {"formaters": [add_nan]}})])
    client.raise_request_exception = False
    fast, plain = answers(client, monkeypatch, lambda c: c.get("/api/users/1/"))
    assert fast == plain
    assert (fast[0], json.loads(fast[2])) == (500, {"error": "Internal server error."})


def test_an_enum_a_formater_adds_is_its_value_both_ways(orjson_installed, settings, client, monkeypatch):
    def add_enums(view: Any, obj: dict[str, Any]) -> dict[str, Any]:
        return {**obj, "colour": Colour.RED, "size": Size.SMALL, "label": Label.OPEN}

    mount(settings, [user_endpoint(users(2), view={"options": {"formaters": [add_enums]}})])
    fast, plain = answers(client, monkeypatch, lambda c: c.get("/api/users/1/"))
    assert fast == plain
    assert json.loads(fast[2])["colour"] == "red" and json.loads(fast[2])["size"] == 1
