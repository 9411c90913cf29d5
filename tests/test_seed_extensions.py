"""Extension code written the seed's way: each shape works as in the seed, or include() refuses it.

Refused means ``ImproperlyConfigured`` when the URLs are built, naming the class and
what to change; never a 500 at the first request, never an override left uncalled.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import path
from selfdoc_api import urlconf

from django_restframework_lite import models
from django_restframework_lite.authentication import ApiKeyAuthentication, Authentication
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DataStore, PythonListDataStore
from django_restframework_lite.datastore.validators import UniqueTogether, Validator
from django_restframework_lite.exceptions import BadRequest
from django_restframework_lite.models.validators import FloatValidator, IntegerValidator, StringValidator
from django_restframework_lite.models.validators import Validator as FieldValidator
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.partials import Partial
from django_restframework_lite.urls import include
from django_restframework_lite.views import JsonResponse

JSON = "application/json"


class EvenValidator(FieldValidator):
    def validate(self, field: Any) -> bool:
        return field % 2 == 0


class EvenField(models.IntegerField):
    validators = [IntegerValidator(), EvenValidator()]


class PeopleModel(models.Model):
    fields = [
        models.PkField(name="id"),
        models.StringField(name="name", required=True),
        models.StringField(name="city"),
        EvenField(name="age"),
    ]


def people() -> list[dict[str, Any]]:
    return [{"id": n, "name": f"p{n}", "city": "Paris", "age": 2 * n} for n in range(1, 8)]


def endpoint(ressource_options: Any = None, controller_options: Any = None, view: Any = None, model: Any = PeopleModel) -> type:
    attributes: dict[str, Any] = {
        "ressource": {
            "ressource_name": "people",
            "ressource": people(),
            "model": model,
            "datastore": PythonListDataStore,
            "options": ressource_options or {},
        },
        "controller": {
            "list_verbs": ["GET", "POST"],
            "unique_verbs": ["GET", "PUT", "DELETE"],
            "options": controller_options or {},
        },
    }
    if view is not None:
        attributes["view"] = view
    return type("PeopleEndPoint", (Controller,), attributes)


@pytest.fixture
def serve(settings: Any) -> Any:
    def mount(cls: type) -> None:
        settings.ROOT_URLCONF = urlconf(path("api/", include([cls])))

    return mount


def post(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/api/people/", json.dumps(body), content_type=JSON)


def refused(cls: type, *fragments: str) -> str:
    with pytest.raises(ImproperlyConfigured) as caught:
        include([cls])
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message
    return message


# Datastore validators ------------------------------------------------------------------------


class UniqueName(Validator):
    """The seed's shape: Validator(*fields), validate(self, datastore, data), no pk."""

    def validate(self, datastore: Any, data: dict[str, Any]) -> None:
        query = {name: data[name] for name in self.fields}
        if datastore.get_list(**query):
            raise BadRequest(f"{','.join(self.fields)} is taken")


def test_a_seed_datastore_validator_refuses_over_http(client: Any, serve: Any) -> None:
    serve(endpoint({"validators": [UniqueName("name")]}))

    assert post(client, {"name": "new"}).status_code == 201
    response = post(client, {"name": "new"})

    assert response.status_code == 400
    assert response.json() == {"error": "name is taken"}


def test_a_datastore_validator_without_validate_is_refused() -> None:
    refused(endpoint({"validators": [Validator("name")]}), "Validator must implement validate(self, datastore, data)", "E005")


def test_a_datastore_validator_class_is_refused() -> None:
    refused(endpoint({"validators": [UniqueName]}), "UniqueName is a class", "ressource['options']['validators']")


def test_a_unique_together_naming_no_field_is_refused() -> None:
    refused(endpoint({"validators": [UniqueTogether("name", "nickname")]}), "'nickname', not a field of PeopleModel")


# Field validators ----------------------------------------------------------------------------


def test_a_seed_field_validator_refuses_over_http(client: Any, serve: Any) -> None:
    serve(endpoint())

    response = post(client, {"name": "odd", "age": 3})

    assert response.status_code == 400
    assert response.json() == {"error": "age does not validate", "fields": {"age": "Refused by EvenValidator."}}
    assert post(client, {"name": "even", "age": 4}).status_code == 201


