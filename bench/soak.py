"""Soak: 10,000 requests against 2 gunicorn workers leave their memory and open files flat.

The demo runs under gunicorn (2 sync workers, ``DEBUG`` off) on a temporary
SQLite database, or on ``DATABASE_URL``/``REDIS_URL`` when they are set. After a
warm-up, 4 client threads send a mix of every kind of request the demo serves —
lists, objects, creates, updates and deletes on the ORM, list and SQLite stores
(each created object is deleted again, so the data stays the same size),
API-key, Basic and rate-limited endpoints, the OpenAPI document, 400s, 404s and
412s — while each worker's resident memory (``VmRSS``) and open file
descriptors are read from ``/proc`` every 1,000 requests.

It prints the figures and exits non-zero when a worker's descriptors grew, or
its memory grew by more than ``--rss-slack`` MiB (allocator noise), from the end
of the warm-up to the end of the run. Run it from the repository root::

    python bench/soak.py                    # 10,000 requests
    python bench/soak.py --requests 2000
"""

from __future__ import annotations

import argparse
import base64
import itertools
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import DemoServer, request  # noqa: E402

BASIC = "Basic " + base64.b64encode(b"alice:demo").decode()
KEY = {"X-Api-Key": "hackme"}


def open_files(pid: int) -> list[str]:
    """Return what each open descriptor of ``pid`` points at."""
    targets = []
    for name in sorted(os.listdir(f"/proc/{pid}/fd"), key=int):
        try:
            targets.append(os.readlink(f"/proc/{pid}/fd/{name}"))
        except OSError:
            continue
    return targets


def worker_figures(pids: list[int]) -> dict[int, tuple[float, int]]:
    """Return each worker's resident memory (MiB) and open file descriptors."""
    figures = {}
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        rss_kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        figures[pid] = (rss_kib / 1024, len(os.listdir(f"/proc/{pid}/fd")))
    return figures


def scenario(port: int, turn: int) -> list[int]:
    """Send one round of the mix (about ten requests); return the statuses."""
    def send(method: str, path: str, body: object = None, **headers: str) -> int:
        return request(port, method, path, body, headers).status

    statuses = [
        send("GET", f"/api/users/?offset={turn % 40}&order_by=-last_name"),
        send("GET", f"/api/users/{1 + turn % 50}/"),
        send("GET", "/api/address/?city__icontains=par&fields=city,country"),
        send("GET", "/protected/limited/address/", **KEY),
        send("GET", "/protected/api/users/?count=5", **KEY),
        send("GET", "/protected/basic/address/", Authorization=BASIC),
        send("GET", "/api/users/?age=notanumber"),  # 400
        send("GET", f"/api/notes/{10_000_000 + turn}/"),  # 404
        send("PATCH", "/api/users/1/", {"first_name": "John"}, **{"If-Match": '"stale"'}),  # 412
    ]
    created = request(port, "POST", "/api/notes/", {"title": f"soak {turn}", "priority": turn % 5})
    statuses.append(created.status)
    if created.status == 201:
        location = created.headers["location"]
        statuses.append(send("PATCH", location, {"body": "changed"}))
        statuses.append(send("DELETE", location))
    tag = f"soak-{turn}"
    statuses.append(send("POST", "/api/tags/", {"name": tag}))
    statuses.append(send("DELETE", f"/api/tags/{tag}/"))
    if turn % 50 == 0:
        statuses.append(send("GET", "/api/openapi.json"))
    return statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=1_000)
    parser.add_argument("--rss-slack", type=float, default=8.0, help="MiB a worker may grow by (allocator noise)")
    arguments = parser.parse_args()

    # The demo's own quotas (the seed limiter's 100 per 10 minutes, mostly 429s after that), and a
    # one-second window for the cache limiter, so that its window slides and prunes all along.
    env = {"DRFL_LIMITED_QUOTA": "50", "DRFL_LIMITED_INTERVAL": "1", "DRFL_FAST_PASSWORD_HASHER": "1"}
    for name in ("DATABASE_URL", "REDIS_URL"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    data_dir = Path(tempfile.mkdtemp(prefix="drfl-soak-"))
    server = DemoServer(data_dir, workers=2, **env).migrate()
    server.manage("load_addressbook")
    server.start()
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    turns = itertools.count()
    try:
        pids = server.worker_pids()

        def run(total: int, samples: list[tuple[int, dict[int, tuple[float, int]]]] | None) -> None:
            sent = [0]
            next_sample = [1_000]

            def client() -> None:
                while True:
                    with lock:
                        if sent[0] >= total:
                            return
                        turn = next(turns)
                    answered = scenario(server.port, turn)
                    with lock:
                        statuses.update(answered)
                        sent[0] += len(answered)
                        if samples is not None and sent[0] >= next_sample[0]:
                            samples.append((sent[0], worker_figures(pids)))
                            next_sample[0] += 1_000

            threads = [threading.Thread(target=client) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        run(arguments.warmup, None)
        time.sleep(1)  # idle workers: no request in flight holds a socket or a database file
        start = worker_figures(pids)
        start_files = {pid: open_files(pid) for pid in pids}
        samples: list[tuple[int, dict[int, tuple[float, int]]]] = [(0, start)]
        started = time.monotonic()
        run(arguments.requests, samples)
        elapsed = time.monotonic() - started
        time.sleep(1)
        end = worker_figures(pids)
        end_files = {pid: open_files(pid) for pid in pids}
        samples.append((sum(count for count in statuses.values()) - arguments.warmup, end))
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)

    print(f"{arguments.requests:,} requests (after {arguments.warmup:,} of warm-up) in {elapsed:.0f} s "
          f"({arguments.requests / elapsed:.0f}/s); statuses: {dict(sorted(statuses.items()))}")
    print("requests  " + "  ".join(f"worker {index + 1}: RSS MiB, fds" for index in range(len(pids))))
    for count, figures in samples:
        print(f"{count:>8,}  " + "  ".join(f"{figures[pid][0]:>15.1f} {figures[pid][1]:>4}" for pid in pids))
    failed = False
    for index, pid in enumerate(pids):
        rss_growth = end[pid][0] - start[pid][0]
        fd_growth = end[pid][1] - start[pid][1]
        print(f"worker {index + 1}: RSS {start[pid][0]:.1f} -> {end[pid][0]:.1f} MiB ({rss_growth:+.1f}), "
              f"file descriptors {start[pid][1]} -> {end[pid][1]} ({fd_growth:+d})")
        if fd_growth:
            print(f"  opened since the warm-up: {sorted(set(end_files[pid]) - set(start_files[pid]))}")
        failed |= fd_growth > 0 or rss_growth > arguments.rss_slack
    if any(status >= 500 for status in statuses):
        print("server errors answered")
        failed = True
    print("FLAT" if not failed else "NOT FLAT")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
