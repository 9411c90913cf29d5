"""Updates without a lock: read the row, then one ``UPDATE … WHERE`` it is still the row read, ``RETURNING`` it.

The controller's update under a lock costs a transaction: ``BEGIN``, ``SELECT … FOR
UPDATE``, ``UPDATE … RETURNING``, ``COMMIT``. Where the write itself can refuse a row
that changed since it was read, the same update is two statements in autocommit, a
compare-and-set:

- PostgreSQL: the read takes the row version's ``xmin`` (the transaction that wrote
  that version; every write of a row makes a new version), and the ``UPDATE`` adds
  ``AND xmin = <the one read>``: a write in between, of any column, fails it;
- SQLite: the ``UPDATE`` adds ``AND <column> = <value read>`` (``IS NULL`` for a null)
  for every column of the table, exposed or not. It holds only for a row whose every
  value is the one read where equality is identity: numbers, text without a collation
  of its own, dates and times, bytes, UUIDs (``COMPARED``); a table with another type
  (JSON, whose comparison normalizes, or a collation) takes the locking path.

When the ``UPDATE`` changes no row, the row changed or went since the read: the
controller takes the locking path, which reads it again and judges ``If-Match``
anew. What the controller checked on the row read (its object check, ``If-Match``,
the read-only fields) holds for the row written, since it is that row.

The conditions of ``UPDATE … RETURNING`` (``orm_returning``) apply, and: no
many-to-many or file field (their writes are more statements), no ressource
validator, unique field or model constraint (checks that are queries of their own),
no QuerySet window, and not inside a caller's transaction (whose commit, not the
statement, would check the foreign keys).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models
from django.db.models.expressions import RawSQL

from ..exceptions import NotFound
from .orm_compiled import CompiledReads
from .query import Filter

__all__ = ["COMPARED", "VersionedWrites", "compared_by_identity"]

#: The internal types whose stored values SQLite compares by identity (``=`` holds only for the same value).
COMPARED = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "BooleanField",
    "CharField", "TextField", "SlugField", "DateField", "DateTimeField", "TimeField", "DurationField",
    "UUIDField", "DecimalField", "FloatField", "BinaryField", "ForeignKey", "OneToOneField",
})
#: The annotation that carries a PostgreSQL row's version.
VERSION = "drfl_row_version"


def compared_by_identity(field: models.Field[Any, Any]) -> bool:
    """Tell whether SQLite's ``=`` on ``field``'s column holds only for the very value stored (``COMPARED``, no collation)."""
    return field.get_internal_type() in COMPARED and not getattr(field, "db_collation", None)


class VersionedWrites:
    """The compare-and-set updates of ``DjangoModelDataStore``; the attributes below are the store's."""

    model_class: type[models.Model]
    queryset: models.QuerySet[Any]
    compiled: CompiledReads | None
    window: bool
    plain_table: bool
    many: dict[str, Any]
    file_names: frozenset[str]
    validators: list[Any]
    write_db: str
    pk_value: Callable[..., Any]
    rows_out: Callable[..., list[dict[str, Any]]]
    in_scope: Callable[[Any, Sequence[Filter]], bool]
    not_found: Callable[[Any], NotFound]
    validate_fields: Callable[..., dict[str, Any]]
    check_scope: Callable[[Any, Sequence[Filter]], None]
    check_foreign_keys: Callable[[dict[str, Any]], None]
    django_hooks: Callable[[], bool]
    update_returning: Callable[..., dict[str, Any] | None]

    def version_kind(self, alias: str) -> str | None:
        """Return how a write on ``alias`` tells the row read: ``"xmin"``, ``"columns"``, or None (under a lock)."""
        kinds: dict[str, str | None] = self.__dict__.setdefault("_version_kinds", {})
        if alias not in kinds:
            kinds[alias] = self.find_version_kind(connections[alias].vendor)
        return kinds[alias]

    def find_version_kind(self, vendor: str) -> str | None:
        """Decide, once per database, whether this store's updates may compare-and-set, and how (see the module)."""
        if (self.compiled is None or self.window or not self.plain_table or self.many or self.file_names
                or self.validators):
            return None
        if vendor == "postgresql":
            return "xmin"
        if vendor != "sqlite":
            return None
        return "columns" if all(map(compared_by_identity, self.model_class._meta.concrete_fields)) else None

    def update_unlocked(self, identifier: Any, scope: Sequence[Filter], check: Callable[[dict[str, Any]], Any]
                        ) -> dict[str, Any] | None:
        """Read the row, let ``check`` judge it, write the changes only if the row is still the one read.

        Return the updated row, or None when the locking path must do it: this
        store or write cannot compare-and-set, or the row changed since it was read.
        """
        alias = self.write_db
        kind = self.version_kind(alias)
        if kind is None or connections[alias].in_atomic_block or self.django_hooks():
            return None
        key = self.pk_value(identifier, alias)
        read = self.queryset.using(alias).filter(pk=key)
        names = [field.attname for field in self.model_class._meta.concrete_fields]
        if kind == "xmin":
            read = read.annotate(**{VERSION: self.row_version()})
        rows = list(read.values(*names, *([VERSION] if kind == "xmin" else []))[:1])
        if not rows:
            raise self.not_found(identifier)
        current = self.rows_out(rows, alias)[0]
        if scope and not self.in_scope(current, scope):
            raise self.not_found(identifier)
        changes = self.validate_fields(check(current), current)
        if not changes:
            return current
        self.check_scope({**current, **changes}, scope)
        self.check_foreign_keys(changes)
        pk_name = self.model_class._meta.pk.attname
        unchanged: dict[str, Any] = {VERSION: rows[0][VERSION]} if kind == "xmin" else {
            name: rows[0][name] for name in names if name != pk_name
        }
        return self.update_returning(key, changes, unchanged)

    def row_version(self) -> RawSQL:
        """Return the expression of a PostgreSQL row's version: its ``xmin``, as text."""
        table = connections[self.write_db].ops.quote_name(self.model_class._meta.db_table)
        return RawSQL(f"{table}.xmin::text", ())

    def still_unchanged(self, target: models.QuerySet[Any], unchanged: dict[str, Any]) -> models.QuerySet[Any]:
        """Return ``target`` narrowed to the row as ``update_unlocked`` read it (its version, or its every column)."""
        if VERSION in unchanged:
            return target.alias(**{VERSION: self.row_version()}).filter(**unchanged)
        return target.filter(**unchanged)
