"""``fetch_all`` answers what Django's cursor answers, and leaves to it whatever it does not do itself.

The short path runs only under Django's own ``CursorWrapper``, unpatched and
without ``execute_wrappers``: a wrapper, a patched method or the debug cursor
see every statement as before. Errors are Django's (``django.db.utils``), and
a transaction that must roll back refuses the statement as Django refuses it.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from django_restframework_lite.datastore import orm_cursor
from django_restframework_lite.datastore.orm_cursor import fetch_all, plain


def through_django(sql: str, params: list[Any]) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


STATEMENTS = [
    ("SELECT %s, %s", [1, "a"]),
    ("SELECT '100%%', %s", ["b"]),
    ("SELECT COUNT(*) FROM inventory_item WHERE quantity > %s", [2]),
    ("SELECT id FROM inventory_item WHERE id = %s", [-1]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("sql", "params"), STATEMENTS)
def test_the_short_path_answers_what_the_cursor_answers(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        assert plain(cursor, connection)  # else this test would compare Django with itself
    assert [tuple(row) for row in fetch_all(connection, sql, params)] == [
        tuple(row) for row in through_django(sql, params)
    ]
    assert [tuple(row) for row in fetch_all(connection, sql, params)] == [  # the kept SQL, on SQLite
        tuple(row) for row in through_django(sql, params)
    ]


@pytest.mark.django_db
def test_execute_wrappers_see_every_statement() -> None:
    seen: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        assert fetch_all(connection, "SELECT %s", [1]) == [(1,)]
    assert seen == ["SELECT %s"]


@pytest.mark.django_db
def test_a_patched_cursor_wrapper_runs(monkeypatch: Any) -> None:
    original = CursorWrapper.execute
    seen: list[str] = []

    def execute(self: Any, sql: str, params: Any = None) -> Any:
        seen.append(sql)
        return original(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", execute)
    assert fetch_all(connection, "SELECT %s", [2]) == [(2,)]
    assert seen == ["SELECT %s"]


@pytest.mark.django_db
def test_the_debug_cursor_logs_the_statement() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert fetch_all(connection, "SELECT %s", [3]) == [(3,)]
    assert len(queries) == 1


@pytest.mark.django_db
def test_database_errors_are_djangos() -> None:
    with pytest.raises(DatabaseError) as raised:
        fetch_all(connection, "SELECT * FROM drfl_no_such_table WHERE id = %s", [1])
    assert type(raised.value).__module__ == "django.db.utils"


@pytest.mark.django_db
def test_a_transaction_that_must_roll_back_refuses_the_statement() -> None:
    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            fetch_all(connection, "SELECT %s", [4])


@pytest.mark.django_db
def test_the_sqlite_rewrite_is_kept_once_per_statement(monkeypatch: Any) -> None:
    monkeypatch.setattr(orm_cursor, "QMARK_SQL", {})
    assert fetch_all(connection, "SELECT %s, '%%'", [5]) == [(5, "%")]
    # SQLite's driver takes "?" (Django rewrites each statement); PostgreSQL's takes the SQL as it is.
    assert orm_cursor.QMARK_SQL == ({"SELECT %s, '%%'": "SELECT ?, '%'"} if connection.vendor == "sqlite" else {})


def test_the_orm_store_leaves_djangos_sqlite_backend_unimported() -> None:
    """Importing it registers Django's adapters in the sqlite3 module, which the library's SQLite store uses too."""
    code = (
        "import sys, django; from django.conf import settings; settings.configure(); django.setup(); "
        "import django_restframework_lite.datastore.orm; print('django.db.backends.sqlite3.base' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert found.stdout.strip() == "False", found.stderr
