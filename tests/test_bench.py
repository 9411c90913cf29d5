"""The published benchmark's script runs (tiny rounds on SQLite): it measures, it asserts no time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("middleware", "said"), [("startproject", "startproject middleware"),
                                                  ("api", "an API-only middleware stack")])
def test_the_benchmark_runs_and_prints_an_rst_table(tmp_path, middleware, said):
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--middleware", middleware],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"persistent connections, {said};" in lines[0]
    header = next(line for line in lines if line.startswith("scenario"))
    assert header.split()[:5] == ["scenario", "database", "hand-written", "(req/s)", "library"]
    assert "raw cursor + orjson" in header
    rows = [line.split()[0:2] for line in lines if line.startswith(("list ", "detail ", "create "))]
    assert ["list", "SQLite"] in rows and ["detail", "SQLite"] in rows and ["create", "SQLite"] in rows
    assert list(tmp_path.iterdir()) == []  # the temporary database went away with its directory
