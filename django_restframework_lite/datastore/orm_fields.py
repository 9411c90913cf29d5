"""The API ``Model`` of a Django model: each Django field described as an API field.

``DjangoModelDataStore(User)`` calls ``derive_model(User)`` when no explicit
``Model`` is given; ``field_from_django`` is the mapping of API.md sections 2
and 11. Every concrete field type Django ships is derived, with its options:
``blank``/``null``/``default`` give ``required``, ``nullable`` and ``default``;
``choices``, ``max_length``, the validators' bounds, ``max_digits`` and
``decimal_places`` carry over; ``help_text`` becomes the description. Fields
Django fills itself (``editable=False``, ``auto_now``, a ``GeneratedField``) and
many-to-many fields through a custom ``through`` model are read-only. A field
of a type this module does not know is derived from what its
``get_internal_type()`` says it is; otherwise it is a configuration error that
names the field and how to describe it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .. import models as api_models
from ..models import Field, Model


def _range_from_validators(django_field: models.Field[Any, Any]) -> tuple[int | None, int | None]:
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


def fills_itself(django_field: models.Field[Any, Any]) -> bool:
    """Tell whether Django gives the field its value on save (``auto_now`` / ``auto_now_add``)."""
    return bool(getattr(django_field, "auto_now", False) or getattr(django_field, "auto_now_add", False))


def is_read_only(django_field: models.Field[Any, Any]) -> bool:
    """Tell whether a client may not write the field, as Django's ModelForm would leave it out.

    ``auto_now``/``auto_now_add`` fields are not editable either: Django sets them.
    """
    return not django_field.editable or fills_itself(django_field)


def describe(django_field: models.Field[Any, Any]) -> str:
    model = getattr(django_field, "model", None)
    owner = f"{model.__name__}." if model is not None else ""
    return f"{owner}{django_field.name} ({type(django_field).__name__})"


# Scalar fields ---------------------------------------------------------------------------------

Builder = Callable[[Any], tuple[type[Field], dict[str, Any]]]  # takes the Django field of its row of SCALARS


def _integer(django_field: models.Field[Any, Any]) -> tuple[type[Field], dict[str, Any]]:
    low, high = _range_from_validators(django_field)
    return api_models.IntegerField, {"min_value": low, "max_value": high}


def _text(cls: type[Field]) -> Builder:
    return lambda django_field: (cls, {"max_length": django_field.max_length})


# Subclasses first: a DateTimeField is a DateField, an EmailField a CharField, an ImageField a FileField.
SCALARS: list[tuple[type[models.Field[Any, Any]], Builder]] = [
    (models.BooleanField, lambda f: (api_models.BooleanField, {})),
    (models.IntegerField, _integer),
    (models.FloatField, lambda f: (api_models.FloatField, {})),
    (models.DecimalField, lambda f: (api_models.DecimalField, {"max_digits": f.max_digits, "decimal_places": f.decimal_places})),
    (models.DateTimeField, lambda f: (api_models.DateTimeField, {})),
    (models.DateField, lambda f: (api_models.DateField, {})),
    (models.TimeField, lambda f: (api_models.TimeField, {})),
    (models.DurationField, lambda f: (api_models.DurationField, {})),
    (models.UUIDField, lambda f: (api_models.UUIDField, {})),
    (models.JSONField, lambda f: (api_models.JSONField, {})),
    (models.BinaryField, lambda f: (api_models.BinaryField, {"max_length": f.max_length})),
    (models.GenericIPAddressField, lambda f: (api_models.IPAddressField, {"protocol": f.protocol, "unpack_ipv4": f.unpack_ipv4})),
    (models.ImageField, lambda f: (api_models.FileField, {"image": True})),
    (models.FileField, lambda f: (api_models.FileField, {})),
    (models.EmailField, _text(api_models.EmailField)),
    (models.URLField, _text(api_models.URLField)),
    (models.SlugField, lambda f: (api_models.SlugField, {"max_length": f.max_length, "allow_unicode": f.allow_unicode})),
    (models.FilePathField, _text(api_models.StringField)),
    (models.CharField, _text(api_models.StringField)),
    (models.TextField, _text(api_models.StringField)),
]
# A custom field says what it is like through get_internal_type() ("CharField", "JSONField"...).
BY_INTERNAL_TYPE: dict[str, Builder] = {
    **{name: _integer for name in ("IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
                                   "PositiveBigIntegerField", "PositiveSmallIntegerField")},
    **{django_type.__name__: builder for django_type, builder in SCALARS},
}


def scalar(django_field: models.Field[Any, Any]) -> tuple[type[Field], dict[str, Any]]:
    """Return the API field class of a Django field that holds one value, and the options of its type."""
    for django_type, builder in SCALARS:
        if isinstance(django_field, django_type):
            return builder(django_field)
    by_type = BY_INTERNAL_TYPE.get(django_field.get_internal_type())
    if by_type is None:
        name = django_field.name
        raise ImproperlyConfigured(
            f"DjangoModelDataStore cannot derive a field from {describe(django_field)}: its type is unknown. "
            f"Pass an explicit Model that describes it with a field class of django_restframework_lite.models "
            f"(e.g. models.StringField(name={name!r}) for text, models.JSONField(name={name!r}) for a structure), "
            f"or leave it out with exclude=[{name!r}]."
        )
    return by_type(django_field)


# Keys ------------------------------------------------------------------------------------------


def pk_item(target: models.Field[Any, Any]) -> Field:
    """Return the API field of one value of ``target``, the column a foreign key or a link holds."""
    if isinstance(target, models.UUIDField):
        return api_models.UUIDField(target.name)
    if isinstance(target, (models.CharField, models.TextField)):
        return api_models.StringField(target.name, max_length=target.max_length)
    return api_models.IntegerField(target.name)


def foreign_key(django_field: models.ForeignKey[Any, Any], options: dict[str, Any]) -> Field:
    """A ``ForeignKey`` or ``OneToOneField``: the class follows the type of the column it refers to."""
    target = django_field.target_field
    foreign = {"table": str(django_field.related_model._meta.model_name), "column": str(target.name)}
    item = pk_item(target)
    if isinstance(item, api_models.UUIDField):
        return api_models.UUIDForeignKey(name=django_field.name, foreign=foreign, **options)
    if isinstance(item, api_models.StringField):
        return api_models.StringForeignKey(name=django_field.name, foreign=foreign, **options)
    return api_models.IntForeign(name=django_field.name, foreign=foreign, **options)


def many_to_many(django_field: models.ManyToManyField[Any, Any], *, read_only: bool) -> Field:
    """A ``ManyToManyField``: a list of the target's pks, read-only through a custom ``through`` model."""
    related: Any = django_field.related_model
    through: Any = django_field.remote_field.through
    custom_through = not through._meta.auto_created
    read_only = read_only or custom_through or not django_field.editable
    return api_models.ManyToManyField(
        name=django_field.name,
        foreign={"table": str(related._meta.model_name), "column": str(related._meta.pk.name)},
        items=pk_item(related._meta.pk),
        allow_empty=django_field.blank or read_only,
        required=not (django_field.blank or read_only),
        read_only=read_only,
        description=django_field.help_text or None,
    )


