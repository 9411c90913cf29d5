"""The shipped authentication backends: API keys, HTTP Basic and the Django session."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import hashers
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

from ..exceptions import ApiError, Forbidden
from .base import API_KEY_HEADER, Authentication, lookup_by_pk


class ApiKeyAuthentication(Authentication):
    """Identify a request by an API key: the pk of a row in ``datastore``.

    The key is read from the query parameter named ``identifier`` (the seed's
    ``?apikey=...``) or, better since it stays out of logs, from the
    ``X-Api-Key`` header. The user is the row found; an unknown key is anonymous.
    """

    vary_headers = (API_KEY_HEADER,)

    def __init__(self, datastore: Any, identifier: str = "apikey") -> None:
        self.datastore = datastore
        self.identifier = identifier
        self.query_parameters = (identifier,)
        self.www_authenticate = f'ApiKey realm="api", param="{identifier}", header="{API_KEY_HEADER}"'

    def get_key(self, request: HttpRequest) -> str | None:
        """Return the key the client sent: the query parameter first, then the header."""
        key = request.GET.get(self.identifier)
        if not key:
            key = request.headers.get(API_KEY_HEADER)
        return key or None

    def get_user(self, request: HttpRequest) -> dict[str, Any] | None:
        key = self.get_key(request)
        if key is None:
            return None
        return lookup_by_pk(self.datastore, key)

    def get_openapi_security_schemes(self) -> list[dict[str, Any]]:
        return [
            {"type": "apiKey", "in": "query", "name": self.identifier, "description": "API key as a query parameter."},
            {"type": "apiKey", "in": "header", "name": API_KEY_HEADER, "description": "API key as a header."},
        ]


class BasicAuthentication(Authentication):
    """Check ``Authorization: Basic`` credentials (RFC 7617).

    Without a datastore the credentials are checked by Django's
    ``authenticate()`` against ``django.contrib.auth`` users (and so every
    configured auth backend). With a datastore, the row is found by
    ``username_field`` (default: ``"username"`` when the model has it, else the
    pk) and its ``password_field`` must hold a Django password hash, checked with
    ``django.contrib.auth.hashers.check_password``: a plaintext stored password
    never matches, since it is no hash Django knows. The row is returned without
    its password.
    """

    www_authenticate = 'Basic realm="api", charset="UTF-8"'
    vary_headers = ("Authorization",)

    def __init__(
        self,
        datastore: Any = None,
        *,
        username_field: str | None = None,
        password_field: str = "password",
    ) -> None:
        self.datastore = datastore
        self.requires_database = datastore is None  # Django's auth users
        self.password_field = password_field
        # Django's own users are looked up by Django; a datastore's by this field.
        self.username_field: str = username_field or "username"
        if datastore is not None:
            model = datastore.model
            if model.get_field(password_field) is None:
                raise ImproperlyConfigured(
                    f"BasicAuthentication: the datastore's model {type(model).__name__} has no "
                    f"{password_field!r} field; pass password_field= naming the field of password hashes."
                )
            if username_field is None:
                self.username_field = "username" if model.get_field("username") is not None else model.pk_field.name
            elif model.get_field(username_field) is None:
                raise ImproperlyConfigured(
                    f"BasicAuthentication: the datastore's model {type(model).__name__} has no "
                    f"{username_field!r} field (username_field)."
                )

    def get_openapi_security_schemes(self) -> list[dict[str, Any]]:
        return [{"type": "http", "scheme": "basic", "description": "HTTP Basic credentials."}]

    def get_credentials(self, request: HttpRequest) -> tuple[str, str] | None:
        """Return ``(username, password)`` from the header, None without Basic credentials.

        A Basic header that cannot be decoded is a 401: the client meant to log in
        and must learn that its header is broken.
        """
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, encoded = header.strip().partition(" ")
        if scheme.lower() != "basic":
            return None
        encoded = encoded.strip()
        if not encoded:
            raise self.unauthorized(request, "Invalid Basic credentials: nothing follows 'Basic'.")
        try:
            decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise self.unauthorized(request, "Invalid Basic credentials: not UTF-8 text in base64.") from None
        username, colon, password = decoded.partition(":")
        if not colon:
            raise self.unauthorized(request, "Invalid Basic credentials: no colon between username and password.")
        if "\x00" in decoded:
            # No account can hold it (Django's forms refuse it, PostgreSQL cannot store it).
            raise self.unauthorized(request, "Invalid Basic credentials: the NUL character (U+0000) is not allowed.")
        return username, password

    def get_user(self, request: HttpRequest) -> Any:
        credentials = self.get_credentials(request)
        if credentials is None:
            return None
        username, password = credentials
        if self.datastore is None:
            user = auth.authenticate(request, username=username, password=password)
            return user if user is not None and user.is_active else None
        row = self.find_row(username)
        if row is None:
            # Hash anyway, so an unknown username takes as long as a wrong password.
            hashers.make_password(password)
            return None
        stored = row.get(self.password_field)
        if not isinstance(stored, str) or not hashers.check_password(password, stored):
            return None
        return {name: value for name, value in row.items() if name != self.password_field}

    def find_row(self, username: str) -> dict[str, Any] | None:
        """Return the datastore row of ``username``, or None."""
        if self.username_field == self.datastore.model.pk_field.name:
            return lookup_by_pk(self.datastore, username)
        try:
            rows = self.datastore.get_list(count=2, **{self.username_field: username})
        except ApiError:
            return None
        return rows[0] if len(rows) == 1 else None


class _CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF middleware, answering the reason of a refusal instead of a response."""

    def _reject(self, request: HttpRequest, reason: str) -> str:
        return reason


def _no_response(request: HttpRequest) -> HttpResponse:
    """Stand for the rest of the middleware chain, which the CSRF check never calls."""
    raise RuntimeError("The CSRF check answers without calling the next middleware.")


def _csrf_protected_view(request: HttpRequest) -> HttpResponse:
    """Stand for the API view in the CSRF check: an ordinary, not exempt, view, never called."""
    raise RuntimeError("The CSRF check only looks at the view; it does not call it.")


class DjangoAuthentication(Authentication):
    """Use the Django session user (``request.user``), as Django's own views do.

    Cookies are sent by the browser whoever asks it to, so an authenticated
    session request with an unsafe method must pass Django's CSRF check, exactly
    as ``CsrfViewMiddleware`` checks an ordinary view (the API views are
    ``csrf_exempt`` so that key and Basic clients never need a token). A refused
    check is a 403 naming Django's reason. Safe methods are never checked.
    """

    www_authenticate = 'Session realm="api"'
    requires_database = True
    vary_headers = ("Cookie",)

    def get_user(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None and hasattr(request, "session"):
            user = auth.get_user(request)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        self.enforce_csrf(request)
        return user

    def get_openapi_security_schemes(self) -> list[dict[str, Any]]:
        return [
            {
                "type": "apiKey",
                "in": "cookie",
                "name": settings.SESSION_COOKIE_NAME,
                "description": "Django session cookie; unsafe methods also need the CSRF token (X-CSRFToken).",
            }
        ]

    def enforce_csrf(self, request: HttpRequest) -> None:
        """Run Django's CSRF check on ``request``; raise ``Forbidden`` when it refuses."""
        check = _CsrfCheck(_no_response)
        check.process_request(request)
        reason = check.process_view(request, _csrf_protected_view, (), {})
        if reason:
            raise Forbidden(f"CSRF verification failed: {reason}")
