"""Conditional requests through HTTP: ETag on every GET, 304 on If-None-Match, 412 on a stale If-Match.

Run on the Python list, SQLite and ORM datastores. The two-writers test holds
the first write open and lets the second writer try to slip in: only a check
and write that are atomic give exactly one 200 and one 412.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from django_restframework_lite.datastore import PythonListDataStore, SQLiteDataStore
from django_restframework_lite.formaters import remove_id
from tests.concurrency import run_together
from tests.protection_support import PARIS, AddressModel, address_ressource, endpoint, mount
from tests.stores import STORE_KINDS

STALE = {"error": "The ressource has changed since you last read it (If-Match does not match its ETag)."}


def sha256_tag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:40] + '"'


@pytest.fixture(params=STORE_KINDS)
def api(request: pytest.FixtureRequest, settings: Any, tmp_path: Any) -> Any:
    if request.param == "orm":
        request.getfixturevalue("db")
    return mount(settings, endpoint(address_ressource(request.param, tmp_path)))


@pytest.fixture
def paris_url(api: Any, client: Client) -> str:
    return client.get("/api/address/").json()["object_list"][0]["ressource_uri"]


def put_json(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.put(url, json.dumps(data), content_type="application/json", **extra)


# ETag and If-None-Match -------------------------------------------------------------------------


def test_every_get_carries_a_strong_etag_of_its_body(api: Any, paris_url: str, client: Client) -> None:
    for url in ("/api/address/", paris_url, "/api/address/?city=Madrid"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["ETag"] == sha256_tag(response.content)
    assert client.get("/api/address/")["ETag"] != client.get("/api/address/?city=Madrid")["ETag"]


def test_etag_changes_when_the_object_changes(api: Any, paris_url: str, client: Client) -> None:
    before = client.get(paris_url)["ETag"]
    assert client.get(paris_url)["ETag"] == before
    assert put_json(client, paris_url, {"number": 46}).status_code == 200
    assert client.get(paris_url)["ETag"] != before


def test_head_carries_the_etag_of_get(api: Any, paris_url: str, client: Client) -> None:
    response = client.head(paris_url)
    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"] == client.get(paris_url)["ETag"]


@pytest.mark.parametrize("header", ["{tag}", '"nope", {tag}', "*", "W/{tag}", ' "a" ,{tag} '])
def test_matching_if_none_match_is_304_without_body(api: Any, paris_url: str, client: Client, header: str) -> None:
    for url in (paris_url, "/api/address/"):
        tag = client.get(url)["ETag"]
        response = client.get(url, HTTP_IF_NONE_MATCH=header.format(tag=tag))
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == tag
        assert "Content-Type" not in response


def test_other_if_none_match_is_a_full_answer(api: Any, paris_url: str, client: Client) -> None:
    tag = client.get(paris_url)["ETag"]
    assert put_json(client, paris_url, {"number": 46}).status_code == 200
    response = client.get(paris_url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert response.json()["number"] == 46
    assert response["ETag"] != tag


def test_head_with_matching_if_none_match_is_304(api: Any, paris_url: str, client: Client) -> None:
    tag = client.get(paris_url)["ETag"]
    response = client.head(paris_url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 304
    assert response["ETag"] == tag


# If-Match -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch"])
def test_current_if_match_lets_the_write_through(api: Any, paris_url: str, client: Client, method: str) -> None:
    tag = client.get(paris_url)["ETag"]
    response = getattr(client, method)(paris_url, json.dumps({"number": 46}), content_type="application/json",
                                       HTTP_IF_MATCH=tag)
    assert response.status_code == 200
    assert response.json()["number"] == 46
    # The answer to a write is the new representation: its tag is what the next GET carries.
    assert sha256_tag(response.content) == client.get(paris_url)["ETag"]


@pytest.mark.parametrize("method", ["put", "patch"])
def test_stale_if_match_is_412_and_changes_nothing(api: Any, paris_url: str, client: Client, method: str) -> None:
    stale = client.get(paris_url)["ETag"]
    assert put_json(client, paris_url, {"number": 46}).status_code == 200
    current = client.get(paris_url)
    response = getattr(client, method)(paris_url, json.dumps({"number": 1}), content_type="application/json",
                                       HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert response.json() == STALE
    assert response["ETag"] == current["ETag"]
    assert client.get(paris_url).content == current.content


def test_stale_if_match_on_delete_is_412_and_deletes_nothing(api: Any, paris_url: str, client: Client) -> None:
    stale = client.get(paris_url)["ETag"]
    assert put_json(client, paris_url, {"number": 46}).status_code == 200
    response = client.delete(paris_url, HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert response.json() == STALE
    assert client.get(paris_url).status_code == 200
    response = client.delete(paris_url, HTTP_IF_MATCH=client.get(paris_url)["ETag"])
    assert response.status_code == 204
    assert client.get(paris_url).status_code == 404


@pytest.mark.parametrize(("header", "status"), [("*", 200), ('"nope", {tag}', 200), ("W/{tag}", 412), ('"nope"', 412)])
def test_if_match_uses_the_strong_comparison(api: Any, paris_url: str, client: Client, header: str, status: int) -> None:
    tag = client.get(paris_url)["ETag"]
    response = put_json(client, paris_url, {"number": 46}, HTTP_IF_MATCH=header.format(tag=tag))
    assert response.status_code == status
    assert client.get(paris_url).json()["number"] == (46 if status == 200 else 45)


def test_if_none_match_star_on_a_write_is_412(api: Any, paris_url: str, client: Client) -> None:
    response = put_json(client, paris_url, {"number": 46}, HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 412
    assert client.get(paris_url).json()["number"] == 45


def test_a_write_without_precondition_still_works(api: Any, paris_url: str, client: Client) -> None:
    assert put_json(client, paris_url, {"number": 46}).status_code == 200


def test_etag_follows_the_view_formaters(settings: Any, client: Client) -> None:
    """The tag a write compares is computed from what GET sends, view formaters included."""
    rows = [{"id": 1, **PARIS}]
    view = {"options": {"formaters": ["add_ressource_uri", remove_id]}}
    mount(settings, endpoint({"ressource_name": "address", "ressource": rows, "model": AddressModel,
                              "datastore": PythonListDataStore}, view))
    response = client.get("/api/address/1/")
    assert response.json() == {**PARIS, "ressource_uri": "/api/address/1/"}
    tag = response["ETag"]
    assert tag == sha256_tag(response.content)
    assert put_json(client, "/api/address/1/", {"number": 46}, HTTP_IF_MATCH=tag).status_code == 200
    assert put_json(client, "/api/address/1/", {"number": 47}, HTTP_IF_MATCH=tag).status_code == 412
    assert rows[0]["number"] == 46


# Two writers, one ETag -----------------------------------------------------------------------------


def concurrency_kinds() -> list[str]:
    # The ORM locks the row with SELECT ... FOR UPDATE on PostgreSQL; on SQLite the test
    # database is a file and transactions are IMMEDIATE (see test_settings), so writers queue.
    return ["pythonlist", "sqlite", "orm"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", [*concurrency_kinds(), "orm-locked"])
def test_two_writers_with_one_etag_get_one_200_and_one_412(kind: str, settings: Any, tmp_path: Any) -> None:
    controller = endpoint(address_ressource(kind.removesuffix("-locked"), tmp_path))
    if kind == "orm-locked":  # a before_write hook: the ORM store updates under the lock, as the other stores
        controller = type("LockedEndPoint", (controller,), {"before_write": lambda self, request, data, current: data})
    api = mount(settings, controller)
    store = api.controllers[0].datastore
    url = Client().get("/api/address/").json()["object_list"][0]["ressource_uri"]
    tag = Client().get(url)["ETag"]

    # The first writer to reach the write waits (at most 2 s) for the second writer to
    # finish. If check and write were not one atomic step, the second writer would
    # pass the check meanwhile and both would get a 200. Under a lock (save() inside the
    # transaction) the second cannot finish until the first commits, and then its tag is
    # stale. The ORM store's compare-and-set (UPDATE … WHERE the row is the one read,
    # without a lock) lets the second win, and the first's write finds the row changed:
    # it reads it again under the lock, where its tag is stale.
    first_is_writing = threading.Event()
    second_finished = threading.Event()
    if kind == "orm":
        assert store.version_kind(store.write_db) is not None  # this table takes the compare-and-set
    name = "update_returning" if kind == "orm" else "save"  # orm-locked: save() runs update_returning, locked
    write = getattr(store, name)

    def held_write(*args: Any) -> Any:
        if not first_is_writing.is_set():
            first_is_writing.set()
            second_finished.wait(timeout=2)
        return write(*args)

    setattr(store, name, held_write)
    answers: dict[str, tuple[int, Any]] = {}
    errors: list[BaseException] = []

    def writer(name: str, number: int) -> None:
        try:
            response = Client().put(url, json.dumps({"number": number}), content_type="application/json", HTTP_IF_MATCH=tag)
            answers[name] = (response.status_code, response.json())
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            if name == "second":
                second_finished.set()
            connections.close_all()

    first = threading.Thread(target=writer, args=("first", 1))
    first.start()
    assert first_is_writing.wait(timeout=30)
    second = threading.Thread(target=writer, args=("second", 2))
    second.start()
    first.join(timeout=60)
    second.join(timeout=60)
    assert not first.is_alive() and not second.is_alive()
    assert errors == []
    winner, loser = ("second", "first") if kind == "orm" else ("first", "second")
    assert answers[winner][0] == 200
    assert answers[loser] == (412, STALE)
    number = answers[winner][1]["number"]
    assert number == (1 if winner == "first" else 2)
    assert Client().get(url).json()["number"] == number
    if isinstance(store, SQLiteDataStore):
        store.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", concurrency_kinds())
def test_two_racing_writers_with_one_etag(kind: str, settings: Any, tmp_path: Any) -> None:
    """Both writers start together from one tag: exactly one wins."""
    mount(settings, endpoint(address_ressource(kind, tmp_path)))
    url = Client().get("/api/address/").json()["object_list"][0]["ressource_uri"]
    tag = Client().get(url)["ETag"]
    statuses: list[int] = []

    def writer(number: int) -> None:
        response = Client().put(url, json.dumps({"number": number + 1}), content_type="application/json",
                                HTTP_IF_MATCH=tag)
        statuses.append(response.status_code)

    run_together(2, writer, cleanup=connections.close_all)
    assert sorted(statuses) == [200, 412]
    assert Client().get(url).json()["number"] in (1, 2)


# Preconditions on every method (RFC 9110 section 13.2.2), and the tag of a write's answer -------


@pytest.mark.parametrize("method", ["get", "head"])
def test_stale_if_match_on_a_read_is_412(api: Any, paris_url: str, client: Client, method: str) -> None:
    current = client.get(paris_url)["ETag"]
    for url in (paris_url, "/api/address/"):
        response = getattr(client, method)(url, HTTP_IF_MATCH='"stale"')
        assert response.status_code == 412
        if method == "get":
            assert response.json() == STALE
        assert getattr(client, method)(url, HTTP_IF_MATCH="*").status_code == 200
    assert getattr(client, method)(paris_url, HTTP_IF_MATCH=current).status_code == 200
    assert client.get(paris_url, HTTP_IF_MATCH=f'W/{current}').status_code == 412  # strong comparison


def test_stale_if_match_on_a_post_is_412_and_creates_nothing(api: Any, client: Client) -> None:
    listing = client.get("/api/address/")
    body = {**PARIS, "number": 7}
    response = client.post("/api/address/", json.dumps(body), content_type="application/json", HTTP_IF_MATCH='"stale"')
    assert response.status_code == 412
    assert response.json() == STALE
    assert client.get("/api/address/").content == listing.content
    # The list's current tag lets the create through; then it is stale, the list having changed.
    response = client.post("/api/address/", json.dumps(body), content_type="application/json",
                           HTTP_IF_MATCH=listing["ETag"])
    assert response.status_code == 201
    response = client.post("/api/address/", json.dumps(body), content_type="application/json",
                           HTTP_IF_MATCH=listing["ETag"])
    assert response.status_code == 412
    assert client.get("/api/address/").json()["object_list"][-1]["number"] == 7
    assert len(client.get("/api/address/").json()["object_list"]) == len(listing.json()["object_list"]) + 1


def test_if_none_match_star_on_a_post_is_412(api: Any, client: Client) -> None:
    before = client.get("/api/address/").content
    response = client.post("/api/address/", json.dumps(PARIS), content_type="application/json", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 412
    assert client.get("/api/address/").content == before


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_write_answers_the_new_etag(api: Any, paris_url: str, client: Client, method: str) -> None:
    response = getattr(client, method)(paris_url, json.dumps({"number": 99}), content_type="application/json")
    assert response.status_code == 200
    assert response["ETag"] == sha256_tag(response.content) == client.get(paris_url)["ETag"]
    # A client writes again from the tag it got, without reading first.
    again = put_json(client, paris_url, {"number": 100}, HTTP_IF_MATCH=response["ETag"])
    assert again.status_code == 200
    assert put_json(client, paris_url, {"number": 101}, HTTP_IF_MATCH=response["ETag"]).status_code == 412


def test_a_create_answers_the_etag_of_the_new_object(api: Any, client: Client) -> None:
    response = client.post("/api/address/", json.dumps(PARIS), content_type="application/json")
    assert response.status_code == 201
    assert response["ETag"] == client.get(response["Location"])["ETag"]
