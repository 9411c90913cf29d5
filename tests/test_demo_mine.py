"""The demo's ``/mine/`` endpoints: Django accounts served safely, and bookmarks scoped to their owner."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from addressbook.models import Address, Bookmark
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def accounts(settings: Any) -> dict[str, User]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast: many Basic logins here
    Address.objects.create(country="France", city="Paris", street="quai de Valmy", number=45)
    return {name: User.objects.create_user(name, f"{name}@example.com", "demo") for name in ("alice", "bob")}


def call(client: Any, method: str, url: str, user: str, data: Any = None) -> Any:
    token = base64.b64encode(f"{user}:demo".encode()).decode()
    headers = {"Authorization": f"Basic {token}"}
    if data is None:
        return getattr(client, method)(url, headers=headers)
    return getattr(client, method)(url, json.dumps(data), content_type="application/json", headers=headers)


def test_an_account_sees_only_itself_and_never_a_password(client: Any, accounts: dict[str, User]) -> None:
    listed = call(client, "get", "/mine/accounts/", "alice").json()
    assert [account["username"] for account in listed["object_list"]] == ["alice"]
    assert listed["meta"]["total_count"] == 1
    assert "password" not in listed["object_list"][0]
    assert call(client, "get", f"/mine/accounts/{accounts['bob'].pk}/", "alice").status_code == 404
    assert b"password" not in call(client, "get", "/mine/openapi.json", "alice").content


def test_an_account_may_change_its_name_but_not_its_privileges(client: Any, accounts: dict[str, User]) -> None:
    url = f"/mine/accounts/{accounts['alice'].pk}/"
    assert call(client, "patch", url, "alice", {"first_name": "Ally"}).json()["first_name"] == "Ally"
    for member in ({"is_superuser": True}, {"is_staff": True}, {"username": "root"}, {"password": "x"}):
        response = call(client, "patch", url, "alice", member)
        assert response.status_code == 400, member
    alice = User.objects.get(username="alice")
    assert (alice.first_name, alice.is_superuser, alice.is_staff) == ("Ally", False, False)
    assert alice.check_password("demo")


def test_bookmarks_belong_to_whoever_creates_them(client: Any, accounts: dict[str, User]) -> None:
    address = Address.objects.get().pk
    response = call(client, "post", "/mine/bookmarks/", "alice", {"address": f"/api/address/{address}/", "note": "home"})
    assert response.status_code == 201, response.content
    bookmark = response.json()
    assert (bookmark["owner"], bookmark["address"]) == (f"/mine/accounts/{accounts['alice'].pk}/", f"/mine/address/{address}/")
    assert call(client, "get", "/mine/bookmarks/", "bob").json()["object_list"] == []
    assert call(client, "get", response["Location"], "bob").status_code == 404
    assert call(client, "delete", response["Location"], "bob").status_code == 404
    stolen = call(client, "post", "/mine/bookmarks/", "bob", {"address": address, "owner": accounts["alice"].pk})
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "owner is read-only"
    assert list(Bookmark.objects.values_list("owner__username", "note")) == [("alice", "home")]


def test_anonymous_requests_are_refused(client: Any) -> None:
    for url in ("/mine/accounts/", "/mine/bookmarks/"):
        assert client.get(url).status_code == 401
