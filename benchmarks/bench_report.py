"""PDF report generation as the visit's photos grow, as a person meets it, and its floor.

One visit per photo count (`--photos`, default 10 / 60 / 150 phone photos of 4000×3000,
≈ 3 MB JPEGs, a third of them with an EXIF rotation): up to 10 photos a typical visit
(≈ 60 checklist answers of the shipped forms, 2 interviews, 12 themes rated, 10
recommendations), above that a large one (300 answers of a 300-item checklist written
for the benchmark, 2 interviews, 20 themes, 30 recommendations).

What a person meets: the app makes each photo's report-size rendition when the photo is
imported (in the background, on the report thread, after the import is committed) and
again for any missing one when a visit's Rapport section loads; so "Générer l'aperçu"
finds them in the cache and only builds the model and draws the pages. That is the
timed report ("report", the targets apply to it). The rendition made at import is
measured apart, per photo (one photo at a time, as the report thread makes them).
"Cold" is the rare case where no rendition was made yet (photos synced from another
laptop and the report asked before the background work finished): every photo is
decoded during the report, on up to 4 threads.

The floor (benchmarks/report_floor.py, its own fresh process with the same start): the
same rendition JPEG bytes handed to reportlab as files, one photo per frame with a
caption, nothing else in the document; the goal is a report within 1.3× of it in CPU
and in peak memory.

Each series runs in a fresh process: the cold one (the first report of the process,
which also pays reportlab's import and the font registration, reported apart; then
reports with no rendition yet; then the renditions one by one), the report's (one
report first, not counted, as the floor's first document), the floor's. Timed:
`build_report` + `render_report` to a file. Peak memory: the process's maximum resident
size (VmHWM, reset before the series), and tracemalloc's peak of Python allocations in
one run. The data dir's key is in fieldvisit's test file keyring
(`security/testing.py`): no OS keyring or passphrase is needed.

    .venv/bin/python benchmarks/bench_report.py [--photos 10,60,150] [--runs 5] [--no-write]
    .venv/bin/python benchmarks/bench_report.py --tiny     # does it still run? (CI)
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
import time
from datetime import date
from pathlib import Path
from typing import Any

from perf_report import (
    Load,
    bench_parser,
    machine_line,
    median_range,
    parse_args,
    sizes,
    write_section,
)

HERE = Path(__file__).resolve().parent
FLOOR = HERE / "report_floor.py"
SECTION = "Report generation"
TARGETS = {10: 0.5, 60: 3.0}  # photos: wall seconds of the report (renditions cached)
FLOOR_GOAL = 1.3  # the report within 1.3× of its floor, in CPU and in peak memory
TYPICAL_MAX = 10  # up to this many photos, a typical visit; above, a large one
TINY = {"photos": [3], "runs": 1, "photo_size": (640, 480)}


# -- data ------------------------------------------------------------------------------


def base_images(count: int, rng: random.Random, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    """Noisy gradients that compress like photos (≈ 3 MB at quality 90 for 4000×3000)."""
    from PIL import Image

    bases = []
    w, h = size
    for _ in range(count):
        grad = Image.linear_gradient("L").resize((w, h))
        fine = Image.effect_noise((w, h), rng.randint(14, 22))
        coarse = Image.effect_noise((w // 16, h // 16), 90).resize((w, h), Image.Resampling.BICUBIC)
        flipped = grad.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        bases.append(
            Image.merge(
                "RGB",
                (
                    Image.blend(grad, coarse, 0.6),
                    Image.blend(fine, coarse, 0.7),
                    Image.blend(coarse, flipped, 0.5),
                ),
            )
        )
    return bases


def write_photos(folder: Path, count: int, bases, rng: random.Random) -> list[Path]:  # type: ignore[no-untyped-def]
    from PIL import Image, ImageDraw

    paths = []
    for n in range(count):
        image = bases[n % len(bases)].copy()
        w, h = image.size
        draw = ImageDraw.Draw(image)
        for _ in range(6):  # different bytes for every photo: its own hash and rendition
            x, y = rng.randint(0, w * 9 // 10), rng.randint(0, h * 9 // 10)
            colour = tuple(rng.randint(0, 255) for _ in range(3))
            side = max(8, w // 10)
            draw.rectangle(
                (x, y, x + rng.randint(side // 5, side), y + rng.randint(side // 5, side)), colour
            )
        exif = Image.Exif()
        if n % 3 == 0:
            exif[0x0112] = 6  # taken with the phone upright: stored sideways
        path = folder / f"IMG_{n:04d}.jpg"
        image.save(path, format="JPEG", quality=90, exif=exif.tobytes())
        paths.append(path)
    return paths


def large_form(items: int) -> str:
    """A checklist of `items` items in sections of 15, every answer type but photo."""
    kinds = ["yes_no_na", "single_choice", "text", "long_text", "number", "rating", "multi_choice"]
    lines = [
        'id = "bench-grande-checklist"',
        "version = 1",
        'title = "Grande checklist de mesure"',
        'kind = "checklist"',
    ]
    for n in range(items):
        if n % 15 == 0:
            lines += ["", "[[sections]]", f'id = "s{n // 15}"', f'title = "Section {n // 15 + 1}"']
        kind = kinds[n % len(kinds)]
        lines += [
            "",
            "[[sections.items]]",
            f'id = "i{n}"',
            f'label = "Point de contrôle n° {n + 1} : état constaté sur place, à l’œil nu ?"',
            f'type = "{kind}"',
        ]
        if kind in ("single_choice", "multi_choice"):
            lines.append('choices = ["Très dégradé", "Dégradé", "Correct", "Très bon"]')
    return "\n".join(lines) + "\n"


def value_for(item, rng: random.Random) -> object:  # type: ignore[no-untyped-def]
    kind = item.type
    if kind == "yes_no_na":
        return rng.choice(["oui", "non", "na"])
    if kind == "single_choice":
        return rng.choice(item.choices).id
    if kind == "multi_choice":
        return [item.choices[0].id, item.choices[-1].id]
    if kind == "text":
        return "Constat partagé avec l’adjoint à la sécurité."
    if kind == "long_text":
        return (
            "Le secteur est bien fréquenté en journée mais se vide après la fermeture des "
            "commerces ; les habitants évoquent un sentiment d’insécurité le soir, près des "
            "arrêts de car et du parking de la médiathèque."
        )
    if kind == "number":
        return rng.randint(0, 12)
    if kind == "date":
        return "2026-03-12"
    if kind == "rating":
        return rng.randint(1, item.scale)
    return None


def build_visit(
    svc,
    name: str,
    photos: list[Path],
    answers_wanted: int,
    themes: int,
    recommendations: int,
    checklist: str | None,
    rng: random.Random,
) -> str:  # type: ignore[no-untyped-def]
    from fieldvisit.core.domain import ContactRole
    from fieldvisit.services import (
        actions,
        answers,
        attachments,
        contacts,
        diagnostic,
        interviews,
        visits,
    )

    visit = visits.plan_visit(
        svc, "15187", date(2026, 3, 12), author=f"Bench {name}", checklist_form=checklist
    )
    vid = visit.id
    mayor = contacts.add_contact(svc, "Mme Hélène Vidal", ContactRole.MAIRE, "Mairie")
    visits.add_participant(svc, vid, mayor.id)
    visits.update_visit(svc, vid, summary="Centre-bourg historique bien tenu ; rodéos l’été.")
    count = 0
    for form_id, version in (
        (visit.checklist_form_id, visit.checklist_form_version),
        (visit.diagnostic_form_id, visit.diagnostic_form_version),
    ):
        form = svc.forms.get(form_id or "", version or 0)
        given: dict[str, object] = {}
        for item in form.iter_items():
            if item.bind is not None:
                continue  # a bound item is the visit's own field, typed where it lives
            if count >= answers_wanted or not form.is_visible(item, given):
                continue
            value = value_for(item, rng)
            if value is None:
                continue
            comment = "Vu avec le référent sûreté." if rng.random() < 0.2 else None
            answers.answer_item(svc, vid, form.id, item.id, value, comment=comment)
            given[item.id] = value
            count += 1
        for index, theme in enumerate(form.iter_themes()):
            if index < themes:
                diagnostic.rate_theme(svc, vid, theme.id, rng.randint(1, 4), "Constat partagé.")
    for guide in ("entretien-elu", "entretien-gendarmerie"):
        form = svc.forms.latest(guide)
        interview = interviews.record_interview(svc, vid, guide, notes="Notes d’entretien.")
        given = {}
        for item in form.iter_items():
            if item.bind is not None:
                continue
            if form.is_visible(item, given) and (value := value_for(item, rng)) is not None:
                interviews.answer_interview_item(svc, interview.id, item.id, value)
                given[item.id] = value
    for n in range(recommendations):
        actions.add_recommendation(
            svc,
            vid,
            f"Recommandation n° {n + 1} : relancer la participation citoyenne.",
            priority=1 + n % 3,
        )
    for n, path in enumerate(photos):
        attachments.attach_file(svc, vid, path, caption=f"Photo {n + 1} du centre-bourg")
    return vid


def build(
    data_root: Path, photos_dir: Path, counts: list[int], size: tuple[int, int]
) -> tuple[dict[int, str], float]:
    """One visit per photo count: {count: visit id}, and the photos' mean size in MB."""
    from fieldvisit.paths import DataDir
    from fieldvisit.services import Services

    rng = random.Random(7)
    data_dir = DataDir(data_root).ensure()
    (data_dir.forms / "bench-grande-checklist.v1.toml").write_text(
        large_form(300), encoding="utf-8"
    )
    bases = base_images(3, rng, size)
    visits: dict[int, str] = {}
    written: list[Path] = []
    svc = Services.open(data_dir)
    try:
        for count in counts:
            folder = photos_dir / f"{count}"
            folder.mkdir(parents=True)
            photos = write_photos(folder, count, bases, rng)
            written += photos
            if count <= TYPICAL_MAX:
                visits[count] = build_visit(svc, "typique", photos, 60, 12, 10, None, rng)
            else:
                visits[count] = build_visit(
                    svc, "grande", photos, 300, 20, 30, "bench-grande-checklist", rng
                )
    finally:
        svc.close()
    mean = statistics.mean(p.stat().st_size for p in written) / 1e6 if written else 0.0
    return visits, mean


