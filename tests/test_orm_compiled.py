"""Compiled statements answer exactly what the plain ORM path answers: status, headers (ETag) and bytes.

The same requests run through an API whose ORM stores compile their statements
(the default) and through the same API with ``compiled=False``, on the same
rows, with orjson and without it; every answer must be identical. The compiled
stores must have kept statements for those requests (else the comparison would
prove nothing).
"""

from __future__ import annotations

import datetime
import decimal
import json
import threading
import uuid
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from django_restframework_lite import jsonencoding
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore
from django_restframework_lite.pagination import CursorPagination, Pagination
from django_restframework_lite.partials import Partial
from tests.http_support import mount, need_orjson

VERBS = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"]}


def controllers(compiled: bool) -> list[type[Controller]]:
    """Categories, items (counted pages, ?fields=, ?expand=category), items by cursor, gadgets (many types, links)."""
    from inventory.models import Category, Gadget, Item

    def ressource(name: str, model: Any) -> dict[str, Any]:
        return {"ressource_name": name, "ressource": model, "datastore": DjangoModelDataStore,
                "options": {"compiled": compiled, "partial": Partial()}}

    options = {"pagination": Pagination(5), "expand": ["category"]}
    return [
        type("Categories", (Controller,), {"ressource": ressource("category", Category), "controller": VERBS}),
        type("Items", (Controller,), {"ressource": ressource("item", Item),
                                      "controller": {**VERBS, "options": options}}),
        type("Cursor", (Controller,), {"ressource": ressource("cursor", Item.objects.filter(quantity__lt=90)),
                                       "controller": {**VERBS, "options": {"pagination": CursorPagination(4)}}}),
        type("Gadgets", (Controller,), {"ressource": ressource("gadget", Gadget),
                                        "controller": {**VERBS, "options": {"pagination": Pagination(4)}}}),
    ]


@pytest.fixture
def rows(db: Any) -> None:
    from inventory.models import Category, Gadget, Item

    categories = [Category.objects.create(name=name) for name in ("tools", "Toys", "food")]
    moment = datetime.datetime(2026, 3, 1, 8, 30, 15, 123000, tzinfo=datetime.timezone.utc)
    Item.objects.bulk_create(
        Item(name=f"{'ab'[n % 2]}item {n:02}", notes=None if n % 3 else f"Note {n}", quantity=n % 5 + (90 if n == 7 else 0),
             weight=None if n % 4 == 0 else n / 4, in_stock=n % 2 == 0, added_at=None if n % 5 == 0 else
             moment + datetime.timedelta(days=n, seconds=n), size="SML"[n % 3], rank=n % 7,
             category=None if n % 6 == 0 else categories[n % 3])
        for n in range(23)
    )
    for n in range(6):
        gadget = Gadget.objects.create(
            made=datetime.date(2025, 1, n + 1) if n % 2 else None, opens=datetime.time(9, n) if n else None,
            warranty=datetime.timedelta(days=n, hours=1) if n % 3 else None, serial=uuid.UUID(int=n) if n else None,
            price=decimal.Decimal(f"{n}.5{n}") if n != 2 else None, specs={"n": n, "tags": ["a"] * n} if n else None,
            blob=bytes(range(n)) if n else None, email=f"g{n}@example.com", ip="::1" if n % 2 else "10.0.0.1",
        )
        gadget.categories.set(categories[: n % 4])


