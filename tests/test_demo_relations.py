"""The demo's ``/api/users/`` across the foreign key to their address (README "Relations")."""

from __future__ import annotations

from typing import Any

import pytest
from addressbook.models import Address, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(settings: Any, tmp_path: Any) -> dict[str, Address]:
    settings.ADDRESSBOOK_SQLITE_PATH = str(tmp_path / "notes.db")
    paris = Address.objects.create(country="France", city="Paris", street="quai de Valmy", number=45)
    brussels = Address.objects.create(country="Belgium", city="Brussels", street="rue Neuve", number=3)
    User.objects.create(first_name="John", last_name="Doe", address=paris)
    User.objects.create(first_name="Mary", last_name="Martin", address=brussels)
    User.objects.create(first_name="Nick", last_name="Fury")
    return {"paris": paris, "brussels": brussels}


def first_names(client: Any, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [user["first_name"] for user in response.json()["object_list"]]


def test_users_by_the_city_of_their_address(client: Any, town: dict[str, Address]) -> None:
    assert first_names(client, "/api/users/?address__city=Paris") == ["John"]
    assert first_names(client, "/api/users/?address__city__icontains=brus") == ["Mary"]
    assert first_names(client, "/api/users/?order_by=-address__city") == ["John", "Mary", "Nick"]
    assert first_names(client, "/api/users/?search=mar") == ["Mary"]


def test_users_with_their_address_embedded(client: Any, town: dict[str, Address]) -> None:
    john = client.get("/api/users/?expand=address&first_name=John").json()["object_list"][0]
    assert john["address"] == client.get(f"/api/address/{town['paris'].pk}/").json()
    assert "ressource_uri" in john["address"] and "id" not in john["address"]


def test_the_users_of_one_address(client: Any, town: dict[str, Address]) -> None:
    assert first_names(client, f"/api/address/{town['brussels'].pk}/users/") == ["Mary"]
    assert client.get("/api/address/0/users/").status_code == 404
