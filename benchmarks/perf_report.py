"""Writing benchmark results into docs/PERFORMANCE.md, one section per benchmark."""

from __future__ import annotations

import os
import platform
import re
from datetime import date
from pathlib import Path

PERFORMANCE_MD = Path(__file__).resolve().parents[1] / "docs" / "PERFORMANCE.md"
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


def write_section(title: str, body: str, path: Path = PERFORMANCE_MD) -> None:
    """Replace (or append) the section `## title` of PERFORMANCE.md."""
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    block = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: block + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
