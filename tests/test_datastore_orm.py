"""What only the Django ORM datastore does: model derivation, QuerySet windows, query
counts, Django's own validation and delete protection, database ranges and collation."""

from __future__ import annotations

from typing import Any

import pytest
from addressbook.models import Address, User
from conftest import snapshot
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db import models as django_models
from django.test.utils import CaptureQueriesContext
from inventory.models import Category, Item, Part

from django_restframework_lite import models
from django_restframework_lite.datastore import DjangoModelDataStore, PythonListDataStore
from django_restframework_lite.datastore.orm import field_from_django
from django_restframework_lite.exceptions import BadRequest, Conflict, NotFound
from django_restframework_lite.models.text import INT64_MAX
from tests.stores import ItemModel

pytestmark = pytest.mark.django_db


def describe(model: models.Model) -> list[tuple[Any, ...]]:
    return [
        (
            field.name,
            type(field).__name__,
            field.required,
            field.nullable,
            field.max_length,
            field.choices,
            field.options.get("default", "<none>"),
            field.options.get("foreign"),
        )
        for field in model.get_fields()
    ]


# Derived models ------------------------------------------------------------------------------


def test_derived_item_model_matches_the_explicit_one() -> None:
    assert describe(DjangoModelDataStore(Item).model) == describe(ItemModel())


def test_derived_model_maps_every_django_field_type() -> None:
    model = DjangoModelDataStore(Item).model
    assert type(model.pk_field) is models.PkField
    assert [type(field).__name__ for field in model.get_fields()] == [
        "PkField",
        "StringField",
        "StringField",
        "IntegerField",
        "FloatField",
        "BooleanField",
        "DateTimeField",
        "StringField",
        "IntegerField",
        "IntForeign",
    ]
    rank = model.get_field("rank")
    assert (rank.min_value, rank.max_value) == (0, 100)
    assert model.get_field("quantity").required is True
    assert model.get_field("in_stock").default is True


def test_derived_model_of_a_string_pk_and_a_decimal() -> None:
    model = DjangoModelDataStore(Part).model
    assert type(model.pk_field) is models.StringPkField
    assert (model.pk_field.required, model.pk_field.max_length) == (True, 10)
    # A Django DecimalField is an exact DecimalField (0.2 made it a FloatField: API.md section 11).
    price = model.get_field("price")
    assert type(price) is models.DecimalField
    assert (price.max_digits, price.decimal_places, price.nullable) == (6, 2, True)
    assert model.get_field("label").default == ""
    low, high = connection.ops.integer_field_range("SmallIntegerField")
    assert (model.get_field("stock").min_value, model.get_field("stock").max_value) == (low, high)


def test_derived_foreign_key_uses_the_django_field_name_and_the_related_pk() -> None:
    store = DjangoModelDataStore(User)
    address = store.model.get_field("address")
    assert isinstance(address, models.IntForeign)
    assert address.foreign == {"table": "address", "column": "id"}
    assert address.options["foreign"] is address.foreign
    assert (address.required, address.nullable) == (False, True)
    assert store.attnames["address"] == "address_id"


def test_bind_names_the_ressource_that_serves_the_related_model() -> None:
    categories, items = DjangoModelDataStore(Category), DjangoModelDataStore(Item)
    registry = {"categories": categories, "items": items}
    for name, store in registry.items():
        store.bind(registry, name)
    assert items.model.get_field("category").options["foreign"] == {"table": "categories", "column": "id"}


class ColourField(django_models.Field):
    """A third-party field whose type the store cannot know."""

    def get_internal_type(self) -> str:
        return "ColourField"


def test_a_field_that_cannot_be_derived_is_a_configuration_error() -> None:
    field = ColourField()
    field.set_attributes_from_name("shade")
    with pytest.raises(ImproperlyConfigured) as caught:
        field_from_django(field)
    message = str(caught.value)
    assert "cannot derive a field from shade (ColourField)" in message
    assert "models.StringField(name='shade')" in message
    assert "exclude=['shade']" in message


