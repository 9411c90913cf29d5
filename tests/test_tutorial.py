"""The seed tutorial's curl transcripts, replayed against the testproject's address book.

Each test sends the request a tutorial page shows to ``/api/`` through Django's
test client and checks the status, the headers and the body the page shows, in
the tutorial's finished form (``addressbook/api.py``: ids hidden, foreign keys as
URIs, pages of 20) and with the documented improvements: JSON ``null`` instead of
the string ``"null"``, the created object in a 201 body, 204 for a delete, URIs as
absolute paths under the ``/api/`` prefix, reserved query parameters never echoed
as filters, and a ``fields`` dict beside each validation error.

Pages of the tutorial that show an earlier stage of the application (no pagination,
ids shown, other pagination keys) are replayed on controllers built here with the
configuration of that page, mounted on a URLconf of their own.
"""

from __future__ import annotations

import importlib.util
import io
import json
import types
from typing import Any

import pytest
from addressbook.api import NoteEndPoint, TagEndPoint, UserEndPoint
from addressbook.models import Address, User
from django.core.management import call_command
from django.urls import path, reverse

from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore, SQLiteDataStore
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.urls import include as api_include
from django_restframework_lite.views import JsonResponse

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture(autouse=True)
def testproject_urls(settings: Any, tmp_path: Any, monkeypatch: Any) -> None:
    """Serve a fresh copy of ``testproject/urls.py`` whose SQLite notes file lives under ``tmp_path``.

    The project's own module would create the notes file in the working tree when
    it builds its URLs; the copy is the same code with only that path moved.
    """
    notes = {"name": str(tmp_path / "notes.db"), "table": "notes"}
    monkeypatch.setattr(NoteEndPoint, "ressource", {**NoteEndPoint.ressource, "ressource": notes})
    spec = importlib.util.find_spec("testproject.urls")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    settings.ROOT_URLCONF = module


def send(client: Any, method: str, url: str, data: Any = None) -> Any:
    """Send what ``curl -X METHOD -H "Content-type: application/json" -d DATA url`` sends."""
    if data is None:
        return client.generic(method, url)
    return client.generic(method, url, json.dumps(data), content_type=JSON)


def answer(response: Any) -> Any:
    """Return the JSON body of a response, after checking it says it is JSON."""
    assert response["Content-Type"] == JSON
    return json.loads(response.content)


def user_pk(first_name: str, last_name: str) -> int:
    return User.objects.get(first_name=first_name, last_name=last_name).pk


def create_user(client: Any, first_name: str, last_name: str, **extra: Any) -> int:
    response = send(client, "POST", "/api/users/", {"first_name": first_name, "last_name": last_name, **extra})
    assert response.status_code == 201, response.content
    return user_pk(first_name, last_name)


def create_address(client: Any, **fields: Any) -> int:
    data = {"country": "France", "city": "Paris", "street": "quais de Valmy", "number": 45, **fields}
    response = send(client, "POST", "/api/address/", data)
    assert response.status_code == 201, response.content
    return Address.objects.get(**data).pk


def user_body(pk: int, first_name: str, last_name: str, address: int | None = None) -> dict[str, Any]:
    """Return a user as the finished tutorial shows it: no id, the address as a URI."""
    return {
        "first_name": first_name,
        "last_name": last_name,
        "address": None if address is None else f"/api/address/{address}/",
        "ressource_uri": f"/api/users/{pk}/",
    }


def page_meta(total: int, *, offset: int = 0, next: str | None = None, previous: str | None = None, filters: dict | None = None) -> dict[str, Any]:
    return {
        "offset": offset,
        "count": 20,
        "total_count": total,
        "next": next,
        "previous": previous,
        "filters": filters or {},
    }


# The demo's mount --------------------------------------------------------------------------


def test_the_api_root_says_hello(client):
    response = send(client, "GET", "/api/")

    assert response.status_code == 200
    assert answer(response) == {"name": "addressbook", "version": "1.0"}


