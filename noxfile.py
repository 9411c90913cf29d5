"""The support matrix, the docs build and the type check, each in a fresh virtualenv.

``nox`` runs every session; ``nox -s tests`` the matrix only; ``nox -l`` lists them.
``.ci/run`` calls ``nox`` with ``DRFL_WHEEL`` pointing at the wheel it built from
the sdist, so every session installs the very file a user downloads.

Each ``tests`` session installs its Django first, then the wheel with the
``test`` extra, and fails if that second install changed Django: the package
must fit into a project's Django, never replace it. It then runs the whole
suite from a copy of the repository without the package's source, so the tests
import the installed wheel, with ``CI=true``: the browser tests run, and fail
without Chromium.

Each Django runs on SQLite and on PostgreSQL + Redis (the suite's second
database and cache). Where one Python and Django run on both, the SQLite leg
leaves ``SERVER_ONLY`` (tests whose servers use SQLite files whichever database
the leg has) to the PostgreSQL leg, which runs them the same way; every other
leg, and the README's command, runs them. Each PostgreSQL leg takes a database and a Redis database
of its own, named after its Python, on the servers of ``DRFL_POSTGRES``
(``postgres://postgres@127.0.0.1:5432``) and ``DRFL_REDIS``
(``redis://127.0.0.1:6379``), so that ``.ci/run`` can run them side by side.

The interpreters are found on the PATH as ``python3.X``; where they are pyenv
shims, every installed pyenv version is made visible to them first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
# (Python, Django, database): every supported Python, and every supported Django on SQLite and on PostgreSQL.
MATRIX = [("3.10", "5.2", "sqlite"), ("3.11", "5.2", "postgresql"), ("3.12", "6.0", "sqlite"),
          ("3.12", "6.0", "postgresql"), ("3.13", "6.1", "sqlite"), ("3.13", "6.1", "postgresql")]
POSTGRES = os.environ.get("DRFL_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("DRFL_REDIS", "redis://127.0.0.1:6379")
#: Test modules that start servers of their own on SQLite files whatever the leg's database (the docs' examples,
#: the seed's examples): a SQLite leg leaves them to its PostgreSQL twin (same Python, same Django), which runs
#: them exactly as it would, and the PostgreSQL-only docs page with them.
SERVER_ONLY = ("tests/test_docs_examples.py", "tests/test_examples.py")
DOCS_PYTHON = "3.13"
DOCS_DJANGO = "6.1"
# The package's own source is not copied for the test run: the wheel provides it.
PACKAGE = "django_restframework_lite"

nox.options.sessions = ["tests", "docs", "typecheck"]
nox.options.error_on_missing_interpreters = True
nox.options.download_python = "never"


def _see_every_pyenv_python() -> None:
    """Let pyenv's ``python3.X`` shims answer for every installed version, the global one first."""
    pyenv = shutil.which("pyenv")
    if pyenv is None or os.environ.get("PYENV_VERSION"):
        return
    installed = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True, check=False).stdout.split()
    current = subprocess.run([pyenv, "version-name"], capture_output=True, text=True, check=False).stdout.strip()
    wanted = [version for version in installed if version.count(".") == 2 and "/" not in version]
    ordered = [name for name in current.split(":") if name and name != "system"] + wanted
    if ordered:
        os.environ["PYENV_VERSION"] = ":".join(dict.fromkeys(ordered))


_see_every_pyenv_python()


