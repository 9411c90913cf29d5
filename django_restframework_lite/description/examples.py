"""What the docs page shows a reader will receive: an example object, a list page and the error bodies.

Each example is made by the code that makes the real answers, so the page cannot
say one thing while the API sends another:

- the object is built from each field's ``example`` and rendered by the
  endpoint's own view formaters (``BoundView.render``): a hidden pk is gone, a
  foreign key is the URI ``format_foreign_key`` makes, ``ressource_uri`` is there;
- the list page wraps it in the meta that the endpoint's pagination writes
  (``get_meta``), with ``filters`` as every list has it;
- each error body is the API's own rendering (``error_response``) of the error
  class behind that status; the 400 is what the model's own validation of an
  empty create body raises.

The field types of the page come from the same place as the OpenAPI document's:
each field's JSON Schema with the view formaters' ``describe_schema`` applied.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, QueryDict

from ..controllers import Controller
from ..exceptions import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    MethodNotAllowed,
    PreconditionFailed,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    UnsupportedMediaType,
)
from ..formaters import schema_effects
from ..pagination import CursorPagination, Pagination
from ..responses import error_response

WRITE_VERBS = frozenset({"POST", "PUT", "PATCH"})


def output_schemas(controller: Controller) -> dict[str, dict[str, Any]]:
    """Return the JSON Schema of each member of an answered object, after the view formaters' own descriptions."""
    model = controller.model
    properties = {field.name: field.json_schema() for field in model.get_fields()}
    effects, _ = schema_effects(controller.view.formaters, "describe_schema")
    for effect in effects:
        effect(properties, model)
    return properties


def shown_type(schema: dict[str, Any]) -> str:
    """Spell a member's JSON Schema type for a reader: ``string (date) or null``."""
    kinds = schema.get("type", "any")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    shown = []
    for kind in kinds:
        if kind != "null" and schema.get("format"):
            kind = f"{kind} ({schema['format']})"
        shown.append(str(kind))
    return " or ".join(shown)


def raw_example(controller: Controller) -> dict[str, Any]:
    """Return an object as the datastore gives it to the view: each field's example, choices respected."""
    obj: dict[str, Any] = {}
    for field in controller.model.get_fields():
        value = field.example
        if field.choices:
            value = field.choices[0]
        elif isinstance(value, str) and field.max_length is not None:
            value = value[: field.max_length]
        obj[field.name] = value
    return obj


def example_object(controller: Controller, request: HttpRequest, prefix: str) -> dict[str, Any] | None:
    """Return the example object rendered by the endpoint's view formaters, or None when one cannot render it.

    A project's own formater may need data the example does not have (a row in
    a table, a user): the page then shows no example rather than failing.
    """
    view = controller.view.bind(request, prefix)
    try:
        rendered: dict[str, Any] = view.render(raw_example(controller))
        json.dumps(rendered)
    except Exception:  # noqa: BLE001 - a formater of the project's own: no example is better than no page
        return None
    return rendered


def example_meta(controller: Controller, list_url: str) -> dict[str, Any]:
    """Return the meta of a one-object first page, as the endpoint's pagination writes it for ``?<count>=1``."""
    pagination = controller.pagination
    meta: dict[str, Any] = {}
    if isinstance(pagination, Pagination):
        query = QueryDict(mutable=True)
        query[pagination.count_key] = "1"
        meta = pagination.get_meta(
            offset=0, count=1, total_count=None if pagination.total == "none" else 1, path=list_url, query=query,
            more=False, estimated=pagination.total == "estimated",
        )
    elif isinstance(pagination, CursorPagination):
        query = QueryDict(mutable=True)
        query[pagination.count_key] = "1"
        meta = pagination.get_meta(count=1, cursor=None, first=None, last=None, more=False, context="",
                                   path=list_url, query=query)
    meta["filters"] = {}
    return meta


def error_status_cases(controller: Controller) -> list[tuple[ApiError, str]]:
    """Return the errors this endpoint can answer with, each with when it does."""
    verbs = set(controller.list_verbs) | set(controller.unique_verbs)
    cases: list[tuple[ApiError, str]] = [(bad_request_example(controller), "The query string or the body is invalid.")]
    if controller.authentication is not None:
        cases.append((Unauthorized(), "Credentials are missing or wrong."))
        cases.append((Forbidden(), "The credentials do not allow this request."))
    if controller.unique_verbs:
        cases.append((not_found_example(controller), "No object has this identifier."))
    cases.append((MethodNotAllowed(), "The verb is not one of the endpoint's (see Allow)."))
    if verbs & WRITE_VERBS:
        cases.append((Conflict(), "Another object already has this identifier, or these values that must be unique."))
    if verbs & {"PUT", "PATCH", "DELETE"}:
        cases.append((PreconditionFailed(), "If-Match names a version that is no longer current."))
    if verbs & WRITE_VERBS:
        cases.append((UnsupportedMediaType(), "The body is not JSON."))
    if controller.ratelimit is not None:
        cases.append((TooManyRequests(), "The rate limit is exceeded (see Retry-After)."))
    cases.append((ServiceUnavailable(), "The database or the cache cannot answer now (see Retry-After)."))
    return cases


def not_found_example(controller: Controller) -> ApiError:
    """Return the 404 the datastore itself raises for an identifier it does not hold (the pk's example)."""
    error: ApiError = controller.datastore.not_found(controller.model.pk_field.example)
    return error


def bad_request_example(controller: Controller) -> ApiError:
    """Return the 400 the model's own validation raises for an empty create body (or an unknown member)."""
    for body in ({}, {"not_a_field": 1}):
        try:
            controller.model.validate(body)
        except BadRequest as error:
            return error
    return BadRequest()


def error_examples(controller: Controller) -> list[dict[str, Any]]:
    """Return each error as the API renders it: status, when, and the JSON body."""
    examples = []
    for error, when in error_status_cases(controller):
        response = error_response(error)
        examples.append({"status": response.status_code, "reason": response.reason_phrase, "when": when,
                         "body": json.loads(response.content)})
    return examples


def response_examples(controller: Controller, request: HttpRequest, prefix: str, list_url: str) -> dict[str, Any]:
    """Return the example object, list page and error bodies of one endpoint, as JSON text for the page."""
    obj = example_object(controller, request, prefix)
    page = {"meta": example_meta(controller, list_url), "object_list": [] if obj is None else [obj]}
    return {
        "object": None if obj is None else json.dumps(obj, indent=2, ensure_ascii=False),
        "page": json.dumps(page, indent=2, ensure_ascii=False) if controller.list_verbs else None,
        "errors": [dict(error, body=json.dumps(error["body"], indent=2, ensure_ascii=False))
                   for error in error_examples(controller)],
    }
