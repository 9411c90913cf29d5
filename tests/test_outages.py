"""Outages, for real: the demo under gunicorn while its PostgreSQL, its Redis or a SQLite lock goes away.

Each test starts its own servers (``tests/servers.py``): a throwaway PostgreSQL
cluster, a redis-server, the demo under gunicorn. It stops them mid-run by their
pid (or holds SQLite's lock from another connection past the busy timeout),
checks that every affected endpoint answers a JSON 503 with ``Retry-After``
while the unaffected ones go on answering, starts them again, and checks that
the very next request succeeds and that the rows stored are exactly the writes
that were acknowledged.
"""

from __future__ import annotations

import base64
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import Answer, DemoServer, PostgresCluster, RedisServer, postgres_bin

pytestmark = pytest.mark.slow

BASIC = "Basic " + base64.b64encode(b"alice:demo").decode()
ADDRESS = {"country": "France", "city": "Nantes", "street": "quai de la Fosse", "number": 1}


def assert_unavailable(answer: Answer) -> None:
    """A JSON 503 with ``Retry-After``: never Django's HTML page, never a 500."""
    assert answer.status == 503, answer
    assert answer.headers["content-type"] == "application/json"
    assert set(answer.json()) == {"error"}
    assert int(answer.headers["retry-after"]) >= 1


def total(server: DemoServer, path: str, **headers: str) -> int:
    answer = server.request("GET", path, **headers)
    assert answer.status == 200, answer
    return int(answer.json()["meta"]["total_count"])


# PostgreSQL stopped mid-run ---------------------------------------------------------------------


@pytest.fixture
def postgres() -> Iterator[PostgresCluster]:
    if postgres_bin() is None:
        pytest.fail("the PostgreSQL server binaries (initdb, pg_ctl) are needed: install postgresql")
    cluster = PostgresCluster().start()
    try:
        cluster.create_database("demo")
        yield cluster
    finally:
        cluster.destroy()


def orm_endpoints(user_uri: str) -> list[tuple[str, str, dict | None, dict[str, str]]]:
    """Every demo endpoint that reads or writes PostgreSQL, with a request for each verb."""
    key = {"X_Api_Key": "hackme"}
    return [
        ("GET", "/api/users/", None, {}),
        ("POST", "/api/address/", ADDRESS, {}),
        ("GET", user_uri, None, {}),
        ("PATCH", user_uri, {"first_name": "Changed"}, {}),
        ("PUT", user_uri, {"first_name": "Changed"}, {}),
        ("DELETE", user_uri, None, {}),
        ("GET", "/protected/api/users/", None, key),
        ("GET", "/protected/limited/address/", None, key),
        ("GET", "/protected/basic/address/", None, {"Authorization": BASIC}),
        ("GET", "/protected/session/address/", None, {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}),
        ("GET", "/mine/bookmarks/", None, {"Authorization": BASIC}),
        ("POST", "/mine/bookmarks/", {"address": "/mine/address/1/"}, {"Authorization": BASIC}),
    ]


def test_postgresql_stopped_mid_run_answers_503_and_recovers(postgres: PostgresCluster, tmp_path: Path) -> None:
    server = DemoServer(tmp_path, workers=2, DATABASE_URL=postgres.url("demo")).migrate()
    server.manage("load_addressbook")
    server.start()
    try:
        before = total(server, "/api/address/")
        acknowledged = 0
        for number in range(3):
            answer = server.request("POST", "/api/address/", {**ADDRESS, "number": 100 + number})
            assert answer.status == 201, answer
            acknowledged += 1
        user_uri = server.request("GET", "/api/users/").json()["object_list"][0]["ressource_uri"]

        postgres.stop()
        for method, path, body, headers in orm_endpoints(user_uri):
            for _ in range(2):  # both workers, whichever answers
                assert_unavailable(server.request(method, path, body, **headers))
        # What does not need the database goes on answering.
        assert server.request("GET", "/api/tags/").status == 200
        assert server.request("GET", "/api/notes/").status == 200
        assert server.request("GET", "/api/openapi.json").status == 200

        postgres.start()
        answer = server.request("POST", "/api/address/", {**ADDRESS, "number": 200})
        assert answer.status == 201, answer  # the first request after recovery, no restart of the server
        acknowledged += 1
        for method, path, _body, headers in orm_endpoints(user_uri):
            if method == "GET":  # the made-up session is no login: a 401, from the database again
                expected = 401 if path.startswith("/protected/session/") else 200
                assert server.request(method, path, **headers).status == expected
        assert total(server, "/api/address/") == before + acknowledged
    finally:
        server.stop()


