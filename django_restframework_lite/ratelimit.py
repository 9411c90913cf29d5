"""Rate limits: at most ``quota`` requests per user in each ``interval`` seconds.

Two limiters share one behaviour (API.md section 9):

- ``RateLimit(datastore, interval=6000, quota=100)``, the seed's: the counts live
  in any datastore whose model looks like the seed's ``RateLimitModel``
  (``access_key`` string pk, ``quota`` integer, ``last_request`` timestamp).
- ``CacheRateLimit(quota, interval, cache="default")``: the counts live in
  Django's cache and move with ``cache.add`` + ``cache.incr``, which are atomic
  on Redis and Memcached, so the limit holds across processes and servers.

Both count fixed windows aligned on multiples of ``interval`` (unix time), so
"the count starts again after ``interval`` seconds" and every process agrees on
the window without talking to the others. Every answered request counts, list
and unique alike. Request N+1 inside a window is a 429 with ``Retry-After``;
every answer carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset`` (the unix time at which the window ends).

The count is per identity (``get_identity``): a Django user by model and pk, a
datastore row (an API key, a Basic user) by the pk of the authentication's
datastore, anything else by its text; an anonymous request by its client
address. Identities are hashed before they are stored, so no API key is kept
in the counters.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import weakref
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from .exceptions import Conflict, NotFound, TooManyRequest, TooManyRequests
from .models import Model, StringPkField
from .models.fields import IntegerField, TimestampField

__all__ = [
    "BaseRateLimit",
    "CacheRateLimit",
    "RateLimit",
    "RateLimitModel",
    "TooManyRequest",  # the seed imported its 429 error from here
    "TooManyRequests",
    "live_ratelimits",
]

# Every limiter built in this process, so that tests can reset them all
# (``django_restframework_lite.test.reset_ratelimits``). Weak: a limiter that
# nothing uses any more is forgotten with it. Filled once per limiter, when it
# is built (with the URLs), never on a request.
_LIMITERS: weakref.WeakSet[BaseRateLimit] = weakref.WeakSet()


def live_ratelimits() -> Iterator[BaseRateLimit]:
    """Yield every rate limiter of this process that is still in use."""
    yield from list(_LIMITERS)


class RateLimitModel(Model):
    """The seed's model of a rate-limit datastore: one row per identity."""

    fields = [
        StringPkField(name="access_key"),
        IntegerField(name="quota"),
        TimestampField(name="last_request"),
    ]


