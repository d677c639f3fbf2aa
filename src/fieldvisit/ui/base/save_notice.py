"""Saves that could not be written yet (disk full, database held by another program).

`SaveProblems` (one per worker) is told by every autosave `Debouncer` when a save
fails for a reason that goes away (`is_retryable`) and when it succeeds again. The
`SaveNotice` of the main window shows it: a box the first time (« Le disque est plein :
vos dernières modifications ne sont pas encore enregistrées… »), a warning in the status
bar as long as something waits, « Modifications enregistrées. » once everything is
written. The edits stay in their widgets meanwhile and are retried by their debouncer;
the app keeps reading and showing everything (reads need no space).

Closing the window while saves wait asks first: « Réessayer » (keep the window, try
now) or « Fermer sans les enregistrer ».
"""

from __future__ import annotations

import errno
import logging
import weakref
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

if TYPE_CHECKING:
    from fieldvisit.ui.base.context import UiContext

log = logging.getLogger(__name__)

_BY_WORKER: weakref.WeakKeyDictionary[Any, SaveProblems] = weakref.WeakKeyDictionary()


def is_retryable(err: BaseException) -> bool:
    """A failure that goes away by itself or once the person frees some space."""
    from fieldvisit.store.errors import DatabaseLocked, DiskFull

    if isinstance(err, DiskFull | DatabaseLocked):
        return True
    return isinstance(err, OSError) and err.errno == errno.ENOSPC


def _disk_full(err: BaseException) -> bool:
    from fieldvisit.store.errors import DatabaseLocked

    return not isinstance(err, DatabaseLocked)


class SaveProblems(QObject):
    """Which autosaves are waiting because of a full disk or a busy database."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._failing: dict[Hashable, bool] = {}  # key -> disk full (else: busy)
        self._retry: list[Callable[[], None]] = []

    @classmethod
    def of(cls, ctx: UiContext) -> SaveProblems:
        found = _BY_WORKER.get(ctx.worker)
        if found is None:
            found = _BY_WORKER[ctx.worker] = cls()
        return found

    @property
    def waiting(self) -> int:
        return len(self._failing)

    @property
    def disk_full(self) -> bool:
        return any(self._failing.values())

    def failed(self, key: Hashable, err: BaseException, retry: Callable[[], None]) -> None:
        first = key not in self._failing
        self._failing[key] = _disk_full(err)
        if retry not in self._retry:
            self._retry.append(retry)
        if first:
            log.warning("autosave waits (%s): %d save(s) not written", err, self.waiting)
            self.changed.emit()

    def saved(self, key: Hashable) -> None:
        if self._failing.pop(key, None) is not None:
            if not self._failing:
                log.info("the waiting autosaves are written")
                self._retry.clear()
            self.changed.emit()

    def retry_now(self) -> None:
        for retry in list(self._retry):
            try:
                retry()
            except RuntimeError:  # its page is gone (deleted with its widgets)
                self._retry.remove(retry)


class SaveNotice(QObject):
    """The main window's part: status bar warning, first-time box, question at close."""

    def __init__(self, window: QMainWindow, ctx: UiContext) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.problems = SaveProblems.of(ctx)
        self.label = QLabel(window)
        self.label.setObjectName("saveProblemLabel")
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)  # palette colours only: light and dark schemes alike
        self.label.hide()
        window.statusBar().addPermanentWidget(self.label)
        self.box: QMessageBox | None = None
        self._told = False
        # How the question at close is asked (tests answer it without a modal loop).
        self.ask: Callable[[QMessageBox], object] = lambda box: box.exec()
        self.problems.changed.connect(self._changed)
        window.installEventFilter(self)

    def message(self) -> str:
        if self.problems.disk_full:
            return self.tr(
                "The disk is full: your latest changes are not saved yet. They stay on "
                "screen and will be saved as soon as there is room again (tried every 5 "
                "seconds). Free some space: delete or move files you do not need."
            )
        return self.tr(
            "The database is being used by another program (fieldvisit opened twice?): "
            "your latest changes are not saved yet. They stay on screen and will be saved "
            "as soon as it is free."
        )

    def _changed(self) -> None:
        if self.problems.waiting:
            short = (
                self.tr("Disk full: changes not saved")
                if self.problems.disk_full
                else self.tr("Database busy: changes not saved")
            )
            self.label.setText(short)
            self.label.setToolTip(self.message())
            self.label.show()
            if not self._told:
                self._told = True
                self._show_box()
            return
        self.label.hide()
        self._told = False
        if self.box is not None:
            self.box.close()
            self.box = None
        self.window.statusBar().showMessage(self.tr("Changes saved."), 5000)

    def _show_box(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Changes not saved yet"),
            self.message(),
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setObjectName("saveProblemBox")
        self.box = box
        box.open()  # never blocks: the retries go on

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        closing = watched is self.window and event.type() == QEvent.Type.Close
        if closing and self.problems.waiting and not self._may_close():
            event.ignore()
            return True
        return False

    def _may_close(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Changes not saved"),
            self.tr("%n change(s) could not be saved: ", "", self.problems.waiting)
            + self.message(),
            QMessageBox.StandardButton.NoButton,
            self.window,
        )
        box.setObjectName("unsavedAtCloseBox")
        retry = box.addButton(self.tr("Try again"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Close without saving them"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(retry)
        self.ask(box)
        if box.clickedButton() is retry or box.clickedButton() is None:
            self.problems.retry_now()
            return False
        log.warning("window closed with %d autosave(s) not written", self.problems.waiting)
        return True


def install_save_notice(window: QMainWindow, ctx: UiContext) -> SaveNotice:
    return SaveNotice(window, ctx)
