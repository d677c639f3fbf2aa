"""Rapport view: generate a preview, save it, print its pages, issue and reprint;
the drawing on the report thread, photo renditions made ahead of time."""

from __future__ import annotations

import threading
from datetime import date
from functools import partial
from pathlib import Path

import pytest
import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPushButton

from fieldvisit.core.domain import VisitStatus
from fieldvisit.demo.seed import seed_demo
from fieldvisit.report.files import report_image_cache
from fieldvisit.report.images import rendition_path
from fieldvisit.report.issued import issued_report
from fieldvisit.services import answers, attachments, visits
from fieldvisit.store.changes import Changes
from fieldvisit.ui.widgets.pdf_document import PdfDocument
from fieldvisit.ui.workspace.report_thread import ReportThread, report_thread
from fieldvisit.ui.workspace.report_view import ReportView, print_pdf_document


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
    assert not internal.exists()  # earlier previews do not pile up in the temporary folder
    assert list(view._folder.iterdir()) == [view.current.path.parent]


def test_the_preview_shows_every_page_fitted_to_the_view(
    view: ReportView, demo_visit: str, qtbot
) -> None:  # type: ignore[no-untyped-def]
    view.resize(560, 700)  # a narrow window
    view.load_visit(demo_visit)
    view.generate_preview()
    pages = view.document.pageCount()
    qtbot.waitUntil(lambda: len(view.view.page_labels()) == pages, timeout=20_000)
    viewport = view.view.viewport().width()
    for label in view.view.page_labels():
        pixmap = label.pixmap()
        assert pixmap.width() / pixmap.devicePixelRatio() <= viewport
        assert pixmap.height() > pixmap.width()  # A4, upright
    assert not view.view.horizontalScrollBar().isVisible()
    widths = {label.pixmap().width() for label in view.view.page_labels()}
    view.resize(1000, 800)  # wider window: the pages are drawn again, wider
    qtbot.waitUntil(
        lambda: (
            len(view.view.page_labels()) == pages
            and min(label.pixmap().width() for label in view.view.page_labels()) > max(widths)
        ),
        timeout=20_000,
    )


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
    view: ReportView, demo_visit: str, qtbot, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    view.load_visit(demo_visit)
    assert view.issue_button.isEnabled() and not view.reprint_button.isEnabled()
    changed: list[Changes] = []
    view.ctx.changes.changed.connect(lambda changes, _origin: changed.append(changes))
    view.issue()
    dialog = view.issue_dialog  # not blocking: confirmed with its default button
    assert dialog.isVisible() and dialog.issue_button.text() == "Issue version 1"
    assert "version 2" in dialog.findChild(QLabel, "issueMessage").text()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    # Reported on the change signal: the visit's status and its issued PDF, of this visit.
    assert {visit for changes in changed for visit in changes.visits} == {demo_visit}
    assert any(changes.touches(demo_visit, {"visits"}) for changes in changed)
    assert any(changes.touches(demo_visit, {"attachments"}) for changes in changed)
    assert visits.get_visit(view.ctx.services, demo_visit).status == "rapport_emis"
    assert view.issued_label.text().startswith("Report issued on")
    assert not view.issue_button.isEnabled() and view.reprint_button.isEnabled()
    issued_pages = view.document.pageCount()
    assert issued_pages > 5

    # The issued list: version, date, author; open it or save a copy, as it was issued.
    assert view.issued_list.count() == 1
    assert view.issued_list.item(0).text().startswith("Version 1 — issued on ")
    copy = tmp_path / "copie"
    view.save_issued_to(view.state.issued[0], copy)  # type: ignore[union-attr]
    stored = issued_report(view.ctx.services, demo_visit)
    assert stored is not None
    assert (tmp_path / "copie.pdf").read_bytes() == attachments.attachment_bytes(
        view.ctx.services, stored
    )

    # Edits after reopening do not change what "reprint" shows.
    visits.reopen_visit(view.ctx.services, demo_visit)
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


# -- printing, saving, opening through the app's dialogs ---------------------------------


