"""Rapport: preview the PDF report, print it, save it, open it, issue it.

A self-contained widget (the workspace's Rapport section hosts it). Reports and blank
forms are generated on the background worker into a private temporary folder, with a
progress bar fed by the renderer; the preview shows the pages rendered by PDFium
(`ui/pdf_document.py`, which says why not QtPdf). Printing renders
each PDF page to an image on the printer (`print_pdf_document`). "Émettre le rapport"
keeps the issued PDF as an attachment of the visit (report/issued.py), which
"Réimprimer le rapport émis" shows and prints again, whatever was edited since.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QSize, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.domain import VisitStatus
from fieldvisit.forms import FormKind
from fieldvisit.services import Services, thumbnails, visits
from fieldvisit.ui.context import UiContext
from fieldvisit.ui.pdf_document import PdfDocument, PdfPreview

MAX_PRINT_DPI = 300  # a page image at 600 dpi would take ~140 MB of memory


@dataclass(frozen=True)
class ReportState:
    """What the buttons depend on, read on the worker."""

    visit_id: str
    commune: str
    visit_date: date
    status: VisitStatus
    issued_sha256: str | None
    issued_filename: str
    issued_on: date | None


@dataclass(frozen=True)
class GeneratedPdf:
    path: Path
    title: str  # what the preview shows, for the status line


def load_report_state(svc: Services, visit_id: str) -> ReportState:
    """Runs on the worker."""
    from fieldvisit.report.issued import issued_report

    visit = visits.get_visit(svc, visit_id)
    issued = issued_report(svc, visit_id)
    return ReportState(
        visit_id=visit.id,
        commune=visit.commune_name,
        visit_date=visit.visit_date,
        status=VisitStatus(visit.status),
        issued_sha256=issued.sha256 if issued else None,
        issued_filename=issued.filename if issued else "",
        issued_on=issued.created_at.astimezone().date() if issued else None,
    )


def print_pdf_document(document: PdfDocument, printer: QPrinter) -> int:
    """Draw the document's pages on the printer, each scaled to fit; return how many.

    Honours a page range chosen in the print dialog. Pages are rendered as images at
    the printer's resolution (at most 300 dpi), which every printer driver accepts.
    """
    count = document.pageCount()
    first, last = 0, count - 1
    if printer.fromPage() > 0:
        first = printer.fromPage() - 1
        last = min(count, printer.toPage() or count) - 1
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    printed = 0
    try:
        for index in range(first, last + 1):
            if printed:
                printer.newPage()
            points = document.pagePointSize(index)
            image = document.render(
                index, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            )
            area = painter.viewport()
            scale = min(area.width() / image.width(), area.height() / image.height())
            width, height = image.width() * scale, image.height() * scale
            target = QRectF(area.x() + (area.width() - width) / 2, area.y(), width, height)
            painter.drawImage(target, image)
            printed += 1
    finally:
        painter.end()
    return printed


class _ProgressRelay(QObject):
    """Carries the renderer's progress from the worker thread to the UI thread."""

    progressed = Signal(int, int)


