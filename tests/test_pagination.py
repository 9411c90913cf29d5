"""Pagination: meta shape, links that keep the query, clamping and bad values."""

from __future__ import annotations

import json

import pytest
from django.http import QueryDict

from django_restframework_lite.exceptions import BadRequest
from django_restframework_lite.pagination import Pagination
from tests.http_support import mount, user_endpoint, users


def body(response):
    return json.loads(response.content)


@pytest.fixture
def paged(settings):
    mount(settings, [user_endpoint(users(25), options={"pagination": Pagination(10)})])


def ids(response):
    return [obj["id"] for obj in body(response)["object_list"]]


def test_first_page_meta(paged, client):
    response = client.get("/api/users/")
    assert response.status_code == 200
    assert body(response)["meta"] == {"offset": 0, "count": 10, "total_count": 25,
                                      "next": "/api/users/?offset=10", "previous": None, "filters": {}}
    assert ids(response) == list(range(1, 11))


def test_middle_page_links_both_ways(paged, client):
    response = client.get("/api/users/?offset=10")
    assert body(response)["meta"] == {"offset": 10, "count": 10, "total_count": 25,
                                      "next": "/api/users/?offset=20", "previous": "/api/users/?offset=0", "filters": {}}
    assert ids(response) == list(range(11, 21))


def test_last_page_has_null_next(paged, client):
    response = client.get("/api/users/?offset=20")
    assert body(response)["meta"] == {"offset": 20, "count": 10, "total_count": 25,
                                      "next": None, "previous": "/api/users/?offset=10", "filters": {}}
    assert ids(response) == list(range(21, 26))


def test_offset_beyond_the_end_gives_an_empty_page(paged, client):
    response = client.get("/api/users/?offset=40")
    assert body(response) == {"meta": {"offset": 40, "count": 10, "total_count": 25, "next": None,
                                       "previous": "/api/users/?offset=30", "filters": {}}, "object_list": []}


def test_links_keep_the_other_query_parameters(paged, client):
    response = client.get("/api/users/?age__gte=22&count=3&offset=3&order_by=-id")
    meta = body(response)["meta"]
    assert meta == {
        "offset": 3, "count": 3, "total_count": 23,
        "next": "/api/users/?age__gte=22&count=3&offset=6&order_by=-id",
        "previous": "/api/users/?age__gte=22&count=3&offset=0&order_by=-id",
        "filters": {"age__gte": "22"},
    }
    assert ids(response) == [22, 21, 20]


def test_links_quote_values_and_keep_repeated_parameters(settings, client):
    data = users(3) + [{"id": 4, "first_name": "Jo & Co", "last_name": "Doe", "age": 1, "address": None},
                       {"id": 5, "first_name": "Jo & Co", "last_name": "Doe", "age": 2, "address": None}]
    mount(settings, [user_endpoint(data, options={"pagination": Pagination(1)})])
    response = client.get("/api/users/?first_name=Jo+%26+Co")
    assert body(response)["meta"]["next"] == "/api/users/?first_name=Jo+%26+Co&offset=1"
    assert body(response)["meta"]["filters"] == {"first_name": "Jo & Co"}
    assert client.get(body(response)["meta"]["next"]).status_code == 200
    assert ids(client.get(body(response)["meta"]["next"])) == [5]


def test_links_carry_the_mount_prefix(settings, client):
    mount(settings, [user_endpoint(users(3), options={"pagination": Pagination(2)})], route="v2/shop/")
    assert body(client.get("/v2/shop/users/"))["meta"]["next"] == "/v2/shop/users/?offset=2"


def test_count_above_max_result_is_lowered(paged, client):
    response = client.get("/api/users/?count=500")
    meta = body(response)["meta"]
    assert meta["count"] == 10
    assert meta["next"] == "/api/users/?count=500&offset=10"
    assert len(ids(response)) == 10


def test_count_is_the_page_size_not_the_objects_returned(paged, client):
    meta = body(client.get("/api/users/?offset=24"))["meta"]
    assert meta["count"] == 10
    assert meta["total_count"] == 25


def test_total_count_counts_filtered_objects(paged, client):
    response = client.get("/api/users/?last_name=Doe&count=2")
    meta = body(response)["meta"]
    assert meta["total_count"] == 10
    assert meta["filters"] == {"last_name": "Doe"}
    assert meta["next"] == "/api/users/?last_name=Doe&count=2&offset=2"


