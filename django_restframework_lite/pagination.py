"""Offset/count pagination of list endpoints.

``Pagination(20)`` in the controller options serves at most 20 objects per page;
``?offset=40&count=10`` picks a page, and the list meta tells where the
neighbouring pages are::

    {"offset": 40, "count": 10, "total_count": 802,
     "next": "/api/users/?offset=50&count=10", "previous": "/api/users/?offset=30&count=10",
     "filters": {}}

``next``/``previous`` are absolute paths that keep the request's other query
parameters, and JSON null at either end. With custom keys
(``Pagination(20, offset_key="start", count_key="limit")``) the meta uses
those names, as the seed does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from .exceptions import BadRequest
from .models.text import INT64_MAX


class Pagination:
    """Cut list answers into pages of at most ``max_result`` objects."""

    def __init__(self, max_result: int, offset_key: str = "offset", count_key: str = "count") -> None:
        if isinstance(max_result, bool) or not isinstance(max_result, int) or max_result < 1:
            raise ValueError(f"Pagination(max_result) must be a positive integer, not {max_result!r}.")
        if not offset_key or not count_key or offset_key == count_key:
            raise ValueError("Pagination needs two different, non-empty offset_key and count_key.")
        self.max_result = max_result
        self.offset_key = offset_key
        self.count_key = count_key
        # The largest offset every datastore can take (SQL OFFSET is a signed 64-bit integer).
        self.max_offset = INT64_MAX - max_result

    def __repr__(self) -> str:
        return f"Pagination({self.max_result}, offset_key={self.offset_key!r}, count_key={self.count_key!r})"

    @property
    def max(self) -> int:
        """The seed's name for ``max_result``, for a ported subclass that reads it."""
        return self.max_result

    @property
    def query_parameters(self) -> tuple[str, ...]:
        """The query keys this pagination reads: never filters."""
        return (self.offset_key, self.count_key)

    def openapi_parameters(self) -> list[dict[str, Any]]:
        """Return the OpenAPI query parameters this pagination reads."""
        return [
            {
                "name": self.offset_key,
                "in": "query",
                "required": False,
                "description": "Index of the first object of the page.",
                "schema": {"type": "integer", "minimum": 0, "default": 0},
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
        link = {"type": ["string", "null"], "description": "Absolute path and query of the page, or null."}
        return {
            "type": "object",
            "required": [self.offset_key, self.count_key, "total_count", "next", "previous", "filters"],
            "properties": {
                self.offset_key: {"type": "integer", "minimum": 0},
                self.count_key: {"type": "integer", "minimum": 0, "description": "The page size in effect."},
                "total_count": {"type": "integer", "minimum": 0, "description": "Objects matching the filters."},
                "next": link,
                "previous": link,
                "filters": filters,
            },
        }

    def paginate(self, query: Mapping[str, str]) -> tuple[int, int]:
        """Return ``(offset, count)`` from the query parameters; count is lowered to ``max_result``.

        A non-integer or negative value is a ``BadRequest`` naming the parameter.
        """
        offset = self.parse(query, self.offset_key, 0)
        if offset > self.max_offset:
            raise BadRequest(f"{self.offset_key} is too large.", fields={self.offset_key: "Too large."})
        count = self.parse(query, self.count_key, self.max_result)
        return offset, min(count, self.max_result)

    def parse(self, query: Mapping[str, str], key: str, default: int) -> int:
        raw = query.get(key)
        if raw is None:
            return default
        text = raw.strip()
        if not (text.isascii() and text.isdigit()):
            raise BadRequest(
                f"{key} must be a non-negative integer, not {raw!r}.",
                fields={key: "Expected a non-negative integer."},
            )
        # Values beyond 64 bits are clamped by the checks above and below, never sent to a store.
        return int(text) if len(text) <= 19 else INT64_MAX

    def get_meta(
        self,
        *,
        offset: int,
        count: int,
        total_count: int,
        path: str,
        query: Any,
    ) -> dict[str, Any]:
        """Return the list meta (without ``filters``) for one page.

        ``path`` is the absolute, URL-quoted path of the list endpoint and
        ``query`` the request's ``QueryDict``, whose other parameters the links keep.
        """
        next_link = previous_link = None
        if count > 0:
            if offset + count < total_count:
                next_link = self.link(path, query, offset + count)
            if offset > 0:
                previous_link = self.link(path, query, max(offset - count, 0))
        return {
            self.offset_key: offset,
            self.count_key: count,
            "total_count": total_count,
            "next": next_link,
            "previous": previous_link,
        }

    def link(self, path: str, query: Any, offset: int) -> str:
        """Return ``path`` with the query string of ``query`` where the offset is ``offset``."""
        pairs: list[tuple[str, str]] = []
        replaced = False
        for key, values in query.lists():
            if key == self.offset_key:
                if not replaced:
                    pairs.append((key, str(offset)))
                    replaced = True
                continue
            pairs.extend((key, value) for value in values)
        if not replaced:
            pairs.append((self.offset_key, str(offset)))
        return f"{path}?{urlencode(pairs)}"
