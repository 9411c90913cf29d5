"""``CursorPagination``: keyset pages through HTTP, signed cursors, links, and one statement per page."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from django_restframework_lite.pagination import CursorPagination
from django_restframework_lite.partials import Partial
from django_restframework_lite.urls import include
from tests.http_support import HeaderUser, address_endpoint, mount, user_endpoint, users
from tests.stores import close_stores, store_controllers


def body(response):
    return json.loads(response.content)


def ids(response, key="id"):
    return [obj[key] for obj in body(response)["object_list"]]


def cursor_of(link):
    return parse_qs(urlsplit(link).query)["cursor"][0]


def people(count):
    """``users(count)`` with ages that repeat and NULLs: ties and missing values to order by."""
    rows = users(count)
    for row in rows:
        row["age"] = None if row["id"] % 4 == 0 else 20 + row["id"] % 3
    return rows


@pytest.fixture
def cursored(settings):
    """25 users under CursorPagination(10); the fixture's value is the users' store."""
    api = mount(settings, [user_endpoint(people(25), options={"pagination": CursorPagination(10)})])
    return api.registry["users"]


def walk(client, url, direction="next"):
    """Follow ``direction`` links from ``url``; return the pages' ids in the order visited and the last answer."""
    pages = []
    response = client.get(url)
    while True:
        assert response.status_code == 200, response.content
        pages.append(ids(response))
        link = body(response)["meta"][direction]
        if link is None:
            return pages, response
        response = client.get(link)


def test_the_first_page_meta(cursored, client):
    response = client.get("/api/users/")
    meta = body(response)["meta"]
    assert list(meta) == ["count", "next", "previous", "filters"]
    assert (meta["count"], meta["previous"], meta["filters"]) == (10, None, {})
    assert meta["next"].startswith("/api/users/?cursor=")
    assert ids(response) == list(range(1, 11))


@pytest.mark.parametrize("order_by", ["", "-id", "age", "-age", "last_name,-age", "-last_name,age,-first_name"])
def test_next_links_visit_every_row_once_in_order(cursored, client, order_by):
    query = f"?order_by={order_by}" if order_by else ""
    everything = [row["id"] for row in cursored.get_list(order_by=order_by)]
    pages, last = walk(client, f"/api/users/{query}")
    assert [len(page) for page in pages] == [10, 10, 5]
    assert [pk for page in pages for pk in page] == everything
    assert sorted(everything) == list(range(1, 26))
    # and back: the previous links visit the same pages in reverse
    back, first = walk(client, body(last)["meta"]["previous"], "previous")
    assert back == pages[-2::-1]
    assert body(first)["meta"]["previous"] is None


def test_a_page_read_backwards_links_forwards_again(cursored, client):
    second = client.get(body(client.get("/api/users/"))["meta"]["next"])
    first_again = client.get(body(second)["meta"]["previous"])
    assert ids(first_again) == list(range(1, 11))
    assert body(first_again)["meta"]["previous"] is None
    assert ids(client.get(body(first_again)["meta"]["next"])) == list(range(11, 21))


def test_links_keep_the_other_query_parameters(cursored, client):
    response = client.get("/api/users/?last_name=Doe&count=2&order_by=-age")
    meta = body(response)["meta"]
    assert meta["filters"] == {"last_name": "Doe"}
    assert urlsplit(meta["next"]).path == "/api/users/"
    query = QueryDict(urlsplit(meta["next"]).query)
    assert (query["last_name"], query["count"], query["order_by"]) == ("Doe", "2", "-age")
    assert list(query) == ["last_name", "count", "order_by", "cursor"]
    assert [obj["last_name"] for obj in body(client.get(meta["next"]))["object_list"]] == ["Doe", "Doe"]


def test_count_is_lowered_to_max_result_and_a_bad_count_is_400(cursored, client):
    assert len(ids(client.get("/api/users/?count=500"))) == 10
    assert body(client.get("/api/users/?count=500"))["meta"]["count"] == 10
    response = client.get("/api/users/?count=-1")
    assert (response.status_code, body(response)["fields"]) == (400, {"count": "Expected a non-negative integer."})


