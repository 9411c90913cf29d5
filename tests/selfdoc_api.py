"""URLconfs for the self-description tests: the tutorial's address book, kept out of the working tree.

The tutorial's ``ADDRESSBOOK`` keeps its notes in a SQLite file of the project
and its tags in a module-level list; the tests mount subclasses whose notes live
under ``tmp_path`` and whose tags are a fresh copy, so no test leaves a file
behind or changes what another test sees.
"""

from __future__ import annotations

import importlib.util
import types
from pathlib import Path
from typing import Any

from addressbook.api import TAGS, AddressEndPoint, NoteEndPoint, TagEndPoint, UserEndPoint
from django.urls import path

from django_restframework_lite.urls import include


def addressbook_controllers(tmp_path: Path) -> list[type]:
    """Return the tutorial's four controllers, with notes and tags on storage of their own."""

    class TagsEndPoint(TagEndPoint):
        ressource = {**TagEndPoint.ressource, "ressource": [dict(tag) for tag in TAGS]}

    class NotesEndPoint(NoteEndPoint):
        ressource = {**NoteEndPoint.ressource, "ressource": {"name": str(tmp_path / "notes.db"), "table": "notes"}}

    return [AddressEndPoint, UserEndPoint, TagsEndPoint, NotesEndPoint]


def urlconf(*patterns: Any) -> types.ModuleType:
    """Return a URLconf module object holding ``patterns`` (settings.ROOT_URLCONF accepts one)."""
    module = types.ModuleType("selfdoc_urls")
    module.urlpatterns = list(patterns)  # type: ignore[attr-defined]
    return module


def addressbook_urlconf(tmp_path: Path, **switches: Any) -> types.ModuleType:
    """Return a URLconf mounting the address book under /api/ as testproject does."""
    options = {"name": "addressbook", "version": "1.0", "namespace": "addressbook", **switches}
    return urlconf(path("api/", include(addressbook_controllers(tmp_path), **options)))


def copy_of_testproject_urlconf(tmp_path: Path, monkeypatch: Any) -> types.ModuleType:
    """Return a fresh copy of ``testproject/urls.py`` whose SQLite notes live under ``tmp_path``.

    The project's own module would create its notes file in the working tree
    when it builds its URLs; this copy builds them with the notes moved.
    """
    notes = {"name": str(tmp_path / "notes.db"), "table": "notes"}
    monkeypatch.setattr(NoteEndPoint, "ressource", {**NoteEndPoint.ressource, "ressource": notes})
    spec = importlib.util.find_spec("testproject.urls")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
