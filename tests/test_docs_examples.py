"""Every example of README.rst and docs/ runs as written (``tests/docs_runner.py`` says how).

One test per page. A page that shows a wrong answer, a command that fails, a
snippet that raises, or a block the runner cannot execute fails its test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.docs_runner import ROOT, Mismatch, commands_of, match_output, parse, run_page

PAGES = [ROOT / "README.rst", *sorted((ROOT / "docs").rglob("*.rst"))]
PAGES = [page for page in PAGES if "_build" not in page.parts]


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(ROOT)) for page in PAGES])
def test_every_example_of_the_page_runs_as_written(page: Path, tmp_path: Path) -> None:
    if parse(page).postgres_redis and not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        pytest.skip("a PostgreSQL + Redis page: runs where DATABASE_URL and REDIS_URL are set (CI's PostgreSQL legs)")
    run_page(page, tmp_path)


# The runner itself: a broken example must fail ----------------------------------------------------


def test_a_wrong_json_answer_is_a_mismatch() -> None:
    with pytest.raises(Mismatch, match=r"\$.year: 1966 instead of 1965"):
        match_output(['{"title": "Dune", "year": 1965}'], '{"title": "Dune", "year": 1966}')


def test_a_missing_member_is_a_mismatch_unless_elided() -> None:
    match_output(['{"title": "Dune", ...}'], '{"title": "Dune", "year": 1965}')
    with pytest.raises(Mismatch, match="members"):
        match_output(['{"title": "Dune"}'], '{"title": "Dune", "year": 1965}')


def test_a_wrong_status_or_header_is_a_mismatch() -> None:
    answer = "HTTP/1.1 201 Created\r\nLocation: /api/books/1/\r\nX-RateLimit-Reset: 1795598700\r\n\r\n{}"
    match_output(["HTTP/1.1 201 Created", "Location: /api/books/1/", "X-RateLimit-Reset: 1700000000"], answer)
    with pytest.raises(Mismatch, match="status"):
        match_output(["HTTP/1.1 200 OK"], answer)
    with pytest.raises(Mismatch, match="location"):
        match_output(["HTTP/1.1 201 Created", "Location: /api/books/2/"], answer)


def test_text_output_allows_ellipsis_lines_only_where_written() -> None:
    match_output(["first", "...", "last"], "first\nmiddle\nmore\nlast")
    with pytest.raises(Mismatch):
        match_output(["first", "last"], "first\nmiddle\nlast")


def test_a_block_the_runner_cannot_run_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "page.rst"
    page.write_text("Config::\n\n.. code-block:: yaml\n\n   key: value\n", encoding="utf-8")

    with pytest.raises(ValueError, match="a yaml block without a docs-runner directive"):
        parse(page)


def test_a_failing_command_fails_the_page(tmp_path: Path) -> None:
    page = tmp_path / "page.rst"
    page.write_text("Run::\n\n    $ false\n", encoding="utf-8")

    with pytest.raises(AssertionError, match="'false' exited 1"):
        run_page(page, tmp_path)


def test_console_blocks_split_into_commands_and_outputs() -> None:
    text = '$ curl -X POST \\\n       -d \'{"a": 1}\' http://x/\n{"a": 1}\n\n$ echo hi\nhi'

    assert commands_of(text) == [("curl -X POST -d '{\"a\": 1}' http://x/", ['{"a": 1}']), ("echo hi", ["hi"])]
