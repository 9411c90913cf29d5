"""The API ``Model`` of a Django model: each concrete Django field described as an API field.

``DjangoModelDataStore(User)`` calls ``derive_model(User)`` when no explicit
``Model`` is given; ``field_from_django`` is the mapping of API.md section 2.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .. import models as api_models
from ..models import Field, Model


def _range_from_validators(django_field: models.Field) -> tuple[int | None, int | None]:
    """Return the tightest (min, max) the Django field accepts: its validators and the database's range."""
    low: int | None = None
    high: int | None = None
    for validator in django_field.validators:
        limit = validator.limit_value if isinstance(validator, (MinValueValidator, MaxValueValidator)) else None
        if limit is None or callable(limit):
            continue
        if isinstance(validator, MinValueValidator):
            low = limit if low is None else max(low, limit)
        else:
            high = limit if high is None else min(high, limit)
    return low, high


def field_from_django(django_field: models.Field) -> Field:
    """Describe one concrete Django field as an API field (the mapping of API.md section 2)."""
    name = django_field.name
    if django_field.primary_key:
        if isinstance(django_field, models.AutoField | models.BigAutoField | models.SmallAutoField):
            return api_models.PkField(name=name)
        if isinstance(django_field, models.CharField | models.TextField):
            return api_models.StringPkField(name=name, required=True, max_length=django_field.max_length)
        raise ImproperlyConfigured(
            f"DjangoModelDataStore cannot derive a pk from {django_field!r}: use an AutoField or a CharField "
            "primary key, or pass an explicit Model."
        )
    options: dict[str, Any] = {
        "required": not (django_field.blank or django_field.null or django_field.has_default()),
        "nullable": django_field.null,
    }
    if django_field.has_default():
        options["default"] = django_field.default
    elif django_field.blank and not django_field.null and django_field.empty_strings_allowed:
        options["default"] = ""  # what Django itself stores for an omitted blank text field
    if django_field.choices:
        options["choices"] = [value for value, _label in django_field.flatchoices]
    if isinstance(django_field, models.ForeignKey):
        target = django_field.target_field
        foreign = {"table": django_field.related_model._meta.model_name, "column": target.name}
        if isinstance(target, models.CharField | models.TextField):
            return api_models.StringForeignKey(name=name, foreign=foreign, **options)
        return api_models.IntForeign(name=name, foreign=foreign, **options)
    if isinstance(django_field, models.BooleanField):
        return api_models.BooleanField(name=name, **options)
    if isinstance(django_field, models.IntegerField):
        low, high = _range_from_validators(django_field)
        return api_models.IntegerField(name=name, min_value=low, max_value=high, **options)
    if isinstance(django_field, models.FloatField | models.DecimalField):
        return api_models.FloatField(name=name, **options)
    if isinstance(django_field, models.DateTimeField):
        return api_models.DateTimeField(name=name, **options)
    if isinstance(django_field, models.CharField | models.TextField):
        return api_models.StringField(name=name, max_length=django_field.max_length, **options)
    raise ImproperlyConfigured(
        f"DjangoModelDataStore cannot derive a field from {django_field!r} "
        f"({django_field.get_internal_type()}): pass an explicit Model."
    )


def derive_model(model_class: type[models.Model]) -> Model:
    """Build the API ``Model`` of a Django model from its concrete fields."""
    fields = [field_from_django(field) for field in model_class._meta.concrete_fields]
    model_type = type(f"{model_class.__name__}Model", (Model,), {"fields": fields})
    return model_type()
