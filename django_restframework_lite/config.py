"""Reading a controller's three dicts, once: every configuration rule, and the frozen config they give.

``include()`` reads each controller class with ``read_configs()``; a class with
problems is refused with ``ControllerConfigurationError`` (an
``ImproperlyConfigured``) listing every problem of every class, each with its
system check id:

- ``django_restframework_lite.E001`` a required dict key is missing or has the wrong type;
- ``django_restframework_lite.E002`` an unknown or misplaced verb;
- ``django_restframework_lite.E003`` ``ratelimit`` or ``authorization`` without ``authentication``;
- ``django_restframework_lite.E004`` the datastore or model cannot be built (e.g. no single pk);
- ``django_restframework_lite.E005`` a bad option value (formater, pagination, partial, response_class);
- ``django_restframework_lite.E006`` two controllers of one ``include()`` share a ressource name.

The error is also a ``SystemCheckError``: raised while ``manage.py check`` (or
any other command) imports the URLconf, Django prints its message, one problem
per line with its check id, and exits non-zero, without a traceback.
``checks.py`` reports the same problems as check messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import SystemCheckError

from .authentication import build_authorization as build_policy
from .datastore import DataStore
from .extensions import extension_problems
from .formaters import add_ressource_uri, resolve_formaters
from .models import Model
from .ratelimit import BaseRateLimit
from .types import ControllerFormater, ResponseClass, ViewFormater

__all__ = [
    "ControllerConfigurationError",
    "EndpointConfig",
    "Problem",
    "controller_label",
    "controller_problems",
    "read_config",
    "read_configs",
]

LIST_VERBS = ("GET", "POST", "HEAD", "OPTIONS")
UNIQUE_VERBS = ("GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
KNOWN_VERBS = frozenset(LIST_VERBS + UNIQUE_VERBS)
CHECK_PREFIX = "django_restframework_lite."

# Errors a datastore constructor raises for a ressource it cannot serve.
DATASTORE_ERRORS = (ImproperlyConfigured, ImportError, LookupError, TypeError, ValueError)


@dataclass(frozen=True)
class Problem:
    """One configuration error of one controller, with its system check id."""

    id: str
    controller: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.controller}: {self.key}: {self.message}"

    def as_check_error(self, obj: Any = None) -> checks.Error:
        return checks.Error(str(self), obj=obj, id=CHECK_PREFIX + self.id)


def report(problems: Sequence[Problem]) -> str:
    """Return the problems one per line, each naming the controller, the key and the check id."""
    return "\n".join(f"{problem} ({CHECK_PREFIX}{problem.id})" for problem in problems)


class ControllerConfigurationError(ImproperlyConfigured, SystemCheckError):
    """Raised by ``include()``; carries the problems so that ``manage.py check`` reports them with ids."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        self.returncode = 1  # what manage.py exits with (CommandError's attribute)
        super().__init__(report(self.problems))


