"""Importing a walk's phone photos into a visit in the app, and the UI thread meanwhile.

    .venv/bin/python benchmarks/bench_photo_import.py [--photos 200] [--no-write]
    .venv/bin/python benchmarks/bench_photo_import.py --tiny     # does it still run? (CI)

A folder of `--photos` phone photos (4000×3000 JPEGs ≈ 3 MB, made like
bench_report.py's, each with an EXIF time taken and a GPS position, a third of them
sideways) is imported into a visit through the Photos section of a real workspace
(`PhotosPage.import_photos`, the app's worker thread, the report thread making the
renditions at low priority), as a person dropping the phone's folder would. Timed:
from the call to the import's end (every photo recorded; the progress dialog closed),
then on to the report thread's last rendition. Meanwhile a QTimer on the UI thread
ticks every 10 ms: the longest gap between two ticks, less 10 ms, is the longest time
the UI thread could not paint a frame (target: no stall over 100 ms).

The floor, in the same run on the same machine, on another visit of another data dir:
what any import of these files pays — read each file, SHA-256 it, encrypt it into the
data dir (`store.files.put_file`) — without decoding, EXIF, database or UI.
"""

from __future__ import annotations

import itertools
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from perf_report import Load, bench_parser, machine_line, parse_args, write_section

HERE = Path(__file__).resolve().parent
SECTION = "Photo import"
TARGET_S = 30.0  # 200 photos
TARGET_STALL_MS = 100.0
HEARTBEAT_MS = 10
TINY = {"photos": 4, "photo_size": (640, 480)}


