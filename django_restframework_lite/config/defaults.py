"""Project-wide defaults: the ``DJANGO_RESTFRAMEWORK_LITE`` setting, read once and again when it changes.

::

    DJANGO_RESTFRAMEWORK_LITE = {
        "controller_options": {
            "pagination": "myproject.api.PAGINATION",          # a dotted path to an object
            "authentication": "myproject.api.authentication",
            "authorization": "django_restframework_lite.authentication.Authorization",
        },
        "view_options": {"formaters": ["add_ressource_uri", "django_restframework_lite.formaters.remove_id"]},
    }

Each option applies to every controller that does not set it itself; a
controller that sets it to ``None`` opts out. A value is an object, or a dotted
import path to an object or to a class (instantiated without arguments; an
``authorization`` class stays a class, since the controller builds it with its
authentication), or a list of those. Strings that are no dotted path (the names
of built-in formaters) stay as they are. The setting is read when ``include()``
builds the URLs, and read again after ``override_settings`` changes it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .problems import Problem

__all__ = ["SETTING", "ProjectDefaults", "project_defaults"]

SETTING = "DJANGO_RESTFRAMEWORK_LITE"
SETTING_LABEL = f"settings.{SETTING}"
SECTIONS = ("controller_options", "view_options")
# Options whose value is a class the controller builds itself.
CLASS_OPTIONS = frozenset({"authorization"})


@dataclass(frozen=True)
class ProjectDefaults:
    """The setting, resolved: options by section, and the problems found reading it."""

    controller_options: dict[str, Any] = field(default_factory=dict)
    view_options: dict[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def project_defaults() -> ProjectDefaults:
    """Return the resolved setting (cached; ``override_settings`` clears it)."""
    raw = getattr(settings, SETTING, None)
    if raw is None:
        return ProjectDefaults()
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        problems.append(Problem("E001", SETTING_LABEL, SETTING, f"must be a dict with {' and/or '.join(SECTIONS)}."))
        return ProjectDefaults(problems=tuple(problems))
    sections: dict[str, dict[str, Any]] = {}
    for section in SECTIONS:
        options = raw.get(section) or {}
        if not isinstance(options, dict):
            problems.append(Problem("E001", SETTING_LABEL, f"[{section!r}]", "must be a dict of options."))
            options = {}
        sections[section] = {
            key: resolve(value, key, complaint(problems, f"[{section!r}][{key!r}]")) for key, value in options.items()
        }
    return ProjectDefaults(
        controller_options=sections["controller_options"],
        view_options=sections["view_options"],
        problems=tuple(problems),
        raw=raw,
    )


def complaint(problems: list[Problem], where: str) -> Callable[[str], None]:
    """Return the callback that files a message about the option at ``where`` as an ``E005``."""

    def complain(message: str) -> None:
        problems.append(Problem("E005", SETTING_LABEL, where, message))

    return complain


def resolve(value: Any, key: str, complain: Callable[[str], None]) -> Any:
    """Resolve one option value: import dotted paths, instantiate classes; lists item by item."""
    if isinstance(value, (list, tuple)):
        return [resolve(item, key, complain) for item in value]
    if not isinstance(value, str) or "." not in value:
        return value
    try:
        found = import_string(value)
    except ImportError as error:
        complain(f"cannot import {value!r}: {error}")
        return None
    if isinstance(found, type) and key not in CLASS_OPTIONS:
        try:
            return found()
        except TypeError as error:
            complain(f"{value} cannot be built without arguments ({error}); point at an object instead.")
            return None
    return found


@receiver(setting_changed)
def _reload(*, setting: str, **kwargs: Any) -> None:
    if setting == SETTING:
        project_defaults.cache_clear()
