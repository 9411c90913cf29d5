"""How a ressource is described and validated: field classes and ``Model``.

``from django_restframework_lite import models`` then ``models.StringField(...)``,
as in the seed's tutorial.
"""

from . import validators
from .base import Model
from .fields import (
    BooleanField,
    DateTimeField,
    Field,
    FieldError,
    FloatField,
    ForeignKeyField,
    IntegerField,
    IntForeign,
    PkField,
    StringField,
    StringForeignKey,
    StringForeingKey,
    StringPkField,
    TimestampField,
)

__all__ = [
    "BooleanField",
    "DateTimeField",
    "Field",
    "FieldError",
    "FloatField",
    "ForeignKeyField",
    "IntForeign",
    "IntegerField",
    "Model",
    "PkField",
    "StringField",
    "StringForeignKey",
    "StringForeingKey",
    "StringPkField",
    "TimestampField",
    "validators",
]
