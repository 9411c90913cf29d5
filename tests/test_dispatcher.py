"""``WSGIDispatcher``: controllers as a WSGI application, in a project's settings or in none.

In this process Django is configured (the test settings), so the dispatcher uses
them; the minimal Django it configures by itself is exercised in fresh processes
(here for the database, and in ``test_examples.py`` for the seed's applications).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from werkzeug.test import Client
from wsgi_support import keep_test_connections  # noqa: F401  (a fixture)

from django_restframework_lite import models
from django_restframework_lite.authentication import (
    ApiKeyAuthentication,
    Authorization,
    BasicAuthentication,
    DjangoAuthentication,
    DjangoModelPermissions,
)
from django_restframework_lite.controllers import Controller, WSGIDispatcher
from django_restframework_lite.datastore import DjangoModelDataStore, PythonListDataStore
from django_restframework_lite.dispatcher import minimal_settings, requires_database
from django_restframework_lite.ratelimit import RateLimit, RateLimitModel

pytestmark = pytest.mark.usefixtures("keep_test_connections")


class BookModel(models.Model):
    fields = [models.PkField(name="id"), models.StringField(name="title", required=True)]


def books_endpoint(name: str = "books", **controller_options: Any) -> type:
    return type(
        f"{name.title()}EndPoint",
        (Controller,),
        {
            "ressource": {
                "ressource_name": name,
                "ressource": [{"id": 1, "title": f"first of {name}"}],
                "model": BookModel,
                "datastore": PythonListDataStore,
            },
            "controller": {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET"], "options": controller_options},
        },
    )


def test_a_dispatcher_serves_its_controllers_at_the_root() -> None:
    client = Client(WSGIDispatcher([books_endpoint()], name="library", version="2"))

    assert client.get("/").json == {"name": "library", "version": "2"}
    assert client.get("/books/1/").json == {"id": 1, "title": "first of books", "ressource_uri": "/books/1/"}
    created = client.post("/books/", json={"title": "second"})
    assert (created.status_code, created.headers["Location"]) == (201, "/books/2/")
    assert client.get("/nothing/").json == {"error": "Nothing at /nothing/."}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/books/", None), ("GET", "/books/1/", None), ("POST", "/books/", {"title": "x"}),
    ("PATCH", "/books/1/", {"title": "x"}), ("GET", "/nothing/", None), ("POST", "/books/", {"title": 3}),
])
def test_every_answer_says_its_length(method: str, path: str, body: Any) -> None:
    answer = Client(WSGIDispatcher([books_endpoint()])).open(path, method=method, json=body)

    assert answer.headers["Content-Length"] == str(len(answer.get_data()))


UNREAD_BODY = textwrap.dedent(
    """
    import http.client, json, socket, threading, time
    from werkzeug.serving import make_server
    from django_restframework_lite import models
    from django_restframework_lite.authentication import Authentication, Authorization
    from django_restframework_lite.controllers import Controller, WSGIDispatcher
    from django_restframework_lite.datastore import PythonListDataStore


    class SlowRefusal(Authentication):
        def get_user(self, request):
            time.sleep(0.5)  # the request's body arrives meanwhile, and is never read
            return None


    class BookModel(models.Model):
        fields = [models.PkField(name="id"), models.StringField(name="title")]


    class Books(Controller):
        ressource = {"ressource_name": "books", "ressource": [], "model": BookModel, "datastore": PythonListDataStore}
        controller = {"list_verbs": ["POST"], "unique_verbs": ["GET"],
                      "options": {"authentication": SlowRefusal(), "authorization": Authorization}}


    server = make_server("127.0.0.1", 0, WSGIDispatcher([Books]))
    threading.Thread(target=server.handle_request, daemon=True).start()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(b"POST /books/ HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Type: application/json\\r\\n"
                           b"Content-Length: 15\\r\\n\\r\\n")
        time.sleep(0.1)
        connection.sendall(b'{"title": "x"}\\n')
        response = http.client.HTTPResponse(connection)
        response.begin()
        print(response.status, json.loads(response.read())["error"])
    """
)


def test_werkzeugs_server_ends_an_answer_that_left_the_body_unread(tmp_path: Path) -> None:
    """The seed's run_simple, when a body arrives while the request is answered without reading it.

    Werkzeug's development server then reads the connection until the client closes it;
    without a ``Content-Length`` the client would wait for the close too, until its timeout.
    """
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", UNREAD_BODY], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "401 Authentication credentials were missing or incorrect."


def test_two_dispatchers_each_serve_only_their_own_controllers() -> None:
    books = Client(WSGIDispatcher([books_endpoint("books")]))
    films = Client(WSGIDispatcher([books_endpoint("films")], name="films"))

    assert books.get("/books/1/").json["title"] == "first of books"
    assert films.get("/films/1/").json["title"] == "first of films"
    assert books.get("/films/1/").status_code == 404
    assert films.get("/books/1/").status_code == 404
    assert list(films.get("/spore/").json["methods"]) == ["list_films", "create_films", "get_films"]


def test_a_misconfigured_controller_is_refused_when_the_dispatcher_is_built() -> None:
    broken = books_endpoint(pagination=object())

    with pytest.raises(ImproperlyConfigured, match="pagination"):
        WSGIDispatcher([broken])


def crash(view: Any, obj: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("a formater bug")


def test_a_crash_is_a_json_500() -> None:
    endpoint = books_endpoint()
    endpoint.view = {"options": {"formaters": [crash]}}

    answer = Client(WSGIDispatcher([endpoint])).get("/books/1/")

    assert answer.status_code == 500
    assert answer.json == {"error": "Internal server error."}


def test_a_dispatcher_needs_the_app_installed(settings: Any) -> None:
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "django_restframework_lite"]

    with pytest.raises(ImproperlyConfigured, match="WSGIDispatcher needs 'django_restframework_lite' in INSTALLED_APPS"):
        WSGIDispatcher([books_endpoint()])


# The minimal Django ----------------------------------------------------------------------------


def test_minimal_settings_keep_debug_off_and_the_database_in_the_directory(tmp_path: Path) -> None:
    values = minimal_settings(tmp_path)

    assert values["DEBUG"] is False
    assert values["DATABASES"]["default"]["NAME"] == str(tmp_path / "db.sqlite3")
    assert "TEMPLATES" not in values
    assert values["ROOT_URLCONF"] == "django_restframework_lite.standalone"
    assert minimal_settings(tmp_path)["SECRET_KEY"] != values["SECRET_KEY"]


KEYS = PythonListDataStore([{"accesskey": "k"}], type("KeyModel", (models.Model,), {"fields": [models.StringPkField(name="accesskey")]}))


@pytest.mark.parametrize(
    ("options", "needed"),
    [
        ({}, False),
        ({"authentication": ApiKeyAuthentication(KEYS, identifier="accesskey"), "authorization": Authorization}, False),
        ({"authentication": ApiKeyAuthentication(KEYS), "ratelimit": RateLimit(PythonListDataStore([], RateLimitModel))}, False),
        ({"authentication": BasicAuthentication()}, True),
        ({"authentication": DjangoAuthentication()}, True),
        ({"authentication": ApiKeyAuthentication(KEYS), "authorization": DjangoModelPermissions}, True),
    ],
)
def test_requires_database_reads_the_controllers_policies(options: dict[str, Any], needed: bool) -> None:
    assert requires_database([books_endpoint(**options)]) is needed


def test_the_orm_store_requires_a_database() -> None:
    assert DjangoModelDataStore.requires_database is True
    assert PythonListDataStore.requires_database is False


STANDALONE_BASIC = textwrap.dedent(
    """
    import sys
    from django_restframework_lite import models
    from django_restframework_lite.authentication import Authorization, BasicAuthentication
    from django_restframework_lite.controllers import Controller, WSGIDispatcher
    from django_restframework_lite.datastore import PythonListDataStore


    class NoteModel(models.Model):
        fields = [models.PkField(name="id"), models.StringField(name="text")]


    class Notes(Controller):
        ressource = {"ressource_name": "notes", "ressource": [{"id": 1, "text": "hi"}], "model": NoteModel,
                     "datastore": PythonListDataStore}
        controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"],
                      "options": {"authentication": BasicAuthentication(), "authorization": Authorization}}


    app = WSGIDispatcher([Notes])
    from django.contrib.auth.models import User
    from werkzeug.test import Client
    User.objects.create_user("ann", password="secret")
    client = Client(app)
    print(client.get("/notes/1/").status_code, client.get("/notes/1/", auth=("ann", "secret")).json["text"])
    """
)


def test_a_controller_using_django_users_gets_its_tables_in_a_sqlite_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", STANDALONE_BASIC], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["401", "hi"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["db.sqlite3"]


def test_the_seeds_formats_option_is_accepted_for_json_only() -> None:
    assert Client(WSGIDispatcher([books_endpoint()], formats=["json"])).get("/books/1/").status_code == 200
    with pytest.raises(ImproperlyConfigured, match=r"JSON only: formats=\['xml'\]"):
        WSGIDispatcher([books_endpoint()], formats=["xml"])
