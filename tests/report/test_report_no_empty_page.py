"""No page of any report is empty: every demo visit, internal and shareable.

A page is empty when it holds only the running header and footer (the lines found on
every page but the cover, and « Page n / m »). The demo's reports had one such page
before « Annexe photographique » (a page begun by the chapter's CondPageBreak, then a
PageBreak).
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

PAGE_NUMBER = re.compile(r"^Page \d+ / \d+$")


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
    assert len(demo_reports) == 10  # five visits (planned to issued), two variants each


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