def test_count_zero_gives_no_links(cursored, client):
    assert body(client.get("/api/users/?count=0")) == {
        "meta": {"count": 0, "next": None, "previous": None, "filters": {}}, "object_list": []}


def test_a_made_up_cursor_is_a_400_naming_it(cursored, client):
    for value in ["abc", "", "WyJhIiwibiIsWzFdXQ:forged", "%00"]:
        response = client.get("/api/users/", {"cursor": value})
        assert response.status_code == 400, value
        assert body(response) == {
            "error": "The cursor was not made by this API: follow the next and previous links of a list answer.",
            "fields": {"cursor": "Not a valid cursor."},
        }


def test_an_altered_cursor_is_a_400(cursored, client):
    cursor = cursor_of(body(client.get("/api/users/"))["meta"]["next"])
    payload, signature = cursor.split(":")
    altered = payload.replace("M", "N", 1) if "M" in payload else payload[:-1] + "A"
    assert client.get("/api/users/", {"cursor": f"{altered}:{signature}"}).status_code == 400


@pytest.mark.parametrize("other", ["?order_by=-id", "?last_name=Doe", "?search=x", "?age__gte=1&order_by=age"])
def test_a_cursor_made_for_another_listing_is_a_400(settings, client, other):
    rows = people(25)
    mount(settings, [user_endpoint(rows, options={"pagination": CursorPagination(5), "search_fields": ["first_name"]})])
    cursor = cursor_of(body(client.get("/api/users/?age__gte=1&order_by=-age"))["meta"]["next"])
    response = client.get(f"/api/users/{other}&cursor={cursor}")
    assert response.status_code == 400
    assert body(response) == {
        "error": "The cursor was made for another order_by, other filters or another endpoint: "
                 "a cursor only continues the listing whose links carried it.",
        "fields": {"cursor": "Made for another listing."},
    }


def test_a_cursor_of_another_endpoint_is_a_400(settings, client):
    mount(settings, [user_endpoint(people(5), options={"pagination": CursorPagination(2)}),
                     user_endpoint(people(5), options={"pagination": CursorPagination(2)}, name="people")])
    cursor = cursor_of(body(client.get("/api/users/"))["meta"]["next"])
    assert client.get(f"/api/people/?cursor={cursor}").status_code == 400
    assert client.get(f"/api/users/?cursor={cursor}").status_code == 200


def test_cursors_follow_the_secret_key_and_its_fallbacks(cursored, client, settings):
    cursor = cursor_of(body(client.get("/api/users/"))["meta"]["next"])
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "another secret key, long enough to sign things with"
    assert client.get(f"/api/users/?cursor={cursor}").status_code == 400
    settings.SECRET_KEY_FALLBACKS = [old_key]  # a key being rotated out still opens its cursors
    assert ids(client.get(f"/api/users/?cursor={cursor}")) == list(range(11, 21))


def test_a_deleted_row_behind_the_cursor_does_not_shift_the_next_page(cursored, client):
    link = body(client.get("/api/users/?order_by=-age"))["meta"]["next"]
    expected = ids(client.get(link))
    first_page = ids(client.get("/api/users/?order_by=-age"))
    assert client.delete(f"/api/users/{first_page[-1]}/").status_code == 204  # the row the cursor was taken from
    assert client.delete(f"/api/users/{first_page[0]}/").status_code == 204
    assert ids(client.get(link)) == expected


def test_a_row_inserted_before_the_cursor_does_not_shift_the_next_page(cursored, client):
    link = body(client.get("/api/users/"))["meta"]["next"]
    expected = ids(client.get(link))
    response = client.post("/api/users/", {"first_name": "New", "last_name": "Row", "age": 1}, content_type="application/json")
    assert response.status_code == 201
    assert ids(client.get(link)) == expected


