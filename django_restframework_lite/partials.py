"""Partial responses: let clients ask for only the fields they need.

Configured in the ressource options, as in the seed::

    ressource = {..., "options": {"partial": Partial()}}

then ``GET /api/address/?fields=city,country`` (and the same on a unique
endpoint) answers with only ``city`` and ``country``, plus the pk and
``ressource_uri`` so that each object can still be found.

The seed's hook works too: a subclass overriding ``get_partials(**kwargs)``
(called with the request's query parameters, returning the list of field names
and the other parameters) decides which fields are asked for; the names it gives
are checked against the model like any others, and its ``partial_keyword`` is
never a filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .exceptions import BadRequest
from .models import Model


class Partial:
    """Read the requested field names from the ``partial_keyword`` query parameter."""

    def __init__(self, partial_keyword: str = "fields") -> None:
        if not partial_keyword:
            raise ValueError("Partial needs a non-empty partial_keyword.")
        self.partial_keyword = partial_keyword

    def __repr__(self) -> str:
        return f"Partial(partial_keyword={self.partial_keyword!r})"

    @property
    def query_parameters(self) -> tuple[str, ...]:
        """The query keys this option reads: never filters."""
        return (self.partial_keyword,)

    def get_partials(self, **kwargs: str) -> tuple[list[str], dict[str, str]]:
        """Return the field names asked for and the other parameters: the seed's hook.

        ``kwargs`` are the request's query parameters; the names are read from the
        comma-separated ``partial_keyword`` (an empty list when it is absent).
        """
        raw = kwargs.pop(self.partial_keyword, None)
        names = [name.strip() for name in raw.split(",") if name.strip()] if raw else []
        return names, kwargs

    def get_fields(self, query: Mapping[str, str], model: Model) -> frozenset[str] | None:
        """Return the names of the members to keep, or None when the request asks for every field.

        An unknown field is a ``BadRequest`` naming it; the pk and ``ressource_uri``
        are always kept. A subclass's ``get_partials()`` is asked when it overrides it.
        """
        if type(self).get_partials is not Partial.get_partials:
            names = list(self.get_partials(**dict(query.items()))[0])
            if not names:
                return None
        else:
            raw = query.get(self.partial_keyword)
            if raw is None:
                return None
            names = [name.strip() for name in raw.split(",") if name.strip()]
        if not names:
            raise BadRequest(
                f"{self.partial_keyword} must name at least one field.",
                fields={self.partial_keyword: "Give a comma-separated list of field names."},
            )
        unknown = [name for name in names if not isinstance(name, str) or model.get_field(name) is None]
        if unknown:
            raise BadRequest(
                f"Unknown field in {self.partial_keyword}: {', '.join(map(str, unknown))}.",
                fields={self.partial_keyword: f"{', '.join(map(str, unknown))}: not a field of this ressource."},
            )
        return frozenset(names) | {model.pk_field.name, "ressource_uri"}

    def openapi_parameters(self, model: Model) -> list[dict[str, Any]]:
        """Return the OpenAPI query parameter this option reads: the fields of ``model``, comma-separated."""
        return [
            {
                "name": self.partial_keyword,
                "in": "query",
                "required": False,
                "description": "Fields to return, comma-separated (the pk and ressource_uri always come).",
                "style": "form",
                "explode": False,
                "schema": {"type": "array", "items": {"type": "string", "enum": model.get_fields_name()}, "minItems": 1},
            }
        ]
