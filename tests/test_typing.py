"""What a type checker says about a user's code: the README's patterns pass, planted mistakes are caught.

``tests/typing/planted.py`` is a user's module written the way the
documentation writes an API, with mistakes planted on lines marked
``# expect: <mypy error code>``. ``mypy --strict`` must report exactly those
(no more: a false alarm on correct code is a bug too), and pyright in strict
mode must flag exactly those lines. The README's own files (``books/api.py``,
``mysite/urls.py``, ``app.py``), taken from the README as written, must pass both.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django_restframework_lite import types
from django_restframework_lite.config.rules import (
    CONTROLLER_KEYS,
    CONTROLLER_OPTIONS,
    RESSOURCE_KEYS,
    VIEW_KEYS,
    VIEW_OPTIONS,
    datastore_option_names,
)
from django_restframework_lite.datastore import DjangoModelDataStore, PythonListDataStore, SQLiteDataStore
from tests.docs_runner import parse

ROOT = Path(__file__).resolve().parent.parent
PLANTED = Path(__file__).resolve().parent / "typing" / "planted.py"
EXPECT = re.compile(r"#\s*expect:\s*([a-z-]+(?:,\s*[a-z-]+)*)\s*$")
MYPY_ERROR = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]$")
# The README's Django model is the user's own business: with django-stubs, mypy needs its
# plugin and a settings module to type model fields, which has nothing to do with this package.
NOT_OURS = {"books/models.py"}


def keys(typed_dict: type) -> set[str]:
    return set(typed_dict.__required_keys__ | typed_dict.__optional_keys__)  # type: ignore[attr-defined]


def test_the_typed_dicts_know_every_key_the_configuration_accepts() -> None:
    assert keys(types.RessourceConfig) == RESSOURCE_KEYS
    assert keys(types.ControllerConfig) == CONTROLLER_KEYS
    assert keys(types.ControllerOptions) == CONTROLLER_OPTIONS
    assert keys(types.ViewConfig) == VIEW_KEYS
    assert keys(types.ViewOptions) == VIEW_OPTIONS
    store_options = set().union(
        *(datastore_option_names(store) or () for store in (PythonListDataStore, SQLiteDataStore, DjangoModelDataStore))
    )
    assert keys(types.RessourceOptions) == store_options


def planted_mistakes() -> set[tuple[int, str]]:
    expected = set()
    for number, line in enumerate(PLANTED.read_text(encoding="utf-8").splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            expected |= {(number, code.strip()) for code in match.group(1).split(",")}
    return expected


def write_readme_files(directory: Path) -> list[str]:
    """Write the README's Python files as a reader would; return those whose patterns are ours."""
    written = []
    for block in parse(ROOT / "README.rst").blocks:
        if block.kind == "file" and block.argument.endswith(".py"):
            target = directory / block.argument
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text + "\n", encoding="utf-8")
            (target.parent / "__init__.py").touch()
            written.append(block.argument)
    (directory / "__init__.py").unlink(missing_ok=True)
    assert {"books/api.py", "mysite/urls.py", "app.py"} <= set(written), written
    return [name for name in written if name not in NOT_OURS]


def checker_environment() -> dict[str, str]:
    # An editable install is found through an import hook, which type checkers do not run.
    return {**os.environ, "MYPYPATH": str(ROOT)}


def test_mypy_reports_the_planted_mistakes_and_nothing_else(tmp_path: Path) -> None:
    files = write_readme_files(tmp_path)
    (tmp_path / "planted.py").write_text(PLANTED.read_text(encoding="utf-8"), encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-error-summary",
         "--cache-dir", str(tmp_path / ".mypy_cache"), *files, "planted.py"],
        cwd=tmp_path, env=checker_environment(), capture_output=True, text=True, timeout=600,
    )

    reported = [MYPY_ERROR.match(line) for line in result.stdout.splitlines() if ": error: " in line]
    assert all(reported), result.stdout
    found = {(match["file"], int(match["line"]), match["code"]) for match in reported if match}
    assert found == {("planted.py", line, code) for line, code in planted_mistakes()}, result.stdout + result.stderr


def test_pyright_strict_flags_the_planted_lines_and_accepts_the_readme(tmp_path: Path) -> None:
    files = write_readme_files(tmp_path)
    (tmp_path / "planted.py").write_text(PLANTED.read_text(encoding="utf-8"), encoding="utf-8")
    config = {"extraPaths": [str(ROOT)], "typeCheckingMode": "strict", "pythonVersion": "3.10"}
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", *files, "planted.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )

    report = json.loads(result.stdout)
    errors = [item for item in report["generalDiagnostics"] if item["severity"] == "error"]
    flagged = {(Path(item["file"]).name, item["range"]["start"]["line"] + 1) for item in errors}
    assert flagged == {("planted.py", line) for line, _ in planted_mistakes()}, json.dumps(errors, indent=1)
