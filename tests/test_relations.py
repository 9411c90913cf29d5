"""Relations: filter, order, search and expand across foreign keys, and nested routes (API.md 13).

The same endpoints run on the ORM (``addressbook.User`` -> ``addressbook.Address``)
and between sibling stores of one ``include()`` (users on a Python list,
addresses in a SQLite file): every answer must be the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from django_restframework_lite import models
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore, PythonListDataStore, SQLiteDataStore
from django_restframework_lite.formaters import hides, remove_id
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.urls import include
from tests.http_support import UserModel, mount
from tests.protection_support import AddressModel
from tests.stores import close_stores

pytestmark = pytest.mark.django_db

USER_OPTIONS = {
    "pagination": Pagination(50),
    "filter_fields": ["last_name", "address", "address__city"],
    "order_fields": ["last_name", "address__city"],
    "search_fields": ["last_name", "address__city"],
    "expand": ["address"],
    "parents": ["address"],
}
ADDRESSES = [("France", "Paris", "quai de Valmy", 45), ("France", "Lyon", "rue Neuve", 3), ("Spain", "Madrid", "Gran Via", 7)]
PEOPLE = [("Ann", "Smith", 0), ("Bob", "Parker", 2), ("Cid", "Doe", 1), ("Dee", "Roe", None)]


def ressources(kind: str, tmp_path: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the address and users ressource dicts of ``kind``."""
    if kind == "orm":
        from addressbook.models import Address, User

        return ({"ressource_name": "address", "ressource": Address, "datastore": DjangoModelDataStore},
                {"ressource_name": "users", "ressource": User, "datastore": DjangoModelDataStore})
    return ({"ressource_name": "address", "ressource": {"name": str(tmp_path / "rel.db"), "table": "address"},
             "model": AddressModel, "datastore": SQLiteDataStore},
            {"ressource_name": "users", "ressource": [], "model": UserModel, "datastore": PythonListDataStore})


def endpoints(kind: str, tmp_path: Any, *, address_scope: dict[str, Any] | None = None,
              user_options: dict[str, Any] | None = None) -> list[type[Controller]]:
    address, users = ressources(kind, tmp_path)

    class AddressEndPoint(Controller):
        ressource = address
        controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"]}
        view = {"options": {"formaters": ["add_ressource_uri", remove_id]}}

        def scope(self, request: Any) -> dict[str, Any]:
            return dict(address_scope or {})

    class UserEndPoint(Controller):
        ressource = users
        controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],
                      "options": user_options if user_options is not None else USER_OPTIONS}

    # Users first: a foreign key finds its target whatever the order of the controllers.
    return [UserEndPoint, AddressEndPoint]


