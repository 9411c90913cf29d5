"""Rate limits: at most ``quota`` requests per user in any span of ``interval`` seconds.

Two limiters share one behaviour (API.md section 9), counted over a sliding
window (``base``):

- ``RateLimit(datastore, interval=6000, quota=100)``, the seed's (``seed``): the
  counts live in any datastore whose model looks like the seed's
  ``RateLimitModel`` (``access_key`` string pk, ``quota`` integer,
  ``last_request`` timestamp).
- ``CacheRateLimit(quota, interval, cache="default", *, fail_open=False,
  timeout=1.0)`` (``cache``): the counts live in Django's cache, so the limit
  holds across processes and servers sharing it (Redis, Memcached). An
  unavailable or stalled cache is a JSON 503 with ``Retry-After``, after at
  most ``timeout`` seconds, or lets requests through with ``fail_open=True``.

When the controller has a rate limit, failed authentications count too, against
the client's address: once an address has failed ``quota`` times inside the
window, its requests get 429 without their credentials being checked.
"""

from ..exceptions import TooManyRequest, TooManyRequests
from .base import BaseRateLimit, Decision, live_ratelimits
from .cache import CacheRateLimit
from .seed import RateLimit, RateLimitModel

__all__ = [
    "BaseRateLimit",
    "CacheRateLimit",
    "Decision",
    "RateLimit",
    "RateLimitModel",
    "TooManyRequest",  # the seed imported its 429 error from here
    "TooManyRequests",
    "live_ratelimits",
]
