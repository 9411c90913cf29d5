"""The docs page in headless Chromium: it loads cleanly, lists every ressource and sends requests.

Needs Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it) and the
``playwright`` package, which drives that browser instead of downloading its own.
Without them these tests are left out, with the reason printed (``conftest.py``);
under CI they fail (``tests/browser_support.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from selfdoc_api import addressbook_urlconf

from tests.browser_support import chromium_path, why_no_browser

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextmanager
def opened(url: str, **page_options: Any) -> Iterator[tuple[Any, list[str]]]:
    """Open ``url`` in headless Chromium once its script is ready; yield the page and the console errors seen."""
    missing = why_no_browser()
    if missing:
        pytest.fail(f"This browser test cannot run: {missing}.")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(**page_options)
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            response = page.goto(url)
            assert response is not None and response.status == 200
            page.wait_for_selector("body.ready")
            yield page, errors
        finally:
            browser.close()


@pytest.fixture
def docs_page(settings, tmp_path, live_server):
    """Open /api/docs/ of the address book; yield the page and the console errors seen."""
    settings.ROOT_URLCONF = addressbook_urlconf(tmp_path)
    with opened(f"{live_server.url}/api/docs/") as seen:
        yield seen


def test_the_page_loads_without_console_errors(docs_page):
    page, errors = docs_page

    assert page.title() == "addressbook 1.0 · API documentation"
    assert errors == []


def test_the_page_lists_every_ressource_with_fields_and_verbs(docs_page):
    page, _ = docs_page

    names = page.eval_on_selector_all("section.ressource h2", "nodes => nodes.map(n => n.textContent.trim())")
    users = page.locator("#ressource-users")
    fields = users.locator("table.fields tbody td:first-child code").all_inner_texts()
    verbs = users.locator("table.endpoints .verb").all_inner_texts()

    assert names == ["address", "users", "tags", "notes"]
    assert fields == ["first_name", "last_name", "address", "ressource_uri"]  # remove_id hides the pk (API.md 10)
    assert verbs == ["GET", "POST", "GET", "PUT", "PATCH", "DELETE"]


def test_a_get_sent_from_the_page_shows_the_json_answer(docs_page):
    page, errors = docs_page
    form = page.locator("#ressource-tags form.try")

    form.locator("select[name=operation]").select_option("list GET")
    form.locator("input[name=query]").fill("order_by=-name")
    form.locator("button[type=submit]").click()
    form.locator(".answer:not([hidden])").wait_for()

    assert form.locator(".answer-status").inner_text() == "200 OK"
    assert form.locator(".answer-url").inner_text() == "/api/tags/?order_by=-name"
    shown = json.loads(form.locator(".answer-body").inner_text())
    assert [tag["name"] for tag in shown["object_list"]] == ["work", "friends", "family"]
    assert shown["meta"] == {"filters": {}}
    assert errors == []


def test_a_get_on_one_object_from_the_page(docs_page):
    page, _ = docs_page
    form = page.locator("#ressource-tags form.try")

    form.locator("select[name=operation]").select_option("detail GET")
    form.locator("input[name=identifier]").fill("friends")
    form.locator("button[type=submit]").click()
    form.locator(".answer:not([hidden])").wait_for()

    assert form.locator(".answer-status").inner_text() == "200 OK"
    assert json.loads(form.locator(".answer-body").inner_text()) == {
        "name": "friends",
        "description": "People we see often",
        "ressource_uri": "/api/tags/friends/",
    }


def test_a_post_from_the_page_creates_the_object(docs_page):
    page, _ = docs_page
    form = page.locator("#ressource-notes form.try")

    form.locator("select[name=operation]").select_option("list POST")
    form.locator("textarea[name=body]").fill(json.dumps({"title": "From the docs page", "priority": 2}))
    form.locator("button[type=submit]").click()
    form.locator(".answer:not([hidden])").wait_for()

    assert form.locator(".answer-status").inner_text() == "201 Created"
    assert json.loads(form.locator(".answer-body").inner_text()) == {
        "id": 1,
        "title": "From the docs page",
        "body": "",
        "priority": 2,
        "ressource_uri": "/api/notes/1/",
    }
    assert "location: /api/notes/1/" in form.locator(".answer-headers").inner_text()


@pytest.fixture
def demo_page_on_a_phone(settings, tmp_path, live_server):
    """Open the demo's /api/docs/ in a 375 px wide viewport; yield the page and the console errors seen."""
    settings.ADDRESSBOOK_SQLITE_PATH = str(tmp_path / "notes.db")
    with opened(f"{live_server.url}/api/docs/", viewport={"width": 375, "height": 812}) as seen:
        yield seen


def test_the_demo_users_are_shown_as_the_api_sends_them(demo_page_on_a_phone):
    page, errors = demo_page_on_a_phone
    users = page.locator("#ressource-users")
    fields = users.locator("table.fields tbody td:first-child code").all_inner_texts()
    address = users.locator("table.fields tbody tr", has=page.locator("code", has_text="address")).first
    example = json.loads(users.locator("figure.example-object pre").inner_text())

    assert fields == ["first_name", "last_name", "address", "ressource_uri"]  # no id: remove_id hides it
    assert "integer" not in address.locator("td.type").inner_text()
    assert "URI" in address.inner_text()
    assert "id" not in example and example["address"] == "/api/address/1/"
    assert errors == []


def test_the_demo_users_filters_lookups_and_ordering_are_listed(demo_page_on_a_phone):
    page, _ = demo_page_on_a_phone
    users = page.locator("#ressource-users")
    filters = users.locator("ul.filters > li")
    lookups = {
        item.get_attribute("data-filter"): item.locator(".lookups code").all_inner_texts() for item in filters.all()
    }
    queries = " ".join(users.locator("dl.queries").inner_text().split())

    assert list(lookups) == ["first_name", "last_name", "address", "address__city", "address__country"]
    assert lookups["first_name"] == ["exact", "contains", "gt", "gte", "icontains", "in", "isnull", "lt", "lte", "startswith"]
    assert lookups["address"] == ["exact", "gt", "gte", "in", "isnull", "lt", "lte"]
    assert "?order_by= first_name, last_name, address__city" in queries
    assert "?search= in first_name, last_name, address__city" in queries
    assert "?expand= address" in queries


def test_the_demo_users_response_and_error_shapes_are_shown(demo_page_on_a_phone):
    page, _ = demo_page_on_a_phone
    users = page.locator("#ressource-users")
    list_page = json.loads(users.locator("figure.example-page pre").inner_text())
    statuses = [int(status) for status in users.locator("dl.errors dt").evaluate_all("nodes => nodes.map(n => n.dataset.status)")]
    bad_request = json.loads(users.locator("dl.errors dd pre").first.inner_text())

    assert list(list_page["meta"]) == ["offset", "count", "total_count", "next", "previous", "filters"]
    assert list_page["object_list"][0]["address"] == "/api/address/1/"
    assert statuses == [400, 404, 405, 409, 412, 415, 503]
    assert bad_request["fields"] == {"first_name": "This field is required.", "last_name": "This field is required."}


def test_the_demo_page_does_not_scroll_sideways_at_375_px(demo_page_on_a_phone):
    page, _ = demo_page_on_a_phone
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    too_wide = page.evaluate(
        """() => Array.from(document.querySelectorAll('body *'))
            .filter(node => node.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .map(node => node.tagName + '.' + node.className).slice(0, 5)"""
    )

    assert widths[1] == 375
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide; wider than the screen: {too_wide}"
