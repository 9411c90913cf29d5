"""openapi.json: a valid OpenAPI 3.1 document that says what the API really does."""

from __future__ import annotations

import json

import pytest
from django.urls import path
from jsonschema.validators import Draft202012Validator
from openapi_spec_validator import validate
from selfdoc_api import addressbook_urlconf, copy_of_testproject_urlconf, urlconf

from django_restframework_lite import models
from django_restframework_lite.authentication import (
    ApiKeyAuthentication,
    Authorization,
    BasicAuthentication,
    DjangoAuthentication,
)
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.discovery import mounted_apis
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.partials import Partial
from django_restframework_lite.ratelimit import CacheRateLimit
from django_restframework_lite.urls import include

pytestmark = pytest.mark.django_db

# The order a walk sends each path's verbs in: create before reading, delete last.
WALK_ORDER = ["post", "get", "head", "options", "put", "patch", "delete"]
EXPECTED_STATUS = {"get": 200, "head": 200, "options": 200, "post": 201, "put": 200, "patch": 200, "delete": 204}


def fetch_document(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    validate(document)
    return document


def schema_validator(document, schema):
    """Validate against ``schema`` with the document's components reachable by ``$ref``."""
    return Draft202012Validator({**schema, "components": document["components"]})


def example_body(document, ref):
    """Build a body from a request schema: nulls where allowed, else enums and examples."""
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    body = {}
    for name, prop in schema["properties"].items():
        if name == "ressource_uri":
            continue
        kinds = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
        if "null" in kinds:
            body[name] = None
        elif "enum" in prop:
            body[name] = prop["enum"][0]
        elif "examples" in prop:
            body[name] = prop["examples"][0]
        else:
            raise AssertionError(f"{ref}: {name} has neither null, choices nor an example")
    return body


@pytest.fixture
def addressbook(settings, tmp_path):
    settings.ROOT_URLCONF = addressbook_urlconf(tmp_path)


def test_the_address_book_document_is_valid_openapi_31(client, addressbook):
    document = fetch_document(client, "/api/openapi.json")

    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "addressbook"
    assert document["info"]["version"] == "1.0"
    assert document["servers"] == [{"url": "/api"}]


def test_every_configured_endpoint_is_in_the_document(client, addressbook):
    document = fetch_document(client, "/api/openapi.json")
    (mounted,) = mounted_apis()

    expected = {"/": {"get", "head", "options"}}
    for controller in mounted.api.controllers:
        # HEAD comes with GET, OPTIONS with every endpoint: both documented.
        expected[f"/{controller.ressource_name}/"] = {verb.lower() for verb in controller.list_methods.methods}
        expected[f"/{controller.ressource_name}/{{identifier}}/"] = {verb.lower() for verb in controller.unique_methods.methods}
    listed = {url: set(item) - {"parameters"} for url, item in document["paths"].items()}

    assert listed == expected


def test_walking_the_document_every_operation_answers_as_documented(client, addressbook):
    document = fetch_document(client, "/api/openapi.json")
    server = document["servers"][0]["url"].rstrip("/")
    created = {}
    answered = []
    collections = [url for url in document["paths"] if "{identifier}" not in url]
    for collection in collections:
        members = [url for url in document["paths"] if url.startswith(collection) and url != collection and collection != "/"]
        for url in [collection, *members]:
            item = document["paths"][url]
            for verb in sorted((v for v in item if v != "parameters"), key=WALK_ORDER.index):
                operation = item[verb]
                target = server + url
                if "{identifier}" in url:
                    target = created[collection]
                body = None
                if "requestBody" in operation:
                    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                    if verb == "post":
                        body = example_body(document, ref)
                    else:
                        body = client.get(target).json()
                send = getattr(client, verb)
                if body is None:
                    response = send(target)
                else:
                    response = send(target, json.dumps(body), content_type="application/json")
                answered.append((verb.upper(), url, response.status_code))

                assert str(response.status_code) in operation["responses"], (verb, url, response.content)
                assert response.status_code == EXPECTED_STATUS[verb], (verb, url, response.content)
                documented = operation["responses"][str(response.status_code)]
                if "content" in documented:
                    schema = documented["content"]["application/json"]["schema"]
                    errors = [error.message for error in schema_validator(document, schema).iter_errors(response.json())]
                    assert errors == [], (verb, url)
                if verb == "post":
                    created[collection] = response["Location"]
    # Every operation of the document was sent once.
    assert len(answered) == sum(len(set(item) - {"parameters"}) for item in document["paths"].values())


def test_error_answers_match_the_error_schema(client, addressbook):
    document = fetch_document(client, "/api/openapi.json")
    refused = client.post("/api/notes/", json.dumps({"title": 3}), content_type="application/json")
    missing = client.get("/api/notes/999/")

    documented = document["paths"]["/notes/"]["post"]["responses"]["400"]["content"]["application/json"]["schema"]
    assert documented == {"$ref": "#/components/schemas/Error"}
    for response in (refused, missing):
        assert list(schema_validator(document, documented).iter_errors(response.json())) == []
    assert document["components"]["schemas"]["Error"] == {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string", "description": "One sentence saying what went wrong."},
            "fields": {
                "type": "object",
                "description": "A message per invalid field or query parameter.",
                "additionalProperties": {"type": "string"},
            },
        },
    }


