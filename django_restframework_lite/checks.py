"""Configuration checks: misconfigured controllers reported at start-up, never at the first request.

The same rules run twice. ``include()`` refuses to build an API from a
controller with problems (``ImproperlyConfigured`` naming the controller and
the key), and ``manage.py check`` reports them as system check errors:

- ``django_restframework_lite.E001`` a required dict key is missing or has the wrong type;
- ``django_restframework_lite.E002`` an unknown or misplaced verb;
- ``django_restframework_lite.E003`` ``ratelimit`` or ``authorization`` without ``authentication``;
- ``django_restframework_lite.E004`` the datastore or model cannot be built (e.g. no single pk);
- ``django_restframework_lite.E005`` a bad option value (formater, pagination, partial, response_class);
- ``django_restframework_lite.E006`` two controllers of one ``include()`` share a ressource name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

LIST_VERBS = ("GET", "POST", "HEAD", "OPTIONS")
UNIQUE_VERBS = ("GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
KNOWN_VERBS = frozenset(LIST_VERBS + UNIQUE_VERBS)


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
        return checks.Error(f"{self.controller}: {self.key}: {self.message}", obj=obj, id=f"django_restframework_lite.{self.id}")


class ControllerConfigurationError(ImproperlyConfigured):
    """Raised by ``include()``; carries the problems so ``manage.py check`` can report them with ids."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def controller_label(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _dict_attribute(cls: type, attribute: str, problems: list[Problem], label: str, *, required: bool) -> dict:
    value = getattr(cls, attribute, None)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem("E001", label, attribute, f"Define {attribute} as a dict on the controller class."))
        return {}
    return value


def _options(config: dict, name: str, problems: list[Problem], label: str) -> dict:
    options = config.get("options")
    if options is None:
        return {}
    if not isinstance(options, dict):
        problems.append(Problem("E001", label, f"{name}['options']", "options must be a dict."))
        return {}
    return options


def _verbs(config: dict, key: str, allowed: tuple[str, ...], problems: list[Problem], label: str) -> None:
    if key not in config:
        problems.append(
            Problem("E001", label, f"controller['{key}']", f"{key} is missing: list the allowed verbs, e.g. {list(allowed[:2])}.")
        )
        return
    verbs = config[key]
    if isinstance(verbs, str) or not isinstance(verbs, (list, tuple)):
        problems.append(Problem("E001", label, f"controller['{key}']", f"{key} must be a list of verbs, not {verbs!r}."))
        return
    for verb in verbs:
        name = verb.upper() if isinstance(verb, str) else verb
        if name not in KNOWN_VERBS:
            problems.append(
                Problem("E002", label, f"controller['{key}']", f"unknown verb {verb!r}; use some of {', '.join(allowed)}.")
            )
        elif name not in allowed:
            problems.append(
                Problem("E002", label, f"controller['{key}']", f"{name} is not served here; {key} takes {', '.join(allowed)}.")
            )


