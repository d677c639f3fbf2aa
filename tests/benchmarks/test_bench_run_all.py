"""`make bench`: benchmarks/run_all.py runs every benchmark, or the ones named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RUN_ALL = Path(__file__).resolve().parents[2] / "benchmarks" / "run_all.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN_ALL), *args], capture_output=True, text=True, check=False
    )


def test_every_benchmark_script_is_listed() -> None:
    listed = run("--list")
    assert listed.returncode == 0
    scripts = sorted(p.stem.removeprefix("bench_") for p in RUN_ALL.parent.glob("bench_*.py"))
    assert listed.stdout.split() == scripts
    assert "ui_start" in scripts


def test_an_unknown_name_runs_nothing_and_says_so_in_french() -> None:
    result = run("ui_start", "sinc")
    assert result.returncode == 2
    assert "benchmark inconnu : « sinc »" in result.stderr
    assert "ui_start" in result.stderr  # what is available
    assert "===" not in result.stdout  # nothing started, not even ui_start
