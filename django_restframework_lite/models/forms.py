"""A ``multipart/form-data`` body as the dict a JSON body would have been.

Text parts are converted like query values (``"3"`` is the integer 3 for an
``IntegerField``, ``"true"`` a boolean, a ``JSONField`` part is JSON text); an
empty part is ``null`` for every field that is not text. A ``ManyToManyField``
takes repeated parts or one comma-separated part (``tags=1&tags=3`` or
``tags=1,3``); a ``FileField`` takes the uploaded file (or an empty text part to
clear it). The result is then validated exactly as a JSON body is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..exceptions import BadRequest
from .base import Model, invalid_message
from .fields import FieldError
from .files import FileField


def form_data(model: Model, parts: Mapping[str, Sequence[str]], files: Mapping[str, Sequence[Any]]) -> dict[str, Any]:
    """Return the body of a multipart request: ``parts`` (name -> texts) and ``files`` (name -> uploads)."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, uploads in files.items():
        field = model.get_field(name)
        if not isinstance(field, FileField):
            errors[name] = "Only file fields take a file; send this one as text." if field else "Unknown field."
        elif len(uploads) != 1 or name in parts:
            errors[name] = "Send one file for this field."
        else:
            data[name] = uploads[0]
    for name, texts in parts.items():
        if name in files:
            continue
        field = model.get_field(name)
        if field is None:
            data[name] = texts[-1]  # validation names it as an unknown field
            continue
        try:
            data[name] = convert_part(field, texts)
        except FieldError as error:
            errors[name] = str(error)
    if errors:
        name = next(iter(errors))
        raise BadRequest(invalid_message(name), fields=errors)
    return data


def convert_part(field: Any, texts: Sequence[str]) -> Any:
    """Convert the text parts sent for one field to the value a JSON body would carry."""
    if field.many:
        items = [item.strip() for text in texts for item in text.split(",") if item.strip()]
        return [field.items.from_text(item) if field.items.base_type != "string" else item for item in items]
    if len(texts) != 1:
        raise FieldError("Send this field once.")
    text = texts[0]
    if field.base_type == "string":
        return text
    if text == "":
        return None
    return field.from_text(text)
