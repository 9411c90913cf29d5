"""The demo's docs page says what the API does: checked over HTTP against the API's own answers.

For ``users`` (``remove_id`` and ``format_foreign_key`` in its view): no ``id``,
``address`` as a URI, every filter with its lookups, ordering, search and
expand, an example object and list page shaped as the real answers are, and the
error bodies exactly as the API renders them.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from addressbook.models import Address, User
from django.urls import resolve

pytestmark = pytest.mark.django_db


class Section(HTMLParser):
    """Collect the text of the elements of one ressource's section that the tests read."""

    def __init__(self, ressource: str) -> None:
        super().__init__()
        self.ressource = ressource
        self.inside = False
        self.depth = 0
        self.capture: list[str] | None = None
        self.rows: list[list[str]] = []
        self.filters: dict[str, list[str]] = {}
        self.pres: dict[str, str] = {}
        self.errors: dict[int, str] = {}
        self.queries = ""
        self._filter: str | None = None
        self._figure: str | None = None
        self._status: int | None = None
        self._in_fields = self._in_queries = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section" and attributes.get("id") == f"ressource-{self.ressource}":
            self.inside = True
        if not self.inside:
            return
        if tag == "section":
            self.depth += 1
        classes = (attributes.get("class") or "").split()
        if tag == "table" and "fields" in classes:
            self._in_fields = True
        elif tag == "tr" and self._in_fields:
            self.rows.append([])
        elif tag == "td" and self._in_fields:
            self.capture = []
        elif tag == "dl" and "queries" in classes:
            self._in_queries = True
        elif tag == "li" and attributes.get("data-filter"):
            self._filter = attributes["data-filter"]
            self.filters[self._filter] = []
        elif tag == "code" and self._filter is not None:
            self.capture = []
        elif tag == "figure":
            self._figure = next(name for name in classes if name.startswith("example-"))
        elif tag == "dt" and attributes.get("data-status"):
            self._status = int(attributes["data-status"] or 0)
        elif tag == "pre" and (self._figure or self._status):
            self.capture = []

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        text = "".join(self.capture or []).strip()
        if tag == "td" and self.capture is not None:
            self.rows[-1].append(text)
            self.capture = None
        elif tag == "code" and self._filter is not None and self.capture is not None:
            if text != self._filter:
                self.filters[self._filter].append(text)
            self.capture = None
        elif tag == "li":
            self._filter = None
        elif tag == "table":
            self._in_fields = False
        elif tag == "dl":
            self._in_queries = False
        elif tag == "pre" and self.capture is not None:
            if self._figure:
                self.pres[self._figure] = text
            elif self._status:
                self.errors[self._status] = text
                self._status = None
            self.capture = None
        elif tag == "figure":
            self._figure = None
        elif tag == "section":
            self.depth -= 1
            self.inside = self.depth > 0

    def handle_data(self, data: str) -> None:
        if not self.inside:
            return
        if self.capture is not None:
            self.capture.append(data)
        if self._in_queries:
            self.queries += data


@pytest.fixture
def users_section(client: Any, settings: Any, tmp_path: Any) -> Section:
    settings.ADDRESSBOOK_SQLITE_PATH = str(tmp_path / "notes.db")
    paris = Address.objects.create(country="France", city="Paris", street="quai de Valmy", number=45)
    User.objects.create(first_name="John", last_name="Doe", address=paris)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    section = Section("users")
    section.feed(response.content.decode())
    return section


def test_the_fields_are_those_the_api_sends(client: Any, users_section: Section) -> None:
    rows = {row[0].split()[0]: row for row in users_section.rows if row}
    sent = client.get("/api/users/").json()["object_list"][0]

    assert list(rows) == list(sent) == ["first_name", "last_name", "address", "ressource_uri"]  # no id
    assert "integer" not in rows["address"][1]
    assert "URI" in rows["address"][3]


def test_the_example_object_and_page_are_shaped_as_the_answers(client: Any, users_section: Section) -> None:
    example = json.loads(users_section.pres["example-object"])
    page = json.loads(users_section.pres["example-page"])
    answer = client.get("/api/users/?count=1").json()

    assert list(example) == list(answer["object_list"][0])
    assert re.fullmatch(r"/api/address/\d+/", example["address"])
    assert re.fullmatch(r"/api/users/\d+/", example["ressource_uri"])
    assert list(page) == ["meta", "object_list"] and page["object_list"] == [example]
    assert list(page["meta"]) == list(answer["meta"])


def test_every_filter_is_listed_with_its_lookups(users_section: Section) -> None:
    controller = resolve("/api/users/").func.drfl_api.get_controller("users")  # the API that serves /api/
    expected = {name: sorted(lookups) for name, lookups in controller.query_rules.filters.items()}
    expected.update({name: sorted(lookups) for name, (_, lookups) in controller.relations.filters.items()})

    assert {name: sorted(lookups) for name, lookups in users_section.filters.items()} == expected
    assert set(expected) == {"first_name", "last_name", "address", "address__city", "address__country"}
    assert "?order_by= first_name, last_name, address__city" in " ".join(users_section.queries.split())
    assert "?search= in first_name, last_name, address__city" in " ".join(users_section.queries.split())
    assert "?expand= address" in " ".join(users_section.queries.split())


def test_the_error_bodies_are_the_api_s_own(client: Any, users_section: Section) -> None:
    errors = {status: json.loads(body) for status, body in users_section.errors.items()}

    assert sorted(errors) == [400, 404, 405, 409, 412, 415, 503]
    assert errors[400] == client.post("/api/users/", {}, content_type="application/json").json()
    User.objects.all().delete()
    assert errors[404] == client.get("/api/users/1/").json()  # the pk's example, 1, is no user now
    assert errors[405]["error"] and client.delete("/api/users/").status_code == 405
    unsupported = client.post("/api/users/", "a=1", content_type="text/plain")  # its message names the type sent
    assert unsupported.status_code == 415 and list(errors[415]) == list(unsupported.json()) == ["error"]
    assert all(set(body) <= {"error", "fields"} and body["error"] for body in errors.values())
