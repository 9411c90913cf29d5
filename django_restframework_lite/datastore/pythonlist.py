"""``PythonListDataStore``: a list of dicts is the storage.

The caller's list object is the data: creates append to it, deletes remove from
it, and changes made to the list directly (``rows.clear()``, ``rows.append()``,
``del rows[3]``, ``rows[3] = ...``) are seen at once. A pk index makes ``get``
(and filters on the pk) a dict lookup; it remembers where each row sits and is
rebuilt whenever the list no longer holds that row there or changed length, so
it never answers for a row the list lost. (A row replaced in place by one with
another pk is found once the list's length changes, or after ``reindex()``.) One re-entrant lock
per store serialises writes (and read-check-write sequences) so that concurrent
requests in one process never corrupt the list or hand out the same pk twice.
The state lives in this process only: use another store for data that several
workers share.

Objects go out with the model's fields only, as the SQL stores select only
their columns: a row's other members (an ``id`` in a list of string-pk rows)
never reach a client.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from ..exceptions import Conflict
from ..models import FieldError
from .base import DataStore
from .query import Condition, Filter, Ordering, matches, sort_rows


class PythonListDataStore(DataStore):
    """Serve a Python list of dicts: ``PythonListDataStore([{"id": 1, "name": "bob"}], Model)``."""

    def __init__(
        self, ressource_config: list[dict[str, Any]], model: Any = None, *, validators: Any = (), partial: Any = None
    ) -> None:
        super().__init__(ressource_config, model, validators=validators, partial=partial)
        self.data = ressource_config
        self.lock = threading.RLock()
        self.pk_name = self.model.pk_field.name
        self.names = tuple(self.model.get_fields_name())
        self.index: dict[Any, tuple[int, dict[str, Any]]] = {}
        self.indexed_length = 0
        self.next_pk = 1
        # JSON documents and lists of links are mutable: a caller gets copies, never the stored objects.
        self.nested = [field.name for field in self.model.get_fields() if field.base_type in {"json", "list"}]
        self.reindex()

    def reindex(self) -> None:
        """Index the list as it is now: pk -> (position, row)."""
        pk_name = self.pk_name
        with self.lock:
            self.index = {row[pk_name]: (position, row) for position, row in enumerate(self.data) if pk_name in row}
            self.indexed_length = len(self.data)
            integer_pks = [pk for pk in self.index if isinstance(pk, int) and not isinstance(pk, bool)]
            # Never hand out a pk twice, even after the list was emptied: old URIs must not find new objects.
            self.next_pk = max(self.next_pk, max(integer_pks, default=0) + 1)

    def find(self, identifier: Any) -> dict[str, Any] | None:
        """Return the list's own row of ``identifier`` (not a copy), or None."""
        data = self.data
        for _attempt in range(2):
            entry = self.index.get(identifier)
            if entry is not None:
                position, row = entry
                if position < len(data) and data[position] is row and row.get(self.pk_name) == identifier:
                    return row
            elif len(data) == self.indexed_length:
                return None  # no row was added or removed behind the index: there is none
            if _attempt == 0:
                self.reindex()  # the list changed behind the index
        return None

    def out(self, row: dict[str, Any]) -> dict[str, Any]:
        """Return the object a client sees: the model's fields of ``row``, a copy (nested values too)."""
        return self.copy_nested({name: row[name] for name in self.names if name in row})

    def copy_nested(self, row: dict[str, Any]) -> dict[str, Any]:
        """Return ``row`` with its JSON documents and lists of links copied, so no caller shares them."""
        for name in self.nested:
            if isinstance(row.get(name), (dict, list)):
                row[name] = copy.deepcopy(row[name])
        return row

    @contextlib.contextmanager
    def atomic(self, operation: str | None = None) -> Iterator[None]:
        with self.lock:
            yield

    def get(self, identifier: Any) -> dict[str, Any]:
        try:
            row = self.find(self.model.pk_field.to_query_value(identifier))
        except (FieldError, TypeError):  # an identifier no pk can be names no row
            row = None
        if row is None:
            raise self.not_found(identifier)
        return self.out(row)

    def _matching(self, conditions: Sequence[Filter]) -> list[dict[str, Any]]:
        with self.lock:
            rows = self._candidates(conditions)
        return [row for row in rows if all(matches(row, condition) for condition in conditions)]

    def _candidates(self, conditions: Sequence[Filter]) -> list[dict[str, Any]]:
        """Return the rows worth testing: those the pk index names when a condition fixes the pk, else all."""
        for condition in conditions:
            if isinstance(condition, Condition) and condition.field is self.model.pk_field and condition.lookup in (
                "exact",
                "in",
            ):
                values = condition.value if condition.lookup == "in" else (condition.value,)
                found = []
                for value in dict.fromkeys(values):
                    row = self.find(value)
                    if row is not None:
                        found.append(row)
                return found
        return list(self.data)

    def fetch(self, conditions: Sequence[Filter], ordering: list[Ordering], offset: int, count: int | None) -> list[dict[str, Any]]:
        rows = self._matching(conditions)
        sort_rows(rows, ordering)
        end = None if count is None else offset + count
        return [self.out(row) for row in rows[offset:end]]

    def count_matching(self, conditions: Sequence[Filter]) -> int:
        return len(self._matching(conditions))

    def insert(self, data: dict[str, Any]) -> Any:
        pk_name = self.pk_name
        with self.lock:
            row = self.copy_nested(dict(data))
            pk = self.model.pk_field
            if pk.base_type == "integer" and pk.assigned_by_store:
                if self.indexed_length != len(self.data):
                    self.reindex()  # rows added to the list directly hold pks too
                row[pk_name] = self.next_pk
                self.next_pk += 1
            elif pk.assigned_by_store:
                row[pk_name] = str(uuid.uuid4())
            elif self.find(row[pk_name]) is not None:
                raise Conflict(
                    f"A ressource with {pk_name}={row[pk_name]!r} already exists.",
                    fields={pk_name: "Already taken."},
                )
            self.data.append(row)
            self.index[row[pk_name]] = (len(self.data) - 1, row)
            self.indexed_length = len(self.data)
            return row[pk_name]

    def save(self, identifier: Any, changes: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            row = self.find(identifier)
            if row is None:
                raise self.not_found(identifier)
            row.update(self.copy_nested(dict(changes)))
            return self.out(row)

    def remove(self, identifier: Any) -> None:
        with self.lock:
            row = self.find(identifier)
            if row is None:
                raise self.not_found(identifier)
            for position, candidate in enumerate(self.data):
                if candidate is row:
                    del self.data[position]
                    break
            self.reindex()  # the rows after it moved

    def unlink(self, field: Any, pk: Any) -> None:
        with self.lock:
            for row in self.data:
                linked = row.get(field.name)
                if linked and pk in linked:
                    row[field.name] = [value for value in linked if value != pk]
