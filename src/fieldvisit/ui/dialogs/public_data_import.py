"""File › Import public data…: published files (SSMSI, PVD, FRR, gendarmerie units)
chosen in a file dialog, imported one after the other on the worker with progress.

Every header is read first: an unknown file, or two of one dataset, changes nothing.
Each file then replaces its dataset only if the whole of it is good (a damaged one
leaves it as it was, with the French message naming the line); the summary lists what
was imported and what was not. `imported` is emitted when anything changed, so that the
open commune cards read again.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from fieldvisit.opendata.importer import ImportResult
from fieldvisit.services.public_data_import import check_files, import_one
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import describe

log = logging.getLogger(__name__)


class PublicDataImport(QObject):
    #: at least one dataset was replaced
    imported = Signal()
    #: the import ended (the summary is shown): imported files, failure messages
    finished = Signal(list, list)

    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window = parent
        self.paths: list[Path] = []
        self.done: list[ImportResult] = []
        self.failures: list[str] = []
        self.progress: QProgressDialog | None = None
        self.summary: QMessageBox | None = None

    def choose(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self.window,
            self.tr("Import public data"),
            "",
            self.tr("Files as published on data.gouv.fr (*.csv *.csv.gz *.gz);;All files (*)"),
        )
        if names:
            self.start([Path(name) for name in names])

    def start(self, paths: list[Path]) -> None:
        self.done, self.failures = [], []
        self.progress = QProgressDialog(
            self.tr("Reading the files…"), "", 0, len(paths) + 1, self.window
        )
        self.progress.setObjectName("publicDataProgress")
        self.progress.setWindowTitle(self.tr("Import public data"))
        self.progress.setCancelButton(None)  # each file is one transaction: none to stop
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setValue(0)
        self.ctx.run(
            self.ctx.call(check_files, paths),
            on_success=self._checked,
            on_failure=self._check_failed,
            parent=self.window,
        )

    def _checked(self, paths: list[Path]) -> None:
        self.paths = paths
        self._next()

    def _check_failed(self, err: BaseException) -> None:
        log.warning("public data files refused: %s", err)
        self.failures.append(describe(err)[1] + " " + self.tr("Nothing was imported."))
        self._finish()

    def _next(self) -> None:
        index = len(self.done) + len(self.failures)
        if index >= len(self.paths):
            self._finish()
            return
        path = self.paths[index]
        if self.progress is not None:
            self.progress.setValue(index + 1)
            self.progress.setLabelText(
                self.tr("Importing {0} ({1} of {2})…").format(path.name, index + 1, len(self.paths))
            )
        self.ctx.run(
            self.ctx.call(import_one, path),
            on_success=self._file_done,
            on_failure=self._file_failed,
            parent=self.window,
        )

    def _file_done(self, result: ImportResult) -> None:
        self.done.append(result)
        self._next()

    def _file_failed(self, err: BaseException) -> None:
        log.warning("public data file not imported: %s", err)
        self.failures.append(describe(err)[1] + " " + self.tr("That dataset is unchanged."))
        self._next()

    def _finish(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        lines = [result.describe() for result in self.done] + self.failures
        icon = QMessageBox.Icon.Warning if self.failures else QMessageBox.Icon.Information
        box = QMessageBox(
            icon,
            self.tr("Import public data"),
            "\n\n".join(lines),
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setObjectName("publicDataSummary")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.summary = box
        box.open()
        if self.done:
            self.imported.emit()
        self.finished.emit(list(self.done), list(self.failures))
