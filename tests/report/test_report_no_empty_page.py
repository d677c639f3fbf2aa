"""No page of any report is empty, and no heading is left alone at the foot of a
page: every demo visit, internal and shareable.

A page is empty when it holds only the running header and footer (the lines found on
every page but the cover, and « Page n / m »). The demo's reports had one such page
before « Annexe photographique » (a page begun by the chapter's CondPageBreak, then a
PageBreak). A heading is alone when nothing of the body is printed under it on its
page (« 4.1 Niveaux de préoccupation par thème » on one page, its chart on the next).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldvisit.cli import main
from fieldvisit.report.styles import MARGIN_BOTTOM

PAGE_NUMBER = re.compile(r"^Page \d+ / \d+$")
WATERMARK = "PROJET"


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("demo-reports")
    data = root / "data"
    assert main(["--data-dir", str(data), "demo"]) == 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--data-dir", str(data), "visits", "list", "--json"]) == 0
    reports = []
    for visit in json.loads(out.getvalue()):
        for variant in ([], ["--shareable"]):
            target = root / f"{visit['id'][:8]}{'-partageable' if variant else ''}.pdf"
            assert (
                main(["--data-dir", str(data), "report", visit["id"], *variant, "-o", str(target)])
                == 0
            )
            reports.append(target)
    return reports


def empty_pages(pdf: Path) -> list[int]:
    pages = PdfReader(pdf).pages
    lines = [
        [line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
        for page in pages
    ]
    running = set.intersection(*(set(page) for page in lines[1:])) if len(lines) > 2 else set()
    return [
        number
        for number, (page, page_lines) in enumerate(zip(pages, lines, strict=True), start=1)
        if not page.images
        and all(line in running or PAGE_NUMBER.match(line) for line in page_lines)
    ]


def test_the_demo_covers_every_kind_of_visit(demo_reports: list[Path]) -> None:
    # five visits (planned to issued) and a follow-up, two variants each
    assert len(demo_reports) == 12


def test_no_report_has_an_empty_page(demo_reports: list[Path]) -> None:
    found = {pdf.name: pages for pdf in demo_reports if (pages := empty_pages(pdf))}
    assert not found, f"pages with only the header and footer: {found}"


def test_the_detector_sees_an_empty_page(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    pdf = tmp_path / "three.pdf"
    canvas = Canvas(str(pdf), pagesize=A4)
    for number, body in enumerate(["Sommaire", "", "Annexe photographique"], start=1):
        canvas.drawString(40, 800, "Rapport de visite — Langres (52)")
        canvas.drawString(40, 30, f"Page {number} / 3")
        if body:
            canvas.drawString(40, 400, body)
        canvas.showPage()
    canvas.save()
    assert empty_pages(pdf) == [2]


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    """(title, page index) of every outline entry, nested ones included."""
    found: list[tuple[str, int]] = []

    def walk(entries: list) -> None:  # type: ignore[type-arg]
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                found.append((entry.title, reader.get_destination_page_number(entry)))

    walk(reader.outline)
    return found


def _fragments(page) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    """The page's pieces of text with their baseline height (points from the bottom)."""
    pieces: list[tuple[str, float]] = []

    def visit(text: str, cm, tm, font, size) -> None:  # type: ignore[no-untyped-def]
        if text.strip() and text.strip() != WATERMARK:
            pieces.append((" ".join(text.replace("\u00a0", " ").split()), tm[5] + cm[5]))

    page.extract_text(visitor_text=visit)
    return pieces


def headings_alone(pdf: Path) -> list[str]:
    """Headings with no body text under them on their page."""
    reader = PdfReader(pdf)
    alone = []
    for title, index in _outline(reader):
        if title in ("Couverture", "Sommaire"):
            continue
        pieces = _fragments(reader.pages[index])
        start = " ".join(title.split())[:14]
        heights = [y for text, y in pieces if text.startswith(start)]
        assert heights, f"{title!r} not found on page {index + 1} of {pdf.name}"
        top = max(heights)
        if not any(MARGIN_BOTTOM - 2 < y < top - 2 for _, y in pieces):
            alone.append(f"{pdf.name} p. {index + 1} : {title}")
    return alone


def test_no_heading_is_left_alone_at_the_foot_of_a_page(demo_reports: list[Path]) -> None:
    found = [entry for pdf in demo_reports for entry in headings_alone(pdf)]
    assert not found, found


def test_the_detector_sees_a_heading_alone(tmp_path: Path) -> None:
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    from fieldvisit.report.document import PageDecor, ReportDocument, heading

    pdf = tmp_path / "alone.pdf"
    doc = ReportDocument(
        str(pdf),
        title="t",
        author="a",
        subject="s",
        keywords=[],
        decor=PageDecor("Rapport", "date", "pied"),
        with_cover=False,
    )
    body = getSampleStyleSheet()["BodyText"]
    doc.build_story(
        [
            Paragraph("Texte", body),
            Spacer(1, 650),  # pushes the heading down to the foot of the page
            heading("4.1 Niveaux de préoccupation par thème", 0, "seul"),
            PageBreak(),
            heading("5. Plan d'actions", 0, "suivi"),
            Paragraph("Une action", body),
        ]
    )
    assert headings_alone(pdf) == [f"{pdf.name} p. 1 : 4.1 Niveaux de préoccupation par thème"]