def write_walk(folder: Path, count: int, size: tuple[int, int]) -> tuple[list[Path], float]:
    """`count` phone photos; their total size in MB."""
    from bench_report import base_images
    from PIL import Image, ImageDraw

    rng = random.Random(15)
    bases = base_images(min(count, 8), rng, size)
    folder.mkdir(parents=True)
    start = datetime(2026, 3, 14, 9, 30)
    paths = []
    for n in range(count):
        image = bases[n % len(bases)].copy()
        w, h = image.size
        draw = ImageDraw.Draw(image)
        for _ in range(6):  # different bytes for every photo
            x, y = rng.randint(0, w * 9 // 10), rng.randint(0, h * 9 // 10)
            draw.rectangle(
                (x, y, x + w // 20, y + h // 20), tuple(rng.randint(0, 255) for _ in range(3))
            )
        exif = Image.Exif()
        exif[0x0112] = 6 if n % 3 == 0 else 1
        exif.get_ifd(0x8769)[0x9003] = (start + timedelta(seconds=40 * n)).strftime(
            "%Y:%m:%d %H:%M:%S"
        )
        exif.get_ifd(0x8769)[0x9011] = "+01:00"
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", (45.0, 2.0, 3.5 + n / 100)
        gps[3], gps[4] = "E", (3.0, 5.0, 1.25)
        path = folder / f"IMG_{n:04d}.jpg"
        image.save(path, format="JPEG", quality=90, exif=exif.tobytes())
        paths.append(path)
    return paths, sum(p.stat().st_size for p in paths) / 2**20


def measure_app(data_root: Path, folder: Path, count: int) -> dict[str, float]:
    """Import the folder through the Photos section of a workspace on the real worker."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from fieldvisit.paths import DataDir
    from fieldvisit.services import Services, visits
    from fieldvisit.ui.base.context import UiContext
    from fieldvisit.ui.base.worker import DatabaseWorker
    from fieldvisit.ui.workspace.report_thread import report_thread
    from fieldvisit.ui.workspace.workspace import VisitWorkspace

    app = QApplication.instance() or QApplication([])
    services = Services.open(DataDir(data_root))
    settings = QSettings(str(data_root / "settings.ini"), QSettings.Format.IniFormat)
    ctx = UiContext(services, DatabaseWorker(), settings)
    visit = visits.plan_visit(services, "15187", date(2026, 3, 14))
    ws = VisitWorkspace(ctx)
    ws.resize(1366, 768)
    ws.show()
    ws.open_visit(visit.id)
    ws.show_section("photos")
    page = ws.pages["photos"]
    deadline = time.monotonic() + 10
    while page.album is None and time.monotonic() < deadline:  # type: ignore[attr-defined]
        app.processEvents()

    ticks: list[float] = []
    done_at: list[int] = []  # photos done at each tick: where a stall happened
    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)

    def tick() -> None:
        ticks.append(time.perf_counter())
        done_at.append(job.finished if job is not None else -1)

    job = None
    heartbeat.timeout.connect(tick)
    heartbeat.start()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    job = page.import_photos([folder])  # type: ignore[attr-defined]
    while not job.done or page.progress is not None:  # type: ignore[attr-defined]
        app.processEvents()
        time.sleep(0.001)  # the event loop of a person's app idles the same way
    imported_s = time.perf_counter() - t0
    last = report_thread(ctx).submit(lambda: None)  # behind every queued rendition
    while not last.done():
        app.processEvents()
        time.sleep(0.001)
    renditions_s = time.perf_counter() - t0
    cpu_s = time.process_time() - cpu0
    heartbeat.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    stall_ms = max(0.0, max(gaps, default=0.0) * 1000 - HEARTBEAT_MS)
    worst = gaps.index(max(gaps)) if gaps else 0
    stall_at = ticks[worst] - t0 if gaps else 0.0
    stall_photos = done_at[worst] if gaps else 0
    over = sum(1 for gap in gaps if gap * 1000 - HEARTBEAT_MS > TARGET_STALL_MS)
    assert len(job.imported) == count, (len(job.imported), job.errors[:3])
    ws.close()
    ctx.worker.shutdown()
    services.close()
    return {
        "imported_s": imported_s,
        "renditions_s": renditions_s,
        "cpu_s": cpu_s,
        "stall_ms": stall_ms,
        "stalls_over": float(over),
        "ticks": float(len(ticks)),
        "stall_at": stall_at,
        "stall_photos": float(stall_photos),
    }


def measure_floor(data_root: Path, paths: list[Path]) -> float:
    """Read, hash and encrypt each file into a data dir: what any import pays."""
    from fieldvisit.paths import DataDir
    from fieldvisit.services import Services

    services = Services.open(DataDir(data_root))
    t0 = time.perf_counter()
    for path in paths:
        services.store.files.put_file(path)
    elapsed = time.perf_counter() - t0
    services.close()
    return elapsed


def report_text(
    count: int, mb: float, size: tuple[int, int], app: dict[str, float], floor: float, load: Load
) -> str:
    per_photo = app["imported_s"] / count * 1000
    ok = app["imported_s"] < TARGET_S * count / 200 and app["stall_ms"] <= TARGET_STALL_MS
    return "\n".join(
        [
            f"{count} phone photos of {size[0]}×{size[1]} ({mb / count:.1f} MB each, "
            f"{mb:.0f} MB), with EXIF time, orientation and GPS, imported as a folder into a "
            f"visit through the Photos section (worker thread; renditions on the report "
            f"thread), {load.text()}.",
            "",
            "| | time | per photo |",
            "|---|---|---|",
            f"| import (every photo recorded, dialog closed) | {app['imported_s']:.1f} s | "
            f"{per_photo:.0f} ms |",
            f"| … and every report rendition made | {app['renditions_s']:.1f} s | "
            f"{app['renditions_s'] / count * 1000:.0f} ms |",
            f"| floor: read, hash, encrypt each file | {floor:.1f} s | "
            f"{floor / count * 1000:.0f} ms |",
            "",
            f"Process CPU during the import and renditions: {app['cpu_s']:.1f} s. Longest UI "
            f"stall (10 ms heartbeat on the UI thread, {app['ticks']:.0f} ticks): "
            f"{app['stall_ms']:.0f} ms ({app['stall_at']:.1f} s in, {app['stall_photos']:.0f} "
            f"photos done); ticks late by more than {TARGET_STALL_MS:.0f} ms: "
            f"{app['stalls_over']:.0f}. Target: {TARGET_S:.0f} s for 200 photos, no stall "
            f"over {TARGET_STALL_MS:.0f} ms — {'met' if ok else 'NOT met'}.",
        ]
    )


def build_parser():  # type: ignore[no-untyped-def]
    from bench_report import photo_size

    parser = bench_parser(__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--photo-size", type=photo_size, default=(4000, 3000), metavar="WxH")
    return parser


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(HERE))
    args = parse_args(build_parser(), TINY, argv)
    from fieldvisit.security.testing import use_file_keyring

    with tempfile.TemporaryDirectory(prefix="bench-photo-import-") as tmp:
        root = Path(tmp)
        os.environ.update(use_file_keyring(root / "keyring.json"))
        paths, mb = write_walk(root / "DCIM" / "100APPLE", args.photos, args.photo_size)
        load = Load()
        floor = measure_floor(root / "floor", paths)
        app = measure_app(root / "data", root / "DCIM", args.photos)
        text = report_text(args.photos, mb, args.photo_size, app, floor, load)
    print(text)
    write_section(SECTION, machine_line() + "\n\n" + text, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
