"""The field classes of API.md section 11 on their own: wire formats, parsing, schemas, options."""

from __future__ import annotations

import copy
import datetime
import decimal
import json
import pickle
import uuid
from typing import Any

import pytest

from django_restframework_lite import models
from django_restframework_lite.exceptions import PayloadTooLarge
from django_restframework_lite.models import FieldError, JsonFloat
from django_restframework_lite.models.temporal import format_duration, parse_duration

DURATIONS = [
    ("P1DT2H30M", "P1DT2H30M"), ("PT0S", "PT0S"), ("P0Y", "PT0S"), ("PT0.5S", "PT0.5S"), ("PT90S", "PT1M30S"),
    ("P2W", "P14D"), ("PT48H", "P2D"), ("-P1DT1S", "-P1DT1S"), ("+PT1H", "PT1H"), ("P1Y", "P365DT6H"),
    ("P1M", "P30D"), ("P1.5D", "P1DT12H"), ("PT0.000001S", "PT0.000001S"), ("P0000-00-01T00:00:00", "P1D"),
    ("P00000001T000000", "P1D"),
]


@pytest.mark.parametrize(("text", "shortest"), DURATIONS)
def test_any_iso_duration_in_the_shortest_out(text: str, shortest: str) -> None:
    assert models.DurationField("d").validate(text) == shortest
    assert parse_duration(shortest) == parse_duration(text)


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "1D", "P-1D", "PT1H1D", "P1S", "PT1.S", "p1d", "P1D "[:-1] + "x"])
def test_malformed_durations_are_refused(text: str) -> None:
    with pytest.raises(FieldError):
        parse_duration(text)


# The same on every Python: 3.10's fromisoformat takes fewer forms than 3.11's (CI runs both).
MOMENTS = [
    (models.DateField("d"), "2026-11-28", "2026-11-28"),
    (models.DateField("d"), "20261128", "2026-11-28"),
    (models.TimeField("t"), "13:45", "13:45:00"),
    (models.TimeField("t"), "134500", "13:45:00"),
    (models.TimeField("t"), "13:45:00.5", "13:45:00.500000"),
    (models.TimeField("t"), "13:45:00,25", "13:45:00.250000"),
    (models.TimeField("t"), "13:45:00.1234567", "13:45:00.123456"),
    (models.DateTimeField("m"), "2026-11-28T13:45:00.5Z", "2026-11-28T13:45:00.500000+00:00"),
    (models.DateTimeField("m"), "2026-11-28 13:45", "2026-11-28T13:45:00+00:00"),
    (models.DateTimeField("m"), "20261128T134500-0130", "2026-11-28T15:15:00+00:00"),
    (models.DateTimeField("m"), "2026-11-28t13:45:00+01:00", "2026-11-28T12:45:00+00:00"),
]


@pytest.mark.parametrize(("field", "text", "kept"), MOMENTS, ids=[case[1] for case in MOMENTS])
def test_iso_dates_and_times_are_read_alike_on_every_python(field: models.Field, text: str, kept: str) -> None:
    assert field.validate(text) == kept


@pytest.mark.parametrize(
    ("field", "text"),
    [
        (models.DateField("d"), "2026-1128"),  # extended and basic forms mixed
        (models.DateField("d"), "2026-02-30"),
        (models.DateField("d"), "2026-W48-6"),  # week dates: not read anywhere
        (models.DateField("d"), "２０２６-11-28"),  # digits of another script
        (models.TimeField("t"), "13:4500"),
        (models.TimeField("t"), "25:00"),
        (models.TimeField("t"), "13:45:00+01:00"),  # a time of day has no offset
        (models.DateTimeField("m"), "2026-11-28T13:45:00+25:00"),
        (models.DateTimeField("m"), "2026-11-28X13:45"),
    ],
)
def test_other_spellings_of_moments_are_refused(field: models.Field, text: str) -> None:
    with pytest.raises(FieldError):
        field.validate(text)


def test_a_timedelta_is_a_duration_too() -> None:
    assert format_duration(datetime.timedelta(days=-1, seconds=86_399)) == "-PT1S"
    assert models.DurationField("d").validate(datetime.timedelta(hours=36)) == "P1DT12H"


