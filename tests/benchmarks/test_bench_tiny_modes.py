"""Benchmarks that cannot rot: every benchmark has a tiny mode, `run_all.py --tiny` runs
them all, CI runs that after the tests, and a tiny run never replaces a real figure.

Nothing here times anything: the tiny runs themselves are CI's (`make bench TINY=1`).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("bench_*.py"))


@pytest.fixture(scope="module")
def perf_report() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield importlib.import_module("perf_report")
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.fixture(autouse=True)
def not_tiny_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDVISIT_BENCH_TINY", raising=False)


def benchmark(name: str) -> ModuleType:
    return importlib.import_module(name)


def test_there_are_benchmarks_to_check() -> None:
    names = {script.stem for script in SCRIPTS}
    assert {"bench_sync", "bench_report", "bench_cli", "bench_open_data_dir"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_every_benchmark_has_a_tiny_mode_that_shrinks_it(
    script: Path, perf_report: ModuleType
) -> None:
    module = benchmark(script.stem)
    tiny = module.TINY
    assert isinstance(tiny, dict) and tiny, f"{script.name}: TINY is empty"
    full = perf_report.parse_args(module.build_parser(), tiny, [])
    small = perf_report.parse_args(module.build_parser(), tiny, ["--tiny"])
    for option, value in tiny.items():
        assert hasattr(small, option), f"{script.name}: --tiny sets {option}, no such option"
        assert getattr(small, option) == value
    assert any(getattr(full, option) != value for option, value in tiny.items()), (
        f"{script.name}: its tiny mode runs the full sizes"
    )
    assert small.tiny and not full.tiny
    # main() parses with that tiny mode (not a parser of its own)
    assert "parse_args(build_parser(), TINY" in inspect.getsource(module.main)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_a_tiny_run_never_writes_the_documented_figures(
    script: Path, perf_report: ModuleType, tmp_path: Path
) -> None:
    module = benchmark(script.stem)
    tiny = perf_report.parse_args(module.build_parser(), module.TINY, ["--tiny"])
    assert perf_report.section_path(tiny) is None
    copy = tmp_path / "PERFORMANCE.md"
    elsewhere = perf_report.parse_args(
        module.build_parser(), module.TINY, ["--tiny", "--out", str(copy)]
    )
    assert perf_report.section_path(elsewhere) == copy
    full = perf_report.parse_args(module.build_parser(), module.TINY, [])
    assert perf_report.section_path(full) == perf_report.PERFORMANCE_MD
    printed = perf_report.parse_args(module.build_parser(), module.TINY, ["--no-write"])
    assert perf_report.section_path(printed) is None


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_every_benchmark_has_its_section_in_the_doc(script: Path, perf_report: ModuleType) -> None:
    """The section a benchmark writes is a heading of docs/PERFORMANCE.md: a renamed
    section would otherwise be appended and the old one left behind."""
    module = benchmark(script.stem)
    headings = perf_report.PERFORMANCE_MD.read_text(encoding="utf-8").splitlines()
    assert f"## {module.SECTION}" in headings


def test_the_tiny_mode_can_come_from_the_environment(
    perf_report: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = perf_report.bench_parser("x")
    parser.add_argument("--visits", type=int, default=10_000)
    monkeypatch.setenv(perf_report.ENV_TINY, "1")
    args = perf_report.parse_args(parser, {"visits": 50}, [])
    assert args.tiny and args.visits == 50
    assert perf_report.section_path(args) is None
    parser = perf_report.bench_parser("x")
    parser.add_argument("--visits", type=int, default=10_000)
    explicit = perf_report.parse_args(parser, {"visits": 50}, ["--visits", "70"])
    assert explicit.visits == 70  # an option given still wins


def test_run_all_tiny_runs_every_benchmark_into_a_temporary_copy() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run_all.py"), "--tiny", "--dry-run"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    commands = [shlex.split(line) for line in done.stdout.splitlines()]
    assert [Path(command[1]).name for command in commands] == [s.name for s in SCRIPTS]
    outs = set()
    for command in commands:
        assert "--tiny" in command
        out = Path(command[command.index("--out") + 1])
        assert out.name == "PERFORMANCE.md"
        assert out.resolve() != (ROOT / "docs" / "PERFORMANCE.md").resolve()
        assert ROOT not in out.resolve().parents  # a temporary folder, not the repository
        outs.add(out)
    assert len(outs) == 1  # one copy, so every section is written next to the others


def test_a_full_run_writes_the_doc() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run_all.py"), "sync", "--dry-run"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    (command,) = [shlex.split(line) for line in done.stdout.splitlines()]
    assert Path(command[1]).name == "bench_sync.py"
    assert "--tiny" not in command and "--out" not in command


def test_ci_runs_every_tiny_benchmark_after_the_tests() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    tests = next(n for n, line in enumerate(lines) if line.startswith("make test"))
    tiny = [n for n, line in enumerate(lines) if "make bench TINY=1" in line]
    assert tiny and tiny[0] > tests, "CI does not run the tiny benchmarks after the tests"
    assert "FIELDVISIT_BENCH_REQUIRE_BUNDLE=1" in lines[tiny[0]]  # the bundle is measured
    make = subprocess.run(
        ["make", "-n", "-s", "bench", "TINY=1"], cwd=ROOT, capture_output=True, text=True
    )
    assert "benchmarks/run_all.py --tiny" in make.stdout


def test_a_section_is_replaced_and_the_others_kept(perf_report: ModuleType, tmp_path: Path) -> None:
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text("# Performance\n\n## Sync\n\nold sync\n\n## Report generation\n\nkept 42\n")
    args = argparse.Namespace(no_write=False, out=doc, tiny=True)
    assert perf_report.write_section("Sync", "new sync figures 17", args) == doc
    text = doc.read_text()
    assert "new sync figures 17" in text and "old sync" not in text
    assert "## Report generation\n\nkept 42\n" in text
    perf_report.write_section("Command line", "cli figures 23", args)
    assert doc.read_text().endswith("## Command line\n\ncli figures 23\n")


def test_sizes_are_read_as_a_growth_list(perf_report: ModuleType) -> None:
    assert perf_report.sizes("1000,10000,50_000") == [1000, 10_000, 50_000]
    for bad in ("", "dix", "10,-1", "0"):
        with pytest.raises(argparse.ArgumentTypeError, match="entiers positifs"):
            perf_report.sizes(bad)
