"""The "When things go wrong" how-to page, its examples checked against what the code does."""

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

PAGE = Path(__file__).resolve().parent.parent / "docs" / "howto" / "when-things-go-wrong.rst"


def section() -> str:
    return PAGE.read_text(encoding="utf-8")


def run_blocks() -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    for match in re.finditer(r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", section()):
        block = "\n".join(line[4:] for line in match.group(1).splitlines())
        exec(compile(block, str(PAGE), "exec"), namespace)  # noqa: S102 - the page's own code
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
    flat = " ".join(shown.split())
    assert f'``{{"error": "{outage.message}"}}``' in flat
    assert f"``Retry-After: {outage.headers['Retry-After']}``" in flat
