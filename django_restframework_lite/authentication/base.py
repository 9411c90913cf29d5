"""The base of every authentication, and the one place a request's user is asked for.

``authenticate(request, authentication)`` asks the backend once per request and
keeps the answer on the request (``request.api_user``), never on the shared
backend object.

It is also where a test's forced identity is honoured: ``ApiClient.force_authenticate``
(``django_restframework_lite.test``) puts the user under ``FORCED_USER_KEY`` in the
WSGI environ of its requests. That key is lower-case and dotted, and a client's
headers only ever become ``HTTP_*`` keys, so no real request can carry it; a normal
request pays one dict lookup for it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..exceptions import ApiError, Unauthorized
from ..models import FieldError

API_KEY_HEADER = "X-Api-Key"
#: The ``request.META`` (WSGI environ) key of an identity forced by a test client.
FORCED_USER_KEY = "django_restframework_lite.forced_user"
_UNSET = object()


def authenticate(request: HttpRequest, authentication: Authentication | None) -> Any:
    """Return the user of ``request`` for ``authentication``, asking it only once per request.

    The answer is kept on the request itself (``request.api_user``), so the
    authorization, the rate limit and the controller all see the same user while
    the shared authentication object keeps no request state. A user forced by a
    test client (``FORCED_USER_KEY``) is taken as is: no backend is asked, so no
    credentials and no CSRF check.
    """
    if authentication is None:
        return None
    asked: object = getattr(request, "_api_authentication", None)
    if asked is authentication:
        user = getattr(request, "api_user", _UNSET)
        if user is not _UNSET:
            return user
    user = request.META.get(FORCED_USER_KEY, _UNSET)
    if user is _UNSET:
        user = authentication.get_user(request)
    # HttpRequest declares neither attribute: they are ours, set on the instance.
    setattr(request, "api_user", user)  # noqa: B010
    setattr(request, "_api_authentication", authentication)  # noqa: B010
    return user


class Authentication:
    """Base class: tell who sends a request.

    Subclasses implement ``get_user(request)``. ``query_parameters`` names the
    query keys the backend reads credentials from; the controller never treats
    them as filters, nor copies them into links. ``www_authenticate`` is the
    challenge a 401 carries; ``vary_headers`` the request headers the
    credentials come in, which every answer of the endpoint names in ``Vary``;
    ``requires_database`` says whether it reads Django's own tables.
    """

    query_parameters: tuple[str, ...] = ()
    www_authenticate: str = 'Api realm="api"'
    #: True when the backend reads Django's own tables (auth users, sessions): a standalone
    #: ``WSGIDispatcher`` then creates them in a SQLite file.
    requires_database: bool = False

    #: The request headers credentials are read from: answers ``Vary`` on them (and are ``private``).
    vary_headers: tuple[str, ...] = ("Authorization", "Cookie")

    def get_user(self, request: HttpRequest) -> Any:
        """Return the user sending ``request``, or None for an anonymous request."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_user()")

    def get_www_authenticate(self, request: HttpRequest) -> str:
        """Return the ``WWW-Authenticate`` challenge of a 401 answer to ``request``."""
        return self.www_authenticate

    def unauthorized(self, request: HttpRequest, message: str | None = None) -> Unauthorized:
        """Build the 401 error for ``request``, with this backend's challenge."""
        return Unauthorized(message, headers={"WWW-Authenticate": self.get_www_authenticate(request)})

    def get_openapi_security_schemes(self) -> list[dict[str, Any]]:
        """Return the OpenAPI security schemes this backend accepts: here, its query parameters."""
        return [
            {"type": "apiKey", "in": "query", "name": name, "description": f"Read by {type(self).__name__}."}
            for name in self.query_parameters
        ]


def lookup_by_pk(datastore: Any, value: str) -> dict[str, Any] | None:
    """Return the row of ``datastore`` whose pk is ``value``, or None; a value no pk can take is None."""
    field = datastore.model.pk_field
    try:
        identifier = field.to_query_value(value)
        row: dict[str, Any] = datastore.get(identifier)
        return row
    except (ApiError, FieldError, ValueError, TypeError, OverflowError):
        return None
