"""What a client may see, send, filter, order and select: exposure rules through HTTP.

An endpoint over Django's own ``User`` must never let ``password`` out or in,
whatever a formater does; read-only fields are the server's; a field a view
formater hides is neither filterable, orderable nor selectable, and the
descriptions leave it out.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured

from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore
from django_restframework_lite.formaters import hides
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.partials import Partial
from django_restframework_lite.urls import include
from tests.http_support import mount, user_endpoint, users

pytestmark = pytest.mark.django_db


def body(response: Any) -> Any:
    return json.loads(response.content)


def send(client: Any, method: str, url: str, data: Any) -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


class AccountEndPoint(Controller):
    ressource = {
        "ressource_name": "accounts",
        "ressource": User,
        "datastore": DjangoModelDataStore,
        "options": {"exclude": ["password"], "read_only": ["is_superuser"], "partial": Partial()},
    }
    controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],
                  "options": {"pagination": Pagination(10)}}


@pytest.fixture
def accounts(settings: Any) -> User:
    mount(settings, [AccountEndPoint])
    return User.objects.create(username="alice", email="alice@example.com", first_name="Alice",
                               password="pbkdf2_sha256$1000000$salt$hash")


def test_the_password_is_never_rendered(client: Any, accounts: User) -> None:
    listed = body(client.get("/api/accounts/"))["object_list"]
    one = body(client.get(f"/api/accounts/{accounts.pk}/"))
    assert listed == [one]
    assert "password" not in one
    assert one["username"] == "alice" and one["is_superuser"] is False


def test_the_password_is_never_accepted(client: Any, accounts: User) -> None:
    hashed = User.objects.get().password
    response = send(client, "post", "/api/accounts/", {"username": "mallory", "password": "x"})
    assert response.status_code == 400
    assert body(response)["fields"] == {"password": "Unknown field."}
    response = send(client, "patch", f"/api/accounts/{accounts.pk}/", {"password": "x"})
    assert response.status_code == 400
    assert list(User.objects.values_list("username", "password")) == [("alice", hashed)]


@pytest.mark.parametrize("query", ["password__startswith=pbkdf2", "password__gte=a", "password=x", "order_by=password",
                                   "order_by=-password,username", "fields=password"])
def test_the_password_cannot_be_filtered_ordered_or_selected(client: Any, accounts: User, query: str) -> None:
    response = client.get(f"/api/accounts/?{query}")
    assert response.status_code == 400
    assert "password" in body(response)["error"]


def test_the_password_is_in_no_description(client: Any, accounts: User) -> None:
    for url in ("/api/schema/accounts/", "/api/spore/", "/api/openapi.json", "/api/docs/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"password" not in response.content, url
    assert "username" in body(client.get("/api/schema/accounts/"))


def test_a_read_only_field_cannot_be_set_by_post_put_or_patch(client: Any, accounts: User) -> None:
    response = send(client, "post", "/api/accounts/", {"username": "mallory", "is_superuser": True})
    assert response.status_code == 400
    assert body(response) == {"error": "is_superuser is read-only", "fields": {"is_superuser": "This field is read-only."}}
    url = f"/api/accounts/{accounts.pk}/"
    for method in ("put", "patch"):
        response = send(client, method, url, {"is_superuser": True})
        assert response.status_code == 400
        assert body(response)["error"] == "is_superuser is read-only"
    assert list(User.objects.values_list("username", "is_superuser")) == [("alice", False)]


def test_a_put_of_what_a_get_returned_succeeds(client: Any, accounts: User) -> None:
    url = f"/api/accounts/{accounts.pk}/"
    read = body(client.get(url))
    response = send(client, "put", url, {**read, "first_name": "Ally"})
    assert response.status_code == 200, response.content
    assert body(response) == {**read, "first_name": "Ally"}


# Derived read-only fields: editable=False, auto_now, auto_now_add ------------------------------------


class MemoEndPoint(Controller):
    ressource = {"ressource_name": "memos", "ressource": "inventory.Memo", "datastore": DjangoModelDataStore}
    controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"]}


@pytest.fixture
def memos(settings: Any) -> str:
    from inventory.models import Memo

    class Memos(MemoEndPoint):
        ressource = {**MemoEndPoint.ressource, "ressource": Memo}

    mount(settings, [Memos])
    return "/api/memos/"


@pytest.mark.parametrize("member", [{"code": "mine"}, {"created": "2020-01-01T00:00:00+00:00"},
                                    {"updated": "2020-01-01T00:00:00+00:00"}])
def test_a_post_carrying_a_derived_read_only_field_is_a_400(client: Any, memos: str, member: dict[str, str]) -> None:
    from inventory.models import Memo

    response = send(client, "post", memos, {"text": "hello", **member})
    (name,) = member
    assert response.status_code == 400
    assert body(response) == {"error": f"{name} is read-only", "fields": {name: "This field is read-only."}}
    assert not Memo.objects.exists()


def test_derived_read_only_fields_are_set_by_the_server(client: Any, memos: str) -> None:
    response = send(client, "post", memos, {"text": "hello"})
    assert response.status_code == 201
    created = body(response)
    assert created["code"] == "memo" and created["created"] and created["updated"]


@pytest.mark.parametrize("member", [{"code": "other"}, {"created": "2020-01-01T00:00:00+00:00"}])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_an_update_changing_a_read_only_field_is_a_400(client: Any, memos: str, member: dict[str, str],
                                                       method: str) -> None:
    url = body(send(client, "post", memos, {"text": "hello"}))["ressource_uri"]
    before = body(client.get(url))
    response = send(client, method, url, {"text": "changed", **member})
    assert response.status_code == 400
    assert body(response)["error"] == f"{next(iter(member))} is read-only"
    assert body(client.get(url)) == before


def test_an_update_may_send_read_only_fields_back_unchanged(client: Any, memos: str) -> None:
    url = body(send(client, "post", memos, {"text": "hello"}))["ressource_uri"]
    read = body(client.get(url))
    response = send(client, "put", url, {**read, "text": "changed"})
    assert response.status_code == 200, response.content
    assert body(response)["text"] == "changed"
    assert body(response)["created"] == read["created"]


def test_openapi_marks_read_only_fields(client: Any, memos: str) -> None:
    schemas = body(client.get("/api/openapi.json"))["components"]["schemas"]
    for name in ("id", "code", "created", "updated"):
        assert schemas["Memo"]["properties"][name]["readOnly"] is True
        assert name not in schemas["MemoCreate"]["properties"]
    assert "readOnly" not in schemas["Memo"]["properties"]["text"]
    assert schemas["MemoCreate"]["required"] == ["text"]


# Hidden fields and the filter_fields / order_fields allow-lists ----------------------------------------


@hides("age")
def without_age(view: Any, obj: dict[str, Any]) -> dict[str, Any]:
    obj.pop("age", None)
    return obj


def hiding_endpoint(**options: Any) -> type[Controller]:
    return user_endpoint(users(3), options=options, ressource_options={"partial": Partial()},
                         view={"options": {"formaters": ["add_ressource_uri", without_age]}})


@pytest.mark.parametrize("query", ["age=20", "age__startswith=2", "age__gt=1", "order_by=age", "order_by=-age",
                                   "fields=age", "fields=first_name,age"])
def test_a_hidden_field_is_not_filterable_orderable_or_selectable(settings: Any, client: Any, query: str) -> None:
    mount(settings, [hiding_endpoint()])
    response = client.get(f"/api/users/?{query}")
    assert response.status_code == 400
    assert "age" in body(response)["error"]


def test_a_hidden_field_is_in_no_description(settings: Any, client: Any) -> None:
    mount(settings, [hiding_endpoint()])
    assert "age" not in body(client.get("/api/schema/users/"))
    document = body(client.get("/api/openapi.json"))
    names = [parameter["name"] for parameter in document["paths"]["/users/"]["get"]["parameters"]]
    assert not [name for name in names if name.startswith("age")]
    assert "first_name__startswith" in names
    assert "age" not in document["components"]["schemas"]["User"]["properties"]
    assert "age" not in document["components"]["schemas"]["UserCreate"]["properties"]


def test_filter_fields_and_order_fields_narrow_what_a_client_may_use(settings: Any, client: Any) -> None:
    mount(settings, [hiding_endpoint(filter_fields={"last_name": ["exact", "startswith"], "first_name": ["exact"]},
                                     order_fields=["last_name"])])
    assert body(client.get("/api/users/?last_name__startswith=Am&order_by=-last_name"))["meta"]["filters"] == {
        "last_name__startswith": "Am"}
    for query, fragment in (("first_name__startswith=J", "Unknown lookup 'startswith' for first_name"),
                            ("id=1", "Cannot filter on id: filtering on it is not allowed."),
                            ("order_by=first_name", "Cannot order by first_name: ordering by it is not allowed."),
                            ("last_name__gt=A", "Unknown lookup 'gt' for last_name; use one of: exact, startswith.")):
        response = client.get(f"/api/users/?{query}")
        assert response.status_code == 400
        assert body(response)["error"].startswith(fragment), body(response)
    names = [parameter["name"] for parameter in body(client.get("/api/openapi.json"))["paths"]["/users/"]["get"]["parameters"]]
    assert [name for name in names if name.split("__")[0] in {"id", "first_name", "last_name", "address", "age"}] == [
        "first_name", "last_name", "last_name__startswith"]


@pytest.mark.parametrize(("options", "message"), [
    ({"filter_fields": ["age"]}, "'age' is hidden by a view formater"),
    ({"filter_fields": ["nickname"]}, "'nickname' is not an exposed field"),
    ({"order_fields": ["age"]}, "'age' is hidden by a view formater"),
    ({"filter_fields": {"last_name": ["sounds_like"]}}, "'last_name' has no lookup sounds_like"),
])
def test_naming_a_field_a_client_cannot_see_is_a_configuration_error(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        include([hiding_endpoint(**options)])
    assert caught.value.problems[0].id == "E005"  # type: ignore[attr-defined]


def test_exposure_options_name_real_fields(settings: Any) -> None:
    class Broken(AccountEndPoint):
        ressource = {**AccountEndPoint.ressource, "options": {"exclude": ["pasword"]}}

    with pytest.raises(ImproperlyConfigured, match="exclude names 'pasword', which is not a field of User"):
        include([Broken])


def test_fields_exposes_only_those_fields_and_the_pk(settings: Any, client: Any) -> None:
    class Narrow(AccountEndPoint):
        ressource = {**AccountEndPoint.ressource, "options": {"fields": ["username", "email"]}}

    mount(settings, [Narrow])
    user = User.objects.create(username="bob", email="bob@example.com")
    assert body(client.get(f"/api/accounts/{user.pk}/")) == {
        "id": user.pk, "username": "bob", "email": "bob@example.com", "ressource_uri": f"/api/accounts/{user.pk}/"}
