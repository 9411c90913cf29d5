"""schema/, spore/ and the switches of include(): the seed's shapes, field for field."""

from __future__ import annotations

import json
import re

import pytest
from addressbook.api import UserEndPoint
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from selfdoc_api import addressbook_urlconf, urlconf

from django_restframework_lite import models
from django_restframework_lite.authentication import ApiKeyAuthentication, Authorization
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.description import docs_context, schema_index, spore_description
from django_restframework_lite.discovery import mounted_apis
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
    assert response.json() == {"error": "POST is not allowed here; use GET, HEAD, OPTIONS."}


def test_head_on_schema_has_no_body(client, addressbook):
    response = client.head("/api/schema/")

    assert response.status_code == 200
    assert response.content == b""


# spore/ ----------------------------------------------------------------------------------


def spore_methods(name, create_params):
    unique = f"/{name}/:identifier/"
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
        "get_catalog": {"path": "/catalog/:identifier/", "method": "GET", "formats": ["json"], "required_params": ["identifier"]},
    }
    assert body["name"] == "PRAF"
    assert body["version"] == "devel"


def test_spore_uses_patch_when_put_is_not_configured(client, settings):
    class PatchOnly(BookEndPoint):
        controller = {"list_verbs": [], "unique_verbs": ["PATCH"]}

    settings.ROOT_URLCONF = urlconf(path("p/", include([PatchOnly])))

    body = client.get("/p/spore/").json()

    assert body["methods"] == {
        "update_books": {"path": "/books/:identifier/", "method": "PATCH", "formats": ["json"], "required_params": ["identifier"]},
    }


def spore_request(client, description, method_name, *, identifier=None, payload=None):
    """Call one SPORE method as a SPORE client does: base URL (less its final slash), then the path.

    Each ``:param`` of the path takes the value given for it; a payload goes as a JSON body.
    """
    method = description["methods"][method_name]
    path = method["path"]
    for param in method["required_params"]:
        if f":{param}" in path:
            path = path.replace(f":{param}", str(identifier))
    assert ":" not in path, path
    url = description["base_url"].rstrip("/") + path
    if payload is None:
        return client.generic(method["method"], url)
    return client.generic(method["method"], url, json.dumps(payload), content_type="application/json")


def test_a_spore_client_can_call_every_method_as_described(client, addressbook):
    description = client.get("/api/spore/").json()
    called = set()
    for ressource in ("address", "users", "tags", "notes"):
        schema = client.get(f"/api/schema/{ressource}/").json()
        required = description["methods"][f"create_{ressource}"]["required_params"]
        # A pk the client chooses is left out of schema/ (as in the seed): any string will do.
        payload = {name: schema[name]["example"] if name in schema else f"spore-{ressource}" for name in required}

        created = spore_request(client, description, f"create_{ressource}", payload=payload)
        assert created.status_code == 201, created.content
        identifier = created["Location"].rstrip("/").rsplit("/", 1)[-1]
        answers = {
            f"list_{ressource}": spore_request(client, description, f"list_{ressource}"),
            f"get_{ressource}": spore_request(client, description, f"get_{ressource}", identifier=identifier),
            f"update_{ressource}": spore_request(
                client, description, f"update_{ressource}", identifier=identifier, payload=payload
            ),
            f"delete_{ressource}": spore_request(client, description, f"delete_{ressource}", identifier=identifier),
        }
        assert {name: answer.status_code for name, answer in answers.items()} == {
            f"list_{ressource}": 200,
            f"get_{ressource}": 200,
            f"update_{ressource}": 200,
            f"delete_{ressource}": 204,
        }
        called.update(answers, {f"create_{ressource}"})
    assert called == set(description["methods"])


def test_spore_paths_end_with_a_slash(client, addressbook):
    methods = client.get("/api/spore/").json()["methods"]
    assert all(method["path"].endswith("/") for method in methods.values())


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

    (mounted,) = mounted_apis()

    assert mounted.prefix == "/x/"
    assert schema_index(mounted.api, mounted.prefix)["catalog"] == {
        "allowed list_verbs": ["GET"],
        "allowed unique ressource": ["GET"],
        "list_endpoint": "/x/catalog/",
        "schema_endpoint": "/x/schema/catalog/",
    }
    assert spore_description(mounted.api, "http://h/x")["base_url"] == "http://h/x"


