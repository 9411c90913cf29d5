"""Offset/count pagination of list endpoints, and what its total costs.

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

``total`` says what ``total_count`` costs: ``"exact"`` counts the matches (a
second query, unless the page is short), ``"none"`` leaves ``total_count`` out
(one query per page: one row more than the page is read to know whether
``next`` exists), ``"estimated"`` takes the database's own estimate where it
keeps one (PostgreSQL's planner) and says so with ``"total_count_estimated": true``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..datastore.base import TOTALS
from ..exceptions import BadRequest
from ..models.text import INT64_MAX
from .params import link_with, read_natural


class Pagination:
    """Cut list answers into pages of at most ``max_result`` objects.

    ``total`` is ``"exact"``, ``"none"`` or ``"estimated"`` (see the module
    docstring); another value is reported by ``manage.py check`` and refused by
    ``include()`` (``configuration_problems``).
    """

    def __init__(self, max_result: int, offset_key: str = "offset", count_key: str = "count", total: str = "exact") -> None:
        if isinstance(max_result, bool) or not isinstance(max_result, int) or max_result < 1:
            raise ValueError(f"Pagination(max_result) must be a positive integer, not {max_result!r}.")
        if not offset_key or not count_key or offset_key == count_key:
            raise ValueError("Pagination needs two different, non-empty offset_key and count_key.")
        self.max_result = max_result
        self.offset_key = offset_key
        self.count_key = count_key
        self.total = total
        # The largest offset every datastore can take (SQL OFFSET is a signed 64-bit integer).
        self.max_offset = INT64_MAX - max_result

    def __repr__(self) -> str:
        total = "" if self.total == "exact" else f", total={self.total!r}"
        return f"Pagination({self.max_result}, offset_key={self.offset_key!r}, count_key={self.count_key!r}{total})"

    def configuration_problems(self) -> list[str]:
        """Return what is wrong with this pagination's settings (checked when ``include()`` builds the URLs)."""
        if isinstance(self.total, str) and self.total in TOTALS:
            return []
        return [
            f"{type(self).__name__}(total={self.total!r}): total must be one of "
            f"{', '.join(map(repr, TOTALS))} (count every match, leave total_count out, "
            "or take the database's estimate)."
        ]

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
        properties: dict[str, Any] = {
            self.offset_key: {"type": "integer", "minimum": 0},
            self.count_key: {"type": "integer", "minimum": 0, "description": "The page size in effect."},
        }
        required = [self.offset_key, self.count_key]
        if self.total == "exact":
            properties["total_count"] = {"type": "integer", "minimum": 0, "description": "Objects matching the filters."}
            required.append("total_count")
        elif self.total == "estimated":
            properties["total_count"] = {
                "type": "integer",
                "minimum": 0,
                "description": "Objects matching the filters: the database's estimate when total_count_estimated is "
                "present, else the exact count.",
            }
            properties["total_count_estimated"] = {
                "const": True,
                "description": "Present (true) when total_count is the database's estimate, not a count.",
            }
            required.append("total_count")
        properties.update(next=link, previous=link, filters=filters)
        return {"type": "object", "required": [*required, "next", "previous", "filters"], "properties": properties}

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
        """Return the non-negative integer ``key`` of ``query`` (``default`` when absent); else a 400 naming it."""
        return read_natural(query, key, default)

    def get_meta(
        self,
        *,
        offset: int,
        count: int,
        total_count: int | None,
        path: str,
        query: Any,
        more: bool | None = None,
        estimated: bool = False,
    ) -> dict[str, Any]:
        """Return the list meta (without ``filters``) for one page.

        ``path`` is the absolute, URL-quoted path of the list endpoint and
        ``query`` the request's ``QueryDict``, whose other parameters the links keep.
        With ``total="exact"`` only the first five are passed, as they always were.
        Otherwise ``more`` tells whether rows follow the page (the page read one
        row more to know), ``total_count`` is None with ``total="none"``, and
        ``estimated`` says that it is the database's estimate.
        """
        next_link = previous_link = None
        if count > 0:
            if more if more is not None else total_count is not None and offset + count < total_count:
                next_link = self.link(path, query, offset + count)
            if offset > 0:
                previous_link = self.link(path, query, max(offset - count, 0))
        meta: dict[str, Any] = {self.offset_key: offset, self.count_key: count}
        if total_count is not None:
            meta["total_count"] = int(total_count)
            if estimated:
                meta["total_count_estimated"] = True
        meta["next"] = next_link
        meta["previous"] = previous_link
        return meta

    def link(self, path: str, query: Any, offset: int) -> str:
        """Return ``path`` with the query string of ``query`` where the offset is ``offset``."""
        return link_with(path, query, self.offset_key, str(offset))
