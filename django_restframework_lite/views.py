"""Views: how objects are rendered, and the JSON response every endpoint answers with.

A controller builds one ``View`` from its ``view`` dict when the URLs are built.
Each request then gets a ``BoundView``: the same configuration plus that
request's mount prefix, so that formaters can build links (``/api/users/3/``)
without any request state being stored on the shared objects::

    def add_full_name(view, obj):
        obj["full_name"] = f"{obj['first_name']} {obj['last_name']}"
        return obj

    view = {"response_class": JsonResponse,
            "options": {"formaters": ["add_ressource_uri", add_full_name]}}
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from .exceptions import ApiError

if TYPE_CHECKING:
    from .controllers import Controller
    from .datastore import DataStore
    from .models import Model

Formater = Callable[[Any, dict[str, Any]], dict[str, Any]]

JSON_CONTENT_TYPE = "application/json"


def _default(value: Any) -> Any:
    """Serialise the few non-JSON types a datastore may hand back (ORM dates, decimals, UUIDs)."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# One encoder, built once: json.dumps() with options would build a new one per call.
_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_default)
_ascii_encoder = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False, default=_default)


def dumps(data: Any) -> bytes:
    """Serialise ``data`` as compact UTF-8 JSON."""
    text = _encoder.encode(data)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (only possible in echoed request text): escape it instead of failing.
        return _ascii_encoder.encode(data).encode("ascii")


class JsonResponse(HttpResponse):
    """The default ``response_class``: ``JsonResponse(data, status=200)`` is a Django ``HttpResponse``.

    ``data`` None gives an empty body (204 answers). Subclass it, or give any
    callable ``f(data, status=...) -> HttpResponse``, to render differently.
    """

    def __init__(self, data: Any = None, status: int = 200, *, headers: Mapping[str, str] | None = None) -> None:
        content = b"" if data is None else dumps(data)
        super().__init__(content, status=status, content_type=JSON_CONTENT_TYPE, headers=headers)


def error_response(exc: ApiError) -> HttpResponse:
    """Render an ``ApiError`` as its JSON body, status and headers."""
    return JsonResponse(exc.as_dict(), status=exc.status, headers=exc.headers or None)


# Built-in view formaters -------------------------------------------------------------------


def add_ressource_uri(view: BoundView, obj: dict[str, Any]) -> dict[str, Any]:
    """Add ``"ressource_uri": "<prefix><ressource_name>/<pk>/"`` (the default view formater)."""
    pk = obj.get(view.pk_name)
    if pk is not None:
        obj["ressource_uri"] = view.ressource_base + view.quote_pk(pk) + "/"
    return obj


def quote_identifier(pk: Any) -> str:
    """Spell a pk as a URL path segment."""
    if type(pk) is int:
        return str(pk)
    return quote(str(pk), safe="")


def builtin_formaters() -> dict[str, Formater]:
    """Return the view formaters usable by name in ``view["options"]["formaters"]``."""
    from . import formaters

    return {
        "add_ressource_uri": add_ressource_uri,
        "remove_id": formaters.remove_id,
        "format_foreign_key": formaters.format_foreign_key,
    }


def resolve_formaters(entries: Any, owner: str) -> list[Formater]:
    """Turn a ``formaters`` option (names and callables) into callables, or raise ``ImproperlyConfigured``."""
    if isinstance(entries, (str, bytes)) or not isinstance(entries, (list, tuple)):
        raise ImproperlyConfigured(f"{owner} must be a list of formaters, not {entries!r}.")
    named = builtin_formaters()
    resolved = []
    for entry in entries:
        if isinstance(entry, str):
            if entry not in named:
                raise ImproperlyConfigured(
                    f"{owner} names an unknown formater {entry!r}; built-in names are: {', '.join(sorted(named))}."
                )
            resolved.append(named[entry])
        elif callable(entry):
            resolved.append(entry)
        else:
            raise ImproperlyConfigured(f"{owner} holds {entry!r}, which is neither a formater name nor a callable.")
    return resolved


class View:
    """The rendering configuration of one controller, built once from its ``view`` dict.

    Holds no request state: ``bind(request, prefix)`` returns the per-request
    ``BoundView`` that formaters receive.
    """

    def __init__(
        self,
        controller: Controller,
        *,
        response_class: Callable[..., HttpResponse] = JsonResponse,
        formaters: list[Formater] | None = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.controller = controller
        self.datastore: DataStore = controller.datastore
        self.model: Model = controller.datastore.model
        self.ressource_name: str = controller.ressource_name
        self.quoted_name: str = quote(self.ressource_name, safe="")
        self.response_class = response_class
        self.formaters: list[Formater] = list(formaters) if formaters is not None else [add_ressource_uri]
        self.options: dict[str, Any] = options or {}
        self.pk_name: str = self.model.pk_field.name

    def bind(self, request: HttpRequest, prefix: str) -> BoundView:
        return BoundView(self, request, prefix)


class BoundView:
    """One request's view: what a formater ``f(view, obj)`` receives.

    It reads like the shared ``View`` (``model``, ``datastore``, ``formaters``,
    ``response_class``) and adds ``request`` and ``prefix`` (the absolute mount
    path, ``"/api/"``), with ``uri()`` to build links to any ressource of the API.
    """

    __slots__ = ("view", "request", "prefix", "ressource_base", "model", "datastore", "formaters", "pk_name")

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
    def controller(self) -> Controller:
        return self.view.controller

    @property
    def response_class(self) -> Callable[..., HttpResponse]:
        return self.view.response_class

    @property
    def ressource_name(self) -> str:
        return self.view.ressource_name

    def uri(self, ressource_name: str, pk: Any) -> str:
        """Return the absolute URI of object ``pk`` of ``ressource_name``: ``/api/address/1/``."""
        return f"{self.prefix}{quote(ressource_name, safe='')}/{quote_identifier(pk)}/"

    def ressource_uri(self, pk: Any) -> str:
        """Return the absolute URI of object ``pk`` of this ressource."""
        return self.ressource_base + quote_identifier(pk) + "/"

    def render(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Run every view formater on ``obj`` and return the result."""
        for formater in self.formaters:
            obj = formater(self, obj)
        return obj
