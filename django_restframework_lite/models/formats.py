"""Strings with a format: e-mail addresses, URLs, slugs, IP addresses and UUIDs.

They travel as JSON strings and are checked with Django's own validators, so a
value the API accepts is one Django's model validation accepts too. Each is kept
in one canonical spelling (a UUID lower-case with hyphens, an IPv6 address
compressed), which is what makes ``?serial=<uuid>`` find the row whatever
spelling the client used.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email, validate_slug, validate_unicode_slug
from django.utils.ipv6 import clean_ipv6_address

from .fields import COMMON_LOOKUPS, Field, FieldError, ForeignKeyField, StringField
from .text import check_text

__all__ = ["EmailField", "IPAddressField", "SlugField", "URLField", "UUIDField", "UUIDForeignKey", "UUIDPkField"]


def run_django_validator(validator: Any, value: str) -> None:
    try:
        validator(value)
    except ValidationError as error:
        raise FieldError(" ".join(str(message) for message in error.messages)) from None


class EmailField(StringField):
    """An e-mail address, checked as Django's ``EmailField`` checks it."""

    example = "someone@example.com"

    def check_type(self, value: Any) -> str:
        text = super().check_type(value)
        if text:  # empty is blank, as for Django's validators (a model's blank=False refuses it)
            run_django_validator(validate_email, text)
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "email"}


class URLField(StringField):
    """A URL, checked as Django's ``URLField`` checks it: ``schemes`` defaults to http, https, ftp and ftps."""

    example = "https://example.com/"

    def __init__(self, name: str, *, schemes: list[str] | None = None, **options: Any) -> None:
        self.url_validator = URLValidator(schemes=schemes)
        super().__init__(name, **options)

    def check_type(self, value: Any) -> str:
        text = super().check_type(value)
        if text:  # empty is blank, as for Django's validators (a model's blank=False refuses it)
            run_django_validator(self.url_validator, text)
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "uri"}


class SlugField(StringField):
    """Letters, digits, underscores and hyphens (``allow_unicode=True``: any Unicode letter)."""

    example = "hello-world"

    def __init__(self, name: str, *, allow_unicode: bool = False, **options: Any) -> None:
        self.allow_unicode = allow_unicode
        super().__init__(name, allow_unicode=allow_unicode, **options)

    def check_type(self, value: Any) -> str:
        text = super().check_type(value)
        if text:  # empty is blank, as for Django's validators (a model's blank=False refuses it)
            run_django_validator(validate_unicode_slug if self.allow_unicode else validate_slug, text)
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^[-\w]+$" if self.allow_unicode else r"^[-a-zA-Z0-9_]+$"}


_INVALID_ADDRESS = {
    "both": "Enter a valid IPv4 or IPv6 address.",
    "ipv4": "Enter a valid IPv4 address.",
    "ipv6": "Enter a valid IPv6 address.",
}


class IPAddressField(Field):
    """An IPv4 or IPv6 address (``protocol="both"``, ``"ipv4"`` or ``"ipv6"``), as Django's ``GenericIPAddressField``.

    IPv6 addresses are kept compressed and lower-case; with ``unpack_ipv4=True``
    an IPv4-mapped address (``::ffff:10.0.0.1``) is kept as its IPv4 address.
    Databases order addresses differently (PostgreSQL's ``inet`` by family
    first), so they are not orderable; ``exact``, ``in`` and ``isnull`` filter them.
    """

    base_type = "ipaddress"
    example = "192.0.2.1"
    lookups = COMMON_LOOKUPS
    orderable = False

    def __init__(self, name: str, *, protocol: str = "both", unpack_ipv4: bool = False, **options: Any) -> None:
        self.protocol = protocol.lower()
        if self.protocol not in {"both", "ipv4", "ipv6"}:
            raise TypeError(f"IPAddressField({name!r}): protocol must be 'both', 'ipv4' or 'ipv6'.")
        self.unpack_ipv4 = unpack_ipv4
        if self.protocol == "ipv6":
            self.example = "2001:db8::1"
        super().__init__(name, protocol=self.protocol, unpack_ipv4=unpack_ipv4, **options)

    def check_type(self, value: Any) -> str:
        if not isinstance(value, str):
            raise FieldError("Expected an IP address as a string.")
        text = check_text(value).strip()
        invalid = FieldError(_INVALID_ADDRESS[self.protocol])
        if self.protocol != "ipv6" and ":" not in text:
            try:
                return str(ipaddress.IPv4Address(text))
            except ValueError:
                raise invalid from None
        if self.protocol == "ipv4":
            raise invalid
        try:
            return str(clean_ipv6_address(text, self.unpack_ipv4))
        except ValidationError:
            raise invalid from None

    def json_schema(self) -> dict[str, Any]:
        if self.protocol == "both":
            return {"type": "string", "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]}
        return {"type": "string", "format": self.protocol}


class UUIDField(Field):
    """A UUID, ``"6f1c2d1e-8b7a-4c55-9e0f-3a2b1c0d9e8f"``: any spelling in, lower-case with hyphens out."""

    base_type = "uuid"
    example = "6f1c2d1e-8b7a-4c55-9e0f-3a2b1c0d9e8f"
    lookups = COMMON_LOOKUPS

    def check_type(self, value: Any) -> str:
        if isinstance(value, uuid.UUID):
            return str(value)
        if not isinstance(value, str):
            raise FieldError("Expected a UUID string such as 6f1c2d1e-8b7a-4c55-9e0f-3a2b1c0d9e8f.")
        try:
            return str(uuid.UUID(value.strip()))
        except ValueError:
            raise FieldError(f"{value!r} is not a valid UUID.") from None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "uuid"}


class UUIDPkField(UUIDField):
    """A UUID primary key: given by the client, or with ``auto=True`` drawn by the store (then read-only)."""

    is_pk = True

    def __init__(self, name: str, *, auto: bool = False, **options: Any) -> None:
        self.assigned_by_store = auto  # type: ignore[misc]  # an instance's choice shadows the class default
        super().__init__(name, auto=auto, **options)


class UUIDForeignKey(ForeignKeyField, UUIDField):
    """A reference to a ressource whose pk is a UUID."""

    base_type = "uuid"