def test_the_endpoints_are_reversible_in_the_addressbook_namespace():
    assert reverse("addressbook:users-list") == "/api/users/"
    assert reverse("addressbook:address-detail", args=[3]) == "/api/address/3/"
    assert reverse("addressbook:tags-detail", args=["work"]) == "/api/tags/work/"
    assert reverse("addressbook:notes-list") == "/api/notes/"


# using_user_endpoint.rst -----------------------------------------------------------------


def test_the_user_list_starts_empty(client):
    response = send(client, "GET", "/api/users/")

    assert response.status_code == 200
    assert answer(response) == {"meta": page_meta(0), "object_list": []}


def test_post_creates_a_user_with_its_location_and_body(client):
    response = send(client, "POST", "/api/users/", {"first_name": "John", "last_name": "Doe"})

    pk = user_pk("John", "Doe")
    assert response.status_code == 201
    assert response["Location"] == f"/api/users/{pk}/"
    assert answer(response) == user_body(pk, "John", "Doe")


def test_get_returns_the_created_user(client):
    pk = create_user(client, "John", "Doe")

    response = send(client, "GET", f"/api/users/{pk}/")

    assert response.status_code == 200
    assert answer(response) == user_body(pk, "John", "Doe")


def test_the_list_shows_the_created_user(client):
    pk = create_user(client, "John", "Doe")

    response = send(client, "GET", "/api/users/")

    assert response.status_code == 200
    assert answer(response) == {"meta": page_meta(1), "object_list": [user_body(pk, "John", "Doe")]}


def test_delete_removes_the_user(client):
    john = create_user(client, "John", "Doe")
    peter = create_user(client, "Peter", "Something")

    response = send(client, "DELETE", f"/api/users/{peter}/")

    assert response.status_code == 204
    assert response.content == b""
    gone = send(client, "GET", f"/api/users/{peter}/")
    assert gone.status_code == 404
    assert answer(gone) == {"error": f"No users with id={peter}."}
    listing = send(client, "GET", "/api/users/")
    assert answer(listing) == {"meta": page_meta(1), "object_list": [user_body(john, "John", "Doe")]}


def test_put_with_every_field_updates_the_user(client):
    pk = create_user(client, "Steve", "Roger")

    response = send(client, "PUT", f"/api/users/{pk}/", {"first_name": "Capitain", "last_name": "America"})

    assert response.status_code == 200
    assert answer(response) == user_body(pk, "Capitain", "America")
    assert User.objects.filter(pk=pk, first_name="Capitain", last_name="America").exists()


def test_put_with_one_field_changes_only_that_field(client):
    pk = create_user(client, "Steve", "Roger")
    send(client, "PUT", f"/api/users/{pk}/", {"first_name": "Capitain", "last_name": "America"})

    response = send(client, "PUT", f"/api/users/{pk}/", {"first_name": "Captain"})

    assert response.status_code == 200
    assert answer(response) == user_body(pk, "Captain", "America")


def test_patch_changes_only_the_given_field(client):
    pk = create_user(client, "Steve", "Roger")

    response = send(client, "PATCH", f"/api/users/{pk}/", {"last_name": "America"})

    assert response.status_code == 200
    assert answer(response) == user_body(pk, "Steve", "America")


def test_a_filter_returns_the_matching_users(client):
    joe = create_user(client, "Joe", "America")
    create_user(client, "John", "Doe")
    bob = create_user(client, "Bob", "America")

    response = send(client, "GET", "/api/users/?last_name=America")

    assert response.status_code == 200
    assert answer(response) == {
        "meta": page_meta(2, filters={"last_name": "America"}),
        "object_list": [user_body(joe, "Joe", "America"), user_body(bob, "Bob", "America")],
    }


def test_several_filters_must_all_match(client):
    joe = create_user(client, "Joe", "America")
    create_user(client, "Bob", "America")
    create_user(client, "Joe", "Doe")

    response = send(client, "GET", "/api/users/?last_name=America&first_name=Joe")

    assert response.status_code == 200
    assert answer(response) == {
        "meta": page_meta(1, filters={"last_name": "America", "first_name": "Joe"}),
        "object_list": [user_body(joe, "Joe", "America")],
    }


