"""openapi.json's component names and its HEAD and OPTIONS operations, on purpose-built APIs."""

from __future__ import annotations

import pytest
from django.urls import path
from selfdoc_api import urlconf
from test_openapi import ShelfEndPoint, fetch_document, schema_validator, shelf_document

from django_restframework_lite.urls import include

pytestmark = pytest.mark.django_db


def test_schema_names_of_similar_ressources_never_clash(client, settings):
    class User(ShelfEndPoint):
        ressource = {**ShelfEndPoint.ressource, "ressource_name": "user"}

    class UserList(ShelfEndPoint):
        ressource = {**ShelfEndPoint.ressource, "ressource_name": "user_list"}

    settings.ROOT_URLCONF = urlconf(path("n/", include([User, UserList])))
    document = fetch_document(client, "/n/openapi.json")
    schemas = document["components"]["schemas"]

    # Both serve ShelfModel: the first is Shelf, the second falls back to its ressource name.
    assert sorted(schemas) == [
        "Error", "Shelf", "ShelfCreate", "ShelfList", "ShelfPartial", "UserList", "UserListCreate", "UserListList",
        "UserListPartial",
    ]
    assert document["paths"]["/user_list/"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/UserListCreate"
    }


def test_head_and_options_listed_in_the_verbs_are_documented_and_answer(client, settings):
    class Explicit(ShelfEndPoint):
        ressource = {**ShelfEndPoint.ressource, "ressource": [{"id": 1, "title": "Candide", "genre": None, "year": 1759,
                                                               "price": None, "lent": False, "added_at": None}]}
        controller = {"list_verbs": ["GET", "HEAD", "OPTIONS"], "unique_verbs": ["OPTIONS"]}

    document = shelf_document(client, settings, Explicit)
    head = client.head("/lib/shelf/")
    options = client.options("/lib/shelf/1/")

    assert set(document["paths"]["/shelf/"]) == {"get", "head", "options"}
    assert set(document["paths"]["/shelf/{identifier}/"]) == {"parameters", "options"}
    assert "content" not in document["paths"]["/shelf/"]["head"]["responses"]["200"]
    assert head.status_code == 200
    assert head.content == b""
    documented = document["paths"]["/shelf/{identifier}/"]["options"]["responses"]["200"]
    assert options.status_code == 200
    # OPTIONS on an object that does not exist is its GET's 404, as documented.
    assert client.options("/lib/shelf/2/").status_code == 404
    assert "404" in document["paths"]["/shelf/{identifier}/"]["options"]["responses"]
    assert list(schema_validator(document, documented["content"]["application/json"]["schema"]).iter_errors(options.json())) == []
