"""How each pagination describes itself: OpenAPI parameters and meta schemas that the answers match, and the docs page."""

from __future__ import annotations

import pytest
from django.urls import path
from jsonschema.validators import Draft202012Validator
from openapi_spec_validator import validate
from selfdoc_api import urlconf

from django_restframework_lite.pagination import CursorPagination, Pagination
from django_restframework_lite.urls import include
from tests.http_support import user_endpoint, users

pytestmark = pytest.mark.django_db


def document_and_answers(client, settings, pagination, *queries):
    """Return the OpenAPI document of a users endpoint paged by ``pagination``, and its answers to ``queries``."""
    endpoint = user_endpoint(users(7), options={"pagination": pagination})
    settings.ROOT_URLCONF = urlconf(path("api/", include([endpoint], name="people", hello=False)))
    document = client.get("/api/openapi.json").json()
    validate(document)
    return document, [client.get(f"/api/users/{query}").json() for query in queries]


def check_answers(document, answers):
    schema = {"$ref": "#/components/schemas/UserList", "components": document["components"]}
    for answer in answers:
        assert list(Draft202012Validator(schema).iter_errors(answer)) == [], answer


def test_openapi_documents_the_cursor_parameter_and_meta(client, settings):
    document, answers = document_and_answers(client, settings, CursorPagination(3, cursor_key="after"), "", "?count=2")
    parameters = {p["name"]: p for p in document["paths"]["/users/"]["get"]["parameters"]}
    assert list(parameters)[:2] == ["after", "count"]
    assert parameters["after"]["schema"] == {"type": "string"}
    assert "leave it out for the first page" in parameters["after"]["description"]
    assert "offset" not in parameters
    meta = document["components"]["schemas"]["UserList"]["properties"]["meta"]
    assert meta["required"] == ["count", "next", "previous", "filters"]
    answers.append(client.get(answers[0]["meta"]["next"]).json())
    check_answers(document, answers)


@pytest.mark.parametrize(("total", "required"), [
    ("exact", ["offset", "count", "total_count", "next", "previous", "filters"]),
    ("none", ["offset", "count", "next", "previous", "filters"]),
    ("estimated", ["offset", "count", "total_count", "next", "previous", "filters"]),
])
def test_openapi_documents_the_meta_of_each_total(client, settings, total, required):
    document, answers = document_and_answers(client, settings, Pagination(3, total=total), "", "?offset=3", "?offset=6")
    meta = document["components"]["schemas"]["UserList"]["properties"]["meta"]
    assert meta["required"] == required
    assert ("total_count_estimated" in meta["properties"]) is (total == "estimated")
    check_answers(document, answers)


@pytest.mark.parametrize(("pagination", "shown"), [
    (Pagination(5), "Pagination: <code>offset</code>, <code>count</code> (at most 5)"),
    (Pagination(5, total="none"), "Pagination: <code>offset</code>, <code>count</code> (at most 5; no total count)"),
    (Pagination(5, total="estimated"), "(at most 5; estimated total count)"),
    (CursorPagination(5), "Pagination: <code>cursor</code>, <code>count</code> (at most 5)"),
])
def test_the_docs_page_names_the_pagination_parameters(client, settings, pagination, shown):
    endpoint = user_endpoint(users(2), options={"pagination": pagination})
    settings.ROOT_URLCONF = urlconf(path("api/", include([endpoint], name="people")))
    assert shown in client.get("/api/docs/").content.decode()
