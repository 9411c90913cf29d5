"""Reading README.rst from the tests: the code blocks and transcripts of one section, as written."""

from __future__ import annotations

import json
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.rst"


def section(title: str) -> str:
    """Return the text of the README section titled ``title`` (up to the next section of its level)."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{title}\n")
    underline = text[start + len(title) + 2]
    rest = text[start + len(title) + 2:]
    after = re.search(rf"\n[^\n]+\n{re.escape(underline)}{{3,}}\n", rest[rest.index("\n") + 1:])
    end = len(text) if after is None else start + len(title) + 2 + rest.index("\n") + 1 + after.start()
    return text[start:end]


def python_blocks(title: str) -> list[str]:
    """Return the ``.. code-block:: python`` blocks of a section, dedented."""
    blocks = []
    for match in re.finditer(r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", section(title)):
        lines = match.group(1).splitlines()
        blocks.append("\n".join(line[4:] for line in lines).strip() + "\n")
    return blocks


def shown_json(title: str, command: str) -> object:
    """Return the JSON answer shown after the ``$ curl`` line containing ``command`` in a section."""
    text = section(title)
    start = text.index(command)
    block = text[text.index("\n", start) + 1:]
    lines = []
    for line in block.splitlines():
        if not line.startswith("    ") or line.strip().startswith("$"):
            break
        lines.append(line)
    return json.loads("\n".join(lines))
