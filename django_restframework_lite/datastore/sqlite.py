"""``SQLiteDataStore``: one table of a SQLite file, in the seed's configuration form.

::

    SQLiteDataStore({"name": "notes.db", "table": "notes"}, NoteModel)

The file and the table are created when missing, with the pk, ``NOT NULL`` and
foreign-key constraints taken from the model. Every value travels as a bound
parameter; every identifier in the SQL comes from the model (and is quoted),
never from a request. Each thread gets its own connection, and ``atomic()``
holds SQLite's write lock (``BEGIN IMMEDIATE``) so that read-check-write
sequences (unique-together checks, foreign keys, ``If-Match``) cannot interleave,
whether the other writer is a thread or another process. Stores on the same
file share each thread's connection, so writes across them form one transaction.

Beside it: ``sqlite_columns`` (how each field type is kept in a column),
``sqlite_sql`` (filters and orderings as SQL), ``sqlite_links`` (many-to-many
link tables) and ``sqlite_errors`` (constraint failures as 400/409).

A lock held by someone else for longer than ``timeout`` is a
``ServiceUnavailable`` (a JSON 503 with ``Retry-After``), and the transaction
is rolled back: nothing is half-written. As Django does with its own database
connections, each thread's connection is closed when a request finishes
(``sqlite_connections``, which also opens them),
so threads that come and go (runserver's) leave no connection behind.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..exceptions import BadRequest
from ..models import Field, FieldError
from ..models.base import invalid_message
from .base import DataStore
from .query import AllOf, AnyOf, Filter, Ordering
from .sqlite_columns import column_type, decoder, encode
from .sqlite_connections import available, open_connection, register, shared_local
from .sqlite_errors import integrity_error
from .sqlite_links import LinkTable
from .sqlite_sql import order_by, quote, translate

# Long enough that a burst of concurrent writers queues instead of failing with "database is locked".
DEFAULT_TIMEOUT = 60.0



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
        self.local = shared_local(self.path)
        self.columns = [field.name for field in self.model.get_fields() if not field.many]
        self.decoders = [(field.name, decoder(field)) for field in self.model.get_fields() if not field.many]
        pk = self.model.pk_field
        self.links = {
            field.name: LinkTable(self.table, pk.name, column_type(pk), field) for field in self.model.many_to_many
        }
        self.sql_foreign_keys: set[str] = set()
        self.create_table()
        # What the table itself keeps NULL out of (it may predate the model): keyset conditions skip NULL there.
        self.not_null = frozenset(name for name, column in self.table_columns(self.table).items() if column[3])
        register(self)

    # Connections and transactions -------------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        """Return this thread's connection, opening it on first use."""
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = open_connection(self.path, self.timeout)
            self.local.depth = 0
        return connection

    @property
    def never_null(self) -> frozenset[str]:
        return super().never_null | self.not_null

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
            self.create_link_tables()
            return
        definitions = [self.column_definition(field) for field in self.model.get_fields() if not field.many]
        for field in self.model.foreign_keys:
            target_table, target_column = field.foreign["table"], field.foreign.get("column", "id")
            if self.can_reference(target_table, target_column):
                definitions.append(
                    f"FOREIGN KEY ({quote(field.name)}) REFERENCES {quote(target_table)} ({quote(target_column)})"
                )
                self.sql_foreign_keys.add(field.name)
        self.execute(f"CREATE TABLE IF NOT EXISTS {quote(self.table)} ({', '.join(definitions)})")
        self.create_link_tables()

    def create_link_tables(self) -> None:
        """Create the link table of each many-to-many field; its targets are checked by SQL when they live here."""
        for links in self.links.values():
            table = links.field.foreign["table"]
            column = links.field.foreign.get("column", "id")
            links.create(self.execute, (table, column) if self.can_reference(table, column) else None)

    def column_definition(self, field: Field) -> str:
        parts = [quote(field.name), column_type(field)]
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
        row = {}
        for (name, decode), value in zip(self.decoders, sql_row, strict=True):
            row[name] = value if decode is None or value is None else decode(value)
        return row

    def to_sql(self, name: str, value: Any) -> Any:
        """Return the value of field ``name`` as its column keeps it."""
        field = self.model.get_field(name)
        return encode(field, value) if field is not None else value

    def with_links(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Give each row its many-to-many lists: one query per field for the whole page."""
        if self.links and rows:
            pk_name = self.model.pk_field.name
            pks = [row[pk_name] for row in rows]
            for name, links in self.links.items():
                linked = links.read(self.execute, pks)
                for row in rows:
                    row[name] = linked[row[pk_name]]
        return rows

    def write_links(self, pk: Any, data: dict[str, Any]) -> None:
        for name, links in self.links.items():
            if name in data and not links.field.read_only:
                try:
                    links.write(self.execute, pk, data[name] or ())
                except sqlite3.IntegrityError:
                    raise BadRequest(invalid_message(name), fields={name: "No such ressource."}) from None

    def select_sql(self) -> str:
        return f"SELECT {', '.join(map(quote, self.columns))} FROM {quote(self.table)}"

    def where(self, conditions: Sequence[Filter]) -> tuple[str, list[Any]]:
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

    def translate(self, condition: Filter) -> tuple[str, list[Any]]:
        if isinstance(condition, (AnyOf, AllOf)):
            parts = [self.translate(part) for part in condition.conditions]
            joint, empty = (" OR ", "0") if isinstance(condition, AnyOf) else (" AND ", "1")
            clause = joint.join(f"({sql})" for sql, _ in parts) or empty
            return f"({clause})", [value for _, values in parts for value in values]
        field = condition.field
        if field.many:
            return self.links[field.name].condition(quote(self.model.pk_field.name), condition)
        return translate(condition)

    def order_by(self, ordering: list[Ordering]) -> str:
        return order_by(ordering)

    # Integrity errors -------------------------------------------------------------------

    def integrity_error(self, error: sqlite3.IntegrityError, data: dict[str, Any] | None = None) -> Exception:
        """Turn a constraint failure into the 400/409 the client should see (``data`` None: a delete)."""
        failing = self.failing_foreign_keys(data) if data is not None else []
        return integrity_error(self.model, str(error), data, failing)

    def failing_foreign_keys(self, data: dict[str, Any]) -> list[str]:
        failing = []
        for field in self.model.foreign_keys:
            value = data.get(field.name)
            if value is not None and field.name in self.sql_foreign_keys and not self.exists_in_file(field, value):
                failing.append(field.name)
        return failing

    def exists_in_file(self, field: Field, value: Any, foreign: dict[str, str] | None = None) -> bool:
        foreign = foreign or field.foreign  # type: ignore[attr-defined]
        table, column = foreign["table"], foreign.get("column", "id")
        sql = f"SELECT 1 FROM {quote(table)} WHERE {quote(column)} = ? LIMIT 1"
        return self.execute(sql, [encode(field, value)]).fetchone() is not None

    def check_foreign_key_fallback(self, field: Any, value: Any) -> bool:
        """Check a reference to a table of this file with a query; other tables are not ours to judge."""
        if field.name in self.sql_foreign_keys:
            return self.exists_in_file(field, value)
        return True

    def missing_links_fallback(self, field: Any, pks: list[Any]) -> list[Any]:
        """Check links to a table of this file with queries; other tables are not ours to judge."""
        table, column = field.foreign["table"], field.foreign.get("column", "id")
        if not self.can_reference(table, column):
            return []
        return [pk for pk in pks if not self.exists_in_file(field.items, pk, field.foreign)]

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
        return self.with_links([self.to_row(row)])[0]

    def fetch(
        self, conditions: Sequence[Filter], ordering: list[Ordering], offset: int, count: int | None
    ) -> list[dict[str, Any]]:
        where, parameters = self.where(conditions)
        sql = f"{self.select_sql()}{where}{self.order_by(ordering)} LIMIT ? OFFSET ?"
        parameters += [-1 if count is None else count, offset]
        return self.with_links([self.to_row(row) for row in self.select(sql, parameters)])

    def count_matching(self, conditions: Sequence[Filter]) -> int:
        where, parameters = self.where(conditions)
        count: int = self.execute(f"SELECT COUNT(*) FROM {quote(self.table)}{where}", parameters).fetchone()[0]
        return count

    def insert(self, data: dict[str, Any]) -> Any:
        pk = self.model.pk_field
        row = dict(data)
        if pk.assigned_by_store:
            row.pop(pk.name, None)
            if pk.base_type != "integer":
                row[pk.name] = str(uuid.uuid4())
        names = [name for name in self.columns if name in row]
        sql = (
            f"INSERT INTO {quote(self.table)} ({', '.join(map(quote, names))}) VALUES ({', '.join('?' for _ in names)})"
        )
        try:
            cursor = self.execute(sql, [self.to_sql(name, row[name]) for name in names])
        except sqlite3.IntegrityError as error:
            raise self.integrity_error(error, row) from None
        new_pk = cursor.lastrowid if pk.name not in row else row[pk.name]
        self.write_links(new_pk, row)
        return new_pk

    def save(self, identifier: Any, changes: dict[str, Any]) -> dict[str, Any]:
        names = [name for name in self.columns if name in changes]
        if names:
            assignments = ", ".join(f"{quote(name)} = ?" for name in names)
            sql = f"UPDATE {quote(self.table)} SET {assignments} WHERE {quote(self.model.pk_field.name)} = ?"
            try:
                self.execute(sql, [self.to_sql(name, changes[name]) for name in names] + [identifier])
            except sqlite3.IntegrityError as error:
                raise self.integrity_error(error, changes) from None
        self.write_links(identifier, changes)
        return self.get(identifier)

    def remove(self, identifier: Any) -> None:
        sql = f"DELETE FROM {quote(self.table)} WHERE {quote(self.model.pk_field.name)} = ?"
        try:
            self.execute(sql, [identifier])
        except sqlite3.IntegrityError as error:
            raise self.integrity_error(error) from None

    def unlink(self, field: Any, pk: Any) -> None:
        self.links[field.name].unlink(self.execute, pk)
