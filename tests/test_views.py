"""``JsonResponse``, the per-request view, built-in and shipped formaters."""

from __future__ import annotations

import datetime
import decimal
import itertools
import json
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse

from django_restframework_lite import models
from django_restframework_lite.exceptions import BadRequest, NotFound
from django_restframework_lite.formaters import (
    add_ressource_uri,
    foreign_keys_format,
    format_foreign_key,
    parse_reference,
    remove_id,
    render_builtin,
    resolve_formaters,
)
from django_restframework_lite.responses import dumps, error_response
from django_restframework_lite.urls import include
from django_restframework_lite.views import BoundView, JsonResponse
from tests.http_support import mount, tag_endpoint, user_endpoint, users


def test_json_response_is_a_django_response():
    response = JsonResponse({"a": [1, 2.5, None, True]}, status=201)
    assert isinstance(response, HttpResponse)
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response.content == b'{"a":[1,2.5,null,true]}'


def test_json_response_without_data_has_an_empty_body():
    response = JsonResponse(None, status=204)
    assert response.status_code == 204
    assert response.content == b""


def test_json_response_headers():
    assert JsonResponse({}, headers={"X-A": "b"})["X-A"] == "b"


def test_json_is_compact_utf8():
    assert JsonResponse({"city": "Zürich ☃"}).content == '{"city":"Zürich ☃"}'.encode()


def test_json_of_store_types():
    # A Decimal is an exact string since 0.2 (it was a float): the wire format of DecimalField, API.md section 11.
    value = {
        "when": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        "day": datetime.date(2024, 1, 2),
        "price": decimal.Decimal("1.50"),
        "tiny": decimal.Decimal("1E-7"),
        "uid": uuid.UUID(int=1),
        "length": datetime.timedelta(days=1, hours=2, minutes=30),
        "blob": b"hello",
    }
    assert json.loads(dumps(value)) == {"when": "2024-01-02T03:04:05+00:00", "day": "2024-01-02", "price": "1.50",
                                        "tiny": "0.0000001", "uid": "00000000-0000-0000-0000-000000000001",
                                        "length": "P1DT2H30M", "blob": "aGVsbG8="}


def test_json_escapes_a_lone_surrogate_instead_of_failing():
    assert dumps({"q": "a\udc80"}) == b'{"q":"a\\udc80"}'


def test_json_refuses_what_is_not_json():
    with pytest.raises(TypeError):
        dumps({"x": object()})
    with pytest.raises(ValueError):
        dumps({"x": float("nan")})


def test_error_response_carries_status_body_and_headers():
    response = error_response(NotFound("gone", headers={"X-Why": "deleted"}))
    assert response.status_code == 404
    assert response["X-Why"] == "deleted"
    assert json.loads(response.content) == {"error": "gone"}
    response = error_response(BadRequest("bad", fields={"a": "wrong"}))
    assert json.loads(response.content) == {"error": "bad", "fields": {"a": "wrong"}}


# Formaters ----------------------------------------------------------------------------------


def bound(controller, prefix="/api/", rf=None):
    from django.test import RequestFactory

    return controller.view.bind((rf or RequestFactory()).get("/"), prefix)


def built(endpoint):
    return include([endpoint])[0].api.controllers[0]


def test_formaters_are_resolved_by_name_and_callable():
    def custom(view, obj):
        return obj

    resolved = resolve_formaters(["add_ressource_uri", "remove_id", "format_foreign_key", custom], "x")
    assert resolved == [add_ressource_uri, remove_id, format_foreign_key, custom]


@pytest.mark.parametrize("entries", [["nope"], "add_ressource_uri", [3], None])
def test_bad_formaters_are_refused(entries):
    with pytest.raises(ImproperlyConfigured):
        resolve_formaters(entries, "view['options']['formaters']")


def test_bound_view_exposes_the_view_and_the_request():
    controller = built(user_endpoint())
    view = bound(controller, "/v1/")
    assert isinstance(view, BoundView)
    assert view.model is controller.model and view.datastore is controller.datastore
    assert not hasattr(view, "controller")  # a rendering object: no back-reference to the controller
    assert view.response_class is JsonResponse
    assert view.formaters == [add_ressource_uri]
    assert (view.prefix, view.ressource_name, view.request.path) == ("/v1/", "users", "/")
    assert view.uri("address", 4) == "/v1/address/4/"
    assert view.ressource_uri("a b/c") == "/v1/users/a%20b%2Fc/"


def test_bound_view_holds_no_shared_state():
    controller = built(user_endpoint())
    first, second = bound(controller, "/one/"), bound(controller, "/two/")
    assert first.prefix == "/one/" and second.prefix == "/two/"
    assert not hasattr(controller.view, "prefix") and not hasattr(controller.view, "request")
    with pytest.raises(AttributeError):
        first.extra = 1  # __slots__: a formater cannot stash request state by accident


