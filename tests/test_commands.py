"""manage.py drfl_openapi and drfl_endpoints."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import path
from openapi_spec_validator import validate
from selfdoc_api import addressbook_urlconf, urlconf

from django_restframework_lite import models
from django_restframework_lite.authentication import BasicAuthentication
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.ratelimit import CacheRateLimit
from django_restframework_lite.urls import include

pytestmark = pytest.mark.django_db


class PetModel(models.Model):
    fields = [models.PkField(name="id"), models.StringField(name="name", required=True)]


class PetEndPoint(Controller):
    ressource = {"ressource_name": "pets", "ressource": [], "model": PetModel, "datastore": PythonListDataStore}
    controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "DELETE"]}


class GuardedPetEndPoint(PetEndPoint):
    ressource = {**PetEndPoint.ressource, "ressource_name": "guarded"}
    controller = {
        "list_verbs": ["GET"],
        "unique_verbs": [],
        "options": {"authentication": BasicAuthentication(), "ratelimit": CacheRateLimit(quota=10, interval=60)},
    }


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_apis(settings):
    settings.ROOT_URLCONF = urlconf(
        path("pets/", include([PetEndPoint], name="pets", namespace="pets")),
        path("v2/pets/", include([PetEndPoint, GuardedPetEndPoint], name="pets2", version="2", openapi=False)),
    )


# drfl_openapi ----------------------------------------------------------------------------


def test_openapi_command_writes_the_served_document(client, settings, tmp_path):
    settings.ROOT_URLCONF = addressbook_urlconf(tmp_path)

    document = json.loads(run("drfl_openapi"))

    validate(document)
    assert document == client.get("/api/openapi.json").json()


def test_openapi_command_writes_a_file(settings, tmp_path):
    settings.ROOT_URLCONF = urlconf(path("pets/", include([PetEndPoint], name="pets")))
    target = tmp_path / "openapi.json"

    printed = run("drfl_openapi", "--output", str(target), "--verbosity", "0")

    assert printed == ""
    document = json.loads(target.read_text(encoding="utf-8"))
    validate(document)
    assert (document["info"]["title"], document["info"]["version"]) == ("pets", "devel")
    assert document["servers"] == [{"url": "/pets"}]


def test_openapi_command_asks_which_api_when_several_are_mounted(two_apis):
    with pytest.raises(CommandError) as error:
        run("drfl_openapi")

    assert str(error.value) == (
        "Several APIs are mounted (/pets/ (namespace pets), /v2/pets/): choose one with --namespace or --prefix."
    )


def test_openapi_command_chooses_by_namespace_or_prefix(two_apis):
    by_namespace = json.loads(run("drfl_openapi", "--namespace", "pets"))
    # The document is written even where the include() does not serve it (openapi=False).
    by_prefix = json.loads(run("drfl_openapi", "--prefix", "/v2/pets/"))

    assert by_namespace["info"]["title"] == "pets"
    assert set(by_namespace["paths"]) == {"/", "/pets/", "/pets/{identifier}/"}
    assert (by_prefix["info"]["title"], by_prefix["info"]["version"]) == ("pets2", "2")
    assert set(by_prefix["paths"]) == {"/", "/pets/", "/pets/{identifier}/", "/guarded/"}


def test_openapi_command_names_the_mounted_apis_when_none_matches(two_apis):
    with pytest.raises(CommandError) as error:
        run("drfl_openapi", "--namespace", "nope")

    assert str(error.value) == "No mounted API matches; the mounted ones are: /pets/ (namespace pets), /v2/pets/."


def test_commands_fail_clearly_without_any_api(settings):
    settings.ROOT_URLCONF = urlconf()

    with pytest.raises(CommandError) as error:
        run("drfl_endpoints")

    assert str(error.value) == "No django-restframework-lite include() is mounted in the URLconf."


# drfl_endpoints --------------------------------------------------------------------------


def test_endpoints_command_prints_a_table(two_apis):
    assert run("drfl_endpoints").splitlines() == [
        "PATH                         NAME              VERBS        DATASTORE            AUTHENTICATION       RATELIMIT",
        "/pets/pets/                  pets:pets-list    GET, POST    PythonListDataStore  -                    -",
        "/pets/pets/<identifier>/     pets:pets-detail  GET, DELETE  PythonListDataStore  -                    -",
        "/v2/pets/pets/               pets-list         GET, POST    PythonListDataStore  -                    -",
        "/v2/pets/pets/<identifier>/  pets-detail       GET, DELETE  PythonListDataStore  -                    -",
        "/v2/pets/guarded/            guarded-list      GET          PythonListDataStore  BasicAuthentication  "
        "CacheRateLimit(quota=10, interval=60)",
    ]


def test_endpoints_command_prints_json(two_apis):
    rows = json.loads(run("drfl_endpoints", "--json"))

    plain = {"ressource": "pets", "datastore": "PythonListDataStore", "authentication": None, "ratelimit": None}
    assert rows == [
        {"path": "/pets/pets/", "name": "pets:pets-list", "verbs": ["GET", "POST"], **plain},
        {"path": "/pets/pets/<identifier>/", "name": "pets:pets-detail", "verbs": ["GET", "DELETE"], **plain},
        {"path": "/v2/pets/pets/", "name": "pets-list", "verbs": ["GET", "POST"], **plain},
        {"path": "/v2/pets/pets/<identifier>/", "name": "pets-detail", "verbs": ["GET", "DELETE"], **plain},
        {
            "path": "/v2/pets/guarded/",
            "name": "guarded-list",
            "verbs": ["GET"],
            "ressource": "guarded",
            "datastore": "PythonListDataStore",
            "authentication": "BasicAuthentication",
            "ratelimit": "CacheRateLimit(quota=10, interval=60)",
        },
    ]


def test_endpoints_command_filters_by_namespace(two_apis):
    rows = json.loads(run("drfl_endpoints", "--json", "--namespace", "pets"))

    assert [row["path"] for row in rows] == ["/pets/pets/", "/pets/pets/<identifier>/"]


def test_endpoints_command_lists_the_address_book(settings, tmp_path):
    settings.ROOT_URLCONF = addressbook_urlconf(tmp_path)

    rows = json.loads(run("drfl_endpoints", "--json"))

    assert [(row["path"], row["name"], row["datastore"]) for row in rows] == [
        ("/api/address/", "addressbook:address-list", "DjangoModelDataStore"),
        ("/api/address/<identifier>/", "addressbook:address-detail", "DjangoModelDataStore"),
        ("/api/users/", "addressbook:users-list", "DjangoModelDataStore"),
        ("/api/users/<identifier>/", "addressbook:users-detail", "DjangoModelDataStore"),
        ("/api/tags/", "addressbook:tags-list", "PythonListDataStore"),
        ("/api/tags/<identifier>/", "addressbook:tags-detail", "PythonListDataStore"),
        ("/api/notes/", "addressbook:notes-list", "SQLiteDataStore"),
        ("/api/notes/<identifier>/", "addressbook:notes-detail", "SQLiteDataStore"),
    ]