def test_an_empty_page_after_deletions_links_back(cursored, client):
    link = body(client.get(body(client.get("/api/users/"))["meta"]["next"]))["meta"]["next"]
    for pk in range(21, 26):
        client.delete(f"/api/users/{pk}/")
    response = client.get(link)
    assert body(response)["object_list"] == []
    assert body(response)["meta"]["next"] is None
    assert ids(client.get(body(response)["meta"]["previous"])) == list(range(10, 20))


def test_custom_keys_are_used_in_query_links_and_meta(settings, client):
    mount(settings, [user_endpoint(people(5), options={"pagination": CursorPagination(2, cursor_key="after", count_key="limit")})])
    response = client.get("/api/users/?limit=3")
    meta = body(response)["meta"]
    assert list(meta) == ["limit", "next", "previous", "filters"]
    assert meta["limit"] == 2
    assert "after=" in meta["next"] and "limit=3" in meta["next"]
    assert ids(client.get(meta["next"])) == [3, 4]


def test_links_never_carry_credentials(settings, client):
    from django_restframework_lite.authentication import ApiKeyAuthentication
    from django_restframework_lite.datastore import PythonListDataStore
    from tests.http_support import UserModel

    keys = PythonListDataStore([{"id": 1, "first_name": "k", "last_name": "secret", "age": None, "address": None}], UserModel)

    class KeyAuthentication(ApiKeyAuthentication):
        def get_user(self, request):
            return "someone" if request.GET.get("apikey") == "secret" else None

    mount(settings, [user_endpoint(people(5), options={"pagination": CursorPagination(2),
                                                       "authentication": KeyAuthentication(keys)})])
    meta = body(client.get("/api/users/?apikey=secret"))["meta"]
    assert "apikey" not in meta["next"]


def test_ordering_across_a_relation_is_refused_with_cursor_pages(settings, client):
    mount(settings, [address_endpoint(), user_endpoint(
        people(5), options={"pagination": CursorPagination(2), "order_fields": ["address__city", "id"]})])
    response = client.get("/api/users/?order_by=address__city")
    assert response.status_code == 400
    assert body(response) == {
        "error": "Cannot order by address__city here: cursor pages order by the fields of users only.",
        "fields": {"order_by": "Not orderable with a cursor: 'address__city'."},
    }


def test_a_partial_response_keeps_its_cursor(settings, client):
    api = mount(settings, [user_endpoint(people(7), options={"pagination": CursorPagination(3)},
                                         ressource_options={"partial": Partial()})])
    response = client.get("/api/users/?fields=first_name&order_by=-age")
    assert all(set(obj) <= {"id", "first_name", "ressource_uri"} for obj in body(response)["object_list"])
    pages, _ = walk(client, "/api/users/?fields=first_name&order_by=-age")
    everything = [row["id"] for row in api.registry["users"].get_list(order_by="-age")]
    assert [pk for page in pages for pk in page] == everything


def test_scope_confines_cursor_pages(settings, client):
    endpoint = user_endpoint(people(12), options={"pagination": CursorPagination(2), "authentication": HeaderUser()})
    endpoint.scope = lambda self, request: {"last_name": request.api_user}
    mount(settings, [endpoint])
    response = client.get("/api/users/", HTTP_X_USER="Doe")
    seen = ids(response)
    while body(response)["meta"]["next"]:
        response = client.get(body(response)["meta"]["next"], HTTP_X_USER="Doe")
        seen += ids(response)
    assert seen == [row["id"] for row in people(12) if row["last_name"] == "Doe"]


def test_the_configuration_checks_the_pagination(settings):
    with pytest.raises(ValueError, match="max_result"):
        CursorPagination(0)
    with pytest.raises(ValueError, match="cursor_key"):
        CursorPagination(5, cursor_key="count")
    include([user_endpoint(options={"pagination": CursorPagination(5)})])  # a cursor pagination has no paginate()
    assert CursorPagination(5).query_parameters == ("cursor", "count")


# On every datastore, and its SQL ------------------------------------------------------------------


