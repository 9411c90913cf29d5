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
references the row (``references.py`` holds those checks, and the unlinking of
a deleted row from many-to-many lists).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured

from ..exceptions import BadRequest, NotFound
from ..models import Field, Model
from ..models.base import invalid_message
from .query import (
    ORDER_BY_KEY,
    Condition,
    Filter,
    Ordering,
    QueryRules,
    check_slice,
    fold_case,
    matches,
    parse_condition,
    parse_filters,
    parse_ordering,
    parse_scope,
)
from .query import convert_filter_value as _convert_filter_value
from .references import References
from .validators import ValidatorCall, validator_call

__all__ = ["ORDER_BY_KEY", "TOTALS", "Condition", "DataStore", "Estimate", "Ordering", "QueryRules", "fold_case"]

Scope = Sequence[Filter]

#: What ``DataStore.page(total=...)`` takes: count every match, count nothing, or ask the database's estimate.
TOTALS = ("exact", "none", "estimated")


class Estimate(int):
    """A number of matching rows that the database estimated, not counted (``page(total="estimated")``)."""

    __slots__ = ()


class DataStore(References):
    """Base class of the datastores: ``DataStore(ressource_config, model, *, validators=(), partial=None)``.

    ``ressource_config`` says where the data lives (its form is the store's own),
    ``model`` is a ``Model`` class or instance. The keyword parameters are the
    ressource options (``ressource["options"]``): ``validators`` (e.g.
    ``[UniqueTogether("first_name", "last_name")]``) and ``partial`` (read by the
    controller). A store with options of its own declares them as keyword
    parameters of its constructor, so that an unknown option is an error.
    """

    #: True for a store of the Django ORM: a standalone ``WSGIDispatcher`` then sets up a database.
    requires_database: bool = False

    #: Whether the store keeps uploaded files (the ORM store, through Django's storage). Elsewhere a
    #: ``FileField`` is read-only: its value is the server's (``before_write``), never a client's.
    accepts_uploads: bool = False

    def __init__(
        self,
        ressource_config: Any,
        model: type[Model] | Model | None = None,
        *,
        validators: Sequence[Any] = (),
        partial: Any = None,
    ) -> None:
        self.ressource_config = ressource_config
        if model is None:
            model = self.derive_model()
        self.model: Model = model() if isinstance(model, type) else model
        if not self.accepts_uploads and self.model.file_fields:
            self.model = self.model.with_read_only(field.name for field in self.model.file_fields)
        self.validators: list[Any] = list(validators or [])
        self.validator_calls: list[ValidatorCall] = [self.prepare_validator(v) for v in self.validators]
        # ``partial`` is a ressource option the controller reads (``Partial()``); a store has no use for it.
        self.ressource_name: str | None = None
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
        unknown: list[str] = list(cast(Iterable[str], unknown_fields(self.model))) if callable(unknown_fields) else []
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
        conditions = [Condition(self.model.field(name), "exact", value) for name, value in values.items()]
        return self.fetch(conditions, [Ordering(self.model.pk_field)], 0, limit)

    # Query parsing ----------------------------------------------------------------------

    def parse_filters(
        self, filters: Mapping[str, Any], rules: QueryRules | None = None
    ) -> tuple[list[Condition], list[Ordering]]:
        """Turn ``{"age__gte": "5", "order_by": "-age"}`` into conditions and an ordering (see ``query``)."""
        return parse_filters(self.model, filters, rules)

    def parse_condition(self, key: str, value: Any) -> Condition:
        return parse_condition(self.model, key, value)

    def convert_filter_value(self, field: Field, lookup: str, value: Any) -> Any:
        return _convert_filter_value(field, lookup, value)

    def parse_ordering(self, value: Any) -> list[Ordering]:
        return parse_ordering(self.model, value)

    def parse_scope(self, scope: Mapping[str, Any]) -> list[Filter]:
        """Turn a request's scope (``{"owner": 3}``) into the conditions every read and write obeys."""
        return parse_scope(self.model, scope)

    def check_scope(self, row: Mapping[str, Any], scope: Scope) -> None:
        """Refuse a write whose resulting ``row`` would fall outside ``scope``: a 400 naming the field."""
        for condition in scope:
            if not matches(row, condition):
                first = condition
                while not isinstance(first, Condition):  # a group of conditions: name its first field
                    first = first.conditions[0]
                name = first.name
                raise BadRequest(
                    invalid_message(name), fields={name: "This value is outside the ressources you may write."}
                )

    # The public API ---------------------------------------------------------------------

    def get_list(self, offset: int | None = None, count: int | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Return the matching objects, ordered, from ``offset`` for at most ``count``."""
        conditions, ordering = self.parse_filters(filters)
        check_slice(offset, count)
        return self.fetch(conditions, ordering, offset or 0, count)

    def page(
        self,
        filters: Mapping[str, Any],
        offset: int = 0,
        count: int | None = None,
        *,
        rules: QueryRules | None = None,
        scope: Sequence[Filter] = (),
        ordering: Sequence[Ordering] | None = None,
        total: str = "exact",
        columns: Collection[str] | None = None,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """Return one page of the matching objects and how many match across all pages.

        The filters are parsed once for both, under ``rules`` (what the client may
        filter and order on); ``scope`` holds conditions every row must meet besides
        (the request's scope, relation filters, a cursor's position). ``ordering``,
        when given, replaces the filters' ``order_by`` (the pk still breaks ties). A
        short page already holds every match after ``offset``, so its total needs no
        ``COUNT`` query; without a ``count`` every match is returned.

        ``total`` says what the second value is: ``"exact"`` the count;
        ``"none"`` None, and the page is the only query; ``"estimated"`` the
        database's estimate as an ``Estimate`` (never below the rows the page
        proves to exist) where the store has one (``estimate_matching``), else the count.

        ``columns`` names the fields the caller will read (``?fields=``): a store
        may select only those, with the pk and the ordering's fields (``fetch_some``).
        """
        parsed_conditions, parsed = self.parse_filters(filters, rules)
        conditions: list[Filter] = [*parsed_conditions, *scope]
        if ordering is not None:
            pk = self.model.pk_field
            parsed = [*ordering]
            if not any(order.field is pk and order.expression is None for order in parsed):
                parsed.append(Ordering(pk))
        check_slice(offset, count)
        rows = self.fetch(conditions, parsed, offset, count) if columns is None else self.fetch_some(
            conditions, parsed, offset, count, columns)
        if total == "none":
            return rows, None
        found = len(rows)
        if count is None or found < count and (found or not offset):
            return rows, offset + found
        if total == "estimated":
            estimate = self.estimate_matching(conditions)
            if estimate is not None:
                return rows, Estimate(max(estimate, offset + found))
        return rows, self.count_matching(conditions)

    def count(self, **filters: Any) -> int:
        """Return how many objects match the filters, across all pages."""
        filters.pop(ORDER_BY_KEY, None)
        conditions, _ = self.parse_filters(filters)
        return self.count_matching(conditions)

    @property
    def never_null(self) -> frozenset[str]:
        """Return the fields this store never holds NULL in (the pk; a SQL store adds its NOT NULL columns).

        A cursor's keyset condition leaves out the NULL branches of these fields,
        which keeps it a condition that an index serves.
        """
        return frozenset({self.model.pk_field.name})

    def estimate_matching(self, conditions: Sequence[Filter]) -> int | None:
        """Return the database's own estimate of how many rows meet ``conditions``, or None when it has none.

        Only a store whose database keeps statistics answers (the ORM store on
        PostgreSQL: the planner's estimate); ``page(total="estimated")`` counts otherwise.
        """
        return None

    def get_within(self, identifier: Any, scope: Scope = ()) -> dict[str, Any]:
        """Return the object, or raise ``NotFound`` when it does not exist or lies outside ``scope``."""
        row = self.get(identifier)
        if scope and not self.in_scope(row, scope):
            raise self.not_found(identifier)
        return row

    def values_matching(self, conditions: Sequence[Filter], column: str) -> Any:
        """Return the distinct non-null ``column`` values of the rows meeting ``conditions`` (one query).

        Relation filters use it: ``?address__city=Paris`` becomes ``address in
        (the pks of the addresses in Paris)``. The ORM store answers a lazy query
        that another ORM store embeds as a subquery.
        """
        rows = self.fetch(list(conditions), [], 0, None)
        return tuple(dict.fromkeys(row[column] for row in rows if row.get(column) is not None))

    @staticmethod
    def in_scope(row: Mapping[str, Any], scope: Scope) -> bool:
        """Tell whether ``row`` meets every condition of ``scope``."""
        return all(matches(row, condition) for condition in scope)

    def create(self, data: Any, *, scope: Scope = ()) -> Any:
        """Validate ``data``, store it and return the new pk; on failure nothing is stored.

        ``validate()`` runs inside ``atomic()``, so that the validators' checks and the
        insert are one unit: two creates cannot both pass ``UniqueTogether``. A row
        that would fall outside ``scope`` is refused (400 naming the field).
        """
        with self.atomic(operation="write"):
            cleaned = self.validate(data)
            self.check_scope(cleaned, scope)
            self.check_foreign_keys(cleaned)
            return self.insert(cleaned)

    def create_and_get(self, data: Any, *, scope: Scope = ()) -> tuple[Any, dict[str, Any]]:
        """Create as ``create()`` does and return the new pk and the object as stored (what ``get`` returns).

        A store that gets the stored row back from the write itself (``INSERT …
        RETURNING``) overrides it and saves the read.
        """
        pk = self.create(data, scope=scope)
        return pk, self.get(pk)

    def update(self, obj: dict[str, Any], data: Any, *, scope: Scope = (), locked: bool = False) -> dict[str, Any]:
        """Change the given fields of ``obj`` and return the updated dict; only those fields change.

        A change that would move the row outside ``scope`` is refused (400 naming the field).
        ``locked=True`` says that ``obj`` was just read by ``get_for_update`` inside
        the caller's ``atomic()`` (as the controller does): it is not read again.
        """
        pk = obj[self.model.pk_field.name]
        changes = self.validate_fields(data, obj)
        if locked:
            return self.write_changes(obj, changes, scope)
        with self.atomic(operation="write"):
            return self.write_changes(self.get_for_update(pk), changes, scope)

    def update_unlocked(self, identifier: Any, scope: Scope, check: Callable[[dict[str, Any]], Any]) -> dict[str, Any] | None:
        """Update without a lock where the write itself can refuse a row changed since it was read (compare-and-set):
        ``check(current)`` runs the caller's checks on the row read within ``scope`` (else 404) and returns the data
        to write. Return the updated dict, or None: the caller takes the locking path (here, always)."""
        return None

    def write_changes(self, current: dict[str, Any], changes: dict[str, Any], scope: Scope) -> dict[str, Any]:
        """Check and store validated ``changes`` of the locked row ``current``; return the updated dict."""
        if not changes:
            return current
        pk = current[self.model.pk_field.name]
        merged = {**current, **changes}
        self.check_scope(merged, scope)
        self.run_validators(merged, pk)
        self.check_foreign_keys(changes)
        return self.save(pk, changes)

    def delete(self, identifier: Any) -> None:
        """Remove the object, or raise ``NotFound``; a referenced object is a ``Conflict``."""
        with self.atomic(operation="delete"):
            row = self.get_for_update(identifier)
            self.check_not_referenced(row)
            self.remove(identifier)
            self.unlink_everywhere(row)

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

    def fetch(self, conditions: Sequence[Filter], ordering: list[Ordering], offset: int, count: int | None) -> list[dict[str, Any]]:
        """Return the rows matching every condition, ordered, sliced."""
        raise NotImplementedError(f"{type(self).__name__} must implement fetch()")

    def fetch_some(self, conditions: Sequence[Filter], ordering: list[Ordering], offset: int, count: int | None,
                   columns: Collection[str]) -> list[dict[str, Any]]:
        """Return what ``fetch`` returns; a store that can select fewer columns returns at least ``columns``,
        the pk and the ordering's fields of each row."""
        return self.fetch(conditions, ordering, offset, count)

    def count_matching(self, conditions: Sequence[Filter]) -> int:
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

    def unlink(self, field: Any, pk: Any) -> None:
        """Take ``pk`` out of the many-to-many ``field``'s lists: the object it names was deleted."""
        raise NotImplementedError(f"{type(self).__name__} must implement unlink()")
