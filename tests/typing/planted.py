"""A user's module with planted mistakes: ``tests/test_typing.py`` checks that mypy reports each, and nothing else.

Each mistake carries ``# expect: <mypy error code>`` on its line; every other
line is how the documentation writes an API, and must type-check under
``mypy --strict``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.urls import path

from django_restframework_lite import models
from django_restframework_lite.authentication import ApiKeyAuthentication, Authorization
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore, PythonListDataStore
from django_restframework_lite.formaters import hides
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.ratelimit import CacheRateLimit
from django_restframework_lite.test import ApiClient
from django_restframework_lite.urls import include


class KeyModel(models.Model):
    fields = [models.StringField(name="key", required=True), models.PkField(name="id")]


keys = PythonListDataStore([{"key": "s3cret", "id": 1}], KeyModel)


def shout(view: Any, obj: dict[str, Any]) -> dict[str, Any]:
    return {**obj, "username": str(obj.get("username", "")).upper()}


class AccountEndPoint(Controller):
    ressource = {
        "ressource_name": "accounts",
        "ressource": User,
        "datastore": DjangoModelDataStore,
        "options": {"exclude": ["password"], "read_only": ["is_superuser"]},
    }
    controller = {
        "list_verbs": ["GET"],
        "unique_verbs": ["GET", "PATCH"],
        "options": {
            "pagination": Pagination(20),
            "authentication": ApiKeyAuthentication(keys, identifier="apikey"),
            "authorization": Authorization,
            "ratelimit": CacheRateLimit(quota=100, interval=60),
            "filter_fields": {"username": ["exact", "startswith"]},
            "order_fields": ["username"],
            "search_fields": ["username", "email"],
        },
    }
    view = {"options": {"formaters": [shout, hides("email")]}}


class MisspelledRessource(Controller):
    ressource = {"ressource_nam": "users", "ressource": User, "datastore": DjangoModelDataStore}  # expect: typeddict-unknown-key, typeddict-item


class MisspelledOption(Controller):
    ressource = {"ressource_name": "users", "ressource": User, "datastore": DjangoModelDataStore}
    controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"], "options": {"paginaton": Pagination(20)}}  # expect: typeddict-unknown-key


class WrongVerbs(Controller):
    ressource = {"ressource_name": "users", "ressource": User, "datastore": DjangoModelDataStore}
    controller = {"list_verbs": ["GET"], "unique_verbs": [1]}  # expect: list-item


class MisspelledDatastoreOption(Controller):
    ressource = {
        "ressource_name": "users",
        "ressource": User,
        "datastore": DjangoModelDataStore,
        "options": {"exlude": ["password"]},  # expect: typeddict-unknown-key
    }


def use_the_client() -> None:
    client = ApiClient()
    client.force_authenticate({"id": 1})
    client.post("/api/accounts/", {"username": "ann"})
    client.force_authenticate()  # expect: call-arg


urlpatterns = [path("api/", include([AccountEndPoint]))]
