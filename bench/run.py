"""The published benchmark: the library against a hand-written Django view, a raw-cursor ceiling, DRF and ninja.

One command measures every side (``sides.py``, ``others.py``) on the same
address book, for four scenarios (a page of 20 with its total, one object, a
page of 100, a create), on SQLite and, given a database, on PostgreSQL::

    python bench/run.py                                            # SQLite
    python bench/run.py --postgres postgres://user@host:5432/scratch
    python bench/run.py --rounds 9 --requests 500 --rows 10000
    python bench/run.py --middleware api                           # only security + common middleware
    python bench/run.py --profile library:list                     # where one side's time goes
    python bench/run.py --smoke                                    # does it run? (CI; no figure means anything)

Each database is measured in its own process (Django is set up once per
process). All sides answer through Django's WSGI handler in that process, on the
same rows; every round runs each scenario with the sides taking turns every 25
requests, in a rotating order, so a slow patch of the machine hits them alike.
A side's figure is the median over the rounds of its ratio to the hand-written
view *in the same round* (paired ratios); 1.00 is as fast as the hand-written view.
The table comes out as reStructuredText, ready for the README. The PostgreSQL
database must be a scratch one: its address book tables are emptied and refilled.

It is a measurement, not a test: nothing in the test suite times anything.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "testproject"), str(ROOT)]

SIDES = ["hand-written", "library", "raw cursor + orjson", "DRF", "ninja"]
SCENARIOS = ["list", "detail", "list of 100", "create"]
Send = Callable[[int], tuple[int, bytes]]


class Client:
    """Call Django's WSGI handler with hand-built environ dicts (no sockets, no test client)."""

    def __init__(self) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.status = ""

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status = status

    def request(self, method: str, path: str, query: str = "", body: bytes = b"") -> tuple[int, bytes]:
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
            "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "localhost",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
        }
        if body:
            environ["CONTENT_TYPE"] = "application/json"
            environ["CONTENT_LENGTH"] = str(len(body))
        result = self.handler(environ, self.start_response)
        try:
            content = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        return int(self.status.split(" ", 1)[0]), content


# One database, in its own process -------------------------------------------------------------------------


#: ``--middleware api``: what a project that serves only an API keeps of startproject's stack (no
#: sessions, CSRF, auth, messages or clickjacking middleware: none of them does anything for a JSON client).
API_MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware"]


def configure(database_url: str | None, data_dir: str, reconnect: bool = False, middleware: str = "startproject") -> str:
    """Set the testproject up on ``database_url`` (a SQLite file in ``data_dir`` without one); return the vendor.

    The connection persists across requests (``CONN_MAX_AGE = None``), as Django advises for
    production; ``reconnect`` opens and closes one per request instead (Django's default), a cost
    every side pays alike that narrows every ratio. So does the middleware: the testproject's is
    startproject's stack; ``middleware="api"`` keeps only ``API_MIDDLEWARE``.
    """
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DRFL_DATA_DIR"] = data_dir
    os.environ["ADDRESSBOOK_SQLITE_PATH"] = str(Path(data_dir) / "notes.db")
    os.environ["DJANGO_SETTINGS_MODULE"] = "testproject.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False  # DEBUG keeps every SQL query in memory: not what production measures.
    if middleware == "api":
        settings.MIDDLEWARE = API_MIDDLEWARE  # read when the WSGI handler is built, after this
    connection.settings_dict["CONN_MAX_AGE"] = 0 if reconnect else None  # read when the connection opens
    return str(connection.vendor)


def fill(rows: int) -> tuple[list[int], int]:
    """Create the schema, 5 addresses and ``rows`` users (emptying the tables first); return the users' pks and an address."""
    from addressbook.models import Address, User
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    User.objects.all().delete()
    Address.objects.all().delete()
    addresses = Address.objects.bulk_create(
        Address(country="France", city=f"City {n}", street="Main street", number=n) for n in range(1, 6)
    )
    User.objects.bulk_create(
        (User(first_name=f"First{n}", last_name=f"Last{n}", address=addresses[n % 5]) for n in range(rows)), batch_size=1000
    )
    return list(User.objects.order_by("id").values_list("id", flat=True)), addresses[0].pk


