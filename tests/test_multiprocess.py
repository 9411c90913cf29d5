"""``CacheRateLimit`` holds across processes: gunicorn workers sharing a Redis never pass more than the quota.

The testproject's ``/protected/limited/address/`` allows ``LIMITED_QUOTA``
requests per key in any span of ``LIMITED_INTERVAL`` seconds, counted in
Django's cache. Each test starts its own redis-server on a free port
(``tests/servers.py``) and the demo under gunicorn with a migrated temporary
SQLite database, so both CI legs run them.

- Two servers (separate processes, separate ports) answer alternately: a
  per-process counter would let each answer ``quota`` 200s; a shared one
  answers exactly ``quota`` in all.
- Two workers of one server take a burst of concurrent requests that straddles
  a multiple of the interval (where a fixed window would start again and let a
  second quota through): no span of the interval ever holds more than ``quota``
  200s.
"""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path

import pytest

from tests.servers import DemoServer, RedisServer, request

URL = "/protected/limited/address/?accesskey=hackme"


@pytest.mark.slow
def test_cache_ratelimit_holds_across_two_server_processes(redis: RedisServer, tmp_path: Path) -> None:
    from addressbook.protected import LIMITED_QUOTA

    servers = [DemoServer(tmp_path, REDIS_URL=redis.url).migrate()]
    servers.append(DemoServer(tmp_path, REDIS_URL=redis.url))
    try:
        for server in servers:
            server.start()
        answers = [request(servers[index % 2].port, "GET", URL) for index in range(LIMITED_QUOTA + 10)]
        statuses = [answer.status for answer in answers]
        assert statuses == [200] * LIMITED_QUOTA + [429] * 10
        remaining = [int(answer.headers["x-ratelimit-remaining"]) for answer in answers]
        assert remaining == list(range(LIMITED_QUOTA - 1, -1, -1)) + [0] * 10
        # Both processes answered both kinds: each server gave 200s and 429s.
        for index in (0, 1):
            assert {answer.status for answer in answers[index::2]} == {200, 429}
        assert all("retry-after" in answer.headers for answer in answers if answer.status == 429)
    finally:
        for server in servers:
            server.stop()


QUOTA = 10
INTERVAL = 2.0


def most_passed_in_any_span(passed: list[tuple[float, float]], interval: float) -> int:
    """Return the most 200s known to fall in one span of ``interval`` seconds.

    Each pair is (sent, received): the server decided in between. A request
    counts in the span starting at ``start`` only if both ends are inside it,
    so latency can only lower the figure, never raise it.
    """
    return max(
        (sum(1 for sent, received in passed if start <= sent and received < start + interval) for start, _ in passed),
        default=0,
    )


@pytest.mark.slow
def test_a_burst_straddling_a_window_boundary_passes_at_most_the_quota(redis: RedisServer, tmp_path: Path) -> None:
    server = DemoServer(tmp_path, workers=2, REDIS_URL=redis.url, DRFL_LIMITED_QUOTA=str(QUOTA),
                        DRFL_LIMITED_INTERVAL=str(INTERVAL)).migrate()
    server.start()
    try:
        # Start 0.6 s before a multiple of the interval, where a fixed window would start again,
        # and keep 6 clients sending for 2.2 interval lengths: two boundaries inside the burst.
        now = time.time()
        boundary = math.ceil((now + 1) / INTERVAL) * INTERVAL
        time.sleep(max(0.0, boundary - 0.6 - time.time()))
        stop_at = time.time() + 2.2 * INTERVAL
        results: list[tuple[int, float, float, dict[str, str]]] = []
        lock = threading.Lock()

        def client() -> None:
            while time.time() < stop_at:
                sent = time.time()
                answer = request(server.port, "GET", URL)
                with lock:
                    results.append((answer.status, sent, time.time(), answer.headers))

        threads = [threading.Thread(target=client) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert {status for status, *_ in results} == {200, 429}
        passed = sorted((sent, received) for status, sent, received, _ in results if status == 200)
        first_span = [pair for pair in passed if pair[1] < passed[0][0] + INTERVAL]
        assert len(first_span) == QUOTA  # the quota passes at once...
        assert most_passed_in_any_span(passed, INTERVAL) <= QUOTA  # ...and never more in any span
        # The window slides: later spans let requests through again, a quota at a time.
        assert QUOTA < len(passed) <= 3 * QUOTA
        assert all(int(headers["retry-after"]) >= 1 for status, _, _, headers in results if status == 429)
    finally:
        server.stop()


def test_most_passed_in_any_span_counts_only_what_certainly_falls_inside() -> None:
    passed = [(0.0, 0.1), (0.5, 0.6), (1.9, 2.05), (2.5, 2.6)]
    assert most_passed_in_any_span(passed, 2.0) == 2
    assert most_passed_in_any_span([(0.0, 0.1)] * 3, 2.0) == 3
    assert most_passed_in_any_span([], 2.0) == 0
