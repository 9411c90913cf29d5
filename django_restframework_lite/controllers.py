"""``Controller``: one REST endpoint, configured by the seed's three dicts.

::

    class UserEndPoint(Controller):
        ressource = {"ressource_name": "users", "ressource": User, "datastore": DjangoModelDataStore}
        controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],
                      "options": {"pagination": Pagination(20)}}
        view = {"response_class": JsonResponse, "options": {"formaters": ["add_ressource_uri"]}}

``urls.include()`` builds one instance per class when the URLs are built. The
instance holds configuration only; everything about one request (user,
filters, objects, prefix) lives in locals and in the per-request ``BoundView``.

A request goes through: authentication -> authorization -> rate limit -> the
verb's handler; any ``ApiError`` becomes its JSON answer, with the rate-limit
headers added to whatever is answered.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.utils.encoding import escape_uri_path

from . import conditional
from .authentication import authenticate, build_authorization
from .checks import ControllerConfigurationError, Problem, controller_label, controller_problems
from .datastore import DataStore
from .datastore.base import ORDER_BY_KEY
from .exceptions import ApiError, BadRequest, MethodNotAllowed, NotFound, PayloadTooLarge, UnsupportedMediaType
from .models import FieldError, Model
from .views import BoundView, JsonResponse, View, error_response, resolve_formaters

NO_IDENTIFIER: Any = object()

# Keyword names of DataStore.get_list()/count() themselves: a filter cannot travel under them.
STORE_PARAMETERS = frozenset({"self", "offset", "count"})


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_json_object(request: HttpRequest) -> dict[str, Any]:
    """Return the request body as a dict, or raise 415/413/400 before anything is written."""
    content_type = (request.content_type or "").lower()
    if content_type != "application/json" and not (content_type.startswith("application/") and content_type.endswith("+json")):
        raise UnsupportedMediaType(
            f"Send the body as application/json, not {content_type or 'without a Content-Type'}."
        )
    try:
        body = request.body
    except RequestDataTooBig:
        raise PayloadTooLarge("The request body is larger than this server accepts.") from None
    except ValueError:  # Django reads an unparsable Content-Length with int()
        raise BadRequest("The Content-Length header is not a number.") from None
    try:
        data = json.loads(body, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise BadRequest(f"Malformed JSON: {error.msg} (line {error.lineno}, column {error.colno}).") from None
    except (ValueError, RecursionError) as error:
        raise BadRequest(f"Malformed JSON: {error}.") from None
    if not isinstance(data, dict):
        raise BadRequest(f"The body must be a JSON object, not {type(data).__name__ if data is not None else 'null'}.")
    return data


class Controller:
    """An endpoint: the ``ressource``, ``controller`` and ``view`` dicts, built into a request handler.

    Subclass it and set the three dicts; a subclass may replace just one of them
    (``class AddressEndPoint(UserEndPoint): ressource = {...}``).
    """

    ressource: dict[str, Any] = {}
    controller: dict[str, Any] = {}
    view: Any = {}

    def __init__(self) -> None:
        cls = type(self)
        problems = controller_problems(cls)
        if problems:
            raise ControllerConfigurationError(problems)
        ressource, controller, view = cls.ressource, cls.controller, cls.view or {}
        label = controller_label(cls)

        self.ressource_name: str = ressource["ressource_name"]
        ressource_options = dict(ressource.get("options") or {})
        try:
            self.datastore: DataStore = ressource["datastore"](ressource["ressource"], ressource.get("model"), **ressource_options)
        except (ImproperlyConfigured, ImportError, LookupError, TypeError, ValueError) as error:
            raise ControllerConfigurationError(
                [Problem("E004", label, "ressource['datastore']", f"cannot build the datastore: {error}")]
            ) from error
        self.model: Model = self.datastore.model

        self.options: dict[str, Any] = dict(controller.get("options") or {})
        self.list_verbs: list[str] = [verb.upper() for verb in controller["list_verbs"]]
        self.unique_verbs: list[str] = [verb.upper() for verb in controller["unique_verbs"]]
        self.pagination = self.options.get("pagination")
        self.partial = ressource_options.get("partial")
        self.authentication = self.options.get("authentication")
        self.ratelimit = self.options.get("ratelimit")
        self.formaters: list[Any] = list(self.options.get("formaters") or [])
        try:
            self.authorization = build_authorization(self.options.get("authorization"), self.authentication, self)
        except ImproperlyConfigured as error:
            raise ControllerConfigurationError(
                [Problem("E005", label, "controller['options']['authorization']", str(error))]
            ) from error

        view_options = dict(view.get("options") or {})
        formaters = None
        if "formaters" in view_options:
            formaters = resolve_formaters(view_options["formaters"], f"{label}: view['options']['formaters']")
        self.view: View = View(
            self,
            response_class=view.get("response_class") or JsonResponse,
            formaters=formaters,
            options=view_options,
        )
        self._precompute()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.ressource_name}>"

    def _precompute(self) -> None:
        """Work out once what every request needs: reserved keys, allowed verbs, hooks."""
        reserved: set[str] = set()
        for option in (self.pagination, self.partial, self.authentication):
            reserved.update(getattr(option, "query_parameters", ()) or ())
        self.reserved_parameters = frozenset(reserved)
        self.list_allowed, self.list_allow_header = self._allowed(self.list_verbs)
        self.unique_allowed, self.unique_allow_header = self._allowed(self.unique_verbs)
        self._list_suffix = len(self.ressource_name) + 1
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

    @staticmethod
    def _allowed(verbs: list[str]) -> tuple[frozenset[str], str]:
        allowed = list(dict.fromkeys(verbs))
        if "GET" in allowed and "HEAD" not in allowed:
            allowed.append("HEAD")
        if "OPTIONS" not in allowed:
            allowed.append("OPTIONS")
        return frozenset(allowed), ", ".join(allowed)

    # The request pipeline ----------------------------------------------------------------

    def dispatch(self, request: HttpRequest, identifier: Any = NO_IDENTIFIER) -> HttpResponse:
        """Answer one request to the list endpoint, or to the unique one when ``identifier`` is given."""
        unique = identifier is not NO_IDENTIFIER
        rate_headers: dict[str, str] | None = None
        try:
            try:
                query = request.GET
            except TooManyFieldsSent:
                raise BadRequest("Too many query parameters.") from None
            user = None
            if self.authentication is not None:
                user = authenticate(request, self.authentication)
            if self.authorization is not None:
                self.authorization.check_auth(request)
            if self.ratelimit is not None:
                rate_headers = self.ratelimit.check(request, user)
            method = request.method
            handler = self._handlers.get((unique, method))
            allowed = self.unique_allowed if unique else self.list_allowed
            if method not in allowed:
                allow = self.unique_allow_header if unique else self.list_allow_header
                raise MethodNotAllowed(f"{method} is not allowed here; use {allow}.", headers={"Allow": allow})
            if method == "OPTIONS":
                response = self.answer_options(unique)
            elif unique:
                response = handler(request, query, self.clean_identifier(identifier))
            else:
                response = handler(request, query)
            if method == "GET" or method == "HEAD":
                response = self.finish_get(request, response)
        except ApiError as error:
            response = error_response(error)
        except TooManyFieldsSent:  # request.POST read by an authentication backend (CSRF check)
            response = error_response(BadRequest("Too many form fields."))
        except RequestDataTooBig:
            response = error_response(PayloadTooLarge("The request body is larger than this server accepts."))
        if request.method == "HEAD":
            response = self.drop_body(response)
        if rate_headers:
            for name, value in rate_headers.items():
                if name not in response:
                    response[name] = value
        return response

    def clean_identifier(self, identifier: Any) -> Any:
        """Convert the URL's identifier to the pk's type; one that cannot be a pk is a 404."""
        try:
            return self._pk_field.to_query_value(identifier)
        except FieldError:
            raise NotFound(f"No {self.ressource_name} with {self._pk_field.name}={identifier!r}.") from None

    def get_prefix(self, request: HttpRequest, unique: bool) -> str:
        """Return the URL-quoted mount prefix (``"/api/"``) from the path this endpoint matched."""
        path = request.path
        if unique:
            path = path[: path.rindex("/", 0, len(path) - 1) + 1]
        return escape_uri_path(path[: len(path) - self._list_suffix])

    def bind_view(self, request: HttpRequest, unique: bool) -> BoundView:
        """Return this request's view: what view formaters receive."""
        return self.view.bind(request, self.get_prefix(request, unique))

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

    def get_list(self, request: HttpRequest, query: Any) -> HttpResponse:
        """GET on the list endpoint: ``{"meta": {...}, "object_list": [...]}``."""
        filters = self.get_filters(query)
        keep = self.partial.get_fields(query, self.model) if self.partial is not None else None
        echo = filters if ORDER_BY_KEY not in filters else {k: v for k, v in filters.items() if k != ORDER_BY_KEY}
        datastore = self.datastore
        pagination = self.pagination
        if pagination is None:
            objects = datastore.get_list(**filters)
            meta: dict[str, Any] = {"filters": echo}
        else:
            offset, count = pagination.paginate(query)
            objects = datastore.get_list(offset, count, **filters)
            found = len(objects)
            if found < count and (found or not offset):
                total = offset + found  # a short page: every match is already counted
            else:
                total = datastore.count(**filters)
            meta = pagination.get_meta(
                offset=offset, count=count, total_count=total, path=escape_uri_path(request.path), query=query
            )
            meta["filters"] = echo
        view = self.bind_view(request, False)
        formaters = view.formaters
        object_list = []
        for obj in objects:
            for formater in formaters:
                obj = formater(view, obj)
            if keep is not None:
                obj = {key: value for key, value in obj.items() if key in keep}
            object_list.append(obj)
        return self.respond({"meta": meta, "object_list": object_list})

    def create(self, request: HttpRequest, query: Any) -> HttpResponse:
        """POST on the list endpoint: 201, ``Location`` and the new object."""
        data = self.read_body(request)
        pk = self.datastore.create(data)
        obj = self.datastore.get(pk)
        view = self.bind_view(request, False)
        response = self.respond(self.render(view, obj), 201)
        response["Location"] = view.ressource_uri(pk)
        return response

    def get_unique(self, request: HttpRequest, query: Any, identifier: Any) -> HttpResponse:
        """GET on the unique endpoint: the object."""
        keep = self.partial.get_fields(query, self.model) if self.partial is not None else None
        obj = self.datastore.get(identifier)
        return self.respond(self.render(self.bind_view(request, True), obj, keep))

    def update(self, request: HttpRequest, query: Any, identifier: Any) -> HttpResponse:
        """PUT or PATCH: change only the fields given; 200 and the updated object."""
        data = self.read_body(request)
        datastore = self.datastore
        view = self.bind_view(request, True)
        with datastore.atomic():
            current = datastore.get_for_update(identifier)
            self.check_preconditions(request, view, current)
            updated = datastore.update(current, data)
        return self.respond(self.render(view, updated))

    def delete(self, request: HttpRequest, query: Any, identifier: Any) -> HttpResponse:
        """DELETE: 204 with an empty body."""
        datastore = self.datastore
        with datastore.atomic():
            current = datastore.get_for_update(identifier)
            self.check_preconditions(request, self.bind_view(request, True), current)
            datastore.delete(identifier)
        return JsonResponse(None, status=204)

    def answer_options(self, unique: bool) -> HttpResponse:
        """OPTIONS: 200 with ``Allow`` (and the same list as JSON)."""
        allow = self.unique_allow_header if unique else self.list_allow_header
        return JsonResponse({"allow": allow.split(", ")}, headers={"Allow": allow})

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

    @staticmethod
    def drop_body(response: HttpResponse) -> HttpResponse:
        """Turn a GET answer into the HEAD answer: same headers, no body."""
        if response.streaming:
            response.streaming_content = []
            return response
        length = len(response.content)
        response.content = b""
        if response.status_code == 200:
            response["Content-Length"] = str(length)
        return response
