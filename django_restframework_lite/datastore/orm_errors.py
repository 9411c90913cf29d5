"""How the ORM store answers Django's refusals: validation and integrity errors as 400 and 409.

``django_fields`` maps each API field name to its Django field, so the errors
name the fields as clients know them (``address``, not ``address_id``).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, models

from ..exceptions import BadRequest, Conflict
from ..models.base import invalid_message, missing_message

# PostgreSQL SQLSTATE codes, read from the driver's error behind Django's IntegrityError.
_FOREIGN_KEY_VIOLATION = "23503"
_UNIQUE_VIOLATION = "23505"
_NOT_NULL_VIOLATION = "23502"
_KEY_DETAIL = re.compile(r"^Key \((.+?)\)=")


def validation_error(
    error: ValidationError, kind: type[BadRequest] | type[Conflict], django_fields: dict[str, models.Field[Any, Any]]
) -> Exception:
    """Turn Django's ``ValidationError`` into a 400 (``kind`` BadRequest) or 409 naming the API fields."""
    by_django_name = {django_field.name: name for name, django_field in django_fields.items()}
    messages = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    fields = {}
    for key, texts in messages.items():
        fields[by_django_name.get(key, key)] = " ".join(str(text) for text in texts)
    named = [key for key in fields if key != NON_FIELD_ERRORS]
    if named:
        message = invalid_message(named[0]) if kind is BadRequest else f"{','.join(named)} must be unique"
    else:
        message = " ".join(fields.pop(NON_FIELD_ERRORS, "")) or "The ressource does not validate"
    return kind(message, fields=fields)


def integrity_error(
    error: DatabaseError, operation: str | None, django_fields: dict[str, models.Field[Any, Any]], foreign_keys: list[str]
) -> Exception:
    """Turn a constraint failure into the 400/409 a client should see."""
    cause = error.__cause__
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    diag = getattr(cause, "diag", None)
    column = getattr(diag, "column_name", None)
    text = str(error)
    by_attname = {django_field.column: name for name, django_field in django_fields.items()}
    if code == _FOREIGN_KEY_VIOLATION or "FOREIGN KEY" in text:
        if operation == "delete":
            return Conflict("Cannot delete this ressource: other ressources still reference it.")
        names = list(foreign_keys)
        first = names[0] if names else "foreign key"
        return BadRequest(invalid_message(first), fields={name: "No such ressource." for name in names})
    if code == _NOT_NULL_VIOLATION or text.startswith("NOT NULL"):
        column = column or text.rpartition(".")[2]
        name = by_attname.get(column, column)
        return BadRequest(missing_message(name), fields={name: "This field is required."})
    if code == _UNIQUE_VIOLATION or text.startswith("UNIQUE"):
        detail = getattr(diag, "message_detail", None) or ""
        match = _KEY_DETAIL.match(detail)
        columns = match.group(1).split(", ") if match else text.partition(":")[2].split(",")
        by_column = {django_field.column: name for name, django_field in django_fields.items()}
        found = [by_column.get(column.strip().rpartition(".")[2]) for column in columns]
        names = [name for name in found if name]
        message = f"{','.join(names)} must be unique" if names else "A ressource with these values already exists."
        return Conflict(message, fields={name: "Already taken." for name in names})
    return BadRequest(f"The database refused this change: {text}")
