"""The SQLite store's connections: closed when each request finishes, and their outages answered as 503.

Each ``SQLiteDataStore`` keeps one connection per thread. Django closes its own
database connections at the end of each request (``request_finished``); the
app connects ``close_request_connections`` to the same signal, so the threads
of ``runserver`` (one per request) leave no SQLite connection open behind them
until the garbage collector finds it.

``available()`` turns SQLite's "database is locked" (another writer held the
lock past the busy timeout) and I/O failures into ``ServiceUnavailable``: a
JSON 503 with ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import weakref
from collections.abc import Iterator
from typing import Any

from ..exceptions import unavailable_error

__all__ = ["available", "close_request_connections", "register"]

_STORES: weakref.WeakSet[Any] = weakref.WeakSet()


def register(store: Any) -> None:
    """Remember ``store`` (weakly), so that its connections are closed when requests finish."""
    _STORES.add(store)


def close_request_connections(**kwargs: Any) -> None:
    """Close the calling thread's connection of every SQLite store: a ``request_finished`` receiver.

    An in-memory database lives only as long as its connection, so its
    connections stay open; so does a connection inside an ``atomic()`` block.
    """
    for store in list(_STORES):
        if store.path != ":memory:" and not getattr(store.local, "depth", 0):
            store.close()


@contextlib.contextmanager
def available() -> Iterator[None]:
    """Turn SQLite's "database is locked" (past the busy timeout) and I/O failures into a 503."""
    try:
        yield
    except sqlite3.OperationalError as error:
        outage = unavailable_error(error)
        if outage is None:
            raise
        raise outage from error
