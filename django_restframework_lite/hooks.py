"""The per-request hooks of a controller, and what other endpoints ask of it across a relation.

``Controller`` inherits them; a subclass overrides ``scope()`` and
``before_write()``, and its authorization may define ``check_object()``::

    class NoteEndPoint(Controller):
        def scope(self, request):                      # every read and write of the request
            return {"owner": request.api_user.pk}

        def before_write(self, request, data, current):
            return {**data, "owner": request.api_user.pk}  # the server's value of a read-only field
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from .authentication import authenticate
from .datastore import DataStore
from .datastore.query import Filter
from .exceptions import ApiError
from .relations import Relations, resolve_relations

__all__ = ["Hooks"]


class Hooks:
    """Per-request rules of an endpoint: its scope, the server's values of a write, one object's refusal.

    The attributes read here are set by ``Controller.__init__``.
    """

    datastore: DataStore
    authentication: Any
    authorization: Any
    options: dict[str, Any]
    relations: Relations
    _scoped: bool
    _check_object: Any

    def scope(self, request: HttpRequest) -> dict[str, Any]:
        """Return the filters that confine every read and write of ``request`` (none here).

        Keys are spelled as in a query string, values are Python values
        (``{"owner": request.api_user.pk}``, ``{"status__in": ["a", "b"]}``); any
        field of the model may be named, exposed or not. Rows outside the scope are
        absent from lists and counts and a 404 on unique endpoints; a write whose
        row would fall outside it is a 400 naming the field, and writes nothing.
        """
        return {}

    def before_write(self, request: HttpRequest, data: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        """Return the data a POST (``current`` None), PUT or PATCH writes (the body as sent, here).

        Called after the body is parsed and checked against the read-only rules,
        before it is validated: what it adds is not subject to the read-only rules
        (the server's own values, such as an owner). It may raise any ``ApiError``.
        """
        return data

    def request_scope(self, request: HttpRequest) -> list[Filter]:
        """Return the conditions of ``scope(request)``, parsed with the field types."""
        if not self._scoped:
            return []
        scope = self.scope(request) or {}
        try:
            return self.datastore.parse_scope(scope)
        except ApiError as error:
            raise ImproperlyConfigured(f"{type(self).__name__}.scope() returned {scope!r}: {error.message}") from None

    def check_object(self, request: HttpRequest, obj: dict[str, Any]) -> None:
        """Let the authorization refuse one object (403 or 404) once it is read."""
        if self._check_object is not None:
            self._check_object(request, obj)

    def locked_object(self, request: HttpRequest, identifier: Any, scope: Sequence[Filter]) -> dict[str, Any]:
        """Return the object a write changes, locked until ``atomic()`` ends; 404 outside the scope."""
        current = self.datastore.get_for_update(identifier)
        if scope and not self.datastore.in_scope(current, scope):
            raise self.datastore.not_found(identifier)
        self.check_object(request, current)
        return current

    def bind_relations(self, siblings: dict[str, Any]) -> list[tuple[str, str]]:
        """Resolve the options that cross foreign keys to the sibling endpoints; return the problems."""
        self.relations, problems = resolve_relations(self, self.options, siblings)
        return problems

    def visible_scope(self, request: HttpRequest) -> list[Filter] | None:
        """Return the scope of the rows this endpoint would show ``request``, or None when it would show none.

        Other endpoints ask before filtering, ordering or embedding across a
        foreign key to this one: a row this endpoint hides never shows through them.
        """
        try:
            if self.authentication is not None:
                authenticate(request, self.authentication)
            if self.authorization is not None:
                self.authorization.check_auth(request)
        except ApiError:
            return None
        return self.request_scope(request)