# -- measuring, in a fresh process per scenario ------------------------------------


CHILD = r"""
import json, shutil, statistics, sys, time, tracemalloc
from pathlib import Path
t0 = time.perf_counter()
from fieldvisit.paths import DataDir
from fieldvisit.services import Services
from fieldvisit.report.model import build_report
from fieldvisit.report.render import render_report
from fieldvisit.report.files import report_image_cache
imports = time.perf_counter() - t0
mode, root, visit_id, runs = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
out_dir = Path(sys.argv[5])
svc = Services.open(DataDir(root))
svc.communes.get("15187")  # loaded once by the app; not a report cost
cache = report_image_cache(svc)

def status_mb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024

def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:  # resets VmHWM (Linux)
        f.write("5")

def once(cold):
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    start, cpu = time.perf_counter(), time.process_time()
    report = build_report(svc, visit_id)
    built = time.perf_counter()
    pages = render_report(report, out_dir / "r.pdf", image_cache_dir=cache)
    end = time.perf_counter()
    return built - start, end - built, pages, time.process_time() - cpu

def renditions():  # each photo's rendition made alone, as at import: seconds per photo
    from fieldvisit.report.images import report_rendition
    shutil.rmtree(cache, ignore_errors=True)
    times = []
    for photo in build_report(svc, visit_id).photos:
        start = time.perf_counter()
        report_rendition(photo.source, photo.sha256, cache)
        times.append(time.perf_counter() - start)
    return times

total = lambda r: r[0] + r[1]
if mode == "report":  # renditions cached (the cold child made them), as a person meets it
    once(cold=False)  # the process's first report (fonts), as the floor's first document
    base = status_mb("VmRSS")
    reset_peak()
    warm = [once(cold=False) for _ in range(runs)]
    result = {
        "warm": [total(r) for r in warm],
        "warm_cpu": [r[3] for r in warm],
        "warm_model": statistics.median(r[0] for r in warm),
        "warm_render": statistics.median(r[1] for r in warm),
        "warm_peak_mb": status_mb("VmHWM"),
        "warm_base_mb": base,
        "pages": warm[-1][2],
        "pdf_bytes": (out_dir / "r.pdf").stat().st_size,
    }
else:  # cold: the first report of a process, no rendition yet, renditions one by one
    base = status_mb("VmRSS")
    reset_peak()
    first = once(cold=True)          # fresh process: fonts registered here
    cold = [once(cold=True) for _ in range(runs)]
    cold_peak = status_mb("VmHWM")
    tracemalloc.start()
    once(cold=True)
    cold_py = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    once(cold=False)
    warm_py = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    per_photo = renditions()         # what the import makes; leaves them cached
    result = {
        "imports": imports,
        "first": total(first),
        "cold": [total(r) for r in cold],
        "cold_cpu": [r[3] for r in cold],
        "per_photo": per_photo,
        "base_mb": base,
        "cold_peak_mb": cold_peak,
        "cold_py_peak_mb": cold_py / 2**20,
        "warm_py_peak_mb": warm_py / 2**20,
    }
print(json.dumps(result))
"""