URLS = [
    "/api/category/", "/api/category/2/", "/api/category/99/",
    "/api/item/", "/api/item/?offset=5", "/api/item/?offset=20", "/api/item/?offset=40", "/api/item/?count=0",
    "/api/item/?quantity__gte=2&order_by=-weight", "/api/item/?order_by=name,-added_at&offset=5",
    "/api/item/?notes__isnull=true", "/api/item/?notes=Note%203", "/api/item/?weight=", "/api/item/?name__contains=item 1",
    "/api/item/?name__icontains=ITEM 1", "/api/item/?name__startswith=b", "/api/item/?name__startswith=",
    "/api/item/?name__gt=bitem 05&order_by=name", "/api/item/?quantity__in=1,3,3", "/api/item/?quantity__in=4",
    "/api/item/?quantity__gt=99999999999999999999", "/api/item/?id__lt=-99999999999999999999",
    "/api/item/?added_at__gte=2026-03-10T00:00:00Z", "/api/item/?added_at__lt=2026-03-10T09:00:00%2B01:00",
    "/api/item/?in_stock=true&size__in=S,L", "/api/item/?category=2", "/api/item/?category__isnull=true",
    "/api/item/?fields=name,weight", "/api/item/?fields=added_at&order_by=-added_at",
    "/api/item/?expand=category", "/api/item/3/", "/api/item/3/?fields=notes", "/api/item/3/?expand=category",
    "/api/item/999/", "/api/item/abc/", "/api/item/?quantity=x", "/api/item/?size__in=",
    "/api/cursor/", "/api/cursor/?order_by=-weight,name", "/api/cursor/?order_by=added_at&quantity__lte=3",
    "/api/cursor/7/", "/api/cursor/?fields=weight&order_by=name", "/api/gadget/?fields=categories,price",
    "/api/gadget/", "/api/gadget/?offset=4", "/api/gadget/?order_by=-price", "/api/gadget/?categories=1",
    "/api/gadget/?price__gte=2.5", "/api/gadget/?made__isnull=false&order_by=-made", "/api/gadget/?warranty__lt=P2D",
    "/api/gadget/?serial=00000000-0000-0000-0000-000000000003", "/api/gadget/?specs__isnull=true",
    "/api/gadget/2/", "/api/gadget/?ip=::1", "/api/gadget/?opens__gt=09:02:00",
    # Later values of kinds kept above: each must render its own SQL and parameters, not the first one's.
    "/api/item/?quantity__in=1,2,3", "/api/item/?quantity__in=1,1,2", "/api/item/?quantity__in=2,3",
    "/api/item/?quantity__in=0,1,2,3,4", "/api/item/?quantity__in=92,93", "/api/item/?quantity__gt=3",
    "/api/item/?id__lt=5", "/api/item/?quantity__gte=99999999999999999999", "/api/item/?name__startswith=bitem 1",
    "/api/item/?name__startswith=a", "/api/item/?name__icontains=Item 2", "/api/item/?name__icontains=%C3%89",
    "/api/item/?name__contains=%25", "/api/item/?name__contains=_", "/api/item/?in_stock=false",
    "/api/item/?in_stock=true", "/api/item/?weight=1.5", "/api/item/?weight=", "/api/item/?notes=",
    "/api/item/?notes=Note%200", "/api/item/?name=", "/api/item/?added_at__gte=2026-03-12T00:00:00Z",
    "/api/item/?added_at=2026-03-09T08:30:23.123000Z", "/api/item/?added_at__lt=2026-03-12T09:00:00%2B01:00",
    "/api/item/?category=3", "/api/item/?category__in=1,2", "/api/item/?category__in=3",
    "/api/item/?size__in=M", "/api/item/?size__in=S,M,L", "/api/item/?name__gt=aitem 03&order_by=name",
    "/api/item/?name__lte=bitem 05&order_by=-name", "/api/cursor/?order_by=added_at&quantity__lte=1",
    "/api/gadget/?price__gte=1.55", "/api/gadget/?price=3.53", "/api/gadget/?warranty__lt=PT1H1S",
    "/api/gadget/?serial=00000000-0000-0000-0000-000000000004", "/api/gadget/?opens__gt=09:04:00",
    "/api/gadget/?made__isnull=true", "/api/item/2/", "/api/item/22/", "/api/item/0/", "/api/item/-3/",
]


def answer(client: Any, url: str, **headers: Any) -> tuple[int, dict[str, str], bytes]:
    response = client.get(url, **headers)
    return response.status_code, dict(response.headers), response.content


