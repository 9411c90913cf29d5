"""The contenders of the benchmark: the same four endpoints written five ways, on the address book's tables.

Every side serves ``users`` of ``addressbook.models`` (first and last name, an
optional address) and does the same work for each scenario:

- list: a page of the users in pk order with the total count and the links to
  the neighbouring pages; each user is its names, its address as a URI and its
  own URI (the pk hidden, as in the tutorial);
- detail: one user;
- create: a JSON body whose names are required strings of at most 100
  characters, unique together, with an optional address given as a URI that must
  exist; 201 with ``Location`` and the new user.

The sides:

- ``hand-written``: Django views with ``.values()`` and ``django.http.JsonResponse``,
  the least a Django developer writes for it (the baseline: 1.00);
- ``library``: django-restframework-lite's controllers;
- ``raw cursor + orjson``: ``connection.cursor()`` and orjson (json without it):
  the ceiling, with no ORM and no framework at all;
- ``DRF`` and ``ninja``: Django REST framework and django-ninja, when installed
  (``pip install "django-restframework-lite[bench]"``).

``sides(prefix_of)`` returns the URL patterns; ``requests(...)`` in run.py says
which request each side answers for each scenario.
"""

from __future__ import annotations

import json
from typing import Any

PAGE = 20
MAX_PAGE = 100
COLUMNS = ("id", "first_name", "last_name", "address_id")


def address_pk(value: Any) -> int | None:
    """Read an address given as a URI (``/x/address/3/``) or a pk; raise ValueError when it is neither."""
    if value is None:
        return None
    if isinstance(value, str):
        return int(value.rstrip("/").rsplit("/", 1)[-1])
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(value)
    return value


def bad_names(data: dict[str, Any]) -> str | None:
    """Return the error of a body whose names are missing or invalid, as the library words it."""
    for name in ("first_name", "last_name"):
        value = data.get(name)
        if value is None:
            return f"{name} is missing. Cannot create the ressource"
        if not isinstance(value, str) or len(value) > 100 or "\x00" in value:
            return f"{name} does not validate"
    return None


def page_meta(prefix: str, offset: int, count: int, total: int) -> dict[str, Any]:
    return {
        "offset": offset,
        "count": count,
        "total_count": total,
        "next": f"/{prefix}/users/?offset={offset + count}&count={count}" if offset + count < total else None,
        "previous": f"/{prefix}/users/?offset={max(offset - count, 0)}&count={count}" if offset > 0 else None,
        "filters": {},
    }


def read_page(request: Any) -> tuple[int, int]:
    offset = int(request.GET.get("offset", 0))
    count = min(int(request.GET.get("count", PAGE)), MAX_PAGE)
    if offset < 0 or count < 0:
        raise ValueError("negative")
    return offset, count


# The baseline: .values() and JsonResponse -----------------------------------------------------------


def hand_written(prefix: str) -> list[Any]:
    from addressbook.models import Address, User
    from django.db import transaction
    from django.http import JsonResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    def represent(row: dict[str, Any]) -> dict[str, Any]:
        address = row["address_id"]
        return {"first_name": row["first_name"], "last_name": row["last_name"],
                "address": None if address is None else f"/{prefix}/address/{address}/",
                "ressource_uri": f"/{prefix}/users/{row['id']}/"}

    def create(request: Any) -> JsonResponse:
        if request.content_type != "application/json":
            return JsonResponse({"error": "Send JSON."}, status=415)
        try:
            data = json.loads(request.body)
        except ValueError:
            return JsonResponse({"error": "Malformed JSON."}, status=400)
        if not isinstance(data, dict):
            return JsonResponse({"error": "The body must be a JSON object."}, status=400)
        error = bad_names(data)
        if error:
            return JsonResponse({"error": error}, status=400)
        try:
            address = address_pk(data.get("address"))
        except ValueError:
            return JsonResponse({"error": "address does not validate"}, status=400)
        with transaction.atomic():
            if User.objects.filter(first_name=data["first_name"], last_name=data["last_name"]).exists():
                return JsonResponse({"error": "first_name,last_name must be unique together"}, status=400)
            if address is not None and not Address.objects.filter(pk=address).exists():
                return JsonResponse({"error": "address does not validate"}, status=400)
            user = User.objects.create(first_name=data["first_name"], last_name=data["last_name"], address_id=address)
        response = JsonResponse(represent({"id": user.pk, **data, "address_id": address}), status=201)
        response["Location"] = f"/{prefix}/users/{user.pk}/"
        return response

    @csrf_exempt
    def user_list(request: Any) -> JsonResponse:
        if request.method == "POST":
            return create(request)
        try:
            offset, count = read_page(request)
        except ValueError:
            return JsonResponse({"error": "offset and count must be non-negative integers."}, status=400)
        users = User.objects.order_by("id")
        total = users.count()
        rows = users.values(*COLUMNS)[offset : offset + count]
        return JsonResponse({"meta": page_meta(prefix, offset, count, total), "object_list": [represent(r) for r in rows]})

    def user_detail(request: Any, pk: int) -> JsonResponse:
        row = User.objects.filter(pk=pk).values(*COLUMNS).first()
        if row is None:
            return JsonResponse({"error": "Not found."}, status=404)
        return JsonResponse(represent(row))

    return [path(f"{prefix}/users/", user_list), path(f"{prefix}/users/<int:pk>/", user_detail)]


