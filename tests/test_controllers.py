"""Controllers through HTTP: every verb, formaters, subclassing, per-request isolation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from django_restframework_lite.authentication import Authentication
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.exceptions import Forbidden, TooManyRequests, Unauthorized
from django_restframework_lite.formaters import foreign_keys_format, format_foreign_key, remove_id
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.views import JsonResponse
from tests.concurrency import run_together
from tests.http_support import AddressModel, UserModel, address_endpoint, mount, user_endpoint, users
from tests.stores import close_stores, store_controllers


def body(response: Any) -> Any:
    return json.loads(response.content)


def post_json(client: Client, url: str, data: Any, method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


JOHN = {"id": 1, "first_name": "John", "last_name": "Doe", "age": 20, "address": None, "ressource_uri": "/api/users/1/"}


# Verbs ------------------------------------------------------------------------------------


def test_get_list_answers_meta_and_object_list(settings, client):
    mount(settings, [user_endpoint(users(1))])
    response = client.get("/api/users/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body(response) == {"meta": {"filters": {}}, "object_list": [JOHN]}


def test_get_list_filters_by_query_parameters(settings, client):
    mount(settings, [user_endpoint()])
    response = client.get("/api/users/?last_name=America&first_name=Joe")
    assert response.status_code == 200
    assert body(response) == {
        "meta": {"filters": {"last_name": "America", "first_name": "Joe"}},
        "object_list": [
            {"id": 2, "first_name": "Joe", "last_name": "America", "age": 21, "address": None,
             "ressource_uri": "/api/users/2/"}
        ],
    }


def test_order_by_reaches_the_datastore_but_not_the_meta(settings, client):
    mount(settings, [user_endpoint()])
    response = client.get("/api/users/?order_by=-age&last_name=America")
    assert [obj["id"] for obj in body(response)["object_list"]] == [3, 2]
    assert body(response)["meta"] == {"filters": {"last_name": "America"}}


def test_filter_lookup_keeps_the_request_spelling_in_meta(settings, client):
    mount(settings, [user_endpoint()])
    response = client.get("/api/users/?age__gte=21")
    assert body(response)["meta"] == {"filters": {"age__gte": "21"}}
    assert [obj["id"] for obj in body(response)["object_list"]] == [2, 3]


def test_post_creates_and_answers_201_with_location_and_object(settings, client):
    data = users(1)
    mount(settings, [user_endpoint(data)])
    response = post_json(client, "/api/users/", {"first_name": "Peter", "last_name": "Something"})
    assert response.status_code == 201
    assert response["Location"] == "/api/users/2/"
    assert body(response) == {"first_name": "Peter", "last_name": "Something", "age": None, "address": None,
                              "id": 2, "ressource_uri": "/api/users/2/"}
    assert data[-1] == {"first_name": "Peter", "last_name": "Something", "age": None, "address": None, "id": 2}


def test_post_body_goes_through_view_formaters(settings, client):
    mount(settings, [user_endpoint(users(1), view={"options": {"formaters": ["add_ressource_uri", remove_id]}})])
    response = post_json(client, "/api/users/", {"first_name": "Peter", "last_name": "Something"})
    assert response.status_code == 201
    assert response["Location"] == "/api/users/2/"
    assert body(response) == {"first_name": "Peter", "last_name": "Something", "age": None, "address": None,
                              "ressource_uri": "/api/users/2/"}


def test_post_with_missing_field_is_the_seeds_400(settings, client):
    data = users(1)
    mount(settings, [user_endpoint(data)])
    response = post_json(client, "/api/users/", {"first_name": "John"})
    assert response.status_code == 400
    assert body(response) == {"error": "last_name is missing. Cannot create the ressource",
                              "fields": {"last_name": "This field is required."}}
    assert len(data) == 1


def test_post_with_invalid_value_is_the_seeds_400(settings, client):
    mount(settings, [user_endpoint(users(1))])
    response = post_json(client, "/api/users/", {"first_name": 45, "last_name": "Doe"})
    assert response.status_code == 400
    assert body(response) == {"error": "first_name does not validate", "fields": {"first_name": "Expected a string."}}


def test_get_unique_answers_the_object(settings, client):
    mount(settings, [user_endpoint()])
    response = client.get("/api/users/1/")
    assert response.status_code == 200
    assert body(response) == JOHN


def test_get_unique_missing_is_a_json_404(settings, client):
    mount(settings, [user_endpoint()])
    response = client.get("/api/users/42/")
    assert response.status_code == 404
    assert body(response) == {"error": "No users with id=42."}


@pytest.mark.parametrize("method", ["put", "patch"])
def test_put_and_patch_change_only_the_given_fields(settings, client, method):
    data = users()
    mount(settings, [user_endpoint(data)])
    response = post_json(client, "/api/users/3/", {"first_name": "Captain"}, method)
    assert response.status_code == 200
    assert body(response) == {"id": 3, "first_name": "Captain", "last_name": "America", "age": 22, "address": None,
                              "ressource_uri": "/api/users/3/"}
    assert data[2] == {"id": 3, "first_name": "Captain", "last_name": "America", "age": 22, "address": None}


def test_put_accepts_back_what_get_answered(settings, client):
    mount(settings, [user_endpoint()])
    current = body(client.get("/api/users/1/"))
    current["age"] = 30
    response = post_json(client, "/api/users/1/", current, "put")
    assert response.status_code == 200
    assert body(response) == {**JOHN, "age": 30}


def test_put_on_missing_object_is_404_and_writes_nothing(settings, client):
    data = users()
    mount(settings, [user_endpoint(data)])
    response = post_json(client, "/api/users/9/", {"first_name": "Nobody"}, "put")
    assert response.status_code == 404
    assert body(response) == {"error": "No users with id=9."}
    assert data == users()


def test_put_with_invalid_value_writes_nothing(settings, client):
    data = users()
    mount(settings, [user_endpoint(data)])
    response = post_json(client, "/api/users/1/", {"first_name": "Jim", "age": "old"}, "put")
    assert response.status_code == 400
    assert body(response) == {"error": "age does not validate", "fields": {"age": "Expected an integer."}}
    assert data == users()


def test_delete_answers_204_with_empty_body(settings, client):
    data = users()
    mount(settings, [user_endpoint(data)])
    response = client.delete("/api/users/2/")
    assert response.status_code == 204
    assert response.content == b""
    assert [row["id"] for row in data] == [1, 3]
    assert client.get("/api/users/2/").status_code == 404


def test_delete_missing_is_404(settings, client):
    mount(settings, [user_endpoint()])
    response = client.delete("/api/users/7/")
    assert response.status_code == 404
    assert body(response) == {"error": "No users with id=7."}


def test_head_is_get_without_body(settings, client):
    mount(settings, [user_endpoint()])
    get = client.get("/api/users/")
    head = client.head("/api/users/")
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == "application/json"
    assert head["Content-Length"] == str(len(get.content))


def test_head_on_unique(settings, client):
    mount(settings, [user_endpoint()])
    head = client.head("/api/users/1/")
    assert head.status_code == 200
    assert head.content == b""
    assert client.head("/api/users/8/").status_code == 404


def test_options_answers_allow(settings, client):
    mount(settings, [user_endpoint(list_verbs=["GET"], unique_verbs=["GET", "DELETE"])])
    response = client.options("/api/users/")
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert body(response) == {"allow": ["GET", "HEAD", "OPTIONS"]}
    response = client.options("/api/users/1/")
    assert response["Allow"] == "GET, DELETE, HEAD, OPTIONS"
    # The verbs of an object that exists: a missing one is the 404 of a GET.
    missing = client.options("/api/users/99/")
    assert missing.status_code == 404
    assert body(missing)["error"] == body(client.get("/api/users/99/"))["error"]


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("post", "/api/users/", "GET, HEAD, OPTIONS"),
        ("put", "/api/users/", "GET, HEAD, OPTIONS"),
        ("delete", "/api/users/", "GET, HEAD, OPTIONS"),
        ("put", "/api/users/1/", "GET, HEAD, OPTIONS"),
        ("post", "/api/users/1/", "GET, HEAD, OPTIONS"),
        ("trace", "/api/users/1/", "GET, HEAD, OPTIONS"),
    ],
)
def test_verbs_not_configured_are_405_with_allow(settings, client, method, url, allow):
    data = users()
    mount(settings, [user_endpoint(data, list_verbs=["GET"], unique_verbs=["GET"])])
    response = getattr(client, method)(url, "{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == allow
    assert body(response) == {"error": f"{method.upper()} is not allowed here; use {allow}."}
    assert data == users()


def test_unknown_verb_is_405(settings, client):
    mount(settings, [user_endpoint()])
    response = client.generic("PROPFIND", "/api/users/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"


def test_lowercase_verbs_in_configuration_are_accepted(settings, client):
    mount(settings, [user_endpoint(list_verbs=["get"], unique_verbs=["get"])])
    assert client.get("/api/users/").status_code == 200
    assert client.post("/api/users/", "{}", content_type="application/json").status_code == 405


def test_csrf_is_not_required(settings):
    mount(settings, [user_endpoint(users(1))])
    client = Client(enforce_csrf_checks=True)
    response = post_json(client, "/api/users/", {"first_name": "A", "last_name": "B"})
    assert response.status_code == 201


def test_string_pk_ressource(settings, client):
    from tests.http_support import tag_endpoint

    mount(settings, [tag_endpoint()])
    assert body(client.get("/api/tags/red/")) == {"slug": "red", "label": "Red", "ressource_uri": "/api/tags/red/"}
    assert body(client.get("/api/tags/two%20words/")) == {
        "slug": "two words", "label": "Two", "ressource_uri": "/api/tags/two%20words/"}
    response = post_json(client, "/api/tags/", {"slug": "blue/green", "label": "Blue"})
    assert response.status_code == 201
    assert response["Location"] == "/api/tags/blue%2Fgreen/"


# Formaters ----------------------------------------------------------------------------------


def test_view_formaters_run_in_order_and_add_ressource_uri_by_name(settings, client):
    def shout(view, obj):
        obj["first_name"] = obj["first_name"].upper()
        return obj

    mount(settings, [user_endpoint(users(1), view={"options": {"formaters": [shout, "add_ressource_uri", remove_id]}})])
    assert body(client.get("/api/users/1/")) == {
        "first_name": "JOHN", "last_name": "Doe", "age": 20, "address": None, "ressource_uri": "/api/users/1/"}


def test_empty_view_formaters_remove_the_ressource_uri(settings, client):
    mount(settings, [user_endpoint(users(1), view={"options": {"formaters": []}})])
    assert body(client.get("/api/users/1/")) == {"id": 1, "first_name": "John", "last_name": "Doe", "age": 20,
                                                 "address": None}


def test_view_formater_gets_a_per_request_view(settings, client):
    seen = []

    def spy(view, obj):
        seen.append((view.prefix, view.request.path, view.model.pk_field.name, view.ressource_name))
        return obj

    mount(settings, [user_endpoint(users(1), view={"options": {"formaters": [spy]}})], route="v1/api/")
    client.get("/v1/api/users/1/")
    assert seen == [("/v1/api/", "/v1/api/users/1/", "id", "users")]


def test_controller_formaters_run_on_bodies_and_filters(settings, client):
    calls = []

    def lower_names(controller, data):
        calls.append(controller.ressource_name)
        return {key: value.lower() if isinstance(value, str) else value for key, value in data.items()}

    data = users()
    mount(settings, [user_endpoint(data, options={"formaters": [lower_names]})])
    response = post_json(client, "/api/users/", {"first_name": "MIXED", "last_name": "Case"})
    assert body(response)["first_name"] == "mixed"
    response = client.get("/api/users/?last_name=CASE")
    assert body(response)["meta"] == {"filters": {"last_name": "case"}}
    assert [obj["id"] for obj in body(response)["object_list"]] == [4]
    assert calls == ["users", "users"]


def test_foreign_keys_shown_and_accepted_as_uris(settings, client):
    user_data = users(1)
    endpoint = user_endpoint(
        user_data,
        options={"formaters": [foreign_keys_format], "pagination": Pagination(20)},
        view={"response_class": JsonResponse, "options": {"formaters": ["add_ressource_uri", remove_id, format_foreign_key]}},
    )
    mount(settings, [address_endpoint(), endpoint])
    response = post_json(client, "/api/users/", {"first_name": "Super", "last_name": "Dupont", "address": "/api/address/1/"})
    assert response.status_code == 201
    assert body(response) == {"first_name": "Super", "last_name": "Dupont", "age": None,
                              "address": "/api/address/1/", "ressource_uri": "/api/users/2/"}
    assert user_data[-1]["address"] == 1
    response = client.get("/api/users/?address=/api/address/1/")
    assert body(response) == {
        "meta": {"offset": 0, "count": 20, "total_count": 1, "next": None, "previous": None, "filters": {"address": 1}},
        "object_list": [{"first_name": "Super", "last_name": "Dupont", "age": None, "address": "/api/address/1/",
                         "ressource_uri": "/api/users/2/"}],
    }
    response = post_json(client, "/api/users/2/", {"address": 2}, "patch")
    assert body(response)["address"] == "/api/address/2/"


def test_foreign_key_to_missing_row_is_refused(settings, client):
    user_data = users(1)
    endpoint = user_endpoint(user_data, options={"formaters": [foreign_keys_format]})
    mount(settings, [address_endpoint(), endpoint])
    response = post_json(client, "/api/users/", {"first_name": "A", "last_name": "B", "address": "/api/address/9/"})
    assert response.status_code == 400
    assert body(response) == {"error": "address does not validate", "fields": {"address": "No address matches 9."}}
    assert len(user_data) == 1


@pytest.mark.parametrize("value", ["/api/users/1/", "/api/address/one/", "address/", "/"])
def test_malformed_foreign_key_uri_is_a_400_naming_the_field(settings, client, value):
    user_data = users(1)
    mount(settings, [address_endpoint(), user_endpoint(user_data, options={"formaters": [foreign_keys_format]})])
    response = post_json(client, "/api/users/", {"first_name": "A", "last_name": "B", "address": value})
    assert response.status_code == 400
    assert body(response)["error"] == "address does not validate"
    assert list(body(response)["fields"]) == ["address"]
    assert len(user_data) == 1


def test_malformed_foreign_key_uri_in_filter_is_a_400(settings, client):
    mount(settings, [address_endpoint(), user_endpoint(options={"formaters": [foreign_keys_format]})])
    response = client.get("/api/users/?address=/api/users/1/")
    assert response.status_code == 400
    assert body(response)["fields"] == {"address": "Expected a URI of the address ressource, like /address/1/, or its id."}


# Subclassing and configuration ---------------------------------------------------------------


class BaseUsers(Controller):
    ressource = {"ressource_name": "users", "ressource": [], "model": UserModel, "datastore": PythonListDataStore}
    controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "DELETE"],
                  "options": {"pagination": Pagination(20)}}
    view = {"response_class": JsonResponse, "options": {"formaters": ["add_ressource_uri", remove_id]}}


def test_subclass_replacing_one_dict_keeps_the_others(settings, client):
    class Addresses(BaseUsers):
        ressource = {"ressource_name": "address", "ressource": [
            {"id": 1, "country": "France", "city": "Paris", "street": "quais de Valmy", "number": 45}],
            "model": AddressModel, "datastore": PythonListDataStore}

    api = mount(settings, [Addresses])
    controller = api.controllers[0]
    assert controller.list_verbs == ["GET", "POST"]
    assert controller.unique_verbs == ["GET", "PUT", "DELETE"]
    assert controller.pagination is BaseUsers.controller["options"]["pagination"]
    response = client.get("/api/address/")
    assert body(response) == {
        "meta": {"offset": 0, "count": 20, "total_count": 1, "next": None, "previous": None, "filters": {}},
        "object_list": [{"country": "France", "city": "Paris", "street": "quais de Valmy", "number": 45,
                         "ressource_uri": "/api/address/1/"}],
    }
    assert client.patch("/api/address/1/", "{}", content_type="application/json").status_code == 405


def test_built_controller_attributes(settings):
    from django_restframework_lite.partials import Partial

    partial = Partial()
    endpoint = user_endpoint(options={"pagination": Pagination(5)}, ressource_options={"partial": partial})
    api = mount(settings, [endpoint])
    controller = api.controllers[0]
    assert isinstance(controller, endpoint)
    assert controller.ressource_name == "users"
    assert isinstance(controller.datastore, PythonListDataStore)
    assert controller.model is controller.datastore.model
    assert controller.options == {"pagination": endpoint.controller["options"]["pagination"]}
    assert controller.partial is partial
    assert controller.authentication is None and controller.authorization is None and controller.ratelimit is None
    assert controller.formaters == []
    assert controller.view.model is controller.model and controller.view.datastore is controller.datastore
    assert controller.view.response_class is JsonResponse
    assert controller.view.formaters[0].__name__ == "add_ressource_uri"


def test_custom_response_class(settings, client):
    class Wrapped(JsonResponse):
        def __init__(self, data: Any = None, status: int = 200, **kwargs: Any) -> None:
            super().__init__({"data": data} if data is not None else None, status=status, **kwargs)
            self["X-Wrapped"] = "yes"

    mount(settings, [user_endpoint(users(1), view={"response_class": Wrapped})])
    response = client.get("/api/users/1/")
    assert response["X-Wrapped"] == "yes"
    assert body(response) == {"data": JOHN}


# Protection hooks and per-request isolation ----------------------------------------------------


class HeaderAuthentication(Authentication):
    """Who you are is the X-User header; ?token= is this backend's query parameter."""

    query_parameters = ("token",)

    def __init__(self) -> None:
        self.calls = 0

    def get_user(self, request):
        self.calls += 1
        return request.headers.get("X-User")


