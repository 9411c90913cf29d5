"""The errors an API answers with.

Every exception here carries its HTTP status and renders as the JSON body
``{"error": "<one sentence>"}``, plus ``"fields": {...}`` for validation errors.
Datastores, formaters and authentication raise them; the controller turns them
into responses, so nothing a client sends can end in Django's HTML 500 page.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404


class ApiError(Exception):
    """Base class: an HTTP status, a message and, optionally, per-field messages."""

    status: int = 500
    default_message: str = "Internal server error."

    def __init__(
        self,
        status: int | None = None,
        message: str | None = None,
        *,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if status is not None:
            self.status = status
        self.message = message or self.default_message
        self.fields = fields or {}
        self.headers = headers or {}
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON body of this error."""
        body: dict[str, Any] = {"error": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class _StatusError(ApiError):
    """An ApiError whose status is fixed by its class: ``NotFound("no such user")``."""

    def __init__(
        self,
        message: str | None = None,
        *,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(None, message, fields=fields, headers=headers)


class BadRequest(_StatusError):
    status = 400
    default_message = "Bad request."


class Unauthorized(_StatusError):
    status = 401
    default_message = "Authentication credentials were missing or incorrect."


class Forbidden(_StatusError):
    status = 403
    default_message = "You do not have permission to perform this action."


class NotFound(_StatusError):
    status = 404
    default_message = "The requested ressource was not found."


class MethodNotAllowed(_StatusError):
    status = 405
    default_message = "Method not allowed."


class Conflict(_StatusError):
    status = 409
    default_message = "The request conflicts with the current state of the ressource."


class PreconditionFailed(_StatusError):
    status = 412
    default_message = "The ressource has changed since you last read it."


class PayloadTooLarge(_StatusError):
    status = 413
    default_message = "The request body is too large."


class UnsupportedMediaType(_StatusError):
    status = 415
    default_message = "Request bodies must be sent as application/json."


class TooManyRequests(_StatusError):
    status = 429
    default_message = "Too many requests: the rate limit is exceeded."


class ServiceUnavailable(_StatusError):
    """503: a service the API needs (the database, the cache) cannot answer now; ``Retry-After`` says when to try again."""

    status = 503
    default_message = "The service is unavailable; try again later."

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: int = 5,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, fields=fields, headers={"Retry-After": str(retry_after), **(headers or {})})
        self.retry_after = retry_after


#: Seconds a client is told to wait (``Retry-After``) when the database cannot be reached,
#: and when a SQLite database stayed locked past its busy timeout.
DATABASE_RETRY_AFTER = 5
LOCKED_RETRY_AFTER = 1

# SQLite's words for "another connection holds the lock" and "the file cannot be used now".
_SQLITE_BUSY = ("database is locked", "database table is locked", "database schema is locked")
_SQLITE_UNAVAILABLE = ("disk i/o error", "unable to open database file", "database or disk is full")


def unavailable_error(error: BaseException) -> ServiceUnavailable | None:
    """Return the 503 for a database error that says "not now" rather than "never", else None.

    PostgreSQL's operational errors (the server is down, restarting, refusing
    connections, or the connection dropped: Django's ``OperationalError`` and
    ``InterfaceError``) and SQLite's lock and I/O errors are outages: the same
    request may succeed later. Any other database error (a missing table, bad
    SQL) is a bug of the server, not an outage, and gets None.
    """
    cause = error.__cause__ if isinstance(error, (OperationalError, InterfaceError)) else error
    if isinstance(cause, sqlite3.Error):
        text = str(cause).lower()
        if any(words in text for words in _SQLITE_BUSY):
            return ServiceUnavailable(
                "The database is busy: another writer held its lock for too long. Try again.",
                retry_after=LOCKED_RETRY_AFTER,
            )
        if isinstance(cause, sqlite3.OperationalError) and any(words in text for words in _SQLITE_UNAVAILABLE):
            return ServiceUnavailable("The database cannot be used right now. Try again later.", retry_after=DATABASE_RETRY_AFTER)
        return None
    if isinstance(error, (OperationalError, InterfaceError)):
        return ServiceUnavailable("The database is unavailable. Try again later.", retry_after=DATABASE_RETRY_AFTER)
    return None


#: Django's own exceptions that a request may raise anywhere (a formater, a hook, an
#: authentication backend, a datastore), answered as JSON like the API's own errors.
DJANGO_ERRORS = (Http404, PermissionDenied, ValidationError)


def from_django(error: Exception) -> ApiError:
    """Return the API error for one of Django's ``Http404``, ``PermissionDenied`` or ``ValidationError``."""
    if isinstance(error, Http404):
        return NotFound(str(error) or None)
    if isinstance(error, PermissionDenied):
        return Forbidden(str(error) or None)
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            messages = error.message_dict
            general = " ".join(str(message) for message in messages.get(NON_FIELD_ERRORS, ()))
            fields = {
                name: " ".join(str(message) for message in texts)
                for name, texts in messages.items()
                if name != NON_FIELD_ERRORS
            }
            return BadRequest(general or (f"{next(iter(fields))} does not validate" if fields else None), fields=fields)
        return BadRequest(" ".join(str(message) for message in error.messages) or None)
    raise TypeError(f"{error!r} is not one of Django's errors that the API answers.")


#: The seed's name for ``TooManyRequests``, kept so that a ported import keeps working.
TooManyRequest = TooManyRequests
