"""Settings for the test suite: the demo's settings, with every file in a temporary directory.

Importing the demo's URLs builds its SQLite-backed endpoint, which creates its
file; the tests must leave nothing in the working tree. The SQLite test database
is a file too, so that threads in a test share one database with real locking
(an in-memory database shared between threads fails with "table is locked").
"""

import atexit
import shutil
import tempfile
from pathlib import Path

from .settings import *  # noqa: F403
from .settings import DATABASES, INSTALLED_APPS

# A table for the seed-style RateLimit on the ORM (``limits.RateLimitRow``), for the tests only.
INSTALLED_APPS = [*INSTALLED_APPS, "limits"]

DATA_DIR = Path(tempfile.mkdtemp(prefix="drfl-tests-"))
atexit.register(shutil.rmtree, DATA_DIR, ignore_errors=True)

ADDRESSBOOK_SQLITE_PATH = str(DATA_DIR / "notes.db")
MEDIA_ROOT = DATA_DIR / "media"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = DATA_DIR / "db.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