def test_the_seed_type_validators() -> None:
    assert [IntegerValidator().validate(v) for v in (3, True, 3.0)] == [True, False, False]
    assert [StringValidator().validate(v) for v in ("a", 1)] == [True, False]
    assert [FloatValidator().validate(v) for v in (3, 0.5, float("nan"), False)] == [True, True, False, False]


class NotAValidator:
    pass


@pytest.mark.parametrize(
    ("validator", "message"),
    [
        (NotAValidator(), "NotAValidator is neither a callable f(value) nor an object with validate(value) -> bool."),
        (EvenValidator, "EvenValidator is a class: list an instance, EvenValidator()."),
        (FieldValidator(), "Validator must implement validate(value) -> bool."),
        (lambda: None, "<lambda> cannot be called with one value."),
    ],
)
def test_a_field_validator_no_field_can_run_is_refused(validator: Any, message: str) -> None:
    class OddField(models.IntegerField):
        validators = [validator]

    class OddModel(models.Model):
        fields = [models.PkField(name="id"), OddField(name="age")]

    refused(endpoint(model=OddModel), "OddModel: field 'age' (OddField.validators)", message, "E004")


# Pagination ----------------------------------------------------------------------------------


class SeedPagination(Pagination):
    def paginate(self, request):  # the seed's hook, as a seed user wrote it
        request_kwargs = request.values.to_dict()
        return int(request_kwargs.pop("page", 0)) * self.max, self.max, request_kwargs


class PagePagination(Pagination):
    """The same idea, written for this package: ?page=N."""

    query_parameters = ("page",)

    def paginate(self, query: Any) -> tuple[int, int]:
        return int(query.get("page", "0")) * self.max, self.max


def test_a_seed_paginate_request_is_refused_with_the_signature_to_use() -> None:
    message = refused(endpoint(controller_options={"pagination": SeedPagination(2)}), "SeedPagination.paginate(self, request)")
    assert "paginate(self, query)" in message and "return two values" in message


def test_a_paginate_query_override_is_called(client: Any, serve: Any) -> None:
    serve(endpoint(controller_options={"pagination": PagePagination(2)}))

    body = client.get("/api/people/?page=1").json()

    assert [person["id"] for person in body["object_list"]] == [3, 4]
    assert body["meta"]["filters"] == {}


def test_a_seed_get_metadata_override_is_refused() -> None:
    class MetaPagination(Pagination):
        def get_metadata(self, count, offset, total, **filters):
            return {"total": total}

    refused(endpoint(controller_options={"pagination": MetaPagination(2)}), "MetaPagination.get_metadata() is the seed's hook", "get_meta(")


def test_a_pagination_class_is_refused() -> None:
    refused(endpoint(controller_options={"pagination": Pagination}), "Pagination is a class: give an instance")


# Partials ------------------------------------------------------------------------------------


class PipePartial(Partial):
    """The seed's hook: get_partials(**kwargs) -> (fields, kwargs); here fields separated by '|'."""

    def get_partials(self, **kwargs: str) -> tuple[list[str], dict[str, str]]:
        raw = kwargs.pop(self.partial_keyword, "")
        return [name for name in raw.split("|") if name], kwargs


def test_a_get_partials_override_decides_the_fields(client: Any, serve: Any) -> None:
    serve(endpoint({"partial": PipePartial("only")}))

    listed = client.get("/api/people/?only=name|city&city=Paris").json()
    one = client.get("/api/people/2/?only=name").json()

    assert listed["object_list"][0] == {"id": 1, "name": "p1", "city": "Paris", "ressource_uri": "/api/people/1/"}
    assert listed["meta"]["filters"] == {"city": "Paris"}
    assert one == {"id": 2, "name": "p2", "ressource_uri": "/api/people/2/"}
    assert client.get("/api/people/?only=name|colour").json() == {
        "error": "Unknown field in only: colour.",
        "fields": {"only": "colour: not a field of this ressource."},
    }
    assert len(client.get("/api/people/").json()["object_list"][0]) == 5


def test_a_get_partials_without_keyword_arguments_is_refused() -> None:
    class ListPartial(Partial):
        def get_partials(self, fields):
            return fields.split(","), {}

    refused(endpoint({"partial": ListPartial()}), "ListPartial.get_partials(fields) must take the query parameters as keyword arguments")


