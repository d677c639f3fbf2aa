"""Rapport view: generate a preview, save it, print its pages, issue and reprint."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from fieldvisit.core.domain import VisitStatus
from fieldvisit.services import answers, visits
from fieldvisit.services.demo import seed_demo
from fieldvisit.ui.pdf_document import PdfDocument
from fieldvisit.ui.report_view import ReportView, print_pdf_document


@pytest.fixture
def demo_visit(ui_ctx) -> str:  # type: ignore[no-untyped-def]
    """A terminée demo visit (answers, interviews, diagnostic, actions, a photo)."""
    seed_demo(ui_ctx.services)
    rows = visits.list_visits(ui_ctx.services, visits.VisitFilter(status=VisitStatus.TERMINEE))
    return rows[0].id


@pytest.fixture
def view(ui_ctx, qtbot) -> ReportView:  # type: ignore[no-untyped-def]
    widget = ReportView(ui_ctx)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_generate_preview_shows_every_page(view: ReportView, demo_visit: str) -> None:
    view.load_visit(demo_visit)
    assert view.generate_button.isEnabled() and not view.print_button.isEnabled()
    steps: list[tuple[int, int]] = []
    view._relay.progressed.connect(lambda done, total: steps.append((done, total)))
    view.generate_preview()
    assert view.current is not None
    pages = len(PdfReader(view.current.path).pages)
    assert pages > 5
    assert view.document.pageCount() == pages
    assert f"{pages} pages" in view.status.text()
    assert view.current.path.name.startswith("rapport-") and view.current.path.suffix == ".pdf"
    assert steps and steps[-1][0] == steps[-1][1]
    assert not view.progress.isVisible()
    assert view.print_button.isEnabled() and view.save_button.isEnabled()

    view.variant.setCurrentIndex(1)  # shareable
    internal = view.current.path
    view.generate_preview()
    assert view.current.path != internal and view.current.path.name.endswith("-partageable.pdf")


def test_save_writes_a_valid_pdf(view: ReportView, demo_visit: str, tmp_path: Path) -> None:
    view.load_visit(demo_visit)
    view.generate_preview()
    target = tmp_path / "export" / "rapport"
    target.parent.mkdir()
    view.save_to(target)
    saved = target.with_name("rapport.pdf")
    assert saved.read_bytes().startswith(b"%PDF-")
    assert len(PdfReader(saved).pages) == view.document.pageCount()
    assert str(saved) in view.status.text()


def test_pages_are_rendered_to_a_printer(view: ReportView, demo_visit: str, tmp_path: Path) -> None:
    view.load_visit(demo_visit)
    view.generate_preview()
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "imprime.pdf"
    printer.setOutputFileName(str(printed))
    assert print_pdf_document(view.document, printer) == view.document.pageCount()
    reader = PdfReader(printed)
    assert len(reader.pages) == view.document.pageCount()
    assert reader.pages[0].images  # each page drawn as an image

    printer.setFromTo(2, 3)
    again = tmp_path / "pages-2-3.pdf"
    printer.setOutputFileName(str(again))
    assert print_pdf_document(view.document, printer) == 2


def test_issue_then_reprint_the_issued_report(
    view: ReportView, demo_visit: str, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    view.load_visit(demo_visit)
    assert view.issue_button.isEnabled() and not view.reprint_button.isEnabled()
    monkeypatch.setattr(view, "confirm_issue", lambda: True)
    changed: list[str] = []
    view.visit_changed.connect(changed.append)
    view.issue()
    assert changed == [demo_visit]
    assert visits.get_visit(view.ctx.services, demo_visit).status == "rapport_emis"
    assert view.issued_label.text().startswith("Report issued on")
    assert not view.issue_button.isEnabled() and view.reprint_button.isEnabled()
    issued_pages = view.document.pageCount()
    assert issued_pages > 5

    # Edits after issuing do not change what "reprint" shows.
    visit = visits.get_visit(view.ctx.services, demo_visit)
    answers.answer_item(
        view.ctx.services, demo_visit, visit.checklist_form_id or "", "parcours", "Modifié " * 2000
    )
    printed: list[Path] = []
    monkeypatch.setattr(view, "print_current", lambda: printed.append(view.current.path))  # type: ignore[union-attr]
    view.load_visit(demo_visit)
    view.reprint_issued()
    assert printed and printed[0].name.startswith("rapport-")
    assert view.document.pageCount() == issued_pages
    assert "Modifié" not in " ".join(page.extract_text() for page in PdfReader(printed[0]).pages)


def test_blank_form_preview(view: ReportView) -> None:
    titles = [action.text() for action in view.blank_menu.actions()]
    assert "Entretien avec la gendarmerie" in titles and len(titles) == 4
    view.generate_blank_form("entretien-gendarmerie")
    assert view.current is not None and view.document.pageCount() >= 2
    assert "Entretien avec la gendarmerie" in view.status.text()
    assert view.print_button.isEnabled()
    assert not view.generate_button.isEnabled()  # no visit loaded


def test_a_planned_visit_cannot_be_issued(view: ReportView, ui_ctx) -> None:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(ui_ctx.services, "52269", date(2026, 5, 4))
    view.load_visit(visit.id)
    assert not view.issue_button.isEnabled() and not view.reprint_button.isEnabled()
    assert view.issued_label.text()
    view.generate_preview()
    assert view.document.pageCount() >= 3


def test_generation_on_the_real_worker_thread(threaded_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    seed_demo(threaded_ctx.services)
    done = visits.list_visits(
        threaded_ctx.services, visits.VisitFilter(status=VisitStatus.TERMINEE)
    )
    widget = ReportView(threaded_ctx)
    qtbot.addWidget(widget)
    widget.load_visit(done[0].id)
    qtbot.waitUntil(lambda: widget.state is not None, timeout=10_000)
    values: list[int] = []
    widget._relay.progressed.connect(lambda d, t: values.append(d))
    widget.generate_preview()
    assert not widget.generate_button.isEnabled()  # busy while the worker renders
    qtbot.waitUntil(lambda: widget.current is not None, timeout=30_000)
    assert widget.document.pageCount() > 5 and values
    assert widget.generate_button.isEnabled()
    assert isinstance(widget.document, PdfDocument)
