"""``FileField``: a file kept in Django's storage; its URL (or ``null``) on the wire.

On the ORM store a file is sent as one part of a ``multipart/form-data`` body
and saved through the Django field's storage; what is read back is what the
storage's ``url()`` gives. A file larger than ``max_size`` bytes (default:
Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``, read when a file arrives) is refused
with a 413 before anything is written. A JSON body may carry the URL read
before, unchanged (so that a client can ``PUT`` back what it read), or ``null``
to clear the field. The list and SQLite stores cannot keep uploads: there the
field is read-only, and its value is whatever the server writes (``before_write``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File

from ..exceptions import PayloadTooLarge
from .fields import Field, FieldError
from .text import check_text

__all__ = ["FileField"]


class FileField(Field):
    """A file: ``FileField(name="scan", max_size=5_000_000)``; ``image=True`` accepts only images (Pillow)."""

    base_type = "file"
    example = None
    lookups = frozenset({"isnull"})
    orderable = False

    def __init__(self, name: str, *, max_size: int | None = None, image: bool = False, **options: Any) -> None:
        self.max_size = max_size
        self.image = image
        super().__init__(name, max_size=max_size, image=image, **options)

    def get_max_size(self) -> int | None:
        """Return the largest file accepted, in bytes (None: no limit): ``max_size``, else Django's setting."""
        if self.max_size is not None:
            return self.max_size
        limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return limit

    def check_type(self, value: Any) -> Any:
        if isinstance(value, str):
            return check_text(value)  # a URL read before, sent back; or the server's own value
        if not isinstance(value, File):
            raise FieldError("Send the file as a part of a multipart/form-data body.")
        limit = self.get_max_size()
        if limit is not None and (value.size or 0) > limit:
            raise PayloadTooLarge(
                f"{self.name} is larger than {limit} bytes.",
                fields={self.name: f"The file is larger than {limit} bytes."},
            )
        if self.image:
            self.check_image(value)
        return value

    def check_image(self, value: File[Any]) -> None:
        """Refuse a file Pillow cannot read as an image, as Django's form ``ImageField`` does."""
        from django import forms  # the form field carries Django's own image check (and needs Pillow)

        try:
            forms.ImageField().to_python(value)
        except ValidationError as error:
            raise FieldError(" ".join(str(message) for message in error.messages)) from None
        finally:
            value.seek(0)

    def check_options(self, value: Any) -> None:
        """A file has no length or range of its own (its size is checked against ``max_size``)."""

    def json_schema(self) -> dict[str, Any]:
        # MEDIA_URL may be a path (/media/...) or a full URL: a URI reference either way.
        return {"type": "string", "format": "uri-reference"}
