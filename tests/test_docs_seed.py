"""The examples of ``docs/coming-from-the-seed.rst`` and of the README's ``WSGIDispatcher`` section run."""

from __future__ import annotations

import doctest
import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from wsgi_support import keep_test_connections  # noqa: F401  (a fixture)

PAGE = Path(__file__).resolve().parent.parent / "docs" / "coming-from-the-seed.rst"


@pytest.mark.usefixtures("keep_test_connections")
def test_the_coming_from_the_seed_examples_run() -> None:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(PAGE.read_text(encoding="utf-8"), {"__name__": "seed_page"}, PAGE.name, str(PAGE), 0)
    output = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=output.write)

    assert runner.failures == 0, output.getvalue()
    assert runner.tries >= 40


README = PAGE.parent.parent / "README.rst"


def readme_standalone_example() -> str:
    """Return the code block of the README's ``WSGIDispatcher`` section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("Without a Django project: ``WSGIDispatcher``") :]
    block = section[section.index("::\n\n") + 4 : section.index("\n``python app.py``")]
    return textwrap.dedent(block)


def test_the_readme_standalone_example_serves_without_settings(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(readme_standalone_example())
    client_code = (
        "import app; from werkzeug.test import Client; "
        "from django_restframework_lite.controllers import WSGIDispatcher; "
        "print(Client(WSGIDispatcher([app.ApiApp])).get('/address/1/').json)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    result = subprocess.run([sys.executable, "-c", client_code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'name': 'bob', 'age': 1, 'id': 1, 'ressource_uri': '/address/1/'}"
    assert sorted(path.name for path in tmp_path.iterdir() if path.name != "__pycache__") == ["app.py"]
