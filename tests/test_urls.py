"""``include()``: the triple it returns, URL names, the hello root, the prefix and the Api object."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import URLPattern, path, resolve, reverse

from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.discovery import mounted_apis
from django_restframework_lite.urls import Api, ApiPatterns, include
from tests.http_support import address_endpoint, mount, tag_endpoint, urlconf, user_endpoint, users


def body(response):
    return json.loads(response.content)


def test_include_returns_a_django_include_triple():
    patterns, app_name, namespace = include([user_endpoint()])
    assert isinstance(patterns, list) and isinstance(patterns, ApiPatterns)
    assert all(isinstance(pattern, URLPattern) for pattern in patterns)
    assert (app_name, namespace) == (None, None)
    assert include([user_endpoint()], namespace="shop")[1:] == ("shop", "shop")


def test_api_object_attributes():
    users_endpoint, address = user_endpoint(), address_endpoint()
    patterns, _, _ = include([users_endpoint, address], name="book", version="2.0", base_url="https://x.test/api",
                             autodoc=False, autospore=False, hello=False, openapi=False, docs=False, namespace="ns")
    api = patterns.api
    assert isinstance(api, Api)
    assert (api.name, api.version, api.base_url, api.namespace) == ("book", "2.0", "https://x.test/api", "ns")
    assert (api.hello, api.autodoc, api.autospore, api.openapi, api.docs) == (False, False, False, False, False)
    assert [type(c) for c in api.controllers] == [users_endpoint, address]
    assert api.registry == {"users": api.controllers[0].datastore, "address": api.controllers[1].datastore}
    assert all(c.datastore.registry is api.registry for c in api.controllers)
    assert api.get_controller("address") is api.controllers[1]
    assert api.controllers[0].datastore.ressource_name == "users"


def test_defaults_of_include():
    api = include([user_endpoint()])[0].api
    assert (api.name, api.version, api.base_url, api.namespace) == ("PRAF", "devel", None, None)
    assert (api.hello, api.autodoc, api.autospore, api.openapi, api.docs) == (True, True, True, True, True)


def test_hello_root(settings, client):
    mount(settings, [user_endpoint()], name="addressbook", version="1.0")
    response = client.get("/api/")
    assert response.status_code == 200
    assert body(response) == {"name": "addressbook", "version": "1.0"}
    assert client.head("/api/").content == b""
    assert client.options("/api/")["Allow"] == "GET, HEAD, OPTIONS"


def test_hello_switched_off_is_a_json_404(settings, client):
    mount(settings, [user_endpoint()], hello=False)
    response = client.get("/api/")
    assert response.status_code == 404
    assert body(response) == {"error": "Nothing at /api/."}


def test_url_names_reverse(settings):
    mount(settings, [user_endpoint(), tag_endpoint()])
    assert reverse("users-list") == "/api/users/"
    assert reverse("users-detail", args=[3]) == "/api/users/3/"
    assert reverse("tags-detail", kwargs={"identifier": "red"}) == "/api/tags/red/"
    assert reverse("drfl-hello") == "/api/"


def test_url_names_with_namespace(settings):
    patterns = include([user_endpoint()], namespace="book")
    settings.ROOT_URLCONF = urlconf(path("api/", patterns))
    assert reverse("book:users-list") == "/api/users/"
    assert reverse("book:users-detail", args=[1]) == "/api/users/1/"


def test_integer_and_string_pk_converters(settings):
    mount(settings, [user_endpoint(), tag_endpoint()])
    assert resolve("/api/users/12/").kwargs == {"identifier": 12}
    assert resolve("/api/tags/red/").kwargs == {"identifier": "red"}
    assert resolve("/api/users/12/").url_name == "users-detail"
    assert resolve("/api/users/abc/").url_name is None


def test_foreign_keys_resolve_across_stores_of_one_include(settings, client):
    mount(settings, [address_endpoint(), user_endpoint(users(1))])
    response = client.post("/api/users/", json.dumps({"first_name": "A", "last_name": "B", "address": 5}),
                           content_type="application/json")
    assert response.status_code == 400
    assert body(response) == {"error": "address does not validate", "fields": {"address": "No address matches 5."}}
    response = client.post("/api/users/", json.dumps({"first_name": "A", "last_name": "B", "address": 2}),
                           content_type="application/json")
    assert response.status_code == 201
    response = client.delete("/api/address/2/")
    assert response.status_code == 409


def test_two_includes_have_their_own_controllers_and_prefixes(settings, client):
    endpoint = user_endpoint(users(1))
    first = include([endpoint], namespace="one")
    second = include([endpoint], namespace="two")
    settings.ROOT_URLCONF = urlconf(path("one/", first), path("two/", second))
    assert first[0].api.controllers[0] is not second[0].api.controllers[0]
    assert body(client.get("/one/users/1/"))["ressource_uri"] == "/one/users/1/"
    assert body(client.get("/two/users/1/"))["ressource_uri"] == "/two/users/1/"
    assert [(m.prefix, m.api) for m in mounted_apis()] == [("/one/", first[0].api), ("/two/", second[0].api)]


def test_api_mounted_at_the_root(settings, client):
    patterns = include([user_endpoint()])
    settings.ROOT_URLCONF = urlconf(path("", patterns))
    assert body(client.get("/users/1/"))["ressource_uri"] == "/users/1/"
    assert body(client.get("/")) == {"name": "PRAF", "version": "devel"}
    assert client.get("/elsewhere/").status_code == 404


def test_prefix_includes_the_script_name(settings):
    mount(settings, [user_endpoint()])
    client = Client(SCRIPT_NAME="/mounted")
    response = client.get("/api/users/1/")
    assert body(response)["ressource_uri"] == "/mounted/api/users/1/"


def test_prefix_with_a_converter_in_the_mount_route(settings, client):
    patterns = include([user_endpoint()])
    settings.ROOT_URLCONF = urlconf(path("<slug:tenant>/api/", patterns))
    assert body(client.get("/acme/api/users/2/"))["ressource_uri"] == "/acme/api/users/2/"


def test_api_prefix_of_any_routed_request(settings, rf):
    api = mount(settings, [user_endpoint()], route="v1/api/")
    for url in ("/v1/api/", "/v1/api/users/", "/v1/api/users/3/"):
        request = rf.get(url)
        request.resolver_match = resolve(url)
        assert api.prefix(request) == "/v1/api/"
    request = rf.get("/v1/api/unknown/")
    request.resolver_match = resolve("/v1/api/unknown/")
    with pytest.raises(ValueError):
        api.prefix(request)


def test_views_carry_their_api_and_are_csrf_exempt(settings):
    api = mount(settings, [user_endpoint()])
    for url in ("/api/", "/api/users/", "/api/users/1/", "/api/else/"):
        match = resolve(url)
        assert match.func.drfl_api is api
        assert match.func.csrf_exempt is True


def test_description_patterns_come_before_ressource_patterns(monkeypatch):
    from django_restframework_lite import description

    def view(request):
        raise AssertionError("not called")

    monkeypatch.setattr(description, "description_urlpatterns", lambda api: [path("schema/", view, name="marker")])
    patterns = include([user_endpoint()])[0]
    names = [pattern.name for pattern in patterns]
    assert names[:4] == ["drfl-hello", "marker", "users-list", "users-detail"]
    assert names[-1] is None


def test_include_refuses_something_that_is_not_a_controller():
    with pytest.raises(TypeError, match="Controller subclasses"):
        include([PythonListDataStore])


def test_mounted_apis_walks_nested_includes(settings, client):
    from django.urls import include as django_include

    patterns = include([user_endpoint()], namespace="inner")
    settings.ROOT_URLCONF = urlconf(path("v1/", django_include([path("api/", patterns)])))
    assert [(m.prefix, m.api) for m in mounted_apis()] == [("/v1/api/", patterns[0].api)]
    assert body(client.get("/v1/api/users/1/"))["ressource_uri"] == "/v1/api/users/1/"
    assert reverse("inner:users-list") == "/v1/api/users/"


@pytest.mark.parametrize("url", ["/api/users/%0A1/", "/api/users/1%0A/", "/api/%0A", "/api/users/a%0Ab/x/"])
def test_a_path_with_a_newline_under_the_prefix_is_the_json_404(settings, client, url):
    # schemathesis found it: the catch-all's "." stopped at a newline, and Django's HTML 404 answered.
    mount(settings, [user_endpoint()])
    for send in (client.get, client.delete, client.options):
        response = send(url)
        assert response.status_code == 404, (url, response.content)
        assert response["Content-Type"] == "application/json"
