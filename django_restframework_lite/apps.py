"""The Django app: registers the system checks that report misconfigured controllers."""

from django.apps import AppConfig


class RestFrameworkLiteConfig(AppConfig):
    name = "django_restframework_lite"
    verbose_name = "REST framework lite"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the checks)
