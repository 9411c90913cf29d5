"""Relations between the endpoints of one ``include()``: filter, order, search and expand across foreign keys.

A foreign key whose ``foreign["table"]`` names a sibling endpoint is a *hop*;
``address__country__name`` is a path of two hops and a field. Paths are
resolved once, when ``include()`` builds the URLs (``resolve_relations``), and
may only name fields the target endpoints show. At request time every hop asks
its target endpoint for the rows *it* would show this request (its scope, its
QuerySet window, its own authentication), so a relation never reveals a row
that the related endpoint hides:

- a relation filter (``?address__city=Paris``) becomes ``address in (...)``:
  one query per hop; between ORM stores of one database, one statement;
- ``order_by=address__city`` sorts in the database between ORM stores, or in
  Python on the matching rows otherwise (one query per hop);
- ``?search=`` ORs case-insensitive ``contains`` over ``search_fields``;
- ``?expand=address`` embeds each related object as its own endpoint renders
  it, in one query per expanded relation per page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from .datastore import DataStore, DjangoModelDataStore
from .datastore.query import AnyOf, Condition, Filter, Ordering, parse_condition, sort_rows
from .exceptions import ApiError, BadRequest
from .models import Field, ForeignKeyField

__all__ = ["Hop", "RelationPath", "Relations", "resolve_relations"]

SEARCH_KEY = "search"
EXPAND_KEY = "expand"


@dataclass(frozen=True)
class Hop:
    """A foreign key to a sibling endpoint: ``field`` (on the source side) refers to ``target``'s ``column``."""

    field: Field
    target: Any  # the sibling Controller
    column: str

    def scope(self, request: HttpRequest) -> list[Filter] | None:
        """Return the conditions of the rows the target shows this request, or None when it shows none."""
        scope: list[Filter] | None = self.target.visible_scope(request)
        return scope


@dataclass(frozen=True)
class RelationPath:
    """``address__country__name``: hops through foreign keys, then a field the last endpoint shows."""

    name: str
    hops: tuple[Hop, ...]
    field: Field

    def condition(self, lookup: str, value: Any, request: HttpRequest, consumer: DataStore, key: str) -> Condition:
        """Return the condition on the consumer's foreign key that filters by the related field (a query per hop)."""
        last = self.hops[-1]
        try:
            condition = parse_condition(last.target.model, f"{self.field.name}__{lookup}", value)
        except BadRequest as error:
            raise BadRequest(error.message.replace(self.field.name, key, 1), fields={key: next(iter(error.fields.values()), "")}) from None
        values = self.hop_values(len(self.hops) - 1, [condition], request)
        return Condition(self.hops[0].field, "in", materialize(values, consumer))

    def hop_values(self, index: int, conditions: list[Filter], request: HttpRequest) -> Any:
        """Return the column values of hop ``index``'s target rows meeting ``conditions``, walking back to hop 0."""
        hop = self.hops[index]
        scope = hop.scope(request)
        if scope is None:
            return ()
        values = hop.target.datastore.values_matching([*conditions, *scope], hop.column)
        if index == 0:
            return values
        previous = self.hops[index - 1].target.datastore
        return self.hop_values(index - 1, [Condition(hop.field, "in", materialize(values, previous))], request)

    def values_for(self, keys: Sequence[Any], request: HttpRequest) -> dict[Any, Any]:
        """Map each first-hop key to the related field's value, or None (one query per hop)."""
        current = {key: key for key in keys if key is not None}
        for position, hop in enumerate(self.hops):
            scope = hop.scope(request)
            wanted = tuple(dict.fromkeys(current.values()))
            if scope is None or not wanted:
                return {}
            store = hop.target.datastore
            column = store.model.get_field(hop.column)
            rows = store.fetch([Condition(column, "in", wanted), *scope], [], 0, None)
            nxt = self.hops[position + 1].field.name if position + 1 < len(self.hops) else self.field.name
            found = {row[hop.column]: row.get(nxt) for row in rows}
            current = {key: found[value] for key, value in current.items() if value in found}
        return current

    def orm_ordering(self, consumer: DataStore, descending: bool, request: HttpRequest) -> Ordering | None:
        """Return an ordering the ORM store computes in the database, or None when a hop is not on the same ORM database."""
        stores = [consumer, *(hop.target.datastore for hop in self.hops)]
        if not all(isinstance(store, DjangoModelDataStore) for store in stores):
            return None
        if len({store.read_db for store in stores}) != 1:
            return None
        inner: Any = self.field.name
        for position in range(len(self.hops) - 1, -1, -1):
            hop = self.hops[position]
            scope = hop.scope(request)
            outer = stores[position]
            # A target that shows nothing to this request: no row meets an empty AnyOf, so the value is NULL.
            conditions = scope if scope is not None else [AnyOf(())]
            inner = hop.target.datastore.related_expression(
                outer.attnames[hop.field.name], hop.column, conditions, inner
            )
        return Ordering(self.field, descending, label=self.name, expression=inner)


