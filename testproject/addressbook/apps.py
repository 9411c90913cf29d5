from django.apps import AppConfig


class AddressbookConfig(AppConfig):
    name = "addressbook"
    default_auto_field = "django.db.models.BigAutoField"