def test_durations_compare_by_length() -> None:
    field = models.DurationField("d")
    assert field.sort_key("P1D") == field.sort_key("PT24H") > field.sort_key("PT23H59M59.999999S")


def test_a_json_float_keeps_its_text_through_copies_and_pickles() -> None:
    number = json.loads("1.50", parse_float=JsonFloat)
    assert (number, number.text) == (1.5, "1.50")
    assert copy.deepcopy(number).text == pickle.loads(pickle.dumps(number)).text == "1.50"
    assert json.dumps(number) == "1.5"
    assert models.FloatField("f").validate(number) == 1.5
    assert type(models.FloatField("f").validate(number)) is float


@pytest.mark.parametrize(("sent", "kept"), [
    ("12.5", "12.50"), (12, "12.00"), (decimal.Decimal("0.1"), "0.10"), (0.1, "0.10"), ("-0.00", "0.00"),
    (" 7 ", "7.00"), ("1E+2", "100.00"), (json.loads("99.99", parse_float=JsonFloat), "99.99"),
])
def test_decimals_are_exact_strings_with_their_places(sent: Any, kept: str) -> None:
    assert models.DecimalField("p", max_digits=5, decimal_places=2).validate(sent) == kept


@pytest.mark.parametrize("sent", [float("inf"), decimal.Decimal("NaN"), "1e1000000", "0x10", "1_000", []])
def test_what_is_no_decimal_is_refused(sent: Any) -> None:
    with pytest.raises(FieldError):
        models.DecimalField("p", max_digits=5, decimal_places=2).validate(sent)


def test_a_decimal_field_needs_its_digits_and_places() -> None:
    with pytest.raises(TypeError, match="needs max_digits and decimal_places"):
        models.DecimalField("p", max_digits=2, decimal_places=3)


def test_decimal_choices_and_bounds_are_exact() -> None:
    field = models.DecimalField("p", max_digits=5, decimal_places=2, choices=[decimal.Decimal("1.5"), "2"],
                                min_value="1", max_value=decimal.Decimal("2.00"))
    assert field.choices == ["1.50", "2.00"]
    assert field.validate("2") == "2.00"
    with pytest.raises(FieldError, match="Must be one of: 1.50, 2.00."):
        field.validate("1.75")


def test_a_json_value_keeps_its_members_order_and_is_copied() -> None:
    value = {"b": 1, "a": [{"z": 1, "y": 2}], "c": None}
    kept = models.JSONField("j").validate(value)
    assert json.dumps(kept) == json.dumps(value)
    assert kept == value and kept is not value and kept["a"][0] is not value["a"][0]


def test_a_deeply_nested_json_value_is_checked_without_recursion() -> None:
    deep: Any = "leaf\x00"
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(FieldError, match="NUL"):
        models.JSONField("j").validate(deep)


def test_json_null_is_null_only_where_nullable() -> None:
    with pytest.raises(FieldError, match="may not be null"):
        models.JSONField("j").validate(None)
    assert models.JSONField("j", nullable=True).validate(None) is None


def test_binary_max_length_counts_bytes() -> None:
    field = models.BinaryField("b", max_length=3)
    assert field.validate(b"abc") == "YWJj"
    with pytest.raises(FieldError, match="at most 3 bytes"):
        field.validate("YWJjZA==")


@pytest.mark.parametrize(("protocol", "sent", "kept"), [
    ("both", "192.0.2.1", "192.0.2.1"), ("both", "2001:0DB8::0001", "2001:db8::1"), ("ipv6", "::1", "::1"),
])
def test_ip_addresses_are_canonical(protocol: str, sent: str, kept: str) -> None:
    assert models.IPAddressField("ip", protocol=protocol).validate(sent) == kept


def test_ip_protocol_and_unpacking() -> None:
    assert models.IPAddressField("ip", unpack_ipv4=True).validate("::ffff:10.0.0.1") == "10.0.0.1"
    with pytest.raises(FieldError, match="Enter a valid IPv4 address."):
        models.IPAddressField("ip", protocol="ipv4").validate("::1")
    with pytest.raises(FieldError, match="Enter a valid IPv6 address."):
        models.IPAddressField("ip", protocol="ipv6").validate("10.0.0.1")
    with pytest.raises(TypeError):
        models.IPAddressField("ip", protocol="ipx")