def _wheel(session: nox.Session) -> str:
    """Return the wheel to test: ``$DRFL_WHEEL``, else one built from this tree (once per nox run)."""
    given = os.environ.get("DRFL_WHEEL")
    if given:
        if not Path(given).is_file():
            session.error(f"DRFL_WHEEL={given} is no file")
        return given
    dist = ROOT / ".nox" / "dist"
    built = sorted(dist.glob("*.whl"))
    if not built or getattr(_wheel, "stale", True):
        shutil.rmtree(dist, ignore_errors=True)
        session.run("python", "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(dist), str(ROOT))
        _wheel.stale = False  # type: ignore[attr-defined]
        built = sorted(dist.glob("*.whl"))
    return str(built[-1])


def _django_version(session: nox.Session) -> str:
    return str(session.run("python", "-c", "import django; print(django.get_version())", silent=True)).strip()


def _copy_without_package(session: nox.Session) -> Path:
    """Copy the repository, less the package's source, into the session's temporary directory.

    Only what git tracks or would add (untracked files git does not ignore): what
    ``.ci/run`` writes meanwhile (virtualenvs, node_modules, logs) stays behind.
    """
    target = Path(session.create_tmp()) / "checkout"
    shutil.rmtree(target, ignore_errors=True)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in listed:
        source = ROOT / name
        if name and source.is_file() and Path(name).parts[0] != PACKAGE:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _postgres_and_redis(session: nox.Session, name: str, redis_db: int) -> dict[str, str]:
    """Create the session's own PostgreSQL database when missing; return its ``DATABASE_URL`` and ``REDIS_URL``."""
    create = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1] + '/postgres', autocommit=True) as connection:\n"
        "    if not connection.execute('SELECT 1 FROM pg_database WHERE datname = %s', [sys.argv[2]]).fetchone():\n"
        "        connection.execute('CREATE DATABASE ' + sys.argv[2])\n"
    )
    session.run("python", "-c", create, POSTGRES, name, silent=True)
    return {"DATABASE_URL": f"{POSTGRES}/{name}", "REDIS_URL": f"{REDIS}/{redis_db}"}


@nox.session
@nox.parametrize(("python", "django", "database"), MATRIX,
                 ids=[f"py{python}-django{django}-{database}" for python, django, database in MATRIX])
def tests(session: nox.Session, django: str, database: str) -> None:
    """Install Django, then the wheel and its test extra, and run the suite against the installed wheel
    (a SQLite leg with a PostgreSQL twin leaves ``SERVER_ONLY`` to it)."""
    session.install(f"Django=={django}.*")
    before = _django_version(session)
    # The newest Python and Django install the fast extra (orjson) and require it, on both databases;
    # the others answer without it.
    fast = (session.python, django) == MATRIX[-1][:2]
    session.install(f"{_wheel(session)}[{'test,fast' if fast else 'test'}]")
    after = _django_version(session)
    if after != before:
        session.error(f"installing the wheel changed Django from {before} to {after}")
    session.log(f"Django {after} kept after installing the wheel")
    checkout = _copy_without_package(session)
    with session.chdir(checkout):
        location = str(session.run("python", "-c", "import django_restframework_lite as p; print(p.__file__)",
                                   silent=True)).strip()
        if "site-packages" not in location:
            session.error(f"the package was imported from {location}, not from the installed wheel")
        env: dict[str, str | None] = {"CI": "true", "DATABASE_URL": None, "REDIS_URL": None}
        if fast:
            env["DRFL_REQUIRE_ORJSON"] = "1"
        if database == "postgresql":
            name = f"drfl_nox_py{str(session.python).replace('.', '')}"
            env.update(_postgres_and_redis(session, name, 10 + MATRIX.index((str(session.python), django, database))))
        left_out: list[str] = []
        if database == "sqlite" and (str(session.python), django, "postgresql") in MATRIX:
            left_out = [f"--ignore={module}" for module in SERVER_ONLY]
            session.log(f"{', '.join(SERVER_ONLY)}: run by tests(py{session.python}-django{django}-postgresql)")
        session.run("pytest", "-p", "no:cacheprovider", *left_out, *session.posargs, env=env)


@nox.session(python=DOCS_PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation with every warning an error (autodoc imports the package)."""
    session.install(f"Django=={DOCS_DJANGO}.*")
    session.install("-e", f"{ROOT}[docs]")
    build = Path(session.create_tmp()) / "html"
    shutil.rmtree(build, ignore_errors=True)
    session.run("sphinx-build", "-W", "--keep-going", "-q", "-b", "html", str(ROOT / "docs"), str(build))
    session.log(f"the documentation is in {build}")


@nox.session(python=DOCS_PYTHON)
def typecheck(session: nox.Session) -> None:
    """``mypy --strict`` and pyright on the whole package, as a user's type checker reads it.

    The test extra brings mypy, django-stubs and pyright; the fast extra brings orjson, whose
    types the encoder uses. Both checkers read the same Django the docs build with.
    """
    session.install(f"Django=={DOCS_DJANGO}.*")
    session.install("-e", f"{ROOT}[test,fast]")
    package = str(ROOT / "django_restframework_lite")
    session.run("mypy", "--strict", package)
    session.run("pyright", package)