def crawl(client: Any) -> list[Any]:
    """Every answer to URLS, then each cursor page followed to the end, then each ETag sent back (304)."""
    answers = []
    for url in URLS:
        found = answer(client, url)
        answers.append((url, found))
        if "ETag" in found[1]:
            answers.append((url, answer(client, url, HTTP_IF_NONE_MATCH=found[1]["ETag"])))
    for start in ("/api/cursor/", "/api/cursor/?order_by=-weight,name", "/api/cursor/?order_by=added_at,-name",
                  "/api/cursor/?order_by=-added_at&fields=name"):
        url: str | None = start
        while url:
            found = answer(client, url)
            answers.append((url, found))
            assert found[0] == 200, found
            url = client.get(url).json()["meta"]["next"]
    return answers


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("use_orjson", [True, False], ids=["orjson", "json"])
def test_compiled_and_plain_answers_are_identical(rows: Any, settings: Any, client: Any, monkeypatch: Any,
                                                  use_orjson: bool) -> None:
    if use_orjson:
        need_orjson("")
    monkeypatch.setattr(jsonencoding, "USE_ORJSON", use_orjson)
    api = mount(settings, controllers(True))
    compiled = crawl(client)
    kept = {name: [s for s in store.compiled.shapes.values() if s is not None] for name, store in api.registry.items()}
    assert all(len(statements) >= 2 for statements in kept.values()), kept
    mount(settings, controllers(False))
    plain = crawl(client)
    assert len(compiled) == len(plain)
    for (url, mine), (_, theirs) in zip(compiled, plain, strict=True):
        assert mine == theirs, url
    assert any(status == 304 for _, (status, _, _) in compiled)


@pytest.mark.django_db(transaction=True)
def test_a_shape_is_compiled_once_and_rebinds_its_values(rows: Any, settings: Any, client: Any) -> None:
    api = mount(settings, controllers(True))
    store = api.registry["item"]
    client.get("/api/item/?quantity__gte=1&offset=5")
    shapes = dict(store.compiled.shapes)
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/api/item/?quantity__gte=2&offset=5").json()
    assert store.compiled.shapes == shapes  # no new shape: the same statement, new values
    assert [obj["quantity"] >= 2 for obj in second["object_list"]] == [True] * len(second["object_list"])
    assert second["meta"]["total_count"] == sum(1 for n in range(23) if n % 5 + (90 if n == 7 else 0) >= 2)
    assert len(queries) == 2


@pytest.mark.django_db(transaction=True)
def test_each_thread_reads_on_its_own_connection(rows: Any, settings: Any, monkeypatch: Any) -> None:
    """Threads started one after the other often get the same id: each must still read on its own connection."""
    from django_restframework_lite.datastore import orm_compiled

    api = mount(settings, controllers(True))
    store = api.registry["item"]
    used: list[tuple[Any, Any]] = []
    fetch_all = orm_compiled.fetch_all

    def spy(on: Any, sql: str, params: Any) -> Any:
        used.append((on, connections["default"]))
        return fetch_all(on, sql, params)

    monkeypatch.setattr(orm_compiled, "fetch_all", spy)
    from inventory.models import Item

    third = Item.objects.order_by("id")[2]
    names = []

    def read() -> None:
        try:
            names.append(store.get(third.pk)["name"])
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            names.append(repr(error))
        finally:
            connections.close_all()

    for _ in range(4):
        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
    assert names == [third.name] * 4
    assert len(used) == 4 and all(on is own for on, own in used)


@pytest.mark.django_db(transaction=True)
def test_a_store_can_opt_out_of_compiled_statements(rows: Any, settings: Any, client: Any) -> None:
    api = mount(settings, controllers(False))
    assert client.get("/api/item/?offset=5").status_code == 200
    assert all(store.compiled is None for store in api.registry.values())


# Writes: one statement (INSERT/UPDATE ... RETURNING) or the transaction and the read-back, same answers -------


