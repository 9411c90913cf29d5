"""``RateLimit``: the seed's rate limit, its counts in any datastore shaped like ``RateLimitModel``.

Each identity (a hashed key ``K``) has:

- a head row ``K``: ``quota`` is what is left after the last counted request,
  ``last_request`` its time (the seed's meaning of the two fields);
- up to ``quota`` lane rows ``K:0``, ``K:1``...: ``last_request`` is the time of
  a request that passed. A new request reuses the lane whose time has left the
  window, so the lanes hold exactly the sliding window ``decide()`` needs. They
  are read by pk, so each request costs index lookups, ``quota`` rows at most.

The read, the decision and the writes run inside ``datastore.atomic()`` with
the head row read by ``get_for_update()``, so concurrent requests of one
identity take turns. A ``PythonListDataStore`` keeps the counts of one process;
an ORM or SQLite store shares them between processes. Emptying the datastore
(``rows.clear()`` on the list it was given) resets every count.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..exceptions import Conflict, NotFound
from ..models import Model, StringPkField
from ..models.fields import IntegerField, TimestampField
from .base import BaseRateLimit, Decision

__all__ = ["RateLimit", "RateLimitModel"]

#: Lane rows read by one query (an ``in`` lookup takes at most ``MAX_IN_VALUES``).
LANES_PER_QUERY = 500


class RateLimitModel(Model):
    """The seed's model of a rate-limit datastore: rows keyed by a hashed identity."""

    fields = [
        StringPkField(name="access_key"),
        IntegerField(name="quota"),
        TimestampField(name="last_request"),
    ]


class RateLimit(BaseRateLimit):
    """The seed's rate limit: ``RateLimit(PythonListDataStore([], RateLimitModel), interval=600, quota=100)``."""

    def __init__(self, datastore: Any, interval: float = 6000, quota: int = 100) -> None:
        super().__init__(quota, interval)
        self.datastore = datastore
        model = datastore.model
        missing = [name for name in ("access_key", "quota", "last_request") if model.get_field(name) is None]
        if missing:
            raise ImproperlyConfigured(
                f"RateLimit: the datastore's model {type(model).__name__} lacks {', '.join(missing)}; "
                "use a model like django_restframework_lite.ratelimit.RateLimitModel."
            )
        if model.pk_field.name != "access_key":
            raise ImproperlyConfigured("RateLimit: access_key must be the pk (StringPkField) of the datastore's model.")

    def lanes(self, key: str) -> list[dict[str, Any]]:
        """Return the lane rows of ``key``: one per request that passed, the latest ``quota`` of them.

        They are read by their pks (``access_key__in``), which every store finds
        through its pk index, in chunks of ``LANES_PER_QUERY``: the cost of a
        request grows with the quota, which is why ``CacheRateLimit`` suits
        quotas in the thousands better.
        """
        names = [f"{key}:{index}" for index in range(self.quota)]
        lanes: list[dict[str, Any]] = []
        for start in range(0, len(names), LANES_PER_QUERY):
            lanes.extend(self.datastore.get_list(access_key__in=names[start:start + LANES_PER_QUERY]))
        return lanes

    def peek(self, key: str, now: float) -> Decision:
        decision, _ = self.decide((lane["last_request"] for lane in self.lanes(key)), now)
        return decision

    def hit(self, key: str, now: float) -> Decision:
        # Two first requests of one identity may both find no head row; the loser of
        # the insert starts again and then waits for the winner's lock.
        for _attempt in range(3):
            try:
                with self.datastore.atomic():
                    return self.count(key, now)
            except Conflict:
                continue
        raise Conflict("The rate limit could not be counted; try again.")

    def count(self, key: str, now: float) -> Decision:
        """Count one request of ``key``; call inside ``atomic()``."""
        store = self.datastore
        try:
            head: dict[str, Any] | None = store.get_for_update(key)
        except NotFound:
            head = None
        lanes = self.lanes(key)
        decision, _ = self.decide((lane["last_request"] for lane in lanes), now)
        if not decision.allowed:
            return decision
        taken = {lane["access_key"] for lane in lanes}
        free = next((f"{key}:{index}" for index in range(self.quota) if f"{key}:{index}" not in taken), None)
        if free is not None:
            store.create({"access_key": free, "quota": 0, "last_request": now})
        else:  # every lane is used: the oldest one has left the window, since the request passed
            oldest = min(lanes, key=lambda lane: lane["last_request"])
            store.update(oldest, {"last_request": now})
        if head is None:
            store.create({"access_key": key, "quota": decision.remaining, "last_request": now})
        else:
            store.update(head, {"quota": decision.remaining, "last_request": now})
        return decision

    def reset(self) -> None:
        """Delete every row of the datastore: the counts of every identity."""
        pk_name = self.datastore.model.pk_field.name
        with self.datastore.atomic():
            for row in self.datastore.get_list():
                try:
                    self.datastore.delete(row[pk_name])
                except NotFound:  # deleted meanwhile by another thread
                    pass
