"""``Model``: the description of a ressource, and validation of whole bodies against it."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..exceptions import BadRequest
from .fields import NOT_PROVIDED, Field, FieldError, ForeignKeyField
from .files import FileField
from .relations import ManyToManyField

# Members a client may send back unchanged from what it read: ``PUT`` what you ``GET``.
IGNORED_MEMBERS = frozenset({"ressource_uri"})


def missing_message(name: str) -> str:
    return f"{name} is missing. Cannot create the ressource"


def invalid_message(name: str) -> str:
    return f"{name} does not validate"


class Model:
    """Describe a ressource with a list of fields, exactly one of which is the pk.

    Subclass it and set ``fields``; datastores build one instance per endpoint::

        class UserModel(Model):
            fields = [StringField(name="first_name", required=True), PkField(name="id")]
    """

    fields: list[Field] = []

    def __init__(self, fields: list[Field] | None = None) -> None:
        if fields is not None:
            self.fields = list(fields)
        self.index_fields()

    def index_fields(self) -> None:
        """Check the fields and index them: by name, the pk, the references, the read-only ones."""
        self._by_name: dict[str, Field] = {}
        for field in self.fields:
            if not isinstance(field, Field):
                raise ImproperlyConfigured(f"{type(self).__name__}.fields holds {field!r}, which is not a Field.")
            if field.name in self._by_name:
                raise ImproperlyConfigured(f"{type(self).__name__} has two fields named {field.name!r}.")
            self._by_name[field.name] = field
        pks = [field for field in self.fields if field.is_pk]
        if len(pks) != 1:
            raise ImproperlyConfigured(
                f"{type(self).__name__} must have exactly one pk field (PkField, StringPkField or UUIDPkField); "
                f"it has {len(pks)}."
            )
        self.pk_field: Field = pks[0]
        self.foreign_keys: list[ForeignKeyField] = [f for f in self.fields if isinstance(f, ForeignKeyField)]
        self.many_to_many: list[ManyToManyField] = [f for f in self.fields if isinstance(f, ManyToManyField)]
        self.file_fields: list[FileField] = [f for f in self.fields if isinstance(f, FileField)]
        self.read_only_names = frozenset(f.name for f in self.fields if f.read_only and f is not self.pk_field)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {', '.join(self.get_fields_name())}>"

    def get_fields(self) -> list[Field]:
        return list(self.fields)

    def get_fields_name(self) -> list[str]:
        return [field.name for field in self.fields]

    def get_field(self, name: str) -> Field | None:
        """Return the field called ``name``, or None when the model has none."""
        return self._by_name.get(name)

    def field(self, name: str) -> Field:
        """Return the field called ``name``, known to exist (a ``KeyError`` otherwise)."""
        return self._by_name[name]

    def with_read_only(self, names: Iterable[str]) -> Model:
        """Return a copy of this model in which the fields ``names`` are read-only (the fields are copied too).

        A store that cannot write some kind of field (the list and SQLite stores
        and uploads) serves such a copy, so that the ``Model`` given, and any other
        store sharing its fields, is left as it was.
        """
        names = set(names)
        if not names.difference(self.read_only_names):
            return self
        clone = copy.copy(self)
        fields = []
        for field in self.fields:
            if field.name in names and not field.read_only:
                field = copy.copy(field)
                field.read_only, field.required = True, False
                field.options = {**field.options, "read_only": True, "required": False}
            fields.append(field)
        clone.fields = fields
        clone.index_fields()
        return clone

    def get_schema(self) -> dict[str, dict[str, Any]]:
        """Return the seed's schema: each field but the pk, with type, example and required."""
        return {field.name: field.get_schema() for field in self.fields if field is not self.pk_field}

    # Validation -------------------------------------------------------------------------

    def validate(self, data: Any) -> dict[str, Any]:
        """Validate a whole body for a create; return every field's value to store.

        Missing optional fields get their ``default`` (or None). A pk the store
        assigns (``PkField``, ``UUIDPkField(auto=True)``) may not be sent.
        """
        cleaned, errors, first = self._check_members(data)
        pk = self.pk_field
        if pk.name in cleaned and pk.assigned_by_store:
            errors.setdefault(pk.name, "The pk is assigned by the server and may not be sent.")
            first = first or invalid_message(pk.name)
        for field in self.fields:
            if field.name in cleaned or field.name in errors:
                continue
            if field is pk and field.assigned_by_store:
                continue
            if field.required or field is pk and field.default is NOT_PROVIDED:
                errors[field.name] = "This field is required."
                first = first or missing_message(field.name)
            elif field.default is not NOT_PROVIDED:
                cleaned[field.name] = field.get_default()
            else:
                cleaned[field.name] = None
        if errors:
            raise BadRequest(first, fields=errors)
        return cleaned

    def validate_fields(self, data: Any, current: dict[str, Any] | None = None) -> dict[str, Any]:
        """Validate the fields given for an update (PUT/PATCH); return only those.

        The pk may be sent back unchanged, never changed.
        """
        cleaned, errors, first = self._check_members(data)
        pk_name = self.pk_field.name
        if pk_name in cleaned:
            if current is not None and cleaned[pk_name] == current.get(pk_name):
                del cleaned[pk_name]
            else:
                errors.setdefault(pk_name, "The pk of a ressource cannot be changed.")
                first = first or invalid_message(pk_name)
        if errors:
            raise BadRequest(first, fields=errors)
        return cleaned

    def check_read_only(self, data: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        """Refuse the read-only members a client sent; return the body without those it may send.

        On a create (``current`` None) any read-only member is a 400 naming it; on
        an update one equal to the stored value is accepted (so that a client can
        PUT back what it read) and dropped, any other is a 400. The pk keeps its
        own rules (``validate`` / ``validate_fields``).
        """
        errors: dict[str, str] = {}
        first: str | None = None
        accepted = dict(data)
        for name in self.read_only_names.intersection(data):
            if current is not None and self._same_as_stored(name, data[name], current):
                del accepted[name]
                continue
            errors[name] = "This field is read-only." if current is None else "This field is read-only: send it unchanged or not at all."
            first = first or f"{name} is read-only"
        if errors:
            raise BadRequest(first or "", fields=errors)
        return accepted

    def _same_as_stored(self, name: str, value: Any, current: dict[str, Any]) -> bool:
        try:
            return bool(self._by_name[name].validate(value) == current.get(name))
        except FieldError:
            return False

    def _check_members(self, data: Any) -> tuple[dict[str, Any], dict[str, str], str | None]:
        if not isinstance(data, dict):
            raise BadRequest("The body must be a JSON object.")
        cleaned: dict[str, Any] = {}
        errors: dict[str, str] = {}
        first: str | None = None
        for name, value in data.items():
            field = self._by_name.get(name)
            if field is None:
                if name in IGNORED_MEMBERS:
                    # Ignored, so that a read object can be sent back: but only as what it was read as, a string.
                    if not isinstance(value, str):
                        errors[name] = "Expected a string (the URI read); it is ignored."
                        first = first or invalid_message(name)
                    continue
                errors[name] = "Unknown field."
                first = first or f"{name} is not a field of this ressource"
                continue
            try:
                cleaned[name] = field.validate(value)
            except FieldError as error:
                errors[name] = str(error)
                first = first or invalid_message(name)
        return cleaned, errors, first
