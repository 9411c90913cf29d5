"""Writes in one statement: ``INSERT … RETURNING`` and ``UPDATE … RETURNING`` every column of the row.

A create used to cost a transaction, a ``SELECT`` per foreign key, a savepoint,
the ``INSERT`` and a read-back ``SELECT``. Where the database itself enforces
everything the create promises, it is one ``INSERT`` in autocommit that returns
the stored row, decoded as a read would decode it (Django's converters, then the
store's readers), so the answer is the row as stored, as the read-back gave it:

- the foreign key is checked by its constraint (Django creates it ``DEFERRABLE
  INITIALLY DEFERRED``: in autocommit it is checked at the end of the
  statement), and its failure answers the message of the ``SELECT`` it replaces;
  that needs at most one foreign key given, whose target is the same table
  served whole (no window, which a constraint knows nothing of);
- no ressource validators, unique fields or model constraints (their checks are
  queries of their own), no QuerySet window, no many-to-many list or file in the
  body, no multi-table inheritance;
- no ``save()`` override and no ``pre_save``/``post_save`` receiver for the
  model: those expect ``Model.save()``, which the other path calls;
- not inside a caller's transaction, where the constraint would only be checked
  at its commit.

Otherwise the checks (validators, unique fields, foreign keys by ``SELECT``)
and the insert run in one transaction, and the insert still returns the row
(no read-back), unless the model expects ``Model.save()``, the store is a
window, the body carries many-to-many lists or files, or the table has a parent
(multi-table inheritance): those keep ``save()`` and the read-back. An update of a row already
locked by the controller is one ``UPDATE … WHERE pk = %s RETURNING`` (no reload of
the instance, no read-back) under the same conditions, minus the foreign-key
ones: its foreign keys are still checked first, inside the transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

from django.db import DataError, IntegrityError, connections, models
from django.db.models import signals

from ..exceptions import BadRequest
from ..models import Model
from ..models.base import invalid_message
from .base import DataStore
from .orm_compiled import CompiledReads
from .orm_relations import ManyToMany
from .query import Filter

__all__ = ["ReturningWrites"]


class ReturningWrites:
    """The one-statement writes of ``DjangoModelDataStore``; the attributes below are the store's."""

    model: Model
    model_class: type[models.Model]
    window: bool
    compiled: CompiledReads | None  # None: the store opted out (compiled=False), of these writes too
    validators: list[Any]
    django_fields: dict[str, models.Field[Any, Any]]
    attnames: dict[str, str]
    many: dict[str, ManyToMany]
    file_names: frozenset[str]
    readers: list[tuple[str, str, Any]]
    registry: dict[str, Any]
    write_db: str

    # The store's own methods, which these writes call.
    build_instance: Callable[[dict[str, Any]], tuple[models.Model, list[str], dict[str, Any]]]
    clean: Callable[[models.Model, Any], None]
    to_db: Callable[[str, Any], Any]
    write_links: Callable[[models.Model, dict[str, Any]], None]
    integrity_error: Callable[[Any, str | None], Exception]
    validate: Callable[[Any], dict[str, Any]]
    check_scope: Callable[[Any, Sequence[Filter]], None]
    atomic: Callable[..., contextlib.AbstractContextManager[None]]
    check_foreign_keys: Callable[[dict[str, Any]], None]
    insert: Callable[[dict[str, Any]], Any]
    get: Callable[[Any], dict[str, Any]]
    read_back: Callable[[Any], dict[str, Any]]
    wire_pk: Callable[[Any], Any]
    still_unchanged: Callable[[models.QuerySet[Any], dict[str, Any]], models.QuerySet[Any]]

    def prepare_returning(self) -> None:
        """Decide once which writes may take one statement, and how a returned row is read."""
        meta = self.model_class._meta
        self.returned_fields: list[models.Field[Any, Any]] = list(meta.concrete_fields)
        self.returned_position = {field.attname: index for index, field in enumerate(self.returned_fields)}
        self.returned_readers = [
            (name, self.returned_position[attname], _as_stored(self.django_fields[name], read))
            for name, attname, read in self.readers
        ]
        # A table Django saves with one statement (no parent table, no ``_order`` to compute first).
        self.simple_table = not (meta.parents or meta.order_with_respect_to)
        # ... and whose only checks besides the field values are the database's (no unique checks, no constraints).
        self.plain_table = self.simple_table and not (
            meta.constraints or meta.unique_together
            or any(field.unique and not field.primary_key for field in meta.concrete_fields)
            or any(getattr(field, f"unique_for_{part}", None) for field in meta.concrete_fields
                   for part in ("date", "month", "year"))
        )

    def django_hooks(self) -> bool:
        """Tell whether the model expects ``Model.save()``: an override, or a save signal's receiver."""
        cls = self.model_class
        return (cls.save is not models.Model.save or cls.save_base is not models.Model.save_base
                or signals.pre_save.has_listeners(cls) or signals.post_save.has_listeners(cls))

    def returned_row(self, values: Sequence[Any]) -> dict[str, Any]:
        """Return a row ``RETURNING`` gave (converted by Django) in wire form, without its links."""
        return {
            name: value if read is None or value is None else read(value)
            for name, index, read in self.returned_readers
            for value in (values[index],)
        }

    @contextlib.contextmanager
    def refusals(self) -> Iterator[None]:
        """Turn the database's refusal of a write into the 400/409 a client should see."""
        try:
            yield
        except IntegrityError as error:
            raise self.integrity_error(error, "write") from None
        except DataError as error:
            raise BadRequest(f"The database refused a value: {error}".strip()) from None

    # Create --------------------------------------------------------------------------------

    def returning_insert(self, data: Any) -> bool:
        """Tell whether a create of ``data`` (a body) may insert with ``INSERT … RETURNING`` (no read-back)."""
        connection = connections[self.write_db]
        if self.compiled is None or self.window or not self.simple_table:
            return False
        if not connection.features.can_return_columns_from_insert or self.django_hooks():
            return False
        if not isinstance(data, dict):
            return True  # the validation's 400 is the same either way
        return not any(data.get(name) for name in [*self.many, *self.file_names])

    def database_checked_key(self, cleaned: dict[str, Any]) -> tuple[Any, Any] | None | Literal[False]:
        """Return the one foreign key (field, value) the constraint checks, None for none, False when it cannot."""
        given = [field for field in self.model.foreign_keys if cleaned.get(field.name) is not None]
        if not given:
            return None
        if len(given) > 1:
            return False
        field = given[0]
        django_field = self.django_fields[field.name]
        if not isinstance(django_field, models.ForeignKey) or not getattr(django_field, "db_constraint", False):
            return False
        target = self.registry.get(field.foreign["table"])
        if target is not None:
            column = field.foreign.get("column") or target.model.pk_field.name
            if (getattr(target, "model_class", None) is not django_field.related_model or getattr(target, "window", True)
                    or column != target.model.pk_field.name or django_field.target_field.primary_key is False):
                return False
        return field, cleaned[field.name]

    def create_and_get(self, data: Any, *, scope: Sequence[Filter] = ()) -> tuple[Any, dict[str, Any]]:
        """Create with one ``INSERT … RETURNING`` where the database checks what a create promises (``orm_returning``)."""
        if not self.returning_insert(data):
            return DataStore.create_and_get(self, data, scope=scope)  # type: ignore[arg-type]
        if not self.validators and self.plain_table and not connections[self.write_db].in_atomic_block:
            cleaned = self.validate(data)
            self.check_scope(cleaned, scope)
            key = self.database_checked_key(cleaned)
            if key is not False:  # one statement in autocommit: the constraint checks the foreign key
                pk, row = self.insert_returning(cleaned, key)
                return self.wire_pk(pk), row
        # Validators, unique checks or references the constraint cannot judge: the checks and the insert take turns
        # in one transaction (as ``DataStore.create``), and the insert still returns the row.
        with self.atomic(operation="write"):
            cleaned = self.validate(data)
            self.check_scope(cleaned, scope)
            self.check_foreign_keys(cleaned)
            pk, row = self.insert_returning(cleaned, None)
        return self.wire_pk(pk), row

    def insert_returning(self, cleaned: dict[str, Any], key: tuple[Any, Any] | None) -> tuple[Any, dict[str, Any]]:
        """Insert the row with one statement; return its wire pk and the row as stored."""
        instance, written, _ = self.build_instance(cleaned)
        self.clean(instance, written)
        meta = self.model_class._meta
        pk_set = instance.pk is not None
        fields = [field for field in meta.local_concrete_fields
                  if not field.generated and (pk_set or field is not meta.auto_field)]
        try:
            with self.refusals():
                rows = self.model_class._base_manager._insert(  # type: ignore[attr-defined]
                    [instance], fields=fields, returning_fields=self.returned_fields, using=self.write_db
                )
        except BadRequest:
            if key is None:
                raise
            field, value = key
            # The constraint refused the reference: the message of the SELECT it replaces.
            raise BadRequest(invalid_message(field.name),
                             fields={field.name: f"No {field.foreign['table']} matches {value!r}."}) from None
        row = self.returned_row(rows[0])
        for name in self.many:
            row[name] = []  # a new row has no links yet (none were given)
        return row[self.model.pk_field.name], row

    # Update --------------------------------------------------------------------------------

    def update_returning(self, identifier: Any, changes: dict[str, Any],
                         unchanged: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """Change the row with one ``UPDATE … RETURNING``; None when this write needs the other path.

        ``unchanged`` (from ``orm_versioned``) narrows the write to the row as it was read: None when it changed.
        """
        alias = self.write_db
        if (self.compiled is None or self.window or not self.simple_table or any(name in self.file_names for name in changes)
                or self.django_hooks()):
            return None
        meta = self.model_class._meta
        instance = self.model_class(**{meta.pk.attname: identifier})
        instance._state.adding = False
        instance._state.db = alias
        columns = [name for name in changes if name not in self.many]
        for name in columns:
            setattr(instance, self.attnames[name], self.to_db(name, changes[name]))
        self.clean(instance, columns)
        values = [(field, None, field.pre_save(instance, False))
                  for field in (self.django_fields[name] for name in columns)]
        if not values:
            return None  # only links change: the read-back path gives the other columns
        target = self.model_class._base_manager.using(alias).filter(pk=identifier)
        if unchanged is not None:
            target = self.still_unchanged(target, unchanged)
        if not getattr(connections[alias].features, "can_return_rows_from_update", False):
            # Django 5.2 has no UPDATE … RETURNING: the same UPDATE, then the row read back (no instance loaded).
            with self.refusals():
                if not target._update(values):  # type: ignore[attr-defined]
                    return None
            self.write_links(instance, {name: changes[name] for name in changes if name in self.many})
            return self.read_back(identifier)
        with self.refusals():
            rows = target._update(values, returning_fields=self.returned_fields)  # type: ignore[attr-defined]
        if not rows:
            return None
        self.write_links(instance, {name: changes[name] for name in changes if name in self.many})
        row = self.returned_row(rows[0])
        for name, many in self.many.items():
            outer = rows[0][self.returned_position[many.outer]]
            row[name] = many.read(alias, [outer])[outer]
        return row


def _as_stored(django_field: models.Field[Any, Any], read: Any) -> Any:
    """Return the reader of a returned value, as a ``SELECT`` of the stored row would read it.

    SQLite keeps a whole REAL as an integer on disk and turns it back into a
    float when it reads the row, but ``RETURNING`` gives the integer: a float
    column's integer is made the float a read gives.
    """
    if django_field.get_internal_type() != "FloatField":
        return read
    if read is None:
        return lambda value: float(value) if type(value) is int else value
    return lambda value: read(float(value) if type(value) is int else value)
