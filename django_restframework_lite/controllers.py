"""``Controller``: one REST endpoint, configured by the seed's three dicts.

::

    class UserEndPoint(Controller):
        ressource = {"ressource_name": "users", "ressource": User, "datastore": DjangoModelDataStore}
        controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],
                      "options": {"pagination": Pagination(20)}}
        view = {"response_class": JsonResponse, "options": {"formaters": ["add_ressource_uri"]}}

``urls.include()`` reads each class once (``config.read_configs``) and builds
one instance from that config. The instance holds configuration only;
everything about one request (user, filters, objects, prefix) lives in locals
and in the per-request ``BoundView``.

A request goes through: authentication -> authorization -> rate limit -> the
verb's handler; any ``ApiError`` (and Django's ``Http404``, ``PermissionDenied``
and ``ValidationError``) becomes its JSON answer, with the rate-limit headers
added to whatever is answered.

Three hooks carry per-request rules, and work the same on every datastore::

    class NoteEndPoint(Controller):
        def scope(self, request):                      # every read and write of the request
            return {"owner": request.api_user.pk}

        def before_write(self, request, data, current):
            return {**data, "owner": request.api_user.pk}  # the server's value of a read-only field

and ``Authorization.check_object(request, obj)`` on the authorization class.

``WSGIDispatcher`` (from ``dispatcher``) serves controllers without a Django
project, as the seed's ``controllers.WSGIDispatcher`` did.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, QueryDict

from . import conditional
from .authentication import authenticate
from .config import EndpointConfig, read_config
from .datastore import DataStore
from .datastore.query import Condition
from .dispatcher import WSGIDispatcher
from .exceptions import DJANGO_ERRORS, ApiError, BadRequest, PayloadTooLarge, UnsupportedMediaType, from_django
from .listing import parent_key, select
from .models import FieldError, Model
from .models.forms import form_data
from .relations import EXPAND_KEY, SEARCH_KEY, Relations, resolve_relations
from .responses import (
    AllowedMethods,
    JsonResponse,
    error_response,
    is_json_content_type,
    is_multipart,
    read_json_object,
    read_multipart,
    without_body,
)
from .types import ControllerConfig, RessourceConfig
from .views import BoundView, View

__all__ = ["NO_IDENTIFIER", "Controller", "WSGIDispatcher"]

NO_IDENTIFIER: Any = object()

# Keyword names of DataStore.get_list()/count() themselves: a filter cannot travel under them.
STORE_PARAMETERS = frozenset({"self", "offset", "count"})


def read_query(request: HttpRequest) -> QueryDict:
    """Return the request's query parameters; more than Django accepts is a 400."""
    try:
        return request.GET
    except TooManyFieldsSent:
        raise BadRequest("Too many query parameters.") from None


