"""OpenAPI parameters: the identifier, the list's query (filters, ``order_by``, partial) and conditional headers.

Each parameter says only what the server enforces when it reads it. Filters
compare with any value of the field's type (``listing`` and
``datastore.query.convert_filter_value`` skip ``max_length``, bounds and
choices: a value no row can have matches nothing), so their schemas keep the
type and format and drop the rest. Lists the server splits on commas
(``__in``, ``order_by``, ``fields``, ``expand``) are arrays with
``style: form, explode: false``, which is how a generated client spells them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...controllers import Controller
from ...datastore.query import MAX_IN_VALUES, ORDER_BY_KEY
from ...models import Model
from .schemas import body_field_schemas, hook

__all__ = [
    "array_parameter",
    "CONDITIONAL_PARAMETERS",
    "IDENTIFIER",
    "conditional_parameters",
    "filter_parameters",
    "filter_value_schema",
    "identifier_parameter",
    "order_parameter",
    "lookup_parameters",
    "partial_parameters",
]

IDENTIFIER = "identifier"
#: Keywords a filter's value keeps from the field's schema: what converting query text checks.
FILTER_KEYWORDS = frozenset({"type", "format", "contentEncoding"})
TEXT_LOOKUPS = frozenset({"contains", "icontains", "startswith"})

#: The preconditions of RFC 9110, header parameters of every operation but OPTIONS.
CONDITIONAL_PARAMETERS: dict[str, dict[str, Any]] = {
    "IfNoneMatch": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "ETags (or *): on GET and HEAD a match is 304 Not Modified without a body; "
        "on a write it is 412 and nothing changes.",
        "schema": {"type": "string"},
    },
    "IfMatch": {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "description": "ETags (or *), compared strongly: when none matches the current one, the answer is "
        "412 Precondition Failed and nothing changes (a POST compares with the list's tag).",
        "schema": {"type": "string"},
    },
}


def conditional_parameters() -> list[dict[str, Any]]:
    """Return ``If-None-Match`` and ``If-Match``, which every method but OPTIONS honours."""
    return [dict(parameter) for parameter in CONDITIONAL_PARAMETERS.values()]


def identifier_parameter(model: Model, name: str = IDENTIFIER, description: str | None = None) -> dict[str, Any]:
    """Return the path parameter holding a pk: its type and format only (any other value is a 404)."""
    pk = model.pk_field
    if pk.base_type == "integer":
        schema: dict[str, Any] = {"type": "integer"}
    else:
        schema = {key: value for key, value in pk.json_schema().items() if key in {"type", "format"}}
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description or f"The {pk.name} of the object.",
        "schema": schema,
    }


def array_parameter(name: str, items: dict[str, Any], description: str, **bounds: Any) -> dict[str, Any]:
    """Return a query parameter the server reads as comma-separated values."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "style": "form",
        "explode": False,
        "schema": {"type": "array", "items": items, **bounds},
    }


def filter_value_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Return what a filter takes for a field of JSON Schema ``schema``: its type and format, never null."""
    kept = {key: value for key, value in schema.items() if key in FILTER_KEYWORDS}
    kind = kept.get("type")
    if isinstance(kind, list):
        kinds = [each for each in kind if each != "null"]
        kept["type"] = kinds[0] if len(kinds) == 1 else kinds
    return kept


def lookup_parameters(name: str, value_schema: dict[str, Any], lookups: Iterable[str]) -> list[dict[str, Any]]:
    """Return the query parameters of filter ``name``: ``name`` itself (exact) and ``name__<lookup>``."""
    value = filter_value_schema(value_schema)
    choices = value_schema.get("enum")
    known = f" Stored values are among: {', '.join(map(str, choices))}." if choices else ""
    parameters = []
    for lookup in sorted(lookups, key=lambda lookup: (lookup != "exact", lookup)):
        key = name if lookup == "exact" else f"{name}__{lookup}"
        if lookup == "in":
            parameters.append(
                array_parameter(key, value, f"Only objects whose {name} equals one of these values (comma-separated).{known}",
                                minItems=1, maxItems=MAX_IN_VALUES)
            )
            continue
        if lookup == "exact":
            schema: dict[str, Any] = value
            description = f"Only objects whose {name} equals this value.{known}"
        elif lookup == "isnull":
            schema = {"type": "boolean"}
            description = f"true: only objects whose {name} is null; false: only the others."
        elif lookup in TEXT_LOOKUPS:
            schema = {"type": "string"}
            description = f"Only objects whose {name} {'contains' if lookup != 'startswith' else 'starts with'} this text" + (
                ", ignoring case." if lookup == "icontains" else "."
            )
        else:
            schema = value
            description = f"Only objects whose {name} is {COMPARISONS.get(lookup, lookup)} this value."
        parameters.append({"name": key, "in": "query", "required": False, "description": description, "schema": schema})
    return parameters


COMPARISONS = {"gt": "greater than", "gte": "greater than or equal to", "lt": "less than", "lte": "less than or equal to"}


def partial_parameters(controller: Controller) -> list[dict[str, Any]]:
    """Return the query parameter of the partial response option, if the ressource has one."""
    describe = hook(controller.partial, "openapi_parameters")
    return list(describe(controller.selectable)) if describe is not None else []


def filter_parameters(controller: Controller) -> list[dict[str, Any]]:
    """Return one query parameter per filterable field and allowed lookup (``age``, ``age__gt`` ...)."""
    parameters = []
    allowed = controller.query_rules.filters
    fields = [field for field in controller.model.get_fields() if field.name in allowed]
    schemas = body_field_schemas(controller, fields)
    for field in fields:
        # A many-to-many filter takes one pk of the target ("related to"), not a list.
        items = getattr(field, "items", None)
        value_schema: dict[str, Any] = items.json_schema() if field.many and items is not None else schemas[field.name]
        parameters.extend(lookup_parameters(field.name, value_schema, allowed[field.name]))
    return parameters


def order_parameter(controller: Controller) -> dict[str, Any]:
    """Return ``order_by``: fields, each at most once, ``-`` for descending."""
    orderable = [name for name in controller.model.get_fields_name() if name in controller.query_rules.order]
    names = [*orderable, *sorted(controller.relations.order)]
    terms = [term for name in names for term in (name, f"-{name}")]
    return array_parameter(
        ORDER_BY_KEY,
        {"type": "string", "enum": terms},
        "Fields to order by, comma-separated, '-' before a field for descending order; each field at most once "
        "(name and -name together are a 400). Ties, and the default, are ordered by the pk.",
        uniqueItems=True,
    )
