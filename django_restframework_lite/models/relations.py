"""``ManyToManyField``: a list of the pks of another ressource's objects, ``[1, 3]``.

The list is kept sorted ascending and without duplicates, so that what a
client reads is the same however the links were made; it is never ``null``
(``[]`` means no link). Filters mean "related to": ``?tags=3`` selects the
objects linked to 3, ``?tags__in=3,4`` those linked to 3 or 4, and
``?tags__isnull=true`` those linked to none. Each store keeps the links its
own way (the list store in the row, the SQLite store in a link table, the ORM
in Django's ``through`` table) and unlinks an object that is deleted.
"""

from __future__ import annotations

from typing import Any

from .fields import COMMON_LOOKUPS, Field, FieldError, IntegerField

__all__ = ["ManyToManyField"]


class ManyToManyField(Field):
    """Links to objects of another ressource: ``ManyToManyField(name="tags", foreign={"table": "tags", "column": "id"})``.

    ``items`` describes one pk of the target (a field class or instance;
    ``IntegerField`` by default, ``StringField`` or ``UUIDField`` for other pks).
    ``allow_empty=False`` refuses an empty list (a Django ``ManyToManyField``
    without ``blank=True``).
    """

    base_type = "list"
    example: Any = []
    lookups = COMMON_LOOKUPS
    orderable = False
    many = True

    def __init__(
        self,
        name: str,
        *,
        foreign: dict[str, str] | None = None,
        items: type[Field] | Field | None = None,
        allow_empty: bool = True,
        **options: Any,
    ) -> None:
        if not foreign or "table" not in foreign:
            raise TypeError(f"ManyToManyField({name!r}) needs foreign={{'table': ..., 'column': ...}}")
        if options.pop("nullable", False):
            raise TypeError(f"ManyToManyField({name!r}) is never null: an empty list means no link.")
        self.foreign = foreign
        self.items: Field = (items or IntegerField)(name) if not isinstance(items, Field) else items
        self.allow_empty = allow_empty
        options.setdefault("default", list)
        super().__init__(name, foreign=foreign, **options)

    def check_type(self, value: Any) -> list[Any]:
        if not isinstance(value, (list, tuple)):
            raise FieldError("Expected a list of pks, such as [1, 3] ([] for none).")
        pks = set()
        for position, item in enumerate(value):
            if item is None:
                raise FieldError(f"Item {position} is null: a link needs a pk.")
            try:
                pks.add(self.items.check_type(item))
            except FieldError as error:
                raise FieldError(f"Item {position}: {error}") from None
        if not pks and not self.allow_empty:
            raise FieldError("This list may not be empty.")
        return sorted(pks, key=self.items.sort_key)

    def check_options(self, value: Any) -> None:
        """A list has no length or range of its own to check (its pks are checked against the target)."""

    def to_query_value(self, value: Any) -> Any:
        """Convert one pk of a filter (``?tags=3``): the filter asks for objects linked to it."""
        return self.items.to_query_value(value)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.items.json_schema(), "uniqueItems": True}
