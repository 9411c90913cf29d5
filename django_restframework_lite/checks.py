"""The system check: misconfigured controllers reported by ``manage.py check``, never at the first request.

The rules themselves live in ``config.py``; this module only reports them, for
every API mounted in the project's URLconf, as ``django_restframework_lite.E00x``
check errors. A URLconf whose ``include()`` refused a controller cannot be
imported: the problems that refusal carries are reported instead. Only
``apps.ready()`` imports this module.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from .config import ControllerConfigurationError, controller_problems
from .discovery import mounted_apis

__all__ = ["check_controllers"]


@checks.register(checks.Tags.urls)
def check_controllers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report the misconfigured controllers of every API in the project's URLconf."""
    if not getattr(settings, "ROOT_URLCONF", None):
        return []
    try:
        apis = mounted_apis()
    except ControllerConfigurationError as error:
        return [problem.as_check_error() for problem in error.problems]
    errors: list[checks.CheckMessage] = []
    for mounted in apis:
        for cls in mounted.api.controller_classes:
            # The rules that read settings (a cache alias, say) may have changed since include().
            errors.extend(problem.as_check_error(cls) for problem in controller_problems(cls))
    return errors
