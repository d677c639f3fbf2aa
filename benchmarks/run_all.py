"""Run the benchmarks one after the other, each in its own process (`make bench`).

    python benchmarks/run_all.py [NAME ...] [--tiny] [--no-write] [--list] [--dry-run]

NAME is a script of this folder without `bench_` and `.py` (`ui_start`, `sync`…; the
full file name works too). Without a name, every `benchmarks/bench_*.py` runs, in name
order. Each one writes its own section of docs/PERFORMANCE.md, unless `--no-write` (which
is passed on to each). One after the other, never at once: they measure time, and two at
a time would slow each other down.

`--tiny` runs each in its tiny mode (a handful of records, one or two repetitions: see
perf_report.py), about a minute for all of them: CI does so after the tests
(`make bench TINY=1`), so that a benchmark broken by a change of the code fails there.
Their sections go to a copy of docs/PERFORMANCE.md in a temporary folder, removed at
the end: a tiny run never replaces a real figure. `--dry-run` prints the commands.

A benchmark that fails (a missing PostgreSQL for `sync`, no built bundle for `bundle`)
does not stop the others; the exit code is then 1. An unknown name: exit code 2, before
anything runs.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREFIX = "bench_"
PERFORMANCE_MD = HERE.parent / "docs" / "PERFORMANCE.md"


def available() -> dict[str, Path]:
    """{name: script} of every benchmark of this folder, in name order."""
    return {path.stem[len(PREFIX) :]: path for path in sorted(HERE.glob(f"{PREFIX}*.py"))}


def _name(text: str) -> str:
    stem = Path(text).stem if text.endswith(".py") else text
    return stem[len(PREFIX) :] if stem.startswith(PREFIX) else stem


def choose(names: Sequence[str], scripts: dict[str, Path]) -> list[Path]:
    """The scripts named (all of them when none is), in the order given; ValueError with
    a French message for an unknown name."""
    if not names:
        return list(scripts.values())
    chosen = []
    for text in names:
        name = _name(text)
        if name not in scripts:
            known = ", ".join(scripts)
            raise ValueError(f"benchmark inconnu : « {text} » (disponibles : {known})")
        if scripts[name] not in chosen:
            chosen.append(scripts[name])
    return chosen


def command(script: Path, *, tiny: bool, no_write: bool, out: Path | None) -> list[str]:
    """The command line that runs one benchmark."""
    line = [sys.executable, str(script)]
    if tiny:
        line.append("--tiny")
    if no_write:
        line.append("--no-write")
    elif out is not None:
        line += ["--out", str(out)]
    return line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run")
    parser.add_argument("--tiny", action="store_true", help="tiny sizes: does each still run?")
    parser.add_argument("--no-write", action="store_true", help="do not update the doc")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    parser.add_argument("--dry-run", action="store_true", help="print the commands only")
    args = parser.parse_args(argv)
    scripts = available()
    if args.list:
        print("\n".join(scripts))
        return 0
    try:
        chosen = choose(args.names, scripts)
    except ValueError as err:
        print(f"run_all.py : {err}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="fieldvisit-bench-") as tmp:
        out = None
        if args.tiny:  # a copy: the sections are written, the real figures kept
            out = Path(tmp) / "PERFORMANCE.md"
            if PERFORMANCE_MD.exists():
                shutil.copyfile(PERFORMANCE_MD, out)
        commands = [
            (script, command(script, tiny=args.tiny, no_write=args.no_write, out=out))
            for script in chosen
        ]
        if args.dry_run:
            print("\n".join(shlex.join(line) for _script, line in commands))
            return 0
        return run(commands)


def run(commands: list[tuple[Path, list[str]]]) -> int:
    results: list[tuple[str, int, float]] = []
    for script, line in commands:
        name = _name(script.name)
        print(f"\n=== {name} ({script.name}) ===", flush=True)
        started = time.perf_counter()
        code = subprocess.run(line, cwd=HERE.parent, check=False).returncode
        results.append((name, code, time.perf_counter() - started))
    print("\n=== summary ===")
    for name, code, seconds in results:
        status = "ok" if code == 0 else f"FAILED (exit code {code})"
        print(f"{name:<20} {status:<24} {seconds:7.1f} s")
    print(f"{'total':<20} {'':<24} {sum(s for _n, _c, s in results):7.1f} s")
    return 0 if all(code == 0 for _name, code, _s in results) else 1


if __name__ == "__main__":
    sys.exit(main())
