"""What every rate limit shares: identities, the sliding window, failed authentications, headers.

The count is a sliding window: a request passes when fewer than ``quota``
requests of the same identity passed in the ``interval`` seconds before it
(the half-open span ``(now - interval, now]``). So no span of ``interval``
seconds ever holds more than ``quota`` passed requests, wherever it starts —
unlike fixed windows, which let twice the quota through around a boundary —
and a client that waits for ``Retry-After`` seconds is let through.

A store keeps, per identity, the times of the requests that passed inside the
window (at most ``quota`` of them); ``decide()`` turns those times into the
answer. Subclasses implement ``hit()`` (count atomically) and ``peek()`` (read
without counting).

The count is per identity (``get_identity``): a Django user by model and pk, a
datastore row (an API key, a Basic user) by the pk of the authentication's
datastore, anything else by its text; an anonymous request by its client
address. Failed authentications count separately, per client address
(``get_failure_identity``). Identities are hashed before they are stored, so no
API key is kept in the counters.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from ..exceptions import TooManyRequests

__all__ = ["BaseRateLimit", "Decision", "live_ratelimits"]

# Every limiter built in this process, so that tests can reset them all
# (``django_restframework_lite.test.reset_ratelimits``). Weak: a limiter that
# nothing uses any more is forgotten with it. Filled once per limiter, when it
# is built (with the URLs), never on a request.
_LIMITERS: weakref.WeakSet[BaseRateLimit] = weakref.WeakSet()


def live_ratelimits() -> Iterator[BaseRateLimit]:
    """Yield every rate limiter of this process that is still in use."""
    yield from list(_LIMITERS)


@dataclass(frozen=True)
class Decision:
    """The answer of a rate limit to one request.

    ``remaining`` is how many more requests may pass now; ``reset`` the unix time
    at which the oldest request counted leaves the window (so ``remaining``
    grows); ``retry_after`` the seconds until one more request may pass (0 when
    this one passed).
    """

    allowed: bool
    remaining: int
    reset: float
    retry_after: float = 0.0


class BaseRateLimit:
    """Shared logic: identity, the sliding window, failed authentications, headers.

    Subclasses implement ``hit()`` and ``peek()``. ``timer`` is injectable
    (tests replace it), as in Django REST framework's throttles.
    """

    timer: Callable[[], float] = staticmethod(time.time)

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
            return "anonymous:" + str(request.META.get("REMOTE_ADDR", ""))
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

    def get_failure_identity(self, request: HttpRequest) -> str:
        """Return the text naming whose quota a failed authentication spends: the client's address.

        Behind a proxy, ``REMOTE_ADDR`` is the proxy's: override this (and
        ``get_identity``) to read the address your proxy forwards.
        """
        return "failed-authentication:" + str(request.META.get("REMOTE_ADDR", ""))

    @staticmethod
    def hash_identity(identity: str) -> str:
        """Return the stored key of an identity: a hash, so that no secret is stored."""
        return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def get_key(self, request: HttpRequest, user: Any, authentication: Any = None) -> str:
        """Return the stored key of the caller."""
        return self.hash_identity(self.get_identity(request, user, authentication))

    # The sliding window -------------------------------------------------------------------

    def decide(self, times: Iterable[float], now: float) -> tuple[Decision, list[float]]:
        """Decide on a request at ``now`` given the times of the requests that passed; return it and the new window.

        The window returned holds, in order, the times still inside
        ``(now - interval, now]``, plus ``now`` when the request passes: what
        the store keeps.
        """
        start = now - self.interval
        window = sorted(moment for moment in times if moment > start)
        if len(window) < self.quota:
            window.append(now)
            return Decision(True, self.quota - len(window), window[0] + self.interval), window
        if not window:  # quota 0: nothing ever passes
            return Decision(False, 0, now + self.interval, self.interval), window
        free_at = window[len(window) - self.quota] + self.interval
        return Decision(False, 0, window[0] + self.interval, free_at - now), window

    def headers(self, decision: Decision) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.quota),
            "X-RateLimit-Remaining": str(max(0, decision.remaining)),
            "X-RateLimit-Reset": str(math.ceil(decision.reset)),
        }

    def refusal_headers(self, decision: Decision) -> dict[str, str]:
        """Return the headers of a 429: the ``X-RateLimit-*`` ones and ``Retry-After`` (whole seconds, at least 1)."""
        return {**self.headers(decision), "Retry-After": str(max(1, math.ceil(decision.retry_after)))}

    def check(self, request: HttpRequest, user: Any, authentication: Any = None) -> dict[str, str]:
        """Count ``request`` and return the ``X-RateLimit-*`` headers of its answer.

        ``authentication`` is the controller's, which found ``user``. Over the
        quota, raise ``TooManyRequests`` carrying the same headers and
        ``Retry-After`` (seconds until one more request may pass).
        """
        decision = self.hit(self.get_key(request, user, authentication), self.timer())
        if decision is None:  # the store is unavailable and the limit fails open
            return {}
        if not decision.allowed:
            raise TooManyRequests(
                f"Rate limit exceeded: {self.quota} requests per {self.interval:g} seconds.",
                headers=self.refusal_headers(decision),
            )
        return self.headers(decision)

    # Failed authentications -------------------------------------------------------------

    def check_failures(self, request: HttpRequest) -> None:
        """Refuse (429) a request whose address already failed to authenticate ``quota`` times in the window.

        Called before the credentials are checked, so a guessing client is
        refused without the cost of checking them (a password hash takes a
        large fraction of a second by design).
        """
        decision = self.peek(self.hash_identity(self.get_failure_identity(request)), self.timer())
        if decision is not None and not decision.allowed:
            raise self.too_many_failures(decision)

    def count_failure(self, request: HttpRequest) -> None:
        """Count one failed authentication against the client's address; past the quota, raise the 429."""
        decision = self.hit(self.hash_identity(self.get_failure_identity(request)), self.timer())
        if decision is not None and not decision.allowed:
            raise self.too_many_failures(decision)

    def too_many_failures(self, decision: Decision) -> TooManyRequests:
        return TooManyRequests(
            f"Too many failed authentications from this address: {self.quota} per {self.interval:g} seconds.",
            headers=self.refusal_headers(decision),
        )

    # Description ------------------------------------------------------------------------

    def check_configuration(self) -> list[str]:
        """Return the configuration problems of this limiter, as messages (none here)."""
        return []

    def openapi_headers(self) -> dict[str, dict[str, Any]]:
        """Return the OpenAPI headers every answer of a rate-limited endpoint carries."""
        integer = {"schema": {"type": "integer"}}
        return {
            "X-RateLimit-Limit": {"description": "Requests allowed per interval.", **integer},
            "X-RateLimit-Remaining": {"description": "Requests left now.", **integer},
            "X-RateLimit-Reset": {"description": "When the oldest request counted leaves the window (unix time).", **integer},
        }

    # Methods that subclasses must implement -----------------------------------------------

    def hit(self, key: str, now: float) -> Decision | None:
        """Count one request of ``key`` at ``now``, atomically; return the decision (None: let it pass uncounted).

        A refused request must not be counted, and must write nothing.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement hit()")

    def peek(self, key: str, now: float) -> Decision | None:
        """Return what ``hit(key, now)`` would decide, without counting anything (None: unknown)."""
        raise NotImplementedError(f"{type(self).__name__} must implement peek()")

    def reset(self) -> None:
        """Forget every count, so that each identity has its whole quota again (for tests)."""
        raise NotImplementedError(f"{type(self).__name__} must implement reset()")
