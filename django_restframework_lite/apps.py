"""The Django app: registers the system check, and prepares Django's SQLite connections for the ORM store."""

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
