"""Benchmark: loading the communes reference and searching it.

Measures, in process and after imports: reading the shipped file, building the search
indexes (the first name and number searches), then 1,000 varied queries (full names,
name starts, "st …" forms, inner words, postal codes whole and partial, INSEE codes).
Prints a Markdown snippet and writes it as the "## Communes search" section of
docs/PERFORMANCE.md (other sections are kept).

    python benchmarks/bench_communes_search.py [--queries 1000] [--no-write]
    python benchmarks/bench_communes_search.py --tiny     # does it still run? (CI)
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time

from perf_report import Load, bench_parser, machine_line, parse_args, write_section

from fieldvisit.reference import Commune, CommuneIndex

SECTION = "Communes search"
TINY = {"queries": 50, "rounds": 1}
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
    load = Load()
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
            machine_line(),
            "",
            f"Shipped reference, {len(index):,} entries, by"
            " `python benchmarks/bench_communes_search.py`, in-process after imports;"
            f" {load.text()}. Start-up, median of {rounds} rounds:",
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


def build_parser() -> argparse.ArgumentParser:
    parser = bench_parser(__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000, help="queries timed")
    parser.add_argument("--rounds", type=int, default=5, help="loads timed")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parse_args(build_parser(), TINY, argv)
    section = run(args.queries, args.rounds)
    print(section)
    write_section(SECTION, section, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
