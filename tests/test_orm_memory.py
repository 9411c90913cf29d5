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
    from inventory.models import Item

    have = Item.objects.count()
    Item.objects.bulk_create((Item(name=f"item {n}", quantity=n % 7, weight=n / 3) for n in range(have, upto)),
                             batch_size=5_000)


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
