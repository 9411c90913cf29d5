"""The README's "Who may see and change what" section, run as written.

Its Python blocks are executed in order in one namespace, then every answer it
shows is checked through HTTP against the controllers those blocks define.
"""

from __future__ import annotations

import base64
import json
import sys
import types
from typing import Any

import pytest
from addressbook.models import Address, Bookmark
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.urls import path

from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.urls import include
from tests.http_support import UserModel, urlconf
from tests.readme_support import README, python_blocks

pytestmark = pytest.mark.django_db

SECTION = "Who may see and change what"


def section_blocks() -> list[str]:
    """Return the ``.. code-block:: python`` blocks of the section, dedented."""
    return python_blocks(SECTION)


@pytest.fixture
def readme(settings: Any) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    for block in section_blocks()[:-1]:  # the last one is the settings example
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - the README's own code
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    patterns = include([namespace["AccountEndPoint"], namespace["MemberEndPoint"], namespace["BookmarkEndPoint"]])
    settings.ROOT_URLCONF = urlconf(path("api/", patterns))
    return namespace


def body(response: Any) -> Any:
    return json.loads(response.content)


def test_the_section_has_its_four_examples() -> None:
    assert len(section_blocks()) == 4


def test_the_password_cannot_be_filtered(client: Any, readme: dict[str, Any]) -> None:
    User.objects.create_user("alice", password="demo")
    response = client.get("/api/accounts/?password__startswith=pbkdf2")
    assert response.status_code == 400
    assert body(response) == {"error": "Cannot filter on password: it is not a field of this ressource.",
                              "fields": {"password__startswith": "Unknown field."}}
    assert all("password" not in account for account in body(client.get("/api/accounts/"))["object_list"])


def test_is_superuser_is_read_only(client: Any, readme: dict[str, Any]) -> None:
    alice = User.objects.create_user("alice", password="demo")
    response = client.patch(f"/api/accounts/{alice.pk}/", '{"is_superuser": true}', content_type="application/json")
    assert response.status_code == 400
    assert body(response) == {"error": "is_superuser is read-only",
                              "fields": {"is_superuser": "This field is read-only: send it unchanged or not at all."}}


def test_members_hide_the_email_and_allow_only_their_filters(client: Any, readme: dict[str, Any]) -> None:
    User.objects.create_user("alice", "alice@example.com", password="demo")
    assert "email" not in body(client.get("/api/members/"))["object_list"][0]
    assert body(client.get("/api/members/?username__startswith=al&order_by=-date_joined"))["object_list"]
    response = client.get("/api/members/?first_name=Alice")
    assert response.status_code == 400
    assert body(response)["error"] == "Cannot filter on first_name: filtering on it is not allowed."
    for query in ("email=alice@example.com", "order_by=email", "order_by=first_name"):
        assert client.get(f"/api/members/?{query}").status_code == 400


def login(user: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:demo".encode()).decode()}


def test_bookmarks_are_their_owners(client: Any, readme: dict[str, Any]) -> None:
    for name in ("alice", "bob"):
        User.objects.create_user(name, password="demo")
    address = Address.objects.create(country="France", city="Paris", street="quai de Valmy", number=45)
    response = client.post("/api/bookmarks/", json.dumps({"address": address.pk, "note": "home"}),
                           content_type="application/json", headers=login("alice"))
    assert response.status_code == 201
    assert client.get(response["Location"], headers=login("bob")).status_code == 404
    archived = Bookmark.objects.create(owner=User.objects.get(username="alice"), address=address, note="archived 2020")
    response = client.delete(f"/api/bookmarks/{archived.pk}/", headers=login("alice"))
    assert (response.status_code, body(response)) == (403, {"error": "Archived bookmarks are read in the archive."})
    assert Bookmark.objects.count() == 2


def test_the_e007_line_reads_as_shown() -> None:
    shown = next(line.strip() for line in README.read_text(encoding="utf-8").splitlines()
                 if "unknown key 'authentification'" in line)
    book = type("BookEndPoint", (Controller,), {
        "__module__": "books.api",
        "ressource": {"ressource_name": "books", "ressource": [], "model": UserModel, "datastore": PythonListDataStore},
        "controller": {"list_verbs": ["GET"], "unique_verbs": ["GET"], "options": {"authentification": object()}},
    })
    with pytest.raises(ImproperlyConfigured) as caught:
        include([book])
    assert str(caught.value) == shown


def test_the_settings_example_configures_every_controller(settings: Any, client: Any, monkeypatch: Any) -> None:
    project = types.ModuleType("myproject.api")
    project.PAGINATION = Pagination(5)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "myproject", types.ModuleType("myproject"))
    monkeypatch.setitem(sys.modules, "myproject.api", project)
    namespace: dict[str, Any] = {}
    exec(compile(section_blocks()[-1], str(README), "exec"), namespace)  # noqa: S102 - the README's own code
    settings.DJANGO_RESTFRAMEWORK_LITE = namespace["DJANGO_RESTFRAMEWORK_LITE"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user("alice", password="demo")
    endpoint = type("People", (Controller,), {
        "ressource": {"ressource_name": "people", "ressource": [{"id": 1, "first_name": "A", "last_name": "B"}],
                      "model": UserModel, "datastore": PythonListDataStore},
        "controller": {"list_verbs": ["GET"], "unique_verbs": ["GET"]},
    })
    settings.ROOT_URLCONF = urlconf(path("api/", include([endpoint])))
    assert client.get("/api/people/").status_code == 401
    answer = body(client.get("/api/people/", headers=login("alice")))
    assert answer["meta"]["count"] == 5
    assert answer["object_list"] == [{"first_name": "A", "last_name": "B", "ressource_uri": "/api/people/1/"}]
