"""The Django app: registers the system check, prepares Django's SQLite connections for the ORM store
and builds the URLconf of each standalone ``WSGIDispatcher``."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.backends.signals import connection_created


class RestFrameworkLiteConfig(AppConfig):
    name = "django_restframework_lite"
    verbose_name = "REST framework lite"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
        from .datastore.orm_sql import install_sqlite_functions

        connection_created.connect(install_sqlite_functions, dispatch_uid="django_restframework_lite.sqlite")
        for connection in connections.all(initialized_only=True):
            install_sqlite_functions(connection=connection)

    def dispatcher_urlconf(self, controllers: Sequence[type], include_options: dict[str, Any]) -> Any:
        """Return the URLconf of one ``WSGIDispatcher``: ``include(controllers, **include_options)`` at the root.

        ``controllers.WSGIDispatcher`` sits below ``urls`` in the layers and asks
        for its URLconf here, through Django's app registry.
        """
        from .standalone import DispatcherURLConf

        return DispatcherURLConf(controllers, include_options)
