"""How DjangoModelDataStore derives the types of API.md section 11, and what the ORM adds to the store contract.

The derived models equal the explicit ones the list and SQLite stores are given
(tests/stores.py); a page with many-to-many fields costs the same number of
queries for 5 rows as for 50; links through a custom ``through`` model are
read-only; a ``GeneratedField`` is read-only with its output's type; a
``CompositePrimaryKey`` and an unknown field type are configuration errors.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.test.utils import CaptureQueriesContext, isolate_apps
from inventory.models import Category, Crate, Everything, Gadget, Packing, Ticket

from django_restframework_lite import models as api_models
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore
from django_restframework_lite.datastore.orm import field_from_django
from django_restframework_lite.pagination import Pagination
from tests.http_support import mount
from tests.stores import GadgetModel, TicketModel

pytestmark = pytest.mark.django_db

VERBS = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"]}


def endpoint(name: str, ressource: Any, **options: Any) -> type[Controller]:
    return type(f"{name.title()}EndPoint", (Controller,), {
        "ressource": {"ressource_name": name, "ressource": ressource, "datastore": DjangoModelDataStore},
        "controller": {**VERBS, "options": options},
    })


def signature(field: api_models.Field) -> tuple[Any, ...]:
    """What must agree between a derived field and the explicit one: class and options."""
    items = getattr(field, "items", None)
    return (type(field).__name__, field.required, field.nullable, field.read_only, field.max_length,
            getattr(field, "max_digits", None), getattr(field, "decimal_places", None), field.assigned_by_store,
            type(items).__name__ if items is not None else None, getattr(field, "foreign", None),
            field.get_default() if field.default is not api_models.fields.NOT_PROVIDED else "no default")


@pytest.mark.parametrize(("django_model", "explicit"), [(Gadget, GadgetModel), (Ticket, TicketModel)])
def test_the_derived_models_are_the_explicit_ones_of_the_contract_suite(django_model: Any, explicit: Any) -> None:
    stores = {"category": DjangoModelDataStore(Category), "ticket": DjangoModelDataStore(Ticket),
              "gadget": DjangoModelDataStore(Gadget)}
    for name, store in stores.items():
        store.bind(stores, name)
    derived = stores[django_model._meta.model_name].model
    assert [signature(field) for field in derived.get_fields()] == [signature(field) for field in explicit().get_fields()]
    if django_model is Gadget:
        assert derived.get_field("made").description == "The day it was made."


def test_every_django_type_is_derived() -> None:
    model = DjangoModelDataStore(Everything).model
    classes = {field.name: type(field).__name__ for field in model.get_fields()}
    assert classes == {
        "id": "UUIDPkField", "char": "StringField", "text": "StringField", "slug": "SlugField", "email": "EmailField",
        "url": "URLField", "integer": "IntegerField", "big": "IntegerField", "small": "IntegerField",
        "positive": "IntegerField", "positive_small": "IntegerField", "positive_big": "IntegerField",
        "floating": "FloatField", "decimal": "DecimalField", "boolean": "BooleanField", "date": "DateField",
        "datetime": "DateTimeField", "time": "TimeField", "duration": "DurationField", "uuid": "UUIDField",
        "json": "JSONField", "binary": "BinaryField", "ip": "IPAddressField", "file": "FileField", "image": "FileField",
        "path": "StringField", "shelf": "IntForeign", "label": "IntForeign", "doubled": "IntegerField",
        "categories": "ManyToManyField",
    }
    pk = model.pk_field
    # An editable UUID pk with a default: the client may send it, or leave it to the default.
    assert (pk.assigned_by_store, pk.required, pk.read_only) == (False, False, False)
    assert model.get_field("image").image is True
    assert model.get_field("positive").min_value == 0
    assert model.get_field("doubled").read_only is True
    assert model.get_field("char").description == "Any short text."
    assert (model.get_field("label").foreign, model.get_field("label").nullable) == ({"table": "label", "column": "id"},
                                                                                   True)


def test_a_non_editable_uuid_pk_is_made_by_the_store() -> None:
    pk = DjangoModelDataStore(Ticket).model.pk_field
    assert (type(pk), pk.assigned_by_store) == (api_models.UUIDPkField, True)


@isolate_apps("inventory")
def test_a_composite_primary_key_is_a_configuration_error() -> None:
    class Pair(models.Model):
        pk = models.CompositePrimaryKey("left", "right")
        left = models.IntegerField()
        right = models.IntegerField()

        class Meta:
            app_label = "inventory"

    with pytest.raises(ImproperlyConfigured, match=r"cannot serve Pair\.pk \(CompositePrimaryKey\): a ressource needs a pk of one field"):
        DjangoModelDataStore(Pair)


@isolate_apps("inventory")
def test_a_custom_through_model_is_rendered_read_only() -> None:
    class Member(models.Model):
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "inventory"

    class Club(models.Model):
        members = models.ManyToManyField(Member, through="Membership", help_text="Who belongs.")

        class Meta:
            app_label = "inventory"

    class Membership(models.Model):
        club = models.ForeignKey(Club, on_delete=models.CASCADE)
        member = models.ForeignKey(Member, on_delete=models.CASCADE)
        since = models.DateField()

        class Meta:
            app_label = "inventory"

    members = DjangoModelDataStore(Club).model.get_field("members")
    assert isinstance(members, api_models.ManyToManyField)
    assert (members.read_only, members.required, members.description) == (True, False, "Who belongs.")


def test_links_through_a_custom_model_are_rendered_and_read_only(client: Any, settings: Any) -> None:
    mount(settings, [endpoint("category", Category), endpoint("crate", Crate)])
    crate = Crate.objects.create(name="box")
    b, a = Category.objects.create(name="b"), Category.objects.create(name="a")
    Packing.objects.create(crate=crate, category=a)
    Packing.objects.create(crate=crate, category=b)
    shown = client.get(f"/api/crate/{crate.pk}/").json()
    assert shown["categories"] == sorted([a.pk, b.pk])
    assert [row["id"] for row in client.get(f"/api/crate/?categories={a.pk}").json()["object_list"]] == [crate.pk]
    refused = client.post("/api/crate/", json.dumps({"name": "new", "categories": [a.pk]}),
                          content_type="application/json")
    assert (refused.status_code, refused.json()["error"]) == (400, "categories is read-only")
    kept = client.put(f"/api/crate/{crate.pk}/", json.dumps({**shown, "name": "renamed"}),
                      content_type="application/json")
    assert kept.status_code == 200 and kept.json()["categories"] == shown["categories"]
    client.delete(f"/api/category/{a.pk}/")
    assert client.get(f"/api/crate/{crate.pk}/").json()["categories"] == [b.pk]


def test_a_derived_many_to_many_without_blank_needs_a_link() -> None:
    field = models.ManyToManyField(Category)
    field.set_attributes_from_name("tags")
    field.model = Gadget
    field.remote_field.through = Gadget.categories.through
    derived = field_from_django(field)
    assert (derived.required, derived.allow_empty) == (True, False)
    with pytest.raises(api_models.FieldError, match="This list may not be empty."):
        derived.validate([])


def test_fields_and_exclude_name_many_to_many_fields() -> None:
    assert DjangoModelDataStore(Gadget, fields=["categories"]).model.get_fields_name() == ["id", "categories"]
    assert "tickets" not in DjangoModelDataStore(Gadget, exclude=["tickets"]).model.get_fields_name()
    assert DjangoModelDataStore(Gadget, read_only=["categories"]).model.get_field("categories").read_only


# Queries -----------------------------------------------------------------------------------------


@pytest.fixture
def gadgets_api(settings: Any) -> Any:
    return mount(settings, [endpoint("category", Category), endpoint("ticket", Ticket),
                            endpoint("gadget", Gadget, pagination=Pagination(100))])


def list_queries(client: Any, count: int) -> tuple[int, list[dict[str, Any]]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/gadget/?count={count}")
    assert response.status_code == 200
    return len(queries), response.json()["object_list"]


def test_a_page_with_many_to_many_fields_costs_the_same_for_5_rows_as_for_50(client: Any, gadgets_api: Any) -> None:
    categories = [Category.objects.create(name=f"c{n}") for n in range(3)]
    tickets = [Ticket.objects.create(title=f"t{n}") for n in range(3)]
    for number in range(60):
        gadget = Gadget.objects.create(slug=f"g{number}")
        gadget.categories.set(categories[: number % 4])
        gadget.tickets.set(tickets[: number % 3])
    five, rows = list_queries(client, 5)
    fifty, many_rows = list_queries(client, 50)
    assert five == fifty
    assert len(rows) == 5 and len(many_rows) == 50
    assert many_rows[7]["categories"] == sorted(c.pk for c in categories[:3])
    assert many_rows[8]["tickets"] == sorted(str(t.pk) for t in tickets[:2])


def test_a_bad_link_in_an_update_writes_nothing_at_all(client: Any, gadgets_api: Any) -> None:
    kept = Category.objects.create(name="kept").pk
    pk = client.post("/api/gadget/", json.dumps({"categories": [kept], "slug": "before"}),
                     content_type="application/json").json()["id"]
    response = client.put(f"/api/gadget/{pk}/", json.dumps({"categories": [kept, 424242], "slug": "after"}),
                          content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "categories does not validate",
                               "fields": {"categories": "No category matches 424242."}}
    gadget = Gadget.objects.get()
    assert (gadget.slug, list(gadget.categories.values_list("pk", flat=True))) == ("before", [kept])


def test_many_to_many_links_name_the_ressource_serving_the_target(gadgets_api: Any) -> None:
    gadget = gadgets_api.get_controller("gadget").model
    assert gadget.get_field("categories").foreign == {"table": "category", "column": "id"}
    assert gadget.get_field("tickets").foreign == {"table": "ticket", "column": "id"}


def test_order_fields_naming_a_field_without_an_order_is_a_configuration_error() -> None:
    from django_restframework_lite.urls import include

    with pytest.raises(ImproperlyConfigured, match=r"'specs' cannot be ordered: its values \(a list, a JSON document"):
        include([endpoint("gadget", Gadget, order_fields=["price", "specs"])])


def test_the_default_order_fields_leave_out_what_has_no_order(settings: Any) -> None:
    api = mount(settings, [endpoint("category", Category), endpoint("ticket", Ticket), endpoint("gadget", Gadget)])
    order = api.get_controller("gadget").query_rules.order
    assert {"price", "made", "serial"} <= order
    assert not {"specs", "blob", "ip", "manual", "categories", "tickets"} & order
