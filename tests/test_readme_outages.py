"""The README's "When things go wrong" section, run as written and checked against the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.db import OperationalError
from django.test import Client

from django_restframework_lite.authentication import Authorization
from django_restframework_lite.exceptions import unavailable_error
from django_restframework_lite.ratelimit import CacheRateLimit
from tests.http_support import mount, user_endpoint

README = Path(__file__).resolve().parent.parent / "README.rst"
SECTION = "When things go wrong"


def section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{SECTION}\n")
    return text[start:text.index("\n----", text.index("\n", start + len(SECTION) + 3) + 1)]


def run_blocks() -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    for match in re.finditer(r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", section()):
        block = "\n".join(line[4:] for line in match.group(1).splitlines())
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - the README's own code
    return namespace


def test_the_cache_rate_limit_examples() -> None:
    namespace = run_blocks()
    strict, lenient = namespace["strict"], namespace["lenient"]
    assert isinstance(strict, CacheRateLimit) and isinstance(lenient, CacheRateLimit)
    assert (strict.fail_open, strict.timeout) == (False, 1.0)
    assert (lenient.fail_open, lenient.timeout, lenient.quota, lenient.interval) == (True, 0.25, 100, 60)


def test_the_custom_authentication_example_varies_on_its_header(settings: Any, client: Client) -> None:
    tenant = run_blocks()["TenantAuthentication"]()
    mount(settings, [user_endpoint(options={"authentication": tenant, "authorization": Authorization})])
    response = client.get("/api/users/", HTTP_X_TENANT="acme")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private"
    assert response["Vary"] == "X-Tenant"


def test_the_503_shown_is_the_one_answered() -> None:
    shown = section()
    outage = unavailable_error(OperationalError("connection refused"))
    assert outage is not None
    assert f'{{"error": "{outage.message}"}}' in shown
    assert f"Retry-After: {outage.headers['Retry-After']}" in shown
