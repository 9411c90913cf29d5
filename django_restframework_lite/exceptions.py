"""The errors an API answers with.

Every exception here carries its HTTP status and renders as the JSON body
``{"error": "<one sentence>"}``, plus ``"fields": {...}`` for validation errors.
Datastores, formaters and authentication raise them; the controller turns them
into responses, so nothing a client sends can end in Django's HTML 500 page.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
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
