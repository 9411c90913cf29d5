"""Many-to-many links of the SQLite store: one link table per ``ManyToManyField``.

The table ``<table>__<field>`` holds ``(source, target)`` pairs, its primary key
is the pair, and ``source`` references the store's own table with ``ON DELETE
CASCADE`` (a deleted row takes its links with it); ``target`` references the
target table too when it lives in the same file. A page of rows reads its links
in one query per field; a filter on the field is a subquery ("related to").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from ..models.relations import ManyToManyField
from .query import Condition
from .sqlite_columns import column_type, encode
from .sqlite_sql import quote

# Below SQLite's oldest limit on bound parameters (999), so a long page reads its links in few queries.
CHUNK = 900


class LinkTable:
    """The link table of one many-to-many field of one SQLite store."""

    def __init__(self, table: str, pk_name: str, pk_type: str, field: ManyToManyField) -> None:
        self.field = field
        self.owner = table
        self.pk_name = pk_name
        self.pk_type = pk_type
        self.name = f"{table}__{field.name}"
        self.quoted = quote(self.name)

    def create(self, execute: Callable[..., sqlite3.Cursor], target_reference: tuple[str, str] | None) -> None:
        """Create the table when missing; ``target_reference`` is ``(table, column)`` when SQL can check targets."""
        target = f"target {column_type(self.field.items)} NOT NULL"
        if target_reference is not None:
            table, column = target_reference
            target += f" REFERENCES {quote(table)} ({quote(column)}) ON DELETE CASCADE"
        execute(
            f"CREATE TABLE IF NOT EXISTS {self.quoted} ("
            f"source {self.pk_type} NOT NULL REFERENCES {quote(self.owner)} ({quote(self.pk_name)}) ON DELETE CASCADE, "
            f"{target}, PRIMARY KEY (source, target))"
        )

    def read(self, execute: Callable[..., sqlite3.Cursor], pks: list[Any]) -> dict[Any, list[Any]]:
        """Return each pk's linked targets, ascending; one query per ``CHUNK`` pks."""
        links: dict[Any, list[Any]] = {pk: [] for pk in pks}
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            placeholders = ", ".join("?" for _ in chunk)
            sql = f"SELECT source, target FROM {self.quoted} WHERE source IN ({placeholders})"
            for source, target in execute(sql, chunk):
                links[source].append(target)
        key = self.field.items.sort_key
        for targets in links.values():
            targets.sort(key=key)
        return links

    def write(self, execute: Callable[..., sqlite3.Cursor], pk: Any, targets: Iterable[Any]) -> None:
        """Make ``targets`` the links of ``pk``, replacing the ones it had (inside the store's transaction)."""
        execute(f"DELETE FROM {self.quoted} WHERE source = ?", [pk])
        for target in targets:
            execute(f"INSERT INTO {self.quoted} (source, target) VALUES (?, ?)", [pk, encode(self.field.items, target)])

    def unlink(self, execute: Callable[..., sqlite3.Cursor], target: Any) -> None:
        execute(f"DELETE FROM {self.quoted} WHERE target = ?", [encode(self.field.items, target)])

    def condition(self, pk_column: str, condition: Condition) -> tuple[str, list[Any]]:
        """Translate a filter on the field: the rows related to the value(s), or to nothing (``isnull``)."""
        if condition.lookup == "isnull":
            negation = "NOT " if condition.value else ""
            return f"{pk_column} {negation}IN (SELECT source FROM {self.quoted})", []
        values = condition.value if condition.lookup == "in" else (condition.value,)
        if not values:
            return "0", []
        placeholders = ", ".join("?" for _ in values)
        sql = f"{pk_column} IN (SELECT source FROM {self.quoted} WHERE target IN ({placeholders}))"
        return sql, [encode(self.field.items, value) for value in values]