class OwnerAuthorization:
    def __init__(self, authentication):
        self.authentication = authentication

    def check_auth(self, request):
        user = request.api_user
        if user is None:
            raise Unauthorized(headers={"WWW-Authenticate": "Header"})
        if user == "mallory":
            raise Forbidden()


class CountingRateLimit:
    def __init__(self, quota: int) -> None:
        self.quota = quota
        self.seen: dict[str, int] = {}

    def check(self, request, user):
        self.seen[user] = self.seen.get(user, 0) + 1
        remaining = self.quota - self.seen[user]
        headers = {"X-RateLimit-Limit": str(self.quota), "X-RateLimit-Remaining": str(max(remaining, 0))}
        if remaining < 0:
            raise TooManyRequests(headers={**headers, "Retry-After": "10"})
        return headers


def test_authentication_parameter_is_reserved_and_user_asked_once(settings, client):
    authentication = HeaderAuthentication()
    mount(settings, [user_endpoint(options={"authentication": authentication, "authorization": OwnerAuthorization})])
    response = client.get("/api/users/?token=abc&last_name=Doe", headers={"X-User": "alice"})
    assert response.status_code == 200
    assert body(response)["meta"] == {"filters": {"last_name": "Doe"}}
    assert authentication.calls == 1


def test_authorization_refusals(settings, client):
    data = users()
    mount(settings, [user_endpoint(data, options={"authentication": HeaderAuthentication(),
                                                  "authorization": OwnerAuthorization})])
    response = post_json(client, "/api/users/", {"first_name": "A", "last_name": "B"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Header"
    assert body(response) == {"error": "Authentication credentials were missing or incorrect."}
    response = client.delete("/api/users/1/", headers={"X-User": "mallory"})
    assert response.status_code == 403
    assert body(response) == {"error": "You do not have permission to perform this action."}
    assert data == users()


def test_ratelimit_headers_on_every_answer_and_429(settings, client):
    ratelimit = CountingRateLimit(2)
    mount(settings, [user_endpoint(options={"authentication": HeaderAuthentication(), "ratelimit": ratelimit})])
    first = client.get("/api/users/", headers={"X-User": "alice"})
    assert first["X-RateLimit-Remaining"] == "1"
    second = client.get("/api/users/99/", headers={"X-User": "alice"})
    assert second.status_code == 404
    assert second["X-RateLimit-Remaining"] == "0"
    third = client.get("/api/users/", headers={"X-User": "alice"})
    assert third.status_code == 429
    assert third["Retry-After"] == "10"
    assert body(third) == {"error": "Too many requests: the rate limit is exceeded."}
    assert client.get("/api/users/", headers={"X-User": "bob"}).status_code == 200
    assert ratelimit.seen == {"alice": 3, "bob": 1}


def test_two_threads_with_different_filters_and_users_see_only_their_own(settings):
    seen_users = []

    class RecordingAuthentication(HeaderAuthentication):
        def get_user(self, request):
            user = super().get_user(request)
            seen_users.append(user)
            return user

    def per_user_view(view, obj):
        obj["viewer"] = view.request.api_user
        return obj

    data = users(5)
    mount(settings, [user_endpoint(
        data,
        options={"authentication": RecordingAuthentication(), "authorization": OwnerAuthorization},
        view={"options": {"formaters": ["add_ressource_uri", per_user_view]}},
    )])
    results: dict[str, list[Any]] = {"alice": [], "bob": []}
    runs = [("alice", "Doe"), ("bob", "America")]

    def run(number: int) -> None:
        user, last_name = runs[number]
        client = Client()
        for _ in range(50):
            answer = body(client.get(f"/api/users/?last_name={last_name}", headers={"X-User": user}))
            results[user].append(
                (answer["meta"]["filters"], sorted(o["id"] for o in answer["object_list"]),
                 {o["viewer"] for o in answer["object_list"]})
            )

    run_together(2, run)
    assert set(map(repr, results["alice"])) == {repr(({"last_name": "Doe"}, [1, 5], {"alice"}))}
    assert set(map(repr, results["bob"])) == {repr(({"last_name": "America"}, [2, 3], {"bob"}))}
    assert len(results["alice"]) == len(results["bob"]) == 50
    assert sorted(set(seen_users)) == ["alice", "bob"]


# The same HTTP behaviour on every datastore -------------------------------------------------


@pytest.fixture
def shop(store_kind, tmp_path, settings, client):
    """category/item/part on one datastore, with two categories and three items created through HTTP."""
    api = mount(settings, store_controllers(
        store_kind, tmp_path,
        item_options={"pagination": Pagination(2), "formaters": [foreign_keys_format]},
        item_view={"options": {"formaters": ["add_ressource_uri", format_foreign_key]}},
    ))
    for name in ("tools", "food"):
        assert post_json(client, "/api/category/", {"name": name}).status_code == 201
    for name, quantity, category in (("hammer", 3, "/api/category/1/"), ("saw", 1, "/api/category/1/"), ("apple", 9, 2)):
        response = post_json(client, "/api/item/", {"name": name, "quantity": quantity, "category": category})
        assert response.status_code == 201, response.content
    yield api
    close_stores(api.registry.values())


ITEM_DEFAULTS = {"notes": None, "weight": None, "in_stock": True, "added_at": None, "size": "M", "rank": 0}


def item(pk, name, quantity, category):
    return {"id": pk, "name": name, "quantity": quantity, **ITEM_DEFAULTS, "category": f"/api/category/{category}/",
            "ressource_uri": f"/api/item/{pk}/"}


def test_stores_list_with_pagination_filters_and_uris(shop, client):
    response = client.get("/api/item/?category=/api/category/1/&order_by=-quantity")
    assert response.status_code == 200
    assert body(response) == {
        "meta": {"offset": 0, "count": 2, "total_count": 2, "next": None, "previous": None,
                 "filters": {"category": 1}},
        "object_list": [item(1, "hammer", 3, 1), item(2, "saw", 1, 1)],
    }
    response = client.get("/api/item/?offset=1")
    assert body(response)["meta"] == {"offset": 1, "count": 2, "total_count": 3, "next": None,
                                      "previous": "/api/item/?offset=0", "filters": {}}
    assert body(response)["object_list"] == [item(2, "saw", 1, 1), item(3, "apple", 9, 2)]


def test_stores_post_answers_location_and_object(shop, client):
    response = post_json(client, "/api/item/", {"name": "pear", "quantity": 2, "category": "/api/category/2/"})
    assert response.status_code == 201
    assert response["Location"] == "/api/item/4/"
    assert body(response) == item(4, "pear", 2, 2)


def test_stores_unique_get_put_patch_delete(shop, client):
    assert body(client.get("/api/item/2/")) == item(2, "saw", 1, 1)
    response = post_json(client, "/api/item/2/", {"quantity": 5}, "put")
    assert (response.status_code, body(response)) == (200, item(2, "saw", 5, 1))
    response = post_json(client, "/api/item/2/", {"category": "/api/category/2/"}, "patch")
    assert (response.status_code, body(response)) == (200, item(2, "saw", 5, 2))
    current = body(client.get("/api/item/2/"))
    assert post_json(client, "/api/item/2/", current, "put").status_code == 200
    response = client.delete("/api/item/2/")
    assert (response.status_code, response.content) == (204, b"")
    assert client.get("/api/item/2/").status_code == 404
    assert body(client.get("/api/item/"))["meta"]["total_count"] == 2


def test_stores_refuse_bad_writes_and_keep_data(shop, client):
    before = body(client.get("/api/item/?count=10"))
    for payload in ({"name": "x" * 21, "quantity": 1}, {"name": "ok", "quantity": 2**63}, {"name": "a\x00b", "quantity": 1},
                    {"name": "ok", "quantity": 1, "category": "/api/category/9/"}, {"quantity": 1}):
        response = post_json(client, "/api/item/", payload)
        assert response.status_code == 400, (payload, response.content)
    response = post_json(client, "/api/item/1/", {"rank": 101}, "patch")
    assert response.status_code == 400
    assert body(response)["fields"] == {"rank": "Ensure this value is less than or equal to 100."}
    assert client.delete("/api/category/1/").status_code == 409
    assert body(client.get("/api/item/?count=10")) == before
    assert body(client.get("/api/category/1/")) == {"id": 1, "name": "tools", "ressource_uri": "/api/category/1/"}


@pytest.mark.parametrize("url", ["/api/item/99999999999999999999/", "/api/item/9223372036854775807/", "/api/item/x/",
                                 "/api/part/a%00b/", "/api/part/%ED%A0%80/", "/api/part/missing/"])
def test_stores_unfit_or_missing_ids_are_404(shop, client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert list(body(response)) == ["error"]


@pytest.mark.parametrize("query", ["quantity=99999999999999999999", "name=a%00b", "quantity__gt=x", "nope=1"])
def test_stores_unfit_filters_are_400(shop, client, query):
    response = client.get(f"/api/item/?{query}")
    assert response.status_code == 400
    assert list(body(response)) == ["error", "fields"]


def test_stores_string_pk_ressource(shop, client):
    response = post_json(client, "/api/part/", {"code": "A 1", "stock": 4})
    assert response.status_code == 201
    assert response["Location"] == "/api/part/A%201/"
    assert body(client.get("/api/part/A%201/")) == {"code": "A 1", "stock": 4, "price": None, "label": "",
                                                     "ressource_uri": "/api/part/A%201/"}
    assert post_json(client, "/api/part/", {"code": "A 1"}).status_code == 409


def test_stores_partial_response(store_kind, tmp_path, settings, client):
    from django_restframework_lite.partials import Partial

    api = mount(settings, store_controllers(store_kind, tmp_path, item_ressource_options={"partial": Partial()}))
    try:
        post_json(client, "/api/item/", {"name": "hammer", "quantity": 3})
        assert body(client.get("/api/item/?fields=name,size")) == {
            "meta": {"filters": {}},
            "object_list": [{"id": 1, "name": "hammer", "size": "M", "ressource_uri": "/api/item/1/"}],
        }
        assert body(client.get("/api/item/1/?fields=quantity")) == {"id": 1, "quantity": 3,
                                                                    "ressource_uri": "/api/item/1/"}
    finally:
        close_stores(api.registry.values())


@pytest.mark.parametrize("kind", ["pythonlist", "sqlite"])
def test_two_threads_on_one_store_controller_see_only_their_own(kind, tmp_path, settings, client):
    def viewer(view, obj):
        obj["viewer"] = view.request.api_user
        return obj

    api = mount(settings, store_controllers(
        kind, tmp_path, item_options={"authentication": HeaderAuthentication(), "pagination": Pagination(50)},
        item_view={"options": {"formaters": ["add_ressource_uri", viewer]}},
    ))
    try:
        for index in range(20):
            post_json(client, "/api/item/", {"name": "odd" if index % 2 else "even", "quantity": index})
        seen: dict[str, set[str]] = {"alice": set(), "bob": set()}
        runs = [("alice", "odd"), ("bob", "even")]

        def run(number: int) -> None:
            user, name = runs[number]
            thread_client = Client()
            for _ in range(25):
                answer = body(thread_client.get(f"/api/item/?name={name}", headers={"X-User": user}))
                seen[user].add(repr((answer["meta"]["total_count"], answer["meta"]["filters"],
                                     sorted({(o["name"], o["viewer"]) for o in answer["object_list"]}))))

        run_together(2, run, cleanup=lambda: close_stores(api.registry.values()))
        assert seen == {"alice": {repr((10, {"name": "odd"}, [("odd", "alice")]))},
                        "bob": {repr((10, {"name": "even"}, [("even", "bob")]))}}
    finally:
        close_stores(api.registry.values())
