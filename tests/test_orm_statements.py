"""The SQL the ORM store runs: orderings an index serves, and how many statements each request costs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_restframework_lite.pagination import Pagination
from tests.http_support import mount
from tests.stores import close_stores, store_controllers


@pytest.fixture
def items(tmp_path: Any, settings: Any) -> Any:
    """The inventory items on the ORM store, 30 committed rows, counted pages of 10."""
    api = mount(settings, store_controllers("orm", tmp_path, item_options={"pagination": Pagination(10)}))
    from inventory.models import Item

    Item.objects.bulk_create(Item(name=f"item {n}", quantity=n % 4, weight=n or None) for n in range(30))
    yield api
    close_stores(api.registry.values())


def statements(client: Any, url: str) -> tuple[Any, list[str]]:
    """Return the answer to GET ``url`` and the SQL statements it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response, [query["sql"] for query in queries.captured_queries]


def order_by_clause(sql: str) -> str:
    return sql.upper().rpartition("ORDER BY")[2]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", ["/api/item/?offset=10", "/api/item/?order_by=-id", "/api/item/?order_by=quantity"])
def test_not_null_columns_are_ordered_without_a_nulls_modifier(items: Any, client: Any, url: str) -> None:
    response, sql = statements(client, url)
    assert "NULLS" not in order_by_clause(sql[0]), sql[0]
    objects = json.loads(response.content)["object_list"]
    assert len(objects) == 10


@pytest.mark.django_db(transaction=True)
def test_a_nullable_column_keeps_its_nulls_first(items: Any, client: Any) -> None:
    response, sql = statements(client, "/api/item/?order_by=weight")
    clause = order_by_clause(sql[0])
    assert "NULLS FIRST" in clause and clause.count("NULLS") == 1, sql[0]  # the pk that breaks ties has none
    assert json.loads(response.content)["object_list"][0]["weight"] is None


@pytest.mark.django_db(transaction=True)
def test_postgresql_serves_a_page_from_the_pk_index_without_sorting(items: Any, client: Any) -> None:
    _, sql = statements(client, "/api/item/?offset=10")
    if connection.vendor != "postgresql":
        return  # SQLite's plan has no sort to avoid here; the SQL itself is asserted above
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql[0]}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "Index Scan" in plan and "Sort" not in plan, plan