def test_count_zero_gives_the_total_without_links(paged, client):
    response = client.get("/api/users/?count=0&offset=5")
    assert body(response) == {"meta": {"offset": 5, "count": 0, "total_count": 25, "next": None, "previous": None,
                                       "filters": {}}, "object_list": []}


@pytest.mark.parametrize("query", ["offset=-1", "offset=abc", "offset=", "offset=1.5", "count=-3", "count=x", "count=1e3",
                                   "offset=%EF%BC%91"])
def test_bad_offset_or_count_is_400(paged, client, query):
    key = query.split("=")[0]
    response = client.get(f"/api/users/?{query}")
    assert response.status_code == 400
    assert body(response)["fields"] == {key: "Expected a non-negative integer."}


def test_custom_keys_are_used_in_query_and_meta(settings, client):
    mount(settings, [user_endpoint(users(5), options={"pagination": Pagination(2, offset_key="first_id", count_key="limit")})])
    response = client.get("/api/users/?first_id=2&limit=1")
    assert body(response)["meta"] == {"first_id": 2, "limit": 1, "total_count": 5,
                                      "next": "/api/users/?first_id=3&limit=1",
                                      "previous": "/api/users/?first_id=1&limit=1", "filters": {}}
    assert ids(response) == [3]


def test_without_pagination_offset_is_no_reserved_key(settings, client):
    mount(settings, [user_endpoint(users(3))])
    assert body(client.get("/api/users/"))["meta"] == {"filters": {}}


def test_paginate_and_link_directly():
    pagination = Pagination(20)
    assert pagination.paginate(QueryDict("")) == (0, 20)
    assert pagination.paginate(QueryDict("offset=7&count=5")) == (7, 5)
    assert pagination.paginate(QueryDict("count=25")) == (0, 20)
    with pytest.raises(BadRequest):
        pagination.paginate(QueryDict("offset=99999999999999999999"))
    assert pagination.link("/x/", QueryDict("a=1&a=2&offset=3"), 9) == "/x/?a=1&a=2&offset=9"
    assert pagination.query_parameters == ("offset", "count")


@pytest.mark.parametrize("bad", [0, -1, "20", True, None])
def test_pagination_refuses_a_bad_max_result(bad):
    with pytest.raises(ValueError, match="max_result"):
        Pagination(bad)



def urlencoded_link(path, query, key, value):
    """The links as urlencode spells them: what link_with gave before it left plain pairs as they are."""
    from urllib.parse import urlencode

    pairs, replaced = [], value is None
    for name, values in query.lists():
        if name == key:
            if not replaced:
                pairs.append((name, value))
                replaced = True
            continue
        pairs.extend((name, item) for item in values)
    if not replaced:
        pairs.append((key, value))
    return f"{path}?{urlencode(pairs)}" if pairs else path


@pytest.mark.parametrize("query", [
    "offset=20&count=10", "count=10", "", "first_name=Ann&offset=0", "q=a+b&offset=5", "x=%C3%A9&count=3",
    "a=1&a=2&offset=4", "name__startswith=B&offset=1", "e=&offset=2", "offset=1&%C3%A9t%C3%A9=1", "Z9=z9&offset=7",
    "offset=1&offset=2", "%C2%B2=1", "count=%EF%BC%91", "last_name__gte=a-b_c.d~e&order_by=-id", "k%3Ay=v%3Aw",
    "cursor=WyJm.IiwibiJd:8DD-K9_c&count=5", "t=a%0Ab", "t=%E2%80%A8", "%7E=%2D",
])
def test_links_spell_the_query_as_urlencode_does(query):
    from django_restframework_lite.pagination.params import link_with

    parsed = QueryDict(query)
    for value in ("40", None, "a b", "x/y", "", "\u00b2", ".eJy-_~:sig:x", "a:b", ":", "a+b", "%3A"):
        assert link_with("/api/users/", parsed, "offset", value) == urlencoded_link("/api/users/", parsed, "offset", value)


def test_every_character_is_spelled_as_urlencode_spells_it():
    from django_restframework_lite.pagination.params import link_with

    parsed = QueryDict("order_by=-id")
    for code in [*range(0x180), 0x2028, 0xFF11, 0x1F600]:
        value = f"a{chr(code)}:b"
        expected = urlencoded_link("/api/users/", parsed, "cursor", value)
        assert link_with("/api/users/", parsed, "cursor", value) == expected, hex(code)
