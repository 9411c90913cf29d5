"""Requests per second of the testproject's ORM endpoints against hand-written Django views.

Both sides serve the same 10,000-row ``addressbook_user`` table of a temporary
SQLite database, through the same Django stack (settings, middleware, URL
resolver) called as a WSGI application in this process, so the figures compare
the library's own work with the least a hand-written view can do for the same
answer:

- list: a page of 20 users with the total count, ``next``/``previous`` links,
  ressource URIs and the address as a URI (``/api/users/?offset=N``);
- get: one user (``/api/users/<pk>/``);
- post: create a user with an address given as a URI, checking that the name
  pair is unique and the address exists, answering 201 with ``Location``.

Rounds interleave the three measurements, and within each the two sides take
turns every 25 requests, so a slow patch of the machine hits both sides alike;
the figures are medians over the rounds. This is a benchmark, not a
test: it asserts nothing about time. Run it from the repository root::

    python bench/bench_http.py                 # 5 rounds of 300 requests
    python bench/bench_http.py --rounds 9 --requests 500
    python bench/bench_http.py --profile list  # cProfile of the library's list endpoint
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "testproject"), str(ROOT)]

ROWS = 10_000
PAGE = 20


def configure(data_dir: str) -> None:
    """Point the testproject at a fresh SQLite database in ``data_dir`` and set Django up."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["DRFL_DATA_DIR"] = data_dir
    os.environ["ADDRESSBOOK_SQLITE_PATH"] = str(Path(data_dir) / "notes.db")
    os.environ["DJANGO_SETTINGS_MODULE"] = "testproject.settings"
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # DEBUG keeps every SQL query in memory: not what production measures.


# Hand-written views ------------------------------------------------------------------------


def build_raw_views() -> list[Any]:
    """Return URL patterns of plain Django views doing the library endpoints' work by hand."""
    from addressbook.models import Address, User
    from django.db import transaction
    from django.http import JsonResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    def user_uri(pk: int) -> str:
        return f"/raw/users/{pk}/"

    def represent(row: dict[str, Any]) -> dict[str, Any]:
        address = row["address_id"]
        return {
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "address": None if address is None else f"/raw/address/{address}/",
            "ressource_uri": user_uri(row["id"]),
        }

    columns = ("id", "first_name", "last_name", "address_id")

    def create_user(request: Any) -> JsonResponse:
        if request.content_type != "application/json":
            return JsonResponse({"error": "Send JSON."}, status=415)
        try:
            data = json.loads(request.body)
        except ValueError:
            return JsonResponse({"error": "Malformed JSON."}, status=400)
        if not isinstance(data, dict):
            return JsonResponse({"error": "The body must be a JSON object."}, status=400)
        for name in ("first_name", "last_name"):
            value = data.get(name)
            if value is None:
                return JsonResponse({"error": f"{name} is missing. Cannot create the ressource"}, status=400)
            if not isinstance(value, str) or len(value) > 100 or "\x00" in value:
                return JsonResponse({"error": f"{name} does not validate"}, status=400)
        address = data.get("address")
        if isinstance(address, str):
            try:
                address = int(address.rstrip("/").rsplit("/", 1)[-1])
            except ValueError:
                return JsonResponse({"error": "address does not validate"}, status=400)
        with transaction.atomic():
            if User.objects.filter(first_name=data["first_name"], last_name=data["last_name"]).exists():
                return JsonResponse({"error": "first_name,last_name must be unique together"}, status=400)
            if address is not None and not Address.objects.filter(pk=address).exists():
                return JsonResponse({"error": "address does not validate"}, status=400)
            user = User.objects.create(first_name=data["first_name"], last_name=data["last_name"], address_id=address)
        row = {"id": user.pk, "first_name": user.first_name, "last_name": user.last_name, "address_id": address}
        response = JsonResponse(represent(row), status=201)
        response["Location"] = user_uri(user.pk)
        return response

    @csrf_exempt
    def user_list(request: Any) -> JsonResponse:
        if request.method == "POST":
            return create_user(request)
        try:
            offset = int(request.GET.get("offset", 0))
            count = min(int(request.GET.get("count", PAGE)), PAGE)
        except ValueError:
            return JsonResponse({"error": "offset and count must be integers."}, status=400)
        if offset < 0 or count < 0:
            return JsonResponse({"error": "offset and count must not be negative."}, status=400)
        users = User.objects.order_by("id")
        total = users.count()
        rows = users.values(*columns)[offset : offset + count]
        meta = {
            "offset": offset,
            "count": count,
            "total_count": total,
            "next": f"/raw/users/?offset={offset + count}" if offset + count < total else None,
            "previous": f"/raw/users/?offset={max(offset - count, 0)}" if offset > 0 else None,
            "filters": {},
        }
        return JsonResponse({"meta": meta, "object_list": [represent(row) for row in rows]})

    def user_detail(request: Any, pk: int) -> JsonResponse:
        row = User.objects.filter(pk=pk).values(*columns).first()
        if row is None:
            return JsonResponse({"error": "Not found."}, status=404)
        return JsonResponse(represent(row))

    return [path("raw/users/", user_list), path("raw/users/<int:pk>/", user_detail)]