def test_a_missing_field_is_a_bad_request(client):
    response = send(client, "POST", "/api/users/", {"first_name": "John"})

    assert response.status_code == 400
    assert answer(response) == {
        "error": "last_name is missing. Cannot create the ressource",
        "fields": {"last_name": "This field is required."},
    }
    assert User.objects.count() == 0


def test_a_value_of_the_wrong_type_is_a_bad_request(client):
    response = send(client, "POST", "/api/users/", {"first_name": 45, "last_name": "Doe"})

    assert response.status_code == 400
    assert answer(response) == {"error": "first_name does not validate", "fields": {"first_name": "Expected a string."}}
    assert User.objects.count() == 0


# adding_validator_datastore.rst ----------------------------------------------------------


def test_unique_together_refuses_a_second_john_doe(client):
    create_user(client, "John", "Doe")

    response = send(client, "POST", "/api/users/", {"first_name": "John", "last_name": "Doe"})

    message = "first_name,last_name must be unique together"
    assert response.status_code == 409
    assert answer(response) == {"error": message, "fields": {"first_name": message, "last_name": message}}
    assert User.objects.filter(first_name="John", last_name="Doe").count() == 1


def test_unique_together_refuses_an_update_onto_another_user(client):
    create_user(client, "John", "Doe")
    pk = create_user(client, "Jane", "Doe")

    response = send(client, "PUT", f"/api/users/{pk}/", {"first_name": "John"})

    assert response.status_code == 409
    message = "first_name,last_name must be unique together"
    assert answer(response) == {"error": message, "fields": {"first_name": message, "last_name": message}}
    assert User.objects.get(pk=pk).first_name == "Jane"


def test_unique_together_accepts_an_update_keeping_the_same_names(client):
    pk = create_user(client, "John", "Doe")

    response = send(client, "PUT", f"/api/users/{pk}/", {"first_name": "John", "last_name": "Doe"})

    assert response.status_code == 200
    assert answer(response) == user_body(pk, "John", "Doe")


# representing_data.rst -------------------------------------------------------------------


def test_remove_id_hides_the_pk_and_keeps_the_ressource_uri(client):
    pk = create_user(client, "Captain", "America")

    body = answer(send(client, "GET", f"/api/users/{pk}/"))

    assert "id" not in body
    assert body["ressource_uri"] == f"/api/users/{pk}/"


def test_a_body_sent_back_as_received_is_accepted(client):
    pk = create_user(client, "Captain", "America")
    received = answer(send(client, "GET", f"/api/users/{pk}/"))

    response = send(client, "PUT", f"/api/users/{pk}/", {**received, "first_name": "Super"})

    assert response.status_code == 200
    assert answer(response) == user_body(pk, "Super", "America")


# work_with_pagination.rst ----------------------------------------------------------------


def fill_users(count: int) -> list[int]:
    """Create ``count`` users the way the tutorial's script does, straight into the store."""
    User.objects.bulk_create(User(first_name=f"first{n}", last_name=f"last{n}") for n in range(count))
    return list(User.objects.order_by("id").values_list("id", flat=True))


def test_the_first_page_holds_twenty_users_and_links_to_the_next(client):
    pks = fill_users(205)

    response = send(client, "GET", "/api/users/")

    body = answer(response)
    assert response.status_code == 200
    assert body["meta"] == page_meta(205, next="/api/users/?offset=20")
    assert body["object_list"] == [user_body(pk, f"first{n}", f"last{n}") for n, pk in enumerate(pks[:20])]


def test_the_next_link_gives_the_following_page(client):
    pks = fill_users(205)

    response = send(client, "GET", "/api/users/?offset=20")

    body = answer(response)
    assert response.status_code == 200
    assert body["meta"] == page_meta(205, offset=20, next="/api/users/?offset=40", previous="/api/users/?offset=0")
    assert [user["ressource_uri"] for user in body["object_list"]] == [f"/api/users/{pk}/" for pk in pks[20:40]]