def controller_problems(cls: type) -> list[Problem]:
    """Return every configuration problem of the controller class ``cls`` (empty when it is fine)."""
    from .datastore import DataStore
    from .models import Model
    from .views import resolve_formaters

    label = controller_label(cls)
    problems: list[Problem] = []

    ressource = _dict_attribute(cls, "ressource", problems, label, required=True)
    if isinstance(getattr(cls, "ressource", None), dict):
        name = ressource.get("ressource_name")
        if "ressource_name" not in ressource:
            problems.append(Problem("E001", label, "ressource['ressource_name']", "ressource_name is missing: it names the URLs."))
        elif not isinstance(name, str) or not name or "/" in name or name != name.strip():
            problems.append(
                Problem("E001", label, "ressource['ressource_name']", f"{name!r} is not a usable name: a non-empty string without '/'.")
            )
        if "ressource" not in ressource:
            problems.append(Problem("E001", label, "ressource['ressource']", "ressource is missing: say where the data lives."))
        if "datastore" not in ressource:
            problems.append(Problem("E001", label, "ressource['datastore']", "datastore is missing: give the DataStore class."))
        elif not (isinstance(ressource["datastore"], type) and issubclass(ressource["datastore"], DataStore)):
            problems.append(
                Problem("E001", label, "ressource['datastore']", f"{ressource['datastore']!r} is not a DataStore subclass.")
            )
        model = ressource.get("model")
        if model is not None:
            if not (isinstance(model, Model) or (isinstance(model, type) and issubclass(model, Model))):
                problems.append(Problem("E004", label, "ressource['model']", f"{model!r} is not a Model class."))
            elif isinstance(model, type):
                try:
                    model()
                except ImproperlyConfigured as error:
                    problems.append(Problem("E004", label, "ressource['model']", str(error)))
        resource_options = _options(ressource, "ressource", problems, label)
        partial = resource_options.get("partial")
        if partial is not None and not callable(getattr(partial, "get_fields", None)):
            problems.append(Problem("E005", label, "ressource['options']['partial']", f"{partial!r} has no get_fields() method."))

    controller = _dict_attribute(cls, "controller", problems, label, required=True)
    if isinstance(getattr(cls, "controller", None), dict):
        _verbs(controller, "list_verbs", LIST_VERBS, problems, label)
        _verbs(controller, "unique_verbs", UNIQUE_VERBS, problems, label)
        options = _options(controller, "controller", problems, label)
        authentication = options.get("authentication")
        for key in ("authorization", "ratelimit"):
            if options.get(key) is not None and authentication is None:
                problems.append(
                    Problem(
                        "E003",
                        label,
                        f"controller['options']['{key}']",
                        f"{key} needs an authentication: add controller['options']['authentication'].",
                    )
                )
        if authentication is not None and not callable(getattr(authentication, "get_user", None)):
            problems.append(
                Problem("E005", label, "controller['options']['authentication']", f"{authentication!r} has no get_user() method.")
            )
        ratelimit = options.get("ratelimit")
        if ratelimit is not None and not callable(getattr(ratelimit, "check", None)):
            problems.append(Problem("E005", label, "controller['options']['ratelimit']", f"{ratelimit!r} has no check() method."))
        elif ratelimit is not None and callable(getattr(ratelimit, "check_configuration", None)):
            # e.g. CacheRateLimit naming a cache alias that settings.CACHES lacks
            for message in ratelimit.check_configuration():
                problems.append(Problem("E005", label, "controller['options']['ratelimit']", message))
        pagination = options.get("pagination")
        if pagination is not None and not callable(getattr(pagination, "paginate", None)):
            problems.append(
                Problem("E005", label, "controller['options']['pagination']", f"{pagination!r} has no paginate() method.")
            )
        formaters = options.get("formaters")
        if formaters is not None:
            if isinstance(formaters, str) or not isinstance(formaters, (list, tuple)) or not all(map(callable, formaters)):
                problems.append(
                    Problem("E005", label, "controller['options']['formaters']", "formaters must be a list of callables f(controller, data).")
                )

    view = _dict_attribute(cls, "view", problems, label, required=False)
    if "response_class" in view and not callable(view["response_class"]):
        problems.append(Problem("E005", label, "view['response_class']", f"{view['response_class']!r} is not callable."))
    view_options = _options(view, "view", problems, label)
    if "formaters" in view_options:
        try:
            resolve_formaters(view_options["formaters"], "view['options']['formaters']")
        except ImproperlyConfigured as error:
            problems.append(Problem("E005", label, "view['options']['formaters']", str(error)))
    return problems


def duplicate_name_problems(controllers: Iterable[type]) -> list[Problem]:
    """Return a problem for each controller reusing a ressource name of an earlier one."""
    seen: dict[str, type] = {}
    problems = []
    for cls in controllers:
        name = cls.ressource.get("ressource_name")
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


@checks.register(checks.Tags.urls)
def check_controllers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report the misconfigured controllers of every API in the project's URLconf."""
    from django.conf import settings

    if not getattr(settings, "ROOT_URLCONF", None):
        return []
    from .discovery import mounted_apis

    errors: list[checks.CheckMessage] = []
    try:
        apis = mounted_apis()
    except ControllerConfigurationError as error:
        return [problem.as_check_error() for problem in error.problems]
    for mounted in apis:
        for cls in mounted.api.controller_classes:
            errors.extend(problem.as_check_error(cls) for problem in controller_problems(cls))
    return errors
