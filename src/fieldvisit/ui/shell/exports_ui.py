"""File › Export: the visits as a workbook or CSV files, the planned visits as a calendar.

`install_exports(window, ctx)` is the one hook in ui/shell/main_window.py. Each action
asks where to write (a file dialog, which asks before replacing a file), whether to
include the confidential items (workbook and CSV; no by default), then runs the export
of exports/ on the database worker, with its progress in a dialog that can cancel it.
A cancelled or failed export leaves nothing behind (exports/output.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox, QProgressDialog

from fieldvisit.core.errors import BadInput
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import show_error

UI_HINT = "confirmez son remplacement"  # the file dialogs ask before replacing a file


class ExportCancelled(BadInput):
    """The person pressed Cancel: the export stops, its temporary file is removed."""


class _Progress(QObject):
    """Carries the worker's progress to the dialog (a queued signal across threads)."""

    progressed = Signal(int, int)


class ExportsUi(QObject):
    finished = Signal(str)  # the status line's message, once an export is written

    def __init__(self, window: QMainWindow, ctx: UiContext) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.progress_dialog: QProgressDialog | None = None
        self._cancelled = False
        self._relay = _Progress(self)
        self._relay.progressed.connect(self._on_progress)
        self.action_xlsx = QAction(self.tr("Export to a &spreadsheet (.xlsx)…"), window)
        self.action_xlsx.setObjectName("exportXlsx")
        self.action_xlsx.setStatusTip(
            self.tr("Visits, answers, interviews, diagnostic and actions in one workbook")
        )
        self.action_xlsx.triggered.connect(self.export_xlsx)
        self.action_csv = QAction(self.tr("Export as &CSV files…"), window)
        self.action_csv.setObjectName("exportCsv")
        self.action_csv.triggered.connect(self.export_csv)
        self.action_ics = QAction(
            self.tr("Export the planned visits to a &calendar (.ics)…"), window
        )
        self.action_ics.setObjectName("exportIcs")
        self.action_ics.setStatusTip(self.tr("For Outlook or Thunderbird"))
        self.action_ics.triggered.connect(self.export_ics)
        self.menu = QMenu(self.tr("E&xport"), window)
        for action in (self.action_xlsx, self.action_csv, self.action_ics):
            self.menu.addAction(action)

    # -- asking ------------------------------------------------------------------------

    def export_xlsx(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self.window,
            self.tr("Export to a spreadsheet"),
            str(Path.home() / "visites.xlsx"),
            self.tr("Excel workbooks (*.xlsx)"),
        )
        if target:
            internal = self.ask_internal()
            if internal is not None:
                self.write_xlsx(_with_suffix(Path(target), ".xlsx"), internal)

    def export_csv(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, self.tr("Folder for the CSV files"), str(Path.home())
        )
        if folder:
            internal = self.ask_internal()
            if internal is not None:
                self.write_csv(Path(folder), internal)

    def export_ics(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self.window,
            self.tr("Export the planned visits"),
            str(Path.home() / "visites-planifiees.ics"),
            self.tr("Calendars (*.ics)"),
        )
        if target:
            self.write_ics(_with_suffix(Path(target), ".ics"))

    def ask_internal(self) -> bool | None:
        """Whether to include the confidential items; None if the person cancelled."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Confidential items"),
            self.tr(
                "Include the confidential items and those reserved to the services? "
                "The file is then for restricted distribution only."
            ),
            QMessageBox.StandardButton.NoButton,
            self.window,
        )
        box.setObjectName("exportInternalQuestion")
        without = box.addButton(self.tr("Without them"), QMessageBox.ButtonRole.AcceptRole)
        including = box.addButton(self.tr("Include them"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(without)
        box.exec()
        clicked = box.clickedButton()
        if clicked is including:
            return True
        if clicked is without:
            return False
        return None

    # -- writing (testable without the dialogs) -----------------------------------------

    def write_xlsx(self, target: Path, internal: bool) -> None:
        from fieldvisit.exports.tables import ExportScope
        from fieldvisit.exports.workbook import write_workbook

        def work(progress: Callable[[int, int], None]) -> str:
            counts = write_workbook(
                self.ctx.services,
                target,
                ExportScope(internal=internal),
                overwrite=True,
                progress=progress,
                hint=UI_HINT,
            )
            return self.tr("Workbook written: {0} ({1} visits).").format(
                target, counts.get("Visites", 0)
            )

        self._run(work, self.tr("Writing the workbook…"))

    def write_csv(self, folder: Path, internal: bool) -> None:
        from fieldvisit.exports.tables import ExportScope
        from fieldvisit.exports.workbook import write_csv_folder

        def work(progress: Callable[[int, int], None]) -> str:
            written = write_csv_folder(
                self.ctx.services,
                folder,
                ExportScope(internal=internal),
                progress=progress,
                hint="choisissez un autre dossier",
            )
            return self.tr("{0} CSV files written in {1}.").format(len(written), folder)

        self._run(work, self.tr("Writing the CSV files…"))

    def write_ics(self, target: Path) -> None:
        from fieldvisit.exports.calendar import write_calendar
        from fieldvisit.exports.tables import ExportScope

        def work(_progress: Callable[[int, int], None]) -> str:
            count = write_calendar(
                self.ctx.services, target, ExportScope(), overwrite=True, hint=UI_HINT
            )
            return self.tr("Calendar written: {0} ({1} planned visits).").format(target, count)

        self._run(work, self.tr("Writing the calendar…"))

    def _run(self, work: Callable[[Callable[[int, int], None]], str], label: str) -> None:
        if self.progress_dialog is not None:
            return  # one export at a time
        self._cancelled = False
        dialog = QProgressDialog(label, self.tr("Cancel"), 0, 0, self.window)
        dialog.setObjectName("exportProgress")
        dialog.setWindowTitle(self.tr("Export"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(self._cancel)
        self.progress_dialog = dialog
        relay = self._relay

        def progress(done: int, total: int) -> None:  # on the worker
            if self._cancelled:
                raise ExportCancelled("Export annulé.")
            relay.progressed.emit(done, total)

        self.ctx.run(
            lambda: work(progress),
            self._succeeded,
            parent=self.window,
            on_failure=self._failed,
        )

    def _cancel(self) -> None:
        self._cancelled = True

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.setMaximum(max(total, 1))
            self.progress_dialog.setValue(min(done, max(total, 1)))

    def _close_dialog(self) -> None:
        dialog, self.progress_dialog = self.progress_dialog, None
        if dialog is not None:
            dialog.canceled.disconnect(self._cancel)
            dialog.reset()
            dialog.deleteLater()

    def _succeeded(self, message: str) -> None:
        self._close_dialog()
        self.finished.emit(message)

    def _failed(self, err: BaseException) -> None:
        self._close_dialog()
        if isinstance(err, ExportCancelled):
            self.finished.emit(self.tr("Export cancelled."))
            return
        show_error(self.window, err)


def _with_suffix(path: Path, suffix: str) -> Path:
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def install_exports(window: Any, ctx: UiContext, file_menu: QMenu) -> ExportsUi:
    """Add File › Export to `file_menu`; its messages go to the window's status bar."""
    exports = ExportsUi(window, ctx)
    file_menu.addMenu(exports.menu)
    exports.finished.connect(window.show_message)
    return exports