WRITES: list[tuple[str, str, Any]] = [
    ("post", "item", {"name": "new", "quantity": 3, "weight": 2, "added_at": "2026-05-01T10:00:00+02:00",
                      "category": "@category"}),
    ("post", "item", {"name": "nowhere", "quantity": 3, "category": 99999}),
    ("post", "item", {"name": "too long a name for it", "quantity": 3}),
    ("post", "item", {"quantity": 3}),
    ("post", "item", {"name": "ranked", "quantity": 1, "rank": 101}),
    ("post", "gadget", {"made": "2026-02-03", "opens": "10:11:12", "warranty": "P3DT4H", "price": "12.5",
                        "serial": "00000000-0000-0000-0000-0000000000aa", "specs": {"z": 1, "a": [1.5, None]},
                        "blob": "AAEC", "email": "x@example.com", "ip": "::ffff:10.0.0.1"}),
    ("post", "gadget", {"categories": ["@category"], "price": "3"}),
    ("post", "gadget", {"price": "123456789"}),
    ("patch", "item", {"name": "renamed", "weight": 4, "notes": "n"}),
    ("patch", "item", {"category": 99999}),
    ("patch", "item", {"category": "@category", "added_at": "2026-01-01T00:00:00Z"}),
    ("patch", "item", {"quantity": "many"}),
    ("put", "item", {"rank": 5}),
    ("patch", "gadget", {"price": "7.25", "specs": {"b": 2, "a": 1}, "ip": "2001:db8::1"}),
    ("patch", "gadget", {"categories": ["@category"]}),
    ("patch", "gadget", {"warranty": "nonsense"}),
]


def both_ways(settings: Any) -> None:
    """Mount the API twice: compiled under /fast/, plain under /plain/."""
    from django.urls import path

    from django_restframework_lite.urls import include
    from tests.http_support import urlconf

    settings.ROOT_URLCONF = urlconf(path("fast/", include(controllers(True), name="fast")),
                                    path("plain/", include(controllers(False), name="plain")))


def written(client: Any, prefix: str, method: str, ressource: str, body: Any, target: Any, category: int) -> Any:
    """Send one write; return its status, body (pk and URIs apart) and whether its ETag is the one a GET then gives."""
    body = {key: ([category] if value == ["@category"] else category if value == "@category" else value)
            for key, value in body.items()}
    url = f"/{prefix}/{ressource}/" + ("" if method == "post" else f"{target[ressource]}/")
    response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
    answer = response.json()
    tag_holds = None
    if response.status_code == 201:
        target[ressource] = answer["id"]
    if response.status_code in (200, 201):
        read = client.get(f"/{prefix}/{ressource}/{answer['id']}/")
        tag_holds = (read.json() == answer, read["ETag"] == response["ETag"])
        answer = {key: value for key, value in answer.items() if key not in ("id", "ressource_uri")}
    return response.status_code, answer, tag_holds


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("use_orjson", [True, False], ids=["orjson", "json"])
def test_writes_answer_alike_on_both_paths(rows: Any, settings: Any, client: Any, monkeypatch: Any,
                                          use_orjson: bool) -> None:
    from inventory.models import Category, Gadget, Item

    before = (Item.objects.count(), Gadget.objects.count())
    if use_orjson:
        need_orjson("")
    monkeypatch.setattr(jsonencoding, "USE_ORJSON", use_orjson)
    both_ways(settings)
    category = Category.objects.order_by("id").first().pk
    created: dict[str, dict[str, Any]] = {"fast": {}, "plain": {}}  # each side's last created row: what it updates
    for method, ressource, body in WRITES:
        fast = written(client, "fast", method, ressource, body, created["fast"], category)
        plain = written(client, "plain", method, ressource, body, created["plain"], category)
        assert fast == plain, (method, ressource, body)
        assert fast[2] in (None, (True, True)), (method, ressource, body)
    assert (Item.objects.count(), Gadget.objects.count()) == (before[0] + 2, before[1] + 4)


def test_the_row_decoder_gives_each_key_its_column_and_conversion_whatever_the_keys_spell() -> None:
    from django_restframework_lite.datastore.orm_compiled import LINK_KEY, row_decoder

    steps = [("plain", 2, None), ("it's", 0, str.upper), ('a "quoted"\n\\ key', 1, None),
             (LINK_KEY + "owner_id", 3, lambda value: -value), ("again", 0, None)]
    rows = [("ab", 1, None, 5), ("cd", 2, 3.5, 6)]
    expected = [{name: value if convert is None else convert(value) for name, column, convert in steps
                 for value in [row[column]]} for row in rows]
    decoded = row_decoder(steps)(rows)
    assert decoded == expected and [list(row) for row in decoded] == [[name for name, *_ in steps]] * 2
    assert row_decoder([])([(), ()]) == [{}, {}]