def child_json(command: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run([*command, out], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{command[1]}: exit code {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def measure(data_root: Path, visit_id: str, runs: int) -> dict[str, Any]:
    """The cold child (it leaves every rendition cached), then the report's own."""
    cold = child_json([sys.executable, "-c", CHILD, "cold", str(data_root), visit_id, str(runs)])
    warm = child_json([sys.executable, "-c", CHILD, "report", str(data_root), visit_id, str(runs)])
    return {**cold, **warm}


def measure_floor(data_root: Path, visit_id: str, runs: int) -> dict[str, Any]:
    return child_json([sys.executable, str(FLOOR), str(data_root), visit_id, str(runs)])


# -- the section ------------------------------------------------------------------------


def ms(result: dict[str, Any], key: str) -> str:
    return f"{float(result[key]) * 1000:.0f}"


def med(result: dict[str, Any], key: str) -> float:
    return statistics.median(result[key])


def _why_over_floor(results: dict[int, dict[str, Any]], floors: dict[int, dict[str, Any]]) -> str:
    """Where the report's CPU beyond its floor goes, from this run's figures: the floor
    only places the photos, the report also lays out its pages of text."""
    parts = []
    for count, r in results.items():
        over = med(r, "warm_cpu") - med(floors[count], "cpu")
        parts.append(f"{over:.2f} s for {count} photos ({r['pages']} pages)")
    return (
        "Beyond its floor the report spends "
        + ", ".join(parts)
        + ": the laying out of its text (answers, interviews, diagnostic, plan, table of "
        "contents; two passes), which the floor does not have; the photos' own part is the "
        "floor's (their JPEG bytes are embedded, never decoded). Where the CPU column says "
        "not met, that text is the reason."
    )


def report_text(
    results: dict[int, dict[str, Any]],
    floors: dict[int, dict[str, Any]],
    runs: int,
    build_s: float,
    photo_mb: float,
    size: tuple[int, int],
    load: Load,
) -> str:
    against, others = [], []
    for count, r in results.items():
        f = floors[count]
        label = f"{count} photo{'s' if count > 1 else ''}"
        cpu_ratio = med(r, "warm_cpu") / med(f, "cpu")
        rss_ratio = float(r["warm_peak_mb"]) / float(f["peak_mb"])
        met = cpu_ratio <= FLOOR_GOAL and rss_ratio <= FLOOR_GOAL
        target = TARGETS.get(count)
        wall = med(r, "warm")
        against.append(
            f"| {label} | {r['pages']} | {float(r['pdf_bytes']) / 1e6:.1f} MB "
            f"| **{median_range(r['warm'], '.2f')} s**"
            + (f" (< {target} s: {'met' if wall < target else '**not met**'})" if target else "")
            + f" | {median_range(r['warm_cpu'], '.2f')} s "
            f"| {median_range(f['cpu'], '.2f')} s, wall {med(f, 'wall'):.2f} s "
            f"| {cpu_ratio:.2f}× | {float(r['warm_peak_mb']):.0f} MB "
            f"(base {float(r['warm_base_mb']):.0f}) "
            f"| {float(f['peak_mb']):.0f} MB (base {float(f['base_mb']):.0f}) "
            f"| {rss_ratio:.2f}× "
            f"| {'met' if met else '**not met**'} |"
        )
        photo = r["per_photo"]
        others.append(
            f"| {label} | {median_range([t * 1000 for t in photo], '.0f')} ms, "
            f"{sum(photo):.1f} s for the {len(photo)} "
            f"| {median_range(r['cold'], '.2f')} s, CPU {med(r, 'cold_cpu'):.2f} s "
            f"| {float(r['first']):.2f} s "
            f"| {float(r['cold_peak_mb']):.0f} MB (base {float(r['base_mb']):.0f}) "
            f"| {float(r['warm_py_peak_mb']):.0f} / {float(r['cold_py_peak_mb']):.0f} MB "
            f"| model {ms(r, 'warm_model')} ms + render {ms(r, 'warm_render')} ms |"
        )
    first = next(iter(results.values()))
    lines = [
        f"`python benchmarks/bench_report.py`: data built in {build_s:.0f} s (phone-like "
        f"{size[0]}×{size[1]} JPEGs of {photo_mb:.1f} MB on average, a third with an EXIF "
        f"rotation). Each scenario in a fresh process; {runs} run(s) each; model + render "
        "to a PDF file, internal variant. CPU: the process's CPU time (all threads); a wall "
        "time well above it means other processes held the cores "
        f"({load.text()}). Peak RSS: the process's high-water mark (VmHWM, reset before "
        "each series, each series in its own process) with the app's services and the "
        "communes index loaded (base).",
        "",
        "**Report** is what a person meets: the photos' report-size renditions were made "
        "when they were imported (the app queues each one on its report thread once the "
        "import is committed, and any missing one when the visit's Rapport section "
        "loads), so the report builds its model and draws its pages. Its **floor**: the "
        "same rendition JPEG bytes handed to reportlab as files, one photo per frame with "
        "a caption and nothing else (benchmarks/report_floor.py, a fresh process with the "
        "same start and base). Goal: the report within "
        f"{FLOOR_GOAL}× of the floor in CPU and in peak memory.",
        "",
        "| visit | pages | PDF | report: wall median (min–max) | report CPU | floor CPU "
        "| CPU ÷ floor | report peak RSS | floor peak RSS | RSS ÷ floor "
        f"| within {FLOOR_GOAL}× |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        *against,
        "",
        _why_over_floor(results, floors),
        "",
        "**Rendition at import** is the background work, measured apart: one photo at a "
        "time, as the report thread makes them; it runs beside the database worker and the "
        "UI, never in front of an autosave. **No rendition yet** is the rare cold case "
        "(photos synced from another laptop, report asked before the background work is "
        "done): the report decodes every photo itself, on up to 4 threads.",
        "",
        "| visit | rendition at import, per photo: median (min–max), total | no rendition "
        "yet: wall median (min–max), CPU | first report of the process (cold) | peak RSS, "
        "cold | Python peak (tracemalloc), report / cold | report split |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *others,
        "",
        "In the app the model is read on the database worker (that is all the report holds "
        "it for) and the pages are drawn on the report thread. Importing the app's services "
        f"and the report modules (SQLAlchemy, pydantic, reportlab…) took {ms(first, 'imports')}"
        " ms in the fresh process (in the app they are loaded once); the first report also "
        "registers the DejaVu fonts (≈ 60 ms).",
        "",
        "How: photos go into the PDF as report-size renditions (≤ 1000 px, JPEG q80) made "
        "with Pillow's JPEG draft mode (the decoder scales by 1/4 while reading), cached "
        "by content hash in the data dir (`cache/report-images/`, encrypted like the "
        "photos) and embedded as their JPEG bytes, decrypted in memory and never decoded "
        "when the PDF is drawn (report/jpeg.py: before, reportlab decoded each photo to "
        "name it and kept its 2.25 MB of pixels until the PDF was written); reportlab's C "
        "helpers (`rl_accel`, through `reportlab[accel]`) format "
        "numbers, measure and escape text; the table of contents is laid out with its real "
        "lines from the first pass, so every report takes two passes (the first one, which "
        "only collects page numbers for the table of contents and « Page X / Y », lays out "
        "without drawing, page decorations included); a paragraph keeps its line breaks "
        "for a width it was already wrapped at (reportlab wraps table cells several "
        "times); answers that fit on one line are plain table cells, not paragraphs; "
        "streams are not ASCII85-encoded.",
    ]
    return "\n".join(lines)


def photo_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"taille attendue : 4000x3000, pas « {text} »") from None
    return width, height


def build_parser() -> argparse.ArgumentParser:
    parser = bench_parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--photos", type=sizes, default=[10, 60, 150], metavar="N,N,…",
        help="photo counts, one visit each",
    )  # fmt: skip
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--photo-size", type=photo_size, default=(4000, 3000), metavar="WxH")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parse_args(build_parser(), TINY, argv)
    sys.path.insert(0, str(HERE))
    from fieldvisit.security.testing import use_file_keyring

    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        os.environ.update(use_file_keyring(Path(tmp) / "keyring.json"))  # children too
        t0 = time.perf_counter()
        visits, photo_mb = build(
            Path(tmp) / "data", Path(tmp) / "photos", args.photos, args.photo_size
        )
        build_s = time.perf_counter() - t0
        load = Load()
        results, floors = {}, {}
        for count, visit_id in visits.items():
            results[count] = measure(Path(tmp) / "data", visit_id, args.runs)
            floors[count] = measure_floor(Path(tmp) / "data", visit_id, args.runs)
        text = report_text(results, floors, args.runs, build_s, photo_mb, args.photo_size, load)
    print(text)
    write_section(SECTION, machine_line() + "\n\n" + text, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