def test_a_custom_field_is_derived_from_its_internal_type() -> None:
    class HexField(django_models.Field):
        def get_internal_type(self) -> str:
            return "CharField"

    field = HexField(max_length=7)
    field.set_attributes_from_name("colour")
    derived = field_from_django(field)
    assert (type(derived), derived.max_length, derived.required) == (models.StringField, 7, True)


def test_a_ressource_that_is_not_a_model_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="needs a Django model class or a QuerySet"):
        DjangoModelDataStore([])


def test_an_explicit_model_must_name_fields_of_the_django_model() -> None:
    with pytest.raises(ImproperlyConfigured, match="has no field 'email'"):
        DjangoModelDataStore(User, models.Model([models.PkField("id"), models.StringField("email")]))


def test_an_explicit_model_maps_foreign_keys_by_django_name() -> None:
    class UserModel(models.Model):
        fields = [
            models.StringField(name="first_name", required=True, max_length=100),
            models.StringField(name="last_name", required=True),
            models.PkField(name="id"),
            models.IntForeign(name="address", nullable=True, foreign={"table": "address", "column": "id"}),
        ]

    store = DjangoModelDataStore(User, UserModel)
    address = Address.objects.create(country="FR", city="Paris", street="rue", number=1)
    pk = store.create({"first_name": "Ada", "last_name": "L", "address": address.pk})
    assert store.get(pk) == {"first_name": "Ada", "last_name": "L", "id": pk, "address": address.pk}
    assert User.objects.get(pk=pk).address == address


# Reads are database-side -------------------------------------------------------------------


@pytest.fixture
def many_items() -> DjangoModelDataStore:
    Item.objects.bulk_create(Item(name=f"item{number:03}", quantity=number) for number in range(150))
    return DjangoModelDataStore(Item)


def test_a_page_is_one_query_with_limit_and_offset(
    many_items: DjangoModelDataStore, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1) as captured:
        rows = many_items.get_list(offset=100, count=20)
    assert [row["quantity"] for row in rows] == list(range(100, 120))
    sql = captured.captured_queries[0]["sql"].upper()
    assert "LIMIT 20" in sql and "OFFSET 100" in sql