class Controller:
    """An endpoint: the ``ressource``, ``controller`` and ``view`` dicts, built into a request handler.

    Subclass it and set the three dicts; a subclass may replace just one of them
    (``class AddressEndPoint(UserEndPoint): ressource = {...}``).
    """

    ressource: ClassVar[RessourceConfig]
    controller: ClassVar[ControllerConfig]
    view: Any  # the ``view`` dict (ViewConfig) on the class, the built ``View`` on an instance

    def __init__(self, config: EndpointConfig | None = None) -> None:
        """Build the endpoint from ``config``, or from the class's own dicts when none is given."""
        config = config if config is not None else read_config(type(self))
        self.config = config
        self.ressource_name: str = config.ressource_name
        self.datastore: DataStore = config.datastore
        self.model: Model = config.model
        self.options: dict[str, Any] = dict(config.options)
        self.list_verbs: list[str] = list(config.list_verbs)
        self.unique_verbs: list[str] = list(config.unique_verbs)
        self.pagination = config.pagination
        self.partial = config.partial
        self.authentication = config.authentication
        self.ratelimit = config.ratelimit
        self.formaters: list[Any] = list(config.formaters)
        self.authorization = config.build_authorization(self)
        self.view: View = View(
            datastore=config.datastore,
            ressource_name=config.ressource_name,
            response_class=config.response_class,
            formaters=config.view_formaters,
            options=config.view_options,
        )
        self.query_rules = config.query_rules
        pk = self.model.pk_field
        #: The fields a client sees: exposed by the datastore and not hidden by a view formater.
        self.visible_fields = [field for field in self.model.get_fields() if field.name in config.visible]
        # What ``?fields=`` may name: the visible fields (the pk always comes back anyway).
        self.selectable = Model([field for field in self.model.get_fields() if field.name in config.visible or field is pk])
        cls = type(self)
        self._scoped = cls.scope is not Controller.scope
        self._before_write = cls.before_write is not Controller.before_write
        self._check_object = getattr(self.authorization, "check_object", None)
        self.relations = Relations()  # across foreign keys: resolved by bind_relations() once the siblings exist
        reserved: set[str] = {SEARCH_KEY, EXPAND_KEY}
        for option in (self.pagination, self.partial, self.authentication):
            reserved.update(getattr(option, "query_parameters", ()) or ())
        self.reserved_parameters = frozenset(reserved)
        #: A file field the store can write makes POST, PUT and PATCH take multipart/form-data too.
        self.accepts_uploads = self.datastore.accepts_uploads and any(
            not field.read_only for field in self.model.file_fields
        )
        self.list_methods = AllowedMethods(self.list_verbs)
        self.unique_methods = AllowedMethods(self.unique_verbs)
        self._pk_field = self.model.pk_field
        self._handlers = {
            (False, "GET"): self.get_list,
            (False, "HEAD"): self.get_list,
            (False, "POST"): self.create,
            (True, "GET"): self.get_unique,
            (True, "HEAD"): self.get_unique,
            (True, "PUT"): self.update,
            (True, "PATCH"): self.update,
            (True, "DELETE"): self.delete,
        }

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.ressource_name}>"

    # The request pipeline ----------------------------------------------------------------

    def dispatch(
        self, request: HttpRequest, identifier: Any = NO_IDENTIFIER, *, prefix: str = "/", parent: Any = None
    ) -> HttpResponse:
        """Answer one request to the list endpoint, or to the unique one when ``identifier`` is given.

        ``prefix`` is the URL-quoted mount path of the API (``"/api/"``): links start with it.
        ``parent`` is ``(hop, parent identifier)`` on a nested route (``address/1/users/``).
        """
        unique = identifier is not NO_IDENTIFIER
        rate_headers: dict[str, str] | None = None
        method = request.method or "GET"
        try:
            query = read_query(request)
            user = None
            if self.authentication is not None:
                user = authenticate(request, self.authentication)
            else:
                request.api_user = None  # type: ignore[attr-defined]
            if self.authorization is not None:
                self.authorization.check_auth(request)
            if self.ratelimit is not None:
                rate_headers = self.config.count_request(request, user)
            allowed = self.unique_methods if unique else self.list_methods
            allowed.check(method)
            if method == "OPTIONS":
                response = allowed.options_response()
            else:
                view = self.view.bind(request, prefix)
                if unique:
                    response = self._handlers[True, method](request, query, view, self.clean_identifier(identifier))
                elif parent is not None:
                    response = self._handlers[False, method](request, query, view, parent=parent)
                else:
                    response = self._handlers[False, method](request, query, view)
                if method == "GET" or method == "HEAD":
                    response = self.finish_get(request, response)
        except ApiError as error:
            response = error_response(error)
        except DJANGO_ERRORS as error:
            response = error_response(from_django(error))
        except TooManyFieldsSent:  # request.POST read by an authentication backend (CSRF check)
            response = error_response(BadRequest("Too many form fields."))
        except RequestDataTooBig:
            response = error_response(PayloadTooLarge("The request body is larger than this server accepts."))
        if method == "HEAD":
            response = without_body(response)
        if rate_headers:
            for name, value in rate_headers.items():
                if name not in response:
                    response[name] = value
        return response

    # Per-request hooks --------------------------------------------------------------------

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

    def request_scope(self, request: HttpRequest) -> list[Condition]:
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

    def locked_object(self, request: HttpRequest, identifier: Any, scope: list[Condition]) -> dict[str, Any]:
        """Return the object a write changes, locked until ``atomic()`` ends; 404 outside the scope."""
        current = self.datastore.get_for_update(identifier)
        if scope and not self.datastore.in_scope(current, scope):
            raise self.datastore.not_found(identifier)
        self.check_object(request, current)
        return current

    def bind_relations(self, siblings: dict[str, Controller]) -> list[tuple[str, str]]:
        """Resolve the options that cross foreign keys to the sibling endpoints; return the problems."""
        self.relations, problems = resolve_relations(self, self.options, siblings)
        return problems

    def visible_scope(self, request: HttpRequest) -> list[Condition] | None:
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

    def clean_identifier(self, identifier: Any) -> Any:
        """Convert the URL's identifier to the pk's type; one that cannot be a pk is a 404."""
        try:
            return self._pk_field.to_query_value(identifier)
        except FieldError:
            raise self.datastore.not_found(identifier) from None

    def get_filters(self, query: Any) -> dict[str, Any]:
        """Return the filters of a list request: every non-reserved parameter, through the controller formaters."""
        reserved = self.reserved_parameters
        filters = {key: value for key, value in query.items() if key not in reserved}
        for formater in self.formaters:
            filters = formater(self, filters)
        clash = STORE_PARAMETERS.intersection(filters)
        if clash:
            name = sorted(clash)[0]
            raise BadRequest(f"Cannot filter on {name}: it is not a field of this ressource.", fields={name: "Unknown field."})
        return filters

    def read_body(self, request: HttpRequest) -> dict[str, Any]:
        """Return the JSON object sent (or the multipart form, where uploads are taken), through the controller formaters."""
        if self.accepts_uploads and is_multipart(request):
            data = form_data(self.model, *read_multipart(request))
        else:
            content_type = (request.content_type or "").lower()
            if self.accepts_uploads and not is_json_content_type(content_type):
                raise UnsupportedMediaType(
                    "Send the body as application/json or multipart/form-data, "
                    f"not {content_type or 'without a Content-Type'}."
                )
            data = read_json_object(request)
        for formater in self.formaters:
            data = formater(self, data)
        return data

    def render(self, view: BoundView, obj: dict[str, Any], keep: frozenset[str] | None = None) -> dict[str, Any]:
        """Run the view formaters on one object, then keep only the members a partial response asked for."""
        for formater in view.formaters:
            obj = formater(view, obj)
        if keep is not None:
            obj = {key: value for key, value in obj.items() if key in keep}
        return obj

    def respond(self, data: Any, status: int = 200) -> HttpResponse:
        """Build the answer with the view's ``response_class``."""
        return self.view.response_class(data, status=status)

    # Verb handlers ----------------------------------------------------------------------

    def get_list(self, request: HttpRequest, query: Any, view: BoundView, parent: Any = None) -> HttpResponse:
        """GET on the list endpoint: ``{"meta": {...}, "object_list": [...]}``.

        ``parent`` is ``(hop, identifier)`` on a nested route: only that parent's children.
        """
        keep = self.partial.get_fields(query, self.selectable) if self.partial is not None else None
        selection = select(self, request, query, parent)
        selection.meta["filters"] = selection.filters
        formaters = view.formaters
        object_list = []
        for obj in selection.rows:
            obj = dict(obj)
            for formater in formaters:
                obj = formater(view, obj)
            object_list.append(obj)
        for name in selection.expand:
            self.relations.embed(name, selection.rows, object_list, request, view.prefix)
        if keep is not None:
            object_list = [{key: value for key, value in obj.items() if key in keep} for obj in object_list]
        return self.respond({"meta": selection.meta, "object_list": object_list})

    def create(self, request: HttpRequest, query: Any, view: BoundView, parent: Any = None) -> HttpResponse:
        """POST on the list endpoint: 201, ``Location`` and the new object.

        On a nested route the parent sets the foreign key; a body naming another parent is a 400.
        """
        data = self.read_body(request)
        if parent is not None:
            hop, identifier = parent
            value = parent_key(request, hop, identifier)
            name = hop.field.name
            if name in data and data.pop(name) != value:
                raise BadRequest(f"{name} does not validate", fields={name: f"This route creates children of {identifier}."})
        data = self.model.check_read_only(data, None)
        if parent is not None:
            data[name] = value
        if self._before_write:
            data = self.before_write(request, data, None)
        pk = self.datastore.create(data, scope=self.request_scope(request))
        obj = self.datastore.get(pk)
        response = self.respond(self.render(view, obj), 201)
        response["Location"] = view.ressource_uri(pk)
        return response

    def get_unique(self, request: HttpRequest, query: Any, view: BoundView, identifier: Any) -> HttpResponse:
        """GET on the unique endpoint: the object."""
        keep = self.partial.get_fields(query, self.selectable) if self.partial is not None else None
        expand = self.relations.expand_names(query[EXPAND_KEY]) if EXPAND_KEY in query else []
        obj = self.datastore.get_within(identifier, self.request_scope(request))
        self.check_object(request, obj)
        rendered = self.render(view, dict(obj))
        for name in expand:
            self.relations.embed(name, [obj], [rendered], request, view.prefix)
        if keep is not None:
            rendered = {key: value for key, value in rendered.items() if key in keep}
        return self.respond(rendered)

    def update(self, request: HttpRequest, query: Any, view: BoundView, identifier: Any) -> HttpResponse:
        """PUT or PATCH: change only the fields given; 200 and the updated object."""
        data = self.read_body(request)
        scope = self.request_scope(request)
        datastore = self.datastore
        with datastore.atomic(operation="write"):
            current = self.locked_object(request, identifier, scope)
            self.check_preconditions(request, view, current)
            data = self.model.check_read_only(data, current)
            if self._before_write:
                data = self.before_write(request, data, current)
            updated = datastore.update(current, data, scope=scope)
        return self.respond(self.render(view, updated))

    def delete(self, request: HttpRequest, query: Any, view: BoundView, identifier: Any) -> HttpResponse:
        """DELETE: 204 with an empty body."""
        datastore = self.datastore
        with datastore.atomic(operation="delete"):
            current = self.locked_object(request, identifier, self.request_scope(request))
            self.check_preconditions(request, view, current)
            datastore.delete(identifier)
        return JsonResponse(None, status=204)

    # Hooks for conditional requests ------------------------------------------------------

    def check_preconditions(self, request: HttpRequest, view: BoundView, current: dict[str, Any]) -> None:
        """Refuse a write whose ``If-Match`` no longer matches ``current`` (called inside ``atomic()``).

        The tag compared is the one a ``GET`` of ``current`` carries: the same
        rendering, view formaters included.
        """
        if not conditional.has_write_preconditions(request):
            return
        body = self.respond(self.render(view, dict(current))).content
        conditional.check_preconditions(request, conditional.compute_etag(body))

    def finish_get(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Tag a GET/HEAD answer with its ``ETag`` and answer 304 to a matching ``If-None-Match``."""
        return conditional.finish_get(request, response)

