"""Opening a data dir that holds 10,000 visits, up to the first page of the visit list.

In-process, after imports (the cost measured is fieldvisit's own: getting the key
from the keyring, checking the encrypted schema, creating the engine, loading the forms,
querying the first page). The keyring is fieldvisit's test backend (a file,
`security/testing.py`): the OS keyring's own lookup (a D-Bus call to the Secret Service,
the Keychain) is not in these numbers. Repeatable: the
database is built once per run in a temporary folder with a fixed random seed.

    .venv/bin/python benchmarks/bench_open_data_dir.py [--visits 10000] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from perf_report import machine_line, write_section
from sqlalchemy import insert

from fieldvisit.paths import DataDir
from fieldvisit.security.testing import use_file_keyring
from fieldvisit.store import open_store
from fieldvisit.store.models import Answer, Visit, natural_id

PAGE = 50
COMMUNES = [
    ("15187", "Saint-Flour", "15"),
    ("52269", "Langres", "52"),
    ("12208", "Saint-Affrique", "12"),
]


def build(data_dir: DataDir, n_visits: int, answers_per_visit: int) -> None:
    rng = random.Random(42)
    store = open_store(data_dir)
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    common = {"created_at": stamp, "updated_at": stamp, "updated_by": "bench", "pending": False}
    visits, answers = [], []
    for n in range(n_visits):
        code, name, dep = rng.choice(COMMUNES)
        vid = f"0190b0c0-0000-7000-8000-{n:012d}"
        visits.append(
            {
                "id": vid,
                "commune_code": code,
                "commune_name": name,
                "departement": dep,
                "visit_date": date(2020, 1, 1) + timedelta(days=rng.randint(0, 2500)),
                "visit_type": "premiere",
                "status": rng.choice(["planifiee", "en_cours", "terminee", "rapport_emis"]),
                "author": "Bench",
                "summary": "",
                "checklist_form_id": "visite-centre-bourg",
                "checklist_form_version": 1,
                "diagnostic_form_id": "diagnostic-securite",
                "diagnostic_form_version": 1,
                **common,
            }
        )
        for i in range(answers_per_visit):
            answers.append(
                {
                    "id": natural_id("answer", vid, "visite-centre-bourg", f"item{i}"),
                    "visit_id": vid,
                    "form_id": "visite-centre-bourg",
                    "item_id": f"item{i}",
                    "value": "oui",
                    "comment": "",
                    **common,
                }
            )
    with store.transaction() as session:
        session.execute(insert(Visit), visits)
        session.execute(insert(Answer), answers)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


CHILD = """
import sys, time
from pathlib import Path
from fieldvisit.paths import DataDir
from fieldvisit.services import Services
from fieldvisit.services.visits import list_visits
start = time.perf_counter()
svc = Services.open(DataDir(Path(sys.argv[1])))
page = list_visits(svc, limit=int(sys.argv[2]))
elapsed = time.perf_counter() - start
assert len(page) == int(sys.argv[2])
svc.close()
print(elapsed * 1000)
"""


def measure(data_dir: DataDir, runs: int) -> list[float]:
    """Each run is a fresh process (nothing compiled or cached in memory), timed after
    its imports, as a real start of the app would be."""
    timings = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(data_dir.root), str(PAGE)],
            capture_output=True,
            text=True,
            check=True,
        )
        timings.append(float(out.stdout.strip()))
    return timings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=30, help="answers per visit")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as keys:
        os.environ.update(use_file_keyring(Path(keys) / "keyring.json"))  # children too
        data_dir = DataDir(Path(tmp))
        t0 = time.perf_counter()
        build(data_dir, args.visits, args.answers)
        build_s = time.perf_counter() - t0
        timings = measure(data_dir, args.runs)
    first = timings[0]  # the only run that parses the TOML forms and writes their cache
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    lines = [
        f"Data dir with {args.visits:,} visits and {args.visits * args.answers:,} answers "
        f"(built in {build_s:.1f} s); {args.runs} opens, each in a fresh process, timed "
        "after imports: key from the keyring (fieldvisit's test file backend, not the OS "
        "keyring), schema check of the encrypted database (no Alembic import), engine, "
        f"forms catalogue (from its cache), first page of {PAGE} rows with progress.",
        "",
        "| measure | first page after open |",
        "|---|---|",
        f"| median | {p50:.1f} ms |",
        f"| p95 | {p95:.1f} ms |",
        f"| min / max | {timings[0]:.1f} / {timings[-1]:.1f} ms |",
        f"| very first open after install (forms parsed, cache written) | {first:.1f} ms |",
        "",
        "Target: < 50 ms.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("Opening a data dir (10,000 visits)", machine_line() + "\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
