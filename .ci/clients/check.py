"""Real OpenAPI tooling on the demo's documents: three linters, two generated clients and their scenario.

Run from the repository root after ``npm ci --prefix .ci/clients`` and ``pip install
openapi-python-client`` (``.ci/run`` does both)::

    python .ci/clients/check.py            # every step
    python .ci/clients/check.py --keep     # leave .ci-clients/ (documents, clients, reports) behind

It migrates a fresh SQLite demo in a temporary directory, loads the demo data
and starts it under gunicorn (one worker: ``tags`` lives in the worker's own
memory), then:

1. fetches ``openapi.json`` from every mount of the demo and lints each with
   Redocly's recommended ruleset (``redocly.yaml``), Spectral's OpenAPI ruleset
   (``.spectral.yaml``) and ``openapi-spec-validator``, counting errors and warnings;
2. generates a Python client (``openapi-python-client``) and TypeScript types
   (``openapi-typescript``) from each document;
3. runs the CRUD + pagination + conditional-request scenario on ``users`` (ORM),
   ``tags`` (Python list) and ``notes`` (SQLite) of ``/api/`` through the generated
   Python client (``scenario_python.py``), then type-checks ``scenario.ts`` against
   the generated types with ``tsc`` and runs it with node (openapi-fetch over fetch).

Exit status: non-zero when any linter reports an error, a generator or ``tsc``
fails, or any step of either scenario fails. Every count and step is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from scenario_python import run as run_python_scenario  # noqa: E402

from tests.servers import DemoServer, request  # noqa: E402

MOUNTS = ["/api/", "/protected/api/", "/protected/limited/", "/protected/basic/", "/protected/session/", "/mine/"]
BIN = HERE / "node_modules" / ".bin"
# No network but the package registries: the tools must not try to report home or look for updates.
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "SCARF_ANALYTICS": "false",
         "DO_NOT_TRACK": "1", "NO_UPDATE_NOTIFIER": "1"}


def tool(*command: str | Path, cwd: Path = HERE, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], cwd=cwd, env={**os.environ, **QUIET}, text=True,
                          capture_output=True, timeout=timeout)


def document_name(mount: str) -> str:
    return mount.strip("/").replace("/", "-")


def lint(path: Path) -> dict[str, tuple[int, int, list[str]]]:
    """Return ``{linter: (errors, warnings, messages)}`` for one document."""
    counts: dict[str, tuple[int, int, list[str]]] = {}
    redocly = tool(BIN / "redocly", "lint", "--config", HERE / "redocly.yaml", "--format", "json", path)
    problems = json.loads(redocly.stdout or "{}").get("problems", [])
    counts["redocly"] = (
        sum(1 for problem in problems if problem["severity"] == "error"),
        sum(1 for problem in problems if problem["severity"] == "warn"),
        [f"{problem['severity']} {problem['ruleId']}: {problem['message']} "
         f"({problem['location'][0]['pointer'] if problem.get('location') else ''})" for problem in problems],
    )
    spectral = tool(BIN / "spectral", "lint", "--ruleset", HERE / ".spectral.yaml", "--format", "json", "--quiet", path)
    findings = json.loads(spectral.stdout or "[]")
    counts["spectral"] = (
        sum(1 for finding in findings if finding["severity"] == 0),
        sum(1 for finding in findings if finding["severity"] == 1),
        [f"{'error' if finding['severity'] == 0 else 'warn'} {finding['code']}: {finding['message']} "
         f"({'.'.join(str(part) for part in finding['path'])})" for finding in findings if finding["severity"] <= 1],
    )
    validator = tool(sys.executable, "-m", "openapi_spec_validator", "--errors", "all", path)
    counts["openapi-spec-validator"] = (0 if validator.returncode == 0 else 1, 0,
                                        [] if validator.returncode == 0 else [validator.stdout + validator.stderr])
    return counts


def generate(path: Path, work: Path) -> tuple[Path, list[str]]:
    """Generate the Python package and the TypeScript types of one document; return the package and the failures."""
    failures = []
    package = work / f"drfl_client_{path.stem.replace('-', '_')}"
    python = tool(sys.executable, "-m", "openapi_python_client", "generate", "--path", path, "--output-path", package,
                  "--meta", "none", "--overwrite")
    if python.returncode != 0 or not (package / "client.py").exists():
        failures.append(f"openapi-python-client on {path.name}: {python.stdout[-2000:]}{python.stderr[-2000:]}")
    typescript = tool(BIN / "openapi-typescript", path, "--output", work / f"{path.stem}.d.ts",
                      "--redocly", HERE / "redocly.yaml")
    if typescript.returncode != 0:
        said = [line for line in typescript.stderr.splitlines() if line.lstrip().startswith(("✘", "Error"))]
        failures.append(f"openapi-typescript on {path.name}: " + "\n      ".join(said[-40:] or [typescript.stderr[-2000:]]))
    return package, failures


def typescript_scenario(work: Path, base_url: str) -> tuple[list[str], list[str], bool]:
    """Type-check and run scenario.ts against the types of /api/; return (tsc errors, scenario lines, passed)."""
    if not (work / "api.d.ts").exists():
        return ["openapi-typescript made no types from /api/openapi.json: nothing to check"], [], False
    generated = HERE / "generated"
    generated.mkdir(exist_ok=True)
    shutil.copy(work / "api.d.ts", generated / "api.d.ts")
    shutil.rmtree(HERE / "build", ignore_errors=True)
    compiled = tool(BIN / "tsc", "--project", HERE / "tsconfig.json")
    errors = [line for line in compiled.stdout.splitlines() if "error TS" in line]
    if not (HERE / "build" / "scenario.js").exists():
        return errors or [compiled.stdout + compiled.stderr], [], False
    ran = tool("node", HERE / "build" / "scenario.js", base_url, timeout=300)
    return errors, (ran.stdout + ran.stderr).splitlines(), ran.returncode == 0 and compiled.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep .ci-clients/ (documents, generated clients) afterwards")
    arguments = parser.parse_args()
    started = time.monotonic()
    work = ROOT / ".ci-clients"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    data_dir = Path(tempfile.mkdtemp(prefix="drfl-clients-"))
    server = DemoServer(data_dir, workers=1, DRFL_SEED_QUOTA="5000").migrate()
    server.manage("load_addressbook")
    server.start()
    failures: list[str] = []
    try:
        documents = []
        for mount in MOUNTS:
            answer = request(server.port, "GET", f"{mount}openapi.json")
            if answer.status != 200:
                failures.append(f"{mount}openapi.json answered {answer.status}")
                continue
            path = work / f"{document_name(mount)}.json"
            path.write_bytes(answer.body)
            documents.append((mount, path))

        print("\n=== lint: errors / warnings per document", flush=True)
        for mount, path in documents:
            for linter, (errors, warnings, messages) in lint(path).items():
                print(f"{mount:22} {linter:24} {errors:4} errors {warnings:4} warnings", flush=True)
                for message in sorted(set(messages)):
                    print(f"    {message}")
                if errors:
                    failures.append(f"{linter} found {errors} error(s) in {mount}openapi.json")

        print("\n=== generate: a Python client and TypeScript types from every document", flush=True)
        packages = {}
        for mount, path in documents:
            packages[mount], problems = generate(path, work)
            print(f"{mount:22} {'generated' if not problems else 'FAILED'}", flush=True)
            for problem in problems:
                print(f"    {problem}")
            failures += problems

        base_url = f"http://127.0.0.1:{server.port}/api"
        print("\n=== scenario through the generated Python client (/api/: users, tags, notes)", flush=True)
        sys.path.insert(0, str(work))
        document = json.loads((work / "api.json").read_text())
        results = run_python_scenario(packages["/api/"].name, document, base_url)
        for ressource, step, passed, detail in results.rows:
            print(f"{'PASS' if passed else 'FAIL'} python {ressource:6} {step}{': ' + detail if detail else ''}")
        print(f"python scenario: {len(results.rows) - results.failed} passed, {results.failed} failed", flush=True)
        if results.failed:
            failures.append(f"{results.failed} step(s) of the Python scenario failed")

        print("\n=== scenario through the generated TypeScript types (tsc, then node with openapi-fetch)", flush=True)
        tsc_errors, lines, passed = typescript_scenario(work, base_url)
        print(f"tsc: {len(tsc_errors)} error(s)")
        for line in tsc_errors:
            print(f"    {line}")
        for line in lines:
            print(line)
        if tsc_errors:
            failures.append(f"tsc found {len(tsc_errors)} error(s) in scenario.ts against the generated types")
        if not passed:
            failures.append("the TypeScript scenario failed")
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
        if not arguments.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nclients: {time.monotonic() - started:.0f} s", flush=True)
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures), flush=True)
        return 1
    print("\nEvery document lints without error; both generated clients ran the whole scenario.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
