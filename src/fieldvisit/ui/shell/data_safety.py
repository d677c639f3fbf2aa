"""The main window's data safety: automatic backups, the integrity check, saves that wait.

`install_data_safety(window, ctx, after=…)` is the one hook in ui/shell/main_window.py:

- **Start backup.** START_BACKUP_DELAY_MS after the window is first shown and its visit
  list holds every visit (never on the start path: copying the database would share the
  cores, and the peak of memory, with the worker reading 10,000 visits), a daemon
  thread runs
  `services.backups.backup_at_start`: a checked, encrypted backup in backups/ (or, if
  one is less than 15 minutes old, a `quick_check` of the database), then the rotation.
- **After each sync** that exchanged something, on the sync round's own thread
  (`SyncController.after_round`): `backup_after_sync`, same rules.
- **Damage found** by either: the recovery plan is made on that thread, then the
  `RecoveryDialog` (ui/dialogs/recovery_dialog.py) offers the newest good backup; accepting
  asks for the restore at the next start, closes the window (pending edits written
  first) and starts the app again.
- **Saves that wait** (disk full, database busy): `SaveNotice` (ui/base/save_notice.py).

A backup that fails (disk full, not enough space) is logged and shown for a few seconds
in the status bar; the data itself is untouched.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QMainWindow

from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.save_notice import SaveNotice, install_save_notice
from fieldvisit.ui.dialogs.recovery_dialog import RecoveryDialog, request_restore

if TYPE_CHECKING:
    from fieldvisit.services.backups import BackupOutcome
    from fieldvisit.store.recovery import RecoveryPlan
    from fieldvisit.sync.engine import SyncReport

log = logging.getLogger(__name__)

START_BACKUP_DELAY_MS = 4000
#: The start backup waits for the visit list at most this long after the show: a list
#: that could not be read must not hold back the backup and the integrity check.
READY_AT_THE_LATEST_MS = 30_000


def relaunch_app() -> bool:
    """Start this app again as it was started (a new process); False if impossible."""
    try:
        subprocess.Popen(list(sys.orig_argv), start_new_session=True, close_fds=True)
    except OSError:
        log.exception("fieldvisit could not be started again")
        return False
    return True


class DataSafetyUi(QObject):
    backup_finished = Signal(object)  # BackupOutcome (emitted from a backup thread)
    recovery_offered = Signal(object)  # RecoveryPlan (emitted from a backup thread)

    def __init__(
        self,
        window: QMainWindow,
        ctx: UiContext,
        *,
        start_delay_ms: int = START_BACKUP_DELAY_MS,
        relaunch: Callable[[], bool] = relaunch_app,
        after: SignalInstance | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self._ready = after is None  # what the start backup waits for, besides the show
        if after is not None:
            after.connect(self._now_ready)
        self.relaunch = relaunch
        self.notice: SaveNotice = install_save_notice(window, ctx)
        self.dialog: RecoveryDialog | None = None
        self.outcomes: list[BackupOutcome] = []
        self._threads: list[threading.Thread] = []
        self._start_backup: threading.Thread | None = None
        self._closed = False
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.setInterval(start_delay_ms)
        self._start_timer.timeout.connect(self.back_up_at_start)
        self._started = False
        self.backup_finished.connect(self._backup_finished)
        self.recovery_offered.connect(self.offer_recovery)
        sync = getattr(window, "sync", None)
        if sync is not None:
            sync.after_round = self._after_sync  # runs on the sync round's thread
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window:
            if event.type() == QEvent.Type.Show and not self._started:
                self._started = True
                if not self._ready:
                    QTimer.singleShot(READY_AT_THE_LATEST_MS, self, self._now_ready)
                self._arm_start()
            elif event.type() == QEvent.Type.Close:
                self._closed = True
                self._start_timer.stop()
        return False

    def _now_ready(self, *_: object) -> None:
        if not self._ready:
            self._ready = True
            self._arm_start()

    def _arm_start(self) -> None:
        if self._started and self._ready and not self._closed and self._start_backup is None:
            self._start_timer.start()

    # --- backups (off the UI thread) ----------------------------------------------------

    def back_up_at_start(self) -> threading.Thread | None:
        """The start backup (and integrity check), once per session: called early (a
        test, a person's request), the timer's later call finds it made."""
        self._start_timer.stop()
        if self._closed:
            return None
        if self._start_backup is not None:
            return self._start_backup
        from fieldvisit.services.backups import backup_at_start

        thread = threading.Thread(
            target=self._guarded,
            args=(backup_at_start, self.ctx.services),
            name="fieldvisit-backup",
            daemon=True,  # a backup never keeps the app from closing (its file is partial)
        )
        self._threads.append(thread)
        self._start_backup = thread
        thread.start()
        return thread

    def _after_sync(self, report: SyncReport) -> None:
        from fieldvisit.services.backups import backup_after_sync

        self._guarded(backup_after_sync, self.ctx.services, report)

    def _guarded(self, function: Callable[..., BackupOutcome], *args: Any) -> None:
        from fieldvisit.services.backups import BackupOutcome

        try:
            outcome = function(*args)
        except Exception as err:  # a bug here must not kill the thread silently
            log.exception("automatic backup failed")
            outcome = BackupOutcome("failed", message=str(err))
        if self._closed or not self._emit(self.backup_finished, outcome):
            return
        if outcome.kind == "damaged":
            from fieldvisit.store.recovery import plan_recovery

            services = self.ctx.services
            try:
                plan = plan_recovery(services.data_dir, services.store.keys, outcome.message)
            except Exception:
                log.exception("no recovery plan")
                return
            if not self._closed:
                self._emit(self.recovery_offered, plan)

    @staticmethod
    def _emit(signal: Any, value: object) -> bool:
        """From a backup thread; False once the window (and this object) is gone."""
        try:
            signal.emit(value)
        except RuntimeError:
            return False
        return True

    # --- on the UI thread ---------------------------------------------------------------

    def _backup_finished(self, outcome: BackupOutcome) -> None:
        self.outcomes.append(outcome)
        if outcome.kind == "made":
            log.info("backup made: %s", outcome.path)
        elif outcome.kind == "failed":
            log.warning("backup not made: %s", outcome.message)
            self.window.statusBar().showMessage(
                self.tr("Automatic backup not made: {0}").format(outcome.message), 10000
            )

    def offer_recovery(self, plan: RecoveryPlan) -> RecoveryDialog | None:
        if self._closed or self.dialog is not None:
            return self.dialog
        dialog = RecoveryDialog(
            plan, self.ctx.services.data_dir, at_start=False, parent=self.window
        )
        if plan.backup is not None:
            dialog.setInformativeText(
                dialog.informativeText()
                + "\n\n"
                + self.tr("fieldvisit closes, restores the backup and starts again.")
            )
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._answered(dialog))
        dialog.open()
        return dialog

    def _answered(self, dialog: RecoveryDialog) -> None:
        self.dialog = None
        if not dialog.chose_restore():
            log.info("restore put off: the damaged database stays in use")
            return
        request_restore(self.ctx.services.data_dir, dialog.plan)
        log.info("restore asked for: closing and starting again")
        self.window.close()  # writes pending edits, stops the sync
        if not self.relaunch():
            log.warning("not started again: the restore happens at the next start")


def install_data_safety(
    window: QMainWindow, ctx: UiContext, after: SignalInstance | None = None
) -> DataSafetyUi:
    """Backups, integrity check and save notices for the main window; the start backup
    waits for `after` (the visit list complete), if given."""
    return DataSafetyUi(window, ctx, after=after)
