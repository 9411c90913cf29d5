"""Bytes on the wire: ``JsonResponse``, error answers, request bodies and queries, and methods.

JSON itself is written by ``jsonencoding.dumps`` (the standard library, or
orjson when installed: the same bytes), re-exported here.

Every route under an API's prefix (hello, endpoints, schema, SPORE, OpenAPI,
docs) answers HEAD, OPTIONS and an unsupported method the same way, through
``AllowedMethods`` and ``without_body``:

- ``OPTIONS`` is a 200 JSON answer ``{"allow": [...]}`` with the ``Allow`` header;
- ``HEAD`` is the ``GET`` answer's status and headers, ``Content-Length`` included,
  with an empty body;
- any other method not served is a JSON 405 with ``Allow``.

``answer_exception(request, error)`` is the one place an exception raised while
answering becomes bytes: the API's own errors and Django's ``Http404``,
``PermissionDenied`` and ``ValidationError`` their JSON 4xx, an unavailable
database or cache a JSON 503 with ``Retry-After``, and anything else a JSON 500
that Django's machinery still hears about (see ``server_error_response``).
"""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest as DjangoBadRequest
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.log import log_response

from .exceptions import (
    DJANGO_ERRORS,
    ApiError,
    BadRequest,
    MethodNotAllowed,
    PayloadTooLarge,
    ServiceUnavailable,
    UnsupportedMediaType,
    from_django,
    unavailable_error,
)
from .jsonencoding import dumps
from .models.numbers import JsonFloat

__all__ = [
    "JSON_CONTENT_TYPE",
    "AllowedMethods",
    "JsonResponse",
    "answer_exception",
    "dumps",
    "error_response",
    "is_multipart",
    "read_json_object",
    "read_multipart",
    "read_query",
    "serve",
    "server_error_response",
    "without_body",
]

JSON_CONTENT_TYPE = "application/json"
# RFC 9110's Content-Length: one or more ASCII digits (no sign, no underscore, no other digit).
_DIGITS = re.compile(r"[0-9]+")
MULTIPART_CONTENT_TYPE = "multipart/form-data"


class JsonResponse(HttpResponse):
    """The default ``response_class``: ``JsonResponse(data, status=200)`` is a Django ``HttpResponse``.

    ``data`` None gives an empty body (204 answers). Subclass it, or give any
    callable ``f(data, status=...) -> HttpResponse``, to render differently.
    """

    def __init__(
        self,
        data: Any = None,
        status: int = 200,
        *,
        headers: Mapping[str, str] | None = None,
        indent: int | None = None,
    ) -> None:
        content = b"" if data is None else dumps(data, indent=indent)
        super().__init__(content, status=status, content_type=JSON_CONTENT_TYPE, headers=headers)


def error_response(exc: ApiError) -> HttpResponse:
    """Render an ``ApiError`` as its JSON body, status and headers."""
    return JsonResponse(exc.as_dict(), status=exc.status, headers=exc.headers or None)


def answer_exception(request: HttpRequest, error: Exception) -> HttpResponse:
    """Return the JSON answer to ``error``, raised while answering ``request``; call it in the ``except`` block.

    Every route under an API's prefix answers through here, so that nothing
    there is ever an HTML page.
    """
    if isinstance(error, ServiceUnavailable):  # raised by a store or a rate limit: logged with its cause
        return outage_response(request, error, error.__cause__)
    if isinstance(error, ApiError):
        return error_response(error)
    if isinstance(error, DJANGO_ERRORS):
        return error_response(from_django(error))
    if isinstance(error, TooManyFieldsSent):  # request.POST read by an authentication backend (CSRF check)
        return error_response(BadRequest("Too many form fields."))
    if isinstance(error, RequestDataTooBig):
        return error_response(PayloadTooLarge("The request body is larger than this server accepts."))
    if isinstance(error, (MultiPartParserError, DjangoBadRequest, SuspiciousOperation)):
        # A body Django cannot parse (read by the CSRF check of a session request), as Django answers it: 400.
        return error_response(BadRequest(f"The request cannot be read: {error}"))
    outage = unavailable_error(error)
    if outage is not None:
        return outage_response(request, outage, error)
    return server_error_response(request, error)


