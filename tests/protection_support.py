"""Helpers of the protection tests (authentication, rate limits, conditional requests).

Each of those tests serves the same two addresses, Paris and Madrid, from one of
the three datastores (a Python list, a SQLite file, the ORM's ``addressbook.Address``)
through an endpoint mounted at ``/api/`` for that test only.
"""

from __future__ import annotations

from typing import Any

import pytest

from django_restframework_lite import models
from django_restframework_lite.authentication import ApiKeyAuthentication
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore, PythonListDataStore, SQLiteDataStore
from tests import http_support

PARIS = {"country": "France", "city": "Paris", "street": "quais de Valmy", "number": 45}
MADRID = {"country": "Spain", "city": "Madrid", "street": "Gran Via", "number": 7}


class AddressModel(models.Model):
    """The fields of ``addressbook.Address``, for the list and SQLite stores."""

    fields = [
        models.PkField(name="id"),
        models.StringField(name="country", required=True, max_length=100),
        models.StringField(name="city", required=True, max_length=100),
        models.StringField(name="street", required=True, max_length=200),
        models.IntegerField(name="number", required=True),
    ]


class KeyModel(models.Model):
    fields = [models.StringPkField(name="accesskey", required=True)]


def address_ressource(kind: str, tmp_path: Any, request: pytest.FixtureRequest | None = None) -> dict[str, Any]:
    """Return the ``ressource`` dict of an address endpoint on ``kind``, holding Paris and Madrid.

    For ``orm`` the test database comes from ``request``; without one, the test must
    already have it (``django_db`` marker).
    """
    if kind == "pythonlist":
        rows = [{"id": 1, **PARIS}, {"id": 2, **MADRID}]
        return {"ressource_name": "address", "ressource": rows, "model": AddressModel, "datastore": PythonListDataStore}
    if kind == "sqlite":
        config = {"name": str(tmp_path / "addresses.db"), "table": "address"}
        store = SQLiteDataStore(config, AddressModel)
        store.create(PARIS)
        store.create(MADRID)
        store.close()
        return {"ressource_name": "address", "ressource": config, "model": AddressModel, "datastore": SQLiteDataStore}
    if request is not None:
        request.getfixturevalue("db")
    from addressbook.models import Address

    Address.objects.create(**PARIS)
    Address.objects.create(**MADRID)
    return {"ressource_name": "address", "ressource": Address, "datastore": DjangoModelDataStore}


def endpoint(ressource: dict[str, Any], view: dict[str, Any] | None = None, **options: Any) -> type[Controller]:
    """Return a controller class over ``ressource`` with the controller ``options`` (and ``view``, if given)."""
    attributes: dict[str, Any] = {
        "ressource": ressource,
        "controller": {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],
                       "options": options},
    }
    if view is not None:
        attributes["view"] = view
    return type("AddressEndPoint", (Controller,), attributes)


def mount(settings: Any, *controllers: type[Controller]) -> Any:
    """Mount ``include(controllers)`` at /api/ as the root URLconf; return the built Api."""
    return http_support.mount(settings, list(controllers))


def keys_authentication() -> ApiKeyAuthentication:
    """Return an API-key authentication that accepts the keys ``hackme`` and ``nopassword``."""
    keys = PythonListDataStore([{"accesskey": "hackme"}, {"accesskey": "nopassword"}], KeyModel)
    return ApiKeyAuthentication(keys, identifier="accesskey")
