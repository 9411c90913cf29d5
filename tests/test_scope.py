"""Each user sees and changes only their own rows: ``scope``, ``before_write`` and ``check_object``.

The same endpoint of memos runs on the three stores; alice and bob are Django
users identified by the ``X-User`` header. The scope confines every request to
the requester's memos that are open or done.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User

from django_restframework_lite import models
from django_restframework_lite.authentication import Authentication, Authorization
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore, PythonListDataStore, SQLiteDataStore
from django_restframework_lite.exceptions import Forbidden, NotFound
from django_restframework_lite.pagination import Pagination
from tests.http_support import mount
from tests.stores import STORE_KINDS, close_stores

pytestmark = pytest.mark.django_db


class MemoModel(models.Model):
    """What the ORM derives from ``inventory.Memo`` (with ``owner`` made read-only by the options)."""

    fields = [
        models.PkField(name="id"),
        models.IntegerField(name="owner", nullable=True, read_only=True),
        models.StringField(name="text", required=True, max_length=200),
        models.StringField(name="status", choices=["open", "done", "archived"], default="open", max_length=10),
        models.StringField(name="code", default="memo", max_length=20, read_only=True),
    ]


class HeaderUsers(Authentication):
    """The Django user named by the X-User header."""

    def get_user(self, request: Any) -> Any:
        name = request.headers.get("X-User")
        return User.objects.filter(username=name).first() if name else None


class Guarded(Authorization):
    """Refuse memos whose text starts with "secret" (403) or "hidden" (404), once read."""

    def check_object(self, request: Any, obj: dict[str, Any]) -> None:
        if obj["text"].startswith("secret"):
            raise Forbidden("Not yours to see.")
        if obj["text"].startswith("hidden"):
            raise NotFound("No such memo.")


def memo_ressource(kind: str, tmp_path: Any) -> dict[str, Any]:
    if kind == "pythonlist":
        return {"ressource_name": "memos", "ressource": [], "model": MemoModel, "datastore": PythonListDataStore}
    if kind == "sqlite":
        return {"ressource_name": "memos", "ressource": {"name": str(tmp_path / "memos.db"), "table": "memos"},
                "model": MemoModel, "datastore": SQLiteDataStore}
    from inventory.models import Memo

    return {"ressource_name": "memos", "ressource": Memo, "datastore": DjangoModelDataStore,
            "options": {"fields": ["owner", "text", "status", "code"], "read_only": ["owner"]}}


def memo_endpoint(ressource: dict[str, Any], authorization: Any = Authorization) -> type[Controller]:
    class MemoEndPoint(Controller):
        controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],
                      "options": {"authentication": HeaderUsers(), "authorization": authorization,
                                  "pagination": Pagination(10)}}

        def scope(self, request: Any) -> dict[str, Any]:
            return {"owner": request.api_user.pk, "status__in": ["open", "done"]}

        def before_write(self, request: Any, data: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
            return {**data, "owner": request.api_user.pk} if current is None else data

    MemoEndPoint.ressource = ressource  # type: ignore[misc]
    return MemoEndPoint


@pytest.fixture(params=STORE_KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def people() -> dict[str, User]:
    return {name: User.objects.create(username=name) for name in ("alice", "bob")}


@pytest.fixture
def api(kind: str, tmp_path: Any, settings: Any, people: dict[str, User]) -> Any:
    built = mount(settings, [memo_endpoint(memo_ressource(kind, tmp_path), Guarded)])
    yield built
    close_stores(built.registry.values())


def call(client: Any, method: str, url: str, user: str, data: Any = None) -> Any:
    if data is None:
        return getattr(client, method)(url, headers={"X-User": user})
    return getattr(client, method)(url, json.dumps(data), content_type="application/json", headers={"X-User": user})


def create(client: Any, user: str, text: str, **extra: Any) -> str:
    response = call(client, "post", "/api/memos/", user, {"text": text, **extra})
    assert response.status_code == 201, response.content
    return str(response["Location"])


def stored(api: Any) -> list[dict[str, Any]]:
    return api.controllers[0].datastore.get_list()


def test_lists_and_counts_hold_only_the_requesters_rows(api: Any, client: Any, people: dict[str, User]) -> None:
    for index in range(3):
        create(client, "alice", f"alice {index}")
    for index in range(2):
        create(client, "bob", f"bob {index}")
    alice = call(client, "get", "/api/memos/?count=1", "alice").json()
    assert alice["meta"]["total_count"] == 3
    assert [memo["text"] for memo in call(client, "get", "/api/memos/", "alice").json()["object_list"]] == [
        "alice 0", "alice 1", "alice 2"]
    assert call(client, "get", "/api/memos/?count=1&offset=1", "bob").json()["meta"]["total_count"] == 2
    assert call(client, "get", "/api/memos/?text=alice 0", "bob").json()["object_list"] == []


def test_before_write_sets_the_read_only_owner(api: Any, client: Any, people: dict[str, User]) -> None:
    url = create(client, "alice", "mine")
    assert call(client, "get", url, "alice").json()["owner"] == people["alice"].pk
    response = call(client, "post", "/api/memos/", "alice", {"text": "x", "owner": people["bob"].pk})
    assert response.status_code == 400
    assert response.json() == {"error": "owner is read-only", "fields": {"owner": "This field is read-only."}}
    assert len(stored(api)) == 1


@pytest.mark.parametrize(("method", "data"), [("get", None), ("put", {"text": "taken"}), ("patch", {"text": "taken"}),
                                              ("delete", None), ("head", None)])
def test_another_users_row_is_a_404_and_stays_as_it_was(api: Any, client: Any, method: str, data: Any) -> None:
    url = create(client, "alice", "mine")
    before = stored(api)
    response = call(client, method, url, "bob", data)
    assert response.status_code == 404
    assert stored(api) == before


def test_a_row_outside_the_scope_is_a_404_for_its_owner_too(api: Any, client: Any) -> None:
    url = create(client, "alice", "mine")
    store = api.controllers[0].datastore
    row = store.get_list()[0]
    store.update(row, {"status": "archived"})
    assert call(client, "get", url, "alice").status_code == 404
    assert call(client, "get", "/api/memos/", "alice").json()["object_list"] == []


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_write_that_would_leave_the_scope_is_a_400_and_writes_nothing(api: Any, client: Any, method: str) -> None:
    url = create(client, "alice", "mine")
    before = stored(api)
    response = call(client, method, url, "alice", {"status": "archived", "text": "gone"})
    assert response.status_code == 400
    assert response.json() == {"error": "status does not validate",
                               "fields": {"status": "This value is outside the ressources you may write."}}
    assert stored(api) == before


def test_a_create_outside_the_scope_is_a_400_and_writes_nothing(api: Any, client: Any) -> None:
    response = call(client, "post", "/api/memos/", "alice", {"text": "x", "status": "archived"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"status": "This value is outside the ressources you may write."}
    assert stored(api) == []


@pytest.mark.parametrize(("text", "status"), [("secret plans", 403), ("hidden plans", 404)])
@pytest.mark.parametrize(("method", "data"), [("get", None), ("put", {"text": "seen"}), ("patch", {"status": "done"}),
                                              ("delete", None)])
def test_check_object_refuses_and_nothing_is_written(api: Any, client: Any, text: str, status: int, method: str,
                                                     data: Any) -> None:
    url = create(client, "alice", text)
    before = stored(api)
    response = call(client, method, url, "alice", data)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert stored(api) == before


def test_the_api_user_is_none_without_authentication(settings: Any, client: Any) -> None:
    seen = []

    def record(view: Any, obj: dict[str, Any]) -> dict[str, Any]:
        seen.append(view.request.api_user)
        return obj

    class Open(Controller):
        ressource = {"ressource_name": "memos", "ressource": [{"id": 1, "text": "a"}], "model": MemoModel,
                     "datastore": PythonListDataStore}
        controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"]}
        view = {"options": {"formaters": [record]}}

    mount(settings, [Open])
    assert client.get("/api/memos/1/").status_code == 200
    assert seen == [None]


# The ORM store: a QuerySet window --------------------------------------------------------------------


@pytest.fixture
def window(settings: Any) -> Any:
    from inventory.models import Memo

    class Open(Controller):
        ressource = {"ressource_name": "memos", "ressource": Memo.objects.filter(status__in=["open", "done"]),
                     "datastore": DjangoModelDataStore}
        controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"]}

    mount(settings, [Open])
    return Memo


def test_a_post_outside_the_queryset_window_is_a_400_and_writes_nothing(client: Any, window: Any) -> None:
    response = client.post("/api/memos/", json.dumps({"text": "x", "status": "archived"}), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "status does not validate"
    assert not window.objects.exists()


def test_an_update_out_of_the_queryset_window_is_a_400_and_writes_nothing(client: Any, window: Any) -> None:
    memo = window.objects.create(text="x")
    response = client.patch(f"/api/memos/{memo.pk}/", json.dumps({"text": "y", "status": "archived"}),
                            content_type="application/json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"status": "This value puts the ressource outside the ressources served here."}
    assert list(window.objects.values_list("text", "status")) == [("x", "open")]
