"""The README's "Field types and their wire formats" section, run as written against the demo.

Its Python blocks must be the demo's own code (each line is found in
``testproject/addressbook``); its ``curl`` examples are replayed in order
through the test client after ``load_addressbook``, and each answer must be the
JSON shown. UUIDs drawn by the server differ from run to run: the first time
the README shows one it stands for the UUID the server answered there, and
later commands and answers are read with that substitution.
"""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.rst"
SECTION = "Field types and their wire formats"
HOST = "http://127.0.0.1:8000"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def section_text() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{SECTION}\n")
    end = text.index("\n----", text.index("\n", start + len(SECTION) + 3) + 1)
    return text[start : text.rindex("\n", 0, end)]


def python_blocks() -> list[str]:
    blocks = []
    for match in re.finditer(r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", section_text()):
        blocks.append("\n".join(line[4:] for line in match.group(1).splitlines()).strip())
    return blocks


def examples() -> list[tuple[list[str], Any]]:
    """Return each ``$ curl`` command of the section (as argv) with the JSON answer shown after it."""
    lines = section_text().splitlines()
    found = []
    position = 0
    while position < len(lines):
        line = lines[position].strip()
        if not line.startswith("$ curl"):
            position += 1
            continue
        command = [line[2:]]
        while command[-1].endswith("\\") or "".join(command).count("'") % 2:
            position += 1
            command.append(lines[position].strip())
        answer = []
        position += 1
        while position < len(lines) and lines[position].strip():
            answer.append(lines[position].strip())
            position += 1
        argv = shlex.split("\n".join(part.removesuffix("\\") for part in command))
        found.append((argv, json.loads(" ".join(answer))))
    return found


def test_the_section_shows_the_demo_code() -> None:
    demo = "\n".join((ROOT / "testproject" / "addressbook" / name).read_text() for name in ("models.py", "api.py"))
    demo_lines = {line.strip() for line in demo.splitlines()}
    blocks = python_blocks()
    assert len(blocks) == 2
    for block in blocks:
        for line in block.splitlines():
            if line.strip() and not line.strip().startswith(("controller = {", '"options": {"pagination"')):
                assert line.strip() in demo_lines, line
    assert 'controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],' in blocks[1]


def test_the_section_has_its_examples() -> None:
    assert [argv[argv.index("-X") + 1] if "-X" in argv else "GET" for argv, _ in examples()] == [
        "POST", "PATCH", "GET", "POST", "POST",
    ]


class Uuids:
    """The UUIDs the README shows, bound to the ones the server answered."""

    def __init__(self) -> None:
        self.actual: dict[str, str] = {}

    def bind(self, shown: str, answered: str) -> str:
        """Return ``shown`` with its UUIDs replaced, binding new ones to those of ``answered`` in order."""
        shown_ids, answered_ids = UUID.findall(shown), UUID.findall(answered)
        if len(shown_ids) == len(answered_ids):
            for mine, theirs in zip(shown_ids, answered_ids, strict=True):
                self.actual.setdefault(mine, theirs)
        return self.replace(shown)

    def replace(self, text: str) -> str:
        return UUID.sub(lambda match: self.actual.get(match.group(0), match.group(0)), text)

    def expected(self, shown: Any, answered: Any) -> Any:
        """Return the answer shown, with its UUIDs read as the server's (matched to ``answered``)."""
        if isinstance(shown, str):
            return self.bind(shown, answered if isinstance(answered, str) else "")
        if isinstance(shown, dict):
            other = answered if isinstance(answered, dict) else {}
            return {key: self.expected(value, other.get(key)) for key, value in shown.items()}
        if isinstance(shown, list):
            other = answered if isinstance(answered, list) else []
            return [self.expected(value, other[n] if n < len(other) else None) for n, value in enumerate(shown)]
        return shown


def send(client: Any, argv: list[str], uuids: Uuids) -> Any:
    """Replay one ``curl`` command through the test client."""
    method, data, content_type, parts, url = "GET", None, None, {}, None
    arguments = iter(argv[1:])
    for argument in arguments:
        if argument == "-X":
            method = next(arguments)
        elif argument == "-H":
            name, _, value = next(arguments).partition(": ")
            assert name == "Content-Type"
            content_type = value
        elif argument == "-d":
            data = next(arguments)
        elif argument == "-F":
            name, _, value = next(arguments).partition("=")
            parts[name] = SimpleUploadedFile(value[1:], b"%PDF-1.4 demo") if value.startswith("@") else value
        else:
            url = uuids.replace(argument.removeprefix(HOST))
    if parts:
        return client.generic(method, url, encode_multipart(BOUNDARY, parts), content_type=MULTIPART_CONTENT)
    if data is not None:
        return client.generic(method, url, data, content_type=content_type)
    return client.get(url)


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_every_example_answers_what_the_section_shows(client: Any, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ADDRESSBOOK_SQLITE_PATH = str(tmp_path / "notes.db")
    call_command("load_addressbook", stdout=io.StringIO())
    uuids = Uuids()
    for argv, shown in examples():
        response = send(client, argv, uuids)
        assert response["Content-Type"] == "application/json", argv
        answered = response.json()
        assert answered == uuids.expected(shown, answered), argv
    assert (tmp_path / "media" / "documents" / "boiler.pdf").read_bytes() == b"%PDF-1.4 demo"
