"""OpenAPI operations of one ressource: each verb its parameters, bodies, answers, headers, links and security.

Built from the controller that serves the verb, as ``controllers`` and
``conditional`` answer it: every method but ``OPTIONS`` honours ``If-Match``
and ``If-None-Match`` (304 on ``GET``/``HEAD``, 412 elsewhere); ``GET``,
``HEAD``, ``POST``, ``PUT`` and ``PATCH`` answers carry an ``ETag``; ``HEAD``
is ``GET`` without a body; ``OPTIONS`` lists the verbs in ``Allow``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...controllers import Controller
from .links import object_links
from .parameters import conditional_parameters, partial_parameters
from .relations import expand_parameters
from .schemas import hook, multipart_schema
from .security import SecurityRegistry

__all__ = ["ERROR_DESCRIPTIONS", "Names", "error_response", "operation", "options_answer"]

ERROR_REF = {"$ref": "#/components/schemas/Error"}
LIST_SUMMARIES = {
    "GET": "List {name}",
    "HEAD": "Headers of the {name} list",
    "POST": "Create one of {name}",
    "OPTIONS": "Verbs of the {name} list",
}
UNIQUE_SUMMARIES = {
    "GET": "Read one of {name}",
    "HEAD": "Headers of one of {name}",
    "PUT": "Update one of {name} (only the given fields change)",
    "PATCH": "Update the given fields of one of {name}",
    "DELETE": "Delete one of {name}",
    "OPTIONS": "Verbs of one of {name}",
}
DESCRIPTIONS = {
    (False, "GET"): "A page of objects with the list meta; the query filters (with lookups), orders and pages it.",
    (False, "HEAD"): "The headers a GET of the list would answer (ETag included), without the body.",
    (False, "POST"): "Creates an object from the body; members left out get their documented default.",
    (False, "OPTIONS"): "The verbs this endpoint serves, in Allow and in the body.",
    (True, "GET"): "The object whose pk is in the path.",
    (True, "HEAD"): "The headers a GET of the object would answer (ETag included), without the body.",
    (True, "PUT"): "Changes the fields in the body and leaves the others; read-only members may be sent back unchanged.",
    (True, "PATCH"): "Changes the fields in the body and leaves the others.",
    (True, "DELETE"): "Deletes the object.",
    (True, "OPTIONS"): "The verbs this endpoint serves, in Allow and in the body.",
}
ERROR_DESCRIPTIONS = {
    400: "The request is invalid: see error and fields.",
    401: "Authentication credentials were missing or incorrect.",
    403: "The authenticated user may not do this.",
    404: "No such ressource.",
    409: "The request conflicts with stored data (a duplicate pk or unique values, or a row still referenced).",
    412: "A precondition failed: If-Match matches no current ETag, or (on a write) If-None-Match matches it.",
    413: "The request body is too large.",
    415: "Request bodies must be application/json.",
    429: "Too many requests (or failed authentications): the rate limit is exceeded; see Retry-After.",
    503: "A service the API needs (the database, the rate limit's cache) is unavailable; see Retry-After.",
}
RETRY_AFTER = {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
ETAG = {
    "description": "The strong tag of the body (the object, or the list page), for If-Match and If-None-Match.",
    "schema": {"type": "string"},
}
ALLOW = {"description": "The verbs this endpoint serves, comma-separated.", "schema": {"type": "string"}}
WRITE_VERBS = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True)
class Names:
    """The component names of one ressource's schemas (``User``, ``UserCreate``, ...)."""

    base: str
    partial: bool

    def ref(self, suffix: str = "") -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{self.base}{suffix}"}

    @property
    def read(self) -> dict[str, str]:
        """The object as a GET answers it (under partial responses, ``...Partial``)."""
        return self.ref("Partial" if self.partial else "")


def error_response(status: int, *, body: bool = True) -> dict[str, Any]:
    """Return an error answer: the JSON error (none for HEAD), and ``Retry-After`` where it applies."""
    response: dict[str, Any] = {"description": ERROR_DESCRIPTIONS[status]}
    if body:
        response["content"] = {"application/json": {"schema": ERROR_REF}}
    if status in (429, 503):
        response["headers"] = {"Retry-After": RETRY_AFTER}
    return response


def ratelimit_headers(controller: Controller) -> dict[str, Any]:
    describe = hook(controller.ratelimit, "openapi_headers")
    headers: dict[str, Any] = dict(describe()) if describe is not None else {}
    return headers


def request_body(controller: Controller, names: Names, *, create: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "required": True,
        "content": {"application/json": {"schema": names.ref("Create" if create else "Update")}},
    }
    if controller.accepts_uploads:
        body["content"]["multipart/form-data"] = {"schema": multipart_schema(controller, create=create)}
    return body