def primary_key(django_field: models.Field[Any, Any]) -> Field:
    name = django_field.name
    description = str(django_field.help_text) if django_field.help_text else None
    if isinstance(django_field, models.AutoField | models.BigAutoField | models.SmallAutoField):
        return api_models.PkField(name=name, description=description)
    if isinstance(django_field, models.UUIDField):
        # Not editable: the store makes it. Editable: the client may send it, or leave it to the default.
        options: dict[str, Any] = {"auto": not django_field.editable, "description": description}
        if django_field.editable and django_field.has_default():
            options["default"] = django_field.default
        return api_models.UUIDPkField(name=name, required=not django_field.has_default(), **options)
    if isinstance(django_field, models.CharField | models.TextField):
        return api_models.StringPkField(name=name, required=True, max_length=django_field.max_length, description=description)
    raise ImproperlyConfigured(
        f"DjangoModelDataStore cannot derive a pk from {describe(django_field)}: use an AutoField, a UUIDField or "
        "a CharField primary key, or pass an explicit Model (with a PkField, UUIDPkField or StringPkField)."
    )


# One field -------------------------------------------------------------------------------------


def field_from_django(django_field: models.Field[Any, Any], *, read_only: bool = False) -> Field:
    """Describe one Django field as an API field (the mapping of API.md sections 2 and 11).

    A field that is not editable, or named in ``read_only``, is read-only; the
    server gives it its value, so a create never requires it.
    """
    if isinstance(django_field, models.CompositePrimaryKey):
        raise ImproperlyConfigured(
            f"DjangoModelDataStore cannot serve {describe(django_field)}: a ressource needs a pk of one field "
            "(its URLs name one object by one value). Serve a model with a single-column primary key."
        )
    if django_field.primary_key:
        return primary_key(django_field)
    if isinstance(django_field, models.ManyToManyField):
        return many_to_many(django_field, read_only=read_only)
    if isinstance(django_field, models.GeneratedField) and django_field.output_field is not None:
        output = copy.copy(django_field.output_field)
        output.set_attributes_from_name(django_field.name)
        output.null, output.blank, output.editable = True, True, False
        output.help_text = django_field.help_text
        return field_from_django(output, read_only=True)
    name = django_field.name
    read_only = read_only or is_read_only(django_field)
    options: dict[str, Any] = {
        "required": not (read_only or django_field.blank or django_field.null or django_field.has_default()),
        "nullable": django_field.null,
        "read_only": read_only,
        "description": django_field.help_text or None,
    }
    if django_field.has_default():
        options["default"] = django_field.default
    elif django_field.blank and not django_field.null and django_field.empty_strings_allowed:
        options["default"] = ""  # what Django itself stores for an omitted blank text field
    if django_field.choices:
        options["choices"] = [value for value, _label in django_field.flatchoices]
    if isinstance(django_field, models.ForeignKey):
        return foreign_key(django_field, options)
    cls, type_options = scalar(django_field)
    if issubclass(cls, api_models.FileField):
        # No file is null on the wire, whatever Django stores for it (an empty name).
        options["nullable"] = True
        if options.get("default") == "":
            del options["default"]
    return cls(name=name, **type_options, **options)


