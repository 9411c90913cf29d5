"""``django_restframework_lite.test``: ``ApiClient``, ``force_authenticate``, ``reset_ratelimits`` and the fixture."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from django_restframework_lite.authentication import (
    FORCED_USER_KEY,
    ApiKeyAuthentication,
    Authorization,
    BasicAuthentication,
    DjangoAuthentication,
    DjangoModelPermissions,
)
from django_restframework_lite.datastore import DjangoModelDataStore, PythonListDataStore, SQLiteDataStore
from django_restframework_lite.ratelimit import CacheRateLimit, RateLimit, RateLimitModel
from django_restframework_lite.test import ApiClient, reset_ratelimits
from tests.protection_support import KeyModel, address_ressource, endpoint, mount

ROOT = Path(__file__).resolve().parent.parent
NEW = {"country": "Italy", "city": "Rome", "street": "Via del Corso", "number": 1}
ROW = {"accesskey": "hackme"}


def key_authentication() -> ApiKeyAuthentication:
    return ApiKeyAuthentication(PythonListDataStore([dict(ROW)], KeyModel), identifier="accesskey")


@pytest.fixture
def plain_api(settings: Any, tmp_path: Any) -> None:
    mount(settings, endpoint(address_ressource("pythonlist", tmp_path)))


# ApiClient: JSON by default --------------------------------------------------------------------


def test_post_sends_json_without_content_type(plain_api: None) -> None:
    response = ApiClient().post("/api/address/", NEW)

    assert response.status_code == 201, response.content
    assert response.json()["city"] == "Rome"


def test_django_client_without_content_type_gets_a_415(plain_api: None) -> None:
    response = Client().post("/api/address/", NEW)

    assert response.status_code == 415


@pytest.mark.parametrize("verb", ["put", "patch"])
def test_put_and_patch_send_json_without_content_type(plain_api: None, verb: str) -> None:
    response = getattr(ApiClient(), verb)("/api/address/1/", {"number": 46})

    assert response.status_code == 200, response.content
    assert response.json()["number"] == 46


@pytest.mark.parametrize("verb", ["post", "put", "patch"])
def test_an_explicit_content_type_still_wins(plain_api: None, verb: str) -> None:
    url = "/api/address/" if verb == "post" else "/api/address/1/"

    response = getattr(ApiClient(), verb)(url, "number=46", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.json() == {"error": "Send the body as application/json, not application/x-www-form-urlencoded."}


def test_a_json_string_body_is_sent_as_given(plain_api: None) -> None:
    response = ApiClient().post("/api/address/", json.dumps(NEW))

    assert response.status_code == 201, response.content


def test_get_keeps_the_query_string_behaviour(plain_api: None) -> None:
    response = ApiClient().get("/api/address/", {"city": "Paris"})

    assert response.status_code == 200
    assert [row["city"] for row in response.json()["object_list"]] == ["Paris"]
    assert response.json()["meta"]["filters"] == {"city": "Paris"}


def test_headers_and_query_params_pass_through(plain_api: None) -> None:
    response = ApiClient().post("/api/address/", NEW, headers={"Accept": "application/json"}, query_params={"a": "b"})

    assert response.status_code == 201, response.content
    assert response.wsgi_request.GET["a"] == "b"
    assert response.wsgi_request.headers["Accept"] == "application/json"


# force_authenticate ------------------------------------------------------------------------------


@pytest.fixture
def key_api(settings: Any, tmp_path: Any) -> None:
    mount(settings, endpoint(address_ressource("pythonlist", tmp_path), authentication=key_authentication(),
                             authorization=Authorization))


def test_a_forced_key_row_needs_no_key(key_api: None) -> None:
    client = ApiClient()
    client.force_authenticate(ROW)

    assert client.get("/api/address/").status_code == 200
    assert client.post("/api/address/", NEW).status_code == 201


def test_force_authenticate_none_undoes_it(key_api: None) -> None:
    client = ApiClient()
    client.force_authenticate(ROW)
    client.force_authenticate(None)

    response = client.get("/api/address/")

    assert response.status_code == 401
    assert "WWW-Authenticate" in response


def test_the_forced_identity_belongs_to_one_client(key_api: None) -> None:
    forced = ApiClient()
    forced.force_authenticate(ROW)

    assert ApiClient().get("/api/address/").status_code == 401


@pytest.mark.django_db
def test_a_forced_django_user_passes_basic_and_model_permissions(settings: Any, tmp_path: Any) -> None:
    mount(settings, endpoint(address_ressource("orm", tmp_path), authentication=BasicAuthentication(),
                             authorization=DjangoModelPermissions))
    admin = User.objects.create_superuser("admin", password="secret")
    nobody = User.objects.create_user("nobody", password="secret")
    client = ApiClient()

    client.force_authenticate(admin)
    assert client.post("/api/address/", NEW).status_code == 201
    client.force_authenticate(nobody)
    assert client.post("/api/address/", NEW).status_code == 403


@pytest.mark.django_db
def test_a_forced_session_user_skips_the_csrf_check(settings: Any, tmp_path: Any) -> None:
    mount(settings, endpoint(address_ressource("orm", tmp_path), authentication=DjangoAuthentication(),
                             authorization=DjangoModelPermissions))
    admin = User.objects.create_superuser("admin", password="secret")
    logged_in = ApiClient(enforce_csrf_checks=True)
    logged_in.force_login(admin)
    forced = ApiClient(enforce_csrf_checks=True)
    forced.force_authenticate(admin)

    refused = logged_in.post("/api/address/", NEW)
    created = forced.post("/api/address/", NEW)

    assert refused.status_code == 403
    assert refused.json()["error"].startswith("CSRF verification failed")
    assert created.status_code == 201, created.content


def test_the_forced_identity_is_counted_by_the_rate_limit(settings: Any, tmp_path: Any) -> None:
    mount(settings, endpoint(address_ressource("pythonlist", tmp_path), authentication=key_authentication(),
                             authorization=Authorization,
                             ratelimit=RateLimit(PythonListDataStore([], RateLimitModel), interval=3600, quota=1)))
    client = ApiClient()
    client.force_authenticate(ROW)

    assert client.get("/api/address/").status_code == 200
    assert client.get("/api/address/").status_code == 429
    # The same key sent by another client is the same identity: its quota is spent.
    assert ApiClient().get("/api/address/", {"accesskey": "hackme"}).status_code == 429


def test_the_forced_identity_key_cannot_come_from_a_header() -> None:
    # Headers reach the environ as HTTP_<UPPER_CASE>; CONTENT_TYPE/CONTENT_LENGTH are the only others.
    assert not FORCED_USER_KEY.startswith("HTTP_")
    assert FORCED_USER_KEY != FORCED_USER_KEY.upper()


@pytest.mark.django_db(transaction=True)
def test_no_real_request_can_force_an_identity(settings: Any, tmp_path: Any, live_server: Any) -> None:
    mount(settings, endpoint(address_ressource("pythonlist", tmp_path), authentication=key_authentication(),
                             authorization=Authorization))
    spellings = ["django_restframework_lite.forced_user", "Django-Restframework-Lite.Forced-User",
                 "django_restframework_lite_forced_user", "Forced-User"]
    for header in spellings:
        request = urllib.request.Request(f"{live_server.url}/api/address/", headers={header: "hackme"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401, header


# reset_ratelimits --------------------------------------------------------------------------------


def limiter_of(kind: str, tmp_path: Any) -> Any:
    if kind == "pythonlist":
        return RateLimit(PythonListDataStore([], RateLimitModel), interval=3600, quota=2)
    if kind == "sqlite":
        return RateLimit(SQLiteDataStore({"name": str(tmp_path / "limits.db"), "table": "limits"}, RateLimitModel),
                         interval=3600, quota=2)
    if kind == "orm":
        from limits.models import RateLimitRow

        return RateLimit(DjangoModelDataStore(RateLimitRow), interval=3600, quota=2)
    return CacheRateLimit(quota=2, interval=3600)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["pythonlist", "sqlite", "orm", "cache"])
def test_reset_ratelimits_gives_the_whole_quota_back(settings: Any, tmp_path: Any, kind: str) -> None:
    limiter = limiter_of(kind, tmp_path)
    mount(settings, endpoint(address_ressource("pythonlist", tmp_path), authentication=key_authentication(),
                             authorization=Authorization, ratelimit=limiter))
    client = ApiClient()
    client.force_authenticate(ROW)
    assert [client.get("/api/address/").status_code for _ in range(3)] == [200, 200, 429]

    reset_ratelimits()

    assert [client.get("/api/address/").status_code for _ in range(3)] == [200, 200, 429]
    if kind != "cache":
        # One identity's head row and its two requests in the window: the first round's rows are gone.
        assert limiter.datastore.count() == 1 + 2


@pytest.mark.django_db
def test_the_fixture_leaves_orm_rows_to_the_test_database(settings: Any, tmp_path: Any) -> None:
    from limits.models import RateLimitRow

    limiter = RateLimit(DjangoModelDataStore(RateLimitRow), interval=3600, quota=2)
    mount(settings, endpoint(address_ressource("pythonlist", tmp_path), authentication=key_authentication(),
                             authorization=Authorization, ratelimit=limiter))
    client = ApiClient()
    client.force_authenticate(ROW)
    client.get("/api/address/")

    reset_ratelimits(orm=False)

    assert RateLimitRow.objects.count() == 2  # the head row and the one request in the window
    reset_ratelimits()
    assert RateLimitRow.objects.count() == 0


@pytest.mark.django_db  # reset_ratelimits() also reaches the ORM limiters of earlier tests
def test_reset_leaves_other_cache_entries_alone(settings: Any, tmp_path: Any) -> None:
    from django.core.cache import cache

    limiter = CacheRateLimit(quota=1, interval=3600)
    mount(settings, endpoint(address_ressource("pythonlist", tmp_path), authentication=key_authentication(),
                             authorization=Authorization, ratelimit=limiter))
    cache.set("someone-else", "kept")
    client = ApiClient()
    client.force_authenticate(ROW)
    client.get("/api/address/")

    reset_ratelimits()

    assert cache.get("someone-else") == "kept"
    assert client.get("/api/address/").status_code == 200
    cache.delete("someone-else")


def test_a_cache_that_cannot_list_its_keys_is_refused_by_name(settings: Any, tmp_path: Any) -> None:
    settings.CACHES = {**settings.CACHES, "files": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                                     "LOCATION": str(tmp_path / "cache")}}
    limiter = CacheRateLimit(quota=1, interval=3600, cache="files")

    with pytest.raises(ImproperlyConfigured, match="FileBasedCache of cache 'files' cannot list its keys"):
        limiter.reset()
    del limiter


def test_a_cache_with_delete_pattern_is_cleared_through_it(settings: Any) -> None:
    settings.CACHES = {**settings.CACHES, "patterned": {"BACKEND": f"{__name__}.PatternCache"}}
    limiter = CacheRateLimit(quota=1, interval=3600, cache="patterned")

    limiter.reset()

    assert PatternCache.patterns == ["drfl-ratelimit:*"]


class PatternCache:
    """A stand-in for django-redis: it only records the pattern it is asked to delete."""

    patterns: list[str] = []

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        PatternCache.patterns = []

    def delete_pattern(self, pattern: str) -> None:
        self.patterns.append(pattern)

    def close(self, **kwargs: Any) -> None:
        pass


# The fixture, through a user's test module -------------------------------------------------------


def run_user_module(*options: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    if env.get("DATABASE_URL"):
        # Its own test database: pytest-django drops test_<name> when the inner run ends.
        env["DATABASE_URL"] = env["DATABASE_URL"].rstrip("/") + "_user_style"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests/test_user_style_api.py", *options],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.slow
def test_without_the_fixture_counts_leak_into_later_tests() -> None:
    result = run_user_module("-p", "no:drfl")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "assert 429 == 201" in result.stdout or "assert 429 == 200" in result.stdout, result.stdout


@pytest.mark.slow
def test_with_the_fixture_no_test_sees_a_429_it_did_not_cause() -> None:
    result = run_user_module()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout


def test_the_helpers_import_without_pytest() -> None:
    # A project on Django's own test runner may not have pytest: ApiClient must still import.
    code = ("import sys; sys.modules['pytest'] = None\n"
            "import django_restframework_lite.test as helpers\n"
            "assert helpers.ApiClient and helpers.reset_ratelimits\n"
            "assert not hasattr(helpers, '_drfl_reset_ratelimits')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
