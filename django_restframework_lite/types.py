"""The shapes of the three dicts, and of what formaters and policies receive.

``Controller.ressource``, ``.controller`` and ``.view`` are annotated with the
TypedDicts below, so a type checker checks a subclass's dict literals and
reports a misspelled key::

    class UserEndPoint(Controller):
        ressource = {"ressource_name": "users", "ressource": User, "datastore": DjangoModelDataStore}
        controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"],
                      "options": {"authentification": ...}}   # error: no such key

The Protocols describe the objects a formater is handed, so that the policy
modules (layer 4) can name them without importing the layers above them.
This module imports nothing from the package: it is the bottom layer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypedDict

from django.http import HttpRequest, HttpResponse

__all__ = [
    "ControllerConfig",
    "ControllerFormater",
    "ControllerOptions",
    "FormaterController",
    "FormaterView",
    "RessourceConfig",
    "RessourceOptions",
    "ResponseClass",
    "ViewConfig",
    "ViewFormater",
    "ViewOptions",
]

#: ``response_class(data, status=...)`` builds the ``HttpResponse`` of an answer.
ResponseClass = Callable[..., HttpResponse]


class FormaterView(Protocol):
    """What a view formater ``f(view, obj)`` receives: one request's view of one endpoint."""

    @property
    def request(self) -> HttpRequest: ...

    @property
    def prefix(self) -> str: ...

    @property
    def ressource_name(self) -> str: ...

    @property
    def pk_name(self) -> str: ...

    @property
    def ressource_base(self) -> str: ...

    @property
    def model(self) -> Any: ...

    @property
    def datastore(self) -> Any: ...

    def uri(self, ressource_name: str, pk: Any) -> str: ...

    def ressource_uri(self, pk: Any) -> str: ...


class FormaterController(Protocol):
    """What a controller formater ``f(controller, data)`` receives: the built controller."""

    @property
    def ressource_name(self) -> str: ...

    @property
    def datastore(self) -> Any: ...

    @property
    def model(self) -> Any: ...


#: ``f(view, obj) -> obj``: changes each object on its way out.
ViewFormater = Callable[[Any, dict[str, Any]], dict[str, Any]]
#: ``f(controller, data) -> data``: changes bodies and filters on their way in.
ControllerFormater = Callable[[Any, dict[str, Any]], dict[str, Any]]


class RessourceOptions(TypedDict, total=False):
    """``ressource["options"]``: keyword arguments of the datastore class."""

    validators: Sequence[Any]
    partial: Any
    timeout: float  # SQLiteDataStore
    fields: Sequence[str]  # DjangoModelDataStore
    exclude: Sequence[str]  # DjangoModelDataStore
    read_only: Sequence[str]  # DjangoModelDataStore
    compiled: bool  # DjangoModelDataStore: False keeps every statement built by Django per request


class _RessourceRequired(TypedDict):
    ressource_name: str
    ressource: Any
    datastore: type[Any]


class RessourceConfig(_RessourceRequired, total=False):
    """The ``ressource`` dict: where the data lives and what it looks like."""

    model: Any
    options: RessourceOptions


class ControllerOptions(TypedDict, total=False):
    """``controller["options"]``: the policies applied to each request."""

    pagination: Any
    formaters: Sequence[ControllerFormater]
    authentication: Any
    authorization: Any
    ratelimit: Any
    filter_fields: Sequence[str] | Mapping[str, Sequence[str]]
    order_fields: Sequence[str]
    search_fields: Sequence[str]
    expand: Sequence[str]
    parents: Sequence[str]


class _ControllerRequired(TypedDict):
    list_verbs: Sequence[str]
    unique_verbs: Sequence[str]


class ControllerConfig(_ControllerRequired, total=False):
    """The ``controller`` dict: the verbs served and the options of each request."""

    options: ControllerOptions


class ViewOptions(TypedDict, total=False):
    """``view["options"]``: the view formaters, by name or as callables."""

    formaters: Sequence[str | ViewFormater]


class ViewConfig(TypedDict, total=False):
    """The ``view`` dict: how objects are rendered; every key may be left out."""

    response_class: ResponseClass
    options: ViewOptions


#: Query parameters as a controller reads them (a ``QueryDict`` or any mapping).
Query = Mapping[str, str]