# The model -------------------------------------------------------------------------------------


def derive_model(
    model_class: type[models.Model],
    *,
    fields: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    read_only: Sequence[str] = (),
) -> Model:
    """Build the API ``Model`` of a Django model from its concrete and many-to-many fields.

    ``fields`` names the only fields exposed, ``exclude`` the fields left out
    (never both); the pk is always exposed. ``read_only`` names exposed fields a
    client may not write. A name that is no field of the model is an
    ``ImproperlyConfigured`` naming it.
    """
    meta = model_class._meta
    if isinstance(meta.pk, models.CompositePrimaryKey):
        field_from_django(meta.pk)
    concrete = [field for field in meta.concrete_fields if not isinstance(field, models.CompositePrimaryKey)]
    available = concrete + list(meta.many_to_many)
    names = {django_field.name: django_field for django_field in available}
    names.update({django_field.attname: django_field for django_field in concrete})
    label = model_class.__name__
    if fields is not None and exclude is not None:
        raise ImproperlyConfigured(f"DjangoModelDataStore({label}): give fields or exclude, not both.")
    for option, listed in (("fields", fields), ("exclude", exclude), ("read_only", read_only)):
        if isinstance(listed, str):
            raise ImproperlyConfigured(f"DjangoModelDataStore({label}): {option} must be a list of field names.")
        unknown = [name for name in listed or () if name not in names]
        if unknown:
            known = ", ".join(django_field.name for django_field in available)
            raise ImproperlyConfigured(
                f"DjangoModelDataStore({label}): {option} names {', '.join(map(repr, unknown))}, "
                f"which {'is' if len(unknown) == 1 else 'are'} not a field of {label}; its fields are: {known}."
            )
    pk = meta.pk
    if exclude is not None and any(names[name] is pk for name in exclude):
        raise ImproperlyConfigured(f"DjangoModelDataStore({label}): the pk {pk.name!r} is always exposed; "
                                   "hide it from answers with the remove_id formater.")
    if fields is not None:
        chosen = {names[name] for name in fields} | {pk}
    else:
        left_out = {names[name] for name in exclude or ()}
        chosen = {django_field for django_field in available if django_field not in left_out}
    marked = {names[name] for name in read_only}
    api_fields = [
        field_from_django(django_field, read_only=django_field in marked)
        for django_field in available
        if django_field in chosen
    ]
    model_type: type[Model] = type(f"{label}Model", (Model,), {"fields": api_fields})
    return model_type()
