"""Many-to-many fields on the ORM store: read for a whole page at once, written in the same transaction.

A page of objects reads the links of one ``ManyToManyField`` with one query on
its ``through`` table, whatever the number of objects (in chunks only when the
database limits bound parameters and the page is longer than that). Writing a
list replaces the links with the related manager's ``set()``, inside the
store's transaction, so Django's ``m2m_changed`` signals fire as usual. A filter
("related to") is a subquery on the ``through`` table, so an object linked to
two of the values is listed once, with no ``DISTINCT``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections, models

from ..exceptions import BadRequest
from ..models.relations import ManyToManyField
from .orm_values import key_reader
from .query import Condition

__all__ = ["ManyToMany"]


class ManyToMany:
    """One Django ``ManyToManyField`` served as an API ``ManyToManyField`` (a list of pks)."""

    def __init__(self, django_field: models.ManyToManyField[Any, Any], api_field: ManyToManyField) -> None:
        self.name = api_field.name
        self.django_field = django_field
        self.api_field = api_field
        self.through: type[models.Model] = django_field.remote_field.through  # type: ignore[assignment]
        source: Any = self.through._meta.get_field(django_field.m2m_field_name())
        target: Any = self.through._meta.get_field(django_field.m2m_reverse_field_name())
        self.source = source.attname
        self.target = target.attname
        # The column of the served model that the through table's source key holds (its pk, almost always).
        self.outer = source.target_field.attname
        self.read_target: Callable[[Any], Any] = key_reader(target.target_field)
        self.related = django_field.related_model
        self.related_key = target.target_field.attname
        self.sort_key = api_field.items.sort_key

    def links(self, alias: str) -> models.QuerySet[Any]:
        return self.through._base_manager.using(alias)

    def read(self, alias: str, keys: list[Any]) -> dict[Any, list[Any]]:
        """Return the linked pks (wire form, ascending) of each of ``keys`` (the served model's raw ``outer`` values)."""
        linked: dict[Any, list[Any]] = {key: [] for key in keys}
        limit = connections[alias].features.max_query_params or len(keys) or 1
        for start in range(0, len(keys), limit):
            chunk = keys[start : start + limit]
            pairs = self.links(alias).filter(**{f"{self.source}__in": chunk}).values_list(self.source, self.target)
            for source, target in pairs:
                linked[source].append(self.read_target(target))
        for targets in linked.values():
            targets.sort(key=self.sort_key)
        return linked

    def write(self, instance: models.Model, pks: list[Any]) -> None:
        """Make ``pks`` the links of ``instance`` (inside the caller's transaction)."""
        getattr(instance, self.django_field.name).set(pks)

    def unlink(self, alias: str, pk: Any) -> None:
        self.links(alias).filter(**{self.target: pk}).delete()

    def missing(self, alias: str, pks: list[Any]) -> list[Any]:
        """Return the pks that name no row of the related model (one query)."""
        found = {
            self.read_target(key)
            for key in self.related._base_manager.using(alias).filter(**{f"{self.related_key}__in": pks})
            .values_list(self.related_key, flat=True)
        }
        return [pk for pk in pks if pk not in found]

    def condition(self, condition: Condition, alias: str) -> models.Q:
        """Translate a filter: the objects related to the value(s), or to nothing (``isnull``)."""
        links = self.links(alias)
        if condition.lookup == "isnull":
            linked = models.Q(**{f"{self.outer}__in": links.values(self.source)})
            return ~linked if condition.value else linked
        if condition.lookup == "exact":
            related = links.filter(**{self.target: condition.value})
        elif condition.lookup == "in":
            related = links.filter(**{f"{self.target}__in": list(condition.value)})
        else:
            raise BadRequest(f"Unknown lookup {condition.lookup!r} for {self.name}.")
        return models.Q(**{f"{self.outer}__in": related.values(self.source)})
