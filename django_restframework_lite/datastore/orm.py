"""``DjangoModelDataStore``: a ressource served from a Django model or QuerySet.

::

    DjangoModelDataStore(User)                                  # the model is derived
    DjangoModelDataStore(User.objects.filter(active=True))      # a window on the table
    DjangoModelDataStore(User, UserModel)                       # an explicit Model

Every read is one database-side query (``filter``, ``order_by``, slicing and
``.values()``), never a table-sized read into Python. A QuerySet is a window:
get, list, update and delete only ever reach its rows. Writes run in
``transaction.atomic``; ``get_for_update`` locks the row with
``select_for_update`` so that check-then-write sequences (``If-Match``,
``UniqueTogether``) are atomic on PostgreSQL. Django's validation errors, integrity
errors and protected deletes become 400 and 409 errors naming the field.

String comparison and ordering follow code points on every backend (PostgreSQL
compares with the "C" collation), which is how the other datastores order strings.
"""

from __future__ import annotations

import contextlib
import decimal
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DatabaseError, DataError, IntegrityError, connections, models, router, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from ..exceptions import BadRequest, Conflict
from ..models import Field, FieldError, Model
from ..models.base import invalid_message, missing_message
from ..models.fields import format_datetime, parse_iso_datetime
from .base import DataStore
from .orm_errors import integrity_error, validation_error
from .orm_fields import derive_model, field_from_django, fills_itself
from .orm_sql import CaseFold, install_sqlite_functions, lookup_expression, order_term, window_fields
from .query import AnyOf, Condition, Ordering

__all__ = ["CaseFold", "DjangoModelDataStore", "derive_model", "field_from_django", "install_sqlite_functions"]

_ADVISORY_LOCK_CLASS = 0x44524C  # first key of pg_advisory_xact_lock(int, int): "DRL", this app's


