"""``PythonListDataStore``: a list of dicts is the storage.

The caller's list object is the data: creates append to it, deletes remove from
it. A pk index makes ``get`` a dict lookup, and one re-entrant lock per store
serialises writes (and read-check-write sequences) so that concurrent requests
in one process never corrupt the list or hand out the same pk twice. The state
lives in this process only: use another store for data that several workers share.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from ..exceptions import Conflict
from .base import DataStore
from .query import Condition, Ordering, matches, sort_rows


class PythonListDataStore(DataStore):
    """Serve a Python list of dicts: ``PythonListDataStore([{"id": 1, "name": "bob"}], Model)``."""

    def __init__(
        self, ressource_config: list[dict[str, Any]], model: Any = None, *, validators: Any = (), partial: Any = None
    ) -> None:
        super().__init__(ressource_config, model, validators=validators, partial=partial)
        self.data = ressource_config
        self.lock = threading.RLock()
        pk_name = self.model.pk_field.name
        self.index: dict[Any, dict[str, Any]] = {row[pk_name]: row for row in self.data if pk_name in row}
        integer_pks = [pk for pk in self.index if isinstance(pk, int) and not isinstance(pk, bool)]
        self.next_pk = max(integer_pks, default=0) + 1

    @contextlib.contextmanager
    def atomic(self, operation: str | None = None) -> Iterator[None]:
        with self.lock:
            yield

    def get(self, identifier: Any) -> dict[str, Any]:
        row = self.index.get(identifier)
        if row is None:
            raise self.not_found(identifier)
        return dict(row)

    def _matching(self, conditions: list[Condition]) -> list[dict[str, Any]]:
        with self.lock:
            rows = list(self.data)
        return [row for row in rows if all(matches(row, condition) for condition in conditions)]

    def fetch(self, conditions: list[Condition], ordering: list[Ordering], offset: int, count: int | None) -> list[dict[str, Any]]:
        rows = self._matching(conditions)
        sort_rows(rows, ordering)
        end = None if count is None else offset + count
        return [dict(row) for row in rows[offset:end]]

    def count_matching(self, conditions: list[Condition]) -> int:
        return len(self._matching(conditions))

    def insert(self, data: dict[str, Any]) -> Any:
        pk_name = self.model.pk_field.name
        with self.lock:
            row = dict(data)
            if self.model.pk_field.base_type == "integer":
                row[pk_name] = self.next_pk
                self.next_pk += 1
            elif row[pk_name] in self.index:
                raise Conflict(
                    f"A ressource with {pk_name}={row[pk_name]!r} already exists.",
                    fields={pk_name: "Already taken."},
                )
            self.data.append(row)
            self.index[row[pk_name]] = row
            return row[pk_name]

    def save(self, identifier: Any, changes: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            row = self.index[identifier]
            row.update(changes)
            return dict(row)

    def remove(self, identifier: Any) -> None:
        with self.lock:
            row = self.index.pop(identifier)
            for position, candidate in enumerate(self.data):
                if candidate is row:
                    del self.data[position]
                    break
