"""``DataStore``: the shared logic of every datastore, and the hooks each store implements.

The base class owns everything that must behave identically on every store:
body validation (through the ``Model``), parsing of filters and ordering into
``Condition`` objects with values converted to the field's type, ressource-level
validators (``UniqueTogether``), foreign-key checks against sibling stores, and
the order of steps in a write. A store only translates conditions into its own
query language and moves dicts in and out of its storage.

Sibling stores: ``include()`` binds every store of one API to a registry keyed by
ressource name, so that ``foreign={"table": "address"}`` finds the ``address``
store whatever kind it is, and a delete can tell whether another store still
references the row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..exceptions import BadRequest, Conflict, NotFound
from ..models import Field, FieldError, Model
from ..models.base import invalid_message
from .validators import ValidatorCall, validator_call

ORDER_BY_KEY = "order_by"


def fold_case(value: Any) -> Any:
    """Fold a string for case-insensitive matching, the same way on every store (Python's ``str.lower``).

    SQLite's own ``lower()`` folds ASCII only; the SQLite and ORM stores call this
    function from SQL so that ``icontains`` matches what the list store matches.
    """
    return value.lower() if isinstance(value, str) else value


@dataclass(frozen=True)
class Condition:
    """One filter: ``field <lookup> value``, the value already of the field's type.

    ``exact`` with ``None`` means IS NULL; ``in`` holds a tuple; ``isnull`` a bool.
    """

    field: Field
    lookup: str
    value: Any

    @property
    def name(self) -> str:
        return self.field.name


@dataclass(frozen=True)
class Ordering:
    field: Field
    descending: bool = False

    @property
    def name(self) -> str:
        return self.field.name


class DataStore:
    """Base class of the datastores: ``DataStore(ressource_config, model, **options)``.

    ``ressource_config`` says where the data lives (its form is the store's own),
    ``model`` is a ``Model`` class or instance, and ``options`` are the ressource
    options: ``validators`` (e.g. ``[UniqueTogether("first_name", "last_name")]``)
    and ``partial``.
    """

    #: True for a store of the Django ORM: a standalone ``WSGIDispatcher`` then sets up a database.
    requires_database: bool = False

    def __init__(self, ressource_config: Any, model: type[Model] | Model | None = None, **options: Any) -> None:
        self.ressource_config = ressource_config
        if model is None:
            model = self.derive_model()
        self.model: Model = model() if isinstance(model, type) else model
        self.options = options
        self.validators: list[Any] = list(options.get("validators") or [])
        self.validator_calls: list[ValidatorCall] = [self.prepare_validator(v) for v in self.validators]
        self.partial = options.get("partial")
        self.ressource_name: str | None = options.get("ressource_name")
        self.registry: dict[str, DataStore] = {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.ressource_name or ''} {self.model!r}>"

    def bind(self, registry: dict[str, DataStore], ressource_name: str | None = None) -> None:
        """Join the stores of one API, so foreign keys can be checked across them."""
        self.registry = registry
        if ressource_name is not None:
            self.ressource_name = ressource_name

    def prepare_validator(self, validator: Any) -> ValidatorCall:
        """Decide how ``validator`` is called; one this store cannot call, or naming no field of its model, is refused."""
        try:
            call = validator_call(validator)
        except TypeError as error:
            raise ImproperlyConfigured(f"validators: {error}") from None
        unknown_fields = getattr(validator, "unknown_fields", None)
        unknown = unknown_fields(self.model) if callable(unknown_fields) else []
        if unknown:
            raise ImproperlyConfigured(
                f"validators: {validator!r} names {', '.join(map(repr, unknown))}, not a field of "
                f"{type(self.model).__name__} (its fields: {', '.join(self.model.get_fields_name())})."
            )
        return call

    def derive_model(self) -> Model:
        raise TypeError(f"{type(self).__name__} needs a model: pass one or set ressource['model'].")

    # Validation -------------------------------------------------------------------------

    def validate(self, data: Any) -> dict[str, Any]:
        """Validate a whole body for a create, as the seed did: its fields, then the ressource validators.

        Return the row as it would be stored; raise ``BadRequest`` naming each bad
        field, or the validator's message (``"first_name,last_name must be unique together"``).
        """
        cleaned = self.model.validate(data)
        self.run_validators(cleaned)
        return cleaned

    def validate_fields(self, data: Any, current: dict[str, Any] | None = None) -> dict[str, Any]:
        """Validate only the given fields, for an update; raise ``BadRequest``."""
        return self.model.validate_fields(data, current)

    def run_validators(self, data: dict[str, Any], pk: Any = None) -> None:
        """Run the ressource-level validators on the full row ``data`` (``pk`` is its own, on update)."""
        for call in self.validator_calls:
            call(self, data, pk)

    def rows_matching(self, values: dict[str, Any], limit: int) -> list[dict[str, Any]]:
        """Return at most ``limit`` rows, by pk, whose fields equal ``values`` (already of the fields' types)."""
        conditions = [Condition(self.model.get_field(name), "exact", value) for name, value in values.items()]
        return self.fetch(conditions, [Ordering(self.model.pk_field)], 0, limit)

    def check_foreign_keys(self, data: dict[str, Any]) -> None:
        """Refuse a reference to a row that does not exist, with ``"<field> does not validate"``."""
        for field in self.model.foreign_keys:
            value = data.get(field.name)
            if value is None or field.name not in data:
                continue
            if not self.foreign_row_exists(field, value):
                raise BadRequest(
                    invalid_message(field.name),
                    fields={field.name: f"No {field.foreign['table']} matches {value!r}."},
                )

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
        return target.count(**{column: value}) > 0

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

    # Query parsing ----------------------------------------------------------------------

    def parse_filters(self, filters: dict[str, Any]) -> tuple[list[Condition], list[Ordering]]:
        """Turn ``{"age__gte": "5", "order_by": "-age"}`` into conditions and an ordering.

        Every unknown field, unknown lookup or unconvertible value is a ``BadRequest``
        naming it. The ordering always ends with the pk, so that slices are stable.
        """
        conditions: list[Condition] = []
        ordering: list[Ordering] = []
        for key, value in filters.items():
            if key == ORDER_BY_KEY:
                ordering = self.parse_ordering(value)
                continue
            conditions.append(self.parse_condition(key, value))
        pk = self.model.pk_field
        if not any(order.field is pk for order in ordering):
            ordering.append(Ordering(pk))
        return conditions, ordering

    def parse_condition(self, key: str, value: Any) -> Condition:
        name, _, lookup = key.partition("__")
        lookup = lookup or "exact"
        field = self.model.get_field(name)
        if field is None:
            raise BadRequest(f"Cannot filter on {name}: it is not a field of this ressource.", fields={key: "Unknown field."})
        if lookup not in field.lookups:
            allowed = ", ".join(sorted(field.lookups))
            raise BadRequest(
                f"Unknown lookup {lookup!r} for {name}; use one of: {allowed}.",
                fields={key: f"Unknown lookup {lookup!r}."},
            )
        try:
            return Condition(field, lookup, self.convert_filter_value(field, lookup, value))
        except FieldError as error:
            raise BadRequest(f"Invalid value for the filter {key}: {error}", fields={key: str(error)}) from None

    def convert_filter_value(self, field: Field, lookup: str, value: Any) -> Any:
        if lookup == "isnull":
            if isinstance(value, bool):
                return value
            if isinstance(value, str):
                from ..models.fields import parse_bool_text

                return parse_bool_text(value)
            raise FieldError("isnull takes true or false.")
        if lookup == "in":
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(field.to_query_value(item) for item in items)
        if value is None and lookup == "exact":
            return None
        return field.to_query_value(value)

    def parse_ordering(self, value: Any) -> list[Ordering]:
        names = value.split(",") if isinstance(value, str) else list(value)
        ordering = []
        for raw in names:
            raw = raw.strip()
            if not raw:
                continue
            descending = raw.startswith("-")
            name = raw.lstrip("-+")
            field = self.model.get_field(name)
            if field is None:
                raise BadRequest(f"Cannot order by {name}: it is not a field of this ressource.", fields={ORDER_BY_KEY: f"Unknown field {name!r}."})
            ordering.append(Ordering(field, descending))
        return ordering

    # The public API ---------------------------------------------------------------------

    def get_list(self, offset: int | None = None, count: int | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Return the matching objects, ordered, from ``offset`` for at most ``count``."""
        conditions, ordering = self.parse_filters(filters)
        check_slice(offset, count)
        return self.fetch(conditions, ordering, offset or 0, count)

    def page(self, filters: dict[str, Any], offset: int, count: int) -> tuple[list[dict[str, Any]], int]:
        """Return one page of the matching objects and how many match across all pages.

        The filters are parsed once for both. A short page already holds every
        match after ``offset``, so its total needs no ``COUNT`` query.
        """
        conditions, ordering = self.parse_filters(filters)
        check_slice(offset, count)
        rows = self.fetch(conditions, ordering, offset, count)
        found = len(rows)
        if found < count and (found or not offset):
            return rows, offset + found
        return rows, self.count_matching(conditions)

    def count(self, **filters: Any) -> int:
        """Return how many objects match the filters, across all pages."""
        filters.pop(ORDER_BY_KEY, None)
        conditions, _ = self.parse_filters(filters)
        return self.count_matching(conditions)

    def create(self, data: Any) -> Any:
        """Validate ``data``, store it and return the new pk; on failure nothing is stored.

        ``validate()`` runs inside ``atomic()``, so that the validators' checks and the
        insert are one unit: two creates cannot both pass ``UniqueTogether``.
        """
        with self.atomic(operation="write"):
            cleaned = self.validate(data)
            self.check_foreign_keys(cleaned)
            return self.insert(cleaned)

    def update(self, obj: dict[str, Any], data: Any) -> dict[str, Any]:
        """Change the given fields of ``obj`` and return the updated dict; only those fields change."""
        pk = obj[self.model.pk_field.name]
        changes = self.validate_fields(data, obj)
        with self.atomic(operation="write"):
            current = self.get_for_update(pk)
            if not changes:
                return current
            self.run_validators({**current, **changes}, pk)
            self.check_foreign_keys(changes)
            return self.save(pk, changes)

    def delete(self, identifier: Any) -> None:
        """Remove the object, or raise ``NotFound``; a referenced object is a ``Conflict``."""
        with self.atomic(operation="delete"):
            self.check_not_referenced(self.get_for_update(identifier))
            self.remove(identifier)

    @contextlib.contextmanager
    def atomic(self, operation: str | None = None) -> Iterator[None]:
        """Run a read-check-write sequence as one unit; stores override it. Re-entrant.

        ``operation`` (``"write"`` or ``"delete"``) says what the block does, so
        that a store whose database refuses the change only when it commits can
        answer the right error (a delete still referenced is a 409, a bad foreign
        key in a write a 400).
        """
        yield

    def not_found(self, identifier: Any) -> NotFound:
        """Return the 404 of an identifier that names no object: one message on every store."""
        return NotFound(f"No {self.ressource_name or 'ressource'} with {self.model.pk_field.name}={identifier!r}.")

    def get_for_update(self, identifier: Any) -> dict[str, Any]:
        """Return the object and keep it from changing until ``atomic()`` ends."""
        return self.get(identifier)

    # Methods that subclasses must implement ---------------------------------------------

    def get(self, identifier: Any) -> dict[str, Any]:
        """Return the dict for ``identifier`` or raise ``NotFound``."""
        raise NotImplementedError(f"{type(self).__name__} must implement get()")

    def fetch(self, conditions: list[Condition], ordering: list[Ordering], offset: int, count: int | None) -> list[dict[str, Any]]:
        """Return the rows matching every condition, ordered, sliced."""
        raise NotImplementedError(f"{type(self).__name__} must implement fetch()")

    def count_matching(self, conditions: list[Condition]) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement count_matching()")

    def insert(self, data: dict[str, Any]) -> Any:
        """Store an already validated row; return its pk."""
        raise NotImplementedError(f"{type(self).__name__} must implement insert()")

    def save(self, identifier: Any, changes: dict[str, Any]) -> dict[str, Any]:
        """Write already validated changes to an existing row; return the whole row."""
        raise NotImplementedError(f"{type(self).__name__} must implement save()")

    def remove(self, identifier: Any) -> None:
        """Delete an existing row (its existence and references are already checked)."""
        raise NotImplementedError(f"{type(self).__name__} must implement remove()")


def check_slice(offset: int | None, count: int | None) -> None:
    """Refuse a negative offset or count (a caller's mistake: pagination never asks for one)."""
    if offset is not None and offset < 0 or count is not None and count < 0:
        raise BadRequest("offset and count must not be negative.")
