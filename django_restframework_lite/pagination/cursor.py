"""Cursor (keyset) pagination: pages at any depth for the price of the first.

``CursorPagination(20)`` in the controller options serves at most 20 objects
per page, in the request's ``order_by`` (the pk breaks ties). Instead of an
offset, ``next`` and ``previous`` carry an opaque ``cursor``::

    {"count": 20, "next": "/api/users/?cursor=WyJ...", "previous": null, "filters": {}}

A cursor holds the position of the last (or first) row of a page, its values in
the ordering's fields, and the next page is "the rows after that position" (see
``datastore.keyset``): the database reads only the page, however deep, and a
row inserted or deleted before the position never shifts what comes next. A
page is one query: one row more than the page is read to know whether ``next``
exists. There is no ``total_count``: counting is what a deep page must not pay.

Cursors are signed as Django's signing signs (``SECRET_KEY``, and
``SECRET_KEY_FALLBACKS`` while a key is rotated out): one a client made up or
altered is a 400, and so is one made for another ordering, other filters or
another endpoint (a cursor records a digest of them). A cursor does not
expire: the row it was taken from may since have been deleted, and the position
still says where the next page starts. A cursor is signed, not encrypted: it
carries the boundary row's values of the ordering fields and its pk.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing

from ..exceptions import BadRequest
from .params import link_with, read_natural
from .signing import CursorSigner

__all__ = ["Cursor", "CursorPagination"]

SALT = "django_restframework_lite.pagination.CursorPagination"
#: Django's Signer(salt=SALT) with compress=True, byte for byte: one per process, keyed once per SECRET_KEY.
SIGNER = CursorSigner(SALT)
FORWARD, BACKWARD = "n", "p"


@dataclass(frozen=True)
class Cursor:
    """A position in an ordering, as a page link carries it: the values of one row, and which side to read."""

    values: tuple[Any, ...]
    backwards: bool = False  # the rows before the position (a ``previous`` link), else those after it


class CursorPagination:
    """Cut list answers into pages of at most ``max_result`` objects, linked by signed cursors."""

    def __init__(self, max_result: int, cursor_key: str = "cursor", count_key: str = "count") -> None:
        if isinstance(max_result, bool) or not isinstance(max_result, int) or max_result < 1:
            raise ValueError(f"CursorPagination(max_result) must be a positive integer, not {max_result!r}.")
        if not cursor_key or not count_key or cursor_key == count_key:
            raise ValueError("CursorPagination needs two different, non-empty cursor_key and count_key.")
        self.max_result = max_result
        self.cursor_key = cursor_key
        self.count_key = count_key

    def __repr__(self) -> str:
        return f"CursorPagination({self.max_result}, cursor_key={self.cursor_key!r}, count_key={self.count_key!r})"

    @property
    def query_parameters(self) -> tuple[str, ...]:
        """The query keys this pagination reads: never filters."""
        return (self.cursor_key, self.count_key)

    # Reading a request ---------------------------------------------------------------------------

    def page_size(self, query: Mapping[str, str]) -> int:
        """Return the page size asked for, lowered to ``max_result``; a bad count is a 400 naming it."""
        return min(read_natural(query, self.count_key, self.max_result), self.max_result)

    def read_cursor(self, query: Mapping[str, str], context: str) -> Cursor | None:
        """Return the request's cursor (None on the first page); a forged one, or one made elsewhere, is a 400.

        ``context`` is the digest of what the cursor's position depends on
        (``digest()``): a cursor made under another ordering or filters has another.
        """
        raw = query.get(self.cursor_key)
        if raw is None:
            return None
        key = self.cursor_key
        try:
            payload = SIGNER.unsign_object(raw)
        except (signing.BadSignature, ValueError, UnicodeError):
            raise BadRequest(
                f"The {key} was not made by this API: follow the next and previous links of a list answer.",
                fields={key: "Not a valid cursor."},
            ) from None
        if not (isinstance(payload, list) and len(payload) == 3 and payload[1] in (FORWARD, BACKWARD)
                and isinstance(payload[2], list)):
            raise BadRequest(f"The {key} was not made by this API.", fields={key: "Not a valid cursor."})
        if payload[0] != context:
            raise BadRequest(
                f"The {key} was made for another order_by, other filters or another endpoint: "
                "a cursor only continues the listing whose links carried it.",
                fields={key: "Made for another listing."},
            )
        return Cursor(tuple(payload[2]), payload[1] == BACKWARD)

    @staticmethod
    def digest(path: str, filters: Mapping[str, Any], ordering: Sequence[tuple[str, bool]], search: str | None) -> str:
        """Return a short digest of what a page's rows depend on: the endpoint, the filters, the order, the search."""
        text = json.dumps(
            [path, sorted((str(key), str(value)) for key, value in filters.items()), list(ordering), search],
            separators=(",", ":"),
        )
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def make_cursor(self, context: str, values: Sequence[Any], *, backwards: bool) -> str:
        """Return the signed cursor of a position (the values of one row in the ordering's fields)."""
        payload = [context, BACKWARD if backwards else FORWARD, list(values)]
        return SIGNER.sign_object(payload)

    # Writing the meta ------------------------------------------------------------------------------

    def get_meta(
        self,
        *,
        count: int,
        cursor: Cursor | None,
        first: Sequence[Any] | None,
        last: Sequence[Any] | None,
        more: bool,
        context: str,
        path: str,
        query: Any,
    ) -> dict[str, Any]:
        """Return the list meta (without ``filters``) of one page.

        ``first``/``last`` are the positions of the page's first and last rows
        (None on an empty page), ``more`` whether rows lie beyond the page in the
        direction it was read, ``cursor`` the request's own.
        """
        next_link = previous_link = None
        if count > 0:
            if cursor is None or not cursor.backwards:
                if more and last is not None:
                    next_link = self.link(path, query, context, last, backwards=False)
                if cursor is not None:  # a page reached by a cursor has rows before it
                    previous_link = self.link(path, query, context, first or cursor.values, backwards=True)
            else:
                if more and first is not None:
                    previous_link = self.link(path, query, context, first, backwards=True)
                # Rows lie after a page read backwards: from its last row, or from the top when it is empty.
                next_link = (
                    self.link(path, query, context, last, backwards=False)
                    if last is not None
                    else link_with(path, query, self.cursor_key, None)
                )
        return {self.count_key: count, "next": next_link, "previous": previous_link}

    def link(self, path: str, query: Any, context: str, values: Sequence[Any], *, backwards: bool) -> str:
        """Return ``path`` with the request's query string where the cursor is the position ``values``."""
        return link_with(path, query, self.cursor_key, self.make_cursor(context, values, backwards=backwards))

    # Self-description --------------------------------------------------------------------------------

    def openapi_parameters(self) -> list[dict[str, Any]]:
        """Return the OpenAPI query parameters this pagination reads."""
        return [
            {
                "name": self.cursor_key,
                "in": "query",
                "required": False,
                "description": "Opaque position of a page, as the meta's next and previous links carry it; "
                "leave it out for the first page. Valid only with the order_by and filters it was made with.",
                "schema": {"type": "string"},
            },
            {
                "name": self.count_key,
                "in": "query",
                "required": False,
                "description": f"Page size; above {self.max_result} it is lowered to {self.max_result}.",
                "schema": {"type": "integer", "minimum": 0, "default": self.max_result},
            },
        ]

    def openapi_meta_schema(self, filters: dict[str, Any]) -> dict[str, Any]:
        """Return the JSON Schema of the list ``meta`` this pagination writes (``filters`` is its member's schema)."""
        link = {
            "type": ["string", "null"],
            "description": f"Absolute path and query of the page, its {self.cursor_key} included, or null.",
        }
        return {
            "type": "object",
            "required": [self.count_key, "next", "previous", "filters"],
            "properties": {
                self.count_key: {"type": "integer", "minimum": 0, "description": "The page size in effect."},
                "next": link,
                "previous": link,
                "filters": filters,
            },
        }
