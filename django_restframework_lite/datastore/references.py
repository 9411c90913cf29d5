"""References between the stores of one API: foreign keys and many-to-many links, checked and undone.

``DataStore`` inherits these methods. They ask the sibling stores (the registry
``include()`` binds, keyed by ressource name) whatever kind each is: a foreign
key or a link must name an existing row of its target; a row still referenced
by a foreign key cannot be deleted (409); a deleted row is taken out of every
many-to-many list that links to it. A store that can check a reference itself
(SQL constraints, Django's relations) overrides the ``*_fallback`` hooks for
targets that are no sibling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..exceptions import BadRequest, Conflict, NotFound
from ..models import Field, FieldError, Model
from ..models.base import invalid_message
from .query import Condition, Filter


class References:
    """The reference checks of a datastore; mixed into ``DataStore``, whose hooks they call."""

    model: Model
    ressource_name: str | None
    registry: dict[str, Any]
    # DataStore's own methods, which these checks call.
    get: Callable[[Any], dict[str, Any]]
    count: Callable[..., int]
    fetch: Callable[[Sequence[Filter], list[Any], int, int | None], list[dict[str, Any]]]
    unlink: Callable[[Any, Any], None]

    def check_foreign_keys(self, data: dict[str, Any]) -> None:
        """Refuse a reference to a row that does not exist, with ``"<field> does not validate"``.

        A many-to-many list is refused whole when one of its pks names no row, before anything is written.
        """
        for field in self.model.foreign_keys:
            value = data.get(field.name)
            if value is None or field.name not in data:
                continue
            if not self.foreign_row_exists(field, value):
                raise BadRequest(
                    invalid_message(field.name),
                    fields={field.name: f"No {field.foreign['table']} matches {value!r}."},
                )
        for many in self.model.many_to_many:
            pks = data.get(many.name)
            if not pks or many.read_only:
                continue
            missing = self.missing_links(many, pks)
            if missing:
                raise BadRequest(
                    invalid_message(many.name),
                    fields={many.name: f"No {many.foreign['table']} matches {', '.join(map(repr, missing))}."},
                )

    def missing_links(self, field: Any, pks: list[Any]) -> list[Any]:
        """Return the pks of a many-to-many list that name no row of the target (one query for them all)."""
        target = self.registry.get(field.foreign["table"])
        if target is None:
            return self.missing_links_fallback(field, pks)
        column = field.foreign.get("column") or target.model.pk_field.name
        found = target.existing_values(column, pks)
        return [pk for pk in pks if pk not in found]

    def missing_links_fallback(self, field: Any, pks: list[Any]) -> list[Any]:
        """Check links whose target is no sibling store; none missing lets the store's own constraint decide."""
        return []

    def existing_values(self, column: str, values: list[Any]) -> set[Any]:
        """Return which of ``values`` some row of this store holds in ``column`` (as this store spells them)."""
        field = self.model.get_field(column)
        if field is None:
            return set()
        try:
            wanted = tuple(field.to_query_value(value) for value in values)
        except FieldError:
            wanted = tuple(value for value in values if self._fits(field, value))
        rows = self.fetch([Condition(field, "in", wanted)], [], 0, None) if wanted else []
        return {row[column] for row in rows}

    @staticmethod
    def _fits(field: Field, value: Any) -> bool:
        try:
            field.to_query_value(value)
        except FieldError:
            return False
        return True

    def unlink_everywhere(self, row: dict[str, Any]) -> None:
        """Remove a deleted row from every many-to-many list of a sibling store that links to it."""
        if self.ressource_name is None:
            return
        for store in self.registry.values():
            for field in store.model.many_to_many:
                if field.foreign["table"] != self.ressource_name:
                    continue
                value = row.get(field.foreign.get("column") or self.model.pk_field.name)
                if value is not None:
                    store.unlink(field, value)

    def foreign_row_exists(self, field: Any, value: Any) -> bool:
        """Tell whether ``value`` names a row of the referenced ressource.

        Sibling stores are asked first; a store that can check otherwise (SQL
        constraints, Django's ForeignKey) overrides ``check_foreign_key_fallback``.
        """
        target = self.registry.get(field.foreign["table"])
        if target is None:
            return self.check_foreign_key_fallback(field, value)
        column = field.foreign.get("column") or target.model.pk_field.name
        if column == target.model.pk_field.name:
            try:
                target.get(value)
            except NotFound:
                return False
            return True
        return bool(target.count(**{column: value}) > 0)

    def check_foreign_key_fallback(self, field: Any, value: Any) -> bool:
        """Check a reference whose table is no sibling store; True lets the store's own constraint decide."""
        return True

    def check_not_referenced(self, row: dict[str, Any]) -> None:
        """Refuse to delete a row that a sibling store still references (409)."""
        if self.ressource_name is None:
            return
        pk_name = self.model.pk_field.name
        for name, store in self.registry.items():
            for field in store.model.foreign_keys:
                if field.foreign["table"] != self.ressource_name:
                    continue
                column = field.foreign.get("column") or pk_name
                if row.get(column) is not None and store.count(**{field.name: row[column]}) > 0:
                    raise Conflict(
                        f"Cannot delete this ressource: {name} still reference it through {field.name}.",
                    )
