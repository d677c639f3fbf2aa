"""The spreadsheet export of every visit (10,000 by default) and the Word report of one,
as a person meets them: time and peak memory.

The database (built once, fixed seed): `--visits` visits of three communes on the
shipped forms, each with `--answers` checklist answers of real items (yes/no, numbers,
dates, choices, text: labels and typed cells to make), the diagnostic's themes rated,
one interview of 8 answers and 5 actions (50,000 actions at 10,000 visits).

Each measure runs in a fresh process (`fieldvisit export xlsx`'s own work, timed after
imports and the opening of the data dir): `write_workbook` of every visit (internal,
all six sheets), then the Word report of one visit (`build_report` + `render_word`).
Peak memory: the process's maximum resident size (VmHWM) before and after the export
(with `--traced`, also tracemalloc's peak of Python allocations during a second
export) — the write-only workbook streams rows, so it should not grow with the number
of visits.

    .venv/bin/python benchmarks/bench_exports.py [--visits 10000] [--runs 3] [--no-write]
    .venv/bin/python benchmarks/bench_exports.py --tiny     # does it still run? (CI)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from perf_report import Load, bench_parser, machine_line, parse_args, write_section

HERE = Path(__file__).resolve().parent
SECTION = "Exports: workbook of every visit, Word report"
TARGET_WORKBOOK_S = 15.0  # 10,000 visits (issue 17)
TARGET_WORD_S = 1.0  # a typical visit
TINY = {"visits": 30, "runs": 1, "answers": 10}
COMMUNES = [
    ("15187", "Saint-Flour", "15"),
    ("52269", "Langres", "52"),
    ("12208", "Saint-Affrique", "12"),
]


def _value(item, rng: random.Random):  # type: ignore[no-untyped-def]
    kind = item.type
    if kind == "yes_no_na":
        return rng.choice(["oui", "non", "na"])
    if kind == "single_choice":
        return rng.choice(item.choices).id
    if kind == "multi_choice":
        return [choice.id for choice in item.choices[:2]]
    if kind == "number":
        return rng.randint(0, 40)
    if kind == "date":
        return "2026-03-12"
    if kind == "rating":
        return rng.randint(1, item.scale)
    return "Constat rédigé sur place, avec quelques mots de plus pour une vraie longueur."


def build(root: Path, n_visits: int, n_answers: int) -> None:
    from sqlalchemy import insert

    from fieldvisit.assets import shipped_forms_dir
    from fieldvisit.forms import FormCatalogue
    from fieldvisit.paths import DataDir
    from fieldvisit.store import open_store
    from fieldvisit.store.models import (
        Answer,
        Interview,
        InterviewAnswer,
        Recommendation,
        ThemeRating,
        Visit,
        natural_id,
    )

    catalogue = FormCatalogue.load([shipped_forms_dir()])
    checklist = catalogue.latest("visite-centre-bourg")
    diagnostic = catalogue.latest("diagnostic-securite")
    guide = catalogue.latest("entretien-elu")
    items = [i for i in checklist.iter_items() if i.type != "photo"][:n_answers]
    guide_items = [i for i in guide.iter_items() if i.type != "photo"][:8]
    themes = list(diagnostic.iter_themes())
    rng = random.Random(17)
    store = open_store(DataDir(root))
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    common = {"created_at": stamp, "updated_at": stamp, "updated_by": "bench", "pending": False}
    rows: dict[type, list[dict[str, object]]] = {
        m: [] for m in (Visit, Answer, ThemeRating, Interview, InterviewAnswer, Recommendation)
    }
    for n in range(n_visits):
        code, name, dep = rng.choice(COMMUNES)
        vid = f"0190b0c0-0000-7000-8000-{n:012d}"
        day = date(2021, 1, 1) + timedelta(days=rng.randint(0, 2000))
        rows[Visit].append(
            {
                "id": vid,
                "commune_code": code,
                "commune_name": name,
                "departement": dep,
                "visit_date": day,
                "visit_type": "premiere",
                "status": rng.choice(["planifiee", "en_cours", "terminee", "rapport_emis"]),
                "author": "Bench",
                "summary": "Synthèse de la visite.",
                "checklist_form_id": checklist.id,
                "checklist_form_version": checklist.version,
                "diagnostic_form_id": diagnostic.id,
                "diagnostic_form_version": diagnostic.version,
                **common,
            }
        )
        for item in items:
            rows[Answer].append(
                {
                    "id": natural_id("answer", vid, checklist.id, item.id),
                    "visit_id": vid,
                    "form_id": checklist.id,
                    "item_id": item.id,
                    "value": _value(item, rng),
                    "comment": "",
                    **common,
                }
            )
        for theme in themes:
            rows[ThemeRating].append(
                {
                    "id": natural_id("theme_rating", vid, theme.id),
                    "visit_id": vid,
                    "theme_id": theme.id,
                    "level": rng.randint(1, 4),
                    "observations": "Observation du thème.",
                    **common,
                }
            )
        iid = f"0190b0c0-0000-7000-9000-{n:012d}"
        rows[Interview].append(
            {
                "id": iid,
                "visit_id": vid,
                "form_id": guide.id,
                "form_version": guide.version,
                "title": "Entretien avec le maire",
                "held_on": day,
                "notes": "",
                **common,
            }
        )
        for item in guide_items:
            rows[InterviewAnswer].append(
                {
                    "id": natural_id("interview_answer", iid, item.id),
                    "interview_id": iid,
                    "item_id": item.id,
                    "value": _value(item, rng),
                    "comment": "",
                    **common,
                }
            )
        for k in range(5):
            rows[Recommendation].append(
                {
                    "id": f"0190b0c0-0000-7000-a{k:03d}-{n:012d}",
                    "visit_id": vid,
                    "text": f"Action {k + 1} du plan, décrite en une phrase.",
                    "theme_id": themes[k % len(themes)].id,
                    "priority": 1 + k % 3,
                    "horizon": "court",
                    "porteur": "commune",
                    "dispositif": "aucun",
                    "due_date": day + timedelta(days=90),
                    "status": "a_engager",
                    "carried_from_id": None,
                    **common,
                }
            )
    with store.transaction() as session:
        for model, values in rows.items():
            if values:
                session.execute(insert(model), values)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


CHILD = """
import json, sys, time, tracemalloc
from pathlib import Path

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return 0.0

