"""Testing your API: ``ApiClient``, ``reset_ratelimits()`` and the pytest fixture that calls it.

::

    from django_restframework_lite.test import ApiClient

    def test_create_a_book(db):
        client = ApiClient()
        client.force_authenticate(User.objects.create(username="ann"))
        response = client.post("/api/books/", {"title": "Dune", "author": "Frank Herbert", "year": 1965})
        assert response.status_code == 201

``ApiClient`` is Django's test ``Client`` whose ``post``, ``put`` and ``patch``
send JSON unless told otherwise, and whose ``force_authenticate(user)`` makes
every authentication of the API see ``user`` (see ``FORCED_USER_KEY`` in
``authentication.base`` for why no real request can do the same).

Rate-limit counters outlive a test: they live in a Python list, a SQLite file
or Django's cache, none of which the test database's rollback touches.
``reset_ratelimits()`` clears them. Installed with the package, this module is
also a pytest plugin (the ``pytest11`` entry point ``drfl``) whose autouse
fixture calls it before each test; ``pytest -p no:drfl`` turns it off.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.test import Client

from .authentication.base import FORCED_USER_KEY
from .datastore.orm import DjangoModelDataStore
from .ratelimit import RateLimit, live_ratelimits
from .responses import JSON_CONTENT_TYPE

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse
    from django.utils.functional import _StrPromise as StrPromise

__all__ = ["ApiClient", "reset_ratelimits"]


class ApiClient(Client):
    """Django's test client for JSON APIs.

    ``post``, ``put`` and ``patch`` encode a dict or list ``data`` as JSON and
    send ``Content-Type: application/json``; an explicit ``content_type`` still
    wins (``client.post(url, "a=1", content_type="application/x-www-form-urlencoded")``).
    ``get``, ``delete``, ``head`` and ``options`` are Django's own.
    """

    def post(  # type: ignore[override]  # Django's Client.post itself differs from RequestFactory's
        self,
        path: str | StrPromise,
        data: Any = None,
        content_type: str = JSON_CONTENT_TYPE,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: Mapping[Any, Any] | None = None,
        **extra: Any,
    ) -> TestResponse:
        """Send a POST; ``data`` goes as JSON unless ``content_type`` says otherwise."""
        return super().post(
            path, data, content_type, follow, secure, headers=headers, query_params=query_params, **extra
        )

    def put(  # type: ignore[override]  # Django's Client.put itself differs from RequestFactory's
        self,
        path: str | StrPromise,
        data: Any = "",
        content_type: str = JSON_CONTENT_TYPE,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: Mapping[Any, Any] | None = None,
        **extra: Any,
    ) -> TestResponse:
        """Send a PUT; ``data`` goes as JSON unless ``content_type`` says otherwise."""
        return super().put(
            path, data, content_type, follow, secure, headers=headers, query_params=query_params, **extra
        )

    def patch(  # type: ignore[override]  # Django's Client.patch itself differs from RequestFactory's
        self,
        path: str | StrPromise,
        data: Any = "",
        content_type: str = JSON_CONTENT_TYPE,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        query_params: Mapping[Any, Any] | None = None,
        **extra: Any,
    ) -> TestResponse:
        """Send a PATCH; ``data`` goes as JSON unless ``content_type`` says otherwise."""
        return super().patch(
            path, data, content_type, follow, secure, headers=headers, query_params=query_params, **extra
        )

    def force_authenticate(self, user: Any) -> None:
        """Make every later request of this client authenticated as ``user``; ``None`` undoes it.

        Every authentication of the API (API key, Basic, the Django session, your
        own) sees ``user`` without being asked, so no credentials are needed and
        no CSRF check is made. Give what the endpoint's authentication would
        return: a Django user for ``DjangoAuthentication``, ``BasicAuthentication()``
        and ``DjangoModelPermissions``; a row of the key datastore (a dict) for
        ``ApiKeyAuthentication``.
        """
        if user is None:
            self.defaults.pop(FORCED_USER_KEY, None)
        else:
            self.defaults[FORCED_USER_KEY] = user


def reset_ratelimits(*, orm: bool = True) -> None:
    """Clear every rate-limit counter of this process: each identity gets its whole quota back.

    ``CacheRateLimit`` counters are deleted from their cache; the rows of each
    seed-style ``RateLimit`` are deleted from its datastore. ``orm=False`` leaves
    the limiters whose datastore is a ``DjangoModelDataStore`` alone: the pytest
    fixture passes it, since those rows live in the test database, which
    pytest-django already empties between tests (and a test without database
    access must not touch it).
    """
    for limiter in live_ratelimits():
        if not orm and isinstance(limiter, RateLimit) and isinstance(limiter.datastore, DjangoModelDataStore):
            continue
        limiter.reset()


# The pytest plugin. Only pytest loads it, but ``ApiClient`` and ``reset_ratelimits`` also
# serve projects on Django's own test runner, where pytest may not be installed.
if importlib.util.find_spec("pytest") is not None:
    import pytest

    @pytest.fixture(autouse=True)
    def _drfl_reset_ratelimits() -> Iterator[None]:
        """Start each test with every rate-limit counter cleared (see ``reset_ratelimits``)."""
        reset_ratelimits(orm=False)
        yield
