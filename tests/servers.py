"""Real servers for the tests that need them: the demo under gunicorn, a redis-server, a PostgreSQL cluster.

Each test starts its own on free ports of 127.0.0.1 and in temporary
directories, stops and starts them by pid when it proves an outage, and leaves
nothing behind. Nothing here touches the shared PostgreSQL or Redis that the
rest of the suite may use.

- ``DemoServer(tmp_path, **env)``: the testproject under gunicorn (``workers``
  processes), its SQLite files in ``tmp_path``; ``DATABASE_URL``/``REDIS_URL``
  in ``env`` point it elsewhere. ``migrate()`` prepares its database first.
- ``RedisServer()``: ``start()``, ``stop()`` (SIGTERM), ``pause()`` (SIGSTOP: a
  stalled server that keeps its connections open) and ``resume()``.
- ``PostgresCluster()``: a throwaway cluster made with ``initdb`` (run as the
  ``postgres`` user when the tests run as root, since initdb refuses root);
  ``start()`` and ``stop()`` (SIGINT to the postmaster: a fast shutdown).
"""

from __future__ import annotations

import glob
import http.client
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TESTPROJECT = ROOT / "testproject"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def children_of(parent: int) -> list[int]:
    """Return the pids of the live child processes of ``parent`` (from /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return sorted(pids)


def wait_for_line(process: subprocess.Popen, marker: str, deadline: float) -> str:
    """Read the process's output until it holds ``marker``; fail at ``deadline`` or when it exits."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]
    output = b""
    try:
        while marker.encode() not in output:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {marker!r} from the server; it said:\n{output.decode(errors='replace')}")
            if not selector.select(timeout=remaining):
                continue
            chunk = os.read(process.stdout.fileno(), 65536)  # type: ignore[union-attr]
            if not chunk:
                raise AssertionError(f"the server exited ({process.wait()}); it said:\n{output.decode(errors='replace')}")
            output += chunk
        return output.decode(errors="replace")
    finally:
        selector.close()


class Answer:
    """One HTTP answer: status, headers (lower-case names), body bytes, and ``json()``."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<Answer {self.status} {self.body[:200]!r}>"


def request(port: int, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
            timeout: float = 30) -> Answer:
    """Send one request to 127.0.0.1:``port``; a dict or list ``body`` goes as JSON."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = dict(headers or {})
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    try:
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        content = response.read()
        return Answer(response.status, {name.lower(): value for name, value in response.getheaders()}, content)
    finally:
        connection.close()


# The demo under gunicorn ------------------------------------------------------------------------


class DemoServer:
    """The testproject under gunicorn on a free port, with its files in ``data_dir``."""

    def __init__(self, data_dir: Path, *, workers: int = 1, **env: str) -> None:
        self.data_dir = data_dir
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.env = {key: value for key, value in os.environ.items()
                    if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
        self.env.update(
            DJANGO_SETTINGS_MODULE="testproject.settings",
            DRFL_DATA_DIR=str(data_dir),
            ADDRESSBOOK_SQLITE_PATH=str(data_dir / "notes.db"),
            DJANGO_DEBUG="0",
            PYTHONPATH=os.pathsep.join([str(TESTPROJECT), str(ROOT), os.environ.get("PYTHONPATH", "")]),
        )
        self.env.update(env)

    def manage(self, *arguments: str) -> None:
        subprocess.run([sys.executable, "manage.py", *arguments], cwd=TESTPROJECT, env=self.env, check=True,
                       timeout=300, stdout=subprocess.DEVNULL)

    def migrate(self) -> DemoServer:
        self.manage("migrate", "--noinput", "-v", "0")
        return self

    def start(self) -> DemoServer:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "60", "testproject.wsgi:application"],
            cwd=TESTPROJECT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        output = ""
        deadline = time.monotonic() + 120
        while output.count("Booting worker") < self.workers:
            output += wait_for_line(self.process, "Booting worker", deadline)
        wait_until(lambda: self.ready(), 60, "the demo server's first answer")
        return self

    def ready(self) -> bool:
        try:
            return request(self.port, "GET", "/api/", timeout=5).status == 200
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        return children_of(self.process.pid)

    def request(self, method: str, path: str, body: Any = None, **headers: str) -> Answer:
        return request(self.port, method, path, body, {name.replace("_", "-"): value for name, value in headers.items()})

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None


# Redis ------------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of this test, on a free port, persisting nothing."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, 20, f"redis-server on port {self.port}")
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def pause(self) -> None:
        """Stall the server: it keeps its connections open and answers nothing."""
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None:
            return
        os.kill(self.pid, signal.SIGCONT)
        os.kill(self.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.process = None


# PostgreSQL -------------------------------------------------------------------------------------


def postgres_bin() -> Path | None:
    """Return the directory of the newest PostgreSQL server binaries on this machine, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresCluster:
    """A throwaway PostgreSQL cluster in a temporary directory, listening on 127.0.0.1 only."""

    def __init__(self) -> None:
        binaries = postgres_bin()
        if binaries is None:
            raise RuntimeError("no PostgreSQL server binaries (initdb) on this machine")
        self.bin = binaries
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="drfl-pg-"))
        self.data = self.root / "data"
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
        self.pid: int | None = None

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def run(self, program: str, *arguments: str) -> None:
        subprocess.run([*self.as_postgres, str(self.bin / program), *arguments], check=True, timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> PostgresCluster:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")
        self.pid = int((self.data / "postmaster.pid").read_text().split()[0])
        return self

    def create_database(self, name: str) -> None:
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def stop(self) -> None:
        """Stop the server by its pid (a fast shutdown: sessions are ended, nothing committed is lost)."""
        if self.pid is None:
            return
        os.kill(self.pid, signal.SIGINT)
        pid = self.pid
        wait_until(lambda: not process_alive(pid), 60, "PostgreSQL to stop")
        self.pid = None

    def destroy(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
