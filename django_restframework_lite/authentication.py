"""Who is calling, and may they: authentication and authorization backends.

An *authentication* tells who sends a request (``get_user(request)`` returns a
user or None); an *authorization* decides whether that user may go on
(``check_auth(request)`` raises ``Unauthorized`` or ``Forbidden``). A controller
takes an authentication instance and an authorization class, which it builds
once with its authentication::

    keys = PythonListDataStore([{"accesskey": "hackme"}], KeyModel)

    class UserEndPoint(Controller):
        controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"],
                      "options": {"authentication": ApiKeyAuthentication(keys, identifier="accesskey"),
                                  "authorization": Authorization}}

A controller asks for the user once per request through ``authenticate()``, which
keeps it on the ``HttpRequest`` (``request.api_user``): never on the shared
authentication object, which every request sees.

Missing or wrong credentials make an anonymous request (``None``), as in the
seed: the authorization turns that into a 401. Credentials that cannot even be
read (a Basic header that is not base64, has no colon or is not UTF-8) are a 401
straight away, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import inspect
from typing import Any

from django.contrib import auth
from django.contrib.auth import hashers
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware

from .exceptions import ApiError, Forbidden, Unauthorized
from .models import FieldError

__all__ = [
    "ApiKeyAuthentication",
    "Authentication",
    "Authorization",
    "BasicAuthentication",
    "DjangoAuthentication",
    "DjangoModelPermissions",
    "authenticate",
    "build_authorization",
]

API_KEY_HEADER = "X-Api-Key"
_UNSET = object()


def authenticate(request: HttpRequest, authentication: Authentication | None) -> Any:
    """Return the user of ``request`` for ``authentication``, asking it only once per request.

    The answer is kept on the request itself (``request.api_user``), so the
    authorization, the rate limit and the controller all see the same user while
    the shared authentication object keeps no request state.
    """
    if authentication is None:
        return None
    if getattr(request, "_api_authentication", None) is authentication:
        user = getattr(request, "api_user", _UNSET)
        if user is not _UNSET:
            return user
    user = authentication.get_user(request)
    request.api_user = user
    request._api_authentication = authentication
    return user


class Authentication:
    """Base class: tell who sends a request.

    Subclasses implement ``get_user(request)``. ``query_parameters`` names the
    query keys the backend reads credentials from; the controller never treats
    them as filters. ``www_authenticate`` is the challenge a 401 carries.
    """

    query_parameters: tuple[str, ...] = ()
    www_authenticate: str = 'Api realm="api"'

    def get_user(self, request: HttpRequest) -> Any:
        """Return the user sending ``request``, or None for an anonymous request."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_user()")

    def get_www_authenticate(self, request: HttpRequest) -> str:
        """Return the ``WWW-Authenticate`` challenge of a 401 answer to ``request``."""
        return self.www_authenticate

    def unauthorized(self, request: HttpRequest, message: str | None = None) -> Unauthorized:
        """Build the 401 error for ``request``, with this backend's challenge."""
        return Unauthorized(message, headers={"WWW-Authenticate": self.get_www_authenticate(request)})


def _lookup_by_pk(datastore: Any, value: str) -> dict[str, Any] | None:
    """Return the row of ``datastore`` whose pk is ``value``, or None; a value no pk can take is None."""
    field = datastore.model.pk_field
    try:
        identifier = field.to_query_value(value)
        return datastore.get(identifier)
    except (ApiError, FieldError, ValueError, TypeError, OverflowError):
        return None


class ApiKeyAuthentication(Authentication):
    """Identify a request by an API key: the pk of a row in ``datastore``.

    The key is read from the query parameter named ``identifier`` (the seed's
    ``?apikey=...``) or, better since it stays out of logs, from the
    ``X-Api-Key`` header. The user is the row found; an unknown key is anonymous.
    """

    def __init__(self, datastore: Any, identifier: str = "apikey", **options: Any) -> None:
        self.datastore = datastore
        self.identifier = identifier
        self.options = options
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
        return _lookup_by_pk(self.datastore, key)


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

    def __init__(
        self,
        datastore: Any = None,
        *,
        username_field: str | None = None,
        password_field: str = "password",
        **options: Any,
    ) -> None:
        self.datastore = datastore
        self.password_field = password_field
        self.options = options
        self.username_field = username_field
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
            return _lookup_by_pk(self.datastore, username)
        try:
            rows = self.datastore.get_list(count=2, **{self.username_field: username})
        except ApiError:
            return None
        return rows[0] if len(rows) == 1 else None


