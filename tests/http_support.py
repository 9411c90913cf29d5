"""Helpers of the HTTP-core tests: tiny models, controllers on fresh lists, and URLconfs built per test.

Every test builds its own ``include()`` over new Python lists, so no test sees
another's data. ``mount(settings, ...)`` installs a URLconf module object as
``ROOT_URLCONF`` (pytest-django restores it after the test).
"""

from __future__ import annotations

import types
from typing import Any

from django.urls import path

from django_restframework_lite import models
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.urls import include


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


# The same ressources on each datastore -------------------------------------------------------

STORE_KINDS = ["pythonlist", "sqlite", "orm"]


class CategoryModel(models.Model):
    fields = [models.PkField(name="id"), models.StringField(name="name", required=True, max_length=50)]


class ItemModel(models.Model):
    """What DjangoModelDataStore derives from ``inventory.models.Item``."""

    fields = [
        models.PkField(name="id"),
        models.StringField(name="name", required=True, max_length=20),
        models.StringField(name="notes", nullable=True),
        models.IntegerField(name="quantity", required=True),
        models.FloatField(name="weight", nullable=True),
        models.BooleanField(name="in_stock", default=True),
        models.DateTimeField(name="added_at", nullable=True),
        models.StringField(name="size", choices=["S", "M", "L"], default="M", max_length=1),
        models.IntegerField(name="rank", min_value=0, max_value=100, default=0),
        models.IntForeign(name="category", nullable=True, foreign={"table": "category", "column": "id"}),
    ]


class PartModel(models.Model):
    fields = [
        models.StringPkField(name="code", required=True, max_length=10),
        models.IntegerField(name="stock", default=0),
        models.FloatField(name="price", nullable=True),
        models.StringField(name="label", default="", max_length=30),
    ]


def store_controllers(kind: str, tmp_path: Any, *, item_options: dict[str, Any] | None = None,
                      item_view: Any = None, item_ressource_options: dict[str, Any] | None = None) -> list[type[Controller]]:
    """Return category/item/part controllers served by one kind of datastore."""
    from django_restframework_lite.datastore import DjangoModelDataStore, SQLiteDataStore

    def ressource(name: str, model: type[models.Model], django_model: str, **options: Any) -> dict[str, Any]:
        if kind == "pythonlist":
            return {"ressource_name": name, "ressource": [], "model": model, "datastore": PythonListDataStore,
                    "options": options}
        if kind == "sqlite":
            return {"ressource_name": name, "ressource": {"name": str(tmp_path / "http.db"), "table": name},
                    "model": model, "datastore": SQLiteDataStore, "options": options}
        from inventory import models as inventory

        return {"ressource_name": name, "ressource": getattr(inventory, django_model),
                "datastore": DjangoModelDataStore, "options": options}

    verbs = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"]}
    item_attributes: dict[str, Any] = {
        "ressource": ressource("item", ItemModel, "Item", **(item_ressource_options or {})),
        "controller": {**verbs, "options": item_options or {}},
    }
    if item_view is not None:
        item_attributes["view"] = item_view
    return [
        type("CategoryEndPoint", (Controller,), {"ressource": ressource("category", CategoryModel, "Category"),
                                                 "controller": verbs}),
        type("ItemEndPoint", (Controller,), item_attributes),
        type("PartEndPoint", (Controller,), {"ressource": ressource("part", PartModel, "Part"), "controller": verbs}),
    ]


def close_stores(api: Any) -> None:
    for store in api.registry.values():
        close = getattr(store, "close", None)
        if close is not None:
            close()
