"""``FieldError``: the one error a value that does not fit a field raises, whoever checks it."""

from __future__ import annotations

__all__ = ["FieldError"]


class FieldError(ValueError):
    """A value does not fit a field; the message says why, for the ``fields`` dict."""