# Authentication ------------------------------------------------------------------------------


def test_a_seed_get_user_identifier_is_refused() -> None:
    class KeyAuthentication(ApiKeyAuthentication):
        def get_user(self, identifier):
            return self.datastore.get(identifier)

    keys = PythonListDataStore([{"key": "k"}], type("KeyModel", (models.Model,), {"fields": [models.StringPkField(name="key")]}))
    message = refused(
        endpoint(controller_options={"authentication": KeyAuthentication(keys)}),
        "KeyAuthentication.get_user(self, identifier) is the seed's signature",
    )
    assert "get_user(self, request)" in message


def test_an_authentication_class_is_refused() -> None:
    refused(endpoint(controller_options={"authentication": Authentication}), "Authentication is a class: give an instance")


# response_class ------------------------------------------------------------------------------


class SeedXmlResponse:
    """A seed response_class: built with the model, called with objs=..."""

    def __init__(self, model: Any, ressource_name: str, formaters: Any = None, **options: Any) -> None:
        self.model = model

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return "<xml/>"


class WerkzeugLikeResponse:
    def __init__(self, response: Any = None, status: Any = None, headers: Any = None) -> None:
        self.response = response


def test_a_seed_response_class_is_refused() -> None:
    message = refused(endpoint(view={"response_class": SeedXmlResponse}), "SeedXmlResponse is a seed response_class")
    assert "subclass django_restframework_lite.views.JsonResponse" in message


def test_a_response_class_that_is_no_django_response_is_refused() -> None:
    refused(endpoint(view={"response_class": WerkzeugLikeResponse}), "WerkzeugLikeResponse is not a Django HttpResponse class")


def test_a_response_function_of_another_shape_is_refused() -> None:
    def render(objs):
        return HttpResponse(str(objs))

    refused(endpoint(view={"response_class": render}), "render cannot be called as response_class(data, status=...)")


class IndentedResponse(JsonResponse):
    def __init__(self, data: Any = None, status: int = 200, **kwargs: Any) -> None:
        super().__init__(data, status=status, indent=1, **kwargs)


def test_a_json_response_subclass_and_a_function_both_serve(client: Any, serve: Any) -> None:
    serve(endpoint(view={"response_class": IndentedResponse}))
    assert client.get("/api/people/1/").content.startswith(b'{\n "id": 1')

    serve(endpoint(view={"response_class": lambda data, status=200: JsonResponse({"wrapped": data}, status=status)}))
    assert client.get("/api/people/1/").json()["wrapped"]["name"] == "p1"


# A datastore written for the seed ------------------------------------------------------------


class SeedListStore(DataStore):
    """A store written for the seed: get(), and filter()/get_list() instead of fetch()."""

    def get(self, identifier: Any) -> dict[str, Any]:
        return {}

    def filter(self, **kwargs: Any) -> list[dict[str, Any]]:
        return []

    def get_list(self, offset: Any = None, count: Any = None, **kwargs: Any) -> list[dict[str, Any]]:
        return self.filter(**kwargs)


def test_a_datastore_without_the_hooks_its_verbs_need_is_refused() -> None:
    cls = endpoint()
    cls.ressource = {**cls.ressource, "datastore": SeedListStore}

    message = refused(cls, "SeedListStore does not implement fetch(), count_matching(), insert(), save(), remove()", "E001")

    assert "(its filter, get_list from the seed is not what DataStore calls)" in message


def test_a_read_only_datastore_needs_only_the_read_hooks(client: Any, serve: Any) -> None:
    class ReadOnlyStore(DataStore):
        def get(self, identifier: Any) -> dict[str, Any]:
            return {"id": identifier, "name": "only"}

        def fetch(self, conditions: Any, ordering: Any, offset: int, count: Any) -> list[dict[str, Any]]:
            return [self.get(1)]

        def count_matching(self, conditions: Any) -> int:
            return 1

    cls = endpoint()
    cls.ressource = {**cls.ressource, "datastore": ReadOnlyStore}
    cls.controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"]}
    serve(cls)

    assert client.get("/api/people/").json()["object_list"] == [{"id": 1, "name": "only", "ressource_uri": "/api/people/1/"}]
