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
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DatabaseError, DataError, IntegrityError, connections, models, router, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Collate, Left, Lower, StrIndex
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual

from ..exceptions import BadRequest, Conflict
from ..models import Field, FieldError, Model
from ..models.base import missing_message
from ..models.fields import format_datetime, parse_iso_datetime
from .base import Condition, DataStore, Ordering, fold_case
from .orm_errors import integrity_error, validation_error
from .orm_fields import derive_model, field_from_django

__all__ = ["CaseFold", "DjangoModelDataStore", "derive_model", "field_from_django", "install_sqlite_functions"]

SQLITE_FOLD_FUNCTION = "drfl_lower"


def install_sqlite_functions(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    """Give a new SQLite connection of Django the case folding the other stores use.

    Connected to ``connection_created`` by the app's ``ready()``, Django's own way
    to prepare each connection, so a reconnect gets the function too.
    """
    if connection is not None and connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function(SQLITE_FOLD_FUNCTION, 1, fold_case, deterministic=True)


class CaseFold(Lower):
    """``LOWER()``, except on SQLite where it is Python's ``str.lower`` (as the other stores fold)."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function=SQLITE_FOLD_FUNCTION, **extra_context)


_COMPARISONS = {"gt": GreaterThan, "gte": GreaterThanOrEqual, "lt": LessThan, "lte": LessThanOrEqual}

_ADVISORY_LOCK_CLASS = 0x44524C  # first key of pg_advisory_xact_lock(int, int): "DRL", this app's


class DjangoModelDataStore(DataStore):
    """Serve a Django model class or QuerySet; see the module docstring."""

    requires_database = True

    def __init__(
        self, ressource_config: type[models.Model] | models.QuerySet, model: Any = None, **options: Any
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
        super().__init__(ressource_config, model, **options)
        self.django_fields = {field.name: self.django_field_for(field) for field in self.model.get_fields()}
        self.attnames = {name: django_field.attname for name, django_field in self.django_fields.items()}
        self.text_fields = {field.name for field in self.model.get_fields() if field.base_type == "string"}

    def derive_model(self) -> Model:
        return derive_model(self.model_class)

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

    def expression(self, condition: Condition, alias: str) -> Any:
        """Translate one condition into a Q or a lookup expression for ``filter()``."""
        name, lookup = condition.name, condition.lookup
        attname = self.attnames[name]
        if lookup == "isnull":
            return models.Q(**{f"{attname}__isnull": condition.value})
        if lookup == "in":
            return models.Q(**{f"{attname}__in": [self.to_db(name, item) for item in condition.value]})
        value = self.to_db(name, condition.value)
        if lookup == "exact":
            if value is None:
                return models.Q(**{f"{attname}__isnull": True})
            return models.Q(**{attname: value})
        column: Any = models.F(attname)
        if lookup in _COMPARISONS:
            if name in self.text_fields and self.uses_c_collation(alias):
                return _COMPARISONS[lookup](Collate(column, "C"), value)
            return models.Q(**{f"{attname}__{lookup}": value})
        # Django's contains/startswith use LIKE, which SQLite folds for ASCII; these stay case-sensitive.
        if lookup == "contains":
            return GreaterThan(StrIndex(column, models.Value(value)), 0)
        if lookup == "icontains":
            return GreaterThan(StrIndex(CaseFold(column), CaseFold(models.Value(value))), 0)
        if lookup == "startswith":
            if not value:
                return models.Q(**{f"{attname}__isnull": False})
            return Exact(Left(column, len(value)), models.Value(value))
        raise BadRequest(f"Unknown lookup {lookup!r} for {name}.")

    def order_expressions(self, ordering: list[Ordering], alias: str) -> list[Any]:
        terms = []
        for order in ordering:
            column: Any = models.F(self.attnames[order.name])
            if order.name in self.text_fields and self.uses_c_collation(alias):
                column = Collate(column, "C")
            terms.append(column.desc(nulls_last=True) if order.descending else column.asc(nulls_first=True))
        return terms

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
        for name, value in data.items():
            if name == pk.name and pk.base_type == "integer":
                continue
            django_field = self.django_fields[name]
            if value is None and not django_field.null and not self.fills_itself(django_field):
                raise BadRequest(missing_message(name), fields={name: "This field is required."})
            values[self.attnames[name]] = self.to_db(name, value)
        instance = self.model_class(**values)
        self.clean(instance, data.keys())
        self.write(instance, force_insert=True)
        return instance.pk

    def save(self, identifier: Any, changes: dict[str, Any]) -> dict[str, Any]:
        instance = self.model_class._base_manager.using(self.write_db).get(pk=identifier)
        for name, value in changes.items():
            setattr(instance, self.attnames[name], self.to_db(name, value))
        self.clean(instance, changes.keys())
        self.write(instance, update_fields=[self.attnames[name] for name in changes])
        rows = list(self.values(self.model_class._base_manager.using(self.write_db).filter(pk=identifier)))
        return self.from_db(rows[0])

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

    @staticmethod
    def fills_itself(django_field: models.Field) -> bool:
        # auto_now / auto_now_add fields get their value from pre_save().
        return bool(getattr(django_field, "auto_now", False) or getattr(django_field, "auto_now_add", False))

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
