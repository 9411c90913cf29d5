"""``SQLiteDataStore``: one table of a SQLite file, in the seed's configuration form.

::

    SQLiteDataStore({"name": "notes.db", "table": "notes"}, NoteModel)

The file and the table are created when missing, with the pk, ``NOT NULL`` and
foreign-key constraints taken from the model. Every value travels as a bound
parameter; every identifier in the SQL comes from the model (and is quoted),
never from a request. Each thread gets its own connection, and ``atomic()``
holds SQLite's write lock (``BEGIN IMMEDIATE``) so that read-check-write
sequences (unique-together checks, foreign keys, ``If-Match``) cannot interleave,
whether the other writer is a thread or another process.

A lock held by someone else for longer than ``timeout`` is a
``ServiceUnavailable`` (a JSON 503 with ``Retry-After``), and the transaction
is rolled back: nothing is half-written. As Django does with its own database
connections, each thread's connection is closed when a request finishes
(``sqlite_connections.close_request_connections``, connected to ``request_finished``),
so threads that come and go (runserver's) leave no connection behind.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..exceptions import BadRequest, Conflict
from ..models import Field, FieldError, ForeignKeyField
from ..models.base import invalid_message
from .base import DataStore
from .query import Condition, Ordering, fold_case
from .sqlite_connections import available, register

# Long enough that a burst of concurrent writers queues instead of failing with "database is locked".
DEFAULT_TIMEOUT = 60.0

_COLUMN_TYPES = {
    "integer": "INTEGER",
    "boolean": "INTEGER",
    "float": "REAL",
    "timestamp": "REAL",
    "string": "TEXT",
    "datetime": "TEXT",
}

_COMPARISONS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def quote(identifier: str) -> str:
    """Quote an SQL identifier; the name comes from the model, the quoting keeps odd names legal."""
    return '"' + identifier.replace('"', '""') + '"'


class SQLiteDataStore(DataStore):
    """Serve one table of a SQLite file: ``SQLiteDataStore({"name": path, "table": name}, Model)``.

    Options besides the common ones: ``timeout`` (seconds a writer waits for the
    lock, default 60).
    """

    def __init__(
        self,
        ressource_config: dict[str, str],
        model: Any = None,
        *,
        validators: Any = (),
        partial: Any = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(ressource_config, model, validators=validators, partial=partial)
        if (
            not isinstance(ressource_config, dict)
            or not ressource_config.get("name")
            or not ressource_config.get("table")
        ):
            raise ImproperlyConfigured(
                'SQLiteDataStore needs ressource={"name": <database file>, "table": <table name>}.'
            )
        self.path = str(ressource_config["name"])
        self.table = str(ressource_config["table"])
        self.timeout = float(timeout)
        self.local = threading.local()
        self.columns = [field.name for field in self.model.get_fields()]
        self.sql_foreign_keys: set[str] = set()
        self.create_table()
        register(self)

    # Connections and transactions -------------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        """Return this thread's connection, opening it on first use."""
        connection = getattr(self.local, "connection", None)
        if connection is None:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: no implicit transactions; atomic() issues BEGIN/COMMIT itself.
            with available():
                connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=True)
                connection.execute("PRAGMA foreign_keys = ON")
            connection.create_function("drfl_lower", 1, fold_case, deterministic=True)
            self.local.connection = connection
            self.local.depth = 0
        return connection

    def close(self) -> None:
        """Close this thread's connection (the next use opens a new one)."""
        connection = getattr(self.local, "connection", None)
        if connection is not None:
            connection.close()
            self.local.connection = None

    @contextlib.contextmanager
    def atomic(self, operation: str | None = None) -> Iterator[None]:
        """Hold the database's write lock for the block; nested blocks join the outer one."""
        connection = self.connection
        if self.local.depth:
            self.local.depth += 1
            try:
                yield
            finally:
                self.local.depth -= 1
            return
        with available():
            connection.execute("BEGIN IMMEDIATE")
        self.local.depth = 1
        try:
            yield
        except BaseException:
            self.local.depth = 0
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        self.local.depth = 0
        try:
            with available():
                connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    def execute(self, sql: str, parameters: list[Any] | tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with available():
            return self.connection.execute(sql, parameters)

    def select(self, sql: str, parameters: list[Any] | tuple[Any, ...] = ()) -> list[Any]:
        """Run a query and return every row (a busy database may stop a query after its first rows too)."""
        with available():
            return self.connection.execute(sql, parameters).fetchall()

    # Schema -----------------------------------------------------------------------------

    def create_table(self) -> None:
        """Create the table when missing; check that an existing one has every column of the model."""
        existing = self.table_columns(self.table)
        if existing:
            missing = [name for name in self.columns if name not in existing]
            if missing:
                raise ImproperlyConfigured(
                    f"SQLiteDataStore: table {self.table!r} in {self.path!r} has no column {', '.join(missing)}; "
                    "alter the table or fix the model."
                )
            self.sql_foreign_keys = {row[3] for row in self.execute(f"PRAGMA foreign_key_list({quote(self.table)})")}
            return
        definitions = [self.column_definition(field) for field in self.model.get_fields()]
        for field in self.model.foreign_keys:
            target_table, target_column = field.foreign["table"], field.foreign.get("column", "id")
            if self.can_reference(target_table, target_column):
                definitions.append(
                    f"FOREIGN KEY ({quote(field.name)}) REFERENCES {quote(target_table)} ({quote(target_column)})"
                )
                self.sql_foreign_keys.add(field.name)
        self.execute(f"CREATE TABLE IF NOT EXISTS {quote(self.table)} ({', '.join(definitions)})")

    def column_definition(self, field: Field) -> str:
        sql_type = _COLUMN_TYPES.get(field.base_type, "")
        parts = [quote(field.name), sql_type]
        if field is self.model.pk_field:
            parts.append("PRIMARY KEY")
            if field.base_type != "integer":
                # Only INTEGER PRIMARY KEY refuses NULL on its own in SQLite.
                parts.append("NOT NULL")
        elif field.required and not field.nullable:
            parts.append("NOT NULL")
        return " ".join(part for part in parts if part)

    def table_columns(self, table: str) -> dict[str, tuple[Any, ...]]:
        return {row[1]: row for row in self.execute(f"PRAGMA table_info({quote(table)})")}

    def can_reference(self, table: str, column: str) -> bool:
        """Tell whether a SQL foreign key to ``table(column)`` can be declared in this file.

        SQLite reports a "foreign key mismatch" on every write when the parent table
        is missing or the column is not unique, so the constraint is only declared when
        the parent exists here (or is this very table) and the column is its pk or unique.
        Other references (a ressource in another store) are checked through the registry.
        """
        if table == self.table:
            return column == self.model.pk_field.name
        columns = self.table_columns(table)
        if column not in columns:
            return False
        if columns[column][5] and sum(1 for row in columns.values() if row[5]) == 1:
            return True
        for index in self.execute(f"PRAGMA index_list({quote(table)})").fetchall():
            if index[2]:  # unique
                indexed = [row[2] for row in self.execute(f"PRAGMA index_info({quote(index[1])})")]
                if indexed == [column]:
                    return True
        return False

    # Values in and out ------------------------------------------------------------------

    def to_row(self, sql_row: sqlite3.Row | tuple[Any, ...]) -> dict[str, Any]:
        row = dict(zip(self.columns, sql_row, strict=True))
        for field in self.model.get_fields():
            value = row[field.name]
            if value is not None and field.base_type == "boolean":
                row[field.name] = bool(value)
            elif value is not None and field.base_type in {"float", "timestamp"}:
                row[field.name] = float(value)
        return row

    @staticmethod
    def to_sql(value: Any) -> Any:
        if isinstance(value, bool):
            return int(value)
        return value

    def select_sql(self) -> str:
        return f"SELECT {', '.join(map(quote, self.columns))} FROM {quote(self.table)}"

    def where(self, conditions: list[Condition]) -> tuple[str, list[Any]]:
        """Translate conditions into a WHERE clause with bound parameters."""
        clauses: list[str] = []
        parameters: list[Any] = []
        for condition in conditions:
            clause, values = self.translate(condition)
            clauses.append(clause)
            parameters.extend(values)
        if not clauses:
            return "", parameters
        return " WHERE " + " AND ".join(clauses), parameters

    def translate(self, condition: Condition) -> tuple[str, list[Any]]:
        column = quote(condition.name)
        lookup, value = condition.lookup, condition.value
        if lookup == "isnull":
            return f"{column} IS {'' if value else 'NOT '}NULL", []
        if lookup == "exact":
            if value is None:
                return f"{column} IS NULL", []
            return f"{column} = ?", [self.to_sql(value)]
        if lookup == "in":
            placeholders = ", ".join("?" for _ in value)
            return f"{column} IN ({placeholders})", [self.to_sql(item) for item in value]
        if lookup in _COMPARISONS:
            return f"{column} {_COMPARISONS[lookup]} ?", [self.to_sql(value)]
        if lookup == "contains":
            # instr() is case-sensitive, unlike LIKE, and needs no escaping of % and _.
            return f"instr({column}, ?) > 0", [value]
        if lookup == "icontains":
            return f"instr(drfl_lower({column}), drfl_lower(?)) > 0", [value]
        if lookup == "startswith":
            return f"substr({column}, 1, ?) = ?", [len(value), value]
        raise BadRequest(f"Unknown lookup {lookup!r} for {condition.name}.")

    def order_by(self, ordering: list[Ordering]) -> str:
        # NULL first ascending, last descending: what PythonListDataStore.sort_rows does.
        terms = [
            f"{quote(order.name)} DESC NULLS LAST" if order.descending else f"{quote(order.name)} ASC NULLS FIRST"
            for order in ordering
        ]
        return " ORDER BY " + ", ".join(terms) if terms else ""

    # Integrity errors -------------------------------------------------------------------

    def integrity_error(self, error: sqlite3.IntegrityError, data: dict[str, Any] | None = None) -> Exception:
        """Turn a constraint failure into the 400/409 the client should see."""
        message = str(error)
        pk_name = self.model.pk_field.name
        if message.startswith("FOREIGN KEY"):
            if data is None:
                return Conflict("Cannot delete this ressource: other ressources still reference it.")
            names = [name for name in self.failing_foreign_keys(data)] or [
                field.name for field in self.model.foreign_keys if data.get(field.name) is not None
            ]
            return BadRequest(
                invalid_message(names[0]) if names else "A foreign key does not validate",
                fields={name: "No such ressource." for name in names},
            )
        if message.startswith("UNIQUE") or message.startswith("PRIMARY KEY"):
            column = message.rpartition(".")[2]
            column = column if self.model.get_field(column) else pk_name
            return Conflict(f"A ressource with this {column} already exists.", fields={column: "Already taken."})
        if message.startswith("NOT NULL"):
            column = message.rpartition(".")[2]
            return BadRequest(invalid_message(column), fields={column: "This field may not be null."})
        return BadRequest(f"The database refused this change: {message}.")

    def failing_foreign_keys(self, data: dict[str, Any]) -> list[str]:
        failing = []
        for field in self.model.foreign_keys:
            value = data.get(field.name)
            if value is not None and field.name in self.sql_foreign_keys and not self.exists_in_file(field, value):
                failing.append(field.name)
        return failing

    def exists_in_file(self, field: ForeignKeyField, value: Any) -> bool:
        table, column = field.foreign["table"], field.foreign.get("column", "id")
        sql = f"SELECT 1 FROM {quote(table)} WHERE {quote(column)} = ? LIMIT 1"
        return self.execute(sql, [self.to_sql(value)]).fetchone() is not None

    def check_foreign_key_fallback(self, field: Any, value: Any) -> bool:
        """Check a reference to a table of this file with a query; other tables are not ours to judge."""
        if field.name in self.sql_foreign_keys:
            return self.exists_in_file(field, value)
        return True

    # DataStore hooks --------------------------------------------------------------------

    def get(self, identifier: Any) -> dict[str, Any]:
        try:
            key = self.model.pk_field.to_query_value(identifier)
        except FieldError:
            key = None
        row = None
        if key is not None:
            sql = f"{self.select_sql()} WHERE {quote(self.model.pk_field.name)} = ?"
            row = self.execute(sql, [key]).fetchone()
        if row is None:
            raise self.not_found(identifier)
        return self.to_row(row)

    def fetch(
        self, conditions: list[Condition], ordering: list[Ordering], offset: int, count: int | None
    ) -> list[dict[str, Any]]:
        where, parameters = self.where(conditions)
        sql = f"{self.select_sql()}{where}{self.order_by(ordering)} LIMIT ? OFFSET ?"
        parameters += [-1 if count is None else count, offset]
        return [self.to_row(row) for row in self.select(sql, parameters)]

    def count_matching(self, conditions: list[Condition]) -> int:
        where, parameters = self.where(conditions)
        return self.execute(f"SELECT COUNT(*) FROM {quote(self.table)}{where}", parameters).fetchone()[0]

    def insert(self, data: dict[str, Any]) -> Any:
        pk = self.model.pk_field
        row = dict(data)
        if pk.base_type == "integer":
            row.pop(pk.name, None)
        names = [name for name in self.columns if name in row]
        sql = (
            f"INSERT INTO {quote(self.table)} ({', '.join(map(quote, names))}) VALUES ({', '.join('?' for _ in names)})"
        )
        try:
            cursor = self.execute(sql, [self.to_sql(row[name]) for name in names])
        except sqlite3.IntegrityError as error:
            raise self.integrity_error(error, row) from None
        return cursor.lastrowid if pk.base_type == "integer" else row[pk.name]

    def save(self, identifier: Any, changes: dict[str, Any]) -> dict[str, Any]:
        names = [name for name in self.columns if name in changes]
        if names:
            assignments = ", ".join(f"{quote(name)} = ?" for name in names)
            sql = f"UPDATE {quote(self.table)} SET {assignments} WHERE {quote(self.model.pk_field.name)} = ?"
            try:
                self.execute(sql, [self.to_sql(changes[name]) for name in names] + [identifier])
            except sqlite3.IntegrityError as error:
                raise self.integrity_error(error, changes) from None
        return self.get(identifier)

    def remove(self, identifier: Any) -> None:
        sql = f"DELETE FROM {quote(self.table)} WHERE {quote(self.model.pk_field.name)} = ?"
        try:
            self.execute(sql, [identifier])
        except sqlite3.IntegrityError as error:
            raise self.integrity_error(error) from None
