"""Helpers of the HTTP-core tests: tiny models, controllers on fresh lists, and URLconfs built per test.

Every test builds its own ``include()`` over new Python lists, so no test sees
another's data. ``mount(settings, ...)`` installs a URLconf module object as
``ROOT_URLCONF`` (pytest-django restores it after the test).
"""

from __future__ import annotations

import os
import types
from typing import Any

import pytest
from django.urls import path

from django_restframework_lite import jsonencoding, models
from django_restframework_lite.authentication import Authentication
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.urls import include


def need_orjson(why: str) -> None:
    """Return where orjson is installed; else skip the test (``why``), or fail it under ``DRFL_REQUIRE_ORJSON=1``.

    CI's legs that install the ``fast`` extra set that variable: there a missing
    orjson is a broken install, not an optional part left out.
    """
    if jsonencoding.orjson_available():
        return
    if os.environ.get("DRFL_REQUIRE_ORJSON") == "1":
        pytest.fail("DRFL_REQUIRE_ORJSON=1 but orjson is not installed: install the fast extra")
    pytest.skip(f"orjson is not installed (the fast extra){why}")


class AddressModel(models.Model):
    fields = [
        models.PkField(name="id"),
        models.StringField(name="country", required=True),
        models.StringField(name="city", required=True),
        models.StringField(name="street", required=True),
        models.IntegerField(name="number", required=True),
    ]


class UserModel(models.Model):
    fields = [
        models.PkField(name="id"),
        models.StringField(name="first_name", required=True, max_length=100),
        models.StringField(name="last_name", required=True),
        models.IntegerField(name="age", nullable=True),
        models.IntForeign(name="address", nullable=True, foreign={"table": "address", "column": "id"}),
    ]


class TagModel(models.Model):
    fields = [
        models.StringPkField(name="slug", required=True, max_length=40),
        models.StringField(name="label", default=""),
    ]


def addresses() -> list[dict[str, Any]]:
    return [
        {"id": 1, "country": "France", "city": "Paris", "street": "quais de Valmy", "number": 45},
        {"id": 2, "country": "Spain", "city": "Madrid", "street": "Gran Via", "number": 7},
    ]


def users(count: int = 3) -> list[dict[str, Any]]:
    names = [("John", "Doe"), ("Joe", "America"), ("Bob", "America"), ("Ann", "Smith"), ("Eve", "Doe")]
    rows = []
    for index in range(count):
        first, last = names[index % len(names)]
        if index >= len(names):
            first = f"{first}{index}"
        rows.append({"id": index + 1, "first_name": first, "last_name": last, "age": 20 + index, "address": None})
    return rows


def user_endpoint(data: list[dict[str, Any]] | None = None, *, list_verbs: Any = None, unique_verbs: Any = None,
                  options: dict[str, Any] | None = None, view: Any = None, ressource_options: Any = None,
                  name: str = "users") -> type[Controller]:
    """Return a fresh controller class over ``data`` (a new list of three users by default)."""
    attributes: dict[str, Any] = {
        "ressource": {
            "ressource_name": name,
            "ressource": users() if data is None else data,
            "model": UserModel,
            "datastore": PythonListDataStore,
            "options": ressource_options or {},
        },
        "controller": {
            "list_verbs": ["GET", "POST"] if list_verbs is None else list_verbs,
            "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"] if unique_verbs is None else unique_verbs,
            "options": options or {},
        },
    }
    if view is not None:
        attributes["view"] = view
    return type("UserEndPoint", (Controller,), attributes)


def address_endpoint(data: list[dict[str, Any]] | None = None, **ressource_options: Any) -> type[Controller]:
    return type(
        "AddressEndPoint",
        (Controller,),
        {
            "ressource": {
                "ressource_name": "address",
                "ressource": addresses() if data is None else data,
                "model": AddressModel,
                "datastore": PythonListDataStore,
                "options": ressource_options,
            },
            "controller": {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"]},
        },
    )


def tag_endpoint(data: list[dict[str, Any]] | None = None) -> type[Controller]:
    rows = [{"slug": "red", "label": "Red"}, {"slug": "two words", "label": "Two"}] if data is None else data
    return type(
        "TagEndPoint",
        (Controller,),
        {
            "ressource": {"ressource_name": "tags", "ressource": rows, "model": TagModel, "datastore": PythonListDataStore},
            "controller": {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "DELETE"]},
        },
    )


class HeaderUser(Authentication):
    """Anyone sending ``X-User`` is that user (a string); no header is anonymous."""

    def get_user(self, request: Any) -> Any:
        return request.headers.get("X-User")


#: A pagination object named by dotted path in the settings tests.
PAGE_OF_TWO = Pagination(2)


class RateLimit:
    """A rate limit that lets everything through (for configuration tests)."""

    def check(self, request: Any, user: Any) -> dict[str, str]:
        return {}


def urlconf(*patterns: Any) -> types.ModuleType:
    """Return a URLconf module object holding ``patterns``."""
    module = types.ModuleType("http_core_urls")
    module.urlpatterns = list(patterns)  # type: ignore[attr-defined]
    return module


def mount(settings: Any, controllers: list[type[Controller]], route: str = "api/", **include_options: Any) -> Any:
    """Mount ``include(controllers)`` at ``route`` as the root URLconf; return the built Api."""
    patterns = include(controllers, **include_options)
    settings.ROOT_URLCONF = urlconf(path(route, patterns))
    return patterns[0].api