from fieldvisit.exports.tables import ExportScope
from fieldvisit.exports.workbook import write_workbook
from fieldvisit.paths import DataDir
from fieldvisit.report.model import build_report
from fieldvisit.report.word import render_word
from fieldvisit.services import Services

svc = Services.open(DataDir(Path(sys.argv[1])))
out = Path(sys.argv[2])
svc.forms  # loaded as the app has them
before = hwm()
start, cpu = time.perf_counter(), time.process_time()
counts = write_workbook(svc, out / "v.xlsx", ExportScope(internal=True), overwrite=True)
workbook_s, workbook_cpu = time.perf_counter() - start, time.process_time() - cpu
after = hwm()
start = time.perf_counter()
report = build_report(svc, sys.argv[3])
render_word(report, out / "r.docx")
word_s = time.perf_counter() - start
start, cpu = time.perf_counter(), time.process_time()
render_word(build_report(svc, sys.argv[3]), out / "r.docx")
word_warm_s, word_warm_cpu = time.perf_counter() - start, time.process_time() - cpu
traced = None
if sys.argv[4] == "1":  # tracemalloc slows the export several times: on request only
    tracemalloc.start()
    write_workbook(svc, out / "v.xlsx", ExportScope(internal=True), overwrite=True)
    traced = tracemalloc.get_traced_memory()[1] / 2**20
print(json.dumps({"workbook_s": workbook_s, "word_s": word_s, "word_warm_s": word_warm_s,
                  "workbook_cpu": workbook_cpu, "word_warm_cpu": word_warm_cpu,
                  "hwm_before": before, "hwm_after": after, "traced": traced, "counts": counts,
                  "size": (out / "v.xlsx").stat().st_size}))
