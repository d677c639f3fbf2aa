"""Rapport: preview the PDF report, print it, save it, open it, issue it, reprint it.

A self-contained widget (the workspace's Rapport section hosts it). Who does what:

- the database worker (ui/base/worker.py) reads what the report needs into the report model
  (`build_report`, ~25 ms) and keeps an issued PDF (`keep_issued`);
- the report thread (ui/workspace/report_thread.py) draws the PDF (up to a second for 60 pages)
  and, at low priority, makes the report-size renditions of the visit's photos as soon
  as the visit is loaded, so that the report finds them ready: an autosave never waits
  behind a report being drawn;
- the UI thread shows the pages (PDFium, `ui/widgets/pdf_document.py`, which says why not
  QtPdf) one per event-loop turn, and prints them one per turn as well (`PrintJob`),
  with progress and a Cancel button.

"Émettre le rapport" keeps the issued PDF as an attachment of the visit
(report/issued.py); "Réimprimer le rapport émis" shows and prints that very file again,
whatever was edited since. The visit's issued reports are listed here (the Photos
section shows images only).
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMenu,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.dates import day_text
from fieldvisit.core.domain import VisitStatus
from fieldvisit.core.errors import BadInput
from fieldvisit.forms import FormKind
from fieldvisit.screens.report import IssuedEntry, ReportState, load_report_state
from fieldvisit.services import thumbnails
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import show_error
from fieldvisit.ui.dialogs.preferences import location_policy, logo_setting
from fieldvisit.ui.widgets.pdf_document import PdfDocument, PdfPreview
from fieldvisit.ui.workspace.completion_dialog import IssueReportDialog
from fieldvisit.ui.workspace.report_thread import Deliverer, RenditionPrefetcher, report_thread

if TYPE_CHECKING:
    from fieldvisit.report.model import VisitReport

MAX_PRINT_DPI = 300  # a page image at 600 dpi would take ~140 MB of memory


@dataclass(frozen=True)
class GeneratedPdf:
    path: Path
    title: str  # what the preview shows, for the status line


def copy_pdf(source: Path, target: Path) -> Path:
    """Runs on the worker: copy a PDF to where the person chose, atomically."""
    from fieldvisit.report.files import atomic_output

    with atomic_output(target) as tmp:  # French message when the folder is unwritable
        shutil.copyfile(source, tmp)
    return target


def prune_previews(folder: Path, keep: Path) -> None:
    """Runs on the worker: remove the previews older than `keep` (numbered folders; a
    newer one may be being written). A file still open elsewhere, on Windows, stays
    until the system cleans its temporary folder."""
    for child in folder.iterdir():
        if child.is_dir() and child.name.isdigit() and int(child.name) < int(keep.name):
            shutil.rmtree(child, ignore_errors=True)


# -- printing ---------------------------------------------------------------------------


def page_range(document: PdfDocument, printer: QPrinter) -> range:
    """The pages to print (0-based), honouring a range chosen in the print dialog."""
    count = document.pageCount()
    if printer.fromPage() > 0:
        first = printer.fromPage() - 1
        last = min(count, printer.toPage() or count)
        return range(min(first, count), last)
    return range(count)


def print_page(document: PdfDocument, index: int, printer: QPrinter, painter: QPainter) -> None:
    """Draw one page as an image at the printer's resolution (≤ 300 dpi), fitted."""
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    points = document.pagePointSize(index)
    image = document.render(
        index, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    )
    area = painter.viewport()
    scale = min(area.width() / image.width(), area.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    painter.drawImage(QRectF(area.x() + (area.width() - width) / 2, area.y(), width, height), image)


def print_pdf_document(document: PdfDocument, printer: QPrinter) -> int:
    """Draw the document's pages on the printer at once; return how many.

    Pages are images at the printer's resolution (at most 300 dpi), which every printer
    driver accepts. The app prints with `PrintJob`, one page per event-loop turn.
    """
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    printed = 0
    try:
        for index in page_range(document, printer):
            if printed:
                printer.newPage()
            print_page(document, index, printer, painter)
            printed += 1
    finally:
        painter.end()
    return printed


class PrintJob(QObject):
    """Prints a PDF file page by page, one per event-loop turn: the window stays
    responsive during a long print, and a progress dialog offers to cancel it. The job
    reads the file through its own PdfDocument, so the preview may change meanwhile."""

    #: pages printed (0 when the printer could not start or the job was cancelled)
    finished = Signal(int)

    def __init__(self, source: Path, printer: QPrinter, parent: QWidget) -> None:
        super().__init__(parent)
        self.document = PdfDocument(self)
        self.error = self.document.load(str(source))
        self.printer = printer
        self.pages = list(page_range(self.document, printer))
        self.printed = 0
        self.cancelled = False
        self.done = False
        self._painter = QPainter()
        self.progress = QProgressDialog(
            self.tr("Printing…"), self.tr("Cancel"), 0, len(self.pages), parent
        )
        self.progress.setObjectName("printProgress")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(400)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)

    def start(self) -> None:
        if not self.pages or not self._painter.begin(self.printer):
            self._finish(0)
            return
        QTimer.singleShot(0, self, self._next)

    def cancel(self) -> None:
        if not self.done:  # closing the progress dialog at the end also "cancels"
            self.cancelled = True

    def _next(self) -> None:
        if self.done:
            return
        if self.cancelled:
            self.printer.abort()
            self._painter.end()
            self._finish(0)
            return
        try:
            if self.printed:
                self.printer.newPage()
            print_page(self.document, self.pages[self.printed], self.printer, self._painter)
        except Exception:
            self._painter.end()
            self._finish(self.printed)
            raise
        self.printed += 1
        self.progress.setLabelText(
            self.tr("Printing page {0} of {1}…").format(self.printed, len(self.pages))
        )
        self.progress.setValue(self.printed)
        if self.printed < len(self.pages):
            QTimer.singleShot(0, self, self._next)
            return
        self._painter.end()
        self._finish(self.printed)

    def _finish(self, printed: int) -> None:
        self.done = True
        self.document.close()
        self.progress.close()
        self.progress.deleteLater()
        self.finished.emit(printed)
        self.deleteLater()


