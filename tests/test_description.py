"""schema/, spore/ and the switches of include(): the seed's shapes, field for field."""

from __future__ import annotations

import pytest
from addressbook.api import UserEndPoint
from django.urls import path
from selfdoc_api import addressbook_urlconf, urlconf

from django_restframework_lite import models
from django_restframework_lite.authentication import ApiKeyAuthentication, Authorization
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.description import schema_index, spore_description
from django_restframework_lite.urls import include

pytestmark = pytest.mark.django_db

EVERY_VERB = {
    "allowed list_verbs": ["GET", "POST"],
    "allowed unique ressource": ["GET", "PUT", "PATCH", "DELETE"],
}
STRING = {"type": "string", "example": "Hello World", "required": "true"}
OPTIONAL_STRING = {"type": "string", "example": "Hello World", "required": "false"}


@pytest.fixture
def addressbook(settings, tmp_path):
    settings.ROOT_URLCONF = addressbook_urlconf(tmp_path)


class BookModel(models.Model):
    fields = [
        models.PkField(name="id"),
        models.StringField(name="title", required=True, max_length=80),
        models.IntegerField(name="year", min_value=0),
    ]


class BookEndPoint(Controller):
    ressource = {"ressource_name": "books", "ressource": [], "model": BookModel, "datastore": PythonListDataStore}
    controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "DELETE"]}


class CatalogEndPoint(Controller):
    """Read-only: only GET on both endpoints."""

    ressource = {"ressource_name": "catalog", "ressource": [], "model": BookModel, "datastore": PythonListDataStore}
    controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"]}


KEYS = [{"key": "secret", "owner": "ann"}]


class KeyModel(models.Model):
    fields = [models.StringPkField(name="key"), models.StringField(name="owner", required=True)]


class ProtectedBookEndPoint(BookEndPoint):
    controller = {
        "list_verbs": ["GET", "POST"],
        "unique_verbs": ["GET", "PUT", "DELETE"],
        "options": {
            "authentication": ApiKeyAuthentication(PythonListDataStore(KEYS, KeyModel), identifier="key"),
            "authorization": Authorization,
        },
    }


# schema/ ---------------------------------------------------------------------------------


def test_schema_lists_every_ressource_in_the_seed_shape(client, addressbook):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        name: {**EVERY_VERB, "list_endpoint": f"/api/{name}/", "schema_endpoint": f"/api/schema/{name}/"}
        for name in ("address", "users", "tags", "notes")
    }


def test_schema_of_orm_derived_users_matches_the_seed(client, addressbook):
    response = client.get("/api/schema/users/")

    assert response.status_code == 200
    assert response.json() == {
        "first_name": STRING,
        "last_name": STRING,
        "address": {"type": "integer", "example": 1, "required": "false"},
    }


def test_schema_of_orm_derived_address_leaves_the_pk_out(client, addressbook):
    response = client.get("/api/schema/address/")

    assert response.json() == {
        "country": STRING,
        "city": STRING,
        "street": STRING,
        "number": {"type": "integer", "example": 0, "required": "true"},
    }


def test_schema_of_explicit_models(client, addressbook):
    notes = client.get("/api/schema/notes/")
    tags = client.get("/api/schema/tags/")

    assert notes.json() == {
        "title": STRING,
        "body": OPTIONAL_STRING,
        "priority": {"type": "integer", "example": 0, "required": "false"},
    }
    # The string pk "name" is left out too.
    assert tags.json() == {"description": OPTIONAL_STRING}


def test_schema_of_an_unknown_ressource_is_a_json_404(client, addressbook):
    response = client.get("/api/schema/nobody/")

    assert response.status_code == 404
    assert response.json() == {"error": "There is no ressource named nobody in this API."}


def test_schema_refuses_writes_with_405_and_allow(client, addressbook):
    response = client.post("/api/schema/", {}, content_type="application/json")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json() == {"error": "Method POST is not allowed here."}


def test_head_on_schema_has_no_body(client, addressbook):
    response = client.head("/api/schema/")

    assert response.status_code == 200
    assert response.content == b""


# spore/ ----------------------------------------------------------------------------------


def spore_methods(name, create_params):
    unique = f"/{name}/:identifier"
    return {
        f"list_{name}": {"path": f"/{name}/", "method": "GET", "formats": ["json"], "required_params": []},
        f"create_{name}": {"path": f"/{name}/", "method": "POST", "formats": ["json"], "required_params": create_params},
        f"get_{name}": {"path": unique, "method": "GET", "formats": ["json"], "required_params": ["identifier"]},
        f"update_{name}": {"path": unique, "method": "PUT", "formats": ["json"], "required_params": ["identifier"]},
        f"delete_{name}": {"path": unique, "method": "DELETE", "formats": ["json"], "required_params": ["identifier"]},
    }


def test_spore_describes_the_address_book(client, addressbook):
    response = client.get("/api/spore/")

    assert response.status_code == 200
    assert response.json() == {
        "name": "addressbook",
        "base_url": "/api/",
        "version": "1.0",
        "expected_status": [200],
        "methods": {
            **spore_methods("address", ["country", "city", "street", "number"]),
            **spore_methods("users", ["first_name", "last_name"]),
            **spore_methods("tags", ["name"]),
            **spore_methods("notes", ["title"]),
        },
    }