def test_a_filtered_ordered_page_is_one_query(many_items: DjangoModelDataStore, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        rows = many_items.get_list(offset=5, count=3, quantity__gte="100", name__contains="item1", order_by="-name")
    assert [row["name"] for row in rows] == ["item144", "item143", "item142"]


def test_count_is_one_count_query(many_items: DjangoModelDataStore, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1) as captured:
        assert many_items.count(quantity__lt="30") == 30
    assert "COUNT(" in captured.captured_queries[0]["sql"].upper()


def test_get_is_one_query(many_items: DjangoModelDataStore, django_assert_num_queries: Any) -> None:
    pk = Item.objects.get(name="item007").pk
    with django_assert_num_queries(1):
        assert many_items.get(pk)["name"] == "item007"


def test_string_comparisons_use_code_point_order_on_postgresql() -> None:
    store = DjangoModelDataStore(Item)
    with CaptureQueriesContext(connection) as captured:
        store.get_list(name__gt="a", order_by="name")
    expected = connection.vendor == "postgresql"
    assert ('COLLATE "C"' in captured.captured_queries[0]["sql"]) is expected


# QuerySet windows --------------------------------------------------------------------------


@pytest.fixture
def window() -> tuple[DjangoModelDataStore, Item, Item]:
    inside = Item.objects.create(name="inside", quantity=1, in_stock=True)
    outside = Item.objects.create(name="outside", quantity=2, in_stock=False)
    return DjangoModelDataStore(Item.objects.filter(in_stock=True)), inside, outside


def test_a_queryset_window_limits_lists_and_counts(window: Any) -> None:
    store, inside, _outside = window
    assert [row["name"] for row in store.get_list()] == ["inside"]
    assert store.count() == 1
    assert store.count(name="outside") == 0


def test_a_queryset_window_hides_other_rows_from_get(window: Any) -> None:
    store, inside, outside = window
    assert store.get(inside.pk)["name"] == "inside"
    with pytest.raises(NotFound):
        store.get(outside.pk)


def test_a_queryset_window_refuses_to_update_other_rows(window: Any) -> None:
    store, _inside, outside = window
    with pytest.raises(NotFound):
        store.update({"id": outside.pk}, {"quantity": 99})
    assert Item.objects.get(pk=outside.pk).quantity == 2


def test_a_queryset_window_refuses_to_delete_other_rows(window: Any) -> None:
    store, _inside, outside = window
    with pytest.raises(NotFound):
        store.delete(outside.pk)
    assert Item.objects.filter(pk=outside.pk).exists()


# Writes ------------------------------------------------------------------------------------


def test_django_validation_errors_are_bad_requests_naming_the_field() -> None:
    store = DjangoModelDataStore(Part)
    before = snapshot(store)
    with pytest.raises(BadRequest) as caught:
        store.create({"code": "P1", "price": 1234567.5})
    assert caught.value.message == "price does not validate"
    assert caught.value.fields == {"price": "Ensure that there are no more than 6 digits in total."}
    assert snapshot(store) == before


def test_django_blank_false_refuses_an_empty_string() -> None:
    store = DjangoModelDataStore(Item)
    with pytest.raises(BadRequest) as caught:
        store.create({"name": "", "quantity": 1})
    assert (caught.value.message, caught.value.fields) == (
        "name does not validate",
        {"name": "This field cannot be blank."},
    )
    assert Item.objects.count() == 0


def test_integers_outside_the_django_field_range_are_bad_requests() -> None:
    store = DjangoModelDataStore(Part)
    low, high = connection.ops.integer_field_range("SmallIntegerField")
    if high < INT64_MAX:
        with pytest.raises(BadRequest) as caught:
            store.create({"code": "P1", "stock": high + 1})
        assert caught.value.fields == {"stock": f"Ensure this value is less than or equal to {high}."}
        assert Part.objects.count() == 0
    else:  # SQLite: every integer column holds 64 bits, so the range is the 64-bit one
        assert store.create({"code": "P1", "stock": 2**40}) == "P1"
        assert store.get("P1")["stock"] == 2**40


def test_filters_outside_the_database_range_match_nothing() -> None:
    store = DjangoModelDataStore(Part)
    store.create({"code": "P1", "stock": 5})
    assert store.get_list(stock=str(2**62)) == []
    assert store.count(stock__gt=str(2**62)) == 0
    assert [row["code"] for row in store.get_list(stock__lt=str(2**62))] == ["P1"]
    assert [row["code"] for row in store.get_list(stock__in=f"5,{2**62}")] == ["P1"]
    assert [row["code"] for row in store.get_list(stock__gte=str(-(2**62)))] == ["P1"]
    assert store.count(stock__lte=str(-(2**62))) == 0


def test_a_pk_outside_the_database_range_is_not_found() -> None:
    store = DjangoModelDataStore(Category)
    for identifier in (2**62, -(2**62), 2**64, "12x"):
        with pytest.raises(NotFound):
            store.get(identifier)
        with pytest.raises(NotFound):
            store.delete(identifier)


def test_unbound_foreign_key_is_checked_with_a_query() -> None:
    store = DjangoModelDataStore(Item)
    with pytest.raises(BadRequest) as caught:
        store.create({"name": "saw", "quantity": 1, "category": 424242})
    assert caught.value.message == "category does not validate"
    assert Item.objects.count() == 0


def test_protected_delete_is_a_conflict_and_deletes_nothing() -> None:
    category = Category.objects.create(name="tools")
    Item.objects.create(name="saw", quantity=1, category=category)
    store = DjangoModelDataStore(Category)
    with pytest.raises(Conflict) as caught:
        store.delete(category.pk)
    assert caught.value.message == "Cannot delete this ressource: items still reference it."
    assert Category.objects.filter(pk=category.pk).exists() and Item.objects.count() == 1


def test_a_list_store_referencing_an_orm_store_blocks_its_delete() -> None:
    category = DjangoModelDataStore(Category)
    notes = PythonListDataStore(
        [],
        models.Model(
            [
                models.PkField("id"),
                models.IntForeign("category", foreign={"table": "categories"}),
            ]
        ),
    )
    registry = {"categories": category, "notes": notes}
    for name, store in registry.items():
        store.bind(registry, name)
    pk = category.create({"name": "tools"})
    notes.create({"category": pk})
    with pytest.raises(BadRequest):
        notes.create({"category": pk + 1000})
    with pytest.raises(Conflict):
        category.delete(pk)
    assert Category.objects.filter(pk=pk).exists()


def test_decimal_fields_take_floats_by_their_shortest_spelling() -> None:
    # Decimals answer exact strings since 0.2 (they were floats): API.md section 11.
    store = DjangoModelDataStore(Part)
    store.create({"code": "P1", "price": 0.1})
    assert store.get("P1")["price"] == "0.10"
    assert store.update(store.get("P1"), {"price": 1234.5})["price"] == "1234.50"
    with pytest.raises(BadRequest) as caught:
        store.update(store.get("P1"), {"price": 2.555})
    assert caught.value.fields == {"price": "Ensure that there are no more than 2 decimal places."}
    assert store.get("P1")["price"] == "1234.50"


def test_datetimes_are_returned_as_canonical_utc_strings() -> None:
    store = DjangoModelDataStore(Item)
    pk = store.create({"name": "clock", "quantity": 1, "added_at": "2024-05-06T07:08:09.123456-03:00"})
    assert store.get(pk)["added_at"] == "2024-05-06T10:08:09.123456+00:00"
    assert Item.objects.get(pk=pk).added_at.isoformat() == "2024-05-06T10:08:09.123456+00:00"


@pytest.mark.django_db(transaction=True)
def test_get_for_update_locks_the_row() -> None:
    store = DjangoModelDataStore(Item)
    pk = store.create({"name": "locked", "quantity": 1})
    with CaptureQueriesContext(connection) as captured, store.atomic():
        assert store.get_for_update(pk)["name"] == "locked"
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert ("FOR UPDATE" in sql) is connection.features.has_select_for_update


@pytest.mark.django_db(transaction=True)
def test_a_refused_write_leaves_the_connection_usable() -> None:
    store = DjangoModelDataStore(Part)
    store.create({"code": "P1"})
    with pytest.raises(Conflict):
        store.create({"code": "P1"})
    assert store.create({"code": "P2"}) == "P2"
    assert [row["code"] for row in store.get_list()] == ["P1", "P2"]


def test_a_unique_violation_from_the_database_names_the_field() -> None:
    store = DjangoModelDataStore(Part)
    Part.objects.create(code="P1")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Part.objects.bulk_create([Part(code="P1")])
    error = store.integrity_error(caught.value, "write")
    assert (type(error), error.message, error.fields) == (Conflict, "code must be unique", {"code": "Already taken."})


def test_a_not_null_violation_from_the_database_names_the_field() -> None:
    store = DjangoModelDataStore(Item)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Item.objects.bulk_create([Item(name="x", quantity=None)])
    error = store.integrity_error(caught.value, "write")
    assert (type(error), error.message) == (BadRequest, "quantity is missing. Cannot create the ressource")


def test_an_omitted_non_null_field_without_default_is_a_bad_request() -> None:
    class LooseItem(models.Model):
        fields = [models.PkField("id"), models.StringField("name", required=True), models.IntegerField("quantity")]

    store = DjangoModelDataStore(Item, LooseItem)
    with pytest.raises(BadRequest) as caught:
        store.create({"name": "x"})
    assert (caught.value.message, caught.value.fields) == (
        "quantity is missing. Cannot create the ressource",
        {"quantity": "This field is required."},
    )
    assert Item.objects.count() == 0