def test_foreign_keys_follow_the_tutorial_formaters(client, addressbook):
    document = fetch_document(client, "/api/openapi.json")
    schemas = document["components"]["schemas"]

    # remove_id hides the pk; format_foreign_key shows the address as its URI.
    assert "id" not in schemas["User"]["properties"]
    assert schemas["User"]["properties"]["address"] == {
        "type": ["string", "null"],
        "description": "URI of the address object referred to.",
    }
    # foreign_keys_format accepts the URI or the id in bodies.
    assert schemas["UserCreate"]["properties"]["address"]["type"] == ["integer", "string", "null"]
    assert schemas["UserCreate"]["required"] == ["first_name", "last_name"]
    assert schemas["UserCreate"]["properties"]["first_name"] == {
        "type": "string",
        "maxLength": 100,
        "examples": ["Hello World"],
    }


def test_every_api_of_the_testproject_serves_a_valid_document(client, settings, tmp_path, monkeypatch):
    """The project's own URLconf: the address book and its protected variants (read-only here)."""
    settings.ROOT_URLCONF = copy_of_testproject_urlconf(tmp_path, monkeypatch)
    mounted = mounted_apis()

    assert [m.prefix for m in mounted][:1] == ["/api/"]
    assert len(mounted) > 1
    for api in mounted:
        document = fetch_document(client, f"{api.prefix}openapi.json")
        assert (document["info"]["title"], document["info"]["version"]) == (str(api.api.name), str(api.api.version))
        assert document["servers"] == [{"url": api.prefix.rstrip("/")}]
        protected = [op for item in document["paths"].values() for op in item.values() if "security" in op]
        if any(c.authentication is not None for c in api.api.controllers):
            assert protected and "securitySchemes" in document["components"], api.prefix


# Documents of purpose-built APIs ------------------------------------------------------------


class ShelfModel(models.Model):
    fields = [
        models.PkField(name="id"),
        models.StringField(name="title", required=True, max_length=80),
        models.StringField(name="genre", choices=["novel", "essay"], nullable=True),
        models.IntegerField(name="year", min_value=1450, max_value=2100),
        models.FloatField(name="price", nullable=True),
        models.BooleanField(name="lent", default=False),
        models.DateTimeField(name="added_at", nullable=True),
    ]


class ShelfEndPoint(Controller):
    ressource = {
        "ressource_name": "shelf",
        "ressource": [],
        "model": ShelfModel,
        "datastore": PythonListDataStore,
        "options": {"partial": Partial("only")},
    }
    controller = {
        "list_verbs": ["GET", "POST"],
        "unique_verbs": ["GET", "DELETE"],
        "options": {"pagination": Pagination(10, offset_key="start", count_key="limit")},
    }


