"""The API ``Model`` of a Django model: each concrete Django field described as an API field.

``DjangoModelDataStore(User)`` calls ``derive_model(User)`` when no explicit
``Model`` is given; ``field_from_django`` is the mapping of API.md section 2.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def fills_itself(django_field: models.Field) -> bool:
    """Tell whether Django gives the field its value on save (``auto_now`` / ``auto_now_add``)."""
    return bool(getattr(django_field, "auto_now", False) or getattr(django_field, "auto_now_add", False))


def is_read_only(django_field: models.Field) -> bool:
    """Tell whether a client may not write the field, as Django's ModelForm would leave it out.

    ``auto_now``/``auto_now_add`` fields are not editable either: Django sets them.
    """
    return not django_field.editable or fills_itself(django_field)


def field_from_django(django_field: models.Field, *, read_only: bool = False) -> Field:
    """Describe one concrete Django field as an API field (the mapping of API.md section 2).

    A field that is not editable, or named in ``read_only``, is read-only; the
    server gives it its value, so a create never requires it.
    """
    name = django_field.name
    read_only = read_only or is_read_only(django_field)
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
        "required": not (read_only or django_field.blank or django_field.null or django_field.has_default()),
        "nullable": django_field.null,
        "read_only": read_only,
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


def derive_model(
    model_class: type[models.Model],
    *,
    fields: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    read_only: Sequence[str] = (),
) -> Model:
    """Build the API ``Model`` of a Django model from its concrete fields.

    ``fields`` names the only fields exposed, ``exclude`` the fields left out
    (never both); the pk is always exposed. ``read_only`` names exposed fields a
    client may not write. A name that is no concrete field of the model is an
    ``ImproperlyConfigured`` naming it.
    """
    concrete = list(model_class._meta.concrete_fields)
    names = {django_field.name: django_field for django_field in concrete}
    names.update({django_field.attname: django_field for django_field in concrete})
    label = model_class.__name__
    if fields is not None and exclude is not None:
        raise ImproperlyConfigured(f"DjangoModelDataStore({label}): give fields or exclude, not both.")
    for option, listed in (("fields", fields), ("exclude", exclude), ("read_only", read_only)):
        if isinstance(listed, str):
            raise ImproperlyConfigured(f"DjangoModelDataStore({label}): {option} must be a list of field names.")
        unknown = [name for name in listed or () if name not in names]
        if unknown:
            known = ", ".join(django_field.name for django_field in concrete)
            raise ImproperlyConfigured(
                f"DjangoModelDataStore({label}): {option} names {', '.join(map(repr, unknown))}, "
                f"which {'is' if len(unknown) == 1 else 'are'} not a field of {label}; its fields are: {known}."
            )
    pk = model_class._meta.pk
    if exclude is not None and any(names[name] is pk for name in exclude):
        raise ImproperlyConfigured(f"DjangoModelDataStore({label}): the pk {pk.name!r} is always exposed; "
                                   "hide it from answers with the remove_id formater.")
    if fields is not None:
        chosen = {names[name] for name in fields} | {pk}
    else:
        left_out = {names[name] for name in exclude or ()}
        chosen = {django_field for django_field in concrete if django_field not in left_out}
    marked = {names[name] for name in read_only}
    api_fields = [
        field_from_django(django_field, read_only=django_field in marked)
        for django_field in concrete
        if django_field in chosen
    ]
    model_type = type(f"{label}Model", (Model,), {"fields": api_fields})
    return model_type()
