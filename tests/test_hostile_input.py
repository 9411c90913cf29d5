"""Hostile input through HTTP, on every datastore: each is a JSON 4xx naming the field, never a 500.

Every input path converts exactly what it validates: integers longer than
Python converts (4,300 digits) in filters and in foreign-key URIs, integers
ending in the separators U+001C-U+001F (which ``str.strip()`` drops and
``int()`` refuses), ISO 8601 moments that fall outside years 1-9999 once in
UTC, an ``order_by`` longer than SQLite's 2,000 terms, an ``in`` list longer
than any database binds, and a NUL in a Basic username. The ORM leg runs on
whichever database the suite uses: SQLite, and PostgreSQL in CI's PostgreSQL legs.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from django_restframework_lite.authentication import Authorization, BasicAuthentication
from django_restframework_lite.formaters import foreign_keys_format, format_foreign_key
from django_restframework_lite.pagination import Pagination
from tests.http_support import mount, user_endpoint
from tests.stores import close_stores, store_controllers

HUGE = "9" * 4301  # int() refuses more than 4,300 digits


def post(client: Client, url: str, data: Any, method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def assert_names(response: Any, field: str, status: int = 400) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert field in response.json()["fields"], response.json()


@pytest.fixture
def shop(store_kind: str, tmp_path: Any, settings: Any, client: Client) -> Any:
    """category/item/part on one datastore: one category and one item."""
    api = mount(settings, store_controllers(
        store_kind, tmp_path,
        item_options={"pagination": Pagination(5), "formaters": [foreign_keys_format]},
        item_view={"options": {"formaters": ["add_ressource_uri", format_foreign_key]}},
    ))
    assert post(client, "/api/category/", {"name": "tools"}).status_code == 201
    response = post(client, "/api/item/", {"name": "hammer", "quantity": 3, "category": "/api/category/1/"})
    assert response.status_code == 201, response.content
    yield api
    close_stores(api.registry.values())


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("quantity", HUGE),
        ("quantity__gte", "-" + HUGE),
        ("quantity__in", f"1,{HUGE}"),
        ("id", HUGE),
        ("category", HUGE),
        ("category", f"/api/category/{HUGE}/"),
        ("category__in", f"/api/category/1/,/api/category/{HUGE}/"),
    ],
)
def test_integers_of_more_than_4300_digits_in_filters_are_a_400(shop: Any, client: Client, key: str, value: str) -> None:
    assert_names(client.get("/api/item/", {key: value}), key)


def test_leading_zeros_do_not_count_towards_the_size_of_an_integer(shop: Any, client: Client) -> None:
    response = client.get("/api/item/", {"quantity": "0" * 5000 + "3"})
    assert response.status_code == 200
    assert [obj["name"] for obj in response.json()["object_list"]] == ["hammer"]


def test_a_foreign_key_uri_with_a_huge_id_in_a_body_is_a_400(shop: Any, client: Client) -> None:
    for method, url in (("post", "/api/item/"), ("patch", "/api/item/1/")):
        response = post(client, url, {"name": "saw", "quantity": 1, "category": f"/api/category/{HUGE}/"}, method)
        assert_names(response, "category")
    assert client.get("/api/item/").json()["meta"]["total_count"] == 1


def test_a_huge_integer_in_a_json_body_is_a_400(shop: Any, client: Client) -> None:
    response = client.post("/api/item/", '{"name": "saw", "quantity": ' + HUGE + "}", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"].startswith("Malformed JSON")


@pytest.mark.parametrize("separator", ["\x1c", "\x1d", "\x1e", "\x1f"])
@pytest.mark.parametrize("key", ["quantity", "rank__gt", "id", "category", "quantity__in", "weight__lt"])
def test_numbers_ending_in_a_separator_are_a_400(shop: Any, client: Client, key: str, separator: str) -> None:
    assert_names(client.get("/api/item/", {key: "1" + separator}), key)


def test_numbers_with_other_scripts_digits_are_a_400(shop: Any, client: Client) -> None:
    assert_names(client.get("/api/item/", {"quantity": "\uff13"}), "quantity")  # a fullwidth 3
    assert_names(client.get("/api/item/", {"weight": "1_0"}), "weight")


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+01:00", "0001-01-01T05:00:00+05:30", "9999-12-31T23:59:59-01:00",
               "9999-12-31T20:00:00-04:00"],
)
def test_moments_outside_years_1_to_9999_in_utc_are_a_400(shop: Any, client: Client, moment: str) -> None:
    for key in ("added_at", "added_at__gt", "added_at__in"):
        assert_names(client.get("/api/item/", {key: moment}), key)
    assert_names(post(client, "/api/item/", {"name": "saw", "quantity": 1, "added_at": moment}), "added_at")
    assert_names(post(client, "/api/item/1/", {"added_at": moment}, "patch"), "added_at")
    assert client.get("/api/item/1/").json()["added_at"] is None


@pytest.mark.parametrize(
    ("moment", "stored"),
    [("0001-01-01T01:00:00+01:00", "0001-01-01T00:00:00+00:00"),
     ("9999-12-31T22:59:59.999999-01:00", "9999-12-31T23:59:59.999999+00:00")],
)
def test_moments_at_the_ends_of_the_range_round_trip(shop: Any, client: Client, moment: str, stored: str) -> None:
    response = post(client, "/api/item/", {"name": "edge", "quantity": 1, "added_at": moment})
    assert response.status_code == 201, response.content
    assert response.json()["added_at"] == stored
    found = client.get("/api/item/", {"added_at": moment}).json()["object_list"]
    assert [obj["name"] for obj in found] == ["edge"]


def test_order_by_with_more_than_2000_terms_is_a_400(shop: Any, client: Client) -> None:
    assert_names(client.get("/api/item/", {"order_by": ",".join(["name"] * 2001)}), "order_by")
    assert_names(client.get("/api/item/", {"order_by": ",".join(["-quantity", "quantity"] * 1001)}), "order_by")
    assert client.get("/api/item/", {"order_by": "-quantity,name," + "," * 3000}).status_code == 200


def test_an_in_lookup_with_more_than_1000_values_is_a_400(shop: Any, client: Client) -> None:
    values = ",".join(str(number) for number in range(1001))
    response = client.get("/api/item/", {"quantity__in": values})
    assert_names(response, "quantity__in")
    assert client.get("/api/item/", {"quantity__in": values.rpartition(",")[0]}).status_code == 200


# A NUL in Basic credentials ---------------------------------------------------------------------


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "password"), [("ali\x00ce", "demo"), ("alice", "de\x00mo"), ("\x00", "")])
def test_a_nul_in_basic_credentials_is_a_401(settings: Any, client: Client, username: str, password: str) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user("alice", password="demo")
    mount(settings, [user_endpoint(options={"authentication": BasicAuthentication(), "authorization": Authorization})])
    response = client.get("/api/users/", HTTP_AUTHORIZATION=basic(username, password))
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid Basic credentials: the NUL character (U+0000) is not allowed."}
    assert client.get("/api/users/", HTTP_AUTHORIZATION=basic("alice", "demo")).status_code == 200