# WSGI driving ------------------------------------------------------------------------------


class Client:
    """Call Django's WSGI handler directly with hand-built environ dicts (no sockets, no test client)."""

    def __init__(self) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.status = ""

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status = status

    def request(self, method: str, path: str, query: str = "", body: bytes = b"") -> tuple[int, bytes]:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "localhost",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        if body:
            environ["CONTENT_TYPE"] = "application/json"
            environ["CONTENT_LENGTH"] = str(len(body))
        result = self.handler(environ, self.start_response)
        try:
            content = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return int(self.status.split(" ", 1)[0]), content


def fill_database(rows: int) -> list[int]:
    """Create the schema, 5 addresses and ``rows`` users; return the users' pks."""
    from addressbook.models import Address, User
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    addresses = Address.objects.bulk_create(
        Address(country="France", city=f"City {n}", street="Main street", number=n) for n in range(1, 6)
    )
    User.objects.bulk_create(
        (User(first_name=f"First{n}", last_name=f"Last{n}", address=addresses[n % 5]) for n in range(rows)),
        batch_size=1000,
    )
    return list(User.objects.order_by("id").values_list("id", flat=True))


def scenarios(client: Client, pks: list[int], address_id: int) -> dict[str, dict[str, Callable[[int], tuple[int, bytes]]]]:
    """Return, per measurement, the request of each side for the i-th iteration."""
    pages = (len(pks) - PAGE) // PAGE

    def listing(prefix: str) -> Callable[[int], tuple[int, bytes]]:
        return lambda i: client.request("GET", f"/{prefix}/users/", f"offset={(i % pages) * PAGE}")

    def detail(prefix: str) -> Callable[[int], tuple[int, bytes]]:
        return lambda i: client.request("GET", f"/{prefix}/users/{pks[(i * 7919) % len(pks)]}/")

    counter = iter(range(10**9))

    def create(prefix: str) -> Callable[[int], tuple[int, bytes]]:
        def send(i: int) -> tuple[int, bytes]:
            body = {"first_name": f"{prefix}-{next(counter)}", "last_name": "Bench", "address": f"/{prefix}/address/{address_id}/"}
            return client.request("POST", f"/{prefix}/users/", body=json.dumps(body).encode())

        return send

    return {
        "list": {"library": listing("api"), "hand-written": listing("raw")},
        "get": {"library": detail("api"), "hand-written": detail("raw")},
        "post": {"library": create("api"), "hand-written": create("raw")},
    }