"""


def measure(root: Path, scratch: Path, visit_id: str, traced: bool) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(scratch), visit_id, "1" if traced else "0"],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def build_parser() -> argparse.ArgumentParser:
    parser = bench_parser(__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=30, help="checklist answers a visit")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--traced", action="store_true", help="also tracemalloc's peak (a slower export)"
    )
    return parser


def main() -> int:
    from fieldvisit.security.testing import use_file_keyring

    args = parse_args(build_parser(), TINY)
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        scratch = Path(tmp)
        os.environ.update(use_file_keyring(scratch / "keyring.json"))
        root = scratch / "data"
        build(root, args.visits, args.answers)
        load = Load()
        runs = [
            measure(root, scratch, f"0190b0c0-0000-7000-8000-{n:012d}", args.traced)
            for n in range(max(1, args.runs))
        ]
        load_text = load.text()
    workbook = [float(r["workbook_s"]) for r in runs]  # type: ignore[arg-type]
    word = [float(r["word_s"]) for r in runs]  # type: ignore[arg-type]
    warm = [float(r["word_warm_s"]) for r in runs]  # type: ignore[arg-type]
    workbook_cpu = statistics.median(float(r["workbook_cpu"]) for r in runs)  # type: ignore[arg-type]
    warm_cpu = statistics.median(float(r["word_warm_cpu"]) for r in runs)  # type: ignore[arg-type]
    counts: dict[str, int] = runs[0]["counts"]  # type: ignore[assignment]
    rows = sum(counts.values())
    hwm_before = max(float(r["hwm_before"]) for r in runs)  # type: ignore[arg-type]
    hwm_after = max(float(r["hwm_after"]) for r in runs)  # type: ignore[arg-type]
    traced = [float(r["traced"]) for r in runs if r["traced"] is not None]  # type: ignore[arg-type]
    size = int(runs[0]["size"])  # type: ignore[call-overload]

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    median_workbook = statistics.median(workbook)
    lines = [
        f"`python benchmarks/bench_exports.py`: {args.visits:,} visits, {args.answers} "
        f"checklist answers, the diagnostic's themes rated, one interview of 8 answers and "
        f"5 actions each ({rows:,} rows in all: "
        + ", ".join(f"{sheet} {count:,}" for sheet, count in counts.items())
        + f"); {len(runs)} runs, each a fresh process; {load_text}.",
        "",
        "Wall time is what a person waits; the process's CPU time is the work itself (on "
        "a loaded machine the wall time also counts the waits for a core).",
        "",
        "| measure | median (min–max) | target |",
        "|---|---:|---|",
        f"| workbook of every visit (`write_workbook`, {len(counts)} sheets, "
        f"{size / 2**20:.1f} MB; XlsxWriter, constant memory) | "
        f"{median_workbook:.2f} s ({min(workbook):.2f}–{max(workbook):.2f}); CPU "
        f"{workbook_cpu:.2f} s | < {TARGET_WORKBOOK_S:.0f} s: wall "
        f"{verdict(median_workbook < TARGET_WORKBOOK_S)}, CPU "
        f"{verdict(workbook_cpu < TARGET_WORKBOOK_S)} |",
        f"| Word report of one visit, the first of the process (`build_report` + "
        f"`render_word`, chart included; python-docx, fonts and pdfium loaded) | "
        f"{statistics.median(word):.2f} s ({min(word):.2f}–{max(word):.2f}) | |",
        f"| the next Word report of that process | {statistics.median(warm):.2f} s "
        f"({min(warm):.2f}–{max(warm):.2f}); CPU {warm_cpu:.2f} s | < {TARGET_WORD_S:.0f} s: "
        f"wall {verdict(statistics.median(warm) < TARGET_WORD_S)}, CPU "
        f"{verdict(warm_cpu < TARGET_WORD_S)} |",
        f"| peak resident memory before / after the workbook | {hwm_before:.0f} MB / "
        f"{hwm_after:.0f} MB | bounded |",
    ]
    if traced:
        lines.append(
            f"| peak of Python allocations during a workbook (tracemalloc) | "
            f"{max(traced):.1f} MB | |"
        )
    text = "\n".join(lines)
    print(text)
    write_section(SECTION, machine_line() + "\n\n" + text, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
