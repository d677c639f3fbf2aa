"""A report with the walk's observations and their pinned plan, as a person meets it.

One visit of Saint-Flour with `--observations` observations (default 40; every
category, severities in turn, a place and a comment each), one phone photo of
`--photo-size` linked to each of the first `--with-photos` (default 30), a plan of the
town centre of `--plan-size` (a PNG of streets, as a map screenshot; stored as it is,
under the plan's 6,000 px side) with every observation pinned on it, and an action of
the plan created from one in four. Timed: `build_report` + `render_report` to a file
(the median of `--runs`, after one report not counted: reportlab's import and font
registration), with the renditions in the data dir's cache, as the app finds them
(made at import on the report thread; the plan's made by the first report). "Cold":
the first report of the same visit in a fresh cache, every photo and the plan decoded
during it. Beside them, in the same process, the same visit's report without its
observations chapter (its observations deleted): what the chapter, its thumbnails and
the pinned plan add. Target: < 1 s with the cache.

    .venv/bin/python benchmarks/bench_walk_report.py [--observations 40] [--runs 5] [--no-write]
    .venv/bin/python benchmarks/bench_walk_report.py --tiny     # does it still run? (CI)
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from perf_report import Load, bench_parser, machine_line, parse_args, write_section

HERE = Path(__file__).resolve().parent
SECTION = "Report with the walk's observations and a pinned plan"
TARGET_S = 1.0
TINY = {
    "observations": 4,
    "with_photos": 2,
    "runs": 1,
    "photo_size": (320, 240),
    "plan_size": (400, 300),
}


def plan_image(path: Path, size: tuple[int, int]) -> Path:
    """A map-like PNG: blocks, streets and a few labels' worth of detail."""
    from PIL import Image, ImageDraw

    rng = random.Random(43)
    image = Image.new("RGB", size, (238, 236, 228))
    draw = ImageDraw.Draw(image)
    w, h = size
    for _ in range(400):  # buildings
        x, y = rng.randint(0, w), rng.randint(0, h)
        draw.rectangle((x, y, x + rng.randint(20, 90), y + rng.randint(20, 90)), (214, 206, 190))
    for x in range(0, w, 140):  # streets
        draw.line((x, 0, x + rng.randint(-200, 200), h), (255, 255, 255), width=14)
    for y in range(0, h, 160):
        draw.line((0, y, w, y + rng.randint(-150, 150)), (255, 255, 255), width=12)
    image.save(path, format="PNG")
    return path


def build(root: Path, args: argparse.Namespace) -> tuple[Path, str]:
    from bench_report import base_images, write_photos

    from fieldvisit.core.domain import ObservationCategory, ObservationSeverity
    from fieldvisit.core.pins import Pin
    from fieldvisit.paths import DataDir
    from fieldvisit.services import Services, attachments, observations, plan, visits

    rng = random.Random(15)
    photos_dir = root / "photos"
    photos_dir.mkdir()
    paths = write_photos(photos_dir, args.with_photos, base_images(4, rng, args.photo_size), rng)
    data = root / "data"
    svc = Services.open(DataDir(data))
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 14), author="Banc d'essai")
    categories = list(ObservationCategory)
    severities = list(ObservationSeverity)
    plan.import_plan(svc, visit.id, plan_image(root / "plan.png", args.plan_size))
    for n in range(args.observations):
        photo_ids = []
        if n < len(paths):
            photo_ids = [attachments.attach_photo(svc, visit.id, paths[n]).id]
        made = observations.add_observation(
            svc,
            visit.id,
            categories[n % len(categories)],
            severities[n % len(severities)],
            place=f"Rue {n} du centre-bourg, devant le n° {n * 3 + 1}",
            comment=f"Observation {n} : constat détaillé, à reprendre avec la commune.",
            photo_ids=photo_ids,
        )
        observations.pin_observation(svc, made.id, Pin(rng.random(), rng.random()))
        if n % 4 == 0:
            observations.create_action(svc, made.id)
    svc.close()
    return data, visit.id


def report_once(svc, visit_id: str, out: Path, cache: Path) -> float:  # type: ignore[no-untyped-def]
    from fieldvisit.report.model import build_report
    from fieldvisit.report.render import render_report

    t0 = time.perf_counter()
    render_report(build_report(svc, visit_id), out, image_cache_dir=cache)
    return time.perf_counter() - t0


