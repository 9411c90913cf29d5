"""Every pk the API accepts is reachable at the ``Location`` it answered, on every datastore.

A string pk may hold ``/`` and any other character: it travels percent-encoded
(``a%2Fb``), the unique route takes it whole, line breaks too (``<drfl_text:identifier>``), and the
mount prefix is still found (``mount_prefix`` counts the identifier's own
slashes). Identifiers no URL can reach (empty, ``.``, ``..``) are refused.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import path

from django_restframework_lite.urls import include
from tests.http_support import urlconf
from tests.stores import close_stores, store_controllers

CODES = ["a/b", "/lead", "trail/", "a//b", "x?y#z%", "a%2Fb", "é/ü 1", "..a", "./b", "a/../b", "two\nlines", "end\n",
         "\r\n/\x0b\x0c\x1c\x85\u2028"]


def send(client: Client, method: str, url: str, data: Any = None) -> Any:
    if data is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def parts(store_kind: str, tmp_path: Any, settings: Any) -> Any:
    patterns = include(store_controllers(store_kind, tmp_path))
    # A mount prefix with a converter of its own: the prefix is found from the end of the path.
    settings.ROOT_URLCONF = urlconf(path("shop/<str:tenant>/api/", patterns))
    yield patterns[0].api
    close_stores(patterns[0].api.registry.values())


@pytest.mark.parametrize("code", CODES)
def test_a_string_pk_round_trips_at_its_location(parts: Any, client: Client, code: str) -> None:
    created = send(client, "post", "/shop/acme/api/part/", {"code": code, "stock": 1})
    assert created.status_code == 201, created.content
    location = created["Location"]
    assert location.startswith("/shop/acme/api/part/") and location.endswith("/")
    assert created.json()["ressource_uri"] == location
    got = client.get(location)
    assert got.status_code == 200, got.content
    assert got.json() == {"code": code, "stock": 1, "price": None, "label": "", "ressource_uri": location}
    assert client.head(location).status_code == 200
    assert send(client, "put", location, {"stock": 2}).json()["stock"] == 2
    assert send(client, "patch", location, {"label": "moved"}).json() == {
        "code": code, "stock": 2, "price": None, "label": "moved", "ressource_uri": location}
    listed = client.get("/shop/acme/api/part/").json()["object_list"]
    assert [obj["ressource_uri"] for obj in listed] == [location]
    assert client.delete(location).status_code == 204
    assert client.get(location).status_code == 404


def test_pks_with_slashes_do_not_reach_each_other(parts: Any, client: Client) -> None:
    for code in ("a", "a/b", "b"):
        assert send(client, "post", "/shop/acme/api/part/", {"code": code, "stock": len(code)}).status_code == 201
    assert client.get("/shop/acme/api/part/a%2Fb/").json()["stock"] == 3
    assert client.get("/shop/acme/api/part/a/b/").json()["stock"] == 3  # the same path, decoded
    assert client.get("/shop/acme/api/part/a/").json()["stock"] == 1
    assert client.get("/shop/acme/api/part/a%2Fc/").status_code == 404


@pytest.mark.parametrize("code", ["", ".", ".."])
def test_identifiers_no_url_can_reach_are_refused(parts: Any, client: Client, code: str) -> None:
    response = send(client, "post", "/shop/acme/api/part/", {"code": code})
    assert response.status_code == 400
    assert response.json() == {"error": "code does not validate",
                               "fields": {"code": f"{code!r} cannot be an identifier: no URL can reach it."}}
    assert client.get("/shop/acme/api/part/").json()["object_list"] == []


def test_the_description_finds_the_prefix_from_a_unique_route_holding_slashes(parts: Any, client: Client) -> None:
    from django.urls import resolve

    from django_restframework_lite.api import mount_prefix

    request = Client().get("/shop/acme/api/part/x/y/z/").wsgi_request
    request.resolver_match = resolve(request.path_info)
    assert parts.prefix(request) == "/shop/acme/api/"
    assert mount_prefix(request, 2, "x/y/z") == "/shop/acme/api/"
