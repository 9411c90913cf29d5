"""The README's ``WSGIDispatcher`` example serves without Django settings and leaves nothing behind.

(``tests/test_docs_examples.py`` runs every example of the README and of
``docs/coming-from-the-seed.rst`` as written.)"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.rst"


def readme_standalone_example() -> str:
    """Return the code block of the README's ``WSGIDispatcher`` section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("Without a Django project: ``WSGIDispatcher``") :]
    block = section[section.index(".. code-block:: python\n\n") + 24 : section.index("\n``python app.py``")]
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
    assert result.stdout.strip() == "{'age': 1, 'name': 'bob', 'id': 1, 'ressource_uri': '/address/1/'}"
    assert sorted(path.name for path in tmp_path.iterdir() if path.name != "__pycache__") == ["app.py"]
