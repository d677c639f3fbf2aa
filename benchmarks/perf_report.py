"""What every benchmark shares: its common options, the machine and load lines, and
writing its section of docs/PERFORMANCE.md.

Common options (`bench_parser`, `parse_args`):

- `--tiny` (or FIELDVISIT_BENCH_TINY=1): the benchmark's `TINY` sizes (a handful of
  records or photos, one or two repetitions), to check that it still runs: CI runs
  every benchmark so (`run_all.py --tiny`). Its figures mean nothing; they are not
  written to docs/PERFORMANCE.md (only to `--out` if one is given).
- `--no-write`: print the section, write it nowhere.
- `--out FILE`: write the section to FILE instead of docs/PERFORMANCE.md.

Not a benchmark itself: `run_all.py` runs the `bench_*.py` scripts only.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PERFORMANCE_MD = Path(__file__).resolve().parents[1] / "docs" / "PERFORMANCE.md"
ENV_TINY = "FIELDVISIT_BENCH_TINY"
HEADER = (
    "# Performance\n\n"
    "Measured by the scripts in `benchmarks/` (run `make bench` or one script); each "
    "section is rewritten by its script with the machine and date of the run.\n"
)


def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"Machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} — measured {date.today().isoformat()}."
    )


def load_average() -> float:
    """The 1-minute load average (/proc/loadavg); 0 where the system has none."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


@dataclass
class Load:
    """The load average when the measurements started, and when they ended."""

    before: float = field(default_factory=load_average)

    def text(self) -> str:
        """« load average 0.31 before, 1.42 after (1 min; 2 cores) »: a figure measured
        while the load was well above 0 shared the cores with other work; compare it
        with its floor, measured in the same run."""
        return (
            f"load average {self.before:.2f} before, {load_average():.2f} after "
            f"(1 min; {os.cpu_count()} cores)"
        )


def sizes(text: str) -> list[int]:
    """`1000,10000,50000` → [1000, 10000, 50000] (an argparse type)."""
    try:
        values = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(
            f"tailles attendues : des entiers positifs séparés par des virgules, pas « {text} »"
        )
    return values


def bench_parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the common options; the script adds its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--tiny",
        action="store_true",
        help=f"tiny sizes, to check that the benchmark runs (also {ENV_TINY}=1); "
        "figures not written to docs/PERFORMANCE.md",
    )
    parser.add_argument("--no-write", action="store_true", help="print, write no section")
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="write the section here, not to the doc"
    )
    return parser


def tiny_requested(argv: Sequence[str]) -> bool:
    return "--tiny" in argv or os.environ.get(ENV_TINY, "") not in ("", "0")


def parse_args(
    parser: argparse.ArgumentParser,
    tiny: Mapping[str, object],
    argv: Sequence[str] | None = None,
) -> argparse.Namespace:
    """Parse argv; in tiny mode the `tiny` values replace the defaults (an option given
    on the command line still wins)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    is_tiny = tiny_requested(args_list)
    if is_tiny:
        parser.set_defaults(**tiny)
    args = parser.parse_args(args_list)
    args.tiny = is_tiny
    if is_tiny:
        print("(tiny run: checks that the benchmark runs; its figures mean nothing)")
    return args


def section_path(args: argparse.Namespace) -> Path | None:
    """Where the section goes: --out, else the doc, except for --no-write and tiny runs."""
    if args.no_write:
        return None
    if args.out is not None:
        return Path(args.out)
    return None if args.tiny else PERFORMANCE_MD


def write_section(title: str, body: str, args: argparse.Namespace) -> Path | None:
    """Replace (or append) the section `## title` of the file `section_path(args)`;
    the file written, if any."""
    path = section_path(args)
    if path is None:
        return None
    replace_section(path, title, body)
    return path


def replace_section(path: Path, title: str, body: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    block = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: block + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def median_range(values: Sequence[float], fmt: str = ".1f", unit: str = "") -> str:
    """« 12.3 ms (11.9–14.0) »: the median, then min–max."""
    low, high = min(values), max(values)
    return (
        f"{format(statistics.median(values), fmt)}{unit} ({format(low, fmt)}–{format(high, fmt)})"
    )
