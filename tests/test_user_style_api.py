"""A project's own API tests, written as the docs' "Testing your API" page says.

The endpoint is rate limited as a real one would be (two requests per key per
hour, counted in Django's cache, one limiter shared by every test), and each test
below sends one or two requests. With the package's pytest fixture, which calls
``reset_ratelimits()`` before each test, they all pass in any order. Without it
(``pytest -p no:drfl``) the counts leak from one test into the next and a later
test gets a 429 it did not cause: ``tests/test_test.py`` runs this module both ways.
"""

from __future__ import annotations

from typing import Any

import pytest
from addressbook.models import Address
from django.urls import path

from django_restframework_lite import models
from django_restframework_lite.authentication import ApiKeyAuthentication, Authorization
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore, PythonListDataStore
from django_restframework_lite.ratelimit import CacheRateLimit
from django_restframework_lite.test import ApiClient
from django_restframework_lite.urls import include

pytestmark = pytest.mark.django_db

PARIS = {"country": "France", "city": "Paris", "street": "quai de Valmy", "number": 45}


class KeyModel(models.Model):
    fields = [models.StringPkField(name="accesskey", required=True)]


KEYS = PythonListDataStore([{"accesskey": "hackme"}], KeyModel)


class AddressEndPoint(Controller):
    ressource = {"ressource_name": "address", "ressource": Address, "datastore": DjangoModelDataStore}
    controller = {
        "list_verbs": ["GET", "POST"],
        "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],
        "options": {
            "authentication": ApiKeyAuthentication(KEYS),
            "authorization": Authorization,
            "ratelimit": CacheRateLimit(quota=2, interval=3600, cache="default"),
        },
    }


urlpatterns = [path("api/", include([AddressEndPoint], name="addresses"))]


@pytest.fixture(autouse=True)
def api_urls(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def client() -> ApiClient:
    """An ``ApiClient`` authenticated as the key ``hackme``, as the authentication would find it."""
    client = ApiClient()
    client.force_authenticate({"accesskey": "hackme"})
    return client


def test_a_post_without_content_type_creates_the_address(client: ApiClient) -> None:
    response = client.post("/api/address/", PARIS)

    assert response.status_code == 201, response.content
    assert response.json() == {**PARIS, "id": response.json()["id"], "ressource_uri": response["Location"]}


def test_the_created_address_is_listed(client: ApiClient) -> None:
    client.post("/api/address/", PARIS)

    response = client.get("/api/address/", {"city": "Paris"})

    assert response.status_code == 200, response.content
    assert [row["city"] for row in response.json()["object_list"]] == ["Paris"]


def test_patch_changes_one_field(client: ApiClient) -> None:
    location = client.post("/api/address/", PARIS)["Location"]

    response = client.patch(location, {"number": 46})

    assert response.status_code == 200, response.content
    assert response.json()["number"] == 46


def test_put_changes_the_given_fields(client: ApiClient) -> None:
    location = client.post("/api/address/", PARIS)["Location"]

    response = client.put(location, {"street": "rue de Rivoli", "number": 1})

    assert response.status_code == 200, response.content
    assert (response.json()["street"], response.json()["number"]) == ("rue de Rivoli", 1)


def test_delete_removes_the_address(client: ApiClient) -> None:
    location = client.post("/api/address/", PARIS)["Location"]

    response = client.delete(location)

    assert response.status_code == 204, response.content
    assert not Address.objects.exists()


def test_without_the_forced_identity_the_api_asks_for_a_key(client: ApiClient) -> None:
    client.force_authenticate(None)

    response = client.get("/api/address/")

    assert response.status_code == 401