class ReportView(QWidget):
    #: emitted after the visit's status changed (report issued)
    visit_changed = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visit_id: str | None = None
        self.state: ReportState | None = None
        self.current: GeneratedPdf | None = None
        # Previews live here until the widget goes (Windows may refuse to delete an
        # open file: then the system's temporary folder cleaning will).
        self._folder = Path(tempfile.mkdtemp(prefix="fieldvisit-preview-"))
        weakref.finalize(self, shutil.rmtree, self._folder, ignore_errors=True)
        self._generation = 0
        self._busy = False
        self._relay = _ProgressRelay(self)
        self._relay.progressed.connect(self._on_progress)

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

        self.print_button = QPushButton(self.tr("Print…"), self)
        self.print_button.clicked.connect(self.print_current)
        self.save_button = QPushButton(self.tr("Save PDF…"), self)
        self.save_button.clicked.connect(self.save_pdf)
        self.open_button = QPushButton(self.tr("Open in viewer"), self)
        self.open_button.clicked.connect(self.open_in_viewer)
        self.issue_button = QPushButton(self.tr("Issue the report"), self)
        self.issue_button.setObjectName("issueReport")
        self.issue_button.clicked.connect(self.issue)
        self.reprint_button = QPushButton(self.tr("Reprint the issued report"), self)
        self.reprint_button.setObjectName("reprintIssued")
        self.reprint_button.clicked.connect(self.reprint_issued)
        self.blank_button = QToolButton(self)
        self.blank_button.setText(self.tr("Print a blank form…"))
        self.blank_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.blank_menu = QMenu(self.blank_button)
        self.blank_button.setMenu(self.blank_menu)
        self._fill_blank_menu()

        self.status = QLabel(self)
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.issued_label = QLabel(self)
        self.issued_label.setObjectName("issuedLabel")

        self.document = PdfDocument(self)
        self.view = PdfPreview(self)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Version:"), self))
        top.addWidget(self.variant)
        top.addWidget(self.generate_button)
        top.addWidget(self.progress)
        top.addStretch(1)
        actions = QHBoxLayout()
        for button in (self.print_button, self.save_button, self.open_button):
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
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self._update_buttons()

    # -- loading -----------------------------------------------------------------------
    def load_visit(self, visit_id: str) -> None:
        self.visit_id = visit_id
        self.state = None
        self._show(None)
        self.status.setText("")
        self.issued_label.setText("")
        self._update_buttons()
        self.ctx.run(self.ctx.call(load_report_state, visit_id), self._on_state, parent=self)

    def _on_state(self, state: ReportState) -> None:
        if state.visit_id != self.visit_id:
            return  # another visit was opened meanwhile
        self.state = state
        if state.issued_on is not None:
            self.issued_label.setText(
                self.tr("Report issued on {0}.").format(f"{state.issued_on:%d/%m/%Y}")
            )
        elif state.status != VisitStatus.TERMINEE:
            self.issued_label.setText(
                self.tr("The report can be issued once the visit is completed.")
            )
        else:
            self.issued_label.setText("")
        self._update_buttons()

    def _fill_blank_menu(self) -> None:
        forms = [
            form
            for kind in (FormKind.checklist, FormKind.interview, FormKind.diagnostic)
            for form in self.ctx.services.forms.latest_of_kind(kind)
        ]
        for form in forms:
            action = self.blank_menu.addAction(form.title)
            action.setData(form.id)
            action.triggered.connect(self._on_blank_action)

    def _on_blank_action(self) -> None:
        action = self.sender()
        form_id = action.data() if action is not None else None  # type: ignore[attr-defined]
        if form_id:
            self.generate_blank_form(str(form_id), print_after=True)

    # -- generation --------------------------------------------------------------------
    def _next_path(self, filename: str) -> Path:
        """A new file each time: the preview may still read the previous one."""
        self._generation += 1
        folder = self._folder / str(self._generation)
        folder.mkdir()
        return folder / filename

    @property
    def shareable(self) -> bool:
        return bool(self.variant.currentData())

    def generate_preview(self) -> None:
        if self.visit_id is None or self._busy:
            return
        from fieldvisit.report.files import write_visit_report
        from fieldvisit.report.model import report_filename

        visit_id, shareable = self.visit_id, self.shareable
        folder = self._next_path("rapport.pdf").parent
        svc = self.ctx.services
        relay = self._relay

        def generate() -> GeneratedPdf:
            path = folder / "rapport.pdf"
            report = write_visit_report(
                svc, visit_id, path, shareable, progress=relay.progressed.emit
            )
            named = path.with_name(report_filename(report))
            path.rename(named)  # a meaningful name for "open in viewer"
            return GeneratedPdf(named, report.variant_label)

        self._start_busy()
        self.ctx.run(generate, self._on_generated, parent=self, on_failure=self._on_failed)

    def generate_blank_form(self, form_id: str, print_after: bool = False) -> None:
        if self._busy:
            return
        from fieldvisit.report.blank_form import render_blank_form

        form = self.ctx.services.forms.latest(form_id)
        path = self._next_path(f"grille-vierge-{form.id}-v{form.version}.pdf")
        title = self.tr("Blank form « {0} »").format(form.title)

        def generate() -> GeneratedPdf:
            render_blank_form(form, path)
            return GeneratedPdf(path, title)

        def done(result: GeneratedPdf) -> None:
            self._on_generated(result)
            if print_after:
                self.print_current()

        self._start_busy()
        self.ctx.run(generate, done, parent=self, on_failure=self._on_failed)

    def _start_busy(self) -> None:
        self._busy = True
        self.progress.setRange(0, 0)  # busy until the renderer reports
        self.progress.setVisible(True)
        self.status.setText(self.tr("Generating the PDF…"))
        self._update_buttons()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_generated(self, result: GeneratedPdf) -> None:
        self._busy = False
        self.progress.setVisible(False)
        self._show(result)
        self._update_buttons()

    def _on_failed(self, err: BaseException) -> None:
        from fieldvisit.ui.errors import show_error

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

    def _update_buttons(self) -> None:
        has_pdf = self.current is not None and not self._busy
        for button in (self.print_button, self.save_button, self.open_button):
            button.setEnabled(has_pdf)
        idle = not self._busy
        self.generate_button.setEnabled(idle and self.visit_id is not None)
        self.blank_button.setEnabled(idle)
        state = self.state
        self.issue_button.setEnabled(
            idle and state is not None and state.status == VisitStatus.TERMINEE
        )
        self.reprint_button.setEnabled(
            idle and state is not None and state.issued_sha256 is not None
        )

    # -- print, save, open -------------------------------------------------------------
    def print_current(self) -> None:
        if self.current is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.current.path.stem)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, max(1, self.document.pageCount()))
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            print_pdf_document(self.document, printer)

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

        self.ctx.run(lambda: Path(shutil.copyfile(source, target)), saved, parent=self)

    def open_in_viewer(self) -> None:
        if self.current is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.current.path)))

    # -- issuing -----------------------------------------------------------------------
    def confirm_issue(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Issue the report"),
            self.tr(
                "The internal report will be generated, kept as the issued document and "
                "the visit marked « report issued ». Continue?"
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def issue(self) -> None:
        if self.visit_id is None or self._busy or not self.confirm_issue():
            return
        from fieldvisit.report.issued import issue_report

        visit_id, svc, relay = self.visit_id, self.ctx.services, self._relay
        title = self.tr("Issued report")

        def issue() -> tuple[ReportState, GeneratedPdf]:
            issued = issue_report(svc, visit_id, progress=relay.progressed.emit)
            copy = thumbnails.viewable_copy(svc, issued.sha256, issued.filename)
            return load_report_state(svc, visit_id), GeneratedPdf(copy, title)

        def done(result: tuple[ReportState, GeneratedPdf]) -> None:
            state, pdf = result
            self._on_state(state)
            self._on_generated(pdf)
            self.visit_changed.emit(visit_id)

        self._start_busy()
        self.ctx.run(issue, done, parent=self, on_failure=self._on_failed)

    def reprint_issued(self) -> None:
        self.show_issued(print_after=True)

    def show_issued(self, print_after: bool = False) -> None:
        """Show the issued PDF (as it was sent) and offer to print it."""
        state = self.state
        if state is None or state.issued_sha256 is None or self._busy:
            return
        svc = self.ctx.services
        sha, filename = state.issued_sha256, state.issued_filename
        title = self.tr("Issued report of {0}").format(
            f"{state.issued_on:%d/%m/%Y}" if state.issued_on else ""
        )

        def copy() -> GeneratedPdf:
            return GeneratedPdf(thumbnails.viewable_copy(svc, sha, filename), title)

        def done(result: GeneratedPdf) -> None:
            self._on_generated(result)
            if print_after:
                self.print_current()

        self._start_busy()
        self.ctx.run(copy, done, parent=self, on_failure=self._on_failed)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.document.close()
        super().closeEvent(event)