class DjangoModelDataStore(DataStore):
    """Serve a Django model class or QuerySet; see the module docstring."""

    requires_database = True

    def __init__(
        self,
        ressource_config: type[models.Model] | models.QuerySet,
        model: Any = None,
        *,
        validators: Any = (),
        partial: Any = None,
        fields: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
        read_only: Sequence[str] = (),
    ) -> None:
        if isinstance(ressource_config, models.QuerySet):
            self.queryset = ressource_config
        elif isinstance(ressource_config, type) and issubclass(ressource_config, models.Model):
            self.queryset = ressource_config._default_manager.all()
        else:
            raise ImproperlyConfigured(
                f"DjangoModelDataStore needs a Django model class or a QuerySet, not {ressource_config!r}."
            )
        self.model_class: type[models.Model] = self.queryset.model
        self.derived = model is None
        if not self.derived and (fields is not None or exclude is not None or read_only):
            raise ImproperlyConfigured(
                "DjangoModelDataStore: fields, exclude and read_only shape a derived model; with an explicit "
                "Model, list only the fields to expose and set read_only=True on those a client may not write."
            )
        self.exposure = {"fields": fields, "exclude": exclude, "read_only": read_only}
        # A QuerySet with filters is a window: a write whose row falls outside it is refused.
        self.window = isinstance(ressource_config, models.QuerySet) and self.queryset.query.has_filters()
        super().__init__(ressource_config, model, validators=validators, partial=partial)
        self.django_fields = {field.name: self.django_field_for(field) for field in self.model.get_fields()}
        self.attnames = {name: django_field.attname for name, django_field in self.django_fields.items()}
        self.text_fields = {field.name for field in self.model.get_fields() if field.base_type == "string"}

    def derive_model(self) -> Model:
        return derive_model(self.model_class, **self.exposure)

    def django_field_for(self, field: Field) -> models.Field:
        if field is self.model.pk_field:
            return self.model_class._meta.pk
        for django_field in self.model_class._meta.concrete_fields:
            if field.name in (django_field.name, django_field.attname):
                return django_field
        raise ImproperlyConfigured(
            f"DjangoModelDataStore: {self.model_class.__name__} has no field {field.name!r} "
            f"(a field of {type(self.model).__name__})."
        )

    def bind(self, registry: dict[str, DataStore], ressource_name: str | None = None) -> None:
        """Join the API's stores; a derived foreign key then names the ressource serving its model."""
        super().bind(registry, ressource_name)
        if not self.derived:
            return
        for field in self.model.foreign_keys:
            related = self.django_fields[field.name].related_model
            for name, store in registry.items():
                if isinstance(store, DjangoModelDataStore) and store.model_class is related:
                    # The same dict is field.options["foreign"]: formaters see the ressource name too.
                    field.foreign["table"] = name
                    break

    # Databases and transactions ---------------------------------------------------------

    @property
    def write_db(self) -> str:
        return router.db_for_write(self.model_class)

    @property
    def read_db(self) -> str:
        return self.queryset.db

    def uses_c_collation(self, alias: str) -> bool:
        # PostgreSQL orders text by the database's locale; "C" is code-point order, as elsewhere.
        return connections[alias].vendor == "postgresql"

    @contextlib.contextmanager
    def atomic(self, operation: str | None = None) -> Iterator[None]:
        """Run the block in ``transaction.atomic``; constraint failures at commit become 400/409.

        PostgreSQL checks deferred foreign keys at the commit: ``operation`` says
        whether the block deletes (a 409) or writes (a 400 naming the field).
        """
        try:
            with transaction.atomic(using=self.write_db):
                yield
        except IntegrityError as error:
            raise self.integrity_error(error, operation) from None
        except DataError as error:
            raise BadRequest(f"The database refused a value: {error}".strip()) from None

    # Values in and out ------------------------------------------------------------------

    def to_db(self, name: str, value: Any) -> Any:
        django_field = self.django_fields[name]
        if value is not None and isinstance(django_field, models.DateTimeField):
            moment = value if isinstance(value, datetime) else parse_iso_datetime(value)
            if not settings.USE_TZ:
                moment = moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment
            return moment
        if isinstance(value, float) and isinstance(django_field, models.DecimalField):
            # repr() is the shortest spelling that round-trips: 0.1 stays 0.1, not 0.1000000000000000055.
            return decimal.Decimal(repr(value))
        return value

    def from_db(self, row: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, attname in self.attnames.items():
            value = row[attname]
            if isinstance(value, datetime):
                value = format_datetime(value)
            elif isinstance(value, decimal.Decimal):
                value = float(value)
            result[name] = value
        return result

    def pk_value(self, identifier: Any) -> Any:
        """Return the identifier as the pk's type, or raise ``NotFound`` when it cannot be one."""
        pk = self.model.pk_field
        try:
            value = pk.to_query_value(identifier)
        except (FieldError, TypeError):
            raise self.not_found(identifier) from None
        if pk.base_type == "integer":
            internal_type = self.model_class._meta.pk.get_internal_type()
            try:
                low, high = connections[self.read_db].ops.integer_field_range(internal_type)
            except KeyError:  # not a type the backend bounds
                low = high = None
            if low is not None and value < low or high is not None and value > high:
                raise self.not_found(identifier)
        return value

    # Queries ----------------------------------------------------------------------------

    def expression(self, condition: Condition | AnyOf, alias: str) -> Any:
        """Translate one condition into a Q or a lookup expression for ``filter()``."""
        if isinstance(condition, AnyOf):
            either = models.Q(pk__in=[])
            for alternative in condition.conditions:
                either |= models.Q(self.expression(alternative, alias))
            return either
        name, lookup = condition.name, condition.lookup
        if lookup == "in" and isinstance(condition.value, models.QuerySet):
            value: Any = condition.value  # another ORM store's rows: a subquery, no round trip
        elif lookup == "in":
            value = [self.to_db(name, item) for item in condition.value]
        elif lookup == "isnull":
            value = condition.value
        else:
            value = self.to_db(name, condition.value)
        c_collation = name in self.text_fields and self.uses_c_collation(alias)
        return lookup_expression(self.attnames[name], lookup, value, c_collation=c_collation)

    def order_expressions(self, ordering: list[Ordering], alias: str) -> list[Any]:
        c_collation = self.uses_c_collation(alias)
        return [
            order_term(
                order.expression if order.expression is not None else self.attnames[order.name],
                order.descending,
                c_collation=c_collation and order.field.base_type == "string",
            )
            for order in ordering
        ]

    def values_matching(self, conditions: list[Condition], column: str) -> Any:
        """Return the ``column`` values of the matching rows as a lazy query: another ORM store filters on it
        in one statement (a subquery), any other store reads it once."""
        return self.matching(conditions).filter(**{f"{self.attnames[column]}__isnull": False}).values_list(
            self.attnames[column], flat=True
        )

    def related_expression(self, fk: str, column: str, conditions: list[Condition], inner: Any) -> Any:
        """Return the value ``inner`` of the row of this store that ``fk`` (an outer query's column) refers to.

        ``inner`` is a field name of this store, or the expression of a further
        hop; ``conditions`` (the row's endpoint's scope) leave out rows that
        endpoint would not show, whose value is then NULL.
        """
        value = inner if not isinstance(inner, str) else models.F(self.attnames[inner])
        rows = self.matching(conditions).filter(**{self.attnames[column]: models.OuterRef(fk)})
        return models.Subquery(rows.annotate(drfl_related=value).values("drfl_related")[:1])

    def matching(self, conditions: list[Condition]) -> models.QuerySet:
        alias = self.read_db
        return self.queryset.filter(*[self.expression(condition, alias) for condition in conditions])

    def values(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.values(*self.attnames.values())

    # DataStore hooks: reads -------------------------------------------------------------

    def get(self, identifier: Any) -> dict[str, Any]:
        rows = list(self.values(self.queryset.filter(pk=self.pk_value(identifier)))[:1])
        if not rows:
            raise self.not_found(identifier)
        return self.from_db(rows[0])

    def get_for_update(self, identifier: Any) -> dict[str, Any]:
        """Lock the row (``SELECT ... FOR UPDATE``) and return it as the window shows it."""
        key = self.pk_value(identifier)
        alias = self.write_db
        locking = self.model_class._base_manager.using(alias).filter(pk=key)
        if connections[alias].features.has_select_for_update_of:
            locking = locking.select_for_update(of=("self",))
        else:
            locking = locking.select_for_update()
        if not list(locking.values_list("pk", flat=True)):
            raise self.not_found(identifier)
        # Read it back through the window, on the connection that holds the lock.
        rows = list(self.values(self.queryset.using(alias).filter(pk=key))[:1])
        if not rows:
            raise self.not_found(identifier)
        return self.from_db(rows[0])

    def fetch(
        self, conditions: list[Condition], ordering: list[Ordering], offset: int, count: int | None
    ) -> list[dict[str, Any]]:
        queryset = self.matching(conditions).order_by(*self.order_expressions(ordering, self.read_db))
        end = None if count is None else offset + count
        return [self.from_db(row) for row in self.values(queryset)[offset:end]]

    def count_matching(self, conditions: list[Condition]) -> int:
        return self.matching(conditions).count()

    # DataStore hooks: writes ------------------------------------------------------------

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
        super().run_validators(data, pk)

    def check_foreign_key_fallback(self, field: Any, value: Any) -> bool:
        """Ask the database whether the referenced row exists: Django defers FK checks to the commit."""
        django_field = self.django_fields[field.name]
        if not isinstance(django_field, models.ForeignKey):
            return True
        related = django_field.related_model._base_manager.using(self.write_db)
        return related.filter(**{django_field.remote_field.field_name: value}).exists()

    def insert(self, data: dict[str, Any]) -> Any:
        pk = self.model.pk_field
        values: dict[str, Any] = {}
        written = []
        for name, value in data.items():
            if name == pk.name and pk.base_type == "integer":
                continue
            django_field = self.django_fields[name]
            if value is None and not django_field.null:
                if fills_itself(django_field) or self.model.get_field(name).read_only:  # type: ignore[union-attr]
                    continue  # the server's value: Django's default or pre_save() gives it
                raise BadRequest(missing_message(name), fields={name: "This field is required."})
            values[self.attnames[name]] = self.to_db(name, value)
            written.append(name)
        instance = self.model_class(**values)
        self.clean(instance, written)
        self.write(instance, force_insert=True)
        self.check_window(instance.pk, written)
        return instance.pk

    def save(self, identifier: Any, changes: dict[str, Any]) -> dict[str, Any]:
        instance = self.model_class._base_manager.using(self.write_db).get(pk=identifier)
        for name, value in changes.items():
            setattr(instance, self.attnames[name], self.to_db(name, value))
        self.clean(instance, changes.keys())
        self.write(instance, update_fields=[self.attnames[name] for name in changes])
        self.check_window(identifier, list(changes))
        rows = list(self.values(self.model_class._base_manager.using(self.write_db).filter(pk=identifier)))
        return self.from_db(rows[0])

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

    def validation_error(self, error: ValidationError, kind: type[BadRequest] | type[Conflict]) -> Exception:
        return validation_error(error, kind, self.django_fields)

    def integrity_error(self, error: DatabaseError, operation: str | None) -> Exception:
        """Turn a constraint failure into the 400/409 a client should see."""
        return integrity_error(error, operation, self.django_fields, [field.name for field in self.model.foreign_keys])

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
                constraint.validate(self.model_class, instance, exclude=unwritten, using=self.write_db)
            except ValidationError as error:
                kind = Conflict if isinstance(constraint, models.UniqueConstraint) else BadRequest
                raise self.validation_error(error, kind) from None

    def write(self, instance: models.Model, **save_options: Any) -> None:
        try:
            # A savepoint: a refused statement must not poison a caller's transaction (PostgreSQL).
            with transaction.atomic(using=self.write_db):
                instance.save(using=self.write_db, **save_options)
        except IntegrityError as error:
            raise self.integrity_error(error, "write") from None
        except DataError as error:
            raise BadRequest(f"The database refused a value: {error}".strip()) from None

