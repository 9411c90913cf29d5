"""Ressource-level validators: rules about a whole row against the rest of the store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions import BadRequest

if TYPE_CHECKING:
    from .base import DataStore


class Validator:
    """Base class: ``validate(store, row, pk)`` raises ``BadRequest`` when ``row`` may not be stored.

    ``row`` is the full row as it would be stored; ``pk`` is the row's own pk on
    update (None on create), so a row never conflicts with itself.
    """

    def validate(self, store: DataStore, row: dict[str, Any], pk: Any = None) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement validate()")


class UniqueTogether(Validator):
    """Refuse two rows with the same values for all of ``names``: ``UniqueTogether("first_name", "last_name")``."""

    def __init__(self, *names: str) -> None:
        if not names:
            raise TypeError("UniqueTogether needs at least one field name.")
        self.names = names

    def __repr__(self) -> str:
        return f"UniqueTogether({', '.join(map(repr, self.names))})"

    def validate(self, store: DataStore, row: dict[str, Any], pk: Any = None) -> None:
        from .query import Condition

        conditions = []
        for name in self.names:
            field = store.model.get_field(name)
            if field is None:
                raise TypeError(f"{self!r}: {name!r} is not a field of {store!r}.")
            conditions.append(Condition(field, "exact", row.get(name)))
        pk_name = store.model.pk_field.name
        ordering = store.parse_filters({})[1]
        for other in store.fetch(conditions, ordering, 0, 2):
            if other[pk_name] != pk:
                message = f"{','.join(self.names)} must be unique together"
                raise BadRequest(message, fields={name: message for name in self.names})