def materialize(values: Any, consumer: DataStore) -> Any:
    """Keep an ORM query as a subquery for an ORM consumer on the same database; read it once for any other."""
    if isinstance(values, tuple):
        return values
    if isinstance(consumer, DjangoModelDataStore) and getattr(values, "db", None) == consumer.read_db:
        return values
    return tuple(values)


@dataclass
class Relations:
    """What one endpoint may do across its foreign keys, resolved when ``include()`` builds the URLs."""

    filters: dict[str, tuple[RelationPath, frozenset[str]]] = field(default_factory=dict)
    order: dict[str, RelationPath] = field(default_factory=dict)
    search: tuple[Field | RelationPath, ...] | None = None
    expand: dict[str, Hop] = field(default_factory=dict)
    parents: dict[str, Hop] = field(default_factory=dict)

    # Request time -----------------------------------------------------------------------------

    def split_filters(self, filters: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, RelationPath, str, Any]]]:
        """Separate the relation filters (``address__city__icontains``) from the endpoint's own."""
        if not self.filters:
            return filters, []
        plain: dict[str, Any] = {}
        related = []
        for key, value in filters.items():
            match = self.match_filter(key)
            if match is None:
                plain[key] = value
            else:
                path, lookup = match
                related.append((key, path, lookup, value))
        return plain, related

    def match_filter(self, key: str) -> tuple[RelationPath, str] | None:
        for name in sorted(self.filters, key=len, reverse=True):
            if key == name or key.startswith(name + "__"):
                path, lookups = self.filters[name]
                lookup = key[len(name) + 2:] or "exact"
                if lookup not in lookups:
                    raise BadRequest(
                        f"Unknown lookup {lookup!r} for {name}; use one of: {', '.join(sorted(lookups))}.",
                        fields={key: f"Unknown lookup {lookup!r}."},
                    )
                return path, lookup
        return None

    def search_condition(self, text: str, request: HttpRequest, consumer: DataStore) -> AnyOf | None:
        """Return ``?search=``'s condition: any searched field contains ``text``, ignoring case."""
        if self.search is None:
            raise BadRequest("This endpoint has no search.", fields={SEARCH_KEY: "Not available here."})
        if not text:
            return None
        alternatives = []
        for target in self.search:
            if isinstance(target, RelationPath):
                alternatives.append(target.condition("icontains", text, request, consumer, SEARCH_KEY))
            else:
                alternatives.append(Condition(target, "icontains", text))
        return AnyOf(tuple(alternatives))

    def expand_names(self, raw: str) -> list[str]:
        """Return the relations ``?expand=a,b`` names; an unlisted one is a 400."""
        if not self.expand:
            raise BadRequest("This endpoint expands no relation.", fields={EXPAND_KEY: "Not available here."})
        names = [name.strip() for name in raw.split(",") if name.strip()]
        unknown = [name for name in names if name not in self.expand]
        if unknown:
            raise BadRequest(
                f"Cannot expand {', '.join(unknown)}; expandable: {', '.join(sorted(self.expand))}.",
                fields={EXPAND_KEY: f"Not expandable: {', '.join(unknown)}."},
            )
        return list(dict.fromkeys(names))

    def embed(self, name: str, rows: list[dict[str, Any]], objects: list[dict[str, Any]], request: HttpRequest,
              prefix: str) -> None:
        """Embed the related objects of ``name`` into ``objects`` (rendered from ``rows``), in one query."""
        hop = self.expand[name]
        many = getattr(hop.field, "many", False)
        values = [row.get(hop.field.name) for row in rows]
        flat = [key for value in values for key in value] if many else values  # type: ignore[union-attr]
        keys = tuple(dict.fromkeys(key for key in flat if key is not None))
        scope = hop.scope(request)
        if not keys or scope is None:
            return
        target = hop.target
        column = target.model.get_field(hop.column)
        view = target.view.bind(request, prefix)
        embedded = {}
        for related in target.datastore.fetch([Condition(column, "in", keys), *scope], [], 0, None):
            try:
                target.check_object(request, related)
            except ApiError:
                continue  # its own endpoint would refuse it: the key stays as it was
            key = related[hop.column]
            embedded[key] = target.render(view, dict(related))
        for value, obj in zip(values, objects, strict=True):
            if name not in obj or value is None:
                continue
            if many:  # a list: each related object embedded, or its pk where its endpoint hides it
                obj[name] = [dict(embedded[key]) if key in embedded else key for key in value]
            elif value in embedded:
                obj[name] = dict(embedded[value])

    def ordering_terms(self, value: Any) -> list[tuple[str, bool]]:
        """Return the ``order_by`` terms as (name, descending)."""
        names = value.split(",") if isinstance(value, str) else list(value)
        terms = []
        for raw in names:
            raw = raw.strip()
            if raw:
                terms.append((raw.lstrip("-+"), raw.startswith("-")))
        return terms

    def sort(self, rows: list[dict[str, Any]], terms: list[tuple[str, bool]], model: Any,
             request: HttpRequest) -> None:
        """Sort ``rows`` in place by ``terms`` (relation paths included) and then the pk, as SQL would."""
        ordering = []
        labels = []
        for name, descending in terms:
            path = self.order.get(name)
            if path is None:
                ordering.append(Ordering(model.get_field(name), descending))
                continue
            values = path.values_for([row.get(path.hops[0].field.name) for row in rows], request)
            label = f"\x00{name}"
            for row in rows:
                row[label] = values.get(row.get(path.hops[0].field.name))
            ordering.append(Ordering(path.field, descending, label=label))
            labels.append(label)
        pk = model.pk_field
        if not any(order.field is pk and order.label is None for order in ordering):
            ordering.append(Ordering(pk))
        sort_rows(rows, ordering)
        for row in rows:
            for label in labels:
                row.pop(label, None)