# The ceiling: a cursor and orjson -------------------------------------------------------------------------


def raw_cursor(prefix: str) -> list[Any]:
    from django.db import connection, transaction
    from django.http import HttpResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    try:
        import orjson

        dumps, loads = orjson.dumps, orjson.loads
    except ImportError:
        dumps, loads = (lambda data: json.dumps(data, separators=(",", ":")).encode()), json.loads

    def answer(data: Any, status: int = 200) -> HttpResponse:
        return HttpResponse(dumps(data), status=status, content_type="application/json")

    def represent(row: tuple[Any, ...]) -> dict[str, Any]:
        pk, first, last, address = row
        return {"first_name": first, "last_name": last, "address": None if address is None else f"/{prefix}/address/{address}/",
                "ressource_uri": f"/{prefix}/users/{pk}/"}

    select = "SELECT id, first_name, last_name, address_id FROM addressbook_user"

    def create(request: Any) -> HttpResponse:
        try:
            data = loads(request.body)
        except ValueError:
            return answer({"error": "Malformed JSON."}, 400)
        error = bad_names(data) if isinstance(data, dict) else "The body must be a JSON object."
        if error:
            return answer({"error": error}, 400)
        try:
            address = address_pk(data.get("address"))
        except ValueError:
            return answer({"error": "address does not validate"}, 400)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM addressbook_user WHERE first_name = %s AND last_name = %s LIMIT 1",
                           [data["first_name"], data["last_name"]])
            if cursor.fetchone():
                return answer({"error": "first_name,last_name must be unique together"}, 400)
            if address is not None:
                cursor.execute("SELECT 1 FROM addressbook_address WHERE id = %s", [address])
                if not cursor.fetchone():
                    return answer({"error": "address does not validate"}, 400)
            cursor.execute("INSERT INTO addressbook_user (first_name, last_name, address_id) VALUES (%s, %s, %s) RETURNING id",
                           [data["first_name"], data["last_name"], address])
            pk = cursor.fetchone()[0]
        response = answer(represent((pk, data["first_name"], data["last_name"], address)), 201)
        response["Location"] = f"/{prefix}/users/{pk}/"
        return response

    @csrf_exempt
    def user_list(request: Any) -> HttpResponse:
        if request.method == "POST":
            return create(request)
        try:
            offset, count = read_page(request)
        except ValueError:
            return answer({"error": "offset and count must be non-negative integers."}, 400)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM addressbook_user")
            total = cursor.fetchone()[0]
            cursor.execute(f"{select} ORDER BY id LIMIT %s OFFSET %s", [count, offset])
            rows = cursor.fetchall()
        return answer({"meta": page_meta(prefix, offset, count, total), "object_list": [represent(row) for row in rows]})

    def user_detail(request: Any, pk: int) -> HttpResponse:
        with connection.cursor() as cursor:
            cursor.execute(f"{select} WHERE id = %s", [pk])
            row = cursor.fetchone()
        return answer({"error": "Not found."}, 404) if row is None else answer(represent(row))

    return [path(f"{prefix}/users/", user_list), path(f"{prefix}/users/<int:pk>/", user_detail)]


# The library ---------------------------------------------------------------------------------------------


def library(prefix: str) -> list[Any]:
    from addressbook.models import Address, User
    from django.urls import path

    from django_restframework_lite.controllers import Controller
    from django_restframework_lite.datastore import DjangoModelDataStore
    from django_restframework_lite.datastore.validators import UniqueTogether
    from django_restframework_lite.formaters import foreign_keys_format, format_foreign_key, remove_id
    from django_restframework_lite.pagination import Pagination
    from django_restframework_lite.urls import include

    class UserEndPoint(Controller):
        ressource = {"ressource_name": "users", "ressource": User, "datastore": DjangoModelDataStore,
                     "options": {"validators": [UniqueTogether("first_name", "last_name")]}}
        controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET"],
                      "options": {"pagination": Pagination(MAX_PAGE), "formaters": [foreign_keys_format]}}
        view = {"options": {"formaters": ["add_ressource_uri", remove_id, format_foreign_key]}}

    class AddressEndPoint(UserEndPoint):
        ressource = {"ressource_name": "address", "ressource": Address, "datastore": DjangoModelDataStore}

    return [path(f"{prefix}/", include([UserEndPoint, AddressEndPoint], name="bench", autodoc=False, autospore=False,
                                       openapi=False, docs=False, hello=False))]
