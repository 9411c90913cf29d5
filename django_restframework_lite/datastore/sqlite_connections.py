"""The SQLite store's connections: shared per file and thread, closed after each request, outages as 503.

Each ``SQLiteDataStore`` keeps one connection per thread, shared with the
other stores of the same file (``shared_local``). Django closes its own
database connections at the end of each request (``request_finished``);
``close_request_connections`` is connected to the same signal when the first
store registers, so the threads of ``runserver`` (one per request) leave no
SQLite connection open behind them until the garbage collector finds it, and a
project without SQLite stores pays nothing for it.

``available()`` turns SQLite's "database is locked" (another writer held the
lock past the busy timeout) and I/O failures into ``ServiceUnavailable``: a
JSON 503 with ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.signals import request_finished

from ..exceptions import unavailable_error
from .sqlite_columns import prepare_connection

__all__ = ["available", "close_request_connections", "open_connection", "register", "shared_local"]

_STORES: weakref.WeakSet[Any] = weakref.WeakSet()
RECEIVER_UID = "django_restframework_lite.sqlite_close"


def register(store: Any) -> None:
    """Remember ``store`` (weakly), so that its connections are closed when requests finish."""
    _STORES.add(store)
    request_finished.connect(close_request_connections, dispatch_uid=RECEIVER_UID)  # once: the uid is kept


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



_LOCALS: dict[str, threading.local] = {}
_LOCALS_LOCK = threading.Lock()


def shared_local(path: str) -> threading.local:
    """Return the per-thread state (connection, transaction depth) of the stores of one database file.

    Stores on the same file share one connection per thread, so that a write
    that reaches a sibling store (a deleted row unlinked from another table's
    many-to-many lists) joins the same transaction instead of waiting for the
    lock its own connection holds. An in-memory database is its own.
    """
    if path == ":memory:":
        return threading.local()
    key = str(Path(path).resolve())
    with _LOCALS_LOCK:
        return _LOCALS.setdefault(key, threading.local())


def open_connection(path: str, timeout: float) -> sqlite3.Connection:
    """Open a connection to ``path`` (creating its directory) that waits ``timeout`` seconds for the lock."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: no implicit transactions; the store's atomic() issues BEGIN/COMMIT itself.
    with available():
        connection = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=True)
        prepare_connection(connection)
    return connection
