"""Never HTML under the API prefix: a bug in user code is a JSON 500, and an outage a JSON 503.

An exception a formater, a hook or a description builder did not expect is
answered as Django answers an uncaught exception — ``got_request_exception``
sent, the error logged to ``django.request`` with its traceback,
``DEBUG_PROPAGATE_EXCEPTIONS`` honoured — except that the page is JSON:
``{"error": "Internal server error."}``, with the exception and traceback only
under ``DEBUG``. A database error that means "not now" (PostgreSQL unreachable,
SQLite locked) is a 503 with ``Retry-After``; any other is a bug, so a 500.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any

import pytest
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.test import Client

from django_restframework_lite.exceptions import ServiceUnavailable, unavailable_error
from tests.http_support import mount, user_endpoint

SERVER_ERROR = {"error": "Internal server error."}


def broken_formater(view: Any, obj: dict[str, Any]) -> dict[str, Any]:
    raise ValueError("the formater's own bug")


def failing_describe(properties: Any, model: Any) -> None:
    raise KeyError("describe_schema's own bug")


def describing_formater(view: Any, obj: dict[str, Any]) -> dict[str, Any]:
    return obj


describing_formater.describe_schema = failing_describe  # type: ignore[attr-defined]


@pytest.fixture
def quiet() -> Client:
    """A client that answers with the 500 instead of raising the exception again, as a browser would see it."""
    return Client(raise_request_exception=False)


def test_a_bug_in_a_view_formater_is_a_json_500(settings: Any, quiet: Client) -> None:
    mount(settings, [user_endpoint(view={"options": {"formaters": [broken_formater]}})])
    for url in ("/api/users/", "/api/users/1/"):
        response = quiet.get(url)
        assert response.status_code == 500
        assert response["Content-Type"] == "application/json"
        assert response.json() == SERVER_ERROR
    assert quiet.head("/api/users/").content == b""


def test_a_bug_in_a_hook_is_a_json_500_and_writes_nothing(settings: Any, quiet: Client) -> None:
    rows: list[dict[str, Any]] = []
    controller = user_endpoint(rows)

    def before_write(self: Any, request: Any, data: dict[str, Any], current: Any) -> dict[str, Any]:
        raise RuntimeError("the hook's own bug")

    controller.before_write = before_write  # type: ignore[method-assign]
    mount(settings, [controller])
    before = list(rows)
    response = quiet.post("/api/users/", json.dumps({"first_name": "A", "last_name": "B"}), content_type="application/json")
    assert (response.status_code, response.json()) == (500, SERVER_ERROR)
    assert rows == before


def test_a_bug_in_the_description_is_a_json_500(settings: Any, quiet: Client) -> None:
    mount(settings, [user_endpoint(view={"options": {"formaters": [describing_formater]}})])
    response = quiet.get("/api/openapi.json")
    assert (response.status_code, response.json()) == (500, SERVER_ERROR)


def test_django_hears_of_the_error_as_of_any_uncaught_exception(settings: Any, quiet: Client, caplog: Any) -> None:
    mount(settings, [user_endpoint(view={"options": {"formaters": [broken_formater]}})])
    heard: list[Any] = []

    def receiver(sender: Any, request: Any, **kwargs: Any) -> None:
        heard.append(request.path)

    got_request_exception.connect(receiver)
    try:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            quiet.get("/api/users/")
    finally:
        got_request_exception.disconnect(receiver)
    assert heard == ["/api/users/"]
    records = [record for record in caplog.records if record.name == "django.request"]
    assert len(records) == 1
    assert records[0].getMessage() == "Internal Server Error: /api/users/"
    assert records[0].exc_info[0] is ValueError  # type: ignore[index]


def test_the_test_client_raises_the_exception_as_django_lets_it(settings: Any, client: Client) -> None:
    mount(settings, [user_endpoint(view={"options": {"formaters": [broken_formater]}})])
    with pytest.raises(ValueError, match="the formater's own bug"):
        client.get("/api/users/")


def test_debug_shows_the_exception_and_its_traceback(settings: Any, quiet: Client) -> None:
    settings.DEBUG = True
    mount(settings, [user_endpoint(view={"options": {"formaters": [broken_formater]}})])
    body = quiet.get("/api/users/").json()
    assert body["error"] == "Internal server error."
    assert body["exception"] == "ValueError: the formater's own bug"
    assert body["traceback"][0] == "Traceback (most recent call last):"
    assert body["traceback"][-1] == "ValueError: the formater's own bug"


def test_debug_propagate_exceptions_lets_the_exception_through(settings: Any, quiet: Client) -> None:
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    mount(settings, [user_endpoint(view={"options": {"formaters": [broken_formater]}})])
    with pytest.raises(ValueError):
        quiet.get("/api/users/")


def test_an_outage_is_a_503_logged_with_its_cause(settings: Any, quiet: Client, caplog: Any) -> None:
    def unreachable(view: Any, obj: dict[str, Any]) -> dict[str, Any]:
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    mount(settings, [user_endpoint(view={"options": {"formaters": [unreachable]}})])
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = quiet.get("/api/users/")
    assert response.status_code == 503
    assert response.json() == {"error": "The database is unavailable. Try again later."}
    assert response["Retry-After"] == "5"
    assert [record.exc_info[0] for record in caplog.records if record.exc_info] == [OperationalError]


def wrapped(cause: Exception, kind: type[Exception] = OperationalError) -> Exception:
    error = kind(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "retry_after"),
    [
        (OperationalError("server closed the connection unexpectedly"), "5"),
        (InterfaceError("connection already closed"), "5"),
        (wrapped(sqlite3.OperationalError("database is locked")), "1"),
        (sqlite3.OperationalError("database is locked"), "1"),
        (sqlite3.OperationalError("unable to open database file"), "5"),
    ],
)
def test_errors_that_mean_not_now_are_503(error: Exception, retry_after: str) -> None:
    outage = unavailable_error(error)
    assert isinstance(outage, ServiceUnavailable)
    assert outage.headers == {"Retry-After": retry_after}


@pytest.mark.parametrize(
    "error",
    [
        wrapped(sqlite3.OperationalError("no such table: missing")),
        sqlite3.OperationalError("too many terms in ORDER BY clause"),
        ProgrammingError("relation does not exist"),
        ValueError("not a database error"),
    ],
)
def test_other_errors_are_bugs_not_outages(error: Exception) -> None:
    assert unavailable_error(error) is None


@pytest.mark.django_db
def test_a_body_django_cannot_parse_in_a_csrf_check_is_a_400(settings: Any) -> None:
    from django.contrib.auth.models import User

    from django_restframework_lite.authentication import Authorization, DjangoAuthentication

    mount(settings, [user_endpoint(options={"authentication": DjangoAuthentication(), "authorization": Authorization})])
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_user("ann"))
    client.cookies["csrftoken"] = "a" * 32  # the check then reads the form's token from the body
    response = client.post("/api/users/", b"x", content_type="multipart/form-data")  # no boundary
    assert response.status_code == 400
    assert response.json() == {"error": "The request cannot be read: Invalid boundary in multipart: None"}
