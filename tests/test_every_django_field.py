"""A Django model with one field of every concrete built-in type, served with zero configuration.

``inventory.models.Everything`` has them all (a UUID pk, a foreign key to a
``SmallAutoField`` pk, a one-to-one to an ``AutoField`` pk, a many-to-many, a
file, an image, a generated field...). Through HTTP: every value POSTed comes
back from GET in the wire format of API.md section 11, a wrong form is a 400
naming the field and writes nothing, the comparison filters, ``exact`` on UUIDs
and ``order_by`` work on each type, and OpenAPI describes each.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.db import connection
from inventory.models import Category, Everything, Label, Shelf
from openapi_spec_validator import validate

from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore
from django_restframework_lite.models import DecimalField, DurationField, Model
from tests.http_support import mount

pytestmark = pytest.mark.django_db

VERBS = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"]}
ID = "00000000-0000-4000-8000-000000000001"


def endpoint(name: str, model: Any) -> type[Controller]:
    return type(f"{model.__name__}EndPoint", (Controller,), {
        "ressource": {"ressource_name": name, "ressource": model, "datastore": DjangoModelDataStore},
        "controller": VERBS,
    })


@pytest.fixture
def api(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return mount(settings, [endpoint("category", Category), endpoint("shelf", Shelf), endpoint("label", Label),
                            endpoint("everything", Everything)])


@pytest.fixture
def targets(api: Any) -> dict[str, Any]:
    return {
        "shelf": Shelf.objects.create(name="top").pk,
        "label": Label.objects.create(name="red").pk,
        "categories": sorted([Category.objects.create(name="b").pk, Category.objects.create(name="a").pk]),
    }


def full_body(targets: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A value for every writable field, each in its wire format."""
    body = {
        "id": ID, "char": "hello", "text": "long text \u00e9\u4e2d", "slug": "a-slug", "email": "a@example.com",
        "url": "https://example.com/x?y=1", "integer": -5, "big": 2**62, "small": -32768, "positive": 2**31 - 1,
        "positive_small": 32767, "positive_big": 2**63 - 1, "floating": 1.5, "decimal": "1234567.125",
        "boolean": True, "date": "2026-11-28", "datetime": "2026-11-28T13:45:00.123456+00:00", "time": "13:45:00",
        "duration": "P1DT2H30M", "uuid": "6f1c2d1e-8b7a-4c55-9e0f-3a2b1c0d9e8f",
        "json": {"a": [1, 2.5, None, True], "b": "x"}, "binary": "aGVsbG8=", "ip": "2001:db8::1",
        "file": None, "image": None, "path": "/srv/files/a.txt", **targets,
    }
    body.update(changes)
    return body


