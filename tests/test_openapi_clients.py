"""What generated clients rely on in openapi.json: bodies, security, conditional headers, required members.

Each test reads the document of the tutorial's address book (or of an API built
for the point) and checks the document against what the server does through HTTP.
"""

from __future__ import annotations

import json

import pytest
from jsonschema.validators import Draft202012Validator
from openapi_spec_validator import validate
from selfdoc_api import addressbook_urlconf

pytestmark = pytest.mark.django_db


def fetch_document(client, url="/api/openapi.json"):
    response = client.get(url)
    assert response.status_code == 200
    document = response.json()
    validate(document)
    return document


def valid_against(document, schema, instance):
    validator = Draft202012Validator({**schema, "components": document["components"]},
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [error.message for error in validator.iter_errors(instance)]


@pytest.fixture
def addressbook(settings, tmp_path):
    settings.ROOT_URLCONF = addressbook_urlconf(tmp_path)


def properties_of(schema):
    return schema.get("properties", {})


def test_no_schema_carries_a_default_creates_name_theirs_in_words(client, addressbook):
    document = fetch_document(client)
    schemas = document["components"]["schemas"]

    assert schemas["NoteCreate"]["properties"]["body"]["description"].endswith('Left out, it is "".')
    assert schemas["NoteCreate"]["properties"]["priority"]["description"].endswith("Left out, it is 0.")
    assert "Left out" not in json.dumps(schemas["NoteUpdate"])
    for name, schema in schemas.items():
        for member, prop in properties_of(schema).items():
            assert "default" not in prop, (name, member)


def test_a_one_field_patch_built_from_the_update_schema_leaves_the_other_fields(client, addressbook):
    document = fetch_document(client)
    update = document["components"]["schemas"]["NoteUpdate"]
    created = client.post("/api/notes/", {"title": "Shopping", "body": "milk, eggs", "priority": 1},
                          content_type="application/json")
    # What a generated client sends for NoteUpdate(priority=5): the given member and the defaults it documents.
    body = {"priority": 5} | {name: prop["default"] for name, prop in update["properties"].items() if "default" in prop}

    patched = client.patch(created["Location"], json.dumps(body), content_type="application/json")

    assert patched.status_code == 200
    assert patched.json()["body"] == "milk, eggs"
    assert patched.json()["priority"] == 5


def operations(document):
    for url, item in document["paths"].items():
        for verb, operation in item.items():
            if verb != "parameters":
                yield url, verb, operation


def test_operations_without_authentication_say_so(client, addressbook):
    document = fetch_document(client)

    assert {verb for _, verb, _ in operations(document)} >= {"get", "head", "post", "put", "patch", "delete", "options"}
    for url, verb, operation in operations(document):
        assert operation["security"] == [], (url, verb)
        assert "401" not in operation["responses"]


def test_conditional_headers_304_and_412_are_documented_as_the_server_answers(client, addressbook):
    document = fetch_document(client)
    detail = document["paths"]["/notes/{identifier}/"]
    created = client.post("/api/notes/", {"title": "Tea"}, content_type="application/json")
    url = created["Location"]
    read = client.get(url)

    for verb in ("get", "head", "put", "patch", "delete"):
        names = [parameter["name"] for parameter in detail[verb]["parameters"]]
        assert {"If-None-Match", "If-Match"} <= set(names), verb
        assert "412" in detail[verb]["responses"], verb
    assert "parameters" not in detail["options"]
    for verb in ("get", "head"):
        assert "ETag" in detail[verb]["responses"]["200"]["headers"]
        assert "ETag" in detail[verb]["responses"]["304"]["headers"]
    for verb in ("put", "patch"):
        assert "ETag" in detail[verb]["responses"]["200"]["headers"]
    assert "ETag" in document["paths"]["/notes/"]["post"]["responses"]["201"]["headers"]
    assert "304" not in detail["put"]["responses"]
    # What the document promises, the server does.
    assert created["ETag"] and read["ETag"]
    assert client.get(url, headers={"If-None-Match": read["ETag"]}).status_code == 304
    assert client.head(url, headers={"If-None-Match": read["ETag"]}).status_code == 304
    stale = client.patch(url, {"priority": 2}, content_type="application/json", headers={"If-Match": '"stale"'})
    assert stale.status_code == 412
    assert client.delete(url, headers={"If-Match": '"stale"'}).status_code == 412
    assert client.get(url, headers={"If-Match": '"stale"'}).status_code == 412
    assert client.patch(url, {"priority": 2}, content_type="application/json", headers={"If-Match": read["ETag"]}).status_code == 200


def test_every_member_of_an_answer_is_required_and_partial_answers_have_their_own_schema(client, addressbook):
    document = fetch_document(client)
    schemas = document["components"]["schemas"]
    client.post("/api/address/", {"country": "FR", "city": "Lyon", "street": "Rue", "number": 3},
                content_type="application/json")

    assert schemas["User"]["required"] == ["first_name", "last_name", "address", "ressource_uri"]
    assert schemas["Note"]["required"] == ["id", "title", "body", "priority", "ressource_uri"]
    # address has partial responses: its GETs answer AddressPartial, where only ressource_uri always comes.
    assert schemas["AddressPartial"]["required"] == ["ressource_uri"]
    assert document["paths"]["/address/{identifier}/"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"] == {"$ref": "#/components/schemas/AddressPartial"}
    assert schemas["AddressList"]["properties"]["object_list"]["items"] == {"$ref": "#/components/schemas/AddressPartial"}
    assert document["paths"]["/address/"]["post"]["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Address"}
    page = client.get("/api/address/?fields=city").json()
    item = page["object_list"][0]
    assert set(item) == {"city", "ressource_uri"}
    assert valid_against(document, {"$ref": "#/components/schemas/AddressList"}, page) == []
    assert valid_against(document, {"$ref": "#/components/schemas/Address"}, item) != []
    full = client.get(item["ressource_uri"]).json()
    assert valid_against(document, {"$ref": "#/components/schemas/Address"}, full) == []


def test_server_and_document_agree_on_integers_ressource_uri_and_unique_together(client, addressbook):
    document = fetch_document(client)
    priority = document["components"]["schemas"]["NoteCreate"]["properties"]["priority"]
    assert priority["type"] == "integer"
    assert document["components"]["schemas"]["NoteUpdate"]["properties"]["ressource_uri"]["type"] == "string"
    assert "409" in document["paths"]["/users/"]["post"]["responses"]

    whole = client.post("/api/notes/", json.dumps({"title": "a", "priority": 4.0}), content_type="application/json")
    half = client.post("/api/notes/", json.dumps({"title": "b", "priority": 4.5}), content_type="application/json")
    uri = client.post("/api/notes/", json.dumps({"title": "c", "ressource_uri": 3}), content_type="application/json")
    first = client.post("/api/users/", {"first_name": "Ann", "last_name": "Lee"}, content_type="application/json")
    second = client.post("/api/users/", {"first_name": "Ann", "last_name": "Lee"}, content_type="application/json")

    assert (whole.status_code, whole.json()["priority"]) == (201, 4)
    assert half.status_code == 400
    assert (uri.status_code, list(uri.json()["fields"])) == (400, ["ressource_uri"])
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["error"] == "first_name,last_name must be unique together"
    assert client.get("/api/notes/").json()["meta"]["total_count"] == 1


def test_an_optional_email_may_be_blank_and_a_read_only_ressource_keeps_no_unused_schema(client, settings, tmp_path,
                                                                                          monkeypatch):
    from selfdoc_api import copy_of_testproject_urlconf

    settings.ROOT_URLCONF = copy_of_testproject_urlconf(tmp_path, monkeypatch)
    document = fetch_document(client, "/mine/openapi.json")
    email = document["components"]["schemas"]["User"]["properties"]["email"]

    # Django's User.email is blank=True: "" is what an account without an address answers.
    assert valid_against(document, email, "") == []
    assert valid_against(document, email, "ann@example.com") == []
    assert valid_against(document, email, "not an address") != []
    text = json.dumps(document)
    for name in document["components"]["schemas"]:
        assert f'"#/components/schemas/{name}"' in text, name


def test_an_expanded_relation_matches_the_document(client, settings, tmp_path, monkeypatch):
    from selfdoc_api import copy_of_testproject_urlconf

    settings.ROOT_URLCONF = copy_of_testproject_urlconf(tmp_path, monkeypatch)
    document = fetch_document(client)
    address = client.post("/api/address/", {"country": "FR", "city": "Lyon", "street": "Rue", "number": 3},
                          content_type="application/json")
    client.post("/api/users/", {"first_name": "Ann", "last_name": "Lee", "address": address["Location"]},
                content_type="application/json")

    page = client.get("/api/users/?expand=address").json()
    assert page["object_list"][0]["address"]["city"] == "Lyon"
    assert valid_against(document, {"$ref": "#/components/schemas/UserList"}, page) == []
    plain = client.get("/api/users/").json()
    assert valid_against(document, {"$ref": "#/components/schemas/UserList"}, plain) == []
