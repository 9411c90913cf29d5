"""One list request, from query string to page: filters, relations, search, ordering and the page itself.

``select(controller, request, query, parent)`` returns the rows of the page, the
meta (without ``filters``), the filters to echo and the relations to expand;
``controllers.Controller.get_list`` renders them. Everything here reads the
controller's configuration built when the URLs were built; the request only
brings values.

Offset pages (``Pagination``) read ``offset``/``count`` and, as its ``total``
says, count the matches, estimate them, or read one row more than the page to
know whether ``next`` exists. Cursor pages (``CursorPagination``) turn the
cursor's position into a keyset condition (``datastore.keyset``): one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.encoding import escape_uri_path

from .datastore import keyset
from .datastore.base import Estimate
from .datastore.query import ORDER_BY_KEY, Condition, Filter, Ordering, parse_ordering
from .exceptions import ApiError, BadRequest
from .formaters import add_ressource_uri, format_foreign_key, remove_id
from .models import FieldError
from .pagination import CursorPagination
from .relations import EXPAND_KEY, SEARCH_KEY

__all__ = ["Selection", "select"]


@dataclass
class Selection:
    """What a list request selected: its rows, its meta and what to echo and expand."""

    rows: list[dict[str, Any]]
    meta: dict[str, Any]
    expand: list[str]
    filters: dict[str, Any]  # as the request spelled them, for meta["filters"]


#: View formaters that read no field but the pk and the foreign keys shown: ``?fields=`` may narrow the read.
NARROW_FORMATERS = frozenset({add_ressource_uri, remove_id, format_foreign_key})


def read_columns(controller: Any, keep: frozenset[str] | None, view: Any, query: Any) -> frozenset[str] | None:
    """Return the fields a list answer needs read when ``?fields=`` narrows it (None: every field).

    Only the built-in view formaters are known to read nothing else; with any
    other, every field is read, as the formater may use it.
    """
    if keep is None or not all(formater in NARROW_FORMATERS for formater in view.formaters):
        return None
    expand = controller.relations.expand_names(query[EXPAND_KEY]) if EXPAND_KEY in query else []
    return keep.union(expand)


def select(controller: Any, request: HttpRequest, query: Any, parent: Any = None,
           columns: frozenset[str] | None = None) -> Selection:
    """Run one list request against the controller's datastore.

    On a nested route ``parent`` is ``(hop, identifier)``: only that parent's children.
    ``columns`` (``?fields=``) are the fields the answer shows: the datastore may read only those.
    """
    filters = controller.get_filters(query)
    echo = {key: value for key, value in filters.items() if key != ORDER_BY_KEY}
    relations = controller.relations
    datastore = controller.datastore
    plain, related = relations.split_filters(filters)
    conditions: list[Filter] = controller.request_scope(request)
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
    pagination = controller.pagination
    if isinstance(pagination, CursorPagination):
        return cursor_page(controller, request, query, plain, conditions, Selection([], {}, expand, echo), columns)
    offset, count = (0, None) if pagination is None else pagination.paginate(query)
    total = getattr(pagination, "total", "exact")
    # Without a count, a page that reads one row more than it shows knows whether another page follows.
    read = count + 1 if count is not None and total != "exact" else count

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
            found: int | None = None if total == "none" else len(rows)
            rows = rows[offset:] if read is None else rows[offset : offset + read]
            return offset_page(controller, request, query, Selection(rows, {}, expand, echo), offset, count, found)
    rows, found = datastore.page(
        plain, offset, read, rules=controller.query_rules, scope=conditions, ordering=ordering, total=total,
        columns=columns,
    )
    return offset_page(controller, request, query, Selection(rows, {}, expand, echo), offset, count, found)


def offset_page(controller: Any, request: HttpRequest, query: Any, selection: Selection, offset: int,
                count: int | None, total: int | None) -> Selection:
    """Return ``selection`` with the offset pagination's meta (none without pagination).

    With ``total="none"`` or ``"estimated"`` the rows hold one more than the page
    when another page follows: it is dropped here, and tells ``next`` to exist.
    """
    pagination = controller.pagination
    if pagination is None or count is None:
        return selection
    path, links = escape_uri_path(request.path), controller.link_query(query)  # links never carry credentials
    if getattr(pagination, "total", "exact") == "exact":
        selection.meta = pagination.get_meta(offset=offset, count=count, total_count=total, path=path, query=links)
        return selection
    more = len(selection.rows) > count
    del selection.rows[count:]
    selection.meta = pagination.get_meta(
        offset=offset, count=count, total_count=total, path=path, query=links, more=more,
        estimated=isinstance(total, Estimate),
    )
    return selection


def cursor_page(controller: Any, request: HttpRequest, query: Any, plain: dict[str, Any],
                conditions: list[Filter], selection: Selection, columns: frozenset[str] | None = None) -> Selection:
    """Return ``selection`` filled with one cursor page: the rows after (or before) the cursor's position.

    One query: the page and one row more, which tells whether another page follows.
    """
    pagination = controller.pagination
    count = pagination.page_size(query)
    raw = plain.pop(ORDER_BY_KEY, "")
    across = [name for name, _ in controller.relations.ordering_terms(raw) if name in controller.relations.order]
    if across:
        raise BadRequest(
            f"Cannot order by {across[0]} here: cursor pages order by the fields of {controller.ressource_name} only.",
            fields={ORDER_BY_KEY: f"Not orderable with a cursor: {across[0]!r}."},
        )
    model = controller.model
    ordering = parse_ordering(model, raw, controller.query_rules)
    if not any(order.field is model.pk_field for order in ordering):
        ordering.append(Ordering(model.pk_field))
    path = escape_uri_path(request.path)
    search = query.get(SEARCH_KEY) if SEARCH_KEY in query else None
    context = pagination.digest(path, selection.filters, [(order.name, order.descending) for order in ordering], search)
    cursor = pagination.read_cursor(query, context)
    read_order, scope = ordering, conditions
    if cursor is not None:
        read_order = keyset.reverse(ordering) if cursor.backwards else ordering
        values = position_values(ordering, cursor.values, pagination.cursor_key)
        scope = [*conditions, keyset.after(read_order, values, controller.datastore.never_null)]
    rows, _ = controller.datastore.page(
        plain, 0, count + 1, rules=controller.query_rules, scope=scope, ordering=read_order, total="none",
        columns=columns,
    )
    more = len(rows) > count
    del rows[count:]
    if cursor is not None and cursor.backwards:
        rows.reverse()
    selection.rows = rows
    selection.meta = pagination.get_meta(
        count=count, cursor=cursor, more=more, context=context, path=path, query=controller.link_query(query),
        first=keyset.position_of(rows[0], ordering) if rows else None,
        last=keyset.position_of(rows[-1], ordering) if rows else None,
    )
    return selection


def position_values(ordering: list[Ordering], values: tuple[Any, ...], key: str) -> list[Any]:
    """Return a cursor's wire values as the ordering fields' query values; a cursor that no longer fits is a 400."""
    try:
        return keyset.decode(ordering, values)
    except (ValueError, FieldError) as error:
        raise BadRequest(f"The {key} does not fit this listing: {error}", fields={key: "Made for another listing."}) from None


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
