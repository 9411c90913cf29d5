"""Django's own ``Http404``, ``PermissionDenied`` and ``ValidationError`` answered as JSON, wherever raised.

Formaters, hooks, authentication backends and datastores are user code: when
they raise Django's usual exceptions the client gets the API's JSON errors,
never Django's HTML pages.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from django_restframework_lite.authentication import Authentication
from django_restframework_lite.datastore import PythonListDataStore
from tests.http_support import mount, user_endpoint, users

ERRORS = [
    pytest.param(Http404("No such thing."), 404, {"error": "No such thing."}, id="Http404"),
    pytest.param(PermissionDenied("Not for you."), 403, {"error": "Not for you."}, id="PermissionDenied"),
    pytest.param(PermissionDenied(), 403, {"error": "You do not have permission to perform this action."},
                 id="PermissionDenied-bare"),
    pytest.param(ValidationError("Too early."), 400, {"error": "Too early."}, id="ValidationError"),
    pytest.param(ValidationError({"age": ["Too young.", "Really."]}), 400,
                 {"error": "age does not validate", "fields": {"age": "Too young. Really."}}, id="ValidationError-dict"),
]


def raising(error: Exception) -> Any:
    def hook(*args: Any, **kwargs: Any) -> Any:
        raise error

    return hook


def answer(client: Any, method: str = "get", url: str = "/api/users/1/") -> Any:
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, json.dumps({"age": 3}), content_type="application/json")


def check(response: Any, status: int, expected: dict[str, Any]) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == expected


@pytest.mark.parametrize(("error", "status", "expected"), ERRORS)
def test_from_a_view_formater(settings: Any, client: Any, error: Exception, status: int, expected: Any) -> None:
    mount(settings, [user_endpoint(view={"options": {"formaters": [raising(error)]}})])
    check(answer(client), status, expected)


@pytest.mark.parametrize(("error", "status", "expected"), ERRORS)
def test_from_a_controller_formater(settings: Any, client: Any, error: Exception, status: int, expected: Any) -> None:
    data = users()
    mount(settings, [user_endpoint(data, options={"formaters": [raising(error)]})])
    check(answer(client, "patch"), status, expected)
    assert data == users()


@pytest.mark.parametrize(("error", "status", "expected"), ERRORS)
@pytest.mark.parametrize("hook", ["scope", "before_write"])
def test_from_a_hook(settings: Any, client: Any, error: Exception, status: int, expected: Any, hook: str) -> None:
    data = users()
    endpoint = user_endpoint(data)
    setattr(endpoint, hook, raising(error))
    mount(settings, [endpoint])
    check(answer(client, "patch"), status, expected)
    assert data == users()


@pytest.mark.parametrize(("error", "status", "expected"), ERRORS)
def test_from_an_authentication_backend(settings: Any, client: Any, error: Exception, status: int, expected: Any) -> None:
    class Raising(Authentication):
        get_user = raising(error)

    mount(settings, [user_endpoint(options={"authentication": Raising()})])
    check(answer(client), status, expected)


@pytest.mark.parametrize(("error", "status", "expected"), ERRORS)
def test_from_a_datastore(settings: Any, client: Any, error: Exception, status: int, expected: Any) -> None:
    class Raising(PythonListDataStore):
        fetch = raising(error)

    endpoint = user_endpoint()
    endpoint.ressource = {**endpoint.ressource, "datastore": Raising}
    mount(settings, [endpoint])
    check(client.get("/api/users/"), status, expected)
