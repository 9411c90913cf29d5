"""``CacheRateLimit``: the sliding window kept in Django's cache, shared by every process using that cache.

Each identity's window (the times of the requests that passed, at most
``quota`` of them) is one cache value. Reading and writing it is guarded by a
lock taken with ``cache.add`` (atomic on Redis, Memcached and the local-memory
cache), so two processes never both take the last unit. The lock lives
``LOCK_TIMEOUT`` seconds at most, should a process die holding it.

The cache is a network service that may be down or stalled. Every cache call
of one request runs in a small pool of threads and is waited for ``timeout``
seconds at most: past that, or when the cache raises, the request is answered
503 with ``Retry-After`` — or, with ``fail_open=True``, let through uncounted
(and logged), for sites that prefer availability to the limit. The thread of
a stalled call finishes on its own when the cache answers again; a request
that gave up waiting may then still be counted.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured

from ..exceptions import ServiceUnavailable
from .base import BaseRateLimit, Decision

__all__ = ["CacheRateLimit", "CacheUnavailable"]

logger = logging.getLogger("django_restframework_lite.ratelimit")

Result = TypeVar("Result")

#: Seconds a lock on one identity's window may live: far more than one count takes.
LOCK_TIMEOUT = 5
#: Seconds a client is told to wait (``Retry-After``) when the cache cannot count.
CACHE_RETRY_AFTER = 5
#: Threads that may wait on the cache at once, in one process.
CACHE_THREADS = 8


class CacheUnavailable(Exception):
    """The cache raised, or did not answer in time."""


class _CachePool:
    """The threads cache calls run in, made on first use in each process (a fork gets its own)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid: int | None = None
        self.executor: ThreadPoolExecutor | None = None

    def submit(self, call: Callable[[], Result]) -> Future[Result]:
        with self.lock:
            if self.executor is None or self.pid != os.getpid():
                self.executor = ThreadPoolExecutor(max_workers=CACHE_THREADS, thread_name_prefix="drfl-ratelimit-cache")
                self.pid = os.getpid()
            return self.executor.submit(call)


_pool = _CachePool()


class CacheRateLimit(BaseRateLimit):
    """Count in Django's cache: ``CacheRateLimit(quota=100, interval=600, cache="default")``.

    ``fail_open`` (default False): when the cache is unavailable, let requests
    through uncounted instead of answering 503. ``timeout`` (default 1 second):
    the longest a request waits for the cache; None waits as long as the cache
    client does (right for an in-process cache only).
    """

    key_prefix = "drfl-ratelimit"

    def __init__(
        self,
        quota: int,
        interval: float,
        cache: str = "default",
        *,
        fail_open: bool = False,
        timeout: float | None = 1.0,
    ) -> None:
        super().__init__(quota, interval)
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0):
            raise ImproperlyConfigured(f"CacheRateLimit: timeout must be a number of seconds > 0 or None, not {timeout!r}.")
        # The alias is checked against settings.CACHES when include() builds the
        # URLs and by ``manage.py check`` (check_configuration), not at import time.
        self.cache_alias = cache
        self.fail_open = bool(fail_open)
        self.timeout = timeout

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

    def cache_key(self, key: str) -> str:
        return f"{self.key_prefix}:{self.quota}:{self.interval:g}:{key}"

    # Counting ---------------------------------------------------------------------------

    def hit(self, key: str, now: float) -> Decision | None:
        return self.ask_cache(lambda: self.count(key, now))

    def peek(self, key: str, now: float) -> Decision | None:
        return self.ask_cache(lambda: self.decide(self.window(self.cache, self.cache_key(key)), now)[0])

    @staticmethod
    def window(cache: Any, cache_key: str) -> list[float]:
        """Return the times kept for one identity (none, when the value is missing or not a window)."""
        times = cache.get(cache_key)
        return times if isinstance(times, list) else []

    def count(self, key: str, now: float) -> Decision:
        """Count one request of ``key`` under the window's lock (runs in the cache threads)."""
        cache = self.cache
        cache_key = self.cache_key(key)
        with self.locked(cache, cache_key):
            decision, window = self.decide(self.window(cache, cache_key), now)
            if decision.allowed:
                # The window is of no use once its newest request is an interval old.
                cache.set(cache_key, window, timeout=math.ceil(self.interval) + 1)
        return decision

    @contextlib.contextmanager
    def locked(self, cache: Any, cache_key: str) -> Iterator[None]:
        """Hold the lock of one identity's window; wait for it as long as a lock may live, at most."""
        lock_key = f"{cache_key}:lock"
        token = uuid.uuid4().hex
        deadline = time.monotonic() + LOCK_TIMEOUT
        delay = 0.0005
        while not cache.add(lock_key, token, timeout=LOCK_TIMEOUT):
            if time.monotonic() > deadline:
                raise CacheUnavailable(f"the lock {lock_key!r} was not released in {LOCK_TIMEOUT} seconds")
            time.sleep(delay)
            delay = min(delay * 2, 0.01)
        try:
            yield
        finally:
            cache.delete(lock_key)

    # An unavailable cache ---------------------------------------------------------------

    def ask_cache(self, call: Callable[[], Decision]) -> Decision | None:
        """Run ``call`` against the cache, waiting ``timeout`` seconds at most.

        An unavailable cache is a ``ServiceUnavailable`` (503), or None (let the
        request through uncounted) with ``fail_open``.
        """
        try:
            if self.timeout is None:
                try:
                    return call()
                except Exception as error:
                    raise CacheUnavailable(f"{type(error).__name__}: {error}") from error
            future = _pool.submit(call)
            try:
                return future.result(timeout=self.timeout)
            except FutureTimeout:
                future.cancel()
                raise CacheUnavailable(f"no answer from the cache {self.cache_alias!r} in {self.timeout:g} seconds") from None
            except Exception as error:
                raise CacheUnavailable(f"{type(error).__name__}: {error}") from error
        except CacheUnavailable as error:
            if self.fail_open:
                logger.warning("Rate limit not counted (fail_open): the cache %r is unavailable: %s", self.cache_alias, error)
                return None
            raise ServiceUnavailable(
                "The rate limit cannot be counted: its cache is unavailable. Try again later.",
                retry_after=CACHE_RETRY_AFTER,
            ) from error

    def reset(self) -> None:
        """Delete the counters (and locks) of this limiter's ``key_prefix`` from its cache.

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
