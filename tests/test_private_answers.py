"""Authenticated answers stay private: ``Cache-Control: private``, ``Vary`` on the credentials, no key in links.

A shared cache (a CDN, a corporate proxy) must never serve one user's answer to
another: every answer of an endpoint with an authentication says ``private`` and
names in ``Vary`` the headers its credentials come in. An API key sent in the
query string is a credential too, and never copied into ``next``/``previous``.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from django_restframework_lite.authentication import (
    Authentication,
    Authorization,
    BasicAuthentication,
    DjangoAuthentication,
)
from django_restframework_lite.pagination import Pagination
from tests.protection_support import address_ressource, endpoint, keys_authentication, mount


def vary(response: Any) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}


@pytest.fixture(params=["pythonlist", "sqlite", "orm"])
def ressource(request: pytest.FixtureRequest, tmp_path: Any) -> dict[str, Any]:
    return address_ressource(request.param, tmp_path, request)


def test_api_key_answers_are_private_and_vary_on_the_key_header(settings: Any, client: Client, ressource: Any) -> None:
    mount(settings, endpoint(ressource, authentication=keys_authentication(), authorization=Authorization))
    paris = client.get("/api/address/?accesskey=hackme").json()["object_list"][0]["ressource_uri"]
    answers = [
        client.get("/api/address/?accesskey=hackme"),
        client.get(paris, HTTP_X_API_KEY="hackme"),
        client.head(paris, HTTP_X_API_KEY="hackme"),
        client.get(paris, HTTP_X_API_KEY="hackme", HTTP_IF_NONE_MATCH="*"),  # a 304
        client.get("/api/address/"),  # the 401 varies on the key too
        client.options("/api/address/?accesskey=hackme"),
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 304, 401, 200]
    for answer in answers:
        assert answer["Cache-Control"] == "private"
        assert "x-api-key" in vary(answer)


@pytest.mark.django_db
def test_basic_and_session_answers_vary_on_their_own_headers(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user("ann", password="pw")
    rows = [{"id": 1, "country": "France", "city": "Paris", "street": "Valmy", "number": 45}]
    ressource = {**address_ressource("pythonlist", None), "ressource": rows}
    basic = endpoint(ressource, authentication=BasicAuthentication(), authorization=Authorization)
    mount(settings, basic)
    credentials = "Basic " + base64.b64encode(b"ann:pw").decode()
    answer = Client().get("/api/address/", HTTP_AUTHORIZATION=credentials)
    assert (answer.status_code, answer["Cache-Control"]) == (200, "private")
    assert "authorization" in vary(answer)

    mount(settings, endpoint(ressource, authentication=DjangoAuthentication(), authorization=Authorization))
    session = Client()
    session.force_login(User.objects.get(username="ann"))
    answer = session.get("/api/address/")
    assert (answer.status_code, answer["Cache-Control"]) == (200, "private")
    assert "cookie" in vary(answer)


def test_a_custom_authentication_varies_on_what_it_declares(settings: Any, client: Client, ressource: Any) -> None:
    class TenantHeader(Authentication):
        vary_headers = ("X-Tenant",)

        def get_user(self, request: Any) -> Any:
            return request.headers.get("X-Tenant")

    mount(settings, endpoint(ressource, authentication=TenantHeader(), authorization=Authorization))
    answer = client.get("/api/address/", HTTP_X_TENANT="acme")
    assert answer["Cache-Control"] == "private"
    assert vary(answer) >= {"x-tenant"}


def test_answers_without_authentication_stay_shareable(settings: Any, client: Client, ressource: Any) -> None:
    mount(settings, endpoint(ressource))
    answer = client.get("/api/address/")
    assert "Cache-Control" not in answer
    assert "x-api-key" not in vary(answer)


def test_an_api_key_in_the_query_string_never_reaches_a_link(settings: Any, client: Client, ressource: Any) -> None:
    mount(settings, endpoint(ressource, authentication=keys_authentication(), authorization=Authorization,
                             pagination=Pagination(1)))
    first = client.get("/api/address/?accesskey=hackme&city__in=Paris,Madrid").json()["meta"]
    assert first["next"] == "/api/address/?city__in=Paris%2CMadrid&offset=1"
    second = client.get("/api/address/?offset=1&accesskey=hackme").json()["meta"]
    assert (second["previous"], second["next"]) == ("/api/address/?offset=0", None)
    assert "hackme" not in str(first) + str(second)
