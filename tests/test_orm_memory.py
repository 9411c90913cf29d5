"""One list request's memory does not grow with the table: the ORM store never reads the table into Python.

The peak of Python allocations (``tracemalloc``) while answering one page, a
counted page deep in the table and a cursor page, is measured over 10,000 rows
and again over 200,000: it must stay flat. A store that materialised the
matching rows (a ``list()`` of the QuerySet, a Python-side count or slice) would
peak about twenty times higher on the larger table.
"""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest

from django_restframework_lite.pagination import CursorPagination, Pagination
from tests.http_support import mount
from tests.stores import store_controllers

SMALL, LARGE = 10_000, 200_000


def fill(upto: int) -> None:
    """Add items up to ``upto`` rows: one saved by Django, the rest copies of it made by the database in one
    ``INSERT … SELECT`` (creating 200,000 model instances in Python took most of this test's time)."""
    from django.db import connection
    from inventory.models import Item

    have = Item.objects.count()
    if have >= upto:
        return
    first = Item.objects.create(name=f"item {have}", quantity=have % 7, weight=have / 3)
    quote = connection.ops.quote_name
    copied = [field.column for field in Item._meta.concrete_fields
              if not field.primary_key and field.name not in ("name", "quantity", "weight")]
    columns = ", ".join(quote(column) for column in ["name", "quantity", "weight", *copied])
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE seq(n) AS (SELECT CAST(%s AS INTEGER) UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < %s) "
            f"INSERT INTO {quote(Item._meta.db_table)} ({columns}) "
            f"SELECT 'item ' || CAST(n AS TEXT), n %% 7, n / 3.0, {', '.join('t.' + quote(c) for c in copied)} "
            f"FROM seq, (SELECT * FROM {quote(Item._meta.db_table)} WHERE id = %s) t",
            [have + 1, upto, first.pk],
        )
    assert Item.objects.count() == upto


def peak(client: Any, url: str) -> int:
    """Return the peak of Python allocations while answering GET ``url`` (after one warm-up request)."""
    assert client.get(url).status_code == 200
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = client.get(url)
        _, highest = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    return highest


@pytest.mark.django_db
def test_the_memory_of_a_list_request_does_not_grow_with_the_table(tmp_path: Any, settings: Any, client: Any) -> None:
    paginations = {"offset": Pagination(20), "cursor": CursorPagination(20)}
    urls = [("offset", "/api/item/"), ("offset", "/api/item/?offset=9000"), ("cursor", "/api/item/"),
            ("offset", "/api/item/?quantity__gte=3&order_by=-weight"), ("cursor", "/api/item/?order_by=-weight")]

    def measure() -> list[int]:
        peaks = []
        for kind, url in urls:
            mount(settings, store_controllers("orm", tmp_path, item_options={"pagination": paginations[kind]}))
            peaks.append(peak(client, url))
        return peaks

    fill(SMALL)
    small = measure()
    fill(LARGE)
    large = measure()
    for url, before, after in zip(urls, small, large, strict=True):
        # Flat: the same page costs the same, whatever the table holds (a materialised table would be 20x).
        assert after < before * 1.5 + 64 * 1024, (url, before, after)
