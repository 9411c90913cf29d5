"""Rate limits through HTTP: ``RateLimit`` (counts in a datastore) and ``CacheRateLimit`` (Django's cache).

The clock is injected (``limiter.timer``), so windows end without sleeping. Each
limiter is tried with each datastore serving the ressource.
"""

from __future__ import annotations

import json
import sys
import uuid
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from django_restframework_lite.authentication import Authorization
from django_restframework_lite.checks import check_controllers
from django_restframework_lite.config import controller_problems
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import PythonListDataStore, SQLiteDataStore
from django_restframework_lite.ratelimit import CacheRateLimit, RateLimit, RateLimitModel
from tests.protection_support import PARIS, AddressModel, KeyModel, address_ressource, keys_authentication, mount

QUOTA = 3
INTERVAL = 60
START = 1_800_000_000.0  # a multiple of INTERVAL: the window runs from START to START + 60
RESET = str(int(START) + INTERVAL)


class Clock:
    """An injectable ``timer``: ``clock()`` answers ``clock.now``."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def build_limiter(kind: str, tmp_path: Any) -> Any:
    if kind == "ratelimit-list":
        return RateLimit(PythonListDataStore([], RateLimitModel), interval=INTERVAL, quota=QUOTA)
    if kind == "ratelimit-sqlite":
        store = SQLiteDataStore({"name": str(tmp_path / "limits.db"), "table": "ratelimit"}, RateLimitModel)
        return RateLimit(store, interval=INTERVAL, quota=QUOTA)
    limiter = CacheRateLimit(quota=QUOTA, interval=INTERVAL)
    limiter.key_prefix = f"test-{uuid.uuid4().hex}"  # this test's own counters, whatever the cache holds
    return limiter


def endpoint(ressource: dict[str, Any], **options: Any) -> type[Controller]:
    """Return a controller class named here: the check messages below say ``test_ratelimit.LimitedEndPoint``."""
    return type(
        "LimitedEndPoint",
        (Controller,),
        {
            "ressource": ressource,
            "controller": {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],
                           "options": options},
        },
    )


LIMITERS = ["ratelimit-list", "ratelimit-sqlite", "cache"]


@pytest.fixture(params=["pythonlist", "sqlite", "orm"])
def ressource(request: pytest.FixtureRequest, tmp_path: Any) -> dict[str, Any]:
    return address_ressource(request.param, tmp_path, request)


@pytest.fixture(params=LIMITERS)
def limiter(request: pytest.FixtureRequest, tmp_path: Any) -> Any:
    limiter = build_limiter(request.param, tmp_path)
    limiter.timer = Clock(START)
    yield limiter
    store = getattr(limiter, "datastore", None)
    if isinstance(store, SQLiteDataStore):
        store.close()


@pytest.fixture
def api(settings: Any, ressource: dict[str, Any], limiter: Any) -> Any:
    return mount(
        settings,
        endpoint(ressource, authentication=keys_authentication(), authorization=Authorization, ratelimit=limiter),
    )


def assert_limited(response: Any, *, retry_after: str) -> None:
    assert response.status_code == 429
    assert response.json() == {"error": f"Rate limit exceeded: {QUOTA} requests per {INTERVAL} seconds."}
    assert response["Retry-After"] == retry_after
    assert response["X-RateLimit-Limit"] == str(QUOTA)
    assert response["X-RateLimit-Remaining"] == "0"
    assert response["X-RateLimit-Reset"] == RESET


def test_quota_requests_pass_and_the_next_is_429(api: Any, client: Client) -> None:
    for remaining in ("2", "1", "0"):
        response = client.get("/api/address/?accesskey=hackme")
        assert response.status_code == 200
        assert response["X-RateLimit-Limit"] == "3"
        assert response["X-RateLimit-Remaining"] == remaining
        assert response["X-RateLimit-Reset"] == RESET
    assert_limited(client.get("/api/address/?accesskey=hackme"), retry_after="60")
    assert_limited(client.get("/api/address/?accesskey=hackme"), retry_after="60")


def test_list_and_unique_requests_count_alike(api: Any, client: Client, limiter: Any) -> None:
    pk = client.get("/api/address/?accesskey=hackme").json()["object_list"][0]["id"]
    assert client.get(f"/api/address/{pk}/?accesskey=hackme").status_code == 200
    limiter.timer.now = START + 59.5
    assert client.get(f"/api/address/{pk}/", HTTP_X_API_KEY="hackme").status_code == 200
    assert_limited(client.get("/api/address/?accesskey=hackme"), retry_after="1")


def test_the_count_is_per_user(api: Any, client: Client) -> None:
    for _ in range(QUOTA):
        assert client.get("/api/address/?accesskey=hackme").status_code == 200
    assert client.get("/api/address/?accesskey=hackme").status_code == 429
    response = client.get("/api/address/?accesskey=nopassword")
    assert response.status_code == 200
    assert response["X-RateLimit-Remaining"] == "2"


def test_the_count_starts_again_after_the_interval(api: Any, client: Client, limiter: Any) -> None:
    for _ in range(QUOTA):
        assert client.get("/api/address/?accesskey=hackme").status_code == 200
    limiter.timer.now = START + 30
    assert_limited(client.get("/api/address/?accesskey=hackme"), retry_after="30")
    limiter.timer.now = START + INTERVAL
    response = client.get("/api/address/?accesskey=hackme")
    assert response.status_code == 200
    assert response["X-RateLimit-Remaining"] == "2"
    assert response["X-RateLimit-Reset"] == str(int(START) + 2 * INTERVAL)


def test_a_refused_request_writes_nothing(api: Any, client: Client, limiter: Any) -> None:
    body = json.dumps({**PARIS, "number": 99})
    for _ in range(QUOTA):
        assert client.post("/api/address/?accesskey=hackme", body, content_type="application/json").status_code == 201
    counters = limiter.datastore.get_list() if hasattr(limiter, "datastore") else None
    response = client.post("/api/address/?accesskey=hackme", body, content_type="application/json")
    assert_limited(response, retry_after="60")
    if counters is not None:
        # the refused request left the counters as they were: the key's head row at zero, one lane per request
        heads = [row for row in counters if ":" not in row["access_key"]]
        assert [row["quota"] for row in heads] == [0]
        assert len(counters) == 1 + QUOTA
        assert limiter.datastore.get_list() == counters
    limiter.timer.now = START + INTERVAL
    objects = client.get("/api/address/?accesskey=hackme").json()["object_list"]
    assert len(objects) == 2 + QUOTA


def test_failed_authentications_count_against_the_client_address(api: Any, client: Client, limiter: Any) -> None:
    for _ in range(QUOTA):
        response = client.get("/api/address/?accesskey=wrong")
        assert response.status_code == 401
        assert "X-RateLimit-Remaining" not in response
    for _ in range(2):
        response = client.get("/api/address/", HTTP_X_API_KEY="guess")
        assert response.status_code == 429
        assert response.json() == {"error": f"Too many failed authentications from this address: {QUOTA} per {INTERVAL} seconds."}
        assert response["Retry-After"] == "60"
    # another address may still try, and the window frees the first one
    assert Client(REMOTE_ADDR="10.1.1.1").get("/api/address/?accesskey=wrong").status_code == 401
    limiter.timer.now = START + INTERVAL
    assert client.get("/api/address/?accesskey=wrong").status_code == 401


def test_an_address_past_its_failures_is_refused_before_its_key_is_checked(api: Any, client: Client) -> None:
    for _ in range(QUOTA):
        assert client.get("/api/address/?accesskey=wrong").status_code == 401
    assert client.get("/api/address/?accesskey=hackme").status_code == 429
    # the key's own count was never touched: from another address it has its whole quota
    response = Client(REMOTE_ADDR="10.1.1.1").get("/api/address/?accesskey=hackme")
    assert response.status_code == 200
    assert response["X-RateLimit-Remaining"] == "2"


def test_ratelimit_store_rows_hold_no_api_key(settings: Any, client: Client) -> None:
    rows: list[dict[str, Any]] = []
    limiter = RateLimit(PythonListDataStore(rows, RateLimitModel), interval=INTERVAL, quota=QUOTA)
    limiter.timer = Clock(START)
    ressource = {"ressource_name": "address", "ressource": [{"id": 1, **PARIS}], "model": AddressModel,
                 "datastore": PythonListDataStore}
    mount(settings, endpoint(ressource, authentication=keys_authentication(), authorization=Authorization, ratelimit=limiter))
    assert client.get("/api/address/?accesskey=hackme").status_code == 200
    assert "hackme" not in json.dumps(rows)
    head, lane = sorted(rows, key=lambda row: len(row["access_key"]))
    assert (head["quota"], head["last_request"]) == (QUOTA - 1, START)
    assert (lane["access_key"], lane["last_request"]) == (head["access_key"] + ":0", START)


def test_anonymous_requests_count_per_client_address(settings: Any) -> None:
    limiter = CacheRateLimit(quota=1, interval=INTERVAL)
    limiter.key_prefix = f"test-{uuid.uuid4().hex}"
    limiter.timer = Clock(START)
    ressource = {"ressource_name": "address", "ressource": [{"id": 1, **PARIS}], "model": AddressModel,
                 "datastore": PythonListDataStore}
    mount(settings, endpoint(ressource, authentication=keys_authentication(), ratelimit=limiter))
    client = Client()
    assert client.get("/api/address/", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/api/address/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/api/address/", REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.get("/api/address/?accesskey=hackme", REMOTE_ADDR="10.0.0.1").status_code == 200


def test_django_users_count_per_user(settings: Any, db: Any) -> None:
    from django.contrib.auth.models import User

    from django_restframework_lite.authentication import DjangoAuthentication

    limiter = CacheRateLimit(quota=1, interval=INTERVAL)
    limiter.key_prefix = f"test-{uuid.uuid4().hex}"
    limiter.timer = Clock(START)
    ressource = {"ressource_name": "address", "ressource": [{"id": 1, **PARIS}], "model": AddressModel,
                 "datastore": PythonListDataStore}
    mount(settings, endpoint(ressource, authentication=DjangoAuthentication(), authorization=Authorization, ratelimit=limiter))
    first, second = Client(), Client()
    first.force_login(User.objects.create_user("ann"))
    second.force_login(User.objects.create_user("ben"))
    assert first.get("/api/address/").status_code == 200
    assert first.get("/api/address/1/").status_code == 429
    assert second.get("/api/address/1/").status_code == 200


# Configuration ---------------------------------------------------------------------------------


def test_unknown_cache_alias_is_refused_when_the_urls_are_built(settings: Any) -> None:
    ressource = {"ressource_name": "address", "ressource": [], "model": AddressModel, "datastore": PythonListDataStore}
    controller = endpoint(ressource, authentication=keys_authentication(), ratelimit=CacheRateLimit(5, 60, cache="nope"))
    problems = controller_problems(controller)
    assert [(problem.id, problem.key) for problem in problems] == [("E005", "controller['options']['ratelimit']")]
    with pytest.raises(ImproperlyConfigured, match="CacheRateLimit: the cache 'nope' is not in settings.CACHES"):
        mount(settings, controller)


def test_unknown_cache_alias_fails_manage_py_check(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    module = f"badcache_urls_{uuid.uuid4().hex}"
    (tmp_path / f"{module}.py").write_text(
        "from django.urls import path\n"
        "from django_restframework_lite.urls import include\n"
        "from django_restframework_lite.authentication import ApiKeyAuthentication\n"
        "from django_restframework_lite.datastore import PythonListDataStore\n"
        "from django_restframework_lite.ratelimit import CacheRateLimit\n"
        "from test_ratelimit import AddressModel, KeyModel, endpoint\n"
        "auth = ApiKeyAuthentication(PythonListDataStore([], KeyModel))\n"
        "Bad = endpoint({'ressource_name': 'address', 'ressource': [], 'model': AddressModel,\n"
        "                'datastore': PythonListDataStore}, authentication=auth,\n"
        "               ratelimit=CacheRateLimit(5, 60, cache='nope'))\n"
        "urlpatterns = [path('api/', include([Bad]))]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(sys.modules, "test_ratelimit", sys.modules[__name__])
    settings.ROOT_URLCONF = module
    errors = check_controllers()
    assert [error.id for error in errors] == ["django_restframework_lite.E005"]
    assert errors[0].msg == (
        "test_ratelimit.LimitedEndPoint: controller['options']['ratelimit']: CacheRateLimit: the cache 'nope' "
        "is not in settings.CACHES (configured: default); add it or pass cache= naming one of them."
    )
    # Django's own URL checks may import the URLconf before ours runs: either way the message names it.
    with pytest.raises((SystemCheckError, ImproperlyConfigured)) as caught:
        call_command("check")
    assert "LimitedEndPoint: controller['options']['ratelimit']: CacheRateLimit: the cache 'nope'" in str(caught.value)


def test_ratelimit_needs_the_seed_model() -> None:
    with pytest.raises(ImproperlyConfigured, match="lacks access_key, quota, last_request"):
        RateLimit(PythonListDataStore([], KeyModel))


@pytest.mark.parametrize("arguments", [{"quota": -1, "interval": 60}, {"quota": 5, "interval": 0}, {"quota": True, "interval": 60}])
def test_bad_quota_or_interval_is_a_configuration_error(arguments: dict[str, Any]) -> None:
    with pytest.raises(ImproperlyConfigured):
        CacheRateLimit(**arguments)


# The testproject's protected address book: the seed's 100 requests per 10 minutes --------------


def test_project_seed_rate_limit(db: Any, client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from addressbook import protected

    monkeypatch.setattr(protected.seed_ratelimit, "datastore", PythonListDataStore([], RateLimitModel))
    monkeypatch.setattr(protected.seed_ratelimit, "timer", Clock(START), raising=False)
    reset = str(int(START) + 600)
    for index in range(100):
        url = "/protected/api/users/?accesskey=hackme" if index % 2 else "/protected/api/address/?accesskey=hackme"
        response = client.get(url)
        assert response.status_code == 200
        assert response["X-RateLimit-Remaining"] == str(99 - index)
        assert response["X-RateLimit-Reset"] == reset
    response = client.get("/protected/api/users/?accesskey=hackme")
    assert response.status_code == 429
    assert response.json() == {"error": "Rate limit exceeded: 100 requests per 600 seconds."}
    assert response["Retry-After"] == "600"
    assert client.get("/protected/api/users/", HTTP_X_API_KEY="nopassword").status_code == 200


# Concurrent requests of one user ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", LIMITERS)
def test_concurrent_requests_never_pass_more_than_the_quota(kind: str, tmp_path: Any) -> None:
    """8 threads x 5 requests of one user against a quota of 20: exactly 20 pass."""
    import threading

    from django.test import RequestFactory

    from django_restframework_lite.exceptions import TooManyRequests

    limiter = build_limiter(kind, tmp_path)
    limiter.quota = 20
    limiter.timer = Clock(START)
    start = threading.Barrier(8, timeout=30)
    passed: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        request = RequestFactory().get("/api/address/")
        try:
            start.wait()
            for _ in range(5):
                try:
                    limiter.check(request, "same user")
                    passed.append(1)
                except TooManyRequests:
                    refused.append(1)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            store = getattr(limiter, "datastore", None)
            if isinstance(store, SQLiteDataStore):
                store.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert (len(passed), len(refused)) == (20, 20)