def test_the_last_page_has_no_next_link(client):
    pks = fill_users(205)

    body = answer(send(client, "GET", "/api/users/?offset=200"))

    assert body["meta"] == page_meta(205, offset=200, previous="/api/users/?offset=180")
    assert [user["ressource_uri"] for user in body["object_list"]] == [f"/api/users/{pk}/" for pk in pks[200:]]


def test_a_count_above_the_maximum_is_lowered_to_it(client):
    fill_users(45)

    body = answer(send(client, "GET", "/api/users/?count=50"))

    assert body["meta"]["count"] == 20
    assert len(body["object_list"]) == 20


def test_next_and_previous_keep_the_filters(client):
    User.objects.bulk_create(User(first_name=f"Joe{n}", last_name="America") for n in range(45))
    create_user(client, "John", "Doe")

    body = answer(send(client, "GET", "/api/users/?last_name=America&offset=20"))

    assert body["meta"] == page_meta(
        45,
        offset=20,
        next="/api/users/?last_name=America&offset=40",
        previous="/api/users/?last_name=America&offset=0",
        filters={"last_name": "America"},
    )


def test_pagination_and_filters_play_together(client):
    joe = create_user(client, "Joe", "America")
    create_user(client, "John", "Doe")
    bob = create_user(client, "Bob", "America")

    body = answer(send(client, "GET", "/api/users/?last_name=America"))

    assert body == {
        "meta": page_meta(2, filters={"last_name": "America"}),
        "object_list": [user_body(joe, "Joe", "America"), user_body(bob, "Bob", "America")],
    }


@pytest.mark.parametrize(("key", "value"), [("offset", "abc"), ("offset", "-1"), ("count", "x"), ("count", "-5")])
def test_a_bad_offset_or_count_is_a_bad_request(client, key, value):
    response = send(client, "GET", f"/api/users/?{key}={value}")

    assert response.status_code == 400
    assert answer(response) == {
        "error": f"{key} must be a non-negative integer, not '{value}'.",
        "fields": {key: "Expected a non-negative integer."},
    }


# adding_endpoint.rst ---------------------------------------------------------------------


def test_the_address_endpoint_inherits_the_user_endpoint_options(client):
    response = send(client, "GET", "/api/address/")

    assert response.status_code == 200
    assert answer(response) == {"meta": page_meta(0), "object_list": []}


# related_ressources.rst ------------------------------------------------------------------


def test_post_creates_an_address(client):
    response = send(client, "POST", "/api/address/", {"country": "France", "city": "Paris", "street": "quais de Valmy", "number": 45})

    pk = Address.objects.get().pk
    assert response.status_code == 201
    assert response["Location"] == f"/api/address/{pk}/"
    assert answer(response) == {
        "country": "France",
        "city": "Paris",
        "street": "quais de Valmy",
        "number": 45,
        "ressource_uri": f"/api/address/{pk}/",
    }


def test_a_user_may_reference_an_address_by_its_id(client):
    address = create_address(client)

    response = send(client, "POST", "/api/users/", {"first_name": "Super", "last_name": "Dupont", "address": address})

    pk = user_pk("Super", "Dupont")
    assert response.status_code == 201
    assert answer(response) == user_body(pk, "Super", "Dupont", address)
    assert User.objects.get(pk=pk).address_id == address


def test_a_reference_to_a_missing_address_is_refused(client):
    address = create_address(client)

    response = send(client, "POST", "/api/users/", {"first_name": "Super", "last_name": "Man", "address": address + 1})

    body = answer(response)
    assert response.status_code == 400
    assert body["error"] == "address does not validate"
    assert list(body["fields"]) == ["address"]
    assert User.objects.count() == 0


def test_the_address_of_a_user_is_readable(client):
    address = create_address(client)
    create_user(client, "Super", "Dupont", address=address)

    response = send(client, "GET", f"/api/address/{address}/")

    assert response.status_code == 200
    assert answer(response) == {
        "country": "France",
        "city": "Paris",
        "street": "quais de Valmy",
        "number": 45,
        "ressource_uri": f"/api/address/{address}/",
    }


