"""Rate limits when things go wrong: guessing clients, an unavailable cache, a boundary between windows.

- Failed authentications count against the client's address: 20 wrong API keys
  or passwords against a quota of 5 get 429 from the sixth on, and from then on
  the credentials are not even checked (a password hash is costly by design).
- A cache that raises or stalls is a JSON 503 with ``Retry-After`` after at most
  ``timeout`` seconds — or lets requests through with ``fail_open=True``.
- The window slides: a burst around a multiple of the interval never passes
  more than the quota (a fixed window would pass twice the quota there).
- Clearing the list a seed ``RateLimit`` was given resets its counts.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
import uuid
from typing import Any

import pytest
from django.contrib import auth
from django.contrib.auth.models import User
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client

from django_restframework_lite.authentication import Authorization, BasicAuthentication
from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.ratelimit import CacheRateLimit, RateLimit, RateLimitModel
from tests.protection_support import PARIS, AddressModel, endpoint, keys_authentication, mount
from tests.servers import RedisServer

START = 1_800_000_000.0


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def addresses() -> dict[str, Any]:
    return {"ressource_name": "address", "ressource": [{"id": 1, **PARIS}], "model": AddressModel,
            "datastore": PythonListDataStore}


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


# Guessing credentials ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_twenty_wrong_passwords_against_a_quota_of_five_get_429_after_the_fifth(
    settings: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user("ann", password="right")
    limiter = CacheRateLimit(quota=5, interval=60)
    limiter.key_prefix = f"test-{uuid.uuid4().hex}"
    limiter.timer = Clock(START)
    mount(settings, endpoint(addresses(), authentication=BasicAuthentication(), authorization=Authorization,
                             ratelimit=limiter))
    checked: list[str] = []
    real_authenticate = auth.authenticate

    def counting_authenticate(request: Any = None, **credentials: Any) -> Any:
        checked.append(credentials["username"])
        return real_authenticate(request, **credentials)

    monkeypatch.setattr(auth, "authenticate", counting_authenticate)
    statuses = [client.get("/api/address/", HTTP_AUTHORIZATION=basic("ann", f"guess{n}")).status_code for n in range(20)]
    assert statuses == [401] * 5 + [429] * 15
    assert len(checked) == 5  # the 15 refused guesses cost no password check
    # The right password from that address waits like the rest; the window frees it.
    assert client.get("/api/address/", HTTP_AUTHORIZATION=basic("ann", "right")).status_code == 429
    limiter.timer.now = START + 60
    assert client.get("/api/address/", HTTP_AUTHORIZATION=basic("ann", "right")).status_code == 200


def test_twenty_wrong_api_keys_against_a_quota_of_five_get_429_after_the_fifth(settings: Any, client: Client) -> None:
    limiter = RateLimit(PythonListDataStore([], RateLimitModel), interval=60, quota=5)
    limiter.timer = Clock(START)
    mount(settings, endpoint(addresses(), authentication=keys_authentication(), authorization=Authorization,
                             ratelimit=limiter))
    statuses = [client.get(f"/api/address/?accesskey=guess{n}").status_code for n in range(20)]
    assert statuses == [401] * 5 + [429] * 15


# The sliding window ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["cache", "list"])
def test_a_burst_around_a_window_boundary_passes_at_most_the_quota(settings: Any, client: Client, kind: str) -> None:
    if kind == "cache":
        limiter: Any = CacheRateLimit(quota=5, interval=60)
        limiter.key_prefix = f"test-{uuid.uuid4().hex}"
    else:
        limiter = RateLimit(PythonListDataStore([], RateLimitModel), interval=60, quota=5)
    limiter.timer = Clock(START - 1)  # one second before a multiple of the interval
    mount(settings, endpoint(addresses(), authentication=keys_authentication(), authorization=Authorization,
                             ratelimit=limiter))
    passed = []
    for moment in [START - 1, START - 0.5, START - 0.2, START - 0.1, START - 0.01, START, START + 1, START + 30, START + 58]:
        limiter.timer.now = moment
        if client.get("/api/address/?accesskey=hackme").status_code == 200:
            passed.append(moment)
    assert passed == [START - 1, START - 0.5, START - 0.2, START - 0.1, START - 0.01]
    limiter.timer.now = START + 59  # the first request left the window: one more passes
    response = client.get("/api/address/?accesskey=hackme")
    assert (response.status_code, response["X-RateLimit-Remaining"]) == (200, "0")
    limiter.timer.now = START + 59.2
    refused = client.get("/api/address/?accesskey=hackme")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"  # the request at START - 0.5 leaves the window at START + 59.5


def test_clearing_the_list_of_a_seed_rate_limit_resets_it(settings: Any, client: Client) -> None:
    rows: list[dict[str, Any]] = []
    limiter = RateLimit(PythonListDataStore(rows, RateLimitModel), interval=60, quota=2)
    limiter.timer = Clock(START)
    mount(settings, endpoint(addresses(), authentication=keys_authentication(), authorization=Authorization,
                             ratelimit=limiter))
    assert [client.get("/api/address/?accesskey=hackme").status_code for _ in range(3)] == [200, 200, 429]
    rows.clear()
    assert [client.get("/api/address/?accesskey=hackme").status_code for _ in range(3)] == [200, 200, 429]


# An unavailable cache ---------------------------------------------------------------------------


class TroubledCache(LocMemCache):
    """A local-memory cache that can be broken (every call raises) or stalled (every call waits)."""

    broken = False
    resume = threading.Event()

    def _trouble(self) -> None:
        if TroubledCache.broken:
            raise ConnectionError("Error 111 connecting to the cache. Connection refused.")
        if not TroubledCache.resume.is_set():
            TroubledCache.resume.wait(timeout=10)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        self._trouble()
        return super().add(*args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        self._trouble()
        return super().get(*args, **kwargs)


@pytest.fixture
def troubled(settings: Any) -> Any:
    settings.CACHES = {**settings.CACHES, "limits": {"BACKEND": f"{__name__}.TroubledCache", "LOCATION": uuid.uuid4().hex}}
    TroubledCache.broken = False
    TroubledCache.resume.set()
    yield TroubledCache
    TroubledCache.broken = False
    TroubledCache.resume.set()


def limited(settings: Any, **options: Any) -> None:
    limiter = CacheRateLimit(quota=3, interval=60, cache="limits", timeout=0.2, **options)
    mount(settings, endpoint(addresses(), authentication=keys_authentication(), authorization=Authorization,
                             ratelimit=limiter))


def assert_unavailable(response: Any) -> None:
    assert response.status_code == 503
    assert response.json() == {"error": "The rate limit cannot be counted: its cache is unavailable. Try again later."}
    assert response["Retry-After"] == "5"


def test_a_broken_cache_is_a_503(settings: Any, client: Client, troubled: Any, caplog: Any) -> None:
    limited(settings)
    assert client.get("/api/address/?accesskey=hackme").status_code == 200
    troubled.broken = True
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert_unavailable(client.get("/api/address/?accesskey=hackme"))
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert logged[0].getMessage() == "Service Unavailable: /api/address/"
    assert "Connection refused" in str(logged[0].exc_info[1])  # type: ignore[index]  (the cause, with its traceback)
    assert_unavailable(client.get("/api/address/?accesskey=wrong"))  # failed authentications are counted there too
    troubled.broken = False
    assert client.get("/api/address/?accesskey=hackme").status_code == 200


def test_a_stalled_cache_is_a_503_after_the_timeout(settings: Any, client: Client, troubled: Any) -> None:
    limited(settings)
    troubled.resume.clear()
    started = time.monotonic()
    assert_unavailable(client.get("/api/address/?accesskey=hackme"))
    assert time.monotonic() - started < 2  # 0.2 s of waiting, not the 10 s the cache would take
    troubled.resume.set()
    assert client.get("/api/address/?accesskey=hackme").status_code == 200


def test_fail_open_lets_requests_through_uncounted(settings: Any, client: Client, troubled: Any, caplog: Any) -> None:
    limited(settings, fail_open=True)
    troubled.broken = True
    with caplog.at_level(logging.WARNING, logger="django_restframework_lite.ratelimit"):
        response = client.get("/api/address/?accesskey=hackme")
    assert response.status_code == 200
    assert "X-RateLimit-Remaining" not in response
    assert "the cache 'limits' is unavailable" in caplog.text
    troubled.broken = False
    troubled.resume.clear()
    assert client.get("/api/address/?accesskey=hackme").status_code == 200  # stalled: through after 0.2 s


def test_the_timeout_is_checked_when_the_urls_are_built() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="timeout must be a number of seconds > 0 or None"):
        CacheRateLimit(quota=1, interval=1, timeout=0)


@pytest.mark.slow
def test_fail_open_on_a_real_redis_that_stops_and_stalls(settings: Any, client: Client) -> None:
    server = RedisServer().start()
    try:
        settings.CACHES = {**settings.CACHES, "limits": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                                         "LOCATION": server.url}}
        for fail_open in (False, True):
            # 3 s: long enough for a fresh connection on a loaded CI machine (0.5 s was not), short for a stall.
            limiter = CacheRateLimit(quota=3, interval=60, cache="limits", timeout=3, fail_open=fail_open)
            limiter.key_prefix = f"test-{uuid.uuid4().hex}"
            mount(settings, endpoint(addresses(), authentication=keys_authentication(), authorization=Authorization,
                                     ratelimit=limiter))
            expected = 200 if fail_open else 503
            assert client.get("/api/address/?accesskey=hackme")["X-RateLimit-Remaining"] == "2"
            server.pause()
            assert client.get("/api/address/?accesskey=hackme").status_code == expected
            server.resume()
            assert client.get("/api/address/?accesskey=hackme")["X-RateLimit-Remaining"] in {"1", "0"}
            server.stop()
            assert client.get("/api/address/?accesskey=hackme").status_code == expected
            server.start()
            assert client.get("/api/address/?accesskey=hackme").status_code in {200, 429}
    finally:
        server.stop()
