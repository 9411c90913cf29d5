"""One way to answer a method, on every route an API serves: OPTIONS, HEAD and the 405."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse

from django_restframework_lite.exceptions import MethodNotAllowed
from django_restframework_lite.responses import AllowedMethods, JsonResponse, without_body
from tests.http_support import mount, user_endpoint

# Every kind of route under the prefix, with the methods it serves.
ROUTES = [
    ("/api/", "GET, HEAD, OPTIONS"),
    ("/api/users/", "GET, POST, HEAD, OPTIONS"),
    ("/api/users/1/", "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"),
    ("/api/schema/", "GET, HEAD, OPTIONS"),
    ("/api/schema/users/", "GET, HEAD, OPTIONS"),
    ("/api/spore/", "GET, HEAD, OPTIONS"),
    ("/api/openapi.json", "GET, HEAD, OPTIONS"),
    ("/api/docs/", "GET, HEAD, OPTIONS"),
    ("/api/docs/assets/docs.css", "GET, HEAD, OPTIONS"),
]


@pytest.fixture
def api(settings):
    return mount(settings, [user_endpoint()])


@pytest.mark.parametrize(("url", "allow"), ROUTES)
def test_options_is_a_json_200_with_allow(api, client, url, allow):
    response = client.options(url)
    assert response.status_code == 200
    assert response["Allow"] == allow
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"allow": allow.split(", ")}


@pytest.mark.parametrize(("url", "allow"), ROUTES)
def test_head_is_the_get_without_its_body(api, client, url, allow):
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))
    assert head["Content-Type"] == get["Content-Type"]


@pytest.mark.parametrize("url", ["/api/users/99/", "/api/schema/nobody/", "/api/docs/assets/nothing.js", "/api/else/"])
def test_head_of_an_error_keeps_its_status_and_length(api, client, url):
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == get.status_code == 404
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))


NOT_SERVED = [
    (url, allow, method)
    for url, allow in ROUTES
    for method in ("PROPFIND", "TRACE", "POST")
    if method not in allow.split(", ")
]


@pytest.mark.parametrize(("url", "allow", "method"), NOT_SERVED)
def test_a_method_not_served_is_a_json_405_with_allow(api, client, url, allow, method):
    response = client.generic(method, url)
    assert response.status_code == 405
    assert response["Allow"] == allow
    assert json.loads(response.content) == {"error": f"{method} is not allowed here; use {allow}."}


def test_allowed_methods_add_head_with_get_and_options_always():
    assert AllowedMethods(["get", "delete"]).header == "GET, DELETE, HEAD, OPTIONS"
    assert AllowedMethods(["POST"]).header == "POST, OPTIONS"
    assert AllowedMethods(["GET", "HEAD", "OPTIONS", "GET"]).header == "GET, HEAD, OPTIONS"
    assert "HEAD" in AllowedMethods(["GET"]) and "PUT" not in AllowedMethods(["GET"])
    with pytest.raises(MethodNotAllowed) as caught:
        AllowedMethods(["GET"]).check("PUT")
    assert caught.value.headers == {"Allow": "GET, HEAD, OPTIONS"}


def test_without_body_keeps_no_length_on_answers_that_have_none():
    assert "Content-Length" not in without_body(JsonResponse(None, status=204))
    response = without_body(HttpResponse(b"abc", status=400))
    assert (response.content, response["Content-Length"]) == (b"", "3")
