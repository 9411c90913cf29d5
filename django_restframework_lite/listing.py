"""One list request, from query string to page: filters, relations, search, ordering and the page itself.

``select(controller, request, query, parent)`` returns the rows of the page, the
meta (without ``filters``), the filters to echo and the relations to expand;
``controllers.Controller.get_list`` renders them. Everything here reads the
controller's configuration built when the URLs were built; the request only
brings values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.encoding import escape_uri_path

from .datastore.query import ORDER_BY_KEY, AnyOf, Condition, Ordering, parse_ordering
from .exceptions import ApiError
from .relations import EXPAND_KEY, SEARCH_KEY

__all__ = ["Selection", "select"]


@dataclass
class Selection:
    """What a list request selected: its rows, its meta and what to echo and expand."""

    rows: list[dict[str, Any]]
    meta: dict[str, Any]
    expand: list[str]
    filters: dict[str, Any]  # as the request spelled them, for meta["filters"]


def select(controller: Any, request: HttpRequest, query: Any, parent: Any = None) -> Selection:
    """Run one list request against the controller's datastore (``extra``: conditions the route adds).

    On a nested route ``parent`` is ``(hop, identifier)``: only that parent's children.
    """
    filters = controller.get_filters(query)
    echo = {key: value for key, value in filters.items() if key != ORDER_BY_KEY}
    relations = controller.relations
    datastore = controller.datastore
    plain, related = relations.split_filters(filters)
    conditions: list[Condition | AnyOf] = controller.request_scope(request)
    if parent is not None:
        hop, identifier = parent
        conditions.append(Condition(hop.field, "exact", parent_key(request, hop, identifier)))
    for key, path, lookup, value in related:
        conditions.append(path.condition(lookup, value, request, datastore, key))
    if SEARCH_KEY in query:
        searched = relations.search_condition(query[SEARCH_KEY], request, datastore)
        if searched is not None:
            conditions.append(searched)
    expand = relations.expand_names(query[EXPAND_KEY]) if EXPAND_KEY in query else []
    offset, count = (0, None) if controller.pagination is None else controller.pagination.paginate(query)

    ordering: list[Ordering] | None = None
    terms = relations.ordering_terms(plain[ORDER_BY_KEY]) if ORDER_BY_KEY in plain else []
    if any(name in relations.order for name, _ in terms):
        for name, _ in terms:  # the endpoint's own terms obey its order_fields
            if name not in relations.order:
                parse_ordering(controller.model, name, controller.query_rules)
        plain = {key: value for key, value in plain.items() if key != ORDER_BY_KEY}
        ordering = relation_ordering(controller, terms, request)
        if ordering is None:  # a hop outside one ORM database: sort the matching rows here
            rows, _ = datastore.page(plain, rules=controller.query_rules, scope=conditions)
            relations.sort(rows, terms, controller.model, request)
            total = len(rows)
            rows = rows[offset:] if count is None else rows[offset : offset + count]
            return Selection(rows, meta(controller, request, query, offset, count, total), expand, echo)
    rows, total = datastore.page(plain, offset, count, rules=controller.query_rules, scope=conditions, ordering=ordering)
    return Selection(rows, meta(controller, request, query, offset, count, total), expand, echo)


def relation_ordering(controller: Any, terms: list[tuple[str, bool]], request: HttpRequest) -> list[Ordering] | None:
    """Return the ordering the datastore computes itself, or None when a relation term must be sorted here.

    The endpoint's own terms obey its ``order_fields`` (a 400 otherwise).
    """
    ordering: list[Ordering] = []
    paths = controller.relations.order
    for name, descending in terms:
        path = paths.get(name)
        if path is None:
            ordering.extend(parse_ordering(controller.model, ("-" if descending else "") + name, controller.query_rules))
            continue
        term = path.orm_ordering(controller.datastore, descending, request)
        if term is None:
            return None
        ordering.append(term)
    return ordering


def meta(controller: Any, request: HttpRequest, query: Any, offset: int, count: int | None, total: int) -> dict[str, Any]:
    """Return the list meta, without ``filters``: the pagination's, or nothing without pagination."""
    pagination = controller.pagination
    if pagination is None or count is None:
        return {}
    result: dict[str, Any] = pagination.get_meta(
        offset=offset, count=count, total_count=total, path=escape_uri_path(request.path),
        query=controller.link_query(query),  # links never carry credentials
    )
    return result


def parent_key(request: HttpRequest, hop: Any, identifier: Any) -> Any:
    """Return the value a nested route's parent gives the foreign key; 404 when its endpoint would not show it."""
    parent = hop.target
    scope = parent.visible_scope(request)
    if scope is None:
        raise parent.datastore.not_found(identifier)
    row = parent.datastore.get_within(parent.clean_identifier(identifier), scope)
    try:
        parent.check_object(request, row)
    except ApiError:
        raise parent.datastore.not_found(identifier) from None
    return row[hop.column]