def outage_response(request: HttpRequest, outage: ServiceUnavailable, cause: BaseException | None = None) -> HttpResponse:
    """Answer a request that an unavailable service stopped: JSON 503 with ``Retry-After``, logged as Django logs a 5xx.

    The cause goes to the ``django.request`` logger with its traceback, so an
    outage is as visible in the logs as the 500 it used to be.
    """
    response = error_response(outage)
    log_response(
        "%s: %s", response.reason_phrase, request.path, response=response, request=request, exception=cause or outage
    )
    return response


def server_error_response(request: HttpRequest, error: Exception) -> HttpResponse:
    """Answer an unexpected exception as Django does, in JSON: a 500 whose details only ``DEBUG`` shows.

    As Django's own handler does for an uncaught exception, it first sends
    ``got_request_exception`` (error reporters, and the test client, which
    raises the exception again in the test unless it was built with
    ``raise_request_exception=False``), re-raises when
    ``DEBUG_PROPAGATE_EXCEPTIONS`` is set, and logs the error with its traceback
    to the ``django.request`` logger (which mails ``ADMINS`` in Django's default
    logging). The body is ``{"error": "Internal server error."}``; with ``DEBUG``
    it adds ``"exception"`` and ``"traceback"``, as Django's technical 500 page would.
    """
    got_request_exception.send(sender=None, request=request)
    if settings.DEBUG_PROPAGATE_EXCEPTIONS:
        raise error
    body: dict[str, Any] = {"error": "Internal server error."}
    if settings.DEBUG:
        body["exception"] = f"{type(error).__name__}: {error}"
        body["traceback"] = "".join(traceback.format_exception(type(error), error, error.__traceback__)).splitlines()
    response = JsonResponse(body, status=500)
    log_response(
        "%s: %s", response.reason_phrase, request.path, response=response, request=request, exception=error
    )
    return response


# Request bodies ------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def is_json_content_type(content_type: str) -> bool:
    """Tell whether a (lower-cased) media type is JSON: ``application/json`` or ``application/*+json``."""
    return content_type == JSON_CONTENT_TYPE or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def is_multipart(request: HttpRequest) -> bool:
    """Tell whether the request's body is ``multipart/form-data`` (an upload)."""
    return (request.content_type or "").lower() == MULTIPART_CONTENT_TYPE


def read_multipart(request: HttpRequest) -> tuple[dict[str, list[str]], dict[str, list[Any]]]:
    """Return the text parts and the files of a ``multipart/form-data`` body, on any method.

    Django parses such a body itself only for POST; PUT and PATCH get the same
    parser here. Too large a body (Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for
    its text parts) is a 413, a malformed one or too many parts a 400.
    """
    parts: QueryDict
    try:
        if request.method == "POST":
            parts, files = request.POST, request.FILES
        else:
            # As Django's own parsing of POST: from the body already read, else from the stream.
            stream = BytesIO(request.body) if hasattr(request, "_body") else request
            parts, files = MultiPartParser(request.META, stream, request.upload_handlers, request.encoding).parse()
    except RequestDataTooBig:
        raise PayloadTooLarge("The request body is larger than this server accepts.") from None
    except (TooManyFieldsSent, TooManyFilesSent):
        raise BadRequest("Too many parts in the multipart/form-data body.") from None
    except (MultiPartParserError, ValueError) as error:
        raise BadRequest(f"Malformed multipart/form-data body: {error}") from None
    return {key: parts.getlist(key) for key in parts}, {key: files.getlist(key) for key in files}


@cache
def empty_query() -> QueryDict:
    """Return the query of a request without one (immutable, as ``request.GET`` is), built at the first such request
    (a ``QueryDict`` reads the settings: not at import, which a standalone ``WSGIDispatcher`` does before them)."""
    return QueryDict()


