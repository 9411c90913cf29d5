"""Fuzz every mount of the demo with schemathesis against a live server; fail on any 5xx.

Run from the repository root, with the ``fuzz`` extra installed::

    python .ci/fuzz_demo.py                      # SQLite, in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fuzz REDIS_URL=redis://127.0.0.1:6379/1 python .ci/fuzz_demo.py

It migrates a fresh database (PostgreSQL: the database of ``DATABASE_URL``,
dropped and created again: give it one of its own), loads the demo data, creates an account allowed to write
everything, starts the demo under gunicorn (2 workers, ``DEBUG`` off) and runs
``schemathesis run <mount>openapi.json --checks all`` (less the two checks
that preconditions overrule, ``EXCLUDED_CHECKS``) on each mount (``/api/``,
``/protected/*/``, ``/mine/``) with the credentials that mount takes: every
check (no server error, answers conforming to the document: status, headers,
content type and body schema; negative data refused...) through every phase,
the stateful one following the document's own links (create -> read, update,
delete). The rate limits of the demo are raised so that the fuzzer reaches past
them, and passwords hashed quickly (thousands of Basic requests). Exit status: non-zero when any check failed on any mount (or schemathesis
could not run).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import DemoServer  # noqa: E402

PASSWORD = "fuzz-" + secrets.token_hex(8)

# Checks that judge a request by its schema alone, which preconditions overrule: every method but OPTIONS
# honours If-Match and If-None-Match before it reads the body (RFC 9110 section 13.2.2), so a schema-valid
# If-Match (any string) is rightly a 412, and a 412 comes before the 400 of a schema-violating body.
EXCLUDED_CHECKS = ("positive_data_acceptance", "negative_data_rejection")

ACCOUNT = f"""
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
user, _ = User.objects.get_or_create(username="fuzzer", defaults={{"is_superuser": True, "is_staff": True}})
user.set_password({PASSWORD!r}); user.is_superuser = True; user.save()
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def mounts(session_key: str, csrf: str) -> list[tuple[str, list[str]]]:
    """Every mount of the demo, with the schemathesis options for its credentials."""
    key = ["-H", "X-Api-Key: hackme"]
    return [
        ("/api/", []),
        ("/protected/api/", key),
        ("/protected/limited/", key),
        ("/protected/basic/", ["--auth", f"fuzzer:{PASSWORD}"]),
        ("/protected/session/", ["-H", f"Cookie: sessionid={session_key}; csrftoken={csrf}", "-H", f"X-CSRFToken: {csrf}"]),
        ("/mine/", ["--auth", f"fuzzer:{PASSWORD}"]),
    ]


def reset_postgres(url: str) -> None:
    """Make the database of ``url`` anew (dropped, then created): the fuzzer starts from the demo data alone."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25, help="test cases per operation and phase")
    parser.add_argument("--mount", action="append", help="fuzz only this mount (repeatable), e.g. /api/")
    arguments = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="drfl-fuzz-"))
    # Quotas above what the fuzzer sends (the seed's limiter reads one row per unit of quota: not a million).
    env = {"DRFL_SEED_QUOTA": "5000", "DRFL_LIMITED_QUOTA": "100000", "DRFL_FAST_PASSWORD_HASHER": "1"}
    for name in ("DATABASE_URL", "REDIS_URL"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    if env.get("DATABASE_URL"):
        reset_postgres(env["DATABASE_URL"])
    server = DemoServer(data_dir, workers=2, **env).migrate()
    server.manage("load_addressbook")
    session_key = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", ACCOUNT], cwd=ROOT / "testproject", env=server.env, check=True,
        capture_output=True, text=True, timeout=120,
    ).stdout.split()[-1]
    csrf = secrets.token_hex(16)  # an unmasked CSRF secret: 32 characters, sent as cookie and header
    server.start()
    failed: list[str] = []
    try:
        for prefix, credentials in mounts(session_key, csrf):
            if arguments.mount and prefix not in arguments.mount:
                continue
            started = time.monotonic()
            command = [
                "schemathesis", "run", f"http://127.0.0.1:{server.port}{prefix}openapi.json",
                "--checks", "all", "--exclude-checks", ",".join(EXCLUDED_CHECKS),
                "--max-examples", str(arguments.max_examples),
                "--workers", "2", "--request-timeout", "30", "--suppress-health-check", "all",
                "--generation-with-security-parameters", "false", "--seed", "12", "--no-color",
                "--phases", "examples,coverage,fuzzing,stateful", *credentials,
            ]
            print(f"\n--- schemathesis on {prefix}", flush=True)
            result = subprocess.run(command, cwd=data_dir, timeout=1200)
            print(f"--- {prefix}: exit {result.returncode} in {time.monotonic() - started:.0f} s", flush=True)
            if result.returncode != 0:
                failed.append(prefix)
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    if failed:
        print(f"\nschemathesis found failures (or could not run) on: {', '.join(failed)}", flush=True)
        return 1
    print("\nschemathesis: no failure on any mount of the demo", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
