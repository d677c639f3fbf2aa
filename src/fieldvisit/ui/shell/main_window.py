"""The main window: the visit list and the visit workspace, menus, status bar.

Closing the window writes every pending edit (the workspace's autosaves), waits for
the worker to finish them and remembers the geometry and the open visit: there is no
"save changes?" question, ever.

The visit list follows the one change signal (ui/base/changes.py): a change to what its rows
show (a visit's facts, its progress) reloads it at once if it is shown, else when it is
shown again; changes made by the list itself (a follow-up, the demonstration data) it
shows already.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from fieldvisit.logs import current_log_file
from fieldvisit.services.listing import LIST_SHOWS
from fieldvisit.store.changes import Changes
from fieldvisit.ui.base import shortcuts as keys
from fieldvisit.ui.base.changes import made_by
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.icons import app_icon, icon
from fieldvisit.ui.dialogs.passphrase import passphrase_action
from fieldvisit.ui.shell.data_safety import install_data_safety
from fieldvisit.ui.shell.exports_ui import install_exports
from fieldvisit.ui.sync.sync_ui import install_sync
from fieldvisit.ui.tracking.tracking_ui import install_tracking
from fieldvisit.ui.visits.visit_list import VisitListPage

# What the first window does not show is imported when first used (the workspace, the
# new-visit and preferences dialogs, the visit use cases and their ORM models): a start
# pays for the visit list only (benchmarks/bench_ui_start.py).
if TYPE_CHECKING:
    from fieldvisit.store.models import Visit
    from fieldvisit.ui.dialogs.new_visit_dialog import NewVisitDialog
    from fieldvisit.ui.dialogs.preferences import PreferencesDialog
    from fieldvisit.ui.dialogs.public_data_import import PublicDataImport
    from fieldvisit.ui.workspace.workspace import VisitWorkspace

log = logging.getLogger(__name__)

GEOMETRY_KEY = "mainwindow/geometry"
STATE_KEY = "mainwindow/state"
LAST_VISIT_KEY = "mainwindow/last_visit"
BUSY_DELAY_MS = 300  # quick autosaves do not make the busy indicator flicker
#: the first start's size, frame included it fits a 1366×768 laptop screen: 768 less a
#: taskbar (~40 px) and a title bar (~30 px) leaves about 700 px
DEFAULT_SIZE = (1280, 680)


class MainWindow(QMainWindow):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.setWindowTitle("fieldvisit")
        self.setWindowIcon(app_icon())
        self._dialog: QWidget | None = None
        self._list_stale = False

        self.visit_list = VisitListPage(ctx, self)
        self._workspace: VisitWorkspace | None = None  # built when first needed
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.visit_list)
        self.setCentralWidget(self.stack)

        self._build_status_bar()
        self.visit_list.visits_counted.connect(self._visits_counted)
        self.visit_list.visits_loaded.connect(self._warm_up)
        self.visit_list.status_message.connect(self.show_message)
        ctx.worker.busy_changed.connect(self._busy_changed)
        # The first rows are read on the worker while the rest of the window is built.
        self.visit_list.reload()

        self._build_actions()
        self._build_menus()
        # Sync (menu, toolbar, status) and data safety (backups, integrity, saves that
        # wait): the first round and the start backup once shown and every visit listed.
        listed = None if self.visit_list.fully_loaded else self.visit_list.visits_loaded
        self.sync = install_sync(self, ctx, after=listed)
        self.safety = install_data_safety(self, ctx, after=listed)

        self.visit_list.open_visit_requested.connect(self.open_visit)
        self.visit_list.new_visit_requested.connect(self.new_visit)
        self.visit_list.visit_planned.connect(self._visit_created)
        self.visit_list.current_visit_changed.connect(self._update_actions)
        ctx.changes.changed.connect(self._on_changes)

        self._restore_settings()
        self._update_actions()

    # -- building --------------------------------------------------------------------

    def _action(
        self,
        text: str,
        handler: object,
        shortcuts: list[QKeySequence] | None = None,
        icon_name: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcuts:
            action.setShortcuts(shortcuts)
        action.triggered.connect(handler)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def _build_actions(self) -> None:
        self.action_new_visit = self._action(
            self.tr("&New visit…"), self.new_visit, keys.NEW_VISIT.sequences(), "new-visit"
        )
        self.action_follow_up = self._action(
            self.tr("&Follow-up visit"), self.follow_up, None, "follow-up"
        )
        self.action_follow_up.setStatusTip(
            self.tr(
                "Plan a follow-up of the open or selected visit (its date, author and "
                "participants are asked first)."
            )
        )
        self.action_demo = self._action(
            self.tr("Load the &demonstration data"), self.load_demo, None, "demo"
        )
        self.action_import_public_data = self._action(
            self.tr("&Import public data…"), self.import_public_data, None
        )
        self.action_import_public_data.setStatusTip(
            self.tr(
                "Import the files published on data.gouv.fr: recorded crime (SSMSI), "
                "Petites Villes de demain, France Ruralités Revitalisation, gendarmerie units."
            )
        )
        self.action_preferences = self._action(
            self.tr("&Preferences…"),
            self.show_preferences,
            keys.PREFERENCES.sequences(),
            "preferences",
        )
        self.action_quit = self._action(self.tr("&Quit"), self.close, keys.QUIT.sequences(), "quit")

        self.action_search = self._action(
            self.tr("&Search"), self.focus_search, keys.SEARCH.sequences(), "search"
        )
        self.action_next_section = self._action(
            self.tr("Ne&xt section"), self._next_section, keys.NEXT_SECTION.sequences()
        )
        self.action_previous_section = self._action(
            self.tr("P&revious section"), self._previous_section, keys.PREVIOUS_SECTION.sequences()
        )
        self.action_next_required = self._action(
            self.tr("Next &unanswered required item"),
            self._next_unanswered_required,
            keys.NEXT_REQUIRED.sequences(),
        )
        self.action_back = self._action(
            self.tr("&Back to the visit list"),
            self.show_list,
            keys.BACK.sequences(),
            "back",
        )
        self.action_shortcuts = self._action(
            self.tr("&Keyboard shortcuts"), self.show_shortcuts, keys.HELP.sequences()
        )
        self.action_about = self._action(
            self.tr("&About fieldvisit"), self.show_about, None, "about"
        )

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.action_new_visit)
        file_menu.addAction(self.action_follow_up)
        file_menu.addSeparator()
        file_menu.addAction(self.action_demo)
        file_menu.addAction(self.action_import_public_data)
        file_menu.addSeparator()
        self.exports = install_exports(self, self.ctx, file_menu)  # ui/shell/exports_ui.py
        file_menu.addSeparator()
        file_menu.addAction(self.action_preferences)
        file_menu.addAction(passphrase_action(self, self.ctx))  # ui/dialogs/passphrase.py
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        go_menu = bar.addMenu(self.tr("&Go"))
        go_menu.addAction(self.action_search)
        go_menu.addSeparator()
        self.tracking = install_tracking(self, self.ctx, go_menu)  # ui/tracking/tracking_ui.py
        go_menu.addSeparator()
        go_menu.addAction(self.action_next_section)
        go_menu.addAction(self.action_previous_section)
        go_menu.addAction(self.action_next_required)
        go_menu.addSeparator()
        go_menu.addAction(self.action_back)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.action_shortcuts)
        help_menu.addAction(self.action_about)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.data_dir_label = QLabel(
            self.tr("Data: {0}").format(self.ctx.services.data_dir.root), self
        )
        self.data_dir_label.setObjectName("dataDirLabel")
        self.data_dir_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.visit_count_label = QLabel(self)
        self.visit_count_label.setObjectName("visitCountLabel")
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setObjectName("busyIndicator")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setMaximumHeight(14)
        self.busy_bar.setAccessibleName(self.tr("Working…"))
        self.busy_bar.setToolTip(self.tr("Saving or loading…"))
        self.busy_bar.hide()
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._show_busy)
        status.addWidget(self.data_dir_label, 1)
        status.addPermanentWidget(self.busy_bar)
        status.addPermanentWidget(self.visit_count_label)

    # -- pages -----------------------------------------------------------------------

    @property
    def workspace(self) -> VisitWorkspace:
        """The visit workspace, built the first time it is needed: a start on the visit
        list does not pay for its seven pages (benchmarks/bench_ui_start.py)."""
        if self._workspace is None:
            from fieldvisit.ui.workspace.workspace import VisitWorkspace

            workspace = VisitWorkspace(self.ctx, self)
            self.stack.addWidget(workspace)
            workspace.back_requested.connect(self.show_list)
            workspace.visit_opened.connect(self._visit_opened)
            self._workspace = workspace
        return self._workspace

    @property
    def showing_workspace(self) -> bool:
        return self._workspace is not None and self.stack.currentWidget() is self._workspace

    def _next_section(self) -> None:
        if self.showing_workspace:
            self.workspace.next_section()

    def _previous_section(self) -> None:
        if self.showing_workspace:
            self.workspace.previous_section()

    def _next_unanswered_required(self) -> None:
        if self.showing_workspace:
            self.workspace.next_unanswered_required()

    def open_visit(self, visit_id: str, section: str | None = None) -> None:
        """Show a visit in the workspace (remembered for the next start), on `section`
        or else on the section last shown."""
        self.stack.setCurrentWidget(self.workspace)
        if section is not None:
            self.workspace.show_section(section)
        self.workspace.open_visit(visit_id)  # the workspace then says visit_opened
        focus = QApplication.focusWidget()
        if focus is None or not self.workspace.isAncestorOf(focus):
            # The list's widget that had it is hidden now: without this, Tab would go
            # nowhere after a visit is opened from a dialog (new visit, follow-up).
            self.workspace.sections.setFocus(Qt.FocusReason.OtherFocusReason)

    def _visit_opened(self, visit_id: str) -> None:
        """The workspace shows a visit, opened from here or from inside it (the link to
        a follow-up's previous visit): remember it, title the window with its commune."""
        from fieldvisit.services import visits

        self.ctx.settings.setValue(LAST_VISIT_KEY, visit_id)
        self.ctx.run(
            self.ctx.call(visits.get_visit, visit_id),
            on_success=self._show_visit_title,
            on_failure=self._ignore_failure,
            parent=self,
        )
        self._update_actions()

    def _show_visit_title(self, visit: Visit) -> None:
        if self.showing_workspace and self.workspace.visit_id == visit.id:
            self.setWindowTitle(
                self.tr("{0} ({1}) — fieldvisit").format(visit.commune_name, visit.departement)
            )

    def show_list(self) -> None:
        """Back to the visit list; pending edits of the visit are written first."""
        if self.showing_workspace:
            self.workspace.flush()
            if self.workspace.visit_id:
                self.visit_list.select_visit(self.workspace.visit_id)  # kept across reloads
        self.stack.setCurrentWidget(self.visit_list)
        self.setWindowTitle("fieldvisit")
        self.ctx.settings.setValue(LAST_VISIT_KEY, "")
        if self._list_stale:
            self._list_stale = False
            self.visit_list.reload()
        self.visit_list.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_actions()

    def _on_changes(self, changes: Changes, origin: object) -> None:
        """Something the visit list shows changed (ui/base/changes.py)."""
        if not changes.touches(None, LIST_SHOWS) or made_by(self.visit_list, origin):
            return
        if self.stack.currentWidget() is self.visit_list:
            self.visit_list.reload()
        else:
            self._list_stale = True

    def _update_actions(self) -> None:
        in_workspace = self.showing_workspace
        for action in (
            self.action_next_section,
            self.action_previous_section,
            self.action_next_required,
            self.action_back,
        ):
            action.setEnabled(in_workspace)
        self.action_follow_up.setEnabled(in_workspace or bool(self.visit_list.selected_visit_id()))

    # -- commands --------------------------------------------------------------------

    def new_visit(self) -> NewVisitDialog:
        from fieldvisit.ui.dialogs.new_visit_dialog import NewVisitDialog

        dialog = NewVisitDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.visit_created.connect(self._visit_created)
        self._dialog = dialog
        dialog.open()
        return dialog

    def _visit_created(self, visit_id: str) -> None:
        """A visit just planned (new or follow-up) opens on Informations."""
        self.visit_list.reload()
        self.open_visit(visit_id, section="info")

    def follow_up(self) -> None:
        if self.showing_workspace and self.workspace.visit_id:
            self.workspace.flush()
            self.visit_list.create_follow_up(self.workspace.visit_id)
        else:
            self.visit_list.follow_up_selected()

    def load_demo(self) -> None:
        if self.showing_workspace:
            self.show_list()
        self.visit_list.load_demo()

    def import_public_data(self) -> PublicDataImport:
        """Choose published files and import them (ui/dialogs/public_data_import.py)."""
        from fieldvisit.ui.dialogs.public_data_import import PublicDataImport

        importer = PublicDataImport(self.ctx, self)
        importer.imported.connect(self._public_data_imported)
        importer.finished.connect(importer.deleteLater)
        self.public_data_import = importer
        importer.choose()
        return importer

    def _public_data_imported(self) -> None:
        if self._workspace is not None:
            self._workspace.public_data_changed()

    def focus_search(self) -> None:
        if self.showing_workspace:
            self.show_list()
        self.visit_list.focus_search()

    def show_preferences(self) -> PreferencesDialog:
        from fieldvisit.ui.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.ctx.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._preferences_saved)
        self._dialog = dialog
        dialog.open()
        return dialog

    def _preferences_saved(self) -> None:
        from fieldvisit.ui.dialogs.preferences import PreferencesDialog

        dialog = self._dialog
        if isinstance(dialog, PreferencesDialog) and dialog.language_changed:
            self.show_message(
                self.tr("Preferences saved: the new language applies at the next start.")
            )
        else:
            self.show_message(self.tr("Preferences saved."))

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 5000)

    def _info_box(self, title: str, text: str, name: str) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.NoIcon, title, text, QMessageBox.StandardButton.Close, self
        )
        box.setObjectName(name)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialog = box
        box.open()
        return box

    def show_about(self) -> QDialog:
        from fieldvisit.ui.dialogs.about_dialog import AboutDialog  # built when asked: faster start

        dialog = AboutDialog(self.ctx.services.data_dir.root, current_log_file(), self)
        self._dialog = dialog
        dialog.open()
        return dialog

    def show_shortcuts(self) -> QMessageBox:
        """Every shortcut of the app, from the one list they are bound from."""
        return self._info_box(self.tr("Keyboard shortcuts"), keys.help_html(), "shortcutsBox")

    # -- status ----------------------------------------------------------------------

    def _visits_counted(self, count: int) -> None:
        self.visit_count_label.setText(self.tr("%n visit(s)", "", count))

    def _warm_up(self, _count: int) -> None:
        """Once the list is complete, load what opening a visit needs (the forms and the
        ORM models) on the worker, so that the first visit opens as fast as the next."""
        self.visit_list.visits_loaded.disconnect(self._warm_up)
        self.ctx.run(self.ctx.services.warm_up, on_failure=self._ignore_failure, parent=self)

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy_bar.hide()

    def _show_busy(self) -> None:
        if self.ctx.worker.busy:
            self.busy_bar.show()

    def _ignore_failure(self, err: BaseException) -> None:
        log.info("ignored: %s", err)

    # -- settings --------------------------------------------------------------------

    @property
    def settings(self) -> QSettings:
        return self.ctx.settings

    def _restore_settings(self) -> None:
        geometry = self.settings.value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(*DEFAULT_SIZE)
        state = self.settings.value(STATE_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        last_visit = self.settings.value(LAST_VISIT_KEY, "")
        if last_visit:
            from fieldvisit.services import visits

            self.ctx.run(
                self.ctx.call(visits.get_visit, str(last_visit)),
                on_success=self._reopen_last_visit,
                on_failure=self._last_visit_gone,
                parent=self,
            )

    def _reopen_last_visit(self, visit: Visit) -> None:
        if not self.showing_workspace:
            self.open_visit(visit.id)

    def _last_visit_gone(self, err: BaseException) -> None:
        log.info("last visit not reopened: %s", err)
        self.settings.setValue(LAST_VISIT_KEY, "")

    def save_settings(self) -> None:
        self.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.settings.setValue(STATE_KEY, self.saveState())
        last = self.workspace.visit_id if self.showing_workspace else ""
        self.settings.setValue(LAST_VISIT_KEY, last or "")
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Write what is pending, wait for it, remember the window: no question asked."""
        if self._workspace is not None:
            self._workspace.flush()
        self.ctx.worker.wait_idle()
        self.save_settings()
        event.accept()
