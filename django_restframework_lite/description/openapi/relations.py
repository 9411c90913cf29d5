"""The OpenAPI parameters of relations: filters across foreign keys, ``search`` and ``expand``."""

from __future__ import annotations

from typing import Any

from ...controllers import Controller
from ...relations import EXPAND_KEY, SEARCH_KEY
from .parameters import array_parameter, lookup_parameters
from .schemas import field_schema

__all__ = ["expand_parameters", "relation_parameters"]


def relation_parameters(controller: Controller) -> list[dict[str, Any]]:
    """Return a list's parameters that cross foreign keys: relation filters, ``search`` and ``expand``."""
    relations = controller.relations
    parameters = []
    for name, (path, lookups) in relations.filters.items():
        parameters.extend(lookup_parameters(name, field_schema(path.field), lookups))
    if relations.search is not None:
        names = ", ".join(getattr(target, "name", "") for target in relations.search)
        parameters.append(
            {
                "name": SEARCH_KEY,
                "in": "query",
                "required": False,
                "description": f"Only objects where one of {names} contains this text, ignoring case.",
                "schema": {"type": "string"},
            }
        )
    parameters.extend(expand_parameters(controller))
    return parameters


def expand_parameters(controller: Controller) -> list[dict[str, Any]]:
    """Return the ``expand`` parameter, when the endpoint embeds related objects."""
    names = sorted(controller.relations.expand)
    if not names:
        return []
    return [
        array_parameter(EXPAND_KEY, {"type": "string", "enum": names},
                        "Relations to embed as their own endpoints render them, comma-separated.")
    ]
