"""Configuration problems: one ``Problem`` per mistake, and the error ``include()`` raises listing them.

``ControllerConfigurationError`` is an ``ImproperlyConfigured`` and also a
``SystemCheckError``: raised while ``manage.py check`` (or any other command)
imports the URLconf, Django prints its message, one problem per line with its
check id, and exits non-zero, without a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import SystemCheckError

__all__ = ["CHECK_PREFIX", "ControllerConfigurationError", "Problem", "controller_label"]

CHECK_PREFIX = "django_restframework_lite."


@dataclass(frozen=True)
class Problem:
    """One configuration error of one controller (or of the project's setting), with its system check id."""

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
