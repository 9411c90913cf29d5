"""How a ressource is described and validated: field classes and ``Model``.

``from django_restframework_lite import models`` then ``models.StringField(...)``,
as in the seed's tutorial. The field classes live by family: ``fields`` (the
seed's scalars and keys), ``temporal`` (dates, times, durations), ``numbers``
(decimals), ``formats`` (e-mail, URL, slug, IP address, UUID), ``structured``
(JSON, bytes), ``files`` and ``relations`` (many-to-many).
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
from .files import FileField
from .formats import EmailField, IPAddressField, SlugField, URLField, UUIDField, UUIDForeignKey, UUIDPkField
from .numbers import DecimalField, JsonFloat
from .relations import ManyToManyField
from .structured import BinaryField, JSONField
from .temporal import DateField, DurationField, TimeField

__all__ = [
    "BinaryField",
    "BooleanField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DurationField",
    "EmailField",
    "Field",
    "FieldError",
    "FileField",
    "FloatField",
    "ForeignKeyField",
    "IPAddressField",
    "IntForeign",
    "IntegerField",
    "JSONField",
    "JsonFloat",
    "ManyToManyField",
    "Model",
    "PkField",
    "SlugField",
    "StringField",
    "StringForeignKey",
    "StringForeingKey",
    "StringPkField",
    "TimeField",
    "TimestampField",
    "URLField",
    "UUIDField",
    "UUIDForeignKey",
    "UUIDPkField",
    "validators",
]