# Resolving paths when the URLs are built ----------------------------------------------------


def link(source: Any, name: str, siblings: Mapping[str, Any], *, many: bool = False) -> Hop:
    """Return the hop of ``source``'s foreign key ``name`` (or many-to-many field, with ``many``).

    Raise ``ValueError`` saying what is wrong.
    """
    fk = source.model.get_field(name)
    if not (isinstance(fk, ForeignKeyField) or many and getattr(fk, "many", False)):
        raise ValueError(f"{name!r} is not a foreign key of {source.ressource_name}")
    if name not in source.config.visible:
        raise ValueError(f"{name!r} is hidden from {source.ressource_name}'s clients")
    table = fk.foreign["table"]
    target = siblings.get(table)
    if target is None:
        raise ValueError(f"{name!r} refers to {table!r}, which no endpoint of this include() serves")
    column = fk.foreign.get("column") or target.model.pk_field.name
    return Hop(fk, target, column)


def resolve_path(source: Any, name: str, siblings: Mapping[str, Any]) -> RelationPath:
    """Resolve ``address__country__name`` from ``source``; raise ``ValueError`` saying what is wrong."""
    segments = name.split("__")
    if len(segments) < 2:
        raise ValueError(f"{name!r} is no relation path")
    hops = []
    endpoint = source
    for segment in segments[:-1]:
        hop = link(endpoint, segment, siblings)
        hops.append(hop)
        endpoint = hop.target
    final = endpoint.model.get_field(segments[-1])
    if final is None or segments[-1] not in endpoint.config.visible:
        raise ValueError(
            f"{name!r}: {endpoint.ressource_name} shows no field {segments[-1]!r} "
            f"(it shows: {', '.join(sorted(endpoint.config.visible))})"
        )
    return RelationPath(name, tuple(hops), final)


def resolve_relations(source: Any, options: Mapping[str, Any], siblings: Mapping[str, Any]) -> tuple[Relations, list[tuple[str, str]]]:
    """Resolve a controller's relation options; return them and the problems as (option, message)."""
    relations = Relations()
    problems: list[tuple[str, str]] = []

    def path_of(option: str, name: str) -> RelationPath | None:
        try:
            return resolve_path(source, name, siblings)
        except ValueError as error:
            problems.append((option, str(error) + "."))
            return None

    listed = options.get("filter_fields")
    if listed is not None:
        entries = listed.items() if isinstance(listed, dict) else ((name, None) for name in listed)
        for name, lookups in entries:
            if isinstance(name, str) and "__" in name:
                path = path_of("filter_fields", name)
                if path is not None:
                    known = path.field.lookups
                    relations.filters[name] = (path, known if lookups is None else frozenset(lookups) & known)
    for name in options.get("order_fields") or ():
        if isinstance(name, str) and "__" in name:
            path = path_of("order_fields", name)
            if path is not None and not path.field.orderable:
                problems.append(("order_fields", f"{name!r} cannot be ordered: its values have no order."))
            elif path is not None:
                relations.order[name] = path
    search = options.get("search_fields")
    if search is not None:
        targets: list[Field | RelationPath] = []
        for name in search:
            if "__" in name:
                path = path_of("search_fields", name)
                target: Field | RelationPath | None = path
                field_ = path.field if path is not None else None
            else:
                field_ = source.model.get_field(name)
                target = field_
                if field_ is None or name not in source.config.visible:
                    problems.append(("search_fields", f"{name!r} is not a field {source.ressource_name} shows."))
                    continue
            if field_ is not None and "icontains" not in field_.lookups:
                problems.append(("search_fields", f"{name!r} is not text: search looks for text in strings."))
                continue
            if target is not None:
                targets.append(target)
        relations.search = tuple(targets)
    for option, into in (("expand", relations.expand), ("parents", relations.parents)):
        for name in options.get(option) or ():
            try:
                into[name] = link(source, name, siblings, many=option == "expand")
            except ValueError as error:
                problems.append((option, str(error) + "."))
    return relations, problems
