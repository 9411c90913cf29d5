"""Partial responses: ``?fields=`` on list and unique GETs."""

from __future__ import annotations

import json

import pytest

from django_restframework_lite.formaters import remove_id
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.partials import Partial
from tests.http_support import address_endpoint, mount, user_endpoint, users


def body(response):
    return json.loads(response.content)


def test_partial_list_returns_only_the_fields_pk_and_uri(settings, client):
    mount(settings, [address_endpoint(partial=Partial())])
    response = client.get("/api/address/?fields=city,country")
    assert response.status_code == 200
    assert body(response) == {
        "meta": {"filters": {}},
        "object_list": [
            {"id": 1, "country": "France", "city": "Paris", "ressource_uri": "/api/address/1/"},
            {"id": 2, "country": "Spain", "city": "Madrid", "ressource_uri": "/api/address/2/"},
        ],
    }


def test_partial_unique(settings, client):
    mount(settings, [address_endpoint(partial=Partial())])
    response = client.get("/api/address/2/?fields=number")
    assert body(response) == {"id": 2, "number": 7, "ressource_uri": "/api/address/2/"}


def test_partial_with_remove_id_and_pagination_as_in_the_seed(settings, client):
    endpoint = user_endpoint(users(3), options={"pagination": Pagination(20)}, ressource_options={"partial": Partial()},
                             view={"options": {"formaters": ["add_ressource_uri", remove_id]}})
    mount(settings, [endpoint])
    response = client.get("/api/users/?fields=first_name&last_name=America")
    assert body(response) == {
        "meta": {"offset": 0, "count": 20, "total_count": 2, "next": None, "previous": None,
                 "filters": {"last_name": "America"}},
        "object_list": [{"first_name": "Joe", "ressource_uri": "/api/users/2/"},
                        {"first_name": "Bob", "ressource_uri": "/api/users/3/"}],
    }


def test_custom_partial_keyword(settings, client):
    mount(settings, [address_endpoint(partial=Partial(partial_keyword="only"))])
    assert body(client.get("/api/address/1/?only=city")) == {"id": 1, "city": "Paris", "ressource_uri": "/api/address/1/"}


@pytest.mark.parametrize(("query", "error"), [
    ("fields=city,planet", "Unknown field in fields: planet."),
    ("fields=", "fields must name at least one field."),
    ("fields=,", "fields must name at least one field."),
])
@pytest.mark.parametrize("url", ["/api/address/", "/api/address/1/"])
def test_bad_fields_are_400(settings, client, query, error, url):
    mount(settings, [address_endpoint(partial=Partial())])
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert body(response)["error"] == error
    assert list(body(response)["fields"]) == ["fields"]


def test_without_partial_fields_is_an_ordinary_filter(settings, client):
    mount(settings, [address_endpoint()])
    response = client.get("/api/address/?fields=city")
    assert response.status_code == 400
    assert body(response)["fields"] == {"fields": "Unknown field."}


def test_partial_keyword_is_reserved(settings, client):
    mount(settings, [address_endpoint(partial=Partial())])
    assert body(client.get("/api/address/?fields=city&country=Spain"))["meta"] == {"filters": {"country": "Spain"}}



def query_middleware(get_response):
    """Set ``request.GET`` of requests to ``.../2/`` (as a project's middleware might)."""
    from django.http import QueryDict

    def middleware(request):
        if request.path.endswith("/2/"):
            request.GET = QueryDict("fields=number")
        return get_response(request)

    return middleware


def test_a_query_a_middleware_set_on_the_request_is_the_one_read(settings, client):
    """A request sent without a query string skips parsing one, unless a middleware already set ``request.GET``."""
    mount(settings, [address_endpoint(partial=Partial())])
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.query_middleware"]
    assert body(client.get("/api/address/2/")) == {"id": 2, "number": 7, "ressource_uri": "/api/address/2/"}
    assert body(client.get("/api/address/1/"))["city"] == "Paris"  # no query: the whole object