def shelf_document(client, settings, endpoint=ShelfEndPoint):
    settings.ROOT_URLCONF = urlconf(path("lib/", include([endpoint], name="library", hello=False)))
    return fetch_document(client, "/lib/openapi.json")


def test_model_constraints_become_schema_keywords(client, settings):
    document = shelf_document(client, settings)
    properties = document["components"]["schemas"]["ShelfCreate"]["properties"]

    assert properties["title"] == {"type": "string", "maxLength": 80, "examples": ["Hello World"]}
    assert properties["genre"] == {"type": ["string", "null"], "enum": ["novel", "essay", None]}
    assert properties["year"] == {"type": "integer", "format": "int64", "minimum": 1450, "maximum": 2100, "examples": [0]}
    assert properties["price"] == {"type": ["number", "null"], "examples": [0.1]}
    assert properties["lent"] == {"type": "boolean", "description": "Left out, it is false.", "examples": [True]}
    assert properties["added_at"]["type"] == ["string", "null"]
    assert properties["added_at"]["format"] == "date-time"
    assert "id" not in properties
    assert document["components"]["schemas"]["ShelfCreate"]["required"] == ["title"]
    assert document["components"]["schemas"]["ShelfCreate"]["additionalProperties"] is False
    assert document["components"]["schemas"]["Shelf"]["properties"]["id"]["readOnly"] is True


def test_list_parameters_name_pagination_partial_ordering_and_filters(client, settings):
    document = shelf_document(client, settings)
    parameters = {p["name"]: p for p in document["paths"]["/shelf/"]["get"]["parameters"]}

    assert list(parameters)[:4] == ["start", "limit", "only", "order_by"]
    assert parameters["start"]["schema"] == {"type": "integer", "minimum": 0, "default": 0}
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 0, "default": 10}
    assert {"title", "title__contains", "title__icontains", "title__startswith", "title__in", "title__isnull"} <= set(parameters)
    assert {"year", "year__gt", "year__gte", "year__lt", "year__lte", "year__in", "year__isnull"} <= set(parameters)
    assert "year__contains" not in parameters
    assert {"lent", "lent__in", "lent__isnull"} <= set(parameters)
    assert "lent__gt" not in parameters
    assert parameters["year__gt"]["schema"] == {"type": "integer", "format": "int64"}
    assert parameters["year__isnull"]["schema"] == {"type": "boolean"}
    assert all(p["in"] == ("header" if p["name"].startswith("If-") else "query") for p in parameters.values())
    assert all(p["required"] is False for p in parameters.values())
    # The unique GET takes the partial keyword only; DELETE takes none.
    detail = document["paths"]["/shelf/{identifier}/"]
    assert detail["parameters"] == [
        {"name": "identifier", "in": "path", "required": True, "description": "The id of the object.", "schema": {"type": "integer"}}
    ]
    assert [p["name"] for p in detail["get"]["parameters"]] == ["only", "If-None-Match", "If-Match"]
    assert [p["name"] for p in detail["delete"]["parameters"]] == ["If-None-Match", "If-Match"]


def test_the_list_envelope_documents_meta_with_the_pagination_keys(client, settings):
    document = shelf_document(client, settings)
    envelope = document["components"]["schemas"]["ShelfList"]
    client.post("/lib/shelf/", {"title": "Candide", "year": 1759}, content_type="application/json")
    answer = client.get("/lib/shelf/?limit=1&genre__isnull=true").json()

    assert envelope["required"] == ["meta", "object_list"]
    # Partial responses: the items of a page are ShelfPartial, whose members may be left out.
    assert envelope["properties"]["object_list"] == {"type": "array", "items": {"$ref": "#/components/schemas/ShelfPartial"}}
    assert envelope["properties"]["meta"]["required"] == ["start", "limit", "total_count", "next", "previous", "filters"]
    assert envelope["properties"]["meta"]["properties"]["next"]["type"] == ["string", "null"]
    assert list(schema_validator(document, {"$ref": "#/components/schemas/ShelfList"}).iter_errors(answer)) == []
    assert answer["meta"]["limit"] == 1


