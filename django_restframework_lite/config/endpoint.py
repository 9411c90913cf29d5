"""A controller's three dicts, read once into a frozen ``EndpointConfig``: what the controller is built from.

``read_configs(classes)`` checks every class of one ``include()`` (``rules``),
builds each datastore (E004 when it cannot be built), works out what clients
may see, filter, order and select (E005 when ``filter_fields``/``order_fields``
name a field that is not exposed, or that a view formater hides), and raises one
``ControllerConfigurationError`` listing every problem of every class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..authentication import build_authorization as build_policy
from ..datastore import DataStore, QueryRules
from ..formaters import add_ressource_uri, hidden_fields, resolve_formaters
from ..models import Model
from ..ratelimit import BaseRateLimit
from ..types import ControllerFormater, ResponseClass, ViewFormater
from .defaults import project_defaults
from .problems import ControllerConfigurationError, Problem, controller_label
from .rules import Effective, controller_problems, duplicate_name_problems, effective, setting_problems

__all__ = ["EndpointConfig", "read_config", "read_configs"]

# Errors a datastore constructor raises for a ressource it cannot serve.
DATASTORE_ERRORS = (ImproperlyConfigured, ImportError, LookupError, TypeError, ValueError)


@dataclass(frozen=True, eq=False)
class EndpointConfig:
    """A controller's three dicts, read and checked once: what the controller is built from.

    ``visible`` names the fields a client sees (exposed and not hidden by a view
    formater); ``query_rules`` what it may filter and order on.
    """

    controller_class: type
    label: str
    ressource_name: str
    datastore: DataStore
    list_verbs: tuple[str, ...]
    unique_verbs: tuple[str, ...]
    options: Mapping[str, Any]
    pagination: Any
    partial: Any
    authentication: Any
    authorization: Any
    ratelimit: Any
    formaters: tuple[ControllerFormater, ...]
    response_class: ResponseClass | None
    view_formaters: tuple[ViewFormater, ...]
    view_options: Mapping[str, Any]
    visible: frozenset[str]
    query_rules: QueryRules

    @property
    def model(self) -> Model:
        return self.datastore.model

    def build_authorization(self, controller: Any) -> Any:
        """Build the authorization policy for ``controller``; a class that cannot be built is an E005."""
        try:
            return build_policy(self.authorization, self.authentication, controller)
        except ImproperlyConfigured as error:
            raise ControllerConfigurationError(
                [Problem("E005", self.label, "controller['options']['authorization']", str(error))]
            ) from error

    def count_request(self, request: Any, user: Any) -> dict[str, str]:
        """Count ``request`` against the rate limit; return its ``X-RateLimit-*`` headers."""
        if isinstance(self.ratelimit, BaseRateLimit):
            return self.ratelimit.check(request, user, self.authentication)
        headers: dict[str, str] = self.ratelimit.check(request, user)
        return headers

    def check_failures(self, request: Any) -> None:
        """Refuse (429) a client address that spent the rate limit's quota on failed authentications."""
        check = getattr(self.ratelimit, "check_failures", None)
        if check is not None:
            check(request)

    def count_failure(self, request: Any) -> None:
        """Count a failed authentication against the client's address (429 past the quota)."""
        count = getattr(self.ratelimit, "count_failure", None)
        if count is not None:
            count(request)


def read_config(cls: type) -> EndpointConfig:
    """Read and check the three dicts of ``cls``; raise ``ControllerConfigurationError`` listing every problem."""
    problems = setting_problems(project_defaults()) + controller_problems(cls)
    if problems:
        raise ControllerConfigurationError(problems)
    return build_config(cls)


def read_configs(classes: Sequence[type]) -> list[EndpointConfig]:
    """Read every controller of one ``include()``; raise one error listing the problems of them all."""
    problems = setting_problems(project_defaults())
    problems += [problem for cls in classes for problem in controller_problems(cls)]
    if not problems:
        problems = duplicate_name_problems(classes)
    if problems:
        raise ControllerConfigurationError(problems)
    configs: list[EndpointConfig] = []
    for cls in classes:
        try:
            configs.append(build_config(cls))
        except ControllerConfigurationError as error:
            problems.extend(error.problems)
    if problems:
        raise ControllerConfigurationError(problems)
    return configs


