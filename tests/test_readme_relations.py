"""The README's "Relations" section, run as written against the demo with its sample data."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import path

from django_restframework_lite.urls import include
from tests.http_support import urlconf
from tests.readme_support import python_blocks, shown_json

pytestmark = pytest.mark.django_db
TITLE = "Relations: filter, order, search and expand across foreign keys"


def test_the_controller_shown_is_the_demos(settings: Any, client: Any, tmp_path: Any) -> None:
    from addressbook.api import AddressEndPoint, RelatedUserEndPoint

    namespace: dict[str, Any] = {}
    (block,) = python_blocks(TITLE)
    exec(compile(block, "README.rst", "exec"), namespace)  # noqa: S102 - the README's own code
    assert namespace["RelatedUserEndPoint"].controller == RelatedUserEndPoint.controller
    settings.ROOT_URLCONF = urlconf(path("api/", include([AddressEndPoint, namespace["RelatedUserEndPoint"]])))
    assert client.get("/api/users/?search=x").status_code == 200


def test_the_answer_shown_is_the_demos(settings: Any, client: Any, tmp_path: Any) -> None:
    settings.ADDRESSBOOK_SQLITE_PATH = str(tmp_path / "notes.db")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_addressbook", stdout=io.StringIO())
    command = "/api/users/?address__city=Paris&expand=address&count=1"
    answer = client.get(command).json()
    from addressbook.models import Address, User

    first = User.objects.order_by("pk").first()
    expected: Any = shown_json(TITLE, command)
    # The demo's pks depend on the database's sequences: the README shows a fresh SQLite database.
    expected["object_list"][0]["ressource_uri"] = f"/api/users/{first.pk}/"  # type: ignore[union-attr]
    expected["object_list"][0]["address"]["ressource_uri"] = f"/api/address/{Address.objects.get(city='Paris').pk}/"
    assert answer == expected
