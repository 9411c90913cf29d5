"""``PythonListDataStore``: a list of dicts is the storage.

The caller's list object is the data: creates append to it, deletes remove from
it. A pk index makes ``get`` a dict lookup, and one re-entrant lock per store
serialises writes (and read-check-write sequences) so that concurrent requests
in one process never corrupt the list or hand out the same pk twice. The state
lives in this process only: use another store for data that several workers share.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import uuid
from collections.abc import Iterator
from typing import Any

from ..exceptions import Conflict
from ..models import FieldError
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
        # JSON documents and lists of links are mutable: a caller gets copies, never the stored objects.
        self.nested = [field.name for field in self.model.get_fields() if field.base_type in {"json", "list"}]

    def copy_row(self, row: dict[str, Any]) -> dict[str, Any]:
        copied = dict(row)
        for name in self.nested:
            if isinstance(copied.get(name), (dict, list)):
                copied[name] = copy.deepcopy(copied[name])
        return copied

    @contextlib.contextmanager
    def atomic(self, operation: str | None = None) -> Iterator[None]:
        with self.lock:
            yield

    def get(self, identifier: Any) -> dict[str, Any]:
        try:
            row = self.index.get(self.model.pk_field.to_query_value(identifier))
        except (FieldError, TypeError):
            row = None
        if row is None:
            raise self.not_found(identifier)
        return self.copy_row(row)

    def _matching(self, conditions: list[Condition]) -> list[dict[str, Any]]:
        with self.lock:
            rows = list(self.data)
        return [row for row in rows if all(matches(row, condition) for condition in conditions)]

    def fetch(self, conditions: list[Condition], ordering: list[Ordering], offset: int, count: int | None) -> list[dict[str, Any]]:
        rows = self._matching(conditions)
        sort_rows(rows, ordering)
        end = None if count is None else offset + count
        return [self.copy_row(row) for row in rows[offset:end]]

    def count_matching(self, conditions: list[Condition]) -> int:
        return len(self._matching(conditions))

    def insert(self, data: dict[str, Any]) -> Any:
        pk_name = self.model.pk_field.name
        with self.lock:
            row = self.copy_row(data)
            if self.model.pk_field.base_type == "integer" and self.model.pk_field.assigned_by_store:
                row[pk_name] = self.next_pk
                self.next_pk += 1
            elif self.model.pk_field.assigned_by_store:
                row[pk_name] = str(uuid.uuid4())
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
            row.update(self.copy_row(changes))
            return self.copy_row(row)

    def remove(self, identifier: Any) -> None:
        with self.lock:
            row = self.index.pop(identifier)
            for position, candidate in enumerate(self.data):
                if candidate is row:
                    del self.data[position]
                    break

    def unlink(self, field: Any, pk: Any) -> None:
        with self.lock:
            for row in self.data:
                linked = row.get(field.name)
                if linked and pk in linked:
                    row[field.name] = [value for value in linked if value != pk]
