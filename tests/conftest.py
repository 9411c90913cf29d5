"""Shared fixtures: the same three ressources on each of the three datastores (``tests/stores.py``).

``stores`` is parametrized over ``pythonlist``, ``sqlite`` and ``orm``: each test
that takes it runs once per datastore, against ressources that behave the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from django_restframework_lite.datastore import DataStore
from tests.browser_support import running_in_ci, why_no_browser
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


# Browser tests: left out, and said so, where Chromium is missing; always run under CI -------------

_LEFT_OUT = pytest.StashKey[tuple[str, list[str]]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_tests = [item for item in items if item.get_closest_marker("browser")]
    if not browser_tests or running_in_ci():
        return
    reason = why_no_browser()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"browser test left out: {reason}")
    for item in browser_tests:
        item.add_marker(skip)
    config.stash[_LEFT_OUT] = (reason, [item.nodeid for item in browser_tests])


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if _LEFT_OUT not in config.stash:
        return
    reason, nodeids = config.stash[_LEFT_OUT]
    terminalreporter.section("browser tests left out", sep="-", yellow=True)
    terminalreporter.line(f"{len(nodeids)} tests that drive headless Chromium did not run: {reason}.")
    for nodeid in nodeids:
        terminalreporter.line(f"  {nodeid}")
    terminalreporter.line("Everything else ran. CI (CI=true) always runs them, and fails without Chromium.")


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    """A redis-server of this test alone, on a free port (``tests/servers.py``): stop, stall and start it at will."""
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()
