"""Go › Suivi des actions and Go › Tableau de bord du territoire: the two pages of the
main window that look across visits.

`install_tracking(window, ctx, menu)` is the one hook in ui/shell/main_window.py: the
pages are built the first time they are shown (a start pays for the visit list only),
added to the window's stack, and open a visit in the workspace on request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QStackedWidget, QWidget

from fieldvisit.ui.base import shortcuts as keys
from fieldvisit.ui.base.context import UiContext

if TYPE_CHECKING:
    from fieldvisit.ui.tracking.action_tracking_page import ActionTrackingPage
    from fieldvisit.ui.tracking.dashboard_page import DashboardPage


class _Flushing(Protocol):
    def flush(self) -> None: ...


class TrackingWindow(Protocol):
    """What the two pages need of the main window (ui/shell/main_window.py), named here
    so that this module does not import the window that installs it."""

    stack: QStackedWidget

    @property
    def showing_workspace(self) -> bool: ...

    @property
    def workspace(self) -> _Flushing: ...

    def show_list(self) -> None: ...

    def open_visit(self, visit_id: str, section: str | None = None) -> None: ...

    def show_message(self, text: str) -> None: ...


class TrackingUi(QObject):
    def __init__(self, window: QMainWindow, ctx: UiContext, menu: QMenu) -> None:
        super().__init__(window)
        self.widget = window
        self.window: TrackingWindow = window  # type: ignore[assignment]  # MainWindow
        self.ctx = ctx
        self._tracking: ActionTrackingPage | None = None
        self._dashboard: DashboardPage | None = None
        self.action_tracking = QAction(self.tr("&Action tracking"), window)
        self.action_tracking.setObjectName("showActionTracking")
        self.action_tracking.setShortcuts(keys.ACTION_TRACKING.sequences())
        self.action_tracking.setStatusTip(
            self.tr("Every action of every visit: filters, late actions, bulk changes")
        )
        self.action_tracking.triggered.connect(self.show_tracking)
        self.action_dashboard = QAction(self.tr("&Territory dashboard"), window)
        self.action_dashboard.setObjectName("showDashboard")
        self.action_dashboard.setShortcuts(keys.DASHBOARD.sequences())
        self.action_dashboard.setStatusTip(
            self.tr("The communes of your territories, their visits, actions and diagnostic")
        )
        self.action_dashboard.triggered.connect(self.show_dashboard)
        for action in (self.action_tracking, self.action_dashboard):
            window.addAction(action)  # the keys work with the menu bar hidden
            menu.addAction(action)

    @property
    def tracking_page(self) -> ActionTrackingPage:
        if self._tracking is None:
            from fieldvisit.ui.tracking.action_tracking_page import ActionTrackingPage

            page = ActionTrackingPage(self.ctx, self.widget)
            page.open_visit_requested.connect(self._open_actions_of)
            page.back_requested.connect(self.window.show_list)
            self.window.stack.addWidget(page)
            self._tracking = page
        return self._tracking

    @property
    def dashboard_page(self) -> DashboardPage:
        if self._dashboard is None:
            from fieldvisit.ui.tracking.dashboard_page import DashboardPage

            page = DashboardPage(self.ctx, self.widget)
            page.open_visit_requested.connect(self.window.open_visit)
            page.back_requested.connect(self.window.show_list)
            page.pdf_written.connect(self._pdf_written)
            self.window.stack.addWidget(page)
            self._dashboard = page
        return self._dashboard

    def show_tracking(self) -> ActionTrackingPage:
        page = self.tracking_page
        self._show(page)
        page.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return page

    def show_dashboard(self) -> DashboardPage:
        page = self.dashboard_page
        self._show(page)
        page.communes.setFocus(Qt.FocusReason.OtherFocusReason)
        return page

    def _show(self, page: QWidget) -> None:
        window = self.window
        if window.showing_workspace:
            window.workspace.flush()  # pending edits first: the page reads them
        window.stack.setCurrentWidget(page)
        self.widget.setWindowTitle("fieldvisit")

    def _open_actions_of(self, visit_id: str) -> None:
        self.window.open_visit(visit_id, section="actions")

    def _pdf_written(self, path: str) -> None:
        self.window.show_message(self.tr("Dashboard saved: %1").replace("%1", path))


def install_tracking(window: QMainWindow, ctx: UiContext, menu: QMenu) -> TrackingUi:
    return TrackingUi(window, ctx, menu)
