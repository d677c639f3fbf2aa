"""Autosave: every edit is written within a second, and at once on focus-out and close.

A `Debouncer` keeps the latest pending save per key (an item, a field); the saves run on
the database worker AUTOSAVE_DELAY_MS after the last change, and never later than
AUTOSAVE_MAX_DELAY_MS after the first change not yet written: someone typing without a
pause (faster than the delay) still has their text written while they type, so a crash
loses at most the last second. `flush()` runs every pending save now (called on
focus-out, section change and window close). There is no Save button and no "save
changes?" prompt anywhere in the app.

A save that fails because the disk is full (or the database is held by another
program) is kept and tried again every AUTOSAVE_RETRY_MS, unless a newer save of the
same key replaced it; the edit stays in its widget meanwhile, and `SaveProblems`
(ui/base/save_notice.py) tells the person, once, what is not saved yet. Any other failure is
shown as before.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from fieldvisit.ui.base import context as ui_context
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.save_notice import SaveProblems, is_retryable

AUTOSAVE_DELAY_MS = 600
#: the longest a change waits, however steadily the person types
AUTOSAVE_MAX_DELAY_MS = 800
#: a save refused by a full disk (or a busy database) is tried again this often
AUTOSAVE_RETRY_MS = 5000


class Debouncer(QObject):
    saved = Signal(object)  # the key whose save succeeded

    def __init__(
        self,
        ctx: UiContext,
        parent: QObject | None = None,
        delay_ms: int = AUTOSAVE_DELAY_MS,
        max_delay_ms: int = AUTOSAVE_MAX_DELAY_MS,
        retry_ms: int = AUTOSAVE_RETRY_MS,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._pending: dict[Hashable, Callable[[], Any]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        # Restarted by every change, the timer above would never fire during steady
        # typing; this one starts with the first unsaved change and is not restarted.
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setInterval(max(delay_ms, max_delay_ms))
        self._deadline.timeout.connect(self.flush)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(retry_ms)
        self._retry.timeout.connect(self.flush)
        self._problems = SaveProblems.of(ctx)

    def schedule(self, key: Hashable, save: Callable[[], Any]) -> None:
        """Remember the newest save for key; run it after the delay (or at flush)."""
        if not self._pending:
            self._deadline.start()
        self._pending[key] = save
        self._timer.start()

    @property
    def has_pending(self) -> bool:
        return bool(self._pending)

    def flush(self) -> None:
        """Hand every pending save to the worker now, in the order they were made."""
        self._timer.stop()
        self._deadline.stop()
        pending, self._pending = self._pending, {}
        self._retry.stop()
        for key, save in pending.items():
            self._ctx.run(
                save,
                partial(self._announce, key),
                on_failure=partial(self._failed, key, save),
                origin=self,  # its page's: the page shows the edit already (ui/base/changes.py)
            )

    def _announce(self, key: Hashable, _result: Any = None) -> None:
        self._problems.saved((id(self), key))
        # The page may have been closed while its save was running on the worker.
        if shiboken6.isValid(self):
            self.saved.emit(key)

    def _failed(self, key: Hashable, save: Callable[[], Any], err: BaseException) -> None:
        if not is_retryable(err) or not shiboken6.isValid(self):
            self._problems.saved((id(self), key))
            ui_context.show_error(None, err)  # as UiContext.run shows any failure
            return
        self._pending.setdefault(key, save)  # unless a newer edit of it is waiting
        self._problems.failed((id(self), key), err, self.flush)
        if not self._retry.isActive():
            self._retry.start()