def post(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/api/everything/", json.dumps(body), content_type="application/json")


def test_every_value_posted_comes_back_exactly(client: Any, targets: dict[str, Any]) -> None:
    body = full_body(targets)
    response = post(client, body)
    assert response.status_code == 201, response.content
    expected = {**body, "doubled": -10, "ressource_uri": f"/api/everything/{ID}/"}
    assert response.json() == expected
    assert response["Location"] == f"/api/everything/{ID}/"
    assert client.get(f"/api/everything/{ID}/").json() == expected
    assert client.get("/api/everything/").json()["object_list"] == [expected]
    # The bytes on the wire, not only the values: the decimal is a string with its three places.
    assert b'"decimal":"1234567.125"' in client.get(f"/api/everything/{ID}/").content


def test_a_number_for_a_decimal_is_read_from_its_text(client: Any, targets: dict[str, Any]) -> None:
    text = json.dumps(full_body(targets)).replace('"decimal": "1234567.125"', '"decimal": 0.1')
    response = client.post("/api/everything/", text, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["decimal"] == "0.100"
    assert b'"decimal":"0.100"' in response.content


def test_the_pk_is_made_when_not_sent_and_routed_as_a_uuid(client: Any, targets: dict[str, Any]) -> None:
    body = full_body(targets)
    del body["id"]
    response = post(client, body)
    assert response.status_code == 201
    made = response.json()["id"]
    assert str(uuid.UUID(made)) == made
    assert client.get(f"/api/everything/{made}/").json()["id"] == made
    missing = client.get(f"/api/everything/{uuid.uuid4()}/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert client.get("/api/everything/not-a-uuid/").status_code == 404


WRONG = [
    ("id", "nope"), ("char", "x" * 21), ("char", 5), ("slug", "a slug"), ("email", "nobody"), ("url", "nowhere"),
    ("integer", "5"), ("integer", 2**63), ("big", 2**63), ("small", "x"), ("positive", -1), ("positive_small", -1),
    ("positive_big", -1), ("floating", "1.5"), ("decimal", "1.2345"), ("decimal", "12345678"), ("decimal", "x"),
    ("boolean", 1), ("date", "2026-13-01"), ("datetime", "tomorrow"), ("time", "24:00:00"), ("duration", "1h"),
    ("uuid", "x"), ("json", {"a": "\x00"}), ("binary", "not base64"), ("ip", "1.2.3"), ("file", "a.txt"),
    ("image", "a.png"), ("path", None), ("shelf", 999999), ("label", 999999), ("categories", [999999]),
    ("categories", "1"), ("doubled", 4), ("colour", "red"),
]


@pytest.mark.parametrize(("name", "value"), WRONG, ids=[f"{name}={value!r}"[:40] for name, value in WRONG])
def test_a_wrong_form_is_a_400_naming_the_field_and_writes_nothing(
    client: Any, targets: dict[str, Any], name: str, value: Any
) -> None:
    response = post(client, full_body(targets, **{name: value}))
    assert response.status_code == 400, response.content
    assert name in response.json()["fields"]
    assert name in response.json()["error"]
    assert Everything.objects.count() == 0
    assert Everything.categories.through.objects.count() == 0
    post(client, full_body(targets))
    before = client.get(f"/api/everything/{ID}/").json()
    response = client.patch(f"/api/everything/{ID}/", json.dumps({"char": "changed", name: value}),
                            content_type="application/json")
    assert response.status_code == 400, response.content
    assert name in response.json()["fields"]
    assert client.get(f"/api/everything/{ID}/").json() == before


@pytest.fixture
def three(client: Any, targets: dict[str, Any]) -> list[str]:
    """Three rows whose values differ in every orderable field."""
    rows = [
        full_body(targets, id=str(uuid.UUID(int=3)), char="b", integer=1, date="2024-01-01", time="09:00:00",
                  datetime="2024-01-01T09:00:00+00:00", duration="PT36H", decimal="10.000", floating=2.5,
                  uuid=str(uuid.UUID(int=30)), email="b@example.com", boolean=False, label=None),
        full_body(targets, id=str(uuid.UUID(int=1)), char="c", integer=3, date="2025-06-30", time="13:45:00.5",
                  datetime="2025-06-30T00:00:00+02:00", duration="P1D", decimal="9.999", floating=-1.0,
                  uuid=str(uuid.UUID(int=10)), email="c@example.com", boolean=True, label=None),
        full_body(targets, id=str(uuid.UUID(int=2)), char="a", integer=2, date="2023-12-31", time="23:59:59",
                  datetime="2026-01-01T00:00:00Z", duration="-PT1M", decimal="-0.500", floating=0.0,
                  uuid=str(uuid.UUID(int=20)), email="a@example.com", boolean=True, label=None),
    ]
    for row in rows:
        assert post(client, row).status_code == 201
    return [row["id"] for row in rows]


COMPARISONS = [
    ("date__gt=2024-01-01", [1]), ("date__gte=2024-01-01", [1, 3]), ("date__lt=2024-01-01", [2]),
    ("date__lte=2024-01-01", [2, 3]), ("time__gt=13:45", [1, 2]), ("time__lte=13:45:00.5", [1, 3]),
    ("datetime__gt=2025-06-29T22:00:00Z", [2]), ("datetime__gte=2025-06-29T22:00:00Z", [1, 2]),
    ("datetime__lt=2025-06-30T00:00:00%2B02:00", [3]), ("datetime__lte=2024-01-01T10:00:00%2B01:00", [3]),
    ("duration__gt=P1D", [3]), ("duration__gte=PT24H", [1, 3]), ("duration__lt=PT0S", [2]),
    ("duration__lte=P1D", [1, 2]), ("decimal__gt=9.999", [3]), ("decimal__gte=9.999", [1, 3]),
    ("decimal__lt=0", [2]), ("decimal__lte=10", [1, 2, 3]), ("decimal=10", [3]),
    (f"uuid={uuid.UUID(int=20)}", [2]), (f"uuid={str(uuid.UUID(int=20)).upper()}", [2]),
    (f"uuid__in={uuid.UUID(int=10)},{uuid.UUID(int=30)}", [1, 3]),
]


@pytest.mark.parametrize(("query", "expected"), COMPARISONS, ids=[case[0] for case in COMPARISONS])
def test_comparison_filters_and_exact_uuids(client: Any, three: list[str], query: str, expected: list[int]) -> None:
    response = client.get(f"/api/everything/?{query}")
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["object_list"]] == [str(uuid.UUID(int=n)) for n in expected]


def orderable_fields() -> list[str]:
    model = DjangoModelDataStore(Everything).model
    return [field.name for field in model.get_fields() if field.orderable and not field.many]


@pytest.mark.parametrize("name", orderable_fields())
def test_order_by_works_on_each_orderable_type(client: Any, three: list[str], name: str) -> None:
    model: Model = DjangoModelDataStore(Everything).model
    field = model.get_field(name)
    rows = client.get("/api/everything/").json()["object_list"]
    key = field.sort_key  # type: ignore[union-attr]
    for prefix, reverse in (("", False), ("-", True)):
        response = client.get(f"/api/everything/?order_by={prefix}{name}")
        assert response.status_code == 200, response.content
        expected = sorted(rows, key=lambda row: (row[name] is not None, key(row[name]) if row[name] is not None else 0,
                                                 row["id"] if not reverse else ""), reverse=reverse)
        got = [row[name] for row in response.json()["object_list"]]
        assert got == [row[name] for row in expected]


@pytest.mark.parametrize("name", ["json", "binary", "ip", "file", "image", "categories"])
def test_fields_without_an_order_are_refused_in_order_by(client: Any, three: list[str], name: str) -> None:
    response = client.get(f"/api/everything/?order_by={name}")
    assert response.status_code == 400
    assert response.json()["fields"] == {"order_by": f"Not orderable: {name!r}."}


def test_openapi_gives_each_type_its_format_and_help_text(client: Any, api: Any) -> None:
    properties = client.get("/api/openapi.json").json()["components"]["schemas"]["Everything"]["properties"]
    formats = {name: (schema.get("type"), schema.get("format")) for name, schema in properties.items()}
    assert formats["date"] == ("string", "date")
    assert formats["time"] == ("string", "time")
    assert formats["datetime"] == ("string", "date-time")
    assert formats["duration"] == ("string", "duration")
    assert formats["uuid"] == ("string", "uuid")
    assert formats["id"] == ("string", "uuid")
    assert formats["email"] == ("string", "email")
    assert formats["url"] == ("string", "uri")
    assert formats["file"] == (["string", "null"], "uri-reference")
    assert properties["ip"]["anyOf"] == [{"format": "ipv4"}, {"format": "ipv6"}]
    assert properties["decimal"]["type"] == "string"
    assert properties["decimal"]["pattern"] == r"^-?\d{1,7}(\.\d{1,3})?$"
    assert properties["binary"] == {"type": "string", "contentEncoding": "base64", "examples": ["aGVsbG8="]}
    assert properties["json"] == {"examples": [{"key": "value"}]}
    assert properties["categories"]["type"] == "array"
    assert properties["categories"]["items"] == {"type": "integer", "format": "int64"}
    assert properties["doubled"]["readOnly"] is True
    assert properties["char"]["description"] == "Any short text."
    parameter = client.get("/api/openapi.json").json()["paths"]["/everything/{identifier}/"]["parameters"][0]
    assert parameter["schema"] == {"type": "string", "format": "uuid"}


def test_the_openapi_document_is_valid_with_every_type_and_uploads(client: Any, api: Any) -> None:
    document = client.get("/api/openapi.json").json()
    validate(document)
    body = document["paths"]["/everything/"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    form = body["multipart/form-data"]["schema"]["properties"]
    assert form["file"] == {"type": "string", "contentMediaType": "application/octet-stream"}
    assert form["categories"] == {"type": "array", "items": {"type": "integer", "format": "int64"}}
    assert "file" not in document["components"]["schemas"]["EverythingCreate"]["properties"]
    assert "application/json" in document["paths"]["/category/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" not in document["paths"]["/category/"]["post"]["requestBody"]["content"]


def test_help_text_is_the_description_in_schema_and_docs(client: Any, api: Any) -> None:
    assert client.get("/api/schema/everything/").json()["char"] == {
        "type": "string", "example": "Hello World", "required": "true", "description": "Any short text.",
    }
    assert "Any short text." in client.get("/api/docs/").content.decode()


def test_a_decimal_keeps_its_places_through_the_derived_field() -> None:
    field = DjangoModelDataStore(Everything).model.get_field("decimal")
    assert isinstance(field, DecimalField) and (field.max_digits, field.decimal_places) == (10, 3)
    assert isinstance(DjangoModelDataStore(Everything).model.get_field("duration"), DurationField)
    assert connection.vendor in {"sqlite", "postgresql"}


def test_each_column_compared_by_identity_matches_the_value_read_from_it(client: Any, targets: dict[str, Any]) -> None:
    """What an update's compare-and-set asks of SQLite: every compared column equals the value read from it
    (else every update of such a row would find it changed and take the lock)."""
    from django_restframework_lite.datastore.orm_versioned import compared_by_identity

    assert post(client, full_body(targets)).status_code == 201
    fields = [field for field in Everything._meta.concrete_fields if compared_by_identity(field)]
    assert {"decimal", "duration", "binary", "datetime", "time", "floating", "uuid", "doubled"} <= {f.name for f in fields}
    row = Everything.objects.values(*[field.attname for field in fields]).get()
    for field in fields:
        assert Everything.objects.filter(**{field.attname: row[field.attname]}).exists(), field.name
    assert Everything.objects.filter(**row).exists()
