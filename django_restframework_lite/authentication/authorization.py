"""Authorization: may the authenticated user go on? ``Authorization`` and ``DjangoModelPermissions``."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from ..exceptions import Forbidden
from .base import Authentication, authenticate


class Authorization:
    """Let every authenticated request through; an anonymous one is a 401.

    Built by the controller as ``Authorization(authentication, controller=...)``.
    Override ``has_permission(request, user)`` (return False for a 403) or
    ``check_auth(request)`` itself for finer rules.
    """

    #: True when it reads Django's own tables (permissions): see ``Authentication.requires_database``.
    requires_database: bool = False

    def __init__(self, authentication: Authentication, *, controller: Any = None) -> None:
        if authentication is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs an authentication to identify users.")
        self.authentication = authentication
        self.controller = controller

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

    def check_object(self, request: HttpRequest, obj: dict[str, Any]) -> None:
        """Refuse ``request`` on one object by raising ``Forbidden`` or ``NotFound`` (nothing here).

        Runs on unique GET, HEAD, PUT, PATCH and DELETE once the object is read
        (inside the write's transaction): a refused write writes nothing.
        ``request.api_user`` is the authenticated identity.
        """


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

    requires_database = True
    perms_map: dict[str, list[str]] = {
        "GET": [],
        "HEAD": [],
        "OPTIONS": [],
        "POST": ["add"],
        "PUT": ["change"],
        "PATCH": ["change"],
        "DELETE": ["delete"],
    }

    def __init__(self, authentication: Authentication, *, controller: Any = None) -> None:
        super().__init__(authentication, controller=controller)
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
        return bool(user.has_perms(self.get_required_permissions(request.method or "GET")))


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
    parameters: Iterable[inspect.Parameter]
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