def test_add_ressource_uri_and_remove_id():
    view = bound(built(user_endpoint()))
    obj = add_ressource_uri(view, {"id": 3, "first_name": "A"})
    assert obj == {"id": 3, "first_name": "A", "ressource_uri": "/api/users/3/"}
    assert remove_id(view, obj) == {"first_name": "A", "ressource_uri": "/api/users/3/"}
    assert remove_id(view, {"first_name": "A"}) == {"first_name": "A"}
    assert add_ressource_uri(view, {"first_name": "A"}) == {"first_name": "A"}


def test_add_ressource_uri_quotes_string_pks():
    view = bound(built(tag_endpoint()))
    assert add_ressource_uri(view, {"slug": "two words"})["ressource_uri"] == "/api/tags/two%20words/"


def test_format_foreign_key_uses_the_request_prefix():
    view = bound(built(user_endpoint()), "/shop/api/")
    assert format_foreign_key(view, {"id": 1, "address": 2}) == {"id": 1, "address": "/shop/api/address/2/"}
    assert format_foreign_key(view, {"id": 1, "address": None}) == {"id": 1, "address": None}
    assert format_foreign_key(view, {"id": 1}) == {"id": 1}


ROWS = [{"id": 3, "first_name": "A", "address": 2}, {"id": "a b/c", "address": "x/y z"},
        {"first_name": "no pk", "address": None}, {"id": uuid.UUID(int=5), "address": 7}, {"id": True, "address": 0}]


@pytest.mark.parametrize("order", [list(order) for size in (1, 2, 3) for order in
                                   itertools.permutations([add_ressource_uri, remove_id, format_foreign_key], size)]
                         + [[add_ressource_uri, add_ressource_uri, remove_id]])
def test_built_in_formaters_render_a_page_in_one_pass_as_one_after_the_other(order):
    controller = built(user_endpoint())
    controller.view.formaters = order
    view = bound(controller, "/shop/api/")
    assert render_builtin(view, ROWS) is not None  # the one-pass rendering, not the loop below
    expected = []
    for row in ROWS:
        obj = dict(row)
        for formater in order:
            obj = formater(view, obj)
        expected.append(obj)
    rendered = view.render_all(ROWS)
    assert [list(obj.items()) for obj in rendered] == [list(obj.items()) for obj in expected]  # key order too
    assert ROWS[0] == {"id": 3, "first_name": "A", "address": 2}  # the rows themselves are left alone


def test_a_page_with_another_formater_renders_through_each_formater():
    def shout(view, obj):
        return {key.upper(): value for key, value in obj.items()}

    controller = built(user_endpoint())
    controller.view.formaters = [add_ressource_uri, shout]
    view = bound(controller)
    assert render_builtin(view, ROWS) is None
    assert view.render_all(ROWS[:1]) == [{"ID": 3, "FIRST_NAME": "A", "ADDRESS": 2, "RESSOURCE_URI": "/api/users/3/"}]


class NoteModel(models.Model):
    fields = [models.PkField(name="id"),
              models.StringForeignKey(name="tag", nullable=True, foreign={"table": "tags", "column": "slug"})]


def test_parse_reference():
    address = user_endpoint().ressource["model"]().get_field("address")
    tag = NoteModel().get_field("tag")
    assert parse_reference(address, "/api/address/3/") == 3
    assert parse_reference(address, "/address/3") == 3
    assert parse_reference(address, "http://localhost:8000/api/address/12/") == 12
    assert parse_reference(address, 3) == 3
    assert parse_reference(address, "3") == "3"
    assert parse_reference(address, None) is None
    assert parse_reference(tag, "/api/tags/two%20words/") == "two words"
    for bad in ("/api/users/3/", "/api/address/x/", "/api//address/3/", "/", "/api/address/-1/"):
        with pytest.raises(BadRequest) as caught:
            parse_reference(address, bad, "address__in")
        assert caught.value.message == "address__in does not validate"
        assert list(caught.value.fields) == ["address__in"]


def test_foreign_keys_format_on_bodies_and_filters():
    controller = built(user_endpoint())
    assert foreign_keys_format(controller, {"first_name": "A", "address": "/api/address/1/"}) == {
        "first_name": "A", "address": 1}
    assert foreign_keys_format(controller, {"address__in": "/api/address/1/,/api/address/2/"}) == {"address__in": [1, 2]}
    assert foreign_keys_format(controller, {"address__in": "1,2"}) == {"address__in": "1,2"}
    assert foreign_keys_format(controller, {"address__isnull": "true"}) == {"address__isnull": "true"}
    assert foreign_keys_format(controller, {"address": None}) == {"address": None}


def test_view_formater_by_name_through_http(settings, client):
    mount(settings, [user_endpoint(users(1), view={"options": {"formaters": ["add_ressource_uri", "remove_id"]}})])
    assert json.loads(client.get("/api/users/1/").content) == {
        "first_name": "John", "last_name": "Doe", "age": 20, "address": None, "ressource_uri": "/api/users/1/"}
