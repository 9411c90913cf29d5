"""Shared fixtures: the same three ressources on each of the three datastores (``tests/stores.py``).

``stores`` is parametrized over ``pythonlist``, ``sqlite`` and ``orm``: each test
that takes it runs once per datastore, against ressources that behave the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from django_restframework_lite.datastore import DataStore
from tests.servers import RedisServer
from tests.stores import STORE_KINDS, Stores, build_stores, close_stores

# The ORM leg carries the django_db mark: pytest-django sets up the test database only for
# tests that declare it (a fixture asking for "db" on the fly is not enough). Sequences are
# reset so that pks start at 1 on PostgreSQL too, as they do on the other stores.
ORM = pytest.param("orm", marks=pytest.mark.django_db(transaction=True, reset_sequences=True))


@pytest.fixture(params=[kind if kind != "orm" else ORM for kind in STORE_KINDS])
def store_kind(request: pytest.FixtureRequest) -> str:
    """Each kind of datastore in turn, for HTTP tests that build their controllers with ``store_controllers``."""
    return str(request.param)


@pytest.fixture(params=STORE_KINDS)
def stores(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Stores]:
    """The three ressources on each datastore in turn (the ORM ones in a test transaction)."""
    if request.param == "orm":
        request.getfixturevalue("db")
    built = build_stores(request.param, tmp_path)
    yield built
    close_stores(built.registry.values())


def snapshot(store: DataStore) -> list[dict[str, Any]]:
    """Everything a store holds, in pk order: compared before and after a refused write."""
    rows = store.get_list()
    assert store.count() == len(rows)
    return rows


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    """A redis-server of this test alone, on a free port (``tests/servers.py``): stop, stall and start it at will."""
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()