def read_query(request: HttpRequest) -> QueryDict:
    """Return the request's query parameters; more than Django accepts is a 400."""
    if "GET" not in request.__dict__ and not request.META.get("QUERY_STRING"):
        return empty_query()  # nothing to parse (and no middleware set request.GET): most detail requests
    try:
        return request.GET
    except TooManyFieldsSent:
        raise BadRequest("Too many query parameters.") from None


def read_json_object(request: HttpRequest) -> dict[str, Any]:
    """Return the request body as a dict, or raise 415/413/400 before anything is written.

    Numbers with a fraction or an exponent are ``JsonFloat``: floats that keep
    their text, so that a ``DecimalField`` reads ``12.50`` exactly.
    """
    content_type = (request.content_type or "").lower()
    if not is_json_content_type(content_type):
        raise UnsupportedMediaType(
            f"Send the body as application/json, not {content_type or 'without a Content-Type'}."
        )
    length = request.META.get("CONTENT_LENGTH")
    # Checked here, not left to Django: 5.2 lets int() fail in ``request.body``, 6.1
    # reads a malformed length as 0 (an empty body), so only this check says what is wrong.
    if length and not _DIGITS.fullmatch(length.strip()):
        raise BadRequest("The Content-Length header is not a number.")
    try:
        body = request.body
    except RequestDataTooBig:
        raise PayloadTooLarge("The request body is larger than this server accepts.") from None
    try:
        data = json.loads(body, parse_float=JsonFloat, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise BadRequest(f"Malformed JSON: {error.msg} (line {error.lineno}, column {error.colno}).") from None
    except (ValueError, RecursionError) as error:
        raise BadRequest(f"Malformed JSON: {error}.") from None
    if not isinstance(data, dict):
        raise BadRequest(f"The body must be a JSON object, not {type(data).__name__ if data is not None else 'null'}.")
    return data


# Methods -------------------------------------------------------------------------------------


class AllowedMethods:
    """The methods one route serves; ``HEAD`` comes with ``GET``, and ``OPTIONS`` always.

    Built once per route when the URLs are built: ``check(method)`` raises the
    405, ``options_response()`` is the ``OPTIONS`` answer.
    """

    __slots__ = ("header", "methods")

    def __init__(self, verbs: Iterable[str]) -> None:
        allowed = list(dict.fromkeys(verb.upper() for verb in verbs))
        if "GET" in allowed and "HEAD" not in allowed:
            allowed.append("HEAD")
        if "OPTIONS" not in allowed:
            allowed.append("OPTIONS")
        self.methods = frozenset(allowed)
        self.header = ", ".join(allowed)

    def __contains__(self, method: object) -> bool:
        return method in self.methods

    def __repr__(self) -> str:
        return f"AllowedMethods({self.header!r})"

    def check(self, method: str | None) -> None:
        """Raise the JSON 405, with ``Allow``, for a method this route does not serve."""
        if method not in self.methods:
            raise MethodNotAllowed(f"{method} is not allowed here; use {self.header}.", headers={"Allow": self.header})

    def options_response(self) -> HttpResponse:
        """Answer ``OPTIONS``: 200, the ``Allow`` header and the same list as JSON."""
        return JsonResponse({"allow": self.header.split(", ")}, headers={"Allow": self.header})


def without_body(response: HttpResponse) -> HttpResponse:
    """Turn a ``GET`` answer into the ``HEAD`` answer: same status and headers, ``Content-Length``, no body."""
    if isinstance(response, StreamingHttpResponse):
        response.streaming_content = []
        return response
    length = len(response.content)
    response.content = b""
    if response.status_code not in (204, 304):
        response["Content-Length"] = str(length)
    return response


def serve(request: HttpRequest, allowed: AllowedMethods, view: Callable[[], HttpResponse]) -> HttpResponse:
    """Answer ``request`` on a read-only route: ``view()`` for GET (and HEAD), else OPTIONS or the 405."""
    method = request.method
    try:
        allowed.check(method)
    except MethodNotAllowed as error:
        return error_response(error)
    if method == "OPTIONS":
        return allowed.options_response()
    try:
        response = view()
    except Exception as error:
        response = answer_exception(request, error)
    return without_body(response) if method == "HEAD" else response
