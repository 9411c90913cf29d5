"""The ORM store's writes: inserting, saving and deleting rows, with their links and files.

``DjangoModelDataStore`` inherits these methods. A write runs Django's own
validation of the written fields (``clean_fields``, ``validate_unique``, the
model's constraints), saves in a savepoint, sets the many-to-many links, and
checks that the row is still inside the QuerySet window, all inside the
store's transaction. An uploaded file is saved through its field's storage by
Django's ``pre_save``; if anything after that fails, the stored file is
deleted again, so that a refused write leaves no file behind either.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, connections, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from ..exceptions import BadRequest, Conflict
from ..models import Model
from ..models.base import invalid_message, missing_message
from .base import DataStore
from .orm_fields import fills_itself
from .orm_relations import ManyToMany
from .orm_sql import window_fields

_ADVISORY_LOCK_CLASS = 0x44524C  # first key of pg_advisory_xact_lock(int, int): "DRL", this app's
SEND_A_FILE = "Send the file as a part of a multipart/form-data body."


class ModelWrites:
    """The writes of ``DjangoModelDataStore``; the attributes below are the store's."""

    model: Model
    model_class: type[models.Model]
    queryset: models.QuerySet[Any]
    window: bool
    django_fields: dict[str, models.Field[Any, Any]]
    attnames: dict[str, str]
    many: dict[str, ManyToMany]
    write_db: str
    validators: list[Any]

    # The store's own methods, which these writes call.
    to_db: Callable[[str, Any], Any]
    read_back: Callable[[Any], dict[str, Any]]
    integrity_error: Callable[[Any, str | None], Exception]
    update_returning: Callable[[Any, dict[str, Any]], dict[str, Any] | None]
    refusals: Callable[[], Any]
    validation_error: Callable[[ValidationError, type[BadRequest] | type[Conflict]], Exception]

    # Checks before a write ---------------------------------------------------------------

    def run_validators(self, data: dict[str, Any], pk: Any = None) -> None:
        """Run ``UniqueTogether`` and co. with the table's writers queued behind one lock.

        Under READ COMMITTED two transactions could both find no duplicate and both
        insert; on PostgreSQL a transaction-scoped advisory lock per table makes the
        check-then-write sequence of validated writes take turns.
        """
        if self.validators:
            alias = self.write_db
            wrapper = connections[alias]
            if wrapper.vendor == "postgresql" and wrapper.in_atomic_block:
                with wrapper.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                        [_ADVISORY_LOCK_CLASS, self.model_class._meta.db_table],
                    )
        DataStore.run_validators(self, data, pk)  # type: ignore[arg-type]  # the store is a DataStore

    def check_foreign_key_fallback(self, field: Any, value: Any) -> bool:
        """Ask the database whether the referenced row exists: Django defers FK checks to the commit."""
        django_field = self.django_fields[field.name]
        if not isinstance(django_field, models.ForeignKey):
            return True
        related = django_field.related_model._base_manager.using(self.write_db)
        return related.filter(**{str(django_field.remote_field.field_name): value}).exists()

    def missing_links_fallback(self, field: Any, pks: list[Any]) -> list[Any]:
        """Ask the database which linked pks name no row of the related model (one query)."""
        return self.many[field.name].missing(self.write_db, pks)

    # Files in bodies ----------------------------------------------------------------------

    def check_files(self, cleaned: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        """Refuse a file field given as text in a JSON body, unless it is the URL read before (then dropped)."""
        for field in self.model.file_fields:
            value = cleaned.get(field.name)
            if not isinstance(value, str) or field.read_only:
                continue
            if current is not None and value == current.get(field.name):
                del cleaned[field.name]
                continue
            raise BadRequest(invalid_message(field.name), fields={field.name: SEND_A_FILE})
        return cleaned

    # DataStore hooks ----------------------------------------------------------------------

    def build_instance(self, data: dict[str, Any]) -> tuple[models.Model, list[str], dict[str, Any]]:
        """Return the unsaved instance of a validated row, the fields it writes and its many-to-many lists."""
        pk = self.model.pk_field
        meta = self.model_class._meta
        values: dict[str, Any] = {}
        written = []
        links: dict[str, Any] = {}
        for name, value in data.items():
            if name == pk.name and pk.assigned_by_store:
                continue
            django_field = self.django_fields[name]
            if name in self.many:
                links[name] = value
                continue
            if getattr(django_field, "generated", False):
                continue
            if value is None and not django_field.null and not isinstance(django_field, models.FileField):
                if fills_itself(django_field) or self.model.get_field(name).read_only:  # type: ignore[union-attr]
                    continue  # the server's value: Django's default or pre_save() gives it
                raise BadRequest(missing_message(name), fields={name: "This field is required."})
            values[self.attnames[name]] = self.to_db(name, value)
            written.append(name)
        if pk.assigned_by_store and isinstance(meta.pk, models.UUIDField) and not meta.pk.has_default():
            values[meta.pk.attname] = uuid.uuid4()
        return self.model_class(**values), written, links

    def insert(self, data: dict[str, Any]) -> Any:
        instance, written, links = self.build_instance(data)
        self.clean(instance, written)
        with self.discarding_files(instance, written):
            self.write(instance, force_insert=True)
            self.write_links(instance, links)
            self.check_window(instance.pk, written + list(links))
        return instance.pk

    def save(self, identifier: Any, changes: dict[str, Any]) -> dict[str, Any]:
        returned = self.update_returning(identifier, changes)
        if returned is not None:
            return returned
        instance = self.model_class._base_manager.using(self.write_db).get(pk=identifier)
        columns = [name for name in changes if name not in self.many]
        for name in columns:
            setattr(instance, self.attnames[name], self.to_db(name, changes[name]))
        self.clean(instance, columns)
        with self.discarding_files(instance, columns):
            if columns:
                self.write(instance, update_fields=[self.attnames[name] for name in columns])
            self.write_links(instance, {name: changes[name] for name in changes if name in self.many})
            self.check_window(identifier, list(changes))
        return self.read_back(identifier)

    def write_links(self, instance: models.Model, links: dict[str, Any]) -> None:
        for name, pks in links.items():
            if not self.model.get_field(name).read_only:  # type: ignore[union-attr]
                self.many[name].write(instance, pks or [])

    def unlink(self, field: Any, pk: Any) -> None:
        self.many[field.name].unlink(self.write_db, pk)

    def check_window(self, pk: Any, written: list[str]) -> None:
        """Refuse a write whose row fell outside the QuerySet window (inside ``atomic()``: it rolls back).

        The error names the first written field the window filters on, else every written field.
        """
        if not self.window or self.queryset.using(self.write_db).filter(pk=pk).exists():
            return
        filtered = window_fields(self.queryset)
        named = [name for name in written if self.django_fields[name].name in filtered] or written
        message = "This value puts the ressource outside the ressources served here."
        raise BadRequest(invalid_message(named[0]) if named else "The ressource falls outside this endpoint.",
                         fields={name: message for name in named})

    def remove(self, identifier: Any) -> None:
        try:
            with transaction.atomic(using=self.write_db):
                self.model_class._base_manager.using(self.write_db).filter(pk=identifier).delete()
        except (ProtectedError, RestrictedError) as error:
            objects = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
            names = sorted({str(type(obj)._meta.verbose_name_plural) for obj in objects})
            raise Conflict(f"Cannot delete this ressource: {', '.join(names)} still reference it.") from None
        except IntegrityError as error:
            raise self.integrity_error(error, "delete") from None

    # Django's validation and the save -----------------------------------------------------

    def clean(self, instance: models.Model, names: Any) -> None:
        """Run Django's own validation of the written fields: 400 for bad values, 409 for duplicates.

        Foreign keys are left to ``check_foreign_keys`` (one query, the seed's message).
        """
        written = {self.django_fields[name].name for name in names}
        exclude = [
            field.name
            for field in self.model_class._meta.concrete_fields
            if field.name not in written or isinstance(field, models.ForeignKey) or field.primary_key
        ]
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            raise self.validation_error(error, BadRequest) from None
        unwritten = [name for name in exclude if name not in written]
        try:
            instance.validate_unique(exclude=unwritten)
        except ValidationError as error:
            raise self.validation_error(error, Conflict) from None
        for constraint in self.model_class._meta.constraints:
            try:
                constraint.validate(self.model_class, instance, exclude=set(unwritten), using=self.write_db)
            except ValidationError as error:
                kind = Conflict if isinstance(constraint, models.UniqueConstraint) else BadRequest
                raise self.validation_error(error, kind) from None

    def write(self, instance: models.Model, **save_options: Any) -> None:
        # No savepoint of its own: every write runs inside the store's atomic(), which rolls back a refusal whole.
        with self.refusals():
            instance.save(using=self.write_db, **save_options)

    def discarding_files(self, instance: models.Model, names: list[str]) -> DiscardFiles:
        """Return a context that deletes the files this write stored if the write fails after storing them."""
        uploads = [
            getattr(instance, self.attnames[name])
            for name in names
            if isinstance(self.django_fields[name], models.FileField)
        ]
        return DiscardFiles([upload for upload in uploads if isinstance(upload, File) and upload.name])


class DiscardFiles:
    """Delete the uploads a failed write already put in storage (Django's ``pre_save`` saves them first)."""

    def __init__(self, uploads: list[Any]) -> None:
        self.uploads = [(upload, getattr(upload, "_committed", True)) for upload in uploads]

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        if kind is None:
            return
        for upload, committed_before in self.uploads:
            if not committed_before and getattr(upload, "_committed", False) and upload.name:
                upload.storage.delete(upload.name)
