"""The address book, protected: the seed's "protect your API" and "rate limit" pages, and more.

``testproject/urls.py`` mounts these under ``/protected/``:

- ``/protected/api/``: ``users`` and ``address`` behind an API key (``?accesskey=hackme``
  or the ``X-Api-Key`` header), the base ``Authorization`` and the seed's ``RateLimit``
  (100 requests per key every 10 minutes, counted in a Python list, so per process).
- ``/protected/limited/``: ``address`` behind the same keys with ``CacheRateLimit``
  (``LIMITED_QUOTA`` requests per key per hour, counted in Django's cache: on Redis the
  limit holds across every server process).
- ``/protected/basic/``: ``address`` for Django users sending HTTP Basic credentials;
  writes need Django's model permissions (``addressbook.add_address`` ...).
- ``/protected/session/``: ``address`` for the Django session user (log in at
  ``/admin/login/``); unsafe methods need the CSRF token, as Django's own views do.
"""

from __future__ import annotations

import os

from django.urls import path

from django_restframework_lite import models
from django_restframework_lite.authentication import (
    ApiKeyAuthentication,
    Authorization,
    BasicAuthentication,
    DjangoAuthentication,
    DjangoModelPermissions,
)
from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.ratelimit import CacheRateLimit, RateLimit, RateLimitModel
from django_restframework_lite.urls import include

from .api import AddressEndPoint, UserEndPoint


class KeyModel(models.Model):
    """The API keys: the seed's ``KeyModel``, one string pk per key."""

    fields = [models.StringPkField(name="accesskey", required=True)]


# Demo keys, as in the seed's tutorial; a real project keeps them in a database table.
API_KEYS = [{"accesskey": "hackme"}, {"accesskey": "nopassword"}]
key_authentication = ApiKeyAuthentication(PythonListDataStore(API_KEYS, KeyModel), identifier="accesskey")

# One limiter for both endpoints: each key may make 100 requests to this API every 10 minutes.
# (DRFL_SEED_QUOTA raises it for CI's fuzzing run, which sends thousands of requests with one key.)
seed_ratelimit = RateLimit(PythonListDataStore([], RateLimitModel), interval=10 * 60,
                           quota=int(os.environ.get("DRFL_SEED_QUOTA", 100)))

# The tests of rate limits across processes shorten them (DRFL_LIMITED_QUOTA, DRFL_LIMITED_INTERVAL).
LIMITED_QUOTA = int(os.environ.get("DRFL_LIMITED_QUOTA", 20))
LIMITED_INTERVAL = float(os.environ.get("DRFL_LIMITED_INTERVAL", 60 * 60))


def _with_options(base: dict, **options: object) -> dict:
    """Return ``base`` (a controller dict) with ``options`` added to its own options."""
    return {**base, "options": {**(base.get("options") or {}), **options}}


class ProtectedUserEndPoint(UserEndPoint):
    controller = _with_options(
        UserEndPoint.controller,
        authentication=key_authentication,
        authorization=Authorization,
        ratelimit=seed_ratelimit,
    )


class ProtectedAddressEndPoint(AddressEndPoint):
    controller = ProtectedUserEndPoint.controller


class LimitedAddressEndPoint(AddressEndPoint):
    controller = _with_options(
        UserEndPoint.controller,
        authentication=key_authentication,
        authorization=Authorization,
        ratelimit=CacheRateLimit(quota=LIMITED_QUOTA, interval=LIMITED_INTERVAL),
    )


class BasicAddressEndPoint(AddressEndPoint):
    controller = _with_options(
        UserEndPoint.controller,
        authentication=BasicAuthentication(),
        authorization=DjangoModelPermissions,
    )


class SessionAddressEndPoint(AddressEndPoint):
    controller = _with_options(
        UserEndPoint.controller,
        authentication=DjangoAuthentication(),
        authorization=DjangoModelPermissions,
    )


urlpatterns = [
    path(
        "api/",
        include([ProtectedAddressEndPoint, ProtectedUserEndPoint], name="protected addressbook", version="1.0",
                namespace="protected"),
    ),
    path("limited/", include([LimitedAddressEndPoint], name="limited addressbook", version="1.0", namespace="limited")),
    path("basic/", include([BasicAddressEndPoint], name="basic addressbook", version="1.0", namespace="basic")),
    path("session/", include([SessionAddressEndPoint], name="session addressbook", version="1.0", namespace="session")),
]
