"""Every configuration rule of a controller class that needs no datastore built: E001, E002, E003, E005, E007.

``controller_problems(cls)`` reads the class's three dicts, with the project's
defaults (``DJANGO_RESTFRAMEWORK_LITE``) merged into the options, and returns a
``Problem`` per mistake, so that ``include()`` and ``manage.py check`` report
them all at once. An unknown key is an E007 naming the nearest known one
("did you mean 'authentication'?"): a misspelled security option must never be
silently ignored.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..datastore import DataStore
from ..extensions import extension_problems
from ..formaters import resolve_formaters
from ..models import Model
from ..pagination import CursorPagination
from .defaults import ProjectDefaults, project_defaults
from .problems import Problem, controller_label

__all__ = ["Effective", "controller_problems", "datastore_option_names", "duplicate_name_problems", "effective"]

LIST_VERBS = ("GET", "POST", "HEAD", "OPTIONS")
UNIQUE_VERBS = ("GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
KNOWN_VERBS = frozenset(LIST_VERBS + UNIQUE_VERBS)

RESSOURCE_KEYS = frozenset({"ressource_name", "ressource", "datastore", "model", "options"})
CONTROLLER_KEYS = frozenset({"list_verbs", "unique_verbs", "options"})
CONTROLLER_OPTIONS = frozenset(
    {
        "pagination", "formaters", "authentication", "authorization", "ratelimit",
        "filter_fields", "order_fields", "search_fields", "expand", "parents",
    }
)  # fmt: skip
VIEW_KEYS = frozenset({"response_class", "options"})
VIEW_OPTIONS = frozenset({"formaters"})
SETTING_KEYS = frozenset({"controller_options", "view_options"})


@dataclass(frozen=True)
class Effective:
    """A controller class's three dicts as they apply: the project's defaults merged into the options.

    A dict that is not a dict is None here (and an E001).
    """

    ressource: dict[str, Any] | None
    controller: dict[str, Any] | None
    view: dict[str, Any] | None

    @property
    def ressource_options(self) -> dict[str, Any]:
        options = (self.ressource or {}).get("options")
        return options if isinstance(options, dict) else {}

    @property
    def options(self) -> dict[str, Any]:
        options = (self.controller or {}).get("options")
        return options if isinstance(options, dict) else {}

    @property
    def view_options(self) -> dict[str, Any]:
        options = (self.view or {}).get("options")
        return options if isinstance(options, dict) else {}


def _merge(config: Any, defaults: dict[str, Any]) -> Any:
    """Return ``config`` with ``defaults`` under its options (the config's own options win, None included)."""
    if not isinstance(config, dict) or not defaults:
        return config
    options = config.get("options")
    if options is not None and not isinstance(options, dict):
        return config  # an E001, reported as such
    return {**config, "options": {**defaults, **(options or {})}}


def effective(cls: type, defaults: ProjectDefaults | None = None) -> Effective:
    """Return the dicts of ``cls`` with the project's defaults merged in."""
    defaults = defaults if defaults is not None else project_defaults()
    ressource = getattr(cls, "ressource", None)
    controller = getattr(cls, "controller", None)
    view = getattr(cls, "view", None)
    if view is None:
        view = {}
    # A misspelled default is reported once, as the setting's problem, not again for every controller.
    controller_defaults = {key: value for key, value in defaults.controller_options.items() if key in CONTROLLER_OPTIONS}
    view_defaults = {key: value for key, value in defaults.view_options.items() if key in VIEW_OPTIONS}
    return Effective(
        ressource if isinstance(ressource, dict) else None,
        _merge(controller, controller_defaults) if isinstance(controller, dict) else None,
        _merge(view, view_defaults) if isinstance(view, dict) else None,
    )


def datastore_option_names(datastore: type) -> frozenset[str] | None:
    """Return the ``ressource["options"]`` a datastore class takes: its constructor's keyword parameters.

    The first two parameters are where the data lives and the model; None means
    the constructor takes any keyword (``**options``).
    """
    try:
        parameters = list(inspect.signature(datastore).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters):
        return None
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    skipped = {p.name for p in positional[:2]}
    return frozenset(
        p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in skipped
    )


class Rules:
    """Collects the problems of one controller class (or of the project's setting)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[Problem] = []

    def add(self, check_id: str, key: str, message: str) -> None:
        self.problems.append(Problem(check_id, self.label, key, message))

    def known_keys(self, config: dict[str, Any], known: Collection[str], where: str) -> None:
        """Report each key of ``config`` that is not in ``known`` (E007), with the nearest known one."""
        for key in config:
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(sorted(known))}."
            self.add("E007", f"{where}[{key!r}]", f"unknown key {key!r}; {hint}")

    def dict_attribute(self, attribute: str, value: Any) -> dict[str, Any] | None:
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


def setting_problems(defaults: ProjectDefaults) -> list[Problem]:
    """Return the problems of the ``DJANGO_RESTFRAMEWORK_LITE`` setting itself."""
    rules = Rules("settings.DJANGO_RESTFRAMEWORK_LITE")
    raw = defaults.raw
    rules.known_keys(raw, SETTING_KEYS, "DJANGO_RESTFRAMEWORK_LITE")
    for section, known in (("controller_options", CONTROLLER_OPTIONS), ("view_options", VIEW_OPTIONS)):
        options = raw.get(section)
        if isinstance(options, dict):
            rules.known_keys(options, known, f"DJANGO_RESTFRAMEWORK_LITE[{section!r}]")
    return [*defaults.problems, *rules.problems]


def controller_problems(cls: type) -> list[Problem]:
    """Return every configuration problem of the controller class ``cls`` that needs no datastore built."""
    dicts = effective(cls)
    rules = Rules(controller_label(cls))
    ressource = rules.dict_attribute("ressource", dicts.ressource)
    if ressource is not None:
        ressource_rules(rules, ressource)
    controller = rules.dict_attribute("controller", dicts.controller)
    if controller is not None:
        controller_rules(rules, controller)
    view = rules.dict_attribute("view", dicts.view)
    if view is not None:
        view_rules(rules, view)
    for check_id, key, message in extension_problems(ressource, controller, view):
        rules.add(check_id, key, message)
    return rules.problems


def ressource_rules(rules: Rules, ressource: dict[str, Any]) -> None:
    rules.known_keys(ressource, RESSOURCE_KEYS, "ressource")
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
        datastore = None
    model = ressource.get("model")
    if model is not None:
        if not (isinstance(model, Model) or (isinstance(model, type) and issubclass(model, Model))):
            rules.add("E004", "ressource['model']", f"{model!r} is not a Model class.")
        elif isinstance(model, type):
            try:
                model()
            except ImproperlyConfigured as error:
                rules.add("E004", "ressource['model']", str(error))
    options = rules.options(ressource, "ressource")
    known = datastore_option_names(datastore) if datastore is not None else None
    if known is not None:
        rules.known_keys(options, known, "ressource['options']")
    partial = options.get("partial")
    if partial is not None and not callable(getattr(partial, "get_fields", None)):
        rules.add("E005", "ressource['options']['partial']", f"{partial!r} has no get_fields() method.")


def controller_rules(rules: Rules, controller: dict[str, Any]) -> None:
    rules.known_keys(controller, CONTROLLER_KEYS, "controller")
    rules.verbs(controller, "list_verbs", LIST_VERBS)
    rules.verbs(controller, "unique_verbs", UNIQUE_VERBS)
    options = rules.options(controller, "controller")
    rules.known_keys(options, CONTROLLER_OPTIONS, "controller['options']")
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
    if pagination is not None and not isinstance(pagination, CursorPagination) and not callable(
        getattr(pagination, "paginate", None)
    ):
        rules.add(
            "E005",
            "controller['options']['pagination']",
            f"{pagination!r} has no paginate() method: give a Pagination(...) or a CursorPagination(...).",
        )
    formaters = options.get("formaters")
    if formaters is not None and (
        isinstance(formaters, str) or not isinstance(formaters, (list, tuple)) or not all(map(callable, formaters))
    ):
        rules.add("E005", "controller['options']['formaters']", "formaters must be a list of callables f(controller, data).")
    for key in ("filter_fields", "order_fields", "search_fields", "expand", "parents"):
        value = options.get(key)
        accepted = (list, tuple, dict) if key == "filter_fields" else (list, tuple)
        if value is not None and (
            isinstance(value, str) or not isinstance(value, accepted) or not all(isinstance(name, str) for name in value)
        ):
            rules.add("E005", f"controller['options']['{key}']", f"{key} must be a list of field names, not {value!r}.")


def view_rules(rules: Rules, view: dict[str, Any]) -> None:
    rules.known_keys(view, VIEW_KEYS, "view")
    if "response_class" in view and not callable(view["response_class"]):
        rules.add("E005", "view['response_class']", f"{view['response_class']!r} is not callable.")
    view_options = rules.options(view, "view")
    rules.known_keys(view_options, VIEW_OPTIONS, "view['options']")
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
