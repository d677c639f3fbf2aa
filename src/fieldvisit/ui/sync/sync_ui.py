"""Sync in the main window: the "Synchronisation" menu and toolbar, the status bar part,
the server settings dialog and the conflict view, around one `SyncController`.

The « Modifications refusées… » view (ui/sync/refused_view.py) lists what the server refused
for good and what was set aside; « Corriger » opens the record in its section.

`install_sync(window, ctx, after=…)` is the only hook in ui/shell/main_window.py. The
controller (and the sync modules: httpx, pydantic) is created only once the window is
shown and the visit list holds every visit, so a start is not slowed down; it stops when
the window closes, without waiting on the network (see `SyncController.stop`).

A round that changed local data announces the visits it changed on the one change
signal (ui/base/changes.py), like any other operation: the visit list and the open visit
refresh from it as they do after an edit (pending edits are written first, and the page
being typed in reloads only once the focus leaves it). A resolved conflict or a refused
change set right is an operation of the app: it reports its changes itself.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QToolBar

from fieldvisit.store.changes import Changes
from fieldvisit.ui.base import shortcuts as keys
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.icons import icon
from fieldvisit.ui.sync.sync_controller import SyncController, SyncPhase, SyncUiState
from fieldvisit.ui.sync.sync_status import SyncStatusWidget

if TYPE_CHECKING:
    from collections.abc import Callable

    from fieldvisit.sync.engine import SyncReport
    from fieldvisit.sync.status import SyncStatus
    from fieldvisit.ui.sync.conflicts_view import ConflictsDialog
    from fieldvisit.ui.sync.refused_view import RefusedDialog
    from fieldvisit.ui.sync.server_dialog import ServerDialog

log = logging.getLogger(__name__)

#: After the window is shown and its visit list is complete (`install_sync`'s `after`):
#: the first round's thread imports the sync modules (the ORM, pydantic, httpx), which
#: would otherwise share Python's lock, and the peak of memory, with the worker reading
#: every visit (docs/PERFORMANCE.md, "Desktop app").
START_DELAY_MS = 500
#: The first round waits for the visit list at most this long after the show (a list
#: that could not be read must not keep the laptop from syncing).
READY_AT_THE_LATEST_MS = 30_000
STATUS_REFRESH_MS = 1500  # pending count after local edits, at most this often


class SyncUi(QObject):
    """Owns the sync actions, the status widget and the controller of one main window."""

    def __init__(
        self, window: QMainWindow, ctx: UiContext, after: SignalInstance | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self._shown = False
        self._ready = after is None  # what the first round waits for, besides the show
        if after is not None:
            after.connect(self._now_ready)
        self.controller: SyncController | None = None
        self.server_dialog: ServerDialog | None = None
        self.conflicts_dialog: ConflictsDialog | None = None
        self.refused_dialog: RefusedDialog | None = None
        self._closed = False
        self._refreshing = False
        self._asked = False  # the person pressed "Synchroniser": a missing session is shown
        self.after_round: Callable[[SyncReport], None] | None = None  # ui/shell/data_safety.py
        self._build_actions()
        self._build_menu_and_toolbar()
        self.status = SyncStatusWidget(window)
        self.status.state_clicked.connect(self._state_clicked)
        self.status.conflicts_clicked.connect(self.show_conflicts)
        self.status.refused_clicked.connect(self.show_refused)
        window.statusBar().addPermanentWidget(self.status)

        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.setInterval(START_DELAY_MS)
        self._start_timer.timeout.connect(self.start)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        ctx.worker.busy_changed.connect(self._worker_busy_changed)
        window.installEventFilter(self)

    # --- building ----------------------------------------------------------------------

    def _build_actions(self) -> None:
        window = self.window
        self.action_sync = QAction(icon("sync"), self.tr("&Sync now"), window)
        self.action_sync.setObjectName("actionSync")
        self.action_sync.setShortcuts(keys.SYNC.sequences())
        self.action_sync.setStatusTip(
            self.tr("Exchange your changes with the server now (Ctrl+Shift+S or F5).")
        )
        self.action_sync.triggered.connect(self.sync_now)
        self.action_conflicts = QAction(icon("sync-conflict"), self.tr("Sync &conflicts…"), window)
        self.action_conflicts.setObjectName("actionSyncConflicts")
        self.action_conflicts.triggered.connect(self.show_conflicts)
        self.action_refused = QAction(icon("sync-conflict"), self.tr("&Refused changes…"), window)
        self.action_refused.setObjectName("actionSyncRefused")
        self.action_refused.triggered.connect(self.show_refused)
        self.action_server = QAction(icon("server"), self.tr("Server and &account…"), window)
        self.action_server.setObjectName("actionSyncServer")
        self.action_server.triggered.connect(self.show_server_dialog)
        for action in (
            self.action_sync,
            self.action_conflicts,
            self.action_refused,
            self.action_server,
        ):
            window.addAction(action)  # shortcuts work even with the menu bar hidden

    def _build_menu_and_toolbar(self) -> None:
        bar = self.window.menuBar()
        self.menu = bar.addMenu(self.tr("S&ync"))
        self.menu.setObjectName("syncMenu")
        self.menu.addAction(self.action_sync)
        self.menu.addAction(self.action_conflicts)
        self.menu.addAction(self.action_refused)
        self.menu.addSeparator()
        self.menu.addAction(self.action_server)
        menus = [action for action in bar.actions() if action.menu() is not None]
        if len(menus) >= 2:  # before "Aide": Help stays last
            bar.removeAction(self.menu.menuAction())
            bar.insertAction(menus[-2], self.menu.menuAction())
        self.toolbar = QToolBar(self.tr("Sync"), self.window)
        self.toolbar.setObjectName("syncToolBar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addAction(self.action_sync)
        self.window.addToolBar(self.toolbar)

    # --- life cycle --------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window:
            if event.type() == QEvent.Type.Show and self.controller is None:
                if not self._shown and not self._ready:
                    QTimer.singleShot(READY_AT_THE_LATEST_MS, self, self._now_ready)
                self._shown = True
                self._arm_start()
            elif event.type() == QEvent.Type.Close:
                self.stop()
        return False

    def _now_ready(self, *_: object) -> None:
        if not self._ready:
            self._ready = True
            self._arm_start()

    def _arm_start(self) -> None:
        waiting = self.controller is None and not self._closed
        if self._shown and self._ready and waiting and not self._start_timer.isActive():
            self._start_timer.start()

    def start(self) -> None:
        """Create the controller and start syncing (at start, then every few minutes)."""
        if self._closed or self.controller is not None:
            return
        self.controller = SyncController(self.ctx.services, parent=self)
        self.controller.after_round = self.after_round
        self.controller.state_changed.connect(self._state_changed)
        self.controller.progress_changed.connect(self.status.show_progress)
        self.controller.start()

    def stop(self) -> None:
        """The window closes: no new round; a running one stops at its next safe point."""
        self._closed = True
        self._start_timer.stop()
        self._status_timer.stop()
        if self.controller is not None:
            self.controller.stop()

    # --- commands ----------------------------------------------------------------------

    def sync_now(self) -> None:
        """« Synchroniser »: a round now; without a session, the settings dialog opens."""
        self._asked = True
        if self.controller is None:
            self.start()  # the first round is the one asked for
        elif not self.controller.sync_now():
            self.window.statusBar().showMessage(self.tr("A sync is already running."), 3000)

    def _state_clicked(self) -> None:
        if self.status.phase in (SyncPhase.UNCONFIGURED, SyncPhase.SIGNED_OUT):
            self.show_server_dialog()
        else:
            self.sync_now()

    def show_server_dialog(self) -> ServerDialog:
        from fieldvisit.ui.sync.server_dialog import ServerDialog

        if self.server_dialog is not None:
            self.server_dialog.raise_()
            self.server_dialog.activateWindow()
            return self.server_dialog
        dialog = ServerDialog(self.ctx.services, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.signed_in.connect(self._signed_in)
        dialog.signed_out.connect(self._signed_out)
        dialog.account_cleared.connect(self._account_cleared)
        dialog.destroyed.connect(self._server_dialog_closed)
        self.server_dialog = dialog
        dialog.open()
        return dialog

    def _server_dialog_closed(self) -> None:
        self.server_dialog = None

    def _signed_in(self, _username: str, _server_url: str) -> None:
        self.sync_now()

    def _account_cleared(self) -> None:
        """The previous account's data left this data dir: nothing of it stays shown."""
        show_list = getattr(self.window, "show_list", None)
        if show_list is not None and getattr(self.window, "showing_workspace", False):
            show_list()
        self.ctx.changes.announce(Changes.everything())
        self.refresh_status()

    def _signed_out(self) -> None:
        if self.controller is not None:
            self.controller.sync_now()  # reads as "non connecté"
        else:
            self.refresh_status()

    def show_conflicts(self) -> ConflictsDialog:
        from fieldvisit.ui.sync.conflicts_view import ConflictsDialog

        if self.conflicts_dialog is not None:
            self.conflicts_dialog.raise_()
            self.conflicts_dialog.activateWindow()
            return self.conflicts_dialog
        dialog = ConflictsDialog(self.ctx, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.conflict_resolved.connect(self._conflict_resolved)
        dialog.destroyed.connect(self._conflicts_dialog_closed)
        self.conflicts_dialog = dialog
        dialog.open()
        return dialog

    def show_refused(self) -> RefusedDialog:
        from fieldvisit.ui.sync.refused_view import RefusedDialog

        if self.refused_dialog is not None:
            self.refused_dialog.raise_()
            self.refused_dialog.activateWindow()
            return self.refused_dialog
        dialog = RefusedDialog(self.ctx, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self._conflict_resolved)
        dialog.record_requested.connect(self.open_record)
        dialog.destroyed.connect(self._refused_dialog_closed)
        self.refused_dialog = dialog
        dialog.open()
        return dialog

    def _refused_dialog_closed(self) -> None:
        self.refused_dialog = None
        self.refresh_status()

    def open_record(self, visit_id: str, section: str) -> None:
        """Show a refused record where it is edited (its visit, the right section)."""
        open_visit = getattr(self.window, "open_visit", None)
        if open_visit is None:
            return
        open_visit(visit_id)
        workspace = getattr(self.window, "workspace", None)
        if workspace is not None and section:
            workspace.show_section(section)
        if self.refused_dialog is not None:
            self.refused_dialog.close()

    def _conflicts_dialog_closed(self) -> None:
        self.conflicts_dialog = None
        self.refresh_status()  # a choice still being saved at close shows up too

    def _conflict_resolved(self, _visit_id: str) -> None:
        self.refresh_status()  # the records it changed: by the change signal

    # --- state -------------------------------------------------------------------------

    def _state_changed(self, state: SyncUiState) -> None:
        self.status.show_state(state)
        if state.phase != SyncPhase.SYNCING:
            asked, self._asked = self._asked, False
            if asked and state.phase in (SyncPhase.UNCONFIGURED, SyncPhase.SIGNED_OUT):
                self.show_server_dialog()
        if state.status is not None:
            self._show_conflict_count(state.status.conflicts)
        if state.report is not None and state.report.server_restored:
            # Said once, in full, where the person looks: the server went back in time.
            self.window.statusBar().showMessage(state.report.notices[0], 30_000)
        if state.changed_data and state.report is not None:
            self.ctx.changes.announce(changes_of_round(state.report))
            if self.conflicts_dialog is not None:
                self.conflicts_dialog.reload()
        if state.report is not None and self.refused_dialog is not None:
            self.refused_dialog.reload()

    def refresh_status(self) -> None:
        """Fresh pending and conflict counts, read on the database worker."""
        if self._closed:
            return
        from fieldvisit.sync.status import sync_status

        self._refreshing = True
        self.ctx.run(
            self.ctx.call(sync_status),
            self._status_read,
            self.window,
            on_failure=self._status_unreadable,
        )

    def _status_read(self, status: SyncStatus) -> None:
        self._refreshing = False
        self.status.show_status(status)
        self._show_conflict_count(status.conflicts)

    def _status_unreadable(self, err: BaseException) -> None:
        self._refreshing = False
        log.info("sync status not read: %s", err)

    def _show_conflict_count(self, count: int) -> None:
        if count:
            self.action_conflicts.setText(self.tr("Sync &conflicts (%n)…", "", count))
        else:
            self.action_conflicts.setText(self.tr("Sync &conflicts…"))

    def _worker_busy_changed(self, busy: bool) -> None:
        # Local edits were saved: the pending count changed (only once sync is running;
        # not after our own reading of it, which would poll for ever).
        if busy or self._refreshing or self.controller is None or self._closed:
            return
        self._status_timer.start()


def changes_of_round(report: SyncReport) -> Changes:
    """What a round changed here: anything of the visits it brought records of (a new
    visit, one deleted: the list's rows too)."""
    return Changes.whole_visits(report.changed_visits)


def install_sync(
    window: QMainWindow, ctx: UiContext, after: SignalInstance | None = None
) -> SyncUi:
    """Add sync to the main window (menu, toolbar, status bar); it starts once shown and
    `after` has been emitted (the visit list complete), if given."""
    return SyncUi(window, ctx, after)
