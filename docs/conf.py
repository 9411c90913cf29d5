"""Sphinx configuration of the documentation; ``nox -s docs`` builds it with warnings as errors.

Autodoc imports the package, so Django is set up first with the demo's settings.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "testproject")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "testproject.settings")
django.setup()

from django_restframework_lite import __version__  # noqa: E402

project = "django-restframework-lite"
author = "the django-restframework-lite authors"
copyright = "2024-2026, the django-restframework-lite authors"  # noqa: A001
release = __version__
version = ".".join(release.split(".")[:2])

extensions = ["sphinx.ext.autodoc"]
exclude_patterns = ["_build", "make_screenshot.py"]
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "show-inheritance": True}
html_theme = "furo"
html_title = f"django-restframework-lite {release}"
