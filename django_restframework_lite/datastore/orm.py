"""``DjangoModelDataStore``: a ressource served from a Django model or QuerySet.

::

    DjangoModelDataStore(User)                                  # the model is derived
    DjangoModelDataStore(User.objects.filter(active=True))      # a window on the table
    DjangoModelDataStore(User, UserModel)                       # an explicit Model

Every read is one database-side query (``filter``, ``order_by``, slicing and
``.values()``), never a table-sized read into Python, plus one query per
many-to-many field for the whole page. A QuerySet is a window: get, list,
update and delete only ever reach its rows. Writes run in
``transaction.atomic``; ``get_for_update`` locks the row with
``select_for_update`` so that check-then-write sequences (``If-Match``,
``UniqueTogether``) are atomic on PostgreSQL. Django's validation errors, integrity
errors and protected deletes become 400 and 409 errors naming the field.
Values travel in their wire form (``orm_values``); writes live in ``orm_writes``.

String comparison and ordering follow code points on every backend (PostgreSQL
compares with the "C" collation), which is how the other datastores order strings.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DatabaseError, DataError, IntegrityError, connections, models, router, transaction

from ..exceptions import BadRequest, Conflict
from ..models import Field, FieldError, Model
from .base import DataStore
from .orm_compiled import CompiledReads, Fallback
from .orm_errors import integrity_error, validation_error
from .orm_fields import derive_model, field_from_django
from .orm_relations import ManyToMany
from .orm_returning import ReturningWrites
from .orm_sql import CaseFold, install_sqlite_functions, lookup_expression, order_term
from .orm_values import integer_range, key_reader, reader, writer
from .orm_versioned import VersionedWrites
from .orm_writes import ModelWrites
from .query import AllOf, AnyOf, Condition, Filter, Ordering

__all__ = ["CaseFold", "DjangoModelDataStore", "derive_model", "field_from_django", "install_sqlite_functions"]


class DjangoModelDataStore(VersionedWrites, ReturningWrites, ModelWrites, DataStore):
    """Serve a Django model class or QuerySet; see the module docstring."""

    requires_database = True
    accepts_uploads = True

    def __init__(
        self,
        ressource_config: type[models.Model] | models.QuerySet[Any],
        model: Any = None,
        *,
        validators: Any = (),
        partial: Any = None,
        fields: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
        read_only: Sequence[str] = (),
        compiled: bool = True,
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
        self.window = isinstance(ressource_config, models.QuerySet) and bool(self.queryset.query.has_filters())
        super().__init__(ressource_config, model, validators=validators, partial=partial)
        self.django_fields = {field.name: self.django_field_for(field) for field in self.model.get_fields()}
        self.many = {field.name: ManyToMany(cast("models.ManyToManyField[Any, Any]", self.django_fields[field.name]), field)
                     for field in self.model.many_to_many}
        columns = [field for field in self.model.get_fields() if field.name not in self.many]
        self.attnames = {field.name: self.django_fields[field.name].attname for field in columns}
        self.text_fields = {field.name for field in columns if field.base_type == "string"}
        # Each field's converters, chosen once: wire value -> ORM value, and .values() -> wire value.
        self.writers: dict[str, Callable[[Any], Any]] = {}
        for field in columns:
            convert = writer(self.django_fields[field.name], field)
            if convert is not None:
                self.writers[field.name] = convert
        self.file_names = frozenset(field.name for field in self.model.file_fields)
        self.readers = [
            (field.name, self.attnames[field.name], reader(self.django_fields[field.name], field)) for field in columns
        ]
        self.wire_pk = key_reader(self.model_class._meta.pk)
        # Columns the database keeps NULL out of (keyset conditions need no NULL branch for them).
        self.not_null = frozenset(name for name in self.attnames if not self.django_fields[name].null)
        self.pk_ranges: dict[str, tuple[Any, Any]] = {}
        # Each read shape's SQL, compiled once by Django (``orm_compiled``); compiled=False keeps the plain path.
        self.compiled = CompiledReads(self) if compiled else None
        self.prepare_returning()

    def derive_model(self) -> Model:
        return derive_model(self.model_class, **self.exposure)  # type: ignore[arg-type]

    def django_field_for(self, field: Field) -> models.Field[Any, Any]:
        meta = self.model_class._meta
        if field is self.model.pk_field:
            return meta.pk
        for django_field in [*meta.concrete_fields, *meta.many_to_many]:
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
        for field in [*self.model.foreign_keys, *self.model.many_to_many]:
            related = self.django_fields[field.name].related_model
            for name, store in registry.items():
                if isinstance(store, DjangoModelDataStore) and store.model_class is related:
                    # The same dict is field.options["foreign"]: formaters see the ressource name too.
                    field.foreign["table"] = name  # type: ignore[attr-defined]
                    break

    # Databases and transactions ---------------------------------------------------------

    @property
    def write_db(self) -> str:  # type: ignore[override]  # the mixins read it as an attribute
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
        """Return a wire value of field ``name`` (from a body or a filter) as the ORM takes it."""
        convert = self.writers.get(name)
        if convert is None or value is None and name not in self.file_names:
            return value
        return convert(value)

    def from_db(self, row: dict[str, Any]) -> dict[str, Any]:
        """Return one ``.values()`` row in wire form (its many-to-many lists are added by ``rows_out``)."""
        return {
            name: value if convert is None or value is None else convert(value)
            for name, attname, convert in self.readers
            if attname in row
            for value in (row[attname],)
        }

    def rows_out(self, rows: list[dict[str, Any]], alias: str, columns: frozenset[str] | None = None
                 ) -> list[dict[str, Any]]:
        """Return ``.values()`` rows in wire form, with their many-to-many lists (one query per field)."""
        objects = [self.from_db(row) for row in rows]
        if self.many and rows:
            for name, many in self.many.items():
                if columns is not None and name not in columns:
                    continue
                linked = many.read(alias, [row[many.outer] for row in rows])
                for obj, row in zip(objects, rows, strict=True):
                    obj[name] = linked[row[many.outer]]
        return objects

    def values(self, queryset: models.QuerySet[Any], columns: frozenset[str] | None = None) -> models.QuerySet[Any]:
        """Select the exposed columns, or only ``columns`` (and the key of every many-to-many field's links)."""
        names = [attname for name, attname in self.attnames.items() if columns is None or name in columns]
        names += [many.outer for name, many in self.many.items()
                  if many.outer not in names and (columns is None or name in columns)]
        return queryset.values(*names)

    def pk_value(self, identifier: Any, alias: str | None = None) -> Any:
        """Return the identifier as the pk's type, or raise ``NotFound`` when it cannot be one (on ``alias``)."""
        pk = self.model.pk_field
        try:
            value = pk.to_query_value(identifier)
        except (FieldError, TypeError):
            raise self.not_found(identifier) from None
        if pk.base_type == "integer":
            alias = alias or self.read_db
            if alias not in self.pk_ranges:  # the backend's bounds of the pk's type, read once per database
                self.pk_ranges[alias] = integer_range(connections[alias], self.model_class._meta.pk)
            low, high = self.pk_ranges[alias]
            if low is not None and value < low or high is not None and value > high:
                raise self.not_found(identifier)
        return value

    # Queries ----------------------------------------------------------------------------

    def expression(self, condition: Filter, alias: str) -> Any:
        """Translate one condition into a Q or a lookup expression for ``filter()``."""
        if isinstance(condition, AnyOf):
            either = models.Q(pk__in=[])
            for alternative in condition.conditions:
                either |= models.Q(self.expression(alternative, alias))
            return either
        if isinstance(condition, AllOf):
            every = models.Q()
            for part in condition.conditions:
                every &= models.Q(self.expression(part, alias))
            return every
        name, lookup = condition.name, condition.lookup
        if name in self.many:
            return self.many[name].condition(condition, alias)
        if name in self.file_names and lookup == "isnull":
            # No file is an empty name in Django's column (or NULL where the field allows it).
            empty = models.Q(**{f"{self.attnames[name]}__isnull": True}) | models.Q(**{self.attnames[name]: ""})
            return empty if condition.value else ~empty
        value = self.db_value(condition)
        c_collation = name in self.text_fields and self.uses_c_collation(alias)
        return lookup_expression(self.attnames[name], lookup, value, c_collation=c_collation)

    def db_value(self, condition: Condition) -> Any:
        """Return a condition's value as the ORM takes it (a QuerySet of another ORM store stays a subquery)."""
        name, lookup = condition.name, condition.lookup
        if lookup == "in" and isinstance(condition.value, models.QuerySet):
            return condition.value  # another ORM store's rows: a subquery, no round trip
        if lookup == "in":
            return [self.to_db(name, item) for item in condition.value]
        if lookup == "isnull":
            return condition.value
        return self.to_db(name, condition.value)

    def order_expressions(self, ordering: list[Ordering], alias: str) -> list[Any]:
        """Return the ``order_by()`` terms; NOT NULL columns go without a NULLS modifier (so an index serves them)."""
        c_collation = self.uses_c_collation(alias)
        never_null = self.never_null
        return [
            order_term(
                order.expression if order.expression is not None else self.attnames[order.name],
                order.descending,
                c_collation=c_collation and (
                    order.field.name in self.text_fields if order.expression is None else order.field.base_type == "string"
                ),
                nullable=order.expression is not None or order.name not in never_null,
            )
            for order in ordering
        ]

    def values_matching(self, conditions: Sequence[Filter], column: str) -> Any:
        """Return the ``column`` values of the matching rows as a lazy query: another ORM store filters on it
        in one statement (a subquery), any other store reads it once."""
        return self.matching(conditions).filter(**{f"{self.attnames[column]}__isnull": False}).values_list(
            self.attnames[column], flat=True
        )

    def related_expression(self, fk: str, column: str, conditions: Sequence[Filter], inner: Any) -> Any:
        """Return the value ``inner`` of the row of this store that ``fk`` (an outer query's column) refers to.

        ``inner`` is a field name of this store, or the expression of a further
        hop; ``conditions`` (the row's endpoint's scope) leave out rows that
        endpoint would not show, whose value is then NULL.
        """
        value = inner if not isinstance(inner, str) else models.F(self.attnames[inner])
        rows = self.matching(conditions).filter(**{self.attnames[column]: models.OuterRef(fk)})
        return models.Subquery(rows.annotate(drfl_related=value).values("drfl_related")[:1])

    def matching(self, conditions: Sequence[Filter]) -> models.QuerySet[Any]:
        alias = self.read_db
        return self.queryset.filter(*[self.expression(condition, alias) for condition in conditions])

    # DataStore hooks: reads -------------------------------------------------------------

    def get(self, identifier: Any) -> dict[str, Any]:
        alias = self.read_db
        key = self.pk_value(identifier, alias)
        if self.compiled is not None:
            try:
                found = self.compiled.rows([Condition(self.model.pk_field, "exact", key)], [], 0, 1, alias)
            except Fallback:
                pass
            else:
                if found:
                    return found[0]
                raise self.not_found(identifier)
        rows = list(self.values(self.queryset.filter(pk=key))[:1])
        if not rows:
            raise self.not_found(identifier)
        return self.rows_out(rows, self.read_db)[0]

    def get_for_update(self, identifier: Any) -> dict[str, Any]:
        """Lock the row (``SELECT ... FOR UPDATE``) and return it as the window shows it: one statement (two through
        a window PostgreSQL cannot lock, with ``DISTINCT`` or grouping: the pk is locked, then the row read)."""
        key = self.pk_value(identifier)
        alias = self.write_db
        query = self.queryset.query
        if query.distinct or query.group_by is not None or query.combinator:
            locked = self.lock(self.model_class._base_manager.using(alias).filter(pk=key)).values_list("pk")
            rows = list(self.values(self.queryset.using(alias).filter(pk=key))[:1]) if locked else []
        else:
            rows = list(self.values(self.lock(self.queryset.using(alias).filter(pk=key)))[:1])
        if not rows:
            raise self.not_found(identifier)
        return self.rows_out(rows, alias)[0]

    def lock(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Return ``queryset`` locking the rows of this store's table (not those of joined tables) until the commit."""
        of = ("self",) if connections[queryset.db].features.has_select_for_update_of else ()
        return queryset.select_for_update(of=of)

    def read_back(self, key: Any) -> dict[str, Any]:
        """Return a row just written, as stored (outside the window or not), on the writing connection."""
        alias = self.write_db
        return self.rows_out(list(self.values(self.model_class._base_manager.using(alias).filter(pk=key))), alias)[0]

    def fetch(self, conditions: Sequence[Filter], ordering: list[Ordering], offset: int, count: int | None
              ) -> list[dict[str, Any]]:
        return self.fetch_some(conditions, ordering, offset, count, None)

    def fetch_some(self, conditions: Sequence[Filter], ordering: list[Ordering], offset: int, count: int | None,
                   columns: Collection[str] | None) -> list[dict[str, Any]]:
        """Read only ``columns`` (``?fields=``), with the pk and the ordering's fields; None reads every field."""
        selected = None if columns is None else frozenset(columns).union(
            [self.model.pk_field.name], [order.name for order in ordering])
        if self.compiled is not None:
            try:
                return self.compiled.rows(conditions, ordering, offset, count, self.read_db, selected)
            except Fallback:
                pass
        queryset = self.matching(conditions).order_by(*self.order_expressions(ordering, self.read_db))
        end = None if count is None else offset + count
        return self.rows_out(list(self.values(queryset, selected)[offset:end]), self.read_db, selected)

    def count_matching(self, conditions: Sequence[Filter]) -> int:
        if self.compiled is not None:
            try:
                return self.compiled.count(conditions, self.read_db)
            except Fallback:
                pass
        return self.matching(conditions).count()

    @property
    def never_null(self) -> frozenset[str]:
        return super().never_null | self.not_null

    def estimate_matching(self, conditions: Sequence[Filter]) -> int | None:
        """Return PostgreSQL's planner estimate of the matching rows (one ``EXPLAIN``); None elsewhere.

        The planner scales the table's statistics (``pg_class.reltuples``, kept by
        ``ANALYZE`` and autovacuum) by the filters' selectivity, so the estimate
        costs the same on a million rows as on ten. SQLite keeps no such statistics.
        """
        alias = self.read_db
        if connections[alias].vendor != "postgresql":
            return None
        plan = json.loads(self.matching(conditions).order_by().values("pk").explain(format="json"))
        return max(int(plan[0]["Plan"]["Plan Rows"]), 0)

    # DataStore hooks: writes ------------------------------------------------------------

    def validate(self, data: Any) -> dict[str, Any]:
        return self.check_files(super().validate(data), None)

    def validate_fields(self, data: Any, current: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.check_files(super().validate_fields(data, current), current)

    def insert(self, data: dict[str, Any]) -> Any:
        return self.wire_pk(super().insert(data))

    def validation_error(self, error: ValidationError, kind: type[BadRequest] | type[Conflict]) -> Exception:
        return validation_error(error, kind, self.django_fields)

    def integrity_error(self, error: DatabaseError, operation: str | None) -> Exception:
        """Turn a constraint failure into the 400/409 a client should see."""
        return integrity_error(error, operation, self.django_fields, [field.name for field in self.model.foreign_keys])