def test_spore_base_url_comes_from_include(client, settings):
    api = include([BookEndPoint], name="books", version="2", base_url="https://books.example.com/v2")
    settings.ROOT_URLCONF = urlconf(path("v2/", api))

    body = client.get("/v2/spore/").json()

    assert body["base_url"] == "https://books.example.com/v2"
    assert body["name"] == "books"
    assert body["version"] == "2"


def test_spore_of_a_read_only_ressource_has_no_write_method(client, settings):
    settings.ROOT_URLCONF = urlconf(path("ro/", include([CatalogEndPoint])))

    body = client.get("/ro/spore/").json()

    assert body["methods"] == {
        "list_catalog": {"path": "/catalog/", "method": "GET", "formats": ["json"], "required_params": []},
        "get_catalog": {"path": "/catalog/:identifier", "method": "GET", "formats": ["json"], "required_params": ["identifier"]},
    }
    assert body["name"] == "PRAF"
    assert body["version"] == "devel"


def test_spore_uses_patch_when_put_is_not_configured(client, settings):
    class PatchOnly(BookEndPoint):
        controller = {"list_verbs": [], "unique_verbs": ["PATCH"]}

    settings.ROOT_URLCONF = urlconf(path("p/", include([PatchOnly])))

    body = client.get("/p/spore/").json()

    assert body["methods"] == {
        "update_books": {"path": "/books/:identifier", "method": "PATCH", "formats": ["json"], "required_params": ["identifier"]},
    }


# Switches, scope and authentication -------------------------------------------------------

DESCRIPTION_PATHS = ["schema/", "schema/books/", "spore/", "openapi.json", "docs/", "docs/assets/docs.js"]


def test_every_description_answers_when_switched_on(client, settings):
    settings.ROOT_URLCONF = urlconf(path("on/", include([BookEndPoint])))

    statuses = {url: client.get(f"/on/{url}").status_code for url in DESCRIPTION_PATHS}

    assert statuses == dict.fromkeys(DESCRIPTION_PATHS, 200)


@pytest.mark.parametrize(
    ("switch", "paths"),
    [
        ("autodoc", ["schema/", "schema/books/"]),
        ("autospore", ["spore/"]),
        ("openapi", ["openapi.json"]),
        ("docs", ["docs/", "docs/assets/docs.js", "docs/assets/docs.css"]),
    ],
)
def test_a_switch_turned_off_gives_a_json_404(client, settings, switch, paths):
    settings.ROOT_URLCONF = urlconf(path("off/", include([BookEndPoint], **{switch: False})))

    for url in paths:
        response = client.get(f"/off/{url}")
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json", url
        assert response.json() == {"error": f"Nothing at /off/{url}."}, url
    others = [url for url in DESCRIPTION_PATHS if url not in paths]
    assert {url: client.get(f"/off/{url}").status_code for url in others} == dict.fromkeys(others, 200)


def test_descriptions_need_no_authentication_on_a_protected_api(client, settings):
    settings.ROOT_URLCONF = urlconf(path("private/", include([ProtectedBookEndPoint], name="private")))

    refused = client.get("/private/books/")
    statuses = {url: client.get(f"/private/{url}").status_code for url in DESCRIPTION_PATHS}

    assert refused.status_code == 401
    assert client.get("/private/books/?key=secret").status_code == 200
    assert statuses == dict.fromkeys(DESCRIPTION_PATHS, 200)
    assert client.get("/private/schema/").json() == {
        "books": {
            "allowed list_verbs": ["GET", "POST"],
            "allowed unique ressource": ["GET", "PUT", "DELETE"],
            "list_endpoint": "/private/books/",
            "schema_endpoint": "/private/schema/books/",
        }
    }


def test_each_include_describes_only_its_own_controllers(client, settings):
    settings.ROOT_URLCONF = urlconf(
        path("books/", include([BookEndPoint], name="books", namespace="books")),
        path("people/", include([UserEndPoint], name="people", namespace="people")),
    )

    books = client.get("/books/schema/").json()
    people = client.get("/people/spore/").json()

    assert list(books) == ["books"]
    assert books["books"]["list_endpoint"] == "/books/books/"
    assert sorted(people["methods"]) == ["create_users", "delete_users", "get_users", "list_users", "update_users"]
    assert people["base_url"] == "/people/"


def test_builders_work_without_a_request(settings, tmp_path):
    """The commands call the pure builders with a prefix they found in the URLconf."""
    settings.ROOT_URLCONF = urlconf(path("x/", include([BookEndPoint, CatalogEndPoint], name="x", version="3")))
    from django_restframework_lite.discovery import mounted_apis

    (mounted,) = mounted_apis()

    assert mounted.prefix == "/x/"
    assert schema_index(mounted.api, mounted.prefix)["catalog"] == {
        "allowed list_verbs": ["GET"],
        "allowed unique ressource": ["GET"],
        "list_endpoint": "/x/catalog/",
        "schema_endpoint": "/x/schema/catalog/",
    }
    assert spore_description(mounted.api, "http://h/x")["base_url"] == "http://h/x"