@pytest.mark.parametrize(("name", "switch"), [("schema", "autodoc"), ("spore", "autospore"), ("docs", "docs")])
def test_a_ressource_named_like_a_description_is_refused_at_build_time(name, switch):
    class Clashing(BookEndPoint):
        ressource = {**BookEndPoint.ressource, "ressource_name": name}

    with pytest.raises(ImproperlyConfigured) as error:
        include([Clashing])

    assert str(error.value) == (
        f"Clashing: the ressource_name {name!r} is taken by the {switch} description ({name}/); "
        f"rename the ressource or pass {switch}=False to include()."
    )


def test_a_ressource_named_like_a_switched_off_description_is_served(client, settings):
    class Docs(BookEndPoint):
        ressource = {**BookEndPoint.ressource, "ressource_name": "docs"}

    settings.ROOT_URLCONF = urlconf(path("d/", include([Docs], docs=False)))

    assert client.get("/d/docs/").json() == {"meta": {"filters": {}}, "object_list": []}


# docs/ through the test client (the browser test drives the page itself) -----------------


def test_docs_page_is_html_naming_every_ressource_and_its_assets(client, addressbook):
    response = client.get("/api/docs/")
    html = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    for name in ("address", "users", "tags", "notes"):
        assert f'<section class="ressource" id="ressource-{name}" data-ressource="{name}">' in html
    assert re.search(r'<link rel="stylesheet" href="/api/docs/assets/docs\.css\?v=[0-9a-f]{12}">', html)
    assert re.search(r'<script src="/api/docs/assets/docs\.js\?v=[0-9a-f]{12}" defer></script>', html)
    assert '<a href="/api/openapi.json">OpenAPI 3.1</a>' in html


def test_docs_page_links_only_the_descriptions_switched_on(client, settings):
    settings.ROOT_URLCONF = urlconf(path("q/", include([BookEndPoint], openapi=False, autospore=False)))

    html = client.get("/q/docs/").content.decode()

    assert '<a href="/q/schema/">Schema</a>' in html
    assert "openapi.json" not in html
    assert "/q/spore/" not in html


def test_docs_assets_are_served_by_the_api(client, addressbook):
    script = client.get("/api/docs/assets/docs.js")
    style = client.get("/api/docs/assets/docs.css")

    assert script.status_code == 200
    assert script["Content-Type"] == "text/javascript; charset=utf-8"
    assert b'document.getElementById("drfl-description")' in script.content
    assert style.status_code == 200
    assert style["Content-Type"] == "text/css; charset=utf-8"


def test_docs_serves_no_other_file(client, addressbook):
    response = client.get("/api/docs/assets/__init__.py")

    assert response.status_code == 404
    assert response.json() == {"error": "The docs page has no asset named __init__.py."}


def test_docs_page_needs_no_staticfiles_app(client, settings, addressbook):
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "django.contrib.staticfiles"]

    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/docs/assets/docs.css").status_code == 200


def test_docs_page_needs_no_templates_setting(client, settings, addressbook):
    settings.TEMPLATES = []  # what Django reads from settings that have no TEMPLATES entry

    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert '<section class="ressource" id="ressource-users" data-ressource="users">' in response.content.decode()


def test_docs_page_is_taken_from_the_project_templates_first(client, settings, addressbook, tmp_path):
    (tmp_path / "django_restframework_lite").mkdir()
    (tmp_path / "django_restframework_lite" / "docs.html").write_text("Our own page for {{ name }}")
    settings.TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [str(tmp_path)]}]

    assert client.get("/api/docs/").content == b"Our own page for addressbook"


class StrictModel(models.Model):
    fields = [
        models.StringPkField(name="code", max_length=3),
        models.StringField(name="size", choices=["S", "M"], required=True),
        models.StringField(name="initial", max_length=1, required=True),
        models.IntegerField(name="year", min_value=1900, required=True),
        models.FloatField(name="ratio", max_value=0.05, required=True),
        models.IntForeign(name="parent", foreign={"table": "strict"}, nullable=True),
    ]


class StrictEndPoint(Controller):
    ressource = {"ressource_name": "strict", "ressource": [], "model": StrictModel, "datastore": PythonListDataStore}
    controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET"]}


def test_the_docs_page_example_body_is_a_valid_create(client, settings):
    settings.ROOT_URLCONF = urlconf(path("s/", include([StrictEndPoint])))
    (mounted,) = mounted_apis()
    (ressource,) = docs_context(mounted.api, mounted.prefix)["ressources"]

    response = client.post("/s/strict/", ressource["example_body"], content_type="application/json")

    assert ressource["example_body"] == {
        "code": "my-",
        "size": "S",
        "initial": "H",
        "year": 1900,
        "ratio": 0.05,
        "parent": None,
    }
    assert response.status_code == 201
