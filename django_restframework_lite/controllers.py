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
verb's handler; any exception becomes its JSON answer (``responses.answer_exception``:
the API's errors and Django's ``Http404``, ``PermissionDenied`` and
``ValidationError`` their 4xx, an unavailable database or cache a 503 with
``Retry-After``, anything else a 500), with the rate-limit headers added to
whatever is answered. With a rate limit, a failed authentication counts against
the client's address, and an address past its quota is refused before its
credentials are checked. With an authentication, every answer is
``Cache-Control: private`` and varies on the headers the authentication reads.

Three hooks carry per-request rules, and work the same on every datastore::

    class NoteEndPoint(Controller):
        def scope(self, request):                      # every read and write of the request
            return {"owner": request.api_user.pk}

        def before_write(self, request, data, current):
            return {**data, "owner": request.api_user.pk}  # the server's value of a read-only field

and ``Authorization.check_object(request, obj)`` on the authorization class.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.encoding import escape_uri_path

from . import conditional
from .authentication import authenticate
from .config import EndpointConfig, read_config
from .datastore import DataStore
from .datastore.query import ORDER_BY_KEY, Condition
from .exceptions import ApiError, BadRequest, Unauthorized
from .models import FieldError, Model
from .responses import AllowedMethods, JsonResponse, answer_exception, read_json_object, without_body
from .types import ControllerConfig, RessourceConfig
from .views import BoundView, View

__all__ = ["NO_IDENTIFIER", "Controller"]

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
        reserved: set[str] = set()
        for option in (self.pagination, self.partial, self.authentication):
            reserved.update(getattr(option, "query_parameters", ()) or ())
        self.reserved_parameters = frozenset(reserved)
        # Credentials sent in the query string, never copied into a link.
        self.credential_parameters = tuple(getattr(self.authentication, "query_parameters", ()) or ())
        # The request headers an authenticated answer depends on: shared caches must not mix users.
        self.vary_headers = tuple(getattr(self.authentication, "vary_headers", ("Authorization", "Cookie")))
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

    def dispatch(self, request: HttpRequest, identifier: Any = NO_IDENTIFIER, *, prefix: str = "/") -> HttpResponse:
        """Answer one request to the list endpoint, or to the unique one when ``identifier`` is given.

        ``prefix`` is the URL-quoted mount path of the API (``"/api/"``): links start with it.
        """
        unique = identifier is not NO_IDENTIFIER
        rate_headers: dict[str, str] | None = None
        method = request.method or "GET"
        try:
            query = read_query(request)
            user = self.identify(request)
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
                else:
                    response = self._handlers[False, method](request, query, view)
                if method == "GET" or method == "HEAD":
                    response = self.finish_get(request, response)
        except Exception as error:
            response = answer_exception(request, error)
        if method == "HEAD":
            response = without_body(response)
        if rate_headers:
            for name, value in rate_headers.items():
                if name not in response:
                    response[name] = value
        if self.authentication is not None:
            patch_cache_control(response, private=True)
            patch_vary_headers(response, self.vary_headers)
        return response

    def identify(self, request: HttpRequest) -> Any:
        """Return the authenticated user of ``request`` (None: anonymous), once the authorization let it through.

        With a rate limit, an address that spent its quota on failed
        authentications is refused (429) before its credentials are checked,
        and a failed authentication (a 401) is counted against it.
        """
        if self.authentication is None:
            request.api_user = None  # type: ignore[attr-defined]
            if self.authorization is not None:
                self.authorization.check_auth(request)
            return None
        if self.ratelimit is None:
            user = authenticate(request, self.authentication)
            if self.authorization is not None:
                self.authorization.check_auth(request)
            return user
        self.config.check_failures(request)
        try:
            user = authenticate(request, self.authentication)
            if self.authorization is not None:
                self.authorization.check_auth(request)
        except Unauthorized:
            self.config.count_failure(request)
            raise
        return user

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

    def link_query(self, query: QueryDict) -> QueryDict:
        """Return the query that links (``next``, ``previous``) keep: without credentials."""
        if not any(name in query for name in self.credential_parameters):
            return query
        kept = query.copy()
        for name in self.credential_parameters:
            kept.pop(name, None)
        return kept

    def read_body(self, request: HttpRequest) -> dict[str, Any]:
        """Return the JSON object sent, through the controller formaters."""
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

    def get_list(self, request: HttpRequest, query: Any, view: BoundView) -> HttpResponse:
        """GET on the list endpoint: ``{"meta": {...}, "object_list": [...]}``."""
        filters = self.get_filters(query)
        keep = self.partial.get_fields(query, self.selectable) if self.partial is not None else None
        echo = filters if ORDER_BY_KEY not in filters else {k: v for k, v in filters.items() if k != ORDER_BY_KEY}
        scope = self.request_scope(request)
        pagination = self.pagination
        if pagination is None:
            objects, _ = self.datastore.page(filters, rules=self.query_rules, scope=scope)
            meta: dict[str, Any] = {"filters": echo}
        else:
            offset, count = pagination.paginate(query)
            objects, total = self.datastore.page(filters, offset, count, rules=self.query_rules, scope=scope)
            meta = pagination.get_meta(
                offset=offset, count=count, total_count=total, path=escape_uri_path(request.path),
                query=self.link_query(query),
            )
            meta["filters"] = echo
        formaters = view.formaters
        object_list = []
        for obj in objects:
            for formater in formaters:
                obj = formater(view, obj)
            if keep is not None:
                obj = {key: value for key, value in obj.items() if key in keep}
            object_list.append(obj)
        return self.respond({"meta": meta, "object_list": object_list})

    def create(self, request: HttpRequest, query: Any, view: BoundView) -> HttpResponse:
        """POST on the list endpoint: 201, ``Location``, the new object and its ``ETag``."""
        data = self.model.check_read_only(self.read_body(request), None)
        if self._before_write:
            data = self.before_write(request, data, None)
        scope = self.request_scope(request)
        if conditional.has_write_preconditions(request):
            # The target of a POST is the list: If-Match compares with the tag its GET carries now.
            with self.datastore.atomic(operation="write"):
                conditional.check_preconditions(request, conditional.etag_of(self.get_list(request, query, view)))
                pk = self.datastore.create(data, scope=scope)
        else:
            pk = self.datastore.create(data, scope=scope)
        obj = self.datastore.get(pk)
        response = conditional.tag(self.respond(self.render(view, obj), 201))
        response["Location"] = view.ressource_uri(pk)
        return response

    def get_unique(self, request: HttpRequest, query: Any, view: BoundView, identifier: Any) -> HttpResponse:
        """GET on the unique endpoint: the object."""
        keep = self.partial.get_fields(query, self.selectable) if self.partial is not None else None
        obj = self.datastore.get_within(identifier, self.request_scope(request))
        self.check_object(request, obj)
        return self.respond(self.render(view, obj, keep))

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
        # The tag a GET of the updated object carries: a client may write again without reading.
        return conditional.tag(self.respond(self.render(view, updated)))

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
        conditional.check_preconditions(request, conditional.etag_of(self.respond(self.render(view, dict(current)))))

    def finish_get(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Tag a GET/HEAD answer with its ``ETag`` and answer 304 to a matching ``If-None-Match``."""
        return conditional.finish_get(request, response)