def print_to_file(monkeypatch: pytest.MonkeyPatch, target: Path) -> list[QPrintDialog]:
    """The print dialog, accepted with a PDF file as the printer (at 50 dpi: quick)."""
    shown: list[QPrintDialog] = []

    def accept(dialog: QPrintDialog) -> int:
        shown.append(dialog)
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setResolution(50)
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    return shown


def test_print_asks_for_a_printer_then_prints_page_by_page(
    view: ReportView, demo_visit: str, qtbot, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    printed = tmp_path / "imprimante.pdf"
    dialogs = print_to_file(monkeypatch, printed)
    view.load_visit(demo_visit)
    view.generate_preview()
    pages = view.document.pageCount()
    qtbot.mouseClick(view.print_button, Qt.MouseButton.LeftButton)
    assert len(dialogs) == 1
    assert (dialogs[0].minPage(), dialogs[0].maxPage()) == (1, pages)
    job = view.print_job
    assert job is not None and not view.print_button.isEnabled()  # one print at a time
    assert not view.generate_button.isEnabled()  # the preview stays while it prints
    qtbot.waitUntil(lambda: view.print_job is None, timeout=30_000)
    assert job.printed == pages
    assert len(PdfReader(printed).pages) == pages
    assert view.status.text() == f"{pages} pages sent to the printer."
    assert view.print_button.isEnabled() and view.generate_button.isEnabled()


def test_printing_can_be_cancelled(
    view: ReportView, demo_visit: str, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    view.load_visit(demo_visit)
    view.generate_preview()
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "annule.pdf"))
    job = view.print_to(printer)
    job.progress.findChild(QPushButton).click()  # the progress dialog's Cancel button
    qtbot.waitUntil(lambda: view.print_job is None, timeout=10_000)
    assert job.cancelled and view.status.text() == "Printing cancelled."
    assert view.print_button.isEnabled()


