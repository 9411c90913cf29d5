"""Where the browser tests find Chromium, and whether they can run here.

They drive Debian's ``chromium`` through the ``playwright`` package (never a
browser Playwright downloads). ``DRFL_CHROMIUM`` names another executable.
On a machine without it, ``conftest.py`` leaves these tests out and says so; under
CI (``CI=true``) they always run, and a missing Chromium fails them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

CHROMIUM_ENV = "DRFL_CHROMIUM"


def chromium_path() -> str:
    """Return the Chromium to drive: ``$DRFL_CHROMIUM``, else ``chromium`` on the PATH, else Debian's path."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"


def running_in_ci() -> bool:
    """Tell whether this is a CI run (``CI`` set to anything but empty, 0, false or no)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def why_no_browser() -> str | None:
    """Return why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return 'the playwright package is not installed (pip install -e ".[test]")'
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        return f"no Chromium at {path} (apt-get install chromium, or set {CHROMIUM_ENV} to its path)"
    return None
