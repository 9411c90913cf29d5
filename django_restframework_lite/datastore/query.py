"""Queries as every store understands them: conditions, orderings, the rules a client's query obeys.

``parse_filters(model, {"age__gte": "5", "order_by": "-age"})`` turns query
values into ``Condition`` and ``Ordering`` objects whose values already have the
field's type; a store translates those into its own query language. ``matches``
and ``sort_rows`` are the reference semantics in Python: the list store uses
them, and every store uses ``matches`` to tell whether a row it is about to write
stays inside a request's scope.

``QueryRules`` say what a client may filter and order on (the exposed, rendered
fields, narrowed by ``filter_fields`` / ``order_fields``); they are built once per
controller. Calls without rules (a foreign-key check, a validator) may use every field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..exceptions import BadRequest
from ..models import Field, FieldError, Model
from ..models.fields import (
    COMMON_LOOKUPS,
    ORDERED_LOOKUPS,
    TEXT_LOOKUPS,
    ForeignKeyField,
)
from ..models.text import check_text, parse_bool_text, shown

__all__ = [
    "ORDER_BY_KEY",
    "AllOf",
    "AnyOf",
    "Condition",
    "Filter",
    "Ordering",
    "QueryRules",
    "check_slice",
    "fold_case",
    "matches",
    "parse_filters",
    "parse_scope",
    "sort_rows",
]

ORDER_BY_KEY = "order_by"
KNOWN_LOOKUPS = COMMON_LOOKUPS | ORDERED_LOOKUPS | TEXT_LOOKUPS
#: The most values an ``in`` lookup takes: far below what any database binds in one statement.
MAX_IN_VALUES = 1000


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
class AnyOf:
    """Conditions of which a row must meet at least one (``?search=`` over several fields)."""

    conditions: tuple[Filter, ...]


@dataclass(frozen=True)
class AllOf:
    """Conditions a row must all meet: a branch of an ``AnyOf`` (a cursor's "same values so far, then after")."""

    conditions: tuple[Filter, ...]


#: What a datastore's ``fetch`` and ``count_matching`` receive: conditions all rows must meet.
Filter = Condition | AnyOf | AllOf


@dataclass(frozen=True)
class Ordering:
    """One ``order_by`` term.

    Across a relation (``address__city``), ``label`` is the path and the row's
    value comes from the related row: ``expression`` is the ORM store's
    database expression of it; other stores never receive such a term (the
    controller sorts those rows itself, as ``sort_rows`` does, by ``label``).
    """

    field: Field
    descending: bool = False
    label: str | None = None
    expression: Any = None

    @property
    def name(self) -> str:
        return self.label or self.field.name


@dataclass(frozen=True)
class QueryRules:
    """What a client may filter and order on; built once per controller.

    ``filters`` maps each filterable field to its allowed lookups (``"exact"`` is
    the plain ``?name=value``); ``order`` names the fields ``order_by`` takes;
    ``visible`` the fields a client sees at all (any other name is unknown to it).
    """

    filters: Mapping[str, frozenset[str]]
    order: frozenset[str]
    visible: frozenset[str]


# Parsing -------------------------------------------------------------------------------------


def parse_filters(
    model: Model, filters: Mapping[str, Any], rules: QueryRules | None = None
) -> tuple[list[Condition], list[Ordering]]:
    """Turn ``{"age__gte": "5", "order_by": "-age"}`` into conditions and an ordering.

    Every unknown (or, under ``rules``, forbidden) field, lookup or unconvertible
    value is a ``BadRequest`` naming it. The ordering always ends with the pk, so
    that slices are stable.
    """
    conditions: list[Condition] = []
    ordering: list[Ordering] = []
    for key, value in filters.items():
        if key == ORDER_BY_KEY:
            ordering = parse_ordering(model, value, rules)
        else:
            conditions.append(parse_condition(model, key, value, rules))
    pk = model.pk_field
    if not any(order.field is pk for order in ordering):
        ordering.append(Ordering(pk))
    return conditions, ordering


def parse_condition(model: Model, key: str, value: Any, rules: QueryRules | None = None) -> Condition:
    name, _, lookup = key.partition("__")
    lookup = lookup or "exact"
    field = model.get_field(name)
    if isinstance(field, ForeignKeyField) and lookup not in KNOWN_LOOKUPS and name in (rules.visible if rules else {name}):
        raise BadRequest(
            f"Cannot filter on {key}: filtering across {name} is not allowed here.", fields={key: "Not filterable."}
        )
    if field is None or rules is not None and name not in rules.visible:
        raise BadRequest(f"Cannot filter on {name}: it is not a field of this ressource.", fields={key: "Unknown field."})
    lookups = field.lookups
    if rules is not None:
        allowed = rules.filters.get(name)
        if allowed is None:
            raise BadRequest(f"Cannot filter on {name}: filtering on it is not allowed.", fields={key: "Not filterable."})
        lookups = allowed
    if lookup not in lookups:
        raise BadRequest(
            f"Unknown lookup {lookup!r} for {name}; use one of: {', '.join(sorted(lookups))}.",
            fields={key: f"Unknown lookup {lookup!r}."},
        )
    try:
        return Condition(field, lookup, convert_filter_value(field, lookup, value))
    except FieldError as error:
        raise BadRequest(f"Invalid value for the filter {key}: {error}", fields={key: str(error)}) from None


def convert_filter_value(field: Field, lookup: str, value: Any) -> Any:
    """Convert a filter's value (query text or a Python value) to what the condition compares with."""
    if lookup == "isnull":
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return parse_bool_text(value)
        raise FieldError("isnull takes true or false.")
    if lookup == "in":
        items = value.split(",") if isinstance(value, str) else list(value)
        if len(items) > MAX_IN_VALUES:
            raise FieldError(f"in takes at most {MAX_IN_VALUES} values; this one has {len(items)}.")
        return tuple(field.to_query_value(item) for item in items)
    if value is None and lookup == "exact":
        return None
    if lookup in _TEXT_LOOKUPS:
        # A part of a value, not a value: "a@ex" is no e-mail address, and need not be.
        if not isinstance(value, str):
            raise FieldError(f"{lookup} takes text.")
        return check_text(value)
    return field.to_query_value(value)


def parse_ordering(model: Model, value: Any, rules: QueryRules | None = None) -> list[Ordering]:
    """Turn ``"last_name,-id"`` into orderings; an unknown, forbidden or repeated field is a 400 naming ``order_by``.

    A field may appear once: a second mention could change nothing, and refusing
    it keeps every ordering shorter than any database's limit on its terms.
    """
    names = value.split(",") if isinstance(value, str) else list(value)
    ordering = []
    seen: set[str] = set()
    for raw in names:
        raw = raw.strip()
        if not raw:
            continue
        descending = raw.startswith("-")
        name = raw[1:] if raw[0] in "-+" else raw
        if name in seen:
            raise BadRequest(
                f"Cannot order by {shown(name)} twice.", fields={ORDER_BY_KEY: f"{shown(name)} appears more than once."}
            )
        seen.add(name)
        field = model.get_field(name)
        if field is None or rules is not None and name not in rules.visible:
            raise BadRequest(
                f"Cannot order by {name}: it is not a field of this ressource.",
                fields={ORDER_BY_KEY: f"Unknown field {name!r}."},
            )
        if not field.orderable:
            raise BadRequest(
                f"Cannot order by {name}: its values have no order.",
                fields={ORDER_BY_KEY: f"Not orderable: {name!r}."},
            )
        if rules is not None and name not in rules.order:
            raise BadRequest(
                f"Cannot order by {name}: ordering by it is not allowed.",
                fields={ORDER_BY_KEY: f"Not orderable: {name!r}."},
            )
        ordering.append(Ordering(field, descending))
    return ordering


def parse_scope(model: Model, scope: Mapping[str, Any]) -> list[Filter]:
    """Turn a controller's ``scope()`` (``{"owner": 3, "status__in": ["a", "b"]}``) into conditions.

    Any field of the model may confine a request, exposed or not.
    """
    return [parse_condition(model, key, value) for key, value in scope.items()]


# Reference semantics in Python ---------------------------------------------------------------


def _compare(lookup: str, a: Any, b: Any) -> bool:
    if lookup == "gt":
        return bool(a > b)
    if lookup == "gte":
        return bool(a >= b)
    if lookup == "lt":
        return bool(a < b)
    if lookup == "lte":
        return bool(a <= b)
    if lookup == "contains":
        return b in a
    if lookup == "icontains":
        return bool(fold_case(b) in fold_case(a))
    if lookup == "startswith":
        return bool(a.startswith(b))
    raise BadRequest(f"Unknown lookup {lookup!r}.")


def matches(row: Mapping[str, Any], condition: Filter) -> bool:
    """Tell whether one row satisfies one condition, with SQL's treatment of NULL.

    Values compare by their field's ``sort_key`` (``"12.50"`` equals ``"12.5"``,
    ``"PT24H"`` equals ``"P1D"``); a many-to-many field matches the rows
    related to the value (``exact``, ``in``) or related to nothing (``isnull``).
    ``AnyOf`` matches when one of its conditions does, ``AllOf`` when all of them do.
    """
    if isinstance(condition, AnyOf):
        return any(matches(row, alternative) for alternative in condition.conditions)
    if isinstance(condition, AllOf):
        return all(matches(row, part) for part in condition.conditions)
    field = condition.field
    value = row.get(condition.name)
    if field.many:
        return _related(value or (), condition)
    if condition.lookup == "isnull":
        return (value is None) is condition.value
    if condition.lookup == "exact" and condition.value is None:
        return value is None
    if value is None:
        return False
    key = field.sort_key
    if condition.lookup == "exact":
        return bool(key(value) == key(condition.value))
    if condition.lookup == "in":
        wanted = key(value)
        return any(wanted == key(item) for item in condition.value)
    if condition.lookup in _TEXT_LOOKUPS:
        return _compare(condition.lookup, value, condition.value)
    return _compare(condition.lookup, key(value), key(condition.value))


_TEXT_LOOKUPS = frozenset({"contains", "icontains", "startswith"})


def _related(linked: Any, condition: Condition) -> bool:
    if condition.lookup == "isnull":
        return (not linked) is condition.value
    wanted = condition.value if condition.lookup == "in" else (condition.value,)
    return any(pk in linked for pk in wanted)


def sort_rows(rows: list[dict[str, Any]], ordering: list[Ordering]) -> None:
    """Sort in place as SQL would: NULL before every value ascending, after it descending."""
    for order in reversed(ordering):
        name, key = order.name, order.field.sort_key
        rows.sort(
            key=lambda row: (0, 0) if row.get(name) is None else (1, key(row[name])),
            reverse=order.descending,
        )


def check_slice(offset: int | None, count: int | None) -> None:
    """Refuse a negative offset or count (a caller's mistake: pagination never asks for one)."""
    if offset is not None and offset < 0 or count is not None and count < 0:
        raise BadRequest("offset and count must not be negative.")
