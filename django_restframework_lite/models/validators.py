"""Field validators in the seed's style: ``validate(value) -> bool``.

A field class lists extra checks in ``validators``; each is either a callable
``f(value)`` that raises ``FieldError`` with its own message, or, as in the seed,
an object whose ``validate(value)`` returns False for a value it refuses::

    from django_restframework_lite import models
    from django_restframework_lite.models.validators import Validator


    class EvenValidator(Validator):
        def validate(self, field):
            return field % 2 == 0


    class EvenField(models.IntegerField):
        validators = [EvenValidator()]

A refused value is a 400 naming the field (``"age does not validate"``). The
seed's ``IntegerValidator``, ``StringValidator`` and ``FloatValidator`` are here
too; the field classes already check their JSON type as strictly (``true`` is no
integer, ``NaN`` no float), so listing them only restates what is checked.
``value_check()`` turns one entry of ``validators`` into the check a field runs:
a field decides that once, when it is built.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

from .errors import FieldError

__all__ = ["FloatValidator", "IntegerValidator", "StringValidator", "Validator", "unusable_reason", "value_check"]

#: What a field runs for one entry of its ``validators``: raises ``FieldError`` for a refused value.
ValueCheck = Callable[[Any], None]


class Validator:
    """Base class of the seed's field validators: ``validate(value)`` returns True to accept ``value``."""

    def validate(self, value: Any) -> bool:
        raise NotImplementedError(f"{type(self).__name__} must implement validate(value) -> bool")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class IntegerValidator(Validator):
    """Accept an integer (a JSON boolean is not one)."""

    def validate(self, value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)


class StringValidator(Validator):
    """Accept a string."""

    def validate(self, value: Any) -> bool:
        return isinstance(value, str)


class FloatValidator(Validator):
    """Accept a finite number: ``3`` is a valid float, ``NaN`` and ``Infinity`` are not."""

    def validate(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return math.isfinite(value)


def unusable_reason(validator: Any) -> str | None:
    """Say why a field cannot run ``validator``, or return None when it can."""
    name = type(validator).__name__
    if isinstance(validator, type):
        return f"{validator.__name__} is a class: list an instance, {validator.__name__}()."
    validate = getattr(validator, "validate", None)
    target = validate if callable(validate) else validator
    if not callable(target):
        return f"{name} is neither a callable f(value) nor an object with validate(value) -> bool."
    if getattr(type(validator), "validate", None) is Validator.validate:
        return f"{name} must implement validate(value) -> bool."
    try:
        inspect.signature(target).bind(None)
    except TypeError:
        what = f"{name}.validate" if target is validate else getattr(validator, "__name__", name)
        return f"{what} cannot be called with one value."
    except ValueError:  # a builtin without a signature
        return None
    return None


def value_check(validator: Any) -> ValueCheck:
    """Return the check a field runs for ``validator`` (see the module docstring).

    A ``validate()`` that returns a false value refuses the value; a callable
    without ``validate()`` is called as it is and refuses by raising ``FieldError``.
    One that cannot be run (``unusable_reason()``) raises ``TypeError`` naming it
    when the field is used; ``include()`` refuses such a model before that.
    """
    reason = unusable_reason(validator)
    if reason is not None:

        def unusable(value: Any) -> None:
            raise TypeError(reason)

        return unusable
    validate = getattr(validator, "validate", None)
    if not callable(validate):
        return validator  # type: ignore[no-any-return]
    refusal = f"Refused by {type(validator).__name__}."

    def check(value: Any) -> None:
        if not validate(value):
            raise FieldError(refusal)

    return check
