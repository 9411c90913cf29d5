"""Without Chromium, the README's test command leaves the browser tests out and says so; CI never does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROWSER_TESTS = "tests/test_docs_browser.py"


def run_browser_tests(**env: str) -> subprocess.CompletedProcess[str]:
    base = {key: value for key, value in os.environ.items() if key not in ("CI", "DRFL_CHROMIUM")}
    if base.get("DATABASE_URL"):
        base["DATABASE_URL"] = base["DATABASE_URL"].rstrip("/") + "_browser_selection"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", BROWSER_TESTS],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.slow
def test_without_chromium_they_are_left_out_by_name_with_the_reason() -> None:
    result = run_browser_tests(DRFL_CHROMIUM="/nonexistent/chromium")
    count = (ROOT / BROWSER_TESTS).read_text().count("\ndef test_")

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{count} skipped" in result.stdout
    assert "browser tests left out" in result.stdout
    assert f"{count} tests that drive headless Chromium did not run: no Chromium at /nonexistent/chromium" in result.stdout
    assert f"  {BROWSER_TESTS}::test_the_page_loads_without_console_errors" in result.stdout


@pytest.mark.slow
def test_under_ci_a_missing_chromium_fails() -> None:
    result = run_browser_tests(CI="true", DRFL_CHROMIUM="/nonexistent/chromium")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "This browser test cannot run: no Chromium at /nonexistent/chromium" in result.stdout
    assert "browser tests left out" not in result.stdout
