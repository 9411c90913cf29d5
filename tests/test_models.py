"""Unit tests of the field classes and ``Model``: strict typing, options, messages, schema."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from django_restframework_lite import models
from django_restframework_lite.exceptions import BadRequest
from django_restframework_lite.models.text import INT64_MAX, INT64_MIN


def invalid(field: models.Field, value: Any) -> str:
    with pytest.raises(models.FieldError) as caught:
        field.validate(value)
    return str(caught.value)


# Strict typing ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False, "3", 2.5, float("nan"), float("inf"), [], {}, "x"])
def test_integer_field_refuses_everything_but_an_integral_number(value: Any) -> None:
    assert invalid(models.IntegerField("n"), value) == "Expected an integer."


def test_integer_field_takes_an_integral_float_as_json_schema_does() -> None:
    assert models.IntegerField("n").validate(3.0) == 3
    assert type(models.IntegerField("n").validate(-4.0)) is int


@pytest.mark.parametrize("value", [0, -7, INT64_MAX, INT64_MIN])
def test_integer_field_accepts_64_bit_integers(value: int) -> None:
    assert models.IntegerField("n").validate(value) == value


@pytest.mark.parametrize("value", [INT64_MAX + 1, INT64_MIN - 1, 10**30])
def test_integer_field_refuses_integers_outside_64_bits(value: int) -> None:
    assert invalid(models.IntegerField("n"), value) == "Integers must fit in 64 bits."


def test_float_field_accepts_an_integer_as_a_float() -> None:
    value = models.FloatField("f").validate(3)
    assert value == 3.0 and type(value) is float


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_float_field_refuses_nan_and_infinity(value: float) -> None:
    assert invalid(models.FloatField("f"), value) == "NaN and Infinity are not allowed."


def test_float_field_refuses_an_integer_too_large_for_a_float() -> None:
    assert invalid(models.FloatField("f"), 10**400) == "This number is too large."


@pytest.mark.parametrize("value", [True, "1.5", None])
def test_float_field_refuses_booleans_strings_and_null(value: Any) -> None:
    expected = "This field may not be null." if value is None else "Expected a number."
    assert invalid(models.FloatField("f"), value) == expected


def test_timestamp_field_is_a_float_of_unix_seconds() -> None:
    field = models.TimestampField("t")
    assert field.validate(1381921200) == 1381921200.0
    assert field.base_type == "timestamp"
    assert field.to_query_value("1381921200.5") == 1381921200.5


@pytest.mark.parametrize("value", [1, 0, "true", None])
def test_boolean_field_accepts_only_true_and_false(value: Any) -> None:
    expected = "This field may not be null." if value is None else "Expected true or false."
    assert invalid(models.BooleanField("b"), value) == expected
    assert models.BooleanField("b").validate(False) is False


@pytest.mark.parametrize("value", [3, 1.5, True, ["a"]])
def test_string_field_refuses_non_strings(value: Any) -> None:
    assert invalid(models.StringField("s"), value) == "Expected a string."


def test_string_field_refuses_nul_and_lone_surrogates() -> None:
    assert invalid(models.StringField("s"), "a\x00b") == "Strings may not contain the NUL character (U+0000)."
    assert invalid(models.StringField("s"), "a\ud83d") == "Strings may not contain lone surrogate code points."
    assert models.StringField("s").validate("\U0001f600 ok") == "\U0001f600 ok"


def test_datetime_field_returns_the_canonical_utc_string() -> None:
    field = models.DateTimeField("d")
    assert field.validate("2013-10-16T14:00:00+02:00") == "2013-10-16T12:00:00+00:00"
    assert field.validate("2013-10-16T12:00:00Z") == "2013-10-16T12:00:00+00:00"
    assert field.validate("2013-10-16T12:00:00") == "2013-10-16T12:00:00+00:00"
    moment = datetime(2013, 10, 16, 13, 0, 0, 500, tzinfo=timezone(timedelta(hours=1)))
    assert field.validate(moment) == "2013-10-16T12:00:00.000500+00:00"


@pytest.mark.parametrize("value", ["16/10/2013", "", 1381921200, True])
def test_datetime_field_refuses_what_is_not_iso_8601(value: Any) -> None:
    expected = (
        f"{value!r} is not an ISO 8601 date and time."
        if isinstance(value, str)
        else "Expected an ISO 8601 date and time string."
    )
    assert invalid(models.DateTimeField("d"), value) == expected


# Options ----------------------------------------------------------------------------------


def test_null_is_refused_unless_nullable() -> None:
    assert invalid(models.StringField("s"), None) == "This field may not be null."
    assert models.StringField("s", nullable=True).validate(None) is None
    assert models.IntegerField("n", nullable=True, min_value=5).validate(None) is None


def test_max_length() -> None:
    field = models.StringField("s", max_length=3)
    assert field.validate("abc") == "abc"
    assert invalid(field, "abcd") == "Ensure this value has at most 3 characters."


def test_min_and_max_value() -> None:
    field = models.IntegerField("n", min_value=1, max_value=10)
    assert [field.validate(1), field.validate(10)] == [1, 10]
    assert invalid(field, 0) == "Ensure this value is greater than or equal to 1."
    assert invalid(field, 11) == "Ensure this value is less than or equal to 10."
    assert invalid(models.FloatField("f", max_value=1.5), 1.6) == "Ensure this value is less than or equal to 1.5."


def test_choices() -> None:
    field = models.StringField("s", choices=["a", "b"])
    assert field.validate("b") == "b"
    assert invalid(field, "c") == "Must be one of: a, b."


def test_default_and_callable_default() -> None:
    assert models.IntegerField("n", default=4).get_default() == 4
    assert models.StringField("s", default=lambda: "made").get_default() == "made"
    assert models.StringField("s", default=None).options["default"] is None
    assert "default" not in models.StringField("s").options


def test_options_are_kept_for_formaters() -> None:
    field = models.IntForeign("address", foreign={"table": "address", "column": "id"}, nullable=True)
    assert field.options["foreign"] == {"table": "address", "column": "id"}
    assert field.options["nullable"] is True
    assert isinstance(field, models.ForeignKeyField)


def test_foreign_key_without_column_refers_to_the_targets_pk() -> None:
    from django_restframework_lite.datastore import PythonListDataStore
    from django_restframework_lite.exceptions import BadRequest, Conflict

    class Country(models.Model):
        fields = [models.StringPkField(name="code")]

    class City(models.Model):
        fields = [models.PkField(name="id"), models.StringForeignKey(name="country", foreign={"table": "countries"})]

    countries = PythonListDataStore([{"code": "fr"}], Country)
    cities = PythonListDataStore([], City)
    registry = {"countries": countries, "cities": cities}
    countries.bind(registry, "countries")
    cities.bind(registry, "cities")

    assert cities.create({"country": "fr"}) == 1
    with pytest.raises(BadRequest) as refused:
        cities.create({"country": "de"})
    assert refused.value.message == "country does not validate"
    with pytest.raises(Conflict):
        countries.delete("fr")
    assert countries.get("fr") == {"code": "fr"}


def test_foreign_key_without_foreign_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="needs foreign="):
        models.IntForeign("a")


def test_seed_spelling_of_string_foreign_key() -> None:
    assert models.StringForeingKey is models.StringForeignKey
    assert models.StringForeignKey("k", foreign={"table": "t"}).validate("x") == "x"


def test_every_field_class_has_base_type_example_and_validators() -> None:
    for cls in (
        models.IntegerField,
        models.FloatField,
        models.StringField,
        models.BooleanField,
        models.TimestampField,
        models.DateTimeField,
        models.PkField,
        models.StringPkField,
        models.IntForeign,
        models.StringForeignKey,
    ):
        assert isinstance(cls.base_type, str) and cls.example is not None and isinstance(cls.validators, tuple)


def test_class_level_validators_run_after_the_type_check() -> None:
    def even(value: int) -> None:
        if value % 2:
            raise models.FieldError("Must be even.")

    class EvenField(models.IntegerField):
        validators = (even,)

    assert EvenField("n").validate(4) == 4
    assert invalid(EvenField("n"), 3) == "Must be even."


# Query-string conversion -------------------------------------------------------------------


def test_to_query_value_converts_text_to_the_field_type() -> None:
    assert models.IntegerField("n").to_query_value("5") == 5
    assert models.IntegerField("n").to_query_value(" -5") == -5
    assert models.FloatField("f").to_query_value("2") == 2.0
    assert models.BooleanField("b").to_query_value("False") is False
    assert models.DateTimeField("d").to_query_value("2013-10-16T12:00:00Z") == "2013-10-16T12:00:00+00:00"
    assert models.StringField("s").to_query_value("5") == "5"


def test_to_query_value_skips_options_so_impossible_values_match_nothing() -> None:
    assert models.StringField("s", max_length=1, choices=["a"]).to_query_value("long") == "long"
    assert models.IntegerField("n", max_value=3).to_query_value("10") == 10


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        (models.IntegerField("n"), "1.0", "'1.0' is not an integer."),
        (models.IntegerField("n"), str(2**64), "Integers must fit in 64 bits."),
        (models.FloatField("f"), "inf", "NaN and Infinity are not allowed."),
        (models.FloatField("f"), "one", "'one' is not a number."),
        (models.BooleanField("b"), "1", "'1' is not a boolean: use true or false."),
    ],
)
def test_to_query_value_refuses_unconvertible_text(field: models.Field, text: str, message: str) -> None:
    with pytest.raises(models.FieldError) as caught:
        field.to_query_value(text)
    assert str(caught.value) == message


def test_lookups_depend_on_the_field_type() -> None:
    assert {"contains", "icontains", "startswith"} <= models.StringField("s").lookups
    assert "contains" not in models.IntegerField("n").lookups
    assert models.BooleanField("b").lookups == {"exact", "in", "isnull"}


# Model ---------------------------------------------------------------------------------------


class UserModel(models.Model):
    fields = [
        models.StringField(name="first_name", required=True, max_length=10),
        models.StringField(name="last_name", required=True),
        models.PkField(name="id"),
        models.IntegerField(name="age", default=18),
        models.StringField(name="nickname", nullable=True),
        models.IntForeign(name="address", foreign={"table": "address", "column": "id"}),
    ]


def test_model_api() -> None:
    model = UserModel()
    assert model.pk_field.name == "id"
    assert model.get_fields_name() == ["first_name", "last_name", "id", "age", "nickname", "address"]
    assert model.get_field("age") is model.get_fields()[3]
    assert model.get_field("nope") is None
    assert [field.name for field in model.foreign_keys] == ["address"]


def test_model_schema_has_the_seeds_shape_without_the_pk() -> None:
    assert UserModel().get_schema() == {
        "first_name": {"type": "string", "example": "Hello World", "required": "true"},
        "last_name": {"type": "string", "example": "Hello World", "required": "true"},
        "age": {"type": "integer", "example": 0, "required": "false"},
        "nickname": {"type": "string", "example": "Hello World", "required": "false"},
        "address": {"type": "integer", "example": 1, "required": "false"},
    }


def test_model_from_a_list_of_fields() -> None:
    model = models.Model([models.StringPkField("code"), models.FloatField("price")])
    assert model.pk_field.name == "code"
    assert model.get_schema() == {"price": {"type": "float", "example": 0.1, "required": "false"}}


@pytest.mark.parametrize(
    "fields",
    [
        [models.StringField("a")],
        [models.PkField("id"), models.StringPkField("code")],
    ],
)
def test_model_needs_exactly_one_pk(fields: list[models.Field]) -> None:
    with pytest.raises(ImproperlyConfigured, match="exactly one pk field"):
        models.Model(fields)


def test_model_refuses_duplicate_names_and_non_fields() -> None:
    with pytest.raises(ImproperlyConfigured, match="two fields named 'id'"):
        models.Model([models.PkField("id"), models.IntegerField("id")])
    with pytest.raises(ImproperlyConfigured, match="not a Field"):
        models.Model([models.PkField("id"), "name"])


def test_validate_fills_defaults_and_nulls() -> None:
    assert UserModel().validate({"first_name": "Ada", "last_name": "L"}) == {
        "first_name": "Ada",
        "last_name": "L",
        "age": 18,
        "nickname": None,
        "address": None,
    }


def test_validate_missing_field_uses_the_seeds_message() -> None:
    with pytest.raises(BadRequest) as caught:
        UserModel().validate({"first_name": "Ada"})
    assert caught.value.as_dict() == {
        "error": "last_name is missing. Cannot create the ressource",
        "fields": {"last_name": "This field is required."},
    }


def test_validate_bad_value_uses_the_seeds_message() -> None:
    with pytest.raises(BadRequest) as caught:
        UserModel().validate({"first_name": "A" * 11, "last_name": "L"})
    assert caught.value.as_dict() == {
        "error": "first_name does not validate",
        "fields": {"first_name": "Ensure this value has at most 10 characters."},
    }


def test_validate_refuses_unknown_members_but_ignores_ressource_uri() -> None:
    with pytest.raises(BadRequest) as caught:
        UserModel().validate({"first_name": "A", "last_name": "L", "email": "x"})
    assert (caught.value.message, caught.value.fields) == (
        "email is not a field of this ressource",
        {"email": "Unknown field."},
    )
    assert "ressource_uri" not in UserModel().validate({"first_name": "A", "last_name": "L", "ressource_uri": "/u/1/"})


def test_validate_refuses_a_pk_in_a_create_body() -> None:
    with pytest.raises(BadRequest) as caught:
        UserModel().validate({"first_name": "A", "last_name": "L", "id": 4})
    assert caught.value.fields == {"id": "The pk is assigned by the server and may not be sent."}


def test_validate_refuses_a_body_that_is_not_an_object() -> None:
    for body in ([], "x", None, 3):
        with pytest.raises(BadRequest) as caught:
            UserModel().validate(body)
        assert caught.value.message == "The body must be a JSON object."


def test_validate_fields_returns_only_the_given_fields() -> None:
    assert UserModel().validate_fields({"age": 30}) == {"age": 30}
    assert UserModel().validate_fields({}) == {}


def test_validate_fields_accepts_the_same_pk_and_refuses_another() -> None:
    model = UserModel()
    assert model.validate_fields({"id": 3, "age": 1}, {"id": 3}) == {"age": 1}
    with pytest.raises(BadRequest) as caught:
        model.validate_fields({"id": 4}, {"id": 3})
    assert (caught.value.message, caught.value.fields) == (
        "id does not validate",
        {"id": "The pk of a ressource cannot be changed."},
    )


def test_validate_fields_does_not_require_missing_fields() -> None:
    with pytest.raises(BadRequest) as caught:
        UserModel().validate_fields({"first_name": None})
    assert caught.value.fields == {"first_name": "This field may not be null."}


def test_bad_request_carries_status_400() -> None:
    error = BadRequest("x does not validate", fields={"x": "bad"})
    assert (error.status, error.as_dict()) == (400, {"error": "x does not validate", "fields": {"x": "bad"}})
