"""Ressource-level validators: rules about a whole row against the rest of the store.

A validator is an object with ``validate(datastore, row, pk=None)`` that raises
``BadRequest`` when ``row`` may not be stored. The seed's base class is kept:
``Validator(*fields)`` stores the field names it is about, and a subclass written
for the seed, whose ``validate(self, datastore, data)`` takes no ``pk``, works as
it is::

    class NoDuplicateEmail(Validator):
        def validate(self, datastore, data):
            if datastore.count(email=data["email"]):
                raise BadRequest("email must be unique")

    ressource = {..., "options": {"validators": [NoDuplicateEmail("email")]}}

``validator_call()`` decides once, when the datastore is built, how each
validator is called; a request never inspects a signature.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..exceptions import Conflict

if TYPE_CHECKING:
    from ..models import Model

__all__ = ["UniqueTogether", "Validator", "ValidatorCall", "validator_call"]

# The datastore a validator receives is typed Any: ``base`` imports this module, not the reverse.
#: How a store calls one validator: ``call(datastore, row, pk)``.
ValidatorCall = Callable[[Any, dict[str, Any], Any], None]


class Validator:
    """Base class of the ressource validators, the seed's: ``Validator(*fields)``.

    ``fields`` names the fields the rule is about; a store refuses, when it is
    built, a validator naming a field its model does not have. Subclasses
    implement ``validate(datastore, row, pk=None)`` (``pk`` is the row's own pk on
    update, None on create, so that a row never conflicts with itself) or the
    seed's ``validate(datastore, data)``.
    """

    def __init__(self, *fields: str) -> None:
        self.fields: tuple[str, ...] = fields

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self.fields))})"

    def validate(self, datastore: Any, row: dict[str, Any], pk: Any = None) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement validate(self, datastore, data)")

    def unknown_fields(self, model: Model) -> list[str]:
        """Return the names in ``fields`` that are not fields of ``model``."""
        return [name for name in getattr(self, "fields", ()) if model.get_field(name) is None]


class UniqueTogether(Validator):
    """Refuse two rows with the same values for all of ``fields``: ``UniqueTogether("first_name", "last_name")``."""

    def __init__(self, *fields: str) -> None:
        if not fields:
            raise TypeError("UniqueTogether needs at least one field name.")
        super().__init__(*fields)

    @property
    def names(self) -> tuple[str, ...]:
        return self.fields

    def validate(self, datastore: Any, row: dict[str, Any], pk: Any = None) -> None:
        pk_name = datastore.model.pk_field.name
        for other in datastore.rows_matching({name: row.get(name) for name in self.fields}, 2):
            if other[pk_name] != pk:
                # 409, as a duplicate pk: the body is valid, the stored data is in the way.
                message = f"{','.join(self.fields)} must be unique together"
                raise Conflict(message, fields={name: message for name in self.fields})


def validator_call(validator: Any) -> ValidatorCall:
    """Return how a store calls ``validator``; raise ``TypeError`` saying what to change when it cannot.

    ``validate(datastore, row, pk)`` is called as it is; the seed's
    ``validate(datastore, data)`` is called without the pk.
    """
    name = type(validator).__name__
    if isinstance(validator, type):
        raise TypeError(f"{validator.__name__} is a class: put an instance in validators, e.g. {validator.__name__}('field').")
    validate = getattr(validator, "validate", None)
    if not callable(validate):
        raise TypeError(f"{name} has no validate() method: subclass datastore.validators.Validator.")
    if getattr(type(validator), "validate", None) is Validator.validate:
        raise TypeError(f"{name} must implement validate(self, datastore, data).")
    try:
        signature = inspect.signature(validate)
    except (TypeError, ValueError):  # a builtin without a signature: trust the documented form
        return validate  # type: ignore[no-any-return]
    if accepts(signature, 3):
        return validate  # type: ignore[no-any-return]
    if accepts(signature, 2):

        def without_pk(datastore: Any, row: dict[str, Any], pk: Any) -> None:
            validate(datastore, row)

        return without_pk
    raise TypeError(
        f"{name}.validate{signature} cannot be called as validate(datastore, data) nor validate(datastore, data, pk)."
    )


def accepts(signature: inspect.Signature, count: int) -> bool:
    """Tell whether ``signature`` can be called with ``count`` positional arguments."""
    try:
        signature.bind(*range(count))
    except TypeError:
        return False
    return True