def test_users_are_found_from_their_address_id(client):
    address = create_address(client)
    other = create_address(client, number=46)
    pk = create_user(client, "Super", "Dupont", address=address)
    create_user(client, "Joe", "America", address=other)

    body = answer(send(client, "GET", f"/api/users/?address={address}"))

    assert body["meta"]["total_count"] == 1
    assert body["object_list"] == [user_body(pk, "Super", "Dupont", address)]


def test_an_address_that_someone_lives_at_cannot_be_deleted(client):
    address = create_address(client)
    create_user(client, "Super", "Dupont", address=address)

    response = send(client, "DELETE", f"/api/address/{address}/")

    assert response.status_code == 409
    assert answer(response) == {"error": "Cannot delete this ressource: users still reference it through address."}
    assert Address.objects.filter(pk=address).exists()


# represent_related.rst -------------------------------------------------------------------


def test_the_foreign_key_is_shown_as_a_ressource_uri(client):
    address = create_address(client)
    pk = create_user(client, "Super", "Dupont", address=address)

    response = send(client, "GET", "/api/users/")

    assert answer(response) == {"meta": page_meta(1), "object_list": [user_body(pk, "Super", "Dupont", address)]}
    assert answer(response)["object_list"][0]["address"] == f"/api/address/{address}/"


def test_the_foreign_key_is_accepted_as_a_ressource_uri(client):
    address = create_address(client)

    response = send(client, "POST", "/api/users/", {"first_name": "Captain", "last_name": "America", "address": f"/api/address/{address}/"})

    pk = user_pk("Captain", "America")
    assert response.status_code == 201
    assert response["Location"] == f"/api/users/{pk}/"
    assert answer(response) == user_body(pk, "Captain", "America", address)
    assert User.objects.get(pk=pk).address_id == address


def test_an_update_may_give_the_foreign_key_as_a_ressource_uri(client):
    first = create_address(client)
    second = create_address(client, city="Lyon")
    pk = create_user(client, "Captain", "America", address=first)

    response = send(client, "PATCH", f"/api/users/{pk}/", {"address": f"/api/address/{second}/"})

    assert response.status_code == 200
    assert answer(response) == user_body(pk, "Captain", "America", second)


def test_a_ressource_uri_to_a_missing_address_is_refused(client):
    address = create_address(client)

    response = send(client, "POST", "/api/users/", {"first_name": "Captain", "last_name": "America", "address": f"/api/address/{address + 1}/"})

    body = answer(response)
    assert response.status_code == 400
    assert body["error"] == "address does not validate"
    assert list(body["fields"]) == ["address"]
    assert User.objects.count() == 0


def test_a_ressource_uri_of_another_ressource_is_refused(client):
    """The seed's transcript sends "/adress/1/" (sic) and its formater reads only the id; here the path must name address."""
    address = create_address(client)

    response = send(client, "POST", "/api/users/", {"first_name": "Captain", "last_name": "America", "address": f"/adress/{address}/"})

    body = answer(response)
    assert response.status_code == 400
    assert body["error"] == "address does not validate"
    assert list(body["fields"]) == ["address"]
    assert User.objects.count() == 0


def test_users_are_found_from_the_ressource_uri_of_their_address(client):
    address = create_address(client)
    other = create_address(client, number=46)
    super_dupont = create_user(client, "Super", "Dupont", address=address)
    supe_dupont = create_user(client, "Supe", "Dupont", address=f"/api/address/{address}/")
    create_user(client, "Joe", "America", address=other)

    response = send(client, "GET", f"/api/users/?address=/api/address/{address}/")

    assert response.status_code == 200
    assert answer(response) == {
        "meta": page_meta(2, filters={"address": address}),
        "object_list": [
            user_body(super_dupont, "Super", "Dupont", address),
            user_body(supe_dupont, "Supe", "Dupont", address),
        ],
    }


# partial-response.rst --------------------------------------------------------------------