def post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def fill(client: Any) -> list[int]:
    pks = []
    for country, city, street, number in ADDRESSES:
        response = post(client, "/api/address/", {"country": country, "city": city, "street": street, "number": number})
        assert response.status_code == 201, response.content
        pks.append(int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    for first, last, home in PEOPLE:
        body = {"first_name": first, "last_name": last, "address": None if home is None else pks[home]}
        assert post(client, "/api/users/", body).status_code == 201
    return pks


@pytest.fixture(params=["orm", "list-and-sqlite"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def api(kind: str, tmp_path: Any, settings: Any, client: Any) -> Iterator[Any]:
    built = mount(settings, endpoints(kind, tmp_path))
    built.addresses = fill(client)
    yield built
    close_stores(built.registry.values())


def names(client: Any, query: str, base: str = "/api/users/") -> list[str]:
    response = client.get(f"{base}?{query}")
    assert response.status_code == 200, response.content
    return [user["first_name"] for user in response.json()["object_list"]]


def test_filters_across_a_foreign_key(api: Any, client: Any, kind: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert names(client, "address__city=Paris") == ["Ann"]
    if kind == "orm":
        assert len(queries) == 1  # a subquery: the addresses and the page in one statement
    assert names(client, "address__city=Paris") == ["Ann"]
    assert names(client, "address__city__icontains=PAR") == ["Ann"]
    assert names(client, "address__city__in=Lyon,Madrid") == ["Bob", "Cid"]
    assert names(client, "address__city=Rome") == []
    assert client.get("/api/users/?address__city=Paris&last_name=Smith").json()["meta"]["filters"] == {
        "address__city": "Paris", "last_name": "Smith"}


@pytest.mark.parametrize(("query", "message"), [
    ("address__country=France", "Cannot filter on address__country"),
    ("address__street=Gran+Via", "Cannot filter on address__street"),
    ("address__city__gt=M", "Unknown lookup 'gt' for address__city"),
    ("order_by=address__country", "Cannot order by address__country"),
    ("order_by=first_name", "Cannot order by first_name: ordering by it is not allowed."),
])
def test_unlisted_relation_paths_are_400s(settings: Any, client: Any, tmp_path: Any, kind: str, query: str,
                                          message: str) -> None:
    options = {**USER_OPTIONS, "filter_fields": {"last_name": ["exact"], "address__city": ["exact", "icontains", "in"]}}
    built = mount(settings, endpoints(kind, tmp_path, user_options=options))
    try:
        fill(client)
        response = client.get(f"/api/users/?{query}")
        assert response.status_code == 400, response.content
        assert response.json()["error"].startswith(message)
        assert names(client, "address__city__in=Lyon,Paris") == ["Ann", "Cid"]
    finally:
        close_stores(built.registry.values())


def test_orders_across_a_foreign_key_with_nulls_first(api: Any, client: Any) -> None:
    assert names(client, "order_by=address__city") == ["Dee", "Cid", "Bob", "Ann"]
    assert names(client, "order_by=-address__city") == ["Ann", "Bob", "Cid", "Dee"]
    assert names(client, "order_by=-address__city&count=2&offset=1")[:2] == ["Bob", "Cid"]
    meta = client.get("/api/users/?order_by=address__city&count=2").json()["meta"]
    assert (meta["total_count"], meta["next"]) == (4, "/api/users/?order_by=address__city&count=2&offset=2")


def test_search_matches_any_listed_field_ignoring_case(api: Any, client: Any) -> None:
    assert names(client, "search=par") == ["Ann", "Bob"]
    assert names(client, "search=DOE") == ["Cid"]
    assert names(client, "search=") == ["Ann", "Bob", "Cid", "Dee"]
    assert client.get("/api/users/?search=par").json()["meta"]["filters"] == {}


def test_expand_embeds_the_related_object_as_its_endpoint_renders_it(api: Any, client: Any) -> None:
    users = client.get("/api/users/?expand=address&order_by=last_name").json()["object_list"]
    by_name = {user["first_name"]: user for user in users}
    for first, _, home in PEOPLE:
        address = by_name[first]["address"]
        if home is None:
            assert address is None
        else:
            assert address == client.get(f"/api/address/{api.addresses[home]}/").json()
            assert "id" not in address  # the address endpoint's remove_id applies
    one = client.get(f"/api/users/{users[0]['ressource_uri'].split('/')[-2]}/?expand=address").json()
    assert one["address"] == by_name[one["first_name"]]["address"]


@pytest.mark.parametrize(("query", "message"), [
    ("expand=last_name", "Cannot expand last_name"), ("expand=nothing", "Cannot expand nothing"),
])
def test_expand_takes_only_listed_relations(api: Any, client: Any, query: str, message: str) -> None:
    response = client.get(f"/api/users/?{query}")
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)


def test_search_and_expand_are_400s_where_not_configured(settings: Any, client: Any, tmp_path: Any, kind: str) -> None:
    built = mount(settings, endpoints(kind, tmp_path, user_options={}))
    try:
        assert client.get("/api/users/?search=a").json() == {
            "error": "This endpoint has no search.", "fields": {"search": "Not available here."}}
        assert client.get("/api/users/?expand=address").status_code == 400
    finally:
        close_stores(built.registry.values())


def count_reads(kind: str, api: Any) -> Any:
    """Return a context counting the SQL statements an expanded page costs."""
    if kind == "orm":
        return CaptureQueriesContext(connection)
    return StoreCalls(api.registry["address"])


class StoreCalls:
    """Count the statements a SQLite store runs in a block, like CaptureQueriesContext."""

    def __init__(self, store: Any) -> None:
        self.store, self.calls = store, 0

    def __enter__(self) -> StoreCalls:
        execute = self.store.execute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return execute(*args, **kwargs)

        self.store.execute = counted
        return self

    def __exit__(self, *exc: Any) -> None:
        del self.store.execute

    def __len__(self) -> int:
        return self.calls


def test_an_expanded_page_costs_the_same_for_5_rows_as_for_50(api: Any, client: Any, kind: str) -> None:
    for index in range(50):
        post(client, "/api/users/", {"first_name": f"U{index}", "last_name": "Many", "address": api.addresses[index % 3]})
    costs = []
    for count in (5, 50):
        with count_reads(kind, api) as reads:
            response = client.get(f"/api/users/?expand=address&last_name=Many&count={count}")
        assert len(response.json()["object_list"]) == count
        assert all(isinstance(user["address"], dict) for user in response.json()["object_list"])
        costs.append(len(reads))
    assert costs[0] == costs[1]


def test_relations_see_only_what_the_related_endpoint_shows(settings: Any, client: Any, tmp_path: Any, kind: str) -> None:
    scope: dict[str, Any] = {}
    built = mount(settings, endpoints(kind, tmp_path, address_scope=scope))
    try:
        pks = fill(client)
        scope["country"] = "France"  # from now on the address endpoint shows French addresses only
        assert names(client, "address__city=Madrid") == []
        assert names(client, "search=par") == ["Ann", "Bob"]  # Bob by his last name; Madrid is not searched
        assert names(client, "search=madrid") == []
        assert names(client, "order_by=address__city") == ["Bob", "Dee", "Cid", "Ann"]  # Madrid is hidden: NULL
        bob = next(user for user in client.get("/api/users/?expand=address").json()["object_list"]
                   if user["first_name"] == "Bob")
        assert bob["address"] == pks[2]  # not embedded: the foreign key's value stays
        assert client.get(f"/api/address/{pks[2]}/users/").status_code == 404
    finally:
        close_stores(built.registry.values())


def test_nested_route_lists_the_children_of_a_parent(api: Any, client: Any) -> None:
    paris, lyon, _ = api.addresses
    assert names(client, "", f"/api/address/{paris}/users/") == ["Ann"]
    assert names(client, "last_name=Doe", f"/api/address/{lyon}/users/") == ["Cid"]
    assert reverse("address-users-list", kwargs={"parent": paris}) == f"/api/address/{paris}/users/"
    missing = client.get("/api/address/999/users/")
    assert missing.status_code == 404
    assert missing.json() == {"error": "No address with id=999."}


def test_nested_post_sets_the_parent_from_the_url(api: Any, client: Any) -> None:
    paris, lyon, _ = api.addresses
    response = post(client, f"/api/address/{lyon}/users/", {"first_name": "Fay", "last_name": "Lee"})
    assert response.status_code == 201, response.content
    assert response.json()["address"] == lyon
    assert names(client, "", f"/api/address/{lyon}/users/") == ["Cid", "Fay"]
    before = client.get("/api/users/").json()
    refused = post(client, f"/api/address/{lyon}/users/", {"first_name": "Gus", "last_name": "Lee", "address": paris})
    assert refused.status_code == 400
    assert refused.json()["error"] == "address does not validate"
    assert post(client, "/api/address/999/users/", {"first_name": "Hal", "last_name": "Lee"}).status_code == 404
    assert client.get("/api/users/").json() == before
    same = post(client, f"/api/address/{lyon}/users/", {"first_name": "Ivy", "last_name": "Lee", "address": lyon})
    assert same.status_code == 201


def test_relations_are_described(api: Any, client: Any) -> None:
    document = client.get("/api/openapi.json").json()
    parameters = {parameter["name"]: parameter for parameter in document["paths"]["/users/"]["get"]["parameters"]}
    for name in ("address__city", "address__city__icontains", "address__city__in", "search", "expand"):
        assert name in parameters, name
    assert parameters["expand"]["schema"] == {"type": "array", "items": {"type": "string", "enum": ["address"]}}
    assert {"address__city", "-address__city"} <= set(parameters["order_by"]["schema"]["items"]["enum"])
    assert "/address/{parent}/users/" in document["paths"]
    assert set(document["paths"]["/address/{parent}/users/"]) >= {"get", "post", "parameters"}
    page = client.get("/api/docs/").content.decode()
    for text in ("address__city", "/api/address/{address}/users/", "?search=", "?expand="):
        assert text in page, text


# Several hops, between sibling stores of three kinds --------------------------------------------------


class CountryModel(models.Model):
    fields = [models.PkField(name="id"), models.StringField(name="name", required=True)]


class PlaceModel(models.Model):
    fields = [models.PkField(name="id"), models.StringField(name="city", required=True),
              models.IntForeign(name="country", nullable=True, foreign={"table": "country"})]


def test_a_path_may_take_several_hops(settings: Any, client: Any, tmp_path: Any) -> None:
    countries = [{"id": 1, "name": "France"}, {"id": 2, "name": "Spain"}]
    places = SQLiteDataStore({"name": str(tmp_path / "hops.db"), "table": "address"}, PlaceModel)
    for city, country in (("Paris", 1), ("Madrid", 2)):
        places.create({"city": city, "country": country})
    places.close()
    people = [{"id": 1, "first_name": "Ann", "last_name": "A", "address": 1},
              {"id": 2, "first_name": "Bob", "last_name": "B", "address": 2}]

    class Countries(Controller):
        ressource = {"ressource_name": "country", "ressource": countries, "model": CountryModel,
                     "datastore": PythonListDataStore}
        controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"]}

    class Places(Controller):
        ressource = {"ressource_name": "address", "ressource": {"name": str(tmp_path / "hops.db"), "table": "address"},
                     "model": PlaceModel, "datastore": SQLiteDataStore}
        controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"]}

    class People(Controller):
        ressource = {"ressource_name": "users", "ressource": people, "model": UserModel, "datastore": PythonListDataStore}
        controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"],
                      "options": {"filter_fields": ["address__country__name"], "order_fields": ["address__country__name"]}}

    built = mount(settings, [People, Places, Countries])
    try:
        assert names(client, "address__country__name=Spain") == ["Bob"]
        assert names(client, "order_by=-address__country__name") == ["Bob", "Ann"]
    finally:
        close_stores(built.registry.values())


# Configuration ---------------------------------------------------------------------------------


@hides("street")
def without_street(view: Any, obj: dict[str, Any]) -> dict[str, Any]:
    obj.pop("street", None)
    return obj


@pytest.mark.parametrize(("options", "message"), [
    ({"filter_fields": ["address__street"]}, "address shows no field 'street'"),
    ({"order_fields": ["last_name__city"]}, "'last_name' is not a foreign key of users"),
    ({"search_fields": ["address__number"]}, "'address__number' is not text"),
    ({"expand": ["last_name"]}, "'last_name' is not a foreign key of users"),
    ({"parents": ["first_name"]}, "'first_name' is not a foreign key of users"),
])
def test_a_relation_option_naming_what_it_cannot_reach_is_a_configuration_error(
    tmp_path: Any, options: dict[str, Any], message: str
) -> None:
    users, address = endpoints("list-and-sqlite", tmp_path, user_options=options)
    address.view = {"options": {"formaters": ["add_ressource_uri", without_street]}}
    with pytest.raises(Exception, match=message) as caught:
        include([users, address])
    assert caught.value.problems[0].id == "E005"  # type: ignore[attr-defined]


def test_a_foreign_key_to_no_sibling_cannot_be_expanded(tmp_path: Any) -> None:
    users, _ = endpoints("list-and-sqlite", tmp_path, user_options={"expand": ["address"]})
    with pytest.raises(Exception, match="refers to 'address', which no endpoint of this include"):
        include([users])


# Many-to-many ----------------------------------------------------------------------------------


def test_a_many_to_many_expands_to_a_list_in_one_query_per_page(settings: Any, client: Any) -> None:
    from addressbook.api import DocumentEndPoint, LabelEndPoint
    from addressbook.models import Document, Label

    class Documents(DocumentEndPoint):
        controller = {**DocumentEndPoint.controller, "options": {"pagination": Pagination(50), "expand": ["labels"]}}

    mount(settings, [Documents, LabelEndPoint])
    labels = [Label.objects.create(name=name) for name in ("invoice", "lease", "insurance")]
    for index in range(50):
        document = Document.objects.create(title=f"D{index}", issued="2025-01-01")
        document.labels.set(labels[: index % 3 + 1])
    costs = []
    for count in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(f"/api/documents/?expand=labels&count={count}").json()
        assert len(answer["object_list"]) == count
        costs.append(len(queries))
    assert costs[0] == costs[1]
    first = next(document for document in answer["object_list"] if document["title"] == "D1")  # labels 1 and 2
    assert first["labels"] == [client.get(f"/api/labels/{label.pk}/").json() for label in labels[:2]]