class _CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF middleware, answering the reason of a refusal instead of a response."""

    def _reject(self, request: HttpRequest, reason: str) -> str:  # type: ignore[override]
        return reason


def _no_response(request: HttpRequest) -> None:
    return None


def _csrf_protected_view(request: HttpRequest) -> None:
    """Stand for the API view in the CSRF check: an ordinary, not exempt, view."""
    return None


class DjangoAuthentication(Authentication):
    """Use the Django session user (``request.user``), as Django's own views do.

    Cookies are sent by the browser whoever asks it to, so an authenticated
    session request with an unsafe method must pass Django's CSRF check, exactly
    as ``CsrfViewMiddleware`` checks an ordinary view (the API views are
    ``csrf_exempt`` so that key and Basic clients never need a token). A refused
    check is a 403 naming Django's reason. Safe methods are never checked.
    """

    www_authenticate = 'Session realm="api"'

    def get_user(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None and hasattr(request, "session"):
            user = auth.get_user(request)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        self.enforce_csrf(request)
        return user

    def enforce_csrf(self, request: HttpRequest) -> None:
        """Run Django's CSRF check on ``request``; raise ``Forbidden`` when it refuses."""
        check = _CsrfCheck(_no_response)
        check.process_request(request)
        reason = check.process_view(request, _csrf_protected_view, (), {})
        if reason:
            raise Forbidden(f"CSRF verification failed: {reason}")


class Authorization:
    """Let every authenticated request through; an anonymous one is a 401.

    Built by the controller as ``Authorization(authentication, controller=...)``.
    Override ``has_permission(request, user)`` (return False for a 403) or
    ``check_auth(request)`` itself for finer rules.
    """

    def __init__(self, authentication: Authentication, *, controller: Any = None, **options: Any) -> None:
        if authentication is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs an authentication to identify users.")
        self.authentication = authentication
        self.controller = controller
        self.options = options

    def check_auth(self, request: HttpRequest) -> None:
        """Return if ``request`` may go on; raise ``Unauthorized`` (no user) or ``Forbidden``."""
        user = authenticate(request, self.authentication)
        if user is None:
            raise self.authentication.unauthorized(request)
        if not self.has_permission(request, user):
            raise Forbidden()

    def has_permission(self, request: HttpRequest, user: Any) -> bool:
        """Tell whether the authenticated ``user`` may do ``request``; True here."""
        return True


def _django_model_of(datastore: Any) -> Any:
    """Return the Django model class a datastore serves, or None when it serves no ORM model."""
    from django.db import models as django_models

    candidates = (getattr(datastore, "model_class", None), getattr(datastore, "queryset", None),
                  getattr(datastore, "ressource_config", None))
    for candidate in candidates:
        if isinstance(candidate, django_models.QuerySet):
            return candidate.model
        if isinstance(candidate, type) and issubclass(candidate, django_models.Model):
            return candidate
    return None


class DjangoModelPermissions(Authorization):
    """Require Django's model permissions of the ORM model behind the controller.

    ``POST`` needs ``add``, ``PUT``/``PATCH`` ``change`` and ``DELETE`` ``delete``
    (``<app_label>.<action>_<model_name>``). Reads (``GET``, ``HEAD``,
    ``OPTIONS``) need only an authenticated user, as in Django REST framework;
    set ``perms_map["GET"] = ["view"]`` in a subclass to require ``view``. The
    user must be a Django user: use ``DjangoAuthentication`` or
    ``BasicAuthentication()`` without a datastore.
    """

    perms_map: dict[str, list[str]] = {
        "GET": [],
        "HEAD": [],
        "OPTIONS": [],
        "POST": ["add"],
        "PUT": ["change"],
        "PATCH": ["change"],
        "DELETE": ["delete"],
    }

    def __init__(self, authentication: Authentication, *, controller: Any = None, **options: Any) -> None:
        super().__init__(authentication, controller=controller, **options)
        name = type(self).__name__
        if controller is None:
            raise ImproperlyConfigured(
                f"{name} reads the model of its controller: build it with {name}(authentication, controller=...)."
            )
        self.django_model = _django_model_of(controller.datastore)
        if self.django_model is None:
            raise ImproperlyConfigured(
                f"{name} on {type(controller).__name__}: the datastore must be a DjangoModelDataStore "
                f"(Django model permissions need a Django model), not {type(controller.datastore).__name__}."
            )

    def get_required_permissions(self, method: str) -> list[str]:
        """Return the permission names ``method`` needs on the controller's model."""
        meta = self.django_model._meta
        actions = self.perms_map.get(method.upper())
        if actions is None:
            # An unknown method needs a permission nobody has: refuse rather than allow.
            return [f"{meta.app_label}.{method.lower()}_{meta.model_name}"]
        return [f"{meta.app_label}.{action}_{meta.model_name}" for action in actions]

    def has_permission(self, request: HttpRequest, user: Any) -> bool:
        if not hasattr(user, "has_perms"):
            return False
        return user.has_perms(self.get_required_permissions(request.method or "GET"))


def build_authorization(authorization: Any, authentication: Authentication | None, controller: Any) -> Any:
    """Build the controller's authorization from the class given in its options.

    The class gets the controller's authentication, and ``controller=`` when its
    constructor takes it (a user-written class with the seed's
    ``__init__(self, authentication)`` works unchanged). An instance is used as is.
    """
    if authorization is None:
        return None
    if not isinstance(authorization, type):
        return authorization
    try:
        parameters = inspect.signature(authorization).parameters.values()
    except (TypeError, ValueError):
        parameters = ()
    takes_controller = any(
        parameter.name == "controller" or parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters
    )
    if takes_controller:
        return authorization(authentication, controller=controller)
    return authorization(authentication)