class _ProgressRelay(QObject):
    """The renderer's progress, emitted on the UI thread (brought there by Deliverer)."""

    progressed = Signal(int, int)


class ReportView(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visit_id: str | None = None
        self.state: ReportState | None = None
        self.current: GeneratedPdf | None = None
        self.print_job: PrintJob | None = None
        # Previews live here until the widget goes (Windows may refuse to delete an
        # open file: then the system's temporary folder cleaning will).
        self._folder = Path(tempfile.mkdtemp(prefix="fieldvisit-preview-"))
        weakref.finalize(self, shutil.rmtree, self._folder, ignore_errors=True)
        self._generation = 0
        self._busy = False
        self._thread = report_thread(ctx)
        self._deliver = Deliverer(self, inline=self._thread.inline)
        self._relay = _ProgressRelay(self)
        self._relay.progressed.connect(self._on_progress)
        self.prefetcher = RenditionPrefetcher(ctx, self)
        self.prefetcher.progressed.connect(self._on_photos_progress)
        self.prefetcher.finished.connect(self._on_photos_ready)

        self.variant = QComboBox(self)
        self.variant.setObjectName("reportVariant")
        self.variant.addItem(self.tr("Internal (restricted distribution)"), False)
        self.variant.addItem(self.tr("Shareable (without confidential items)"), True)
        self.generate_button = QPushButton(self.tr("Generate preview"), self)
        self.generate_button.setObjectName("generatePreview")
        self.generate_button.clicked.connect(self.generate_preview)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("reportProgress")
        self.progress.setVisible(False)
        self.progress.setMaximumWidth(220)
        self.photos_progress = QProgressBar(self)
        self.photos_progress.setObjectName("photosProgress")
        self.photos_progress.setFormat(self.tr("Photos for the report: %v / %m"))
        self.photos_progress.setToolTip(
            self.tr("The photos are being prepared for the report, in the background.")
        )
        self.photos_progress.setVisible(False)
        self.photos_progress.setMaximumWidth(260)

        self.print_button = QPushButton(self.tr("Print…"), self)
        self.print_button.clicked.connect(self.print_current)
        self.save_button = QPushButton(self.tr("Save PDF…"), self)
        self.save_button.clicked.connect(self.save_pdf)
        self.open_button = QPushButton(self.tr("Open in viewer"), self)
        self.open_button.clicked.connect(self.open_in_viewer)
        # The same report as an editable Word document (report/word.py): no preview needed.
        self.word_button = QPushButton(self.tr("Save as Word…"), self)
        self.word_button.setObjectName("saveWord")
        self.word_button.setToolTip(
            self.tr("The report of the chosen version as an editable Word document (.docx)")
        )
        self.word_button.clicked.connect(self.save_word)
        self.issue_button = QPushButton(self.tr("Issue the report"), self)
        self.issue_button.setObjectName("issueReport")
        self.issue_button.clicked.connect(self.issue)
        self.reprint_button = QPushButton(self.tr("Reprint the issued report"), self)
        self.reprint_button.setObjectName("reprintIssued")
        self.reprint_button.clicked.connect(self.reprint_issued)
        self.reprint_menu = QMenu(self.reprint_button)
        self.blank_button = QToolButton(self)
        self.blank_button.setText(self.tr("Print a blank form…"))
        self.blank_button.setToolTip(
            self.tr("An empty form with boxes and lines, to fill in by hand on site")
        )
        self.blank_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.blank_menu = QMenu(self.blank_button)
        self.blank_button.setMenu(self.blank_menu)
        self._fill_blank_menu()

        self.status = QLabel(self)
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.issued_label = QLabel(self)
        self.issued_label.setObjectName("issuedLabel")
        self.issued_label.setWordWrap(True)

        # Every issued PDF, as issued: version, date, author; open it or save a copy.
        self.issued_list = QListWidget(self)
        self.issued_list.setObjectName("issuedReports")
        self.issued_list.setAccessibleName(self.tr("Issued reports"))
        self.issued_list.setMaximumHeight(4 * self.fontMetrics().height() + 16)
        self.issued_list.itemActivated.connect(lambda _item: self.open_selected_issued())
        self.open_issued_button = QPushButton(self.tr("Open"), self)
        self.open_issued_button.setObjectName("openIssued")
        self.open_issued_button.setToolTip(self.tr("Show the chosen issued report as it was sent"))
        self.open_issued_button.clicked.connect(self.open_selected_issued)
        self.save_issued_button = QPushButton(self.tr("Save a copy…"), self)
        self.save_issued_button.setObjectName("saveIssued")
        self.save_issued_button.clicked.connect(self.save_selected_issued)
        self.issued_box = QWidget(self)
        issued_row = QHBoxLayout(self.issued_box)
        issued_row.setContentsMargins(0, 0, 0, 0)
        issued_row.addWidget(self.issued_list, 1)
        issued_buttons = QVBoxLayout()
        issued_buttons.addWidget(self.open_issued_button)
        issued_buttons.addWidget(self.save_issued_button)
        issued_buttons.addStretch(1)
        issued_row.addLayout(issued_buttons)
        self.issued_box.hide()

        self.document = PdfDocument(self)
        self.view = PdfPreview(self)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Version:"), self))
        top.addWidget(self.variant)
        top.addWidget(self.generate_button)
        top.addWidget(self.progress)
        top.addStretch(1)
        top.addWidget(self.photos_progress)
        actions = QHBoxLayout()
        for button in (self.print_button, self.save_button, self.open_button, self.word_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.blank_button)
        issue_row = QHBoxLayout()
        issue_row.addWidget(self.issue_button)
        issue_row.addWidget(self.reprint_button)
        issue_row.addWidget(self.issued_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addLayout(issue_row)
        layout.addWidget(self.issued_box)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self._update_buttons()

    # -- loading -----------------------------------------------------------------------
    def load_visit(self, visit_id: str) -> None:
        if visit_id != self.visit_id:
            self._show(None)
            self.status.setText("")
        self.visit_id = visit_id
        self.state = None
        self.issued_label.setText("")
        self._update_buttons()
        self.ctx.run(self.ctx.call(load_report_state, visit_id), self._on_state, parent=self)

    def _on_state(self, state: ReportState) -> None:
        if state.visit_id != self.visit_id:
            return  # another visit was opened meanwhile
        self.state = state
        self._show_issued_state(state)
        self._update_buttons()
        if not self._busy:
            self._prefetch_photos(state)

    def _show_issued_state(self, state: ReportState) -> None:
        self.issued_list.clear()
        for entry in state.issued:
            by = self.tr(" by {0}").format(entry.author) if entry.author else ""
            self.issued_list.addItem(
                self.tr("Version {0} — issued on {1}{2} — {3}").format(
                    entry.version, day_text(entry.issued_on), by, entry.filename
                )
            )
        if state.issued:
            self.issued_list.setCurrentRow(0)
        self.issued_box.setVisible(bool(state.issued))
        self.reprint_menu.clear()
        self.reprint_button.setMenu(None)  # type: ignore[arg-type]
        if state.issued:
            dates = ", ".join(day_text(entry.issued_on) for entry in state.issued)
            self.issued_label.setText(self.tr("Report issued on {0}.").format(dates))
            if len(state.issued) > 1:  # issued on two devices while offline
                for entry in state.issued:
                    action = self.reprint_menu.addAction(
                        self.tr("Report issued on {0} ({1})").format(
                            day_text(entry.issued_on), entry.filename
                        )
                    )
                    action.triggered.connect(partial(self.show_issued, entry, True))
                self.reprint_button.setMenu(self.reprint_menu)
        elif state.status == VisitStatus.RAPPORT_EMIS:
            self.issued_label.setText(
                self.tr(
                    "The report was issued, but the issued PDF is not on this computer: "
                    "synchronise to get it."
                )
            )
        elif state.status != VisitStatus.TERMINEE:
            self.issued_label.setText(
                self.tr("The report can be issued once the visit is completed.")
            )
        else:
            self.issued_label.setText("")

    def _prefetch_photos(self, state: ReportState) -> None:
        """Report-size renditions of the visit's photos, made in the background now so
        that the report, when asked, only lays out its pages."""
        from fieldvisit.report.files import report_image_cache

        self.prefetcher.prefetch(state.photos, report_image_cache(self.ctx.services))

    def _on_photos_progress(self, done: int, total: int) -> None:
        self.photos_progress.setRange(0, total)
        self.photos_progress.setValue(done)
        self.photos_progress.setVisible(done < total)

    def _on_photos_ready(self, _total: int) -> None:
        self.photos_progress.setVisible(False)

    def _fill_blank_menu(self) -> None:
        forms = [
            form
            for kind in (FormKind.checklist, FormKind.interview, FormKind.diagnostic)
            for form in self.ctx.services.forms.latest_of_kind(kind)
        ]
        for form in forms:
            action = self.blank_menu.addAction(form.title)
            action.setData(form.id)
            action.triggered.connect(partial(self.generate_blank_form, form.id, True))

    # -- generation --------------------------------------------------------------------
    def _next_folder(self) -> Path:
        """A new folder each time: the preview may still read the previous file."""
        self._generation += 1
        folder = self._folder / str(self._generation)
        folder.mkdir()
        return folder

    @property
    def shareable(self) -> bool:
        return bool(self.variant.currentData())

    @property
    def busy(self) -> bool:
        return self._busy

    def generate_preview(self) -> None:
        """Model on the database worker, drawing on the report thread, then the preview."""
        if self.visit_id is None or self._busy:
            return
        from fieldvisit.report.model import build_report

        visit_id = self.visit_id

        def drawn(result: GeneratedPdf, _pages: int) -> None:
            if self.visit_id == visit_id:
                self._on_generated(result)
            else:  # another visit was opened meanwhile: this preview is not its own
                self._on_generated(None)

        self._start_busy()
        self.ctx.run(
            self.ctx.call(
                build_report,
                visit_id,
                self.shareable,
                location=location_policy(self.ctx.settings),
            ),
            lambda report: self._draw(report, drawn),
            parent=self,
            on_failure=self._on_failed,
        )

    def _draw(self, report: VisitReport, then: object) -> None:
        """Draw `report` on the report thread; `then(GeneratedPdf, pages)` on the UI."""
        from fieldvisit.report.files import atomic_output, report_image_cache
        from fieldvisit.report.model import report_filename

        path = self._next_folder() / report_filename(report)
        cache = report_image_cache(self.ctx.services)
        logo = logo_setting(self.ctx.settings)
        relay, deliver = self._relay, self._deliver

        def progress(done: int, total: int) -> None:  # on the report thread
            deliver.later(partial(relay.progressed.emit, done, total))

        def draw() -> tuple[GeneratedPdf, int]:
            from fieldvisit.report.render import render_report

            with atomic_output(path) as tmp:
                pages = render_report(
                    report, tmp, progress=progress, image_cache_dir=cache, logo=logo
                )
            return GeneratedPdf(path, report.variant_label), pages

        future = self._thread.submit(draw, urgent=True)
        self._deliver.when_done(
            future,
            lambda result: then(*result),  # type: ignore[operator]
            self._on_failed,
        )

    def generate_blank_form(self, form_id: str, print_after: bool = False) -> None:
        if self._busy:
            return
        from fieldvisit.report.blank_form import render_blank_form

        form = self.ctx.services.forms.latest(form_id)
        path = self._next_folder() / f"grille-vierge-{form.id}-v{form.version}.pdf"
        title = self.tr("Blank form « {0} »").format(form.title)

        def draw() -> GeneratedPdf:
            render_blank_form(form, path)
            return GeneratedPdf(path, title)

        def done(result: GeneratedPdf) -> None:
            self._on_generated(result)
            if print_after and self.current is result:
                self.print_current()

        self._start_busy()
        self._deliver.when_done(self._thread.submit(draw, urgent=True), done, self._on_failed)

    def _start_busy(self, message: str | None = None) -> None:
        self._busy = True
        self.prefetcher.cancel()  # the renderer makes what is missing, on every core
        self.photos_progress.setVisible(False)
        self.progress.setRange(0, 0)  # busy until the renderer reports
        self.progress.setVisible(True)
        self.status.setText(message or self.tr("Generating the PDF…"))
        self._update_buttons()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_generated(self, result: GeneratedPdf | None) -> None:
        self._busy = False
        self.progress.setVisible(False)
        self._show(result)
        if result is None:
            self.status.setText("")
        self._update_buttons()

    def _on_failed(self, err: BaseException) -> None:
        self._busy = False
        self.progress.setVisible(False)
        self.status.setText("")
        self._update_buttons()
        show_error(self, err)

    def _show(self, result: GeneratedPdf | None) -> None:
        self.view.clear()
        self.document.close()
        self.current = result
        if result is None:
            return
        error = self.document.load(str(result.path))
        if error is not None:
            self.status.setText(self.tr("The PDF could not be displayed ({0}).").format(error))
            return
        self.view.show_document(self.document)
        self.status.setText(
            self.tr("{0} — {1} pages").format(result.title, self.document.pageCount())
        )
        if result.path.parent.parent == self._folder:  # earlier previews are not needed
            self.ctx.run(partial(prune_previews, self._folder, keep=result.path.parent))

    def _update_buttons(self) -> None:
        idle = not self._busy and self.print_job is None
        has_pdf = self.current is not None and idle
        for button in (self.print_button, self.save_button, self.open_button):
            button.setEnabled(has_pdf)
        self.generate_button.setEnabled(idle and self.visit_id is not None)
        self.word_button.setEnabled(idle and self.visit_id is not None)
        self.blank_button.setEnabled(idle)
        state = self.state
        self.issue_button.setEnabled(
            idle and state is not None and state.status == VisitStatus.TERMINEE
        )
        self.reprint_button.setEnabled(idle and state is not None and bool(state.issued))
        for button in (self.open_issued_button, self.save_issued_button):
            button.setEnabled(idle and state is not None and bool(state.issued))

    # -- print, save, open -------------------------------------------------------------
    def print_current(self) -> None:
        """Ask for a printer (QPrintDialog), then print the previewed PDF's pages."""
        if self.current is None or self.print_job is not None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.current.path.stem)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, max(1, self.document.pageCount()))
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> PrintJob:
        """Print the previewed PDF on an already set-up printer, in the background."""
        assert self.current is not None
        job = PrintJob(self.current.path, printer, self)
        self.print_job = job
        job.finished.connect(partial(self._printed, job))
        self._update_buttons()
        job.start()
        return job

    def _printed(self, job: PrintJob, pages: int) -> None:
        if self.print_job is job:
            self.print_job = None
        if job.cancelled:
            self.status.setText(self.tr("Printing cancelled."))
        elif pages == 0:
            show_error(
                self, BadInput(self.tr("The printer could not be started: nothing was printed."))
            )
        else:
            self.status.setText(self.tr("{0} pages sent to the printer.").format(pages))
        self._update_buttons()

    def save_pdf(self) -> None:
        if self.current is None:
            return
        target, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the PDF"),
            str(Path.home() / self.current.path.name),
            self.tr("PDF documents (*.pdf)"),
        )
        if target:
            self.save_to(Path(target))

    def save_to(self, target: Path) -> None:
        """Copy the previewed PDF to target (on the worker: the disk may be slow)."""
        if self.current is None:
            return
        source = self.current.path
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")

        def saved(path: Path) -> None:
            self.status.setText(self.tr("PDF saved: {0}").format(path))

        self.ctx.run(partial(copy_pdf, source, target), saved, parent=self)

    def save_word(self) -> None:
        if self.visit_id is None or self._busy:
            return
        target, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save as Word"),
            str(Path.home() / "rapport.docx"),
            self.tr("Word documents (*.docx)"),
        )
        if target:
            self.save_word_to(Path(target))

    def save_word_to(self, target: Path) -> None:
        """The report model on the database worker, the .docx written on the report
        thread (the file dialog asked before replacing a file)."""
        if self.visit_id is None or self._busy:
            return
        from fieldvisit.report.model import build_report

        if target.suffix.lower() != ".docx":
            target = target.with_name(target.name + ".docx")
        self._start_busy(self.tr("Writing the Word document…"))
        self.ctx.run(
            self.ctx.call(
                build_report,
                self.visit_id,
                self.shareable,
                location=location_policy(self.ctx.settings),
            ),
            lambda report: self._write_word(report, target),
            parent=self,
            on_failure=self._on_failed,
        )

    def _write_word(self, report: VisitReport, target: Path) -> None:
        from fieldvisit.core.files import export_output
        from fieldvisit.report.files import report_image_cache

        cache = report_image_cache(self.ctx.services)
        logo = logo_setting(self.ctx.settings)
        relay, deliver = self._relay, self._deliver

        def progress(done: int, total: int) -> None:  # on the report thread
            deliver.later(partial(relay.progressed.emit, done, total))

        def write() -> Path:
            from fieldvisit.report.word import render_word

            with export_output(
                target, kind="Word (.docx)", overwrite=True, hint="confirmez son remplacement"
            ) as tmp:
                render_word(report, tmp, progress=progress, image_cache_dir=cache, logo=logo)
            return target

        future = self._thread.submit(write, urgent=True)
        self._deliver.when_done(future, self._word_saved, self._on_failed)

    def _word_saved(self, path: Path) -> None:
        self._busy = False
        self.progress.setVisible(False)
        self.status.setText(self.tr("Word document saved: {0}").format(path))
        self._update_buttons()

    def open_in_viewer(self) -> None:
        """The previewed PDF in the system's PDF reader."""
        if self.current is None:
            return
        path = self.current.path
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            show_error(
                self,
                BadInput(
                    self.tr("No application could open {0}. The file is here: {1}").format(
                        path.name, path
                    )
                ),
            )

    # -- issuing -----------------------------------------------------------------------
    def issue(self) -> None:
        """« Émettre le rapport »: confirmed in a dialog (which version, read-only after),
        then `issue_now`."""
        if self.visit_id is None or self._busy or self.state is None:
            return
        dialog = self.issue_dialog = IssueReportDialog(len(self.state.issued) + 1, self)
        dialog.confirmed.connect(self.issue_now)
        dialog.open()

    def issue_now(self) -> None:
        """Check and build (worker), draw (report thread), keep and mark (worker)."""
        if self.visit_id is None or self._busy:
            return
        from fieldvisit.report.issued import keep_issued, prepare_issue

        visit_id, svc = self.visit_id, self.ctx.services
        title = self.tr("Issued report")

        def keep(report: VisitReport, drawn: GeneratedPdf, pages: int) -> None:
            def kept() -> ReportState:
                keep_issued(svc, report, drawn.path, pages)
                return load_report_state(svc, visit_id)

            def done(state: ReportState) -> None:
                shown = self.visit_id == visit_id
                self._on_state(state)  # ignored if another visit is shown now
                self._on_generated(GeneratedPdf(drawn.path, title) if shown else None)

            self.ctx.run(kept, done, parent=self, on_failure=self._on_failed)

        def drawn(report: VisitReport) -> None:
            self._draw(report, partial(keep, report))

        self._start_busy()
        self.ctx.run(
            self.ctx.call(prepare_issue, visit_id), drawn, parent=self, on_failure=self._on_failed
        )

    def selected_issued(self) -> IssuedEntry | None:
        row = self.issued_list.currentRow()
        if self.state is None or not 0 <= row < len(self.state.issued):
            return None
        return self.state.issued[row]

    def open_selected_issued(self) -> None:
        """Show the chosen issued report, as it was sent."""
        entry = self.selected_issued()
        if entry is not None:
            self.show_issued(entry)

    def save_selected_issued(self) -> None:
        """Save a copy of the chosen issued report (the file as it was sent)."""
        entry = self.selected_issued()
        if entry is None:
            return
        target, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save a copy of the issued report"),
            str(Path.home() / entry.filename),
            self.tr("PDF documents (*.pdf)"),
        )
        if target:
            self.save_issued_to(entry, Path(target))

    def save_issued_to(self, entry: IssuedEntry, target: Path) -> None:
        """Copy an issued report's file, decrypted, to target (on the worker)."""
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        svc = self.ctx.services

        def save() -> Path:
            return copy_pdf(thumbnails.viewable_copy(svc, entry.sha256, entry.filename), target)

        def saved(path: Path) -> None:
            self.status.setText(self.tr("PDF saved: {0}").format(path))

        self.ctx.run(save, saved, parent=self)

    def reprint_issued(self) -> None:
        """Show the latest issued PDF (as it was sent) and print it."""
        if self.state is not None and self.state.latest_issued is not None:
            self.show_issued(self.state.latest_issued, print_after=True)

    def show_issued(self, entry: IssuedEntry, print_after: bool = False) -> None:
        """Show an issued PDF (as it was sent) and offer to print it."""
        if self._busy:
            return
        svc = self.ctx.services
        title = self.tr("Issued report of {0}").format(day_text(entry.issued_on))

        def copy() -> GeneratedPdf:
            return GeneratedPdf(thumbnails.viewable_copy(svc, entry.sha256, entry.filename), title)

        def done(result: GeneratedPdf) -> None:
            self._on_generated(result)
            if print_after:
                self.print_current()

        self._start_busy()
        self.ctx.run(copy, done, parent=self, on_failure=self._on_failed)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.prefetcher.cancel()
        self._show(None)  # release the PDF file (a print job has its own copy open)
        self.status.setText("")
        self._update_buttons()
        super().closeEvent(event)