def test_only_configured_verbs_are_documented(client, settings):
    document = shelf_document(client, settings)

    assert set(document["paths"]) == {"/shelf/", "/shelf/{identifier}/"}
    assert set(document["paths"]["/shelf/"]) == {"get", "head", "post", "options"}
    assert set(document["paths"]["/shelf/{identifier}/"]) == {"parameters", "get", "head", "delete", "options"}
    assert document["paths"]["/shelf/"]["get"]["security"] == []
    assert "securitySchemes" not in document["components"]


KEYS = [{"key": "secret", "owner": "ann"}]


class KeyModel(models.Model):
    fields = [models.StringPkField(name="key"), models.StringField(name="owner", required=True)]


def protected(authentication, *, authorization=Authorization, ratelimit=None):
    options = {"authentication": authentication}
    if authorization is not None:
        options["authorization"] = authorization
    if ratelimit is not None:
        options["ratelimit"] = ratelimit

    class Protected(ShelfEndPoint):
        controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"], "options": options}

    return Protected


def test_api_key_authentication_is_an_api_key_in_query_and_header(client, settings):
    endpoint = protected(ApiKeyAuthentication(PythonListDataStore(KEYS, KeyModel), identifier="key"))
    document = shelf_document(client, settings, endpoint)
    operation = document["paths"]["/shelf/"]["get"]

    assert document["components"]["securitySchemes"] == {
        "apiKeyQuery": {"type": "apiKey", "in": "query", "name": "key", "description": "API key as a query parameter."},
        "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-Api-Key", "description": "API key as a header."},
    }
    assert operation["security"] == [{"apiKeyQuery": []}, {"apiKeyHeader": []}]
    assert {"401", "403"} <= set(operation["responses"])
    # The key's query parameter is no filter.
    assert "key" not in {p["name"] for p in operation["parameters"]}
    assert client.get("/lib/shelf/").status_code == 401
    assert client.get("/lib/shelf/?key=secret").status_code == 200
    assert client.get("/lib/shelf/", headers={"X-Api-Key": "secret"}).status_code == 200


def test_basic_and_session_authentication_schemes(client, settings):
    basic = fetch_scheme(client, settings, BasicAuthentication())
    session = fetch_scheme(client, settings, DjangoAuthentication())

    assert basic == {"basic": {"type": "http", "scheme": "basic", "description": "HTTP Basic credentials."}}
    assert session == {
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "Django session cookie; unsafe methods also need the CSRF token (X-CSRFToken).",
        }
    }


def fetch_scheme(client, settings, authentication):
    return shelf_document(client, settings, protected(authentication))["components"]["securitySchemes"]


def test_authentication_without_authorization_is_optional(client, settings):
    endpoint = protected(BasicAuthentication(), authorization=None)
    document = shelf_document(client, settings, endpoint)

    assert document["paths"]["/shelf/"]["get"]["security"] == [{"basic": []}, {}]


def test_a_rate_limit_documents_429_and_its_headers(client, settings):
    endpoint = protected(BasicAuthentication(), ratelimit=CacheRateLimit(quota=5, interval=60))
    document = shelf_document(client, settings, endpoint)
    responses = document["paths"]["/shelf/"]["get"]["responses"]

    assert responses["429"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert set(responses["200"]["headers"]) == {"ETag", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}
    assert set(responses["429"]["headers"]) == {"Retry-After"}
    # If-Match is honoured on a GET too; an outage is a 503 with Retry-After.
    assert responses["412"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert set(responses["503"]["headers"]) == {"Retry-After"}
