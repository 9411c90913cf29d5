"""Reading a controller's three dicts, once: every configuration rule, and the frozen config they give.

``include()`` reads each controller class with ``read_configs()``; a class with
problems is refused with ``ControllerConfigurationError`` (an
``ImproperlyConfigured``) listing every problem of every class, each with its
system check id:

- ``django_restframework_lite.E001`` a required dict key is missing or has the wrong type;
- ``django_restframework_lite.E002`` an unknown or misplaced verb;
- ``django_restframework_lite.E003`` ``ratelimit`` or ``authorization`` without ``authentication``;
- ``django_restframework_lite.E004`` the datastore or model cannot be built (e.g. no single pk);
- ``django_restframework_lite.E005`` a bad option value (formater, pagination, partial, response_class,
  a ``filter_fields``/``order_fields`` entry that is not exposed);
- ``django_restframework_lite.E006`` two controllers of one ``include()`` share a ressource name;
- ``django_restframework_lite.E007`` an unknown key in a dict, its options or the project's setting.

- ``problems``: ``Problem`` and the error; ``rules``: the rules of one class;
  ``defaults``: the ``DJANGO_RESTFRAMEWORK_LITE`` setting; ``endpoint``: the
  built ``EndpointConfig``.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ImproperlyConfigured

from .endpoint import EndpointConfig, read_config, read_configs
from .problems import ControllerConfigurationError, Problem, controller_label
from .rules import controller_problems, duplicate_name_problems

__all__ = [
    "ControllerConfigurationError",
    "EndpointConfig",
    "Problem",
    "check_reserved_names",
    "controller_label",
    "controller_problems",
    "duplicate_name_problems",
    "read_config",
    "read_configs",
]


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
