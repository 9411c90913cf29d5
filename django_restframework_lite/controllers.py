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

The per-request hooks (``scope``, ``before_write``, and the authorization's
``check_object``) live in ``hooks.py``, which ``Controller`` inherits.

``WSGIDispatcher`` (from ``dispatcher``) serves controllers without a Django
project, as the seed's ``controllers.WSGIDispatcher`` did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers

from . import conditional
from .authentication import authenticate
from .config import EndpointConfig, read_config
from .datastore import DataStore
from .dispatcher import WSGIDispatcher
from .exceptions import BadRequest, Unauthorized, UnsupportedMediaType
from .hooks import Hooks
from .listing import parent_key, read_columns, select
from .models import FieldError, Model
from .models.forms import form_data
from .relations import EXPAND_KEY, SEARCH_KEY, Relations
from .responses import (
    AllowedMethods,
    JsonResponse,
    answer_exception,
    is_json_content_type,
    is_multipart,
    read_json_object,
    read_multipart,
    read_query,
    without_body,
)
from .types import ControllerConfig, RessourceConfig
from .views import BoundView, View

__all__ = ["NO_IDENTIFIER", "Controller", "WSGIDispatcher"]

NO_IDENTIFIER: Any = object()

# Keyword names of DataStore.get_list()/count() themselves: a filter cannot travel under them.
STORE_PARAMETERS = frozenset({"self", "offset", "count"})


class Controller(Hooks):
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
        self.view = View(
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
        # Credentials sent in the query string, never copied into a link.
        self.credential_parameters = tuple(getattr(self.authentication, "query_parameters", ()) or ())
        # The request headers an authenticated answer depends on: shared caches must not mix users.
        self.vary_headers = tuple(getattr(self.authentication, "vary_headers", ("Authorization", "Cookie")))
        self.list_methods = AllowedMethods(self.list_verbs)
        self.unique_methods = AllowedMethods(self.unique_verbs)
        self._pk_field = self.model.pk_field
        self._handlers: dict[tuple[bool, str], Callable[..., HttpResponse]] = {
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
            user = self.identify(request)
            if self.ratelimit is not None:
                rate_headers = self.config.count_request(request, user)
            allowed = self.unique_methods if unique else self.list_methods
            allowed.check(method)
            if method == "OPTIONS":
                if unique:
                    # The verbs of an object that exists (and that this request may see): else the 404 of a GET.
                    identifier = self.clean_identifier(identifier)
                    self.check_object(request, self.datastore.get_within(identifier, self.request_scope(request)))
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
        obj = view.render_all([obj])[0]
        if keep is not None:
            obj = {key: value for key, value in obj.items() if key in keep}
        return obj

    def respond(self, data: Any, status: int = 200) -> HttpResponse:
        """Build the answer with the view's ``response_class``."""
        response: HttpResponse = self.view.response_class(data, status=status)
        return response

    # Verb handlers ----------------------------------------------------------------------

    def get_list(self, request: HttpRequest, query: Any, view: BoundView, parent: Any = None) -> HttpResponse:
        """GET on the list endpoint: ``{"meta": {...}, "object_list": [...]}``.

        ``parent`` is ``(hop, identifier)`` on a nested route: only that parent's children.
        """
        keep = self.partial.get_fields(query, self.selectable) if self.partial is not None else None
        selection = select(self, request, query, parent, read_columns(self, keep, view, query))
        selection.meta["filters"] = selection.filters
        object_list = view.render_all(selection.rows)
        for name in selection.expand:
            self.relations.embed(name, selection.rows, object_list, request, view.prefix)
        if keep is not None:
            object_list = [{key: value for key, value in obj.items() if key in keep} for obj in object_list]
        return self.respond({"meta": selection.meta, "object_list": object_list})

    def create(self, request: HttpRequest, query: Any, view: BoundView, parent: Any = None) -> HttpResponse:
        """POST on the list endpoint: 201, ``Location``, the new object and its ``ETag``.

        On a nested route the parent sets the foreign key; a body naming another parent is a 400.
        """
        data = self.read_body(request)
        parent_link: dict[str, Any] = {}
        if parent is not None:
            hop, identifier = parent
            name = hop.field.name
            parent_link[name] = parent_key(request, hop, identifier)
            if name in data and data.pop(name) != parent_link[name]:
                raise BadRequest(f"{name} does not validate", fields={name: f"This route creates children of {identifier}."})
        data = self.model.check_read_only(data, None)
        data.update(parent_link)
        if self._before_write:
            data = self.before_write(request, data, None)
        scope = self.request_scope(request)
        if conditional.has_write_preconditions(request):
            # The target of a POST is the list: If-Match compares with the tag its GET carries now.
            with self.datastore.atomic(operation="write"):
                listed = self.get_list(request, query, view, parent)
                conditional.check_preconditions(request, conditional.etag_of(listed))
                pk = self.datastore.create(data, scope=scope)
            obj = self.datastore.get(pk)
        else:
            pk, obj = self.datastore.create_and_get(data, scope=scope)
        response = conditional.tag(self.respond(self.render(view, obj), 201))
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

        def checked(current: dict[str, Any]) -> dict[str, Any]:
            self.check_object(request, current)
            self.check_preconditions(request, view, current)
            return self.model.check_read_only(data, current)

        # Without a before_write hook (whose own writes need the transaction), a store may compare-and-set.
        updated = None if self._before_write else datastore.update_unlocked(identifier, scope, checked)
        if updated is None:
            with datastore.atomic(operation="write"):
                current = self.locked_object(request, identifier, scope)
                self.check_preconditions(request, view, current)
                written = self.model.check_read_only(data, current)
                if self._before_write:
                    written = self.before_write(request, written, current)
                updated = datastore.update(current, written, scope=scope, locked=True)
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

