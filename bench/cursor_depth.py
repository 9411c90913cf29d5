"""What a cursor page a million rows deep costs on PostgreSQL, against the first page.

Fills ``addressbook_user`` of a scratch PostgreSQL database with a million
rows and more (one ``INSERT ... SELECT generate_series``), serves it with
``CursorPagination(20)``, and times, in interleaved rounds, the first page and
the page that follows the millionth row, for each ordering given. A deep page
needs no walk through the pages before it: its cursor is the position of the
millionth row, made as a ``next`` link would make it. The script prints each
ordering's medians, the ratio deep / first, and the plan PostgreSQL chose for
the deep page::

    python bench/cursor_depth.py --postgres postgres://user@host:5432/scratch
    python bench/cursor_depth.py --postgres ... --rows 1000000 --order-by=,-id,last_name

The database's address book tables are emptied and refilled. A measurement,
not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import types
from typing import Any

from run import Client, configure  # also puts the testproject on sys.path

PREFIX = "/lib/users/"


def fill(rows: int) -> None:
    """Empty the address book and insert ``rows`` + 1,000 users in one statement; ANALYZE them."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE addressbook_user, addressbook_address RESTART IDENTITY CASCADE")
        cursor.execute(
            "INSERT INTO addressbook_user (first_name, last_name, address_id) "
            "SELECT 'First' || g, 'Last' || lpad(((g::bigint * 7919) %% %s)::text, 8, '0'), NULL FROM generate_series(1, %s) g",
            [rows + 1000, rows + 1000],
        )
        # Text is ordered in code-point order ("C"), as every store orders it: the index that serves it.
        cursor.execute('CREATE INDEX IF NOT EXISTS bench_user_last_name_c ON addressbook_user (last_name COLLATE "C", id)')
        cursor.execute("ANALYZE addressbook_user")


def mount() -> Any:
    from addressbook.models import User
    from django.conf import settings
    from django.urls import path

    from django_restframework_lite.controllers import Controller
    from django_restframework_lite.datastore import DjangoModelDataStore
    from django_restframework_lite.pagination import CursorPagination
    from django_restframework_lite.urls import include

    class UserEndPoint(Controller):
        ressource = {"ressource_name": "users", "ressource": User, "datastore": DjangoModelDataStore}
        controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"],
                      "options": {"pagination": CursorPagination(20), "order_fields": ["id", "last_name"]}}

    urlconf = types.ModuleType("depth_urls")
    patterns = include([UserEndPoint], hello=False, autodoc=False, autospore=False, openapi=False, docs=False)
    urlconf.urlpatterns = [path("lib/", patterns)]  # type: ignore[attr-defined]
    settings.ROOT_URLCONF = urlconf
    return patterns[0].api.controllers[0]


def deep_query(controller: Any, order_by: str, depth: int) -> str:
    """Return the query string of the page after the ``depth``-th row in ``order_by``, as a next link carries it."""
    from django.http import QueryDict

    from django_restframework_lite.datastore import keyset
    from django_restframework_lite.datastore.query import parse_ordering

    model = controller.model
    ordering = parse_ordering(model, order_by)
    if not any(order.field is model.pk_field for order in ordering):
        from django_restframework_lite.datastore import Ordering

        ordering.append(Ordering(model.pk_field))
    rows = controller.datastore.get_list(offset=depth - 1, count=1, **({"order_by": order_by} if order_by else {}))
    pagination = controller.pagination
    context = pagination.digest(PREFIX, {}, [(order.name, order.descending) for order in ordering], None)
    query = QueryDict(mutable=True)
    if order_by:
        query["order_by"] = order_by
    query[pagination.cursor_key] = pagination.make_cursor(context, keyset.position_of(rows[0], ordering), backwards=False)
    return query.urlencode()


def explain(client: Client, query: str) -> str:
    """Return PostgreSQL's plan (EXPLAIN ANALYZE) of the statement a page runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.request("GET", PREFIX, query)
    (statement,) = [item["sql"] for item in captured.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + statement)
        return "\n".join(f"    {row[0]}" for row in cursor.fetchall())


def measure(client: Client, queries: dict[str, str], rounds: int, requests: int) -> dict[str, list[float]]:
    """Return each page's per-round median seconds, the pages taking turns request by request."""
    times: dict[str, list[float]] = {name: [] for name in queries}
    for _ in range(rounds):
        spent: dict[str, list[float]] = {name: [] for name in queries}
        for i in range(requests):
            for name in list(queries)[i % 2 :] + list(queries)[: i % 2]:
                start = time.perf_counter()
                status, _ = client.request("GET", PREFIX, queries[name])
                spent[name].append(time.perf_counter() - start)
                assert status == 200
        for name, values in spent.items():
            times[name].append(statistics.median(values))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL"), help="a scratch PostgreSQL database URL")
    parser.add_argument("--rows", type=int, default=1_000_000, help="how deep the deep page is (default 1,000,000)")
    parser.add_argument("--order-by", default=",-id,last_name", help="comma-free list of orderings separated by ','")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if not args.postgres:
        raise SystemExit("give a scratch PostgreSQL database: --postgres postgres://user@host:port/name")
    with tempfile.TemporaryDirectory(prefix="drfl-depth-") as data_dir:
        configure(args.postgres, data_dir)
        from django.conf import settings

        settings.ALLOWED_HOSTS = ["*"]
        started = time.perf_counter()
        fill(args.rows)
        print(f"{args.rows + 1000:,} users inserted and analysed in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        controller = mount()
        client = Client()
        for order_by in args.order_by.split(","):
            queries = {"first": f"order_by={order_by}" if order_by else "", "deep": deep_query(controller, order_by, args.rows)}
            for query in queries.values():  # warm up
                for _ in range(20):
                    client.request("GET", PREFIX, query)
            times = measure(client, queries, args.rounds, args.requests)
            first, deep = statistics.median(times["first"]), statistics.median(times["deep"])
            paired = [d / f for d, f in zip(times["deep"], times["first"], strict=True)]
            print(f"order_by={order_by or '(default: pk)'}: first page {first * 1000:.3f} ms, page after row "
                  f"{args.rows:,} {deep * 1000:.3f} ms, deep/first {statistics.median(paired):.2f} "
                  f"(per round {min(paired):.2f}-{max(paired):.2f})")
            print(f"  plan of the deep page:\n{explain(client, queries['deep'])}")


if __name__ == "__main__":
    main()