def measure(data: Path, visit_id: str, runs: int, out: Path) -> dict[str, object]:
    from fieldvisit.paths import DataDir
    from fieldvisit.report.files import report_image_cache
    from fieldvisit.report.model import build_report
    from fieldvisit.services import Services, observations

    svc = Services.open(DataDir(data))
    cache = report_image_cache(svc)
    shutil.rmtree(cache, ignore_errors=True)
    cold = report_once(svc, visit_id, out, cache)  # also pays the imports and fonts
    cold_again = cache.with_name(cache.name + "-cold")
    cold2 = report_once(svc, visit_id, out, cold_again)  # a fresh cache, imports paid
    shutil.rmtree(cold_again, ignore_errors=True)
    cpu0 = time.process_time()
    warm = [report_once(svc, visit_id, out, cache) for _ in range(runs)]
    cpu = (time.process_time() - cpu0) / runs
    report = build_report(svc, visit_id)
    pages = out.stat().st_size
    from pypdf import PdfReader

    page_count = len(PdfReader(out).pages)
    for entry in observations.list_observations(svc, visit_id):
        observations.delete_observation(svc, entry.id)
    without = [report_once(svc, visit_id, out, cache) for _ in range(runs)]
    svc.close()
    return {
        "first": cold,
        "cold": cold2,
        "warm": warm,
        "cpu": cpu,
        "without": without,
        "observations": len(report.observations),
        "photos": len(report.photos),
        "pinned": sum(1 for o in report.observations if o.pin),
        "bytes": pages,
        "pages": page_count,
    }


def report_text(result: dict, args: argparse.Namespace, load: Load) -> str:  # type: ignore[type-arg]
    warm = statistics.median(result["warm"])
    without = statistics.median(result["without"])
    ok = warm < TARGET_S
    w, h = args.plan_size
    pw, ph = args.photo_size
    return "\n".join(
        [
            f"One visit with {result['observations']} observations (every category), "
            f"{result['photos']} of them with a phone photo of {pw}×{ph}, all "
            f"{result['pinned']} pinned on a plan of {w}×{h} px (PNG), an action created "
            f"from one in four; {load.text()}. Report: {result['pages']} pages, "
            f"{result['bytes'] / 2**20:.1f} MB.",
            "",
            "| report (`build_report` + `render_report`) | time |",
            "|---|---|",
            f"| with the renditions cached, as the app finds them (median of {args.runs}) | "
            f"{warm * 1000:.0f} ms ({min(result['warm']) * 1000:.0f}–"
            f"{max(result['warm']) * 1000:.0f}) |",
            f"| the same visit without its observations chapter | {without * 1000:.0f} ms |",
            f"| cold: every photo and the plan decoded during the report | "
            f"{result['cold'] * 1000:.0f} ms |",
            f"| first report of the process (cold, and reportlab's import and fonts) | "
            f"{result['first'] * 1000:.0f} ms |",
            "",
            f"CPU per cached report: {result['cpu'] * 1000:.0f} ms. Target: < "
            f"{TARGET_S * 1000:.0f} ms with the renditions cached — {'met' if ok else 'NOT met'}.",
        ]
    )


def build_parser() -> argparse.ArgumentParser:
    from bench_report import photo_size

    parser = bench_parser(__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=40)
    parser.add_argument("--with-photos", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--photo-size", type=photo_size, default=(4000, 3000), metavar="WxH")
    parser.add_argument("--plan-size", type=photo_size, default=(3000, 2000), metavar="WxH")
    return parser


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(HERE))
    args = parse_args(build_parser(), TINY, argv)
    from fieldvisit.security.testing import use_file_keyring

    with tempfile.TemporaryDirectory(prefix="bench-walk-report-") as tmp:
        root = Path(tmp)
        os.environ.update(use_file_keyring(root / "keyring.json"))
        data, visit_id = build(root, args)
        load = Load()
        result = measure(data, visit_id, args.runs, root / "rapport.pdf")
        text = report_text(result, args, load)
    print(text)
    write_section(SECTION, machine_line() + "\n\n" + text, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
