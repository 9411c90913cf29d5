"""The SQL the ORM store runs: orderings an index serves, and how many statements each request costs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_restframework_lite.datastore.validators import UniqueTogether
from django_restframework_lite.pagination import CursorPagination, Pagination
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



# Statements per request, on both databases ----------------------------------------------------------


def counted(client: Any, method: str, url: str, data: Any = None) -> tuple[Any, list[str]]:
    """Return the answer to ``method url`` and its SQL statements, transaction control (BEGIN, COMMIT) apart."""
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, json.dumps(data) if data is not None else None,
                                           content_type="application/json")
    return response, [query["sql"] for query in queries.captured_queries
                      if query["sql"].split(" ")[0].upper() not in ("BEGIN", "COMMIT")]


@pytest.mark.django_db(transaction=True)
def test_reads_cost_one_statement_and_a_counted_page_two(items: Any, client: Any) -> None:
    assert len(counted(client, "get", "/api/item/?offset=10")[1]) == 2
    assert len(counted(client, "get", "/api/item/?offset=25")[1]) == 1  # a short page knows its total
    from inventory.models import Item

    assert len(counted(client, "get", f"/api/item/{Item.objects.first().pk}/")[1]) == 1
    assert len(counted(client, "get", "/api/item/40400/")[1]) == 1


@pytest.mark.django_db(transaction=True)
def test_a_create_with_a_foreign_key_is_one_insert(items: Any, client: Any) -> None:
    from inventory.models import Category, Item

    category = Category.objects.create(name="tools")
    response, sql = counted(client, "post", "/api/item/", {"name": "new", "quantity": 2, "weight": 3,
                                                           "category": category.pk})
    assert response.status_code == 201, response.content
    assert len(sql) == 1 and sql[0].upper().startswith("INSERT") and "RETURNING" in sql[0].upper(), sql
    created = response.json()
    assert created["weight"] == 3.0 and b'"weight":3.0' in response.content  # as a read gives it
    assert created == client.get(f"/api/item/{created['id']}/").json()
    assert response["ETag"] == client.get(f"/api/item/{created['id']}/")["ETag"]
    assert Item.objects.filter(pk=created["id"], category=category).exists()


@pytest.mark.django_db(transaction=True)
def test_a_create_naming_no_row_is_refused_by_the_constraint_with_the_same_message(items: Any, client: Any) -> None:
    from inventory.models import Item

    before = Item.objects.count()
    response, sql = counted(client, "post", "/api/item/", {"name": "new", "quantity": 2, "category": 999})
    assert response.status_code == 400
    assert response.json() == {"error": "category does not validate", "fields": {"category": "No category matches 999."}}
    assert len(sql) == 1
    assert Item.objects.count() == before
    # A body the model refuses never reaches the database.
    response, sql = counted(client, "post", "/api/item/", {"name": "x" * 30, "quantity": 2})
    assert response.status_code == 400 and sql == []


def every_statement(client: Any, method: str, url: str, data: Any, **headers: Any) -> tuple[Any, list[tuple[str, bool]]]:
    """Return the answer and each statement sent with whether it ran in autocommit (alone: no BEGIN, no COMMIT).

    Nothing is left out: SQLite's BEGIN and COMMIT are statements Django sends, and
    PostgreSQL's (which psycopg sends itself) show as statements run outside autocommit.
    """
    modes: list[bool] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        modes.append(connection.get_autocommit())
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(record):
        response = getattr(client, method)(url, json.dumps(data), content_type="application/json", **headers)
    return response, [(query["sql"], mode) for query, mode in zip(queries.captured_queries, modes, strict=False)]


@pytest.mark.django_db(transaction=True)
def test_an_update_is_two_statements_in_autocommit_and_if_match_still_holds(items: Any, client: Any) -> None:
    from inventory.models import Item

    url = f"/api/item/{Item.objects.order_by('id').values_list('id', flat=True)[2]}/"
    etag = client.get(url)["ETag"]
    response, sql = every_statement(client, "patch", url, {"name": "renamed", "weight": 7}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    # The read, then UPDATE … WHERE the row is unchanged RETURNING it (Django 5.2 cannot return from an UPDATE:
    # a SELECT reads it back, as the locking path does there).
    returning = getattr(connection.features, "can_return_rows_from_update", False)
    assert len(sql) == (2 if returning else 3) and all(alone for _, alone in sql), sql
    assert sql[1][0].upper().startswith("UPDATE") and ("RETURNING" in sql[1][0].upper()) == returning
    assert ("xmin" in sql[1][0]) == (connection.vendor == "postgresql")
    assert response.json() == client.get(url).json()
    assert response["ETag"] == client.get(url)["ETag"]
    stale = client.patch(url, json.dumps({"name": "again"}), content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert client.get(url).json()["name"] == "renamed"


@pytest.mark.django_db(transaction=True)
def test_an_update_of_a_row_changed_since_it_was_read_takes_the_lock_and_judges_again(items: Any, client: Any) -> None:
    from inventory.models import Item

    pk = Item.objects.order_by("id").values_list("id", flat=True)[4]
    url = f"/api/item/{pk}/"
    etag = client.get(url)["ETag"]
    store = items.registry["item"]
    write = store.update_returning

    def changed_meanwhile(*args: Any) -> Any:  # another client's write lands between the read and the UPDATE
        Item.objects.filter(pk=pk).update(quantity=99)
        store.update_returning = write
        return write(*args)

    store.update_returning = changed_meanwhile
    stale = client.patch(url, json.dumps({"name": "mine"}), content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412, stale.content  # read again under the lock: the tag no longer matches
    assert client.get(url).json()["quantity"] == 99 and client.get(url).json()["name"] != "mine"
    store.update_returning = changed_meanwhile
    response = client.patch(url, json.dumps({"name": "mine"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["name"] == "mine" and response.json()["quantity"] == 99
    assert response.json() == client.get(url).json()


@pytest.mark.django_db(transaction=True)
def test_what_needs_the_transaction_keeps_it(tmp_path: Any, settings: Any, client: Any) -> None:
    """A before_write hook, validators or a column SQLite does not compare by identity: the update under a lock."""
    from inventory.models import Item

    category, item_endpoint, part = store_controllers("orm", tmp_path)

    class Hooked(item_endpoint):  # type: ignore[misc,valid-type]
        def before_write(self, request: Any, data: dict[str, Any], current: Any) -> dict[str, Any]:
            return data

    api = mount(settings, [category, Hooked, part])
    item = Item.objects.create(name="hooked", quantity=1)
    response, sql = every_statement(client, "patch", f"/api/item/{item.pk}/", {"quantity": 2})
    assert response.status_code == 200 and not all(alone for _, alone in sql), sql
    close_stores(api.registry.values())
    api = mount(settings, store_controllers("orm", tmp_path, item_ressource_options={
        "validators": [UniqueTogether("name", "size")]}))
    response, sql = every_statement(client, "patch", f"/api/item/{item.pk}/", {"quantity": 3})
    assert response.status_code == 200 and not all(alone for _, alone in sql), sql
    assert api.registry["item"].version_kind("default") is None
    close_stores(api.registry.values())


def test_sqlite_compares_by_identity_numbers_text_times_and_bytes_but_not_json_or_a_collation() -> None:
    from django.db import models
    from inventory.models import Everything

    from django_restframework_lite.datastore.orm_versioned import compared_by_identity

    fields = {field.name: field for field in Everything._meta.concrete_fields}
    refused = {name for name, field in fields.items() if not compared_by_identity(field)}
    assert refused == {"json", "ip", "file", "image", "path"}  # JSON normalizes; the rest is not in the list
    assert not compared_by_identity(models.CharField(max_length=5, db_collation="NOCASE"))


@pytest.mark.django_db(transaction=True)
def test_a_cursor_page_and_an_uncounted_page_are_one_statement(tmp_path: Any, settings: Any, client: Any) -> None:
    from inventory.models import Item

    Item.objects.bulk_create(Item(name=f"item {n}", quantity=n % 4) for n in range(30))
    for pagination in (CursorPagination(10), Pagination(10, total="none")):
        api = mount(settings, store_controllers("orm", tmp_path, item_options={"pagination": pagination}))
        first, sql = counted(client, "get", "/api/item/?order_by=-quantity")
        assert first.status_code == 200 and len(sql) == 1, sql
        following = first.json()["meta"]["next"]
        response, sql = counted(client, "get", following)
        assert response.status_code == 200 and len(sql) == 1, sql
        close_stores(api.registry.values())


@pytest.mark.django_db(transaction=True)
def test_a_create_with_validators_checks_in_a_transaction_and_reads_nothing_back(tmp_path: Any, settings: Any,
                                                                                 client: Any) -> None:
    from inventory.models import Category, Item

    api = mount(settings, store_controllers("orm", tmp_path, item_ressource_options={
        "validators": [UniqueTogether("name", "size")]}))
    category = Category.objects.create(name="tools")
    body = {"name": "twice", "quantity": 1, "category": category.pk}
    response, sql = counted(client, "post", "/api/item/", body)
    assert response.status_code == 201, response.content
    assert response.json() == client.get(f"/api/item/{response.json()['id']}/").json()
    assert sql[-1].upper().startswith("INSERT") and "RETURNING" in sql[-1].upper(), sql  # no read-back SELECT
    again, _ = counted(client, "post", "/api/item/", body)
    assert again.status_code == 409 and again.json()["error"] == "name,size must be unique together"
    missing, _ = counted(client, "post", "/api/item/", {**body, "name": "other", "category": 99999})
    assert missing.json() == {"error": "category does not validate", "fields": {"category": "No category matches 99999."}}
    assert Item.objects.count() == 1
    close_stores(api.registry.values())