def controller_label(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@dataclass(frozen=True, eq=False)
class EndpointConfig:
    """A controller's three dicts, read and checked once: what the controller is built from."""

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


# Reading ----------------------------------------------------------------------------------------


def read_config(cls: type) -> EndpointConfig:
    """Read and check the three dicts of ``cls``; raise ``ControllerConfigurationError`` listing every problem."""
    problems = controller_problems(cls)
    if problems:
        raise ControllerConfigurationError(problems)
    label = controller_label(cls)
    ressource: dict[str, Any] = cls.ressource  # type: ignore[attr-defined]
    controller: dict[str, Any] = cls.controller  # type: ignore[attr-defined]
    view: dict[str, Any] = getattr(cls, "view", None) or {}
    ressource_options = dict(ressource.get("options") or {})
    try:
        datastore = ressource["datastore"](ressource["ressource"], ressource.get("model"), **ressource_options)
    except DATASTORE_ERRORS as error:
        raise ControllerConfigurationError(
            [Problem("E004", label, "ressource['datastore']", f"cannot build the datastore: {error}")]
        ) from error
    options = dict(controller.get("options") or {})
    view_options = dict(view.get("options") or {})
    view_formaters: list[ViewFormater] = [add_ressource_uri]
    if "formaters" in view_options:
        view_formaters = resolve_formaters(view_options["formaters"], f"{label}: view['options']['formaters']")
    return EndpointConfig(
        controller_class=cls,
        label=label,
        ressource_name=ressource["ressource_name"],
        datastore=datastore,
        list_verbs=tuple(verb.upper() for verb in controller["list_verbs"]),
        unique_verbs=tuple(verb.upper() for verb in controller["unique_verbs"]),
        options=MappingProxyType(options),
        pagination=options.get("pagination"),
        partial=ressource_options.get("partial"),
        authentication=options.get("authentication"),
        authorization=options.get("authorization"),
        ratelimit=options.get("ratelimit"),
        formaters=tuple(options.get("formaters") or ()),
        response_class=view.get("response_class"),
        view_formaters=tuple(view_formaters),
        view_options=MappingProxyType(view_options),
    )


def read_configs(classes: Sequence[type]) -> list[EndpointConfig]:
    """Read every controller of one ``include()``; raise one error listing the problems of them all."""
    problems = [problem for cls in classes for problem in controller_problems(cls)]
    if not problems:
        problems = duplicate_name_problems(classes)
    if problems:
        raise ControllerConfigurationError(problems)
    configs, problems = [], []
    for cls in classes:
        try:
            configs.append(read_config(cls))
        except ControllerConfigurationError as error:
            problems.extend(error.problems)
    if problems:
        raise ControllerConfigurationError(problems)
    return configs


# The rules --------------------------------------------------------------------------------------


class _Rules:
    """Collects the problems of one controller class."""

    def __init__(self, cls: type) -> None:
        self.label = controller_label(cls)
        self.problems: list[Problem] = []

    def add(self, check_id: str, key: str, message: str) -> None:
        self.problems.append(Problem(check_id, self.label, key, message))

    def dict_attribute(self, cls: type, attribute: str, *, required: bool) -> dict[str, Any] | None:
        value = getattr(cls, attribute, None)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.add("E001", attribute, f"Define {attribute} as a dict on the controller class.")
            return None
        return value

    def options(self, config: dict[str, Any], name: str) -> dict[str, Any]:
        options = config.get("options")
        if options is None:
            return {}
        if not isinstance(options, dict):
            self.add("E001", f"{name}['options']", "options must be a dict.")
            return {}
        return options

    def verbs(self, config: dict[str, Any], key: str, allowed: tuple[str, ...]) -> None:
        where = f"controller['{key}']"
        if key not in config:
            self.add("E001", where, f"{key} is missing: list the allowed verbs, e.g. {list(allowed[:2])}.")
            return
        verbs = config[key]
        if isinstance(verbs, str) or not isinstance(verbs, (list, tuple)):
            self.add("E001", where, f"{key} must be a list of verbs, not {verbs!r}.")
            return
        for verb in verbs:
            name = verb.upper() if isinstance(verb, str) else verb
            if name not in KNOWN_VERBS:
                self.add("E002", where, f"unknown verb {verb!r}; use some of {', '.join(allowed)}.")
            elif name not in allowed:
                self.add("E002", where, f"{name} is not served here; {key} takes {', '.join(allowed)}.")


def controller_problems(cls: type) -> list[Problem]:
    """Return every configuration problem of the controller class ``cls`` that needs no datastore built."""
    rules = _Rules(cls)
    ressource = rules.dict_attribute(cls, "ressource", required=True)
    if ressource is not None:
        ressource_rules(rules, ressource)
    controller = rules.dict_attribute(cls, "controller", required=True)
    if controller is not None:
        controller_rules(rules, controller)
    view = rules.dict_attribute(cls, "view", required=False)
    if view is not None:
        view_rules(rules, view)
    for check_id, key, message in extension_problems(ressource, controller, view):
        rules.add(check_id, key, message)
    return rules.problems


def ressource_rules(rules: _Rules, ressource: dict[str, Any]) -> None:
    name = ressource.get("ressource_name")
    if "ressource_name" not in ressource:
        rules.add("E001", "ressource['ressource_name']", "ressource_name is missing: it names the URLs.")
    elif not isinstance(name, str) or not name or "/" in name or name != name.strip():
        rules.add("E001", "ressource['ressource_name']", f"{name!r} is not a usable name: a non-empty string without '/'.")
    if "ressource" not in ressource:
        rules.add("E001", "ressource['ressource']", "ressource is missing: say where the data lives.")
    datastore = ressource.get("datastore")
    if "datastore" not in ressource:
        rules.add("E001", "ressource['datastore']", "datastore is missing: give the DataStore class.")
    elif not (isinstance(datastore, type) and issubclass(datastore, DataStore)):
        rules.add("E001", "ressource['datastore']", f"{datastore!r} is not a DataStore subclass.")
    model = ressource.get("model")
    if model is not None:
        if not (isinstance(model, Model) or (isinstance(model, type) and issubclass(model, Model))):
            rules.add("E004", "ressource['model']", f"{model!r} is not a Model class.")
        elif isinstance(model, type):
            try:
                model()
            except ImproperlyConfigured as error:
                rules.add("E004", "ressource['model']", str(error))
    partial = rules.options(ressource, "ressource").get("partial")
    if partial is not None and not callable(getattr(partial, "get_fields", None)):
        rules.add("E005", "ressource['options']['partial']", f"{partial!r} has no get_fields() method.")


def controller_rules(rules: _Rules, controller: dict[str, Any]) -> None:
    rules.verbs(controller, "list_verbs", LIST_VERBS)
    rules.verbs(controller, "unique_verbs", UNIQUE_VERBS)
    options = rules.options(controller, "controller")
    authentication = options.get("authentication")
    for key in ("authorization", "ratelimit"):
        if options.get(key) is not None and authentication is None:
            rules.add(
                "E003",
                f"controller['options']['{key}']",
                f"{key} needs an authentication: add controller['options']['authentication'].",
            )
    if authentication is not None and not callable(getattr(authentication, "get_user", None)):
        rules.add("E005", "controller['options']['authentication']", f"{authentication!r} has no get_user() method.")
    ratelimit = options.get("ratelimit")
    if ratelimit is not None and not callable(getattr(ratelimit, "check", None)):
        rules.add("E005", "controller['options']['ratelimit']", f"{ratelimit!r} has no check() method.")
    elif ratelimit is not None and callable(getattr(ratelimit, "check_configuration", None)):
        # e.g. CacheRateLimit naming a cache alias that settings.CACHES lacks
        for message in ratelimit.check_configuration():
            rules.add("E005", "controller['options']['ratelimit']", message)
    pagination = options.get("pagination")
    if pagination is not None and not callable(getattr(pagination, "paginate", None)):
        rules.add("E005", "controller['options']['pagination']", f"{pagination!r} has no paginate() method.")
    formaters = options.get("formaters")
    if formaters is not None and (
        isinstance(formaters, str) or not isinstance(formaters, (list, tuple)) or not all(map(callable, formaters))
    ):
        rules.add("E005", "controller['options']['formaters']", "formaters must be a list of callables f(controller, data).")


def view_rules(rules: _Rules, view: dict[str, Any]) -> None:
    if "response_class" in view and not callable(view["response_class"]):
        rules.add("E005", "view['response_class']", f"{view['response_class']!r} is not callable.")
    view_options = rules.options(view, "view")
    if "formaters" in view_options:
        try:
            resolve_formaters(view_options["formaters"], "view['options']['formaters']")
        except ImproperlyConfigured as error:
            rules.add("E005", "view['options']['formaters']", str(error))


def duplicate_name_problems(classes: Iterable[type]) -> list[Problem]:
    """Return a problem for each controller reusing a ressource name of an earlier one."""
    seen: dict[str, type] = {}
    problems = []
    for cls in classes:
        name = cls.ressource.get("ressource_name")  # type: ignore[attr-defined]
        if name in seen:
            problems.append(
                Problem(
                    "E006",
                    controller_label(cls),
                    "ressource['ressource_name']",
                    f"{name!r} is already served by {controller_label(seen[name])} in the same include().",
                )
            )
        else:
            seen[name] = cls
    return problems


def check_reserved_names(configs: Iterable[EndpointConfig], taken: Mapping[str, str]) -> None:
    """Refuse a ressource whose list URL a self-description route would hide.

    ``taken`` maps each first path segment in use (``"schema"``) to the
    ``include()`` switch that takes it (``"autodoc"``).
    """
    for config in configs:
        switch = taken.get(config.ressource_name)
        if switch is not None:
            name = config.ressource_name
            raise ImproperlyConfigured(
                f"{config.controller_class.__name__}: the ressource_name {name!r} is taken by the {switch} description "
                f"({name}/); rename the ressource or pass {switch}=False to include()."
            )
