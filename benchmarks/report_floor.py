"""The floor of a report's photos: the same JPEG bytes handed to reportlab as files.
Run by bench_report.py next to the report, in a fresh process of its own.

    python benchmarks/report_floor.py DATA_DIR VISIT_ID RUNS OUT_DIR

It starts as the report's child does (the app's services and report modules imported,
the data dir opened, the communes loaded: the same base memory), then decrypts the
visit's report-size renditions (made by the report before; not timed) into plain JPEG
files in OUT_DIR. Timed, RUNS times: a reportlab document of those photos alone, each
fitted into the report's photo frame (17 × 10.5 cm) with a one-line caption, written to
a PDF file; reportlab embeds a JPEG file as it is, without decoding it. Prints one JSON
line: wall and CPU seconds of each run, pages, peak resident memory (VmHWM, reset
before the series) and the base.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux)


def main(argv: list[str]) -> int:
    root, visit_id, runs, out_dir = Path(argv[1]), argv[2], int(argv[3]), Path(argv[4])
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm, mm
    from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    from fieldvisit.paths import DataDir
    from fieldvisit.report.files import report_image_cache
    from fieldvisit.report.images import report_rendition
    from fieldvisit.report.model import build_report
    from fieldvisit.report.render import render_report  # noqa: F401 - the same imports
    from fieldvisit.services import Services

    svc = Services.open(DataDir(root))
    svc.communes.get("15187")  # as the report's child: the same base
    cache = report_image_cache(svc)
    photos = []
    for n, photo in enumerate(build_report(svc, visit_id).photos):
        rendition = report_rendition(photo.source, photo.sha256, cache)
        if rendition is None:
            raise SystemExit(f"no rendition for photo {n + 1}")
        path = out_dir / f"photo-{n:03d}.jpg"
        path.write_bytes(rendition.jpeg_bytes())
        photos.append((path, rendition.width, rendition.height))
    caption = getSampleStyleSheet()["Normal"]

    def once() -> tuple[float, float, int]:
        start, cpu = time.perf_counter(), time.process_time()
        doc = SimpleDocTemplate(str(out_dir / "floor.pdf"), pagesize=A4)
        story = []
        for n, (path, width, height) in enumerate(photos):
            scale = min(17 * cm / width, 10.5 * cm / height)
            image = Image(str(path), width=width * scale, height=height * scale)
            text = Paragraph(f"Photo {n + 1} du centre-bourg", caption)
            story.append(KeepTogether([image, text, Spacer(1, 6 * mm)]))
        doc.build(story)
        return time.perf_counter() - start, time.process_time() - cpu, doc.page

    once()  # reportlab's first document (fonts, caches), as the report's first is apart
    base = status_mb("VmRSS")
    reset_peak()
    timed = [once() for _ in range(runs)]
    print(
        json.dumps(
            {
                "wall": [run[0] for run in timed],
                "cpu": [run[1] for run in timed],
                "pages": timed[-1][2],
                "pdf_bytes": (out_dir / "floor.pdf").stat().st_size,
                "base_mb": base,
                "peak_mb": status_mb("VmHWM"),
            }
        )
    )
    svc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
