"""``CacheRateLimit`` holds across processes: two gunicorn servers sharing Redis answer exactly ``quota`` 200s.

The testproject's ``/protected/limited/address/`` allows ``LIMITED_QUOTA``
requests per key per hour, counted in Django's cache. Two servers (separate
processes, separate ports) share the Redis at ``REDIS_URL`` and a migrated
temporary SQLite database; the requests alternate between them. A per-process
counter would let each server answer ``quota`` 200s; a shared atomic one answers
exactly ``quota`` in all.

Runs in CI's PostgreSQL + Redis leg; the SQLite leg has no shared cache by design.
"""

from __future__ import annotations

import http.client
import os
import selectors
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTPROJECT = ROOT / "testproject"
URL = "/protected/limited/address/?accesskey=hackme"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="testproject.settings",
        DRFL_DATA_DIR=str(tmp_path),
        ADDRESSBOOK_SQLITE_PATH=str(tmp_path / "notes.db"),
        DJANGO_DEBUG="0",
        PYTHONPATH=os.pathsep.join([str(TESTPROJECT), str(ROOT), env.get("PYTHONPATH", "")]),
    )
    return env


def wait_for_line(process: subprocess.Popen, marker: str, deadline: float) -> str:
    """Read the process's output until it holds ``marker``; fail at ``deadline`` or when it exits."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    output = b""
    try:
        while marker.encode() not in output:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {marker!r} from the server; it said:\n{output.decode(errors='replace')}")
            if not selector.select(timeout=remaining):
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                raise AssertionError(f"the server exited ({process.wait()}); it said:\n{output.decode(errors='replace')}")
            output += chunk
        return output.decode(errors="replace")
    finally:
        selector.close()


def get(port: int) -> tuple[int, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", URL)
        response = connection.getresponse()
        response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()


def clear_counters(redis_url: str) -> None:
    """Delete the rate-limit counters of the demo, and nothing else, from that Redis database."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        for key in client.scan_iter(match="*drfl-ratelimit:*", count=1000):
            client.delete(key)
    finally:
        client.close()


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a shared cache: set REDIS_URL (CI's PostgreSQL + Redis leg)")
def test_cache_ratelimit_holds_across_two_server_processes(tmp_path: Path) -> None:
    from addressbook.protected import LIMITED_QUOTA

    redis_url = os.environ["REDIS_URL"]
    assert urlsplit(redis_url).scheme in {"redis", "rediss"}
    env = server_environment(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=TESTPROJECT, env=env, check=True, timeout=300
    )
    ports = [free_port(), free_port()]
    servers: list[subprocess.Popen] = []
    try:
        for port in ports:
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                     "--preload", "testproject.wsgi:application"],
                    cwd=TESTPROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + 120
        for server in servers:
            wait_for_line(server, "Booting worker", deadline)

        # A window boundary (every hour) falling inside the run would split the count:
        # then the run is done again, once, in the new window.
        for _attempt in range(2):
            clear_counters(redis_url)
            answers = [get(ports[index % 2]) for index in range(LIMITED_QUOTA + 10)]
            if len({headers["x-ratelimit-reset"] for _, headers in answers}) == 1:
                break
        statuses = [status for status, _ in answers]
        assert statuses.count(200) == LIMITED_QUOTA
        assert statuses.count(429) == 10
        assert statuses == [200] * LIMITED_QUOTA + [429] * 10
        remaining = [int(headers["x-ratelimit-remaining"]) for _, headers in answers]
        assert remaining == list(range(LIMITED_QUOTA - 1, -1, -1)) + [0] * 10
        # Both processes answered both kinds: each server gave 200s and 429s.
        for index in (0, 1):
            assert {status for status, _ in answers[index::2]} == {200, 429}
        assert all("retry-after" in headers for status, headers in answers if status == 429)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=20)
            if server.stdout is not None:
                server.stdout.close()
        clear_counters(redis_url)


def test_server_environment_uses_a_temporary_sqlite_database(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/prot")
    env = server_environment(tmp_path)
    assert "DATABASE_URL" not in env
    assert env["DRFL_DATA_DIR"] == str(tmp_path)
