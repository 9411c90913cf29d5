"""Configuration rules for user-written extension code, the seed's shapes included.

A controller's dicts may hold code written for this package or ported from the
seed: datastore validators, field validators, a ``Pagination`` or ``Partial``
subclass, an authentication, a ``response_class``. Each shape either works (the
seed's ``Validator.validate(datastore, data)``, a field validator's
``validate(value) -> bool``, ``Partial.get_partials(**kwargs)``) or is refused
here, when ``include()`` builds the URLs, with a message naming the class and
what to change, never a 500 at the first request nor an override silently left
uncalled:

- an instance expected and a class given (``"pagination": Pagination``);
- ``Pagination.paginate(self, request)`` and ``get_metadata()``, the seed's hooks
  (a werkzeug request in, three values out), where this package calls
  ``paginate(query) -> (offset, count)`` and ``get_meta(...)``;
- ``Authentication.get_user(self, identifier)``, the seed's signature, where this
  package passes the request;
- a ``get_partials`` that takes no keyword arguments;
- a datastore or field validator that cannot be called;
- a ``DataStore`` subclass missing a hook its verbs need (``fetch()`` and co.),
  the seed's ``filter()``/``get_list()`` being no substitute;
- a seed ``response_class`` (built once as ``response_class(model, ressource_name)``
  and returning werkzeug responses) or any class that is not a Django ``HttpResponse``.

``config.controller_problems()`` calls ``extension_problems()``; the problems
come back as ``(check id, key, message)`` for it to report under the controller's name.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from django.http import HttpResponseBase

from .authentication import Authentication
from .datastore import DataStore
from .datastore.validators import validator_call
from .models import Field
from .models.validators import unusable_reason
from .pagination import CursorPagination, Pagination
from .partials import Partial

__all__ = ["ExtensionProblem", "extension_problems"]

#: ``(check id, key, message)``: what ``config`` turns into a ``Problem``.
ExtensionProblem = tuple[str, str, str]

RESPONSE_FIX = (
    "here response_class(data, status=...) is called for each answer and must return a Django HttpResponse: "
    "subclass django_restframework_lite.views.JsonResponse, and render objects with view formaters"
)


def extension_problems(ressource: Any, controller: Any, view: Any) -> list[ExtensionProblem]:
    """Return the problems of the extension code in a controller's three dicts (a dict that is not one is skipped)."""
    ressource_options = options_of(ressource)
    controller_options = options_of(controller)
    problems = list(datastore_validator_problems(ressource_options.get("validators")))
    if isinstance(ressource, dict):
        problems.extend(field_validator_problems(ressource.get("model")))
        problems.extend(datastore_hook_problems(ressource.get("datastore"), controller))
    for where, options, key in (
        ("ressource", ressource_options, "partial"),
        ("controller", controller_options, "pagination"),
        ("controller", controller_options, "authentication"),
        ("controller", controller_options, "ratelimit"),
    ):
        value = options.get(key)
        if isinstance(value, type):
            problems.append(
                ("E005", f"{where}['options']['{key}']", f"{value.__name__} is a class: give an instance, e.g. {value.__name__}(...).")
            )
            continue
        check = POLICY_RULES.get(key)
        if value is not None and check is not None:
            problems.extend(("E005", f"{where}['options']['{key}']", message) for message in check(value))
    if isinstance(view, dict) and callable(view.get("response_class")):
        problems.extend(("E005", "view['response_class']", message) for message in response_class_problems(view["response_class"]))
    return problems


def options_of(config: Any) -> dict[str, Any]:
    options = config.get("options") if isinstance(config, dict) else None
    return options if isinstance(options, dict) else {}


def datastore_validator_problems(validators: Any) -> Iterator[ExtensionProblem]:
    key = "ressource['options']['validators']"
    if validators is None:
        return
    if isinstance(validators, (str, bytes)) or not isinstance(validators, (list, tuple)):
        yield "E005", key, f"validators must be a list of validator instances, not {validators!r}."
        return
    for validator in validators:
        try:
            validator_call(validator)
        except TypeError as error:
            yield "E005", key, str(error)


# The hooks DataStore calls, and the verbs that need each (None: every store needs it).
DATASTORE_HOOKS: dict[str, tuple[str, ...] | None] = {
    "get": None,
    "fetch": None,
    "count_matching": None,
    "insert": ("POST",),
    "save": ("PUT", "PATCH"),
    "remove": ("DELETE",),
}


def datastore_hook_problems(datastore: Any, controller: Any) -> Iterator[ExtensionProblem]:
    """Refuse a user's ``DataStore`` subclass that leaves a hook its verbs need unimplemented."""
    if not (isinstance(datastore, type) and issubclass(datastore, DataStore)):
        return
    verbs: set[str] = set()
    if isinstance(controller, dict):
        for key in ("list_verbs", "unique_verbs"):
            if isinstance(controller.get(key), (list, tuple)):
                verbs.update(str(verb).upper() for verb in controller[key])
    missing = [
        f"{hook}()"
        for hook, needed_by in DATASTORE_HOOKS.items()
        if (needed_by is None or verbs.intersection(needed_by)) and getattr(datastore, hook) is getattr(DataStore, hook)
    ]
    if missing:
        seed = [name for name in ("filter", "get_list", "paginate") if name in vars(datastore)]
        note = f" (its {', '.join(seed)} from the seed is not what DataStore calls)" if seed else ""
        yield (
            "E001",
            "ressource['datastore']",
            f"{datastore.__name__} does not implement {', '.join(missing)}{note}: a DataStore implements get, fetch "
            "and count_matching, and insert, save and remove for the verbs that write; the base class does the rest.",
        )