def test_a_partial_list_returns_only_the_asked_fields(client):
    address = create_address(client)

    response = send(client, "GET", "/api/address/?fields=city,country")

    assert response.status_code == 200
    assert answer(response) == {
        "meta": page_meta(1),
        "object_list": [{"city": "Paris", "country": "France", "ressource_uri": f"/api/address/{address}/"}],
    }


def test_a_partial_unique_get_returns_only_the_asked_fields(client):
    address = create_address(client)

    response = send(client, "GET", f"/api/address/{address}/?fields=city")

    assert response.status_code == 200
    assert answer(response) == {"city": "Paris", "ressource_uri": f"/api/address/{address}/"}


def test_a_partial_response_on_an_unknown_field_is_a_bad_request(client):
    create_address(client)

    response = send(client, "GET", "/api/address/?fields=city,planet")

    assert response.status_code == 400
    assert answer(response) == {
        "error": "Unknown field in fields: planet.",
        "fields": {"fields": "planet: not a field of this ressource."},
    }


# The tutorial's earlier stages, on controllers configured as those pages show them -------


class FirstStepUserEndPoint(Controller):
    """first_step.rst: no options at all (no pagination, the default view formaters)."""

    ressource = {"ressource_name": "users", "ressource": User, "datastore": DjangoModelDataStore}
    controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "DELETE"]}
    view = {"response_class": JsonResponse}


class RenamedKeysUserEndPoint(UserEndPoint):
    """work_with_pagination.rst's note: the offset and count keys renamed."""

    controller = {
        **UserEndPoint.controller,
        "options": {**UserEndPoint.controller["options"], "pagination": Pagination(20, offset_key="first_id", count_key="limit")},
    }


def mount(settings: Any, **apis: list[type[Controller]]) -> None:
    """Serve each list of controllers under /<name>/ for this test only."""
    urlconf = types.ModuleType("tutorial_stage_urls")
    urlconf.urlpatterns = [path(f"{name}/", api_include(controllers, name=name)) for name, controllers in apis.items()]
    settings.ROOT_URLCONF = urlconf


def test_first_step_list_has_only_filters_in_its_meta(client, settings):
    mount(settings, first=[FirstStepUserEndPoint])

    response = send(client, "GET", "/first/users/")

    assert response.status_code == 200
    assert answer(response) == {"meta": {"filters": {}}, "object_list": []}


def test_first_step_shows_the_id_and_the_ressource_uri(client, settings):
    mount(settings, first=[FirstStepUserEndPoint])
    created = send(client, "POST", "/first/users/", {"first_name": "John", "last_name": "Doe"})
    pk = user_pk("John", "Doe")

    response = send(client, "GET", f"/first/users/{pk}/")

    assert created["Location"] == f"/first/users/{pk}/"
    expected = {"first_name": "John", "id": pk, "last_name": "Doe", "address": None, "ressource_uri": f"/first/users/{pk}/"}
    assert answer(response) == expected
    assert answer(send(client, "GET", "/first/users/")) == {"meta": {"filters": {}}, "object_list": [expected]}


def test_first_step_refuses_a_verb_it_does_not_list(client, settings):
    mount(settings, first=[FirstStepUserEndPoint])
    create = send(client, "POST", "/first/users/", {"first_name": "John", "last_name": "Doe"})
    pk = user_pk("John", "Doe")

    response = send(client, "PATCH", f"/first/users/{pk}/", {"first_name": "Joe"})

    assert create.status_code == 201
    assert response.status_code == 405
    assert sorted(response["Allow"].replace(" ", "").split(",")) == sorted(["GET", "PUT", "DELETE", "HEAD", "OPTIONS"])


def test_renamed_pagination_keys_are_used_in_meta_and_links(client, settings):
    mount(settings, renamed=[RenamedKeysUserEndPoint])
    fill_users(45)

    body = answer(send(client, "GET", "/renamed/users/?first_id=20&limit=10"))

    assert body["meta"] == {
        "first_id": 20,
        "limit": 10,
        "total_count": 45,
        "next": "/renamed/users/?first_id=30&limit=10",
        "previous": "/renamed/users/?first_id=10&limit=10",
        "filters": {},
    }
    assert len(body["object_list"]) == 10