def mount() -> dict[str, str]:
    """Mount every installed side under its own prefix; return side -> prefix."""
    import others
    import sides
    from django.conf import settings

    builders = {"hand-written": sides.hand_written, "library": sides.library, "raw cursor + orjson": sides.raw_cursor,
                "DRF": others.drf, "ninja": others.ninja}
    prefixes = {"hand-written": "raw", "library": "lib", "raw cursor + orjson": "ceiling", "DRF": "drf", "ninja": "ninja"}
    urlconf = types.ModuleType("bench_urls")
    urlconf.urlpatterns = []  # type: ignore[attr-defined]
    mounted = {}
    for side, build in builders.items():
        patterns = build(prefixes[side])
        if patterns is not None:
            urlconf.urlpatterns.extend(patterns)  # type: ignore[attr-defined]
            mounted[side] = prefixes[side]
    settings.ROOT_URLCONF = urlconf
    return mounted


def plan(client: Client, mounted: dict[str, str], pks: list[int], address: int) -> dict[str, dict[str, Send]]:
    """Return, per scenario, each side's request for the i-th iteration."""
    counter = iter(range(10**9))

    def listing(prefix: str, side: str, size: int) -> Send:
        pages = max((len(pks) - size) // size, 1)
        keys = ("offset", "limit") if side in ("DRF", "ninja") else ("offset", "count")
        return lambda i: client.request("GET", f"/{prefix}/users/", f"{keys[0]}={(i % pages) * size}&{keys[1]}={size}")

    def detail(prefix: str) -> Send:
        return lambda i: client.request("GET", f"/{prefix}/users/{pks[(i * 7919) % len(pks)]}/")

    def create(prefix: str) -> Send:
        def send(i: int) -> tuple[int, bytes]:
            body = {"first_name": f"{prefix}-{next(counter)}", "last_name": "Bench", "address": f"/{prefix}/address/{address}/"}
            return client.request("POST", f"/{prefix}/users/", body=json.dumps(body).encode())

        return send

    return {
        "list": {side: listing(prefix, side, 20) for side, prefix in mounted.items()},
        "detail": {side: detail(prefix) for side, prefix in mounted.items()},
        "list of 100": {side: listing(prefix, side, 100) for side, prefix in mounted.items()},
        "create": {side: create(prefix) for side, prefix in mounted.items()},
    }


def check(scenarios: dict[str, dict[str, Send]]) -> None:
    """Refuse to measure unless every side answers the expected status with the same objects."""
    expected = {"list": 200, "detail": 200, "list of 100": 200, "create": 201}
    for name, sides in scenarios.items():
        shapes = {}
        for side, send in sides.items():
            status, content = send(1)
            if status != expected[name]:
                raise SystemExit(f"{name}/{side}: expected {expected[name]}, got {status}: {content[:300]!r}")
            answer = json.loads(content)
            objects = answer.get("object_list") or answer.get("results") or answer.get("items") or [answer]
            shapes[side] = (len(objects), tuple(sorted(objects[0])))
        if len(set(shapes.values())) != 1:
            raise SystemExit(f"{name}: the sides answer different objects: {shapes}")


def measure(sides: dict[str, Send], requests: int, round_number: int, chunk: int = 25) -> dict[str, float]:
    """Return each side's requests per second, the sides taking turns every ``chunk`` requests."""
    elapsed = dict.fromkeys(sides, 0.0)
    names = list(sides)
    done = 0
    while done < requests:
        size = min(chunk, requests - done)
        shift = (done // chunk + round_number) % len(names)
        for name in names[shift:] + names[:shift]:
            send = sides[name]
            start = time.perf_counter()
            for i in range(done, done + size):
                send(i + round_number * requests)
            elapsed[name] += time.perf_counter() - start
        done += size
    return {name: requests / seconds for name, seconds in elapsed.items()}


def worker(args: argparse.Namespace) -> None:
    """Measure one database; print the results as JSON on the last line."""
    with tempfile.TemporaryDirectory(prefix="drfl-bench-") as data_dir:
        vendor = configure(args.postgres if args.database == "postgresql" else None, data_dir, args.reconnect,
                           args.middleware)
        pks, address = fill(args.rows)
        client = Client()
        scenarios = plan(client, mount(), pks, address)
        if args.profile:
            side, name = args.profile.split(":", 1)
            return profile(scenarios[name][side], args.requests)
        check(scenarios)
        for sides in scenarios.values():  # warm caches (URL resolver, query compilation) before timing
            for send in sides.values():
                for i in range(min(50, args.requests)):
                    send(i)
        rps: dict[str, dict[str, list[float]]] = {name: {side: [] for side in sides} for name, sides in scenarios.items()}
        for round_number in range(args.rounds):
            for name, sides in scenarios.items():
                for side, value in measure(sides, args.requests, round_number + 1).items():
                    rps[name][side].append(value)
    print(json.dumps({"vendor": vendor, "rps": rps}))


def profile(send: Send, requests: int) -> None:
    for i in range(50):
        send(i)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(requests):
        send(i + 50)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats("django_restframework_lite", 30)


# The table --------------------------------------------------------------------------------------------------


def ratios(rps: dict[str, list[float]], side: str) -> tuple[float, float, float]:
    """Return the median, lowest and highest of ``side``'s per-round ratios to the hand-written view."""
    paired = [mine / base for mine, base in zip(rps[side], rps["hand-written"], strict=True)]
    return statistics.median(paired), min(paired), max(paired)


def table(results: list[dict[str, Any]], rounds: int, requests: int, rows: int, reconnect: bool = False,
          middleware: str = "startproject") -> str:
    """Return the results as a reStructuredText simple table (ratios to the hand-written view)."""
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    present = [side for side in SIDES if any(side in result["rps"]["list"] for result in results)]
    header = ["scenario", "database", "hand-written (req/s)", *[side for side in present if side != "hand-written"]]
    body = []
    for scenario in SCENARIOS:
        for result in results:
            rps = result["rps"][scenario]
            cells = [scenario, names.get(result["vendor"], result["vendor"]), f"{statistics.median(rps['hand-written']):.0f}"]
            for side in present[1:]:
                cells.append(f"{ratios(rps, side)[0]:.2f}\u00d7" if side in rps else "\u2014")
            body.append(cells)
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    rule = "  ".join("=" * width for width in widths)

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    spread = "; ".join(
        f"{names.get(result['vendor'], result['vendor'])} {scenario} library "
        f"{ratios(result['rps'][scenario], 'library')[1]:.2f}-{ratios(result['rps'][scenario], 'library')[2]:.2f}"
        for result in results for scenario in SCENARIOS
    )
    return "\n".join([
        f".. {rows} users, {rounds} interleaved rounds of {requests} requests per scenario and side,"
        f" {'a new connection per request' if reconnect else 'persistent connections'},"
        f" {'an API-only middleware stack' if middleware == 'api' else 'startproject middleware'};"
        f" ratios per round: {spread}.",
        "", rule, line(header), rule, *[line(row) for row in body], rule,
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--requests", type=int, default=300, help="requests per scenario, side and round (default 300)")
    parser.add_argument("--rows", type=int, default=10_000, help="users in the table (default 10,000)")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="a scratch PostgreSQL database URL (or $BENCH_DATABASE_URL): measured too")
    parser.add_argument("--profile", metavar="SIDE:SCENARIO", help="profile one side's scenario on SQLite, e.g. library:list")
    parser.add_argument("--reconnect", action="store_true",
                        help="a new database connection per request (Django's default CONN_MAX_AGE=0) instead of a persistent one")
    parser.add_argument("--middleware", choices=["startproject", "api"], default="startproject",
                        help="startproject's middleware (the testproject's, the default) or only security and common")
    parser.add_argument("--smoke", action="store_true", help="tiny rounds: check that everything runs")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)  # a worker process
    args = parser.parse_args()
    if args.smoke:
        args.rounds, args.requests, args.rows = 1, 5, 300
    if args.database or args.profile:
        args.database = args.database or "sqlite"
        return worker(args)
    results = []
    for database in ["sqlite", *(["postgresql"] if args.postgres else [])]:
        command = [sys.executable, __file__, "--database", database, "--rounds", str(args.rounds),
                   "--requests", str(args.requests), "--rows", str(args.rows)]
        if args.postgres:
            command += ["--postgres", args.postgres]
        if args.reconnect:
            command.append("--reconnect")
        command += ["--middleware", args.middleware]
        print(f"measuring {database} ...", file=sys.stderr)
        output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    print(table(results, args.rounds, args.requests, args.rows, args.reconnect, args.middleware))


if __name__ == "__main__":
    main()