def success_responses(controller: Controller, verb: str, unique: bool, names: Names,
                      shown: dict[str, Any]) -> dict[str, Any]:
    """Return the 2xx (and 304) answers of one verb, with their headers, bodies and links."""
    if verb in {"GET", "HEAD"}:
        ok: dict[str, Any] = {"description": "OK", "headers": {"ETag": ETAG}}
        if verb == "GET":
            ok["content"] = {"application/json": {"schema": names.read if unique else names.ref("List")}}
            if not unique:
                ok["links"] = object_links(controller, shown, names.base, created=False) or None
        not_modified = {"description": "Not modified: If-None-Match matches the ETag; no body.", "headers": {"ETag": ETAG}}
        return {"200": {key: value for key, value in ok.items() if value is not None}, "304": not_modified}
    if verb == "POST":
        created: dict[str, Any] = {
            "description": "Created; Location gives the new object's URI.",
            "headers": {"Location": {"description": "The new object's URI.", "schema": {"type": "string"}}, "ETag": ETAG},
            "content": {"application/json": {"schema": names.ref()}},
        }
        links = object_links(controller, shown, names.base, created=True)
        if links:
            created["links"] = links
        return {"201": created}
    if verb in {"PUT", "PATCH"}:
        return {"200": {"description": "The updated object.", "headers": {"ETag": ETAG},
                        "content": {"application/json": {"schema": names.ref()}}}}
    if verb == "DELETE":
        return {"204": {"description": "Deleted; the body is empty."}}
    return {"200": options_answer()}


def options_answer() -> dict[str, Any]:
    """Return the 200 of OPTIONS on any route: ``Allow``, and the same verbs as JSON."""
    allow = {"type": "object", "required": ["allow"], "properties": {"allow": {"type": "array", "items": {"type": "string"}}}}
    return {"description": "The allowed verbs.", "headers": {"Allow": ALLOW},
            "content": {"application/json": {"schema": allow}}}


def error_statuses(controller: Controller, verb: str, unique: bool) -> list[int]:
    """Return the error statuses a verb may answer (authentication and rate limit aside)."""
    statuses = [400, 503]  # a malformed query (too many parameters) is a 400 on any verb
    if unique:
        statuses.append(404)  # OPTIONS too: an identifier that does not fit the pk's type is no route
    if verb != "OPTIONS":
        statuses.append(412)
    if verb in WRITE_VERBS:
        statuses.extend([409, 413, 415])
    if verb == "DELETE":
        statuses.append(409)
    return sorted(set(statuses))


def operation(controller: Controller, verb: str, *, unique: bool, security: SecurityRegistry, names: Names,
              shown: dict[str, Any], list_parameters: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the OpenAPI operation of one verb of a list or unique endpoint.

    ``shown`` is the object schema (for the links), ``list_parameters`` the query of the list GET.
    """
    name = controller.ressource_name
    summaries = UNIQUE_SUMMARIES if unique else LIST_SUMMARIES
    op: dict[str, Any] = {
        "operationId": f"{name}_{'detail' if unique else 'list'}_{verb.lower()}",
        "summary": summaries[verb].format(name=name),
        "description": DESCRIPTIONS[unique, verb],
        "tags": [name],
    }
    parameters: list[dict[str, Any]] = []
    if verb in {"GET", "HEAD"}:
        parameters.extend([*partial_parameters(controller), *expand_parameters(controller)] if unique else list_parameters)
    if verb != "OPTIONS":
        parameters.extend(conditional_parameters())
    if verb in {"POST", "PUT", "PATCH"}:
        op["requestBody"] = request_body(controller, names, create=verb == "POST")
    responses = success_responses(controller, verb, unique, names, shown)
    body = verb != "HEAD"
    for status in error_statuses(controller, verb, unique):
        responses[str(status)] = error_response(status, body=body)
    if parameters and verb in {"GET", "HEAD"}:
        # Answered by the web server in front (gunicorn: a request line over 4094 bytes), in its own format.
        responses["414"] = {"description": "The URI is longer than the web server takes (long filter lists): "
                                           "answered by the web server, in its own format."}
    if controller.accepts_uploads and verb in WRITE_VERBS:
        responses["415"]["description"] = "Request bodies must be application/json or multipart/form-data."
        responses["413"]["description"] = "The request body, or an uploaded file, is too large."
    requirements = security.requirements(controller)
    op["security"] = requirements if requirements is not None else []
    if requirements is not None:
        responses["401"] = error_response(401, body=body)
        responses["403"] = error_response(403, body=body)
    if controller.ratelimit is not None:
        responses["429"] = error_response(429, body=body)
    headers = ratelimit_headers(controller)
    if headers:
        for code, response in responses.items():
            if code.startswith("2"):
                response.setdefault("headers", {}).update(headers)
    if parameters:
        op["parameters"] = parameters
    op["responses"] = dict(sorted(responses.items()))
    return op