def test_save_pdf_through_the_dialog_and_refuse_a_bad_place(
    view: ReportView, demo_visit: str, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    view.load_visit(demo_visit)
    view.generate_preview()
    proposed: list[str] = []

    def choose(parent, title, suggested, filters):  # type: ignore[no-untyped-def]
        proposed.append(suggested)
        return str(tmp_path / "envoi" / "rapport-mairie"), filters

    (tmp_path / "envoi").mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    view.save_pdf()
    assert Path(proposed[0]).name == view.current.path.name  # type: ignore[union-attr]
    saved = tmp_path / "envoi" / "rapport-mairie.pdf"
    assert saved.read_bytes() == view.current.path.read_bytes()  # type: ignore[union-attr]
    assert "PDF saved" in view.status.text()

    blocker = tmp_path / "pas-un-dossier"
    blocker.write_text("x")
    view.save_to(blocker / "rapport.pdf")
    box = view.findChild(QMessageBox, "errorBox")
    assert box is not None and f"{blocker} n'est pas un dossier" in box.text()
    assert [p.name for p in (tmp_path / "envoi").iterdir()] == ["rapport-mairie.pdf"]


def test_open_in_the_pdf_reader(view: ReportView, demo_visit: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    view.load_visit(demo_visit)
    view.generate_preview()
    view.open_in_viewer()
    [url] = opened
    shown = Path(url.toLocalFile())
    assert shown == view.current.path and shown.suffix == ".pdf"  # type: ignore[union-attr]
    assert shown.read_bytes().startswith(b"%PDF-")
    assert view.findChild(QMessageBox, "errorBox") is None

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)  # no PDF reader
    view.open_in_viewer()
    box = view.findChild(QMessageBox, "errorBox")
    assert box is not None and str(shown) in box.text()


def test_blank_form_from_the_menu_is_printed(
    view: ReportView, qtbot, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    printed = tmp_path / "grille.pdf"
    print_to_file(monkeypatch, printed)
    [action] = [a for a in view.blank_menu.actions() if a.data() == "visite-centre-bourg"]
    action.trigger()
    assert view.current is not None and view.current.path.name.startswith("grille-vierge-")
    blank_pages = len(PdfReader(view.current.path).pages)
    text = " ".join(page.extract_text() for page in PdfReader(view.current.path).pages)
    assert "grille vierge" in text
    qtbot.waitUntil(lambda: view.print_job is None, timeout=30_000)
    assert len(PdfReader(printed).pages) == blank_pages


def test_the_pdf_is_closed_with_its_widget(ui_ctx, demo_visit: str) -> None:  # type: ignore[no-untyped-def]
    widget = ReportView(ui_ctx)
    widget.load_visit(demo_visit)
    widget.generate_preview()
    handle = widget.document._handle
    assert handle.pdf is not None
    shiboken6.delete(widget)
    assert handle.pdf is None  # released at once, not at garbage collection


# -- issued reports ------------------------------------------------------------------------


@pytest.fixture
def issued_visit(ui_ctx) -> str:  # type: ignore[no-untyped-def]
    """The demo visit whose report was issued (Saint-Flour)."""
    seed_demo(ui_ctx.services)
    [row] = visits.list_visits(ui_ctx.services, visits.VisitFilter(status=VisitStatus.RAPPORT_EMIS))
    return row.id


def test_reprint_prints_the_issued_pdf(
    view: ReportView, issued_visit: str, qtbot, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    printed = tmp_path / "reimpression.pdf"
    print_to_file(monkeypatch, printed)
    view.load_visit(issued_visit)
    assert view.reprint_button.isEnabled() and not view.issue_button.isEnabled()
    assert view.reprint_button.menu() is None  # one issued report: a plain button
    stored = issued_report(view.ctx.services, issued_visit)
    assert stored is not None
    view.reprint_button.click()
    assert view.current is not None
    assert view.current.path.read_bytes() == attachments.attachment_bytes(view.ctx.services, stored)
    assert view.current.path.name == stored.filename
    qtbot.waitUntil(lambda: view.print_job is None, timeout=30_000)
    assert len(PdfReader(printed).pages) == view.document.pageCount()


def test_reports_issued_on_two_devices_are_both_listed(
    view: ReportView, issued_visit: str, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    svc = view.ctx.services
    first = issued_report(svc, issued_visit)
    assert first is not None
    # The same visit issued offline on another laptop, then synced: a second issued PDF.
    other = tmp_path / "autre.pdf"
    other.write_bytes(attachments.attachment_bytes(svc, first).replace(b"%%EOF", b"%autre\n%%EOF"))
    # (Written as sync would: an issued visit refuses a person's edits.)
    visits.reopen_visit(svc, issued_visit)
    attachments.attach_file(
        svc, issued_visit, other, caption="Rapport émis le …", filename=first.filename
    )
    visits.complete_visit(svc, issued_visit)
    visits.mark_report_issued(svc, issued_visit)
    shown: list[bytes] = []
    monkeypatch.setattr(
        view,
        "print_current",
        lambda: shown.append(view.current.path.read_bytes()),  # type: ignore[union-attr]
    )
    view.load_visit(issued_visit)
    menu = view.reprint_button.menu()
    assert menu is not None and len(menu.actions()) == 2
    menu.actions()[1].trigger()  # the older one
    assert shown == [attachments.attachment_bytes(svc, first)]


# -- the report thread ---------------------------------------------------------------------


def test_the_visits_photos_are_prepared_when_it_loads(view: ReportView, demo_visit: str) -> None:
    svc = view.ctx.services
    cache = report_image_cache(svc)
    photos = attachments.list_photos(svc, demo_visit)
    assert photos
    steps: list[tuple[int, int]] = []
    view.prefetcher.progressed.connect(lambda done, total: steps.append((done, total)))
    view.load_visit(demo_visit)
    for photo in photos:
        assert rendition_path(cache, photo.sha256).is_file()
    assert steps[-1] == (len(photos), len(photos))
    assert not view.photos_progress.isVisible()


def test_report_work_jumps_the_queue_of_renditions() -> None:
    thread = ReportThread()
    gate = threading.Event()
    order: list[str] = []
    thread.submit(gate.wait)  # busy
    renditions = object()
    for n in range(3):
        thread.submit(partial(order.append, f"photo {n}"), tag=renditions)
    thread.submit(partial(order.append, "photo of another page"))
    report = thread.submit(partial(order.append, "report"), urgent=True)
    blank_form = thread.submit(partial(order.append, "blank form"), urgent=True)
    assert thread.cancel(renditions) == 3  # a report about to be drawn makes them itself
    last = thread.submit(partial(order.append, "later"))
    gate.set()
    last.result(timeout=10)
    assert report.done() and blank_form.done()
    assert order == ["report", "blank form", "photo of another page", "later"]


def test_autosaves_do_not_wait_for_a_report_being_drawn(threaded_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    svc = threaded_ctx.services
    seed_demo(svc)
    [done, *_] = visits.list_visits(svc, visits.VisitFilter(status=VisitStatus.TERMINEE))
    widget = ReportView(threaded_ctx)
    qtbot.addWidget(widget)
    widget.load_visit(done.id)
    qtbot.waitUntil(lambda: widget.state is not None, timeout=10_000)
    gate = threading.Event()
    thread = report_thread(threaded_ctx)
    thread.submit(gate.wait, urgent=True)  # the report thread is held busy
    try:
        widget.generate_preview()
        # The model was read on the database worker; the drawing waits for its thread.
        qtbot.waitUntil(lambda: thread.pending() >= 1 and not threaded_ctx.worker.busy)
        visit = visits.get_visit(svc, done.id)
        saved: list[object] = []
        threaded_ctx.run(
            lambda: answers.answer_item(
                svc, done.id, visit.checklist_form_id or "", "parcours", "Saisi pendant le rapport"
            ),
            saved.append,
        )
        qtbot.waitUntil(lambda: bool(saved), timeout=10_000)  # saved while the report waits
        assert widget.busy and widget.current is None
    finally:
        gate.set()
    qtbot.waitUntil(lambda: widget.current is not None, timeout=30_000)
    assert widget.document.pageCount() > 5 and not widget.busy


def test_a_print_goes_on_when_another_visit_is_opened(
    view: ReportView, demo_visit: str, ui_ctx, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    view.load_visit(demo_visit)
    view.generate_preview()
    pages = view.document.pageCount()
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "suite.pdf"))
    job = view.print_to(printer)
    other = visits.plan_visit(ui_ctx.services, "52269", date(2026, 5, 4))
    view.load_visit(other.id)  # the preview is cleared; the print keeps its own copy
    assert view.current is None and not view.document.is_open()
    qtbot.waitUntil(lambda: view.print_job is None, timeout=30_000)
    assert job.printed == pages
    assert len(PdfReader(tmp_path / "suite.pdf").pages) == pages


def test_a_preview_finished_after_a_visit_switch_is_not_shown(threaded_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    svc = threaded_ctx.services
    seed_demo(svc)
    first, second = visits.list_visits(svc, visits.VisitFilter(status=VisitStatus.TERMINEE))
    widget = ReportView(threaded_ctx)
    qtbot.addWidget(widget)
    widget.load_visit(first.id)
    qtbot.waitUntil(lambda: widget.state is not None, timeout=10_000)
    gate = threading.Event()
    report_thread(threaded_ctx).submit(gate.wait, urgent=True)
    try:
        widget.generate_preview()
        qtbot.waitUntil(lambda: not threaded_ctx.worker.busy, timeout=10_000)
        widget.load_visit(second.id)  # opened while the first one's report is drawn
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not widget.busy, timeout=30_000)
    assert widget.current is None and widget.document.pageCount() == 0
    assert widget.generate_button.isEnabled()
    qtbot.waitUntil(lambda: widget.state is not None and widget.state.visit_id == second.id)


def test_a_report_issued_elsewhere_without_its_pdf_here(view: ReportView, demo_visit: str) -> None:
    # Issued on another laptop: the status came with the sync, the PDF not yet.
    visits.mark_report_issued(view.ctx.services, demo_visit)
    view.load_visit(demo_visit)
    assert "not on this computer" in view.issued_label.text()
    assert not view.issue_button.isEnabled() and not view.reprint_button.isEnabled()
    assert view.generate_button.isEnabled()  # a new preview can still be made