def build_config(cls: type) -> EndpointConfig:
    """Build the config of a class whose rules hold: the datastore, the formaters, the exposure."""
    label = controller_label(cls)
    dicts = effective(cls)
    ressource: dict[str, Any] = dicts.ressource or {}
    controller: dict[str, Any] = dicts.controller or {}
    view: dict[str, Any] = dicts.view or {}
    ressource_options = dicts.ressource_options
    try:
        datastore = ressource["datastore"](ressource["ressource"], ressource.get("model"), **ressource_options)
    except DATASTORE_ERRORS as error:
        raise ControllerConfigurationError(
            [Problem("E004", label, "ressource['datastore']", f"cannot build the datastore: {error}")]
        ) from error
    options = dicts.options
    view_options = dicts.view_options
    view_formaters: list[ViewFormater] = [add_ressource_uri]
    if "formaters" in view_options:
        view_formaters = resolve_formaters(view_options["formaters"], f"{label}: view['options']['formaters']")
    model = datastore.model
    visible = frozenset(model.get_fields_name()) - hidden_fields(view_formaters, model)
    return EndpointConfig(
        controller_class=cls,
        label=label,
        ressource_name=ressource["ressource_name"],
        datastore=datastore,
        list_verbs=tuple(verb.upper() for verb in controller["list_verbs"]),
        unique_verbs=tuple(verb.upper() for verb in controller["unique_verbs"]),
        options=MappingProxyType(dict(options)),
        pagination=options.get("pagination"),
        partial=ressource_options.get("partial"),
        authentication=options.get("authentication"),
        authorization=options.get("authorization"),
        ratelimit=options.get("ratelimit"),
        formaters=tuple(options.get("formaters") or ()),
        response_class=view.get("response_class"),
        view_formaters=tuple(view_formaters),
        view_options=MappingProxyType(dict(view_options)),
        visible=visible,
        query_rules=query_rules(label, dicts, model, visible),
    )


def query_rules(label: str, dicts: Effective, model: Model, visible: frozenset[str]) -> QueryRules:
    """Work out what a client may filter and order on; a field named but not visible is an E005."""
    options = dicts.options
    problems: list[Problem] = []

    def refuse(key: str, message: str) -> None:
        problems.append(Problem("E005", label, f"controller['options']['{key}']", message))

    def check_name(key: str, name: Any) -> bool:
        if isinstance(name, str) and name in visible:
            return True
        why = "is hidden by a view formater" if name in model.get_fields_name() else "is not an exposed field"
        refuse(key, f"{name!r} {why}; a client may only filter and order on: {', '.join(sorted(visible))}.")
        return False

    filters: dict[str, frozenset[str]] = {}
    listed = options.get("filter_fields")
    if listed is None:
        filters = {name: model.get_field(name).lookups for name in visible}  # type: ignore[union-attr]
    else:
        entries = listed.items() if isinstance(listed, dict) else ((name, None) for name in listed)
        for name, lookups in entries:
            if "__" in name:
                continue  # a relation path: resolved once the sibling endpoints exist (relations.py)
            if not check_name("filter_fields", name):
                continue
            known = model.get_field(name).lookups  # type: ignore[union-attr]
            if lookups is None:
                filters[name] = known
                continue
            if isinstance(lookups, str) or not all(isinstance(lookup, str) for lookup in lookups):
                refuse("filter_fields", f"the lookups of {name!r} must be a list of names, such as ['exact', 'gt'].")
                continue
            unknown = sorted(set(lookups) - known)
            if unknown:
                refuse("filter_fields", f"{name!r} has no lookup {', '.join(unknown)}; it takes: {', '.join(sorted(known))}.")
            filters[name] = frozenset(lookups) & known
    order_listed = options.get("order_fields")
    orderable = frozenset(name for name in visible if model.get_field(name).orderable)  # type: ignore[union-attr]
    if order_listed is None:
        order = orderable
    else:
        order = frozenset(name for name in order_listed if "__" not in name and check_name("order_fields", name))
        for name in sorted(order - orderable):
            refuse("order_fields", f"{name!r} cannot be ordered: its values (a list, a JSON document...) have no order.")
    if problems:
        raise ControllerConfigurationError(problems)
    return QueryRules(filters=MappingProxyType(filters), order=order, visible=visible)
