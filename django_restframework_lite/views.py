"""Views: how one endpoint's objects are rendered, and the per-request view formaters receive.

A controller builds one ``View`` from its ``view`` dict when the URLs are built.
Each request then gets a ``BoundView``: the same configuration plus that
request's mount prefix, so that formaters can build links (``/api/users/3/``)
without any request state being stored on the shared objects::

    def add_full_name(view, obj):
        obj["full_name"] = f"{obj['first_name']} {obj['last_name']}"
        return obj

    view = {"response_class": JsonResponse,
            "options": {"formaters": ["add_ressource_uri", add_full_name]}}

``JsonResponse``, the default ``response_class``, lives in ``responses`` and is
importable from here, as the seed's tutorial does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest

from .datastore import DataStore
from .formaters import add_ressource_uri, quote_identifier, render_builtin
from .models import Model
from .responses import JsonResponse
from .types import ResponseClass, ViewFormater

__all__ = ["BoundView", "JsonResponse", "View"]


@cache
def quoted_segment(ressource_name: str) -> str:
    """Spell a ressource name as one URL path segment, once per name (a page of foreign keys asks for it per row)."""
    return quote(ressource_name, safe="")


class View:
    """The rendering configuration of one endpoint, built once from its ``view`` dict.

    Holds no request state: ``bind(request, prefix)`` returns the per-request
    ``BoundView`` that formaters receive.
    """

    def __init__(
        self,
        *,
        datastore: DataStore,
        ressource_name: str,
        response_class: ResponseClass | None = None,
        formaters: Sequence[ViewFormater] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self.datastore = datastore
        self.model: Model = datastore.model
        self.ressource_name = ressource_name
        self.quoted_name = quoted_segment(ressource_name)
        self.response_class: ResponseClass = response_class or JsonResponse
        self.formaters: list[ViewFormater] = list(formaters) if formaters is not None else [add_ressource_uri]
        self.options: dict[str, Any] = dict(options or {})
        self.pk_name: str = self.model.pk_field.name

    def bind(self, request: HttpRequest, prefix: str) -> BoundView:
        """Return the view of one request, whose links start with ``prefix`` (``"/api/"``)."""
        return BoundView(self, request, prefix)


class BoundView:
    """One request's view: what a formater ``f(view, obj)`` receives.

    It reads like the shared ``View`` (``model``, ``datastore``, ``formaters``,
    ``response_class``) and adds ``request`` and ``prefix`` (the absolute mount
    path, ``"/api/"``), with ``uri()`` to build links to any ressource of the API.
    """

    __slots__ = ("datastore", "formaters", "model", "pk_name", "prefix", "request", "ressource_base", "view")

    def __init__(self, view: View, request: HttpRequest, prefix: str) -> None:
        self.view = view
        self.request = request
        self.prefix = prefix
        self.ressource_base = f"{prefix}{view.quoted_name}/"
        self.model = view.model
        self.datastore = view.datastore
        self.formaters = view.formaters
        self.pk_name = view.pk_name

    quote_pk = staticmethod(quote_identifier)

    @property
    def response_class(self) -> ResponseClass:
        return self.view.response_class

    @property
    def ressource_name(self) -> str:
        return self.view.ressource_name

    def uri(self, ressource_name: str, pk: Any) -> str:
        """Return the absolute URI of object ``pk`` of ``ressource_name``: ``/api/address/1/``."""
        return f"{self.prefix}{quoted_segment(ressource_name)}/{quote_identifier(pk)}/"

    def ressource_uri(self, pk: Any) -> str:
        """Return the absolute URI of object ``pk`` of this ressource."""
        return self.ressource_base + quote_identifier(pk) + "/"

    def render(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Run every view formater on ``obj`` and return the result."""
        for formater in self.formaters:
            obj = formater(self, obj)
        return obj

    def render_all(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Return a copy of each row run through every view formater (the built-in ones in one pass per page)."""
        rendered = render_builtin(self, rows) if type(self) is BoundView else None  # a subclass may build URIs its way
        if rendered is not None:
            return rendered
        objects = []
        for obj in rows:
            obj = dict(obj)
            for formater in self.formaters:
                obj = formater(self, obj)
            objects.append(obj)
        return objects