def check_answers(plan: dict[str, dict[str, Callable[[int], tuple[int, bytes]]]]) -> None:
    """Refuse to measure unless both sides answer the same thing (status and JSON shape)."""
    expected = {"list": 200, "get": 200, "post": 201}
    for name, sides in plan.items():
        answers = {}
        for side, send in sides.items():
            status, content = send(0)
            if status != expected[name]:
                raise SystemExit(f"{name}/{side}: expected {expected[name]}, got {status}: {content[:300]!r}")
            answers[side] = json.loads(content)
        library, raw = answers["library"], answers["hand-written"]
        if name == "list":
            library, raw = library["object_list"][0], raw["object_list"][0]
            if len(answers["library"]["object_list"]) != len(answers["hand-written"]["object_list"]):
                raise SystemExit("list: the two sides return pages of different sizes")
        if sorted(library) != sorted(raw):
            raise SystemExit(f"{name}: the two sides answer different members: {sorted(library)} != {sorted(raw)}")


def measure_pair(sides: dict[str, Callable[[int], tuple[int, bytes]]], requests: int, chunk: int = 25) -> dict[str, float]:
    """Return each side's requests per second, alternating chunks of ``chunk`` requests between them.

    Fine-grained alternation means a burst of load from another process slows both
    sides alike, instead of landing on whichever side happened to be running.
    """
    elapsed = dict.fromkeys(sides, 0.0)
    names = list(sides)
    done = 0
    while done < requests:
        size = min(chunk, requests - done)
        order = names if (done // chunk) % 2 == 0 else names[::-1]
        for name in order:
            send = sides[name]
            start = time.perf_counter()
            for i in range(done, done + size):
                send(i)
            elapsed[name] += time.perf_counter() - start
        done += size
    return {name: requests / seconds for name, seconds in elapsed.items()}


def run(rounds: int, requests: int) -> None:
    from addressbook.models import Address

    pks = fill_database(ROWS)
    client = Client()
    plan = scenarios(client, pks, Address.objects.order_by("id").values_list("id", flat=True)[0])
    check_answers(plan)
    for sides in plan.values():  # warm caches (URL resolver, query compilation) before timing
        for send in sides.values():
            for i in range(50):
                send(i)
    results: dict[str, dict[str, list[float]]] = {name: {"library": [], "hand-written": []} for name in plan}
    for _ in range(rounds):
        for name, sides in plan.items():
            for side, rps in measure_pair(sides, requests).items():
                results[name][side].append(rps)
    print(f"{ROWS} users in SQLite, {rounds} interleaved rounds of {requests} requests per measurement")
    print(f"{'endpoint':<8} {'library rps':>12} {'hand-written rps':>17} {'ratio':>7}  (ratio per round: min-max)")
    for name, sides in results.items():
        library, raw = statistics.median(sides["library"]), statistics.median(sides["hand-written"])
        per_round = [lib / hand for lib, hand in zip(sides["library"], sides["hand-written"], strict=True)]
        print(f"{name:<8} {library:>12.0f} {raw:>17.0f} {library / raw:>7.2f}  ({min(per_round):.2f}-{max(per_round):.2f})")


def profile(name: str, requests: int) -> None:
    """Print where the library's time goes on one endpoint, sorted by own time."""
    from addressbook.models import Address

    pks = fill_database(ROWS)
    client = Client()
    send = scenarios(client, pks, Address.objects.order_by("id").values_list("id", flat=True)[0])[name]["library"]
    for i in range(50):
        send(i)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(requests):
        send(i)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats("django_restframework_lite", 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--requests", type=int, default=300, help="requests per measurement (default 300)")
    parser.add_argument("--profile", choices=["list", "get", "post"], help="profile one library endpoint instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="drfl-bench-") as data_dir:
        configure(data_dir)
        from addressbook.api import ADDRESSBOOK
        from django.conf import settings
        from django.urls import path

        from django_restframework_lite.urls import include as api_include

        urlconf = types.ModuleType("bench_urls")
        urlconf.urlpatterns = [
            path("api/", api_include(ADDRESSBOOK, name="addressbook", version="1.0", namespace="addressbook")),
            *build_raw_views(),
        ]
        settings.ROOT_URLCONF = urlconf
        if args.profile:
            profile(args.profile, args.requests)
        else:
            run(args.rounds, args.requests)


if __name__ == "__main__":
    main()