@pytest.fixture
def items(store_kind, tmp_path, settings, client):
    """Items with ties and NULLs on one kind of store, under CursorPagination(4)."""
    api = mount(settings, store_controllers(store_kind, tmp_path, item_options={"pagination": CursorPagination(4)}))
    weights = [None, 2.5, 1.0, None, 2.5, 0.5, 1.0, None, 3.0, 2.5, None]
    for index, weight in enumerate(weights):
        response = client.post("/api/item/", {"name": f"item {(index * 4) % 11}", "quantity": index % 3, "weight": weight,
                                              "notes": None if index % 2 else f"n{index % 3}"},
                               content_type="application/json")
        assert response.status_code == 201, response.content
    yield api
    close_stores(api.registry.values())


@pytest.mark.parametrize("order_by", ["weight", "-weight", "notes,-weight", "-notes,quantity,-name", "-id"])
def test_cursor_pages_on_every_store(items, client, order_by):
    everything = [row["id"] for row in items.registry["item"].get_list(order_by=order_by)]
    pages, last = walk(client, f"/api/item/?order_by={order_by}")
    assert [len(page) for page in pages] == [4, 4, 3]
    assert [pk for page in pages for pk in page] == everything
    back, _ = walk(client, body(last)["meta"]["previous"], "previous")
    assert back == pages[-2::-1]


@pytest.mark.parametrize("store_kind", [pytest.param("orm", marks=pytest.mark.django_db(transaction=True))])
def test_a_cursor_page_is_one_statement_at_any_depth(items, client, store_kind):
    with CaptureQueriesContext(connection) as first:
        response = client.get("/api/item/?order_by=-weight")
    link = body(response)["meta"]["next"]
    with CaptureQueriesContext(connection) as deeper:
        response = client.get(link)
    with CaptureQueriesContext(connection) as back:
        client.get(body(response)["meta"]["previous"])
    assert (len(first), len(deeper), len(back)) == (1, 1, 1), [q["sql"] for q in deeper.captured_queries]
    assert "LIMIT 5" in deeper.captured_queries[0]["sql"]
    assert "OFFSET" not in deeper.captured_queries[0]["sql"]


SIGNED_PAYLOADS = [
    ["f179cb2c8e5f44ad", "n", [1000000]],
    ["0" * 16, "p", ["Élodie", None, 3.5, True, "a:b", "x" * 300]],  # long enough to be compressed
    ["c", "n", ["\u2603", "line\nbreak", -1, 2**70]],
]


@pytest.mark.parametrize("payload", SIGNED_PAYLOADS, ids=["one-int", "compressed", "unicode"])
def test_cursors_are_signed_as_djangos_signer_signs_them(settings, payload):
    from django.core import signing

    from django_restframework_lite.pagination import cursor as cursor_module

    django = signing.Signer(salt=cursor_module.SALT)
    mine = cursor_module.SIGNER.sign_object(payload)
    assert mine == django.sign_object(payload, compress=True)
    assert mine.startswith(".") == (payload is SIGNED_PAYLOADS[1])
    assert cursor_module.SIGNER.unsign_object(mine) == payload == django.unsign_object(mine)
    # A new key signs anew; the old one, rotated into the fallbacks, still opens what it signed.
    settings.SECRET_KEY = "a rotated-in secret key, long enough to sign things with"
    renewed = cursor_module.SIGNER.sign_object(payload)
    assert renewed != mine
    assert renewed == signing.Signer(salt=cursor_module.SALT).sign_object(payload, compress=True)
    with pytest.raises(signing.BadSignature):
        cursor_module.SIGNER.unsign_object(mine)
    settings.SECRET_KEY_FALLBACKS = [django.key]
    assert cursor_module.SIGNER.unsign_object(mine) == payload
    with pytest.raises(signing.BadSignature):
        cursor_module.SIGNER.unsign_object(mine[:-1] + ("A" if mine[-1] != "A" else "B"))
    with pytest.raises(signing.BadSignature):
        cursor_module.SIGNER.unsign_object(mine.replace(":", ""))