def test_formatted_strings_take_blank_and_check_the_rest() -> None:
    assert models.EmailField("e").validate("") == ""
    assert models.URLField("u", schemes=["https"]).validate("https://example.com/") == "https://example.com/"
    with pytest.raises(FieldError, match="Enter a valid URL."):
        models.URLField("u", schemes=["https"]).validate("http://example.com/")
    assert models.SlugField("s", allow_unicode=True).validate("caf\u00e9") == "caf\u00e9"


def test_uuid_fields_take_uuids_and_any_spelling() -> None:
    value = uuid.UUID(int=5)
    assert models.UUIDField("u").validate(value) == str(value)
    assert models.UUIDField("u").validate(value.hex.upper()) == str(value)
    assert models.UUIDPkField("id", auto=True).assigned_by_store is True
    assert models.UUIDPkField("id").assigned_by_store is False


def test_dates_and_times_take_python_values() -> None:
    assert models.DateField("d").validate(datetime.date(2026, 11, 28)) == "2026-11-28"
    assert models.TimeField("t").validate(datetime.time(9, 5, 0, 250000)) == "09:05:00.250000"
    with pytest.raises(FieldError, match="Expected a date, not a date and time."):
        models.DateField("d").validate(datetime.datetime(2026, 11, 28))
    assert models.DateField("d", default=datetime.date(2020, 1, 1)).get_default() == "2020-01-01"


def test_many_to_many_lists() -> None:
    field = models.ManyToManyField("tags", foreign={"table": "tags"}, items=models.StringField)
    assert field.validate(["b", "a", "b"]) == ["a", "b"]
    assert field.get_default() == [] and field.get_default() is not field.get_default()
    assert field.to_query_value("a") == "a"
    with pytest.raises(TypeError, match="needs foreign"):
        models.ManyToManyField("tags")
    with pytest.raises(TypeError, match="never null"):
        models.ManyToManyField("tags", foreign={"table": "tags"}, nullable=True)


def test_a_file_above_max_size_is_a_413() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    field = models.FileField("scan", max_size=3)
    with pytest.raises(PayloadTooLarge) as caught:
        field.validate(SimpleUploadedFile("a.txt", b"abcd"))
    assert (caught.value.status, caught.value.fields) == (413, {"scan": "The file is larger than 3 bytes."})
    with pytest.raises(FieldError, match="multipart/form-data"):
        field.validate(5)


SCHEMAS = [
    (models.DateField("x"), {"type": "string", "format": "date"}),
    (models.TimeField("x"), {"type": "string", "format": "time"}),
    (models.DurationField("x"), {"type": "string", "format": "duration"}),
    (models.UUIDField("x"), {"type": "string", "format": "uuid"}),
    (models.EmailField("x"), {"type": "string", "format": "email"}),
    (models.URLField("x"), {"type": "string", "format": "uri"}),
    (models.IPAddressField("x", protocol="ipv4"), {"type": "string", "format": "ipv4"}),
    (models.IPAddressField("x", protocol="ipv6"), {"type": "string", "format": "ipv6"}),
    (models.BinaryField("x"), {"type": "string", "contentEncoding": "base64"}),
    (models.JSONField("x"), {}),
]


@pytest.mark.parametrize(("field", "schema"), SCHEMAS, ids=[type(case[0]).__name__ for case in SCHEMAS])
def test_each_field_describes_its_json_schema(field: models.Field, schema: dict[str, Any]) -> None:
    assert field.json_schema() == schema


def test_a_decimal_schema_is_a_patterned_string() -> None:
    schema = models.DecimalField("x", max_digits=4, decimal_places=0).json_schema()
    assert (schema["type"], schema["pattern"]) == ("string", r"^-?\d{1,4}$")


def test_a_description_shows_in_the_seed_schema() -> None:
    field = models.DateField("made", description="The day it was made.")
    assert field.get_schema() == {"type": "date", "example": "2026-11-28", "required": "false",
                                  "description": "The day it was made."}