# A SQLite lock held past the busy timeout -------------------------------------------------------


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[DemoServer]:
    server = DemoServer(tmp_path, workers=1, DRFL_SQLITE_TIMEOUT="0.3").migrate()
    server.manage("load_addressbook")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def hold_lock(path: Path) -> sqlite3.Connection:
    """Take SQLite's exclusive lock on ``path`` from another connection, as a long writer would."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


@pytest.mark.parametrize(
    ("database", "collection"),
    [("db.sqlite3", "/api/address/"), ("notes.db", "/api/notes/")],
    ids=["orm-store", "sqlite-store"],
)
def test_sqlite_lock_past_the_busy_timeout_answers_503(sqlite_server: DemoServer, database: str, collection: str) -> None:
    server = sqlite_server
    body = {**ADDRESS} if collection == "/api/address/" else {"title": "Locked out"}
    before = total(server, collection)
    created = server.request("POST", collection, body)
    assert created.status == 201, created
    uri = created.json()["ressource_uri"]

    holder = hold_lock(server.data_dir / database)
    try:
        started = time.monotonic()
        for method, path, payload in [("GET", collection, None), ("POST", collection, body), ("GET", uri, None),
                                      ("PATCH", uri, body), ("DELETE", uri, None)]:
            answer = server.request(method, path, payload)
            assert_unavailable(answer)
            assert answer.headers["retry-after"] == "1"
        assert time.monotonic() - started < 5 * 5  # each waited about the busy timeout, not for ever
        if collection == "/api/address/":
            assert_unavailable(server.request("GET", "/protected/basic/address/", Authorization=BASIC))
    finally:
        holder.rollback()
        holder.close()

    answer = server.request("POST", collection, body)
    assert answer.status == 201, answer
    assert total(server, collection) == before + 2  # the two acknowledged creates, nothing else
    assert server.request("GET", uri).json() == created.json()


# Redis stopped, and stalled ---------------------------------------------------------------------


def test_redis_stopped_or_stalled_answers_503_and_recovers(redis: RedisServer, tmp_path: Path) -> None:
    server = DemoServer(tmp_path, workers=2, REDIS_URL=redis.url).migrate().start()
    limited = "/protected/limited/address/"
    try:
        assert server.request("GET", limited, X_Api_Key="hackme").status == 200

        redis.pause()  # stalled: connections stay open, nothing answers
        for _ in range(2):
            started = time.monotonic()
            assert_unavailable(server.request("GET", limited, X_Api_Key="hackme"))
            assert time.monotonic() - started < 3  # the bounded wait (1 s), not the cache client's
        assert server.request("GET", "/api/users/").status == 200  # no rate limit, no cache: unaffected
        redis.resume()
        assert server.request("GET", limited, X_Api_Key="hackme").status == 200

        redis.stop()
        for _ in range(2):
            started = time.monotonic()
            assert_unavailable(server.request("GET", limited, X_Api_Key="hackme"))
            assert time.monotonic() - started < 3
        redis.start()  # the same port: the servers reconnect by themselves
        answer = server.request("GET", limited, X_Api_Key="hackme")
        assert answer.status == 200, answer
        assert "x-ratelimit-remaining" in answer.headers
    finally:
        server.stop()
