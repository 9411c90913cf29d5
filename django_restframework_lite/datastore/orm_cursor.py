"""Run a compiled read's statement on Django's cursor, skipping the wrapper's per-call work where it adds nothing.

``connection.cursor()`` stays Django's (asynchronous-context check, health
check, connection, thread sharing, the debug cursor under ``DEBUG``). Its
``CursorWrapper.execute()`` then builds the ``execute_wrappers`` chain, checks
that the apps are ready and that no failed transaction is pending, and runs the
driver's ``execute`` inside ``wrap_database_errors``; on SQLite the driver's
cursor (``SQLiteCursorWrapper``) rewrites ``%s`` to ``?`` with a regular
expression on every call. ``fetch_all`` does the same steps itself when they
are provably all there is to do, and reuses a statement's rewritten SQL:

- the cursor is exactly Django's ``CursorWrapper`` (not the debug wrapper, nor a
  tool's own class) and its methods are the ones Django defines (not patched);
- the connection has no ``execute_wrappers`` and the apps are ready;
- on SQLite, the driver's cursor is exactly ``SQLiteCursorWrapper``, unpatched:
  with list parameters its ``execute`` is ``convert_query(sql)`` then the
  ``sqlite3`` cursor's own ``execute``, so the rewritten SQL is kept per statement.

Anything else runs through ``cursor.execute()`` and ``cursor.fetchall()``. Errors
go through ``connection.wrap_database_errors`` either way, and the cursor is
closed as ``CursorWrapper.__exit__`` closes it.
"""

from __future__ import annotations

import sqlite3
import sys
import types
from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.db.backends.utils import CursorWrapper

__all__ = ["fetch_all"]

#: The rewritten SQL of each statement on SQLite, by statement (bounded by the stores' kept shapes).
QMARK_SQL: dict[str, str] = {}
MAX_QMARK_SQL = 4096


def stock(owner: type, *names: str) -> tuple[Any, ...] | None:
    """Return ``owner``'s own functions ``names``, or None when any is not the one Django defines (patched, wrapped)."""
    found = tuple(owner.__dict__.get(name) for name in names)
    for name, function in zip(names, found, strict=True):
        if (type(function) is not types.FunctionType or hasattr(function, "__wrapped__")
                or function.__module__ != owner.__module__ or function.__qualname__ != f"{owner.__name__}.{name}"):
            return None
    return found


#: The CursorWrapper methods that ``fetch_all`` does the work of (``execute`` and ``fetchall``), as Django defines them.
WRAPPER_NAMES = ("execute", "_execute_with_wrappers", "_execute", "__getattr__")
WRAPPER = stock(CursorWrapper, *WRAPPER_NAMES)
#: The SQLite backend's module: read where a connection uses it, never imported here (importing it registers
#: Django's adapters in the sqlite3 module, which the library's own SQLite store also uses).
SQLITE_BACKEND = "django.db.backends.sqlite3.base"
#: SQLiteCursorWrapper's methods that ``fetch_all`` does the work of, as Django defines them.
SQLITE_NAMES = ("execute", "convert_query")
#: Per class of driver cursor: its stock ``SQLITE_NAMES`` when it is Django's SQLiteCursorWrapper, else None.
SQLITE: dict[type, tuple[Any, ...] | None] = {}


def sqlite_wrapper(driver_class: type) -> tuple[Any, ...] | None:
    """Return the stock ``execute`` and ``convert_query`` of ``driver_class`` when it is Django's SQLiteCursorWrapper
    over the sqlite3 cursor, unpatched; None for any other driver cursor."""
    if driver_class not in SQLITE:
        wrapper = getattr(sys.modules.get(SQLITE_BACKEND), "SQLiteCursorWrapper", None)
        stock_sqlite = driver_class is wrapper and driver_class.__mro__[1] is sqlite3.Cursor
        SQLITE[driver_class] = stock(driver_class, *SQLITE_NAMES) if stock_sqlite else None
    return SQLITE[driver_class]


def unchanged(owner: type, names: tuple[str, ...], functions: tuple[Any, ...] | None) -> bool:
    """Tell whether ``owner``'s methods ``names`` are still ``functions`` (nothing patched them since the import)."""
    return functions is not None and tuple(map(owner.__dict__.get, names)) == functions  # functions compare by identity


def plain(cursor: Any, connection: Any) -> bool:
    """Tell whether ``cursor.execute()`` would only validate the transaction and run the driver's ``execute``."""
    return (
        type(cursor) is CursorWrapper
        and not connection.execute_wrappers
        and apps.ready
        and unchanged(CursorWrapper, WRAPPER_NAMES, WRAPPER)
    )


def fetch_all(connection: Any, sql: str, params: Sequence[Any]) -> list[Any]:
    """Execute ``sql`` with ``params`` (a list) on a new cursor of ``connection`` and return every row."""
    with connection.cursor() as cursor:
        if not plain(cursor, connection):
            cursor.execute(sql, params)
            rows: list[Any] = cursor.fetchall()
            return rows
        driver = cursor.cursor
        connection.validate_no_broken_transaction()
        with connection.wrap_database_errors:
            driver_class = type(driver)
            if unchanged(driver_class, SQLITE_NAMES, sqlite_wrapper(driver_class)):
                qmark = QMARK_SQL.get(sql)
                if qmark is None:
                    qmark = driver_class.convert_query(driver, sql)
                    if len(QMARK_SQL) < MAX_QMARK_SQL:
                        QMARK_SQL[sql] = qmark
                sqlite3.Cursor.execute(driver, qmark, params)
            else:
                driver.execute(sql, params)
            rows = driver.fetchall()
        return rows