class BaseRateLimit:
    """Shared logic: identity, windows, headers. Subclasses implement ``hit()``."""

    timer = time.time

    def __init__(self, quota: int, interval: float) -> None:
        if isinstance(quota, bool) or not isinstance(quota, int) or quota < 0:
            raise ImproperlyConfigured(f"{type(self).__name__}: quota must be an integer >= 0, not {quota!r}.")
        if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not interval > 0:
            raise ImproperlyConfigured(f"{type(self).__name__}: interval must be a number of seconds > 0, not {interval!r}.")
        self.quota = quota
        self.interval = interval
        _LIMITERS.add(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} quota={self.quota} interval={self.interval}>"

    # Identity ---------------------------------------------------------------------------

    def get_identity(self, request: HttpRequest, user: Any, authentication: Any = None) -> str:
        """Return the text naming whose quota ``request`` spends.

        ``authentication`` is the controller's, which found ``user``: a row of its
        datastore is named by that datastore's pk. Override it to count per API
        key, per tenant, per client address...
        """
        if user is None:
            return "anonymous:" + request.META.get("REMOTE_ADDR", "")
        meta = getattr(user, "_meta", None)
        if meta is not None and getattr(user, "pk", None) is not None:
            return f"{meta.label_lower}:{user.pk}"
        if isinstance(user, dict):
            datastore = getattr(authentication, "datastore", None)
            model = getattr(datastore, "model", None)
            pk_name = model.pk_field.name if model is not None else None
            if pk_name is not None and pk_name in user:
                return f"row:{pk_name}:{user[pk_name]}"
            return "row:" + json.dumps(user, sort_keys=True, default=str)
        return f"{type(user).__name__}:{user}"

    def get_key(self, request: HttpRequest, user: Any, authentication: Any = None) -> str:
        """Return the stored key of the caller: a hash of its identity, so no secret is stored."""
        identity = self.get_identity(request, user, authentication)
        return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:40]

    # Windows and headers ----------------------------------------------------------------

    def window(self, now: float) -> int:
        """Return the number of the window ``now`` falls in."""
        return math.floor(now / self.interval)

    def window_end(self, window: int) -> float:
        return (window + 1) * self.interval

    def headers(self, remaining: int, reset: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.quota),
            "X-RateLimit-Remaining": str(max(0, remaining)),
            "X-RateLimit-Reset": str(math.ceil(reset)),
        }

    def check(self, request: HttpRequest, user: Any, authentication: Any = None) -> dict[str, str]:
        """Count ``request`` and return the ``X-RateLimit-*`` headers of its answer.

        ``authentication`` is the controller's, which found ``user``. Over the
        quota, raise ``TooManyRequests`` carrying the same headers and
        ``Retry-After`` (seconds until the window ends).
        """
        now = self.timer()
        key = self.get_key(request, user, authentication)
        allowed, remaining, reset = self.hit(key, now)
        headers = self.headers(remaining, reset)
        if not allowed:
            headers["Retry-After"] = str(max(1, math.ceil(reset - now)))
            raise TooManyRequests(
                f"Rate limit exceeded: {self.quota} requests per {self.interval:g} seconds.",
                headers=headers,
            )
        return headers

    def check_configuration(self) -> list[str]:
        """Return the configuration problems of this limiter, as messages (none here)."""
        return []

    def openapi_headers(self) -> dict[str, dict[str, Any]]:
        """Return the OpenAPI headers every answer of a rate-limited endpoint carries."""
        integer = {"schema": {"type": "integer"}}
        return {
            "X-RateLimit-Limit": {"description": "Requests allowed per interval.", **integer},
            "X-RateLimit-Remaining": {"description": "Requests left in this interval.", **integer},
            "X-RateLimit-Reset": {"description": "When the interval starts again.", **integer},
        }

    # Methods that subclasses must implement ----------------------------------------------

    def hit(self, key: str, now: float) -> tuple[bool, int, float]:
        """Count one request of ``key`` at ``now``: return (allowed, remaining, window end).

        A refused request must not be counted, and must write nothing.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement hit()")

    def reset(self) -> None:
        """Forget every count, so that each identity has its whole quota again (for tests)."""
        raise NotImplementedError(f"{type(self).__name__} must implement reset()")


class RateLimit(BaseRateLimit):
    """The seed's rate limit: counts in a datastore shaped like ``RateLimitModel``.

    Each identity has one row: ``quota`` is what is left in the window of
    ``last_request`` (the time of the last counted request). The read, the
    check and the write run inside ``datastore.atomic()`` with
    ``get_for_update()``, so concurrent requests never both take the last unit.
    A ``PythonListDataStore`` keeps the counts of one process; an ORM or SQLite
    store shares them between processes.
    """

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

    def hit(self, key: str, now: float) -> tuple[bool, int, float]:
        window = self.window(now)
        reset = self.window_end(window)
        # Two first requests of one identity may both find no row; the loser of the
        # insert reads the winner's row on the next turn.
        for _attempt in range(3):
            with self.datastore.atomic():
                try:
                    row = self.datastore.get_for_update(key)
                except NotFound:
                    if self.quota < 1:
                        return False, 0, reset
                    try:
                        self.datastore.create({"access_key": key, "quota": self.quota - 1, "last_request": now})
                    except Conflict:
                        continue
                    return True, self.quota - 1, reset
                left = row["quota"] if self.window(row["last_request"]) == window else self.quota
                if left < 1:
                    return False, 0, reset
                self.datastore.update(row, {"quota": left - 1, "last_request": now})
                return True, left - 1, reset
        raise Conflict("The rate limit could not be counted; try again.")

    def reset(self) -> None:
        """Delete every row of the datastore: the counts of every identity."""
        pk_name = self.datastore.model.pk_field.name
        with self.datastore.atomic():
            for row in self.datastore.get_list():
                try:
                    self.datastore.delete(row[pk_name])
                except NotFound:  # deleted meanwhile by another thread
                    pass


class CacheRateLimit(BaseRateLimit):
    """Count in Django's cache: ``CacheRateLimit(quota=100, interval=600, cache="default")``.

    The key of a counter holds the window number, so a new window starts from
    zero without any reset. ``cache.add`` creates the counter atomically and
    ``cache.incr`` moves it atomically on Redis and Memcached (the local-memory
    cache is atomic inside one process only; the database and file caches are
    not atomic). The request that finds the counter past the quota is refused;
    the counter going past the quota changes nothing stored by the API.
    """

    key_prefix = "drfl-ratelimit"

    def __init__(self, quota: int, interval: float, cache: str = "default") -> None:
        super().__init__(quota, interval)
        # The alias is checked against settings.CACHES when include() builds the
        # URLs and by ``manage.py check`` (check_configuration), not at import time.
        self.cache_alias = cache

    @property
    def cache(self) -> Any:
        """Return the cache of ``cache_alias`` (one connection per thread, from Django's handler)."""
        from django.core.cache import caches

        return caches[self.cache_alias]

    def check_configuration(self) -> list[str]:
        from django.conf import settings

        if self.cache_alias not in settings.CACHES:
            known = ", ".join(sorted(settings.CACHES)) or "none"
            return [
                f"CacheRateLimit: the cache {self.cache_alias!r} is not in settings.CACHES "
                f"(configured: {known}); add it or pass cache= naming one of them."
            ]
        return []

    def hit(self, key: str, now: float) -> tuple[bool, int, float]:
        window = self.window(now)
        reset = self.window_end(window)
        cache_key = f"{self.key_prefix}:{self.quota}:{self.interval:g}:{key}:{window}"
        # Keep the counter a little past its window: a late request of the old
        # window must not recreate it from zero.
        timeout = max(1, math.ceil(reset - now)) + 60
        cache = self.cache
        count = 0
        for _attempt in range(3):
            if cache.add(cache_key, 1, timeout=timeout):
                count = 1
                break
            try:
                count = cache.incr(cache_key)
                break
            except ValueError:
                continue  # expired between add and incr: add again
        else:
            raise Conflict("The rate limit could not be counted; try again.")
        remaining = self.quota - count
        return count <= self.quota, remaining, reset

    def reset(self) -> None:
        """Delete the counters of this limiter's ``key_prefix`` from its cache.

        Django's cache API cannot list keys, so this works with the caches that
        can: the local-memory cache, Django's ``RedisCache``, django-redis
        (``delete_pattern``), and the dummy cache (which keeps nothing). Any
        other backend is refused with ``ImproperlyConfigured`` rather than
        cleared whole.
        """
        if self.check_configuration():
            return  # an alias missing from settings.CACHES never counted anything
        cache = self.cache
        prefix = f"{self.key_prefix}:"
        if hasattr(cache, "delete_pattern"):  # django-redis
            cache.delete_pattern(prefix + "*")
            return
        backend = type(cache).__name__
        stored_prefix = cache.make_key(prefix)
        if backend == "DummyCache":
            return
        if backend == "LocMemCache":
            with cache._lock:
                for key in [key for key in cache._cache if key.startswith(stored_prefix)]:
                    cache._delete(key)
            return
        if backend == "RedisCache":
            client = cache._cache.get_client(write=True)
            pattern = "".join("\\" + char if char in "*?[]\\" else char for char in stored_prefix) + "*"
            keys = list(client.scan_iter(match=pattern, count=1000))
            if keys:
                client.delete(*keys)
            return
        raise ImproperlyConfigured(
            f"CacheRateLimit.reset(): the {backend} of cache {self.cache_alias!r} cannot list its keys; "
            "use the local-memory cache or Redis in your test settings."
        )
