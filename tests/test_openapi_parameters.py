"""openapi.json's query parameters and links against what the server parses and answers.

Lists the server splits on commas are arrays a client spells ``form``/``explode:
false``; filters carry only what the filter parser checks; links lead from a
create and a list to the object's own operations.
"""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from selfdoc_api import addressbook_urlconf, copy_of_testproject_urlconf

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client, settings, tmp_path):
    settings.ROOT_URLCONF = addressbook_urlconf(tmp_path)
    answer = client.get("/api/openapi.json").json()
    validate(answer)
    return answer


def parameters_of(operation):
    return {parameter["name"]: parameter for parameter in operation["parameters"]}


def spell(parameter, values):
    """Serialize an array query parameter the way a generated client does for form/explode false."""
    assert (parameter["style"], parameter["explode"]) == ("form", False)
    return f"{parameter['name']}={','.join(map(str, values))}"


def test_lists_split_on_commas_are_form_arrays_and_the_server_reads_them_so(client, document):
    parameters = parameters_of(document["paths"]["/address/"]["get"])
    for name, number in (("Lyon", 1), ("Paris", 2), ("Nice", 3)):
        client.post("/api/address/", {"country": "FR", "city": name, "street": "Rue", "number": number},
                    content_type="application/json")

    assert parameters["number__in"]["schema"] == {
        "type": "array", "items": {"type": "integer", "format": "int64"}, "minItems": 1, "maxItems": 1000}
    assert parameters["order_by"]["schema"]["items"]["enum"][:2] == ["country", "-country"]
    assert parameters["order_by"]["schema"]["uniqueItems"] is True
    assert set(parameters["fields"]["schema"]["items"]["enum"]) == {"id", "country", "city", "street", "number"}
    query = "&".join([spell(parameters["number__in"], [1, 3]), spell(parameters["order_by"], ["-number"]),
                      spell(parameters["fields"], ["city", "number"])])
    page = client.get(f"/api/address/?{query}").json()

    assert [item["city"] for item in page["object_list"]] == ["Nice", "Lyon"]
    assert set(page["object_list"][0]) == {"city", "number", "ressource_uri"}


def test_filters_carry_only_what_the_filter_parser_enforces(client, document):
    parameters = parameters_of(document["paths"]["/notes/"]["get"])

    # priority is 0..5 in bodies, title at most 200 characters: filters take any value of the type.
    assert document["components"]["schemas"]["NoteCreate"]["properties"]["priority"]["maximum"] == 5
    assert parameters["priority"]["schema"] == {"type": "integer", "format": "int64"}
    assert parameters["priority__gt"]["schema"] == {"type": "integer", "format": "int64"}
    assert parameters["title"]["schema"] == {"type": "string"}
    assert client.get("/api/notes/?priority=9").status_code == 200
    assert client.get("/api/notes/?priority__gt=-3").status_code == 200
    assert client.get(f"/api/notes/?title={'x' * 300}").status_code == 200
    filters = [p for name, p in parameters.items() if name.split("__")[0] in {"id", "title", "body", "priority"}]
    assert len(filters) > 20
    for parameter in filters:
        value = parameter["schema"].get("items", parameter["schema"])
        assert not {"maxLength", "minimum", "maximum", "default", "enum"} & set(value), parameter


def test_links_lead_from_create_and_list_to_the_object_operations(client, document):
    operation_ids = {op["operationId"] for item in document["paths"].values() for key, op in item.items() if key != "parameters"}
    created = document["paths"]["/notes/"]["post"]["responses"]["201"]["links"]
    listed = document["paths"]["/notes/"]["get"]["responses"]["200"]["links"]

    assert set(created) == {"GetNote", "CheckNote", "ReplaceNote", "UpdateNote", "DeleteNote"}
    assert created["GetNote"] == {"operationId": "notes_detail_get", "parameters": {"identifier": "$response.body#/id"},
                                  "description": "Get the created object."}
    assert listed["DeleteNote"]["parameters"] == {"identifier": "$response.body#/object_list/0/id"}
    for link in [*created.values(), *listed.values()]:
        assert link["operationId"] in operation_ids
    # users hide their pk (remove_id): the identifier is read from the URI.
    users = document["paths"]["/users/"]["post"]["responses"]["201"]["links"]["GetUser"]["parameters"]
    assert users == {"identifier": r"$response.header.Location#regex:/users/([^/]+)/$"}


def test_following_a_link_reaches_the_created_object(client, document):
    import re

    link = document["paths"]["/users/"]["post"]["responses"]["201"]["links"]["GetUser"]
    created = client.post("/api/users/", {"first_name": "Ann", "last_name": "Lee"}, content_type="application/json")
    pattern = link["parameters"]["identifier"].split("#regex:", 1)[1]
    identifier = re.search(pattern, created["Location"]).group(1)

    assert client.get(f"/api/users/{identifier}/").json() == created.json()


def test_every_document_of_the_testproject_links_only_to_its_own_operations(client, settings, tmp_path, monkeypatch):
    from django_restframework_lite.discovery import mounted_apis

    settings.ROOT_URLCONF = copy_of_testproject_urlconf(tmp_path, monkeypatch)
    for api in mounted_apis():
        document = client.get(f"{api.prefix}openapi.json").json()
        validate(document)
        items = [op for item in document["paths"].values() for key, op in item.items() if key != "parameters"]
        ids = {op["operationId"] for op in items}
        links = [link for op in items for answer in op["responses"].values() for link in answer.get("links", {}).values()]
        assert links, api.prefix
        assert {link["operationId"] for link in links} <= ids
        if api.prefix == "/api/":
            # users are nested under their address: a created address links to its users' list.
            created = document["paths"]["/address/"]["post"]["responses"]["201"]["links"]
            assert created["ListUsersOfAddress"]["operationId"] == "users_list_get_by_address"
            assert created["CreateUsersOfAddress"]["parameters"] == {"parent": r"$response.header.Location#regex:/address/([^/]+)/$"}