def field_validator_problems(model: Any) -> Iterator[ExtensionProblem]:
    """Check the ``validators`` of each field of an explicit model (a derived model has none of its own)."""
    fields = getattr(model, "fields", None)
    if not isinstance(fields, (list, tuple)):
        return
    model_name = model.__name__ if isinstance(model, type) else type(model).__name__
    for field in fields:
        if not isinstance(field, Field):
            continue  # the model's own rule reports it
        for validator in field.validators:
            reason = unusable_reason(validator)
            if reason is not None:
                yield (
                    "E004",
                    "ressource['model']",
                    f"{model_name}: field {field.name!r} ({type(field).__name__}.validators): {reason} "
                    "A field validator is a callable f(value) raising FieldError, or a "
                    "models.validators.Validator whose validate(value) returns a bool.",
                )


def parameter_names(function: Any) -> list[str]:
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return []


def overrides(value: Any, base: type, name: str) -> bool:
    """Tell whether ``value``, an instance of a subclass of ``base``, replaces ``base``'s method ``name``."""
    return isinstance(value, base) and getattr(type(value), name, None) is not getattr(base, name)


def pagination_problems(pagination: Any) -> Iterator[str]:
    name = type(pagination).__name__
    own_check = getattr(pagination, "configuration_problems", None)
    if callable(own_check):  # the policy checks its own settings (Pagination(total=...))
        problems = cast(Iterable[str], own_check())
        yield from problems
    if isinstance(pagination, CursorPagination):
        return
    paginate = getattr(type(pagination), "paginate", None)
    params = parameter_names(paginate)
    if len(params) > 1 and params[1] == "request":
        yield (
            f"{name}.paginate(self, request) is the seed's hook (a werkzeug request in, (offset, count, request_kwargs) "
            f"out); here paginate(self, query) receives the request's query parameters (a QueryDict) and returns "
            f"(offset, count): rename the parameter to query, read query.get(...), and return two values."
        )
    elif callable(paginate) and not accepts_positional(pagination.paginate, 1):
        yield f"{name}.paginate must take one argument, the query parameters, and return (offset, count)."
    if callable(getattr(pagination, "get_metadata", None)) and not callable(getattr(Pagination, "get_metadata", None)):
        yield (
            f"{name}.get_metadata() is the seed's hook, which is not called here: override "
            "get_meta(self, *, offset, count, total_count, path, query) and return the list meta without 'filters'."
        )
    elif getattr(pagination, "total", "exact") != "exact" and overrides(pagination, Pagination, "get_meta"):
        parameters = parameter_names(type(pagination).get_meta)
        if not {"more", "estimated"} <= set(parameters) and not accepts_var_keywords(type(pagination).get_meta):
            yield (
                f"{name}.get_meta() must take the keyword arguments more and estimated with "
                f"total={pagination.total!r}: whether another page follows is known from them, not from total_count."
            )


def partial_problems(partial: Any) -> Iterator[str]:
    if overrides(partial, Partial, "get_partials"):
        try:
            signature = inspect.signature(partial.get_partials)
        except (TypeError, ValueError):
            return
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values()):
            yield (
                f"{type(partial).__name__}.get_partials{signature} must take the query parameters as keyword "
                "arguments, get_partials(self, **kwargs), and return (field names, other parameters)."
            )


def authentication_problems(authentication: Any) -> Iterator[str]:
    if overrides(authentication, Authentication, "get_user"):
        params = parameter_names(type(authentication).get_user)
        if len(params) > 1 and params[1] == "identifier":
            yield (
                f"{type(authentication).__name__}.get_user(self, identifier) is the seed's signature; here "
                "get_user(self, request) receives the Django request: read the credentials from it "
                "(request.GET, request.headers) and return the user, or None for an anonymous request."
            )


POLICY_RULES: dict[str, Callable[[Any], Iterator[str]]] = {
    "pagination": pagination_problems,
    "partial": partial_problems,
    "authentication": authentication_problems,
}


def response_class_problems(response_class: Any) -> Iterator[str]:
    if isinstance(response_class, type) and not issubclass(response_class, HttpResponseBase):
        name = response_class.__name__
        params = parameter_names(response_class)
        if "model" in params and "ressource_name" in params:
            yield (
                f"{name} is a seed response_class (built once as {name}(model, ressource_name, **options), then "
                f"called with objs=...); {RESPONSE_FIX}."
            )
        else:
            yield f"{name} is not a Django HttpResponse class; {RESPONSE_FIX}."
        return
    try:
        inspect.signature(response_class).bind({}, status=200)
    except TypeError:
        label = getattr(response_class, "__name__", repr(response_class))
        yield f"{label} cannot be called as response_class(data, status=...); {RESPONSE_FIX}."
    except ValueError:  # no signature to read
        return


def accepts_var_keywords(function: Any) -> bool:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters)


def accepts_positional(function: Any, count: int) -> bool:
    try:
        inspect.signature(function).bind(*range(count))
    except TypeError:
        return False
    except ValueError:
        return True
    return True
