"""Benchmark: loading the communes reference and searching it.

Measures, in process and after imports: reading the shipped file, building the search
indexes (the first name and number searches), then 1,000 varied queries (full names,
name starts, "st …" forms, inner words, postal codes whole and partial, INSEE codes).
Prints a Markdown snippet and writes it as the "## Communes search" section of
docs/PERFORMANCE.md (other sections are kept).

    python benchmarks/bench_communes_search.py [--queries 1000] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path

from fieldvisit.reference import Commune, CommuneIndex

SECTION_TITLE = "## Communes search"
PERFORMANCE_FILE = Path(__file__).resolve().parents[1] / "docs" / "PERFORMANCE.md"
TARGET_P95_MS = 2.0
TARGET_LOAD_MS = 500.0
WARM_UP = 20


def varied_queries(communes: list[Commune], count: int, seed: int = 20240615) -> list[str]:
    """Queries shaped like what people type, drawn from the data with a fixed seed."""
    chooser = random.Random(seed)
    current = [c for c in communes if c.is_current]
    with_postal = [c for c in current if c.codes_postaux]
    saints = [c for c in current if c.nom.startswith(("Saint-", "Sainte-"))]

    def full_name() -> str:
        nom = chooser.choice(current).nom
        return chooser.choice((nom, nom.lower(), nom.upper(), nom.replace("-", " ")))

    def name_start() -> str:
        nom = chooser.choice(current).nom
        return nom[: chooser.randint(2, max(2, min(len(nom), 8)))]

    def saint_short() -> str:
        words = chooser.choice(saints).nom.split("-")
        short = "st" if words[0] == "Saint" else "ste"
        rest = words[1][: chooser.randint(1, len(words[1]))]
        return f"{short} {rest}" if chooser.random() < 0.7 else f"{short}-{rest}"

    def inner_word() -> str:
        words = [w for w in re.split(r"[-' ]", chooser.choice(current).nom) if len(w) > 3]
        word = chooser.choice(words) if words else "flour"
        return word[: chooser.randint(3, len(word))]

    def word_starts() -> str:
        words = [w for w in re.split(r"[-' ]", chooser.choice(current).nom) if w]
        return " ".join(w[: chooser.randint(1, len(w))] for w in words[:3])

    def postal_code() -> str:
        return chooser.choice(chooser.choice(with_postal).codes_postaux)

    def postal_start() -> str:
        return postal_code()[: chooser.randint(2, 4)]

    def insee_code() -> str:
        return chooser.choice(communes).code

    makers = (
        (full_name, 25),
        (name_start, 20),
        (saint_short, 10),
        (inner_word, 10),
        (word_starts, 10),
        (postal_code, 10),
        (postal_start, 5),
        (insee_code, 10),
    )
    population = [maker for maker, weight in makers for _ in range(weight)]
    return [chooser.choice(population)() for _ in range(count)]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


def start_up(rounds: int) -> tuple[CommuneIndex, list[tuple[float, float, float]]]:
    """Load then build the indexes `rounds` times: (read, names, numbers) ms per round."""
    steps = []
    for _ in range(rounds):
        started = time.perf_counter()
        index = CommuneIndex.load()
        loaded = time.perf_counter()
        index.search("saint flour")
        names_built = time.perf_counter()
        index.search("15100")
        index.get("15187")
        numbers_built = time.perf_counter()
        steps.append(
            (
                (loaded - started) * 1000,
                (names_built - loaded) * 1000,
                (numbers_built - names_built) * 1000,
            )
        )
    return index, steps


def run(query_count: int, rounds: int = 5) -> str:
    # Queries come from another instance: the measured one makes its Commune objects
    # only when a search returns them, as in the app.
    queries = varied_queries(list(CommuneIndex.load()), query_count)
    index, steps = start_up(rounds)
    timings = []
    empty = 0
    for query in queries:
        before = time.perf_counter()
        results = index.search(query)
        timings.append((time.perf_counter() - before) * 1000)
        empty += not results
    slowest = max(range(len(queries)), key=timings.__getitem__)

    load_ms, names_ms, numbers_ms = (statistics.median(step) for step in zip(*steps, strict=True))
    totals = [sum(step) for step in steps]
    p50, p95 = statistics.median(timings), percentile(timings, 0.95)
    met = p95 < TARGET_P95_MS and statistics.median(totals) < TARGET_LOAD_MS
    return "\n".join(
        [
            SECTION_TITLE,
            "",
            f"Machine: {machine()}, Python {platform.python_version()}, {platform.system()}"
            f" — measured {datetime.date.today():%Y-%m-%d}.",
            "",
            f"Shipped reference, {len(index):,} entries, by"
            " `python benchmarks/bench_communes_search.py`, in-process after imports."
            f" Start-up, median of {rounds} rounds:",
            "",
            "| step | time |",
            "|---|---:|",
            f"| read the shipped file | {load_ms:.0f} ms |",
            f"| build the name index (first name search) | {names_ms:.0f} ms |",
            f"| build the code and postal indexes (first number search) | {numbers_ms:.0f} ms |",
            f"| total before the first answer | {statistics.median(totals):.0f} ms"
            f" (slowest round {max(totals):.0f} ms) |",
            "",
            f"{len(queries)} varied queries (full names, name starts, « st … », inner words,"
            f" postal codes whole and partial, INSEE codes; {empty} without result), limit 20:",
            "",
            f"| p50 | p95 | max | max after the first {WARM_UP} queries |",
            "|---:|---:|---:|---:|",
            f"| {p50:.3f} ms | {p95:.3f} ms | {timings[slowest]:.3f} ms"
            f" | {max(timings[WARM_UP:], default=0.0):.3f} ms |",
            "",
            f"Slowest query: « {queries[slowest]} » (number {slowest + 1}). The first queries"
            " after a build may pay the garbage collector's first pass over the new index, a"
            " one-off of some ms; later passes skip it (it is kept in tuples of str and int).",
            "",
            f"Targets: load + index build < {TARGET_LOAD_MS:.0f} ms; search p95 <"
            f" {TARGET_P95_MS:g} ms — {'met' if met else 'NOT met'}.",
        ]
    )


def write_section(section: str, path: Path = PERFORMANCE_FILE) -> None:
    """Replace (or append) the section in the performance notes, keeping the others."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    pattern = re.compile(rf"^{re.escape(SECTION_TITLE)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000, help="nombre de requêtes")
    parser.add_argument("--rounds", type=int, default=5, help="chargements mesurés")
    parser.add_argument(
        "--no-write", action="store_true", help="ne pas mettre à jour docs/PERFORMANCE.md"
    )
    args = parser.parse_args(argv)
    section = run(args.queries, args.rounds)
    print(section)
    if not args.no_write:
        write_section(section)
        print(f"Section « {SECTION_TITLE[3:]} » écrite dans {PERFORMANCE_FILE}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
