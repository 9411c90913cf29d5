"""``Pagination(total=...)``: an exact count, no count (one statement per page), or the database's estimate."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_restframework_lite.pagination import Pagination
from django_restframework_lite.urls import include
from tests.http_support import mount, user_endpoint, users
from tests.stores import close_stores, store_controllers


def body(response):
    return json.loads(response.content)


def ids(response):
    return [obj["id"] for obj in body(response)["object_list"]]


@pytest.fixture
def uncounted(settings):
    mount(settings, [user_endpoint(users(25), options={"pagination": Pagination(10, total="none")})])


def test_without_a_total_the_meta_has_no_total_count(uncounted, client):
    response = client.get("/api/users/?offset=10")
    assert body(response)["meta"] == {"offset": 10, "count": 10, "next": "/api/users/?offset=20",
                                      "previous": "/api/users/?offset=0", "filters": {}}
    assert ids(response) == list(range(11, 21))


def test_without_a_total_the_last_page_has_no_next(uncounted, client):
    assert body(client.get("/api/users/?offset=20"))["meta"]["next"] is None
    assert ids(client.get("/api/users/?offset=20")) == list(range(21, 26))


def test_without_a_total_an_exactly_full_last_page_has_no_next(uncounted, client):
    response = client.get("/api/users/?offset=15&count=10")
    assert ids(response) == list(range(16, 26))
    assert body(response)["meta"]["next"] is None


def test_without_a_total_filters_and_count_zero_keep_their_meaning(uncounted, client):
    response = client.get("/api/users/?last_name=Doe&count=3")
    assert body(response)["meta"] == {"offset": 0, "count": 3, "next": "/api/users/?last_name=Doe&count=3&offset=3",
                                      "previous": None, "filters": {"last_name": "Doe"}}
    assert body(client.get("/api/users/?count=0&offset=4"))["meta"] == {
        "offset": 4, "count": 0, "next": None, "previous": None, "filters": {}}


def test_an_estimated_total_on_a_store_without_estimates_is_the_exact_count(settings, client):
    mount(settings, [user_endpoint(users(25), options={"pagination": Pagination(10, total="estimated")})])
    response = client.get("/api/users/?offset=5&age__gte=25")
    assert body(response)["meta"] == {"offset": 5, "count": 10, "total_count": 20, "next": "/api/users/?offset=15&age__gte=25",
                                      "previous": "/api/users/?offset=0&age__gte=25", "filters": {"age__gte": "25"}}
    assert body(client.get("/api/users/?offset=10&age__gte=25"))["meta"]["next"] is None


def test_relation_ordering_sorted_here_keeps_the_total_mode(settings, client):
    from tests.http_support import address_endpoint

    data = users(5)
    for row in data:
        row["address"] = 1 + row["id"] % 2
    mount(settings, [address_endpoint(), user_endpoint(
        data, options={"pagination": Pagination(2, total="none"), "order_fields": ["address__city", "id"]})])
    response = client.get("/api/users/?order_by=address__city,id")
    assert body(response)["meta"] == {"offset": 0, "count": 2, "next": "/api/users/?order_by=address__city%2Cid&offset=2",
                                      "previous": None, "filters": {}}
    assert ids(response) == [1, 3]  # Madrid (address 2) before Paris (address 1)


@pytest.mark.parametrize("total", ["Exact", "count", None, 1, ""])
def test_a_bad_total_is_refused_when_the_urls_are_built(total):
    endpoint = user_endpoint(options={"pagination": Pagination(10, total=total)})
    with pytest.raises(ImproperlyConfigured) as caught:
        include([endpoint])
    problem = caught.value.problems[0]
    assert (problem.id, problem.key) == ("E005", "controller['options']['pagination']")
    assert problem.message == (
        f"Pagination(total={total!r}): total must be one of 'exact', 'none', 'estimated' "
        "(count every match, leave total_count out, or take the database's estimate)."
    )


def test_a_bad_total_is_reported_by_manage_py_check(tmp_path, monkeypatch, settings):
    (tmp_path / "drfl_total_urls.py").write_text(
        "from django.urls import path\n"
        "from django_restframework_lite.pagination import Pagination\n"
        "from django_restframework_lite.urls import include\n"
        "from tests.http_support import user_endpoint\n"
        "PagedEndPoint = user_endpoint(options={'pagination': Pagination(10, total='sometimes')})\n"
        "urlpatterns = [path('api/', include([PagedEndPoint]))]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.ROOT_URLCONF = "drfl_total_urls"
    with pytest.raises((SystemCheckError, ImproperlyConfigured)) as caught:
        call_command("check")
    assert "controller['options']['pagination']: Pagination(total='sometimes'): total must be one of" in str(caught.value)


def test_a_subclass_overriding_get_meta_must_take_more_with_another_total():
    class OldMeta(Pagination):
        def get_meta(self, *, offset, count, total_count, path, query):
            return {"total": total_count}

    with pytest.raises(ImproperlyConfigured, match="must take the keyword arguments more and estimated"):
        include([user_endpoint(options={"pagination": OldMeta(5, total="none")})])
    include([user_endpoint(options={"pagination": OldMeta(5)})])  # the exact total still calls it as before


# SQL statements and the database's estimate, on the ORM ------------------------------------------


@pytest.fixture
def orm_items(tmp_path, settings, client):
    """The inventory items on the ORM store (committed: ANALYZE sees them), 30 rows, with the given pagination."""
    built = []

    def build(pagination):
        api = mount(settings, store_controllers("orm", tmp_path, item_options={"pagination": pagination}))
        built.append(api)
        from inventory.models import Item

        Item.objects.bulk_create(Item(name=f"item {n}", quantity=n % 4) for n in range(30))
        return api

    yield build
    for api in built:
        close_stores(api.registry.values())


def statements(client, url):
    """Return the answer to GET ``url`` and the SQL statements it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response, [query["sql"] for query in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_a_page_without_a_total_is_one_statement(orm_items, client):
    orm_items(Pagination(10, total="none"))
    response, sql = statements(client, "/api/item/?offset=10&quantity__gte=1")
    assert len(sql) == 1, sql
    assert body(response)["meta"]["next"] == "/api/item/?offset=20&quantity__gte=1"
    assert "total_count" not in body(response)["meta"]


@pytest.mark.django_db(transaction=True)
def test_a_counted_full_page_is_two_statements_and_a_short_one_is_one(orm_items, client):
    orm_items(Pagination(10))
    assert len(statements(client, "/api/item/?offset=10")[1]) == 2
    assert len(statements(client, "/api/item/?offset=25")[1]) == 1


@pytest.mark.django_db(transaction=True)
def test_an_estimated_total_is_postgresql_s_estimate_and_exact_elsewhere(orm_items, client):
    orm_items(Pagination(10, total="estimated"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE inventory_item")
    response, sql = statements(client, "/api/item/?offset=10")
    meta = body(response)["meta"]
    assert len(sql) == 2
    if connection.vendor == "postgresql":
        assert sql[1].upper().startswith("EXPLAIN (FORMAT JSON)")
        assert (meta["total_count"], meta["total_count_estimated"]) == (30, True)
        assert list(meta) == ["offset", "count", "total_count", "total_count_estimated", "next", "previous", "filters"]
    else:
        assert meta["total_count"] == 30 and "total_count_estimated" not in meta
    # A short page knows its total exactly: no estimate, no flag.
    short = body(statements(client, "/api/item/?offset=25")[0])["meta"]
    assert (short["total_count"], "total_count_estimated" in short) == (30, False)