def test_renamed_pagination_keys_start_at_zero(client, settings):
    mount(settings, renamed=[RenamedKeysUserEndPoint])
    fill_users(45)

    body = answer(send(client, "GET", "/renamed/users/"))

    assert body["meta"] == {
        "first_id": 0,
        "limit": 20,
        "total_count": 45,
        "next": "/renamed/users/?first_id=20",
        "previous": None,
        "filters": {},
    }


# The other datastores of the demo --------------------------------------------------------


def test_tags_live_in_a_python_list(client, settings):
    tags = [{"name": "family", "description": "Relatives"}]

    class Tags(TagEndPoint):
        ressource = {**TagEndPoint.ressource, "ressource": tags}

    mount(settings, demo=[Tags])

    created = send(client, "POST", "/demo/tags/", {"name": "work"})
    listing = send(client, "GET", "/demo/tags/")
    deleted = send(client, "DELETE", "/demo/tags/family/")

    assert created.status_code == 201
    assert created["Location"] == "/demo/tags/work/"
    assert answer(created) == {"name": "work", "description": "", "ressource_uri": "/demo/tags/work/"}
    assert answer(listing) == {
        "meta": {"filters": {}},
        "object_list": [
            {"name": "family", "description": "Relatives", "ressource_uri": "/demo/tags/family/"},
            {"name": "work", "description": "", "ressource_uri": "/demo/tags/work/"},
        ],
    }
    assert deleted.status_code == 204
    assert tags == [{"name": "work", "description": ""}]


def test_notes_live_in_a_sqlite_file(client, settings, tmp_path):
    database = tmp_path / "notes.db"

    class Notes(NoteEndPoint):
        ressource = {**NoteEndPoint.ressource, "ressource": {"name": str(database), "table": "notes"}}

    mount(settings, demo=[Notes])

    created = send(client, "POST", "/demo/notes/", {"title": "Call John", "priority": 3})
    pk = int(created["Location"].split("/")[-2])
    updated = send(client, "PATCH", f"/demo/notes/{pk}/", {"body": "About the demo."})
    filtered = send(client, "GET", "/demo/notes/?priority__gte=2")
    too_high = send(client, "POST", "/demo/notes/", {"title": "Urgent", "priority": 9})

    assert created.status_code == 201
    assert answer(created) == {"id": pk, "title": "Call John", "body": "", "priority": 3, "ressource_uri": f"/demo/notes/{pk}/"}
    assert answer(updated) == {"id": pk, "title": "Call John", "body": "About the demo.", "priority": 3, "ressource_uri": f"/demo/notes/{pk}/"}
    assert answer(filtered)["object_list"] == [answer(updated)]
    assert too_high.status_code == 400
    assert answer(too_high) == {
        "error": "priority does not validate",
        "fields": {"priority": "Ensure this value is less than or equal to 5."},
    }
    assert SQLiteDataStore({"name": str(database), "table": "notes"}, NoteEndPoint.ressource["model"]).count() == 1


# The sample data command ----------------------------------------------------------------


def test_load_addressbook_fills_the_demo_once(client, settings, tmp_path):
    settings.ADDRESSBOOK_SQLITE_PATH = str(tmp_path / "notes.db")

    first, second = io.StringIO(), io.StringIO()
    call_command("load_addressbook", stdout=first)
    call_command("load_addressbook", stdout=second)

    assert User.objects.count() == 200
    assert Address.objects.count() == 5
    assert first.getvalue() == ("addresses: 5 (5 new), users: 200 (200 new), notes: 4 (4 new), accounts: 2 (2 new), "
                                "documents: 2 (2 new)\n")
    assert second.getvalue() == ("addresses: 5 (0 new), users: 200 (0 new), notes: 4 (0 new), accounts: 2 (0 new), "
                                 "documents: 2 (0 new)\n")
    body = answer(send(client, "GET", "/api/users/"))
    assert body["meta"]["total_count"] == 200
    assert body["meta"]["next"] == "/api/users/?offset=20"
