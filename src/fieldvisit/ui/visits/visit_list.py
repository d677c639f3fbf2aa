"""The visit list page: search as you type, filters, the table, and the first-start welcome.

Rows are loaded from the database on the worker (`reload()`, whenever the data
changed); searching and filtering then work on the rows in memory (see
visit_list_model.py). On an empty data dir the page shows a welcome with two big
buttons: "Nouvelle visite" and "Charger des données de démonstration".

The first load shows the newest visits first (`listing.FIRST_PAGE` of them, a few
milliseconds to read) and reads the others once that first page has been painted,
so a start with 10,000 visits shows its list at once; until they are all there a
line under the table says so, and searching covers the visits already shown.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.dates import day_text
from fieldvisit.core.domain import VisitStatus
from fieldvisit.services import listing
from fieldvisit.services.listing import VisitFilter, VisitPage, VisitSummary
from fieldvisit.ui.base import shortcuts as keys
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import show_error
from fieldvisit.ui.base.icons import app_icon, icon
from fieldvisit.ui.visits.visit_list_model import (
    VISIT_ID_ROLE,
    Column,
    ProgressDelegate,
    VisitListModel,
)

if TYPE_CHECKING:
    from fieldvisit.ui.dialogs.follow_up_dialog import FollowUpDialog

log = logging.getLogger(__name__)

# Called as translate("VisitListPage", "…") so that pyside6-lupdate finds the strings
# under the page's context, as its own self.tr() calls.
translate = QCoreApplication.translate


class _PaintWatcher(QObject):
    """Calls back when the widget it watches has been painted."""

    def __init__(self, painted: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._painted = painted

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            # After the paint itself (the callback removes this filter); dropped if
            # the page goes away meanwhile.
            QTimer.singleShot(0, self, self._painted)
        return False


class WelcomePage(QWidget):
    """What a first start on an empty data dir shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.title = QLabel(self.tr("Welcome to fieldvisit"), self)
        self.title.setObjectName("welcomeTitle")
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.8)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)

        explanation = QLabel(
            self.tr(
                "Prepare and record your field visits on everyday security: checklist, "
                "interviews, diagnostic and action plan, even without a network."
            ),
            self,
        )
        explanation.setWordWrap(True)
        explanation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        explanation.setMaximumWidth(560)
        explanation_row = QHBoxLayout()
        explanation_row.addStretch(1)
        explanation_row.addWidget(explanation, 4)
        explanation_row.addStretch(1)

        self.new_visit_button = self._big_button(self.tr("New visit"), "new-visit")
        self.new_visit_button.setObjectName("welcomeNewVisit")
        self.demo_button = self._big_button(self.tr("Load demonstration data"), "demo")
        self.demo_button.setObjectName("welcomeDemo")
        self.demo_button.setToolTip(
            self.tr("Adds a few realistic visits of Petites Villes de demain to try the app.")
        )

        self.progress = QProgressBar(self)
        self.progress.setObjectName("demoProgress")
        self.progress.setRange(0, 0)  # busy: the demo seeding gives no steps
        self.progress.setAccessibleName(self.tr("Loading the demonstration data"))
        self.progress.setMaximumWidth(420)
        self.progress.hide()
        self.progress_label = QLabel(self.tr("Loading the demonstration data…"), self)
        self.progress_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress_label.hide()

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_visit_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(logo)
        layout.addSpacing(12)
        layout.addWidget(self.title)
        layout.addLayout(explanation_row)
        layout.addSpacing(24)
        layout.addLayout(buttons)
        layout.addSpacing(16)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)

    def _big_button(self, text: str, icon_name: str) -> QPushButton:
        button = QPushButton(icon(icon_name), text, self)
        button.setIconSize(button.iconSize() * 2)
        button.setMinimumHeight(56)
        button.setMinimumWidth(260)
        font = button.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        button.setFont(font)
        return button

    def set_loading(self, loading: bool) -> None:
        self.progress.setVisible(loading)
        self.progress_label.setVisible(loading)
        self.new_visit_button.setEnabled(not loading)
        self.demo_button.setEnabled(not loading)


class _Filters:
    """The list's filters beside its search field: status, département, a date range
    and the button that clears them all (wired by VisitListPage._build_filters)."""

    def __init__(self, panel: QWidget) -> None:
        from fieldvisit.ui.widgets.date_edit import FrenchDateEdit

        def date_edit(value: QDate, name: str) -> QDateEdit:
            edit = FrenchDateEdit(panel, value)
            edit.setAccessibleName(name)
            edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            edit.setEnabled(False)
            return edit

        self.status_combo = QComboBox(panel)
        self.status_combo.setAccessibleName(translate("VisitListPage", "Filter by status"))
        self.status_combo.addItem(translate("VisitListPage", "All statuses"), None)
        for status in VisitStatus:
            self.status_combo.addItem(status.label, status.value)

        self.departement_combo = QComboBox(panel)
        self.departement_combo.setAccessibleName(
            translate("VisitListPage", "Filter by département")
        )
        self.departement_combo.addItem(translate("VisitListPage", "All départements"), None)

        today = QDate.currentDate()
        self.from_check = QCheckBox(translate("VisitListPage", "From"), panel)
        self.from_check.setAccessibleName(translate("VisitListPage", "Filter from a date"))
        self.from_date = date_edit(today.addMonths(-12), translate("VisitListPage", "Visits from"))
        self.to_check = QCheckBox(translate("VisitListPage", "to"), panel)
        self.to_check.setAccessibleName(translate("VisitListPage", "Filter up to a date"))
        self.to_date = date_edit(today, translate("VisitListPage", "Visits up to"))
        for check, edit in ((self.from_check, self.from_date), (self.to_check, self.to_date)):
            check.toggled.connect(edit.setEnabled)

        self.clear_button = QPushButton(translate("VisitListPage", "Clear filters"), panel)

    def widgets(self) -> list[QWidget]:
        """In the row's order (which is also the tab order)."""
        return [
            self.status_combo,
            self.departement_combo,
            self.from_check,
            self.from_date,
            self.to_check,
            self.to_date,
            self.clear_button,
        ]


class VisitListPage(QWidget):
    #: open this visit in the workspace
    open_visit_requested = Signal(str)
    #: the person asked for the new-visit dialog
    new_visit_requested = Signal()
    #: a visit was just planned here (a follow-up): open it on its first section
    visit_planned = Signal(str)
    #: how many visits the data dir holds, known as soon as the first rows are shown
    visits_counted = Signal(int)
    #: every visit is in the list (after each reload); their number
    visits_loaded = Signal(int)
    #: the selected visit changed ("" when none)
    current_visit_changed = Signal(str)
    #: a short message for the status bar
    status_message = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("visitListPage")
        self._generation = 0
        self._loaded_once = False
        self._rest_pending = 0  # generation whose other visits wait for a first paint
        self._paint_watcher = _PaintWatcher(self._first_page_painted, self)
        self._demo_running = False
        self._confirm_box: QMessageBox | None = None
        self.follow_up_dialog: FollowUpDialog | None = None
        self._confirm_delete: tuple[QAbstractButton, str] | None = None

        self.model = VisitListModel(self)
        self.welcome = WelcomePage(self)
        self.welcome.new_visit_button.clicked.connect(self.new_visit_requested)
        self.welcome.demo_button.clicked.connect(self.load_demo)

        self.stack = QStackedWidget(self)
        self.list_panel = self._build_list_panel()
        self.stack.addWidget(self.list_panel)
        self.stack.addWidget(self.welcome)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._update_actions()

    # -- building --------------------------------------------------------------------

    def _build_list_panel(self) -> QWidget:
        panel = QWidget(self)
        self.search_edit = QLineEdit(panel)
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText(self.tr("Search a commune, an INSEE code, an author…"))
        self.search_edit.setAccessibleName(self.tr("Search visits"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search_edit.textChanged.connect(self.apply_filters)
        self.search_edit.returnPressed.connect(self._search_return_pressed)

        # The other filters (status, département, dates) are built once the first rows
        # are painted (`_build_filters`): a start shows its list before them.
        self._filters: _Filters | None = None
        self._filters_watcher = _PaintWatcher(self._filters_painted, self)
        self._filter_row = QHBoxLayout()
        self._filter_row.addWidget(self.search_edit, 3)

        self.table = QTableView(panel)
        self.table.setObjectName("visitTable")
        self.table.setAccessibleName(self.tr("Visits"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.DATE, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.COMMUNE, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        widths = {
            Column.DEPARTEMENT: 110,
            Column.DATE: 110,
            Column.TYPE: 130,
            Column.STATUS: 120,
            Column.AUTHOR: 200,
            Column.PROGRESS: 130,
        }
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._row_activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._update_actions)

        self.no_match_label = QLabel(self.tr("No visit matches the search and filters."), panel)
        self.no_match_label.setObjectName("noMatchLabel")
        self.no_match_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match_label.hide()

        self.open_action = QAction(icon("open"), self.tr("Open"), self)
        self.open_action.triggered.connect(self.open_selected)
        self.follow_up_action = QAction(icon("follow-up"), self.tr("Follow-up visit"), self)
        self.follow_up_action.setToolTip(
            self.tr("Plan a follow-up visit of this commune, with its open recommendations.")
        )
        self.follow_up_action.triggered.connect(self.follow_up_selected)
        self.delete_action = QAction(icon("delete"), self.tr("Delete…"), self)
        self.delete_action.setShortcuts(keys.DELETE.sequences())
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.table.addAction(self.delete_action)

        self.new_visit_button = QPushButton(icon("new-visit"), self.tr("New visit"), panel)
        self.new_visit_button.setObjectName("newVisitButton")
        self.new_visit_button.clicked.connect(self.new_visit_requested)
        self.open_button = self._action_button(self.open_action, panel)
        self.follow_up_button = self._action_button(self.follow_up_action, panel)
        self.delete_button = self._action_button(self.delete_action, panel)
        self.count_label = QLabel(panel)
        self.count_label.setObjectName("countLabel")
        self.loading_label = QLabel(panel)
        self.loading_label.setObjectName("loadingLabel")
        self.loading_label.hide()

        actions = QHBoxLayout()
        actions.addWidget(self.new_visit_button)
        actions.addSpacing(12)
        actions.addWidget(self.open_button)
        actions.addWidget(self.follow_up_button)
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        actions.addWidget(self.loading_label)
        actions.addWidget(self.count_label)

        layout = QVBoxLayout(panel)
        layout.addLayout(self._filter_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.no_match_label)
        layout.addLayout(actions)
        QWidget.setTabOrder(self.search_edit, self.table)
        QWidget.setTabOrder(self.table, self.new_visit_button)
        return panel

    def _filters_painted(self) -> None:
        self._stop_waiting_to_build_filters()
        self._build_filters()

    def _stop_waiting_to_build_filters(self) -> None:
        for watched in (self.table.viewport(), self.welcome):
            watched.removeEventFilter(self._filters_watcher)

    def _build_filters(self) -> _Filters:
        """The filters beside the search field, built once (after the first paint of
        the list, or when first used): two combos and two calendar date fields cost
        the start about 15 ms, and nobody filters before seeing the list."""
        if self._filters is not None:
            return self._filters
        self._stop_waiting_to_build_filters()
        panel = self.list_panel
        filters = _Filters(panel)
        self._filters = filters
        for position, widget in enumerate(filters.widgets(), start=1):
            self._filter_row.insertWidget(position, widget, 1 if position <= 2 else 0)
            widget.show()  # the layout would only show it on a later turn of the loop
        order = [self.search_edit, *filters.widgets(), self.table]
        for before, after in itertools.pairwise(order):
            QWidget.setTabOrder(before, after)
        filters.status_combo.currentIndexChanged.connect(self.apply_filters)
        filters.departement_combo.currentIndexChanged.connect(self.apply_filters)
        for check, edit in (
            (filters.from_check, filters.from_date),
            (filters.to_check, filters.to_date),
        ):
            check.toggled.connect(self.apply_filters)
            edit.dateChanged.connect(self.apply_filters)
        filters.clear_button.clicked.connect(self.clear_filters)
        self._fill_departements()
        return filters

    @property
    def status_combo(self) -> QComboBox:
        return self._build_filters().status_combo

    @property
    def departement_combo(self) -> QComboBox:
        return self._build_filters().departement_combo

    @property
    def from_check(self) -> QCheckBox:
        return self._build_filters().from_check

    @property
    def from_date(self) -> QDateEdit:
        return self._build_filters().from_date

    @property
    def to_check(self) -> QCheckBox:
        return self._build_filters().to_check

    @property
    def to_date(self) -> QDateEdit:
        return self._build_filters().to_date

    @property
    def clear_filters_button(self) -> QPushButton:
        return self._build_filters().clear_button

    def _action_button(self, action: QAction, parent: QWidget) -> QPushButton:
        button = QPushButton(action.icon(), action.text(), parent)
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        action.enabledChanged.connect(button.setEnabled)
        button.setEnabled(action.isEnabled())
        return button

    # -- loading ---------------------------------------------------------------------

    def reload(self) -> None:
        """Read the visits again from the database (on the worker).

        The very first load reads the newest visits, shows them, then reads every
        visit once they are painted; later reloads read every visit at once (the rows
        already shown stay until the new ones arrive).
        """
        self._generation += 1
        generation = self._generation
        self._stop_waiting_for_paint()
        if self._loaded_once:
            self._load_all(generation)
            return
        self.ctx.run(
            self.ctx.call(listing.first_visits),
            on_success=lambda page: self._first_page_loaded(generation, page),
            parent=self,
        )

    def _load_all(self, generation: int) -> None:
        self.ctx.run(
            self.ctx.call(listing.list_visits),
            on_success=lambda rows: self._loaded(generation, rows),
            parent=self,
        )

    def _first_page_loaded(self, generation: int, page: VisitPage) -> None:
        if generation != self._generation:
            return
        if page.complete:
            self._loaded(generation, page.rows)
            return
        self._show_rows(page.rows, page.total)
        self.loading_label.setText(
            self.tr("Showing the {0} newest visits; loading the others…").format(len(page.rows))
        )
        self.loading_label.show()
        # The other visits are read once these rows are painted: reading them earlier
        # would hold Python's lock while the table asks the model for its first cells.
        self._rest_pending = generation
        self.table.viewport().installEventFilter(self._paint_watcher)
        self.table.viewport().update()

    def _first_page_painted(self) -> None:
        generation = self._rest_pending
        self._stop_waiting_for_paint()
        if generation and generation == self._generation:
            self._load_all(generation)

    def _stop_waiting_for_paint(self) -> None:
        if self._rest_pending:
            self._rest_pending = 0
            self.table.viewport().removeEventFilter(self._paint_watcher)

    def _loaded(self, generation: int, rows: Sequence[VisitSummary]) -> None:
        if generation != self._generation:
            return  # a newer reload is on its way
        self._loaded_once = True
        self.loading_label.hide()
        self._show_rows(rows, len(rows))
        self.visits_loaded.emit(len(rows))

    def _show_rows(self, rows: Sequence[VisitSummary], total: int) -> None:
        selected = self.selected_visit_id()
        self.model.set_rows(rows)
        self._fill_departements()
        self._after_filter(selected)
        self.stack.setCurrentWidget(self.welcome if not rows else self.list_panel)
        if self._filters is None:  # once what is shown has been painted
            shown = self.table.viewport() if rows else self.welcome
            shown.installEventFilter(self._filters_watcher)
        self.visits_counted.emit(total)

    @property
    def fully_loaded(self) -> bool:
        """Every visit of the data dir is in the list (searching covers them all)."""
        return self._loaded_once

    @property
    def is_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.welcome

    def _fill_departements(self) -> None:
        if self._filters is None:
            return  # filled when they are built
        current = self.departement_combo.currentData()
        self.departement_combo.blockSignals(True)
        self.departement_combo.clear()
        self.departement_combo.addItem(self.tr("All départements"), None)
        for code in self.model.departements():
            self.departement_combo.addItem(code, code)
        index = self.departement_combo.findData(current) if current else 0
        self.departement_combo.setCurrentIndex(max(index, 0))
        self.departement_combo.blockSignals(False)
        if current and index < 0:
            self.apply_filters()

    # -- filtering -------------------------------------------------------------------

    def current_filter(self) -> VisitFilter:
        if self._filters is None:  # not built yet: only the search field filters
            return VisitFilter(text=self.search_edit.text())
        from fieldvisit.ui.widgets.date_edit import python_date

        status = self.status_combo.currentData()
        return VisitFilter(
            text=self.search_edit.text(),
            status=VisitStatus(status) if status else None,
            departement=self.departement_combo.currentData() or None,
            date_from=python_date(self.from_date.date()) if self.from_check.isChecked() else None,
            date_to=python_date(self.to_date.date()) if self.to_check.isChecked() else None,
        )

    def apply_filters(self) -> None:
        selected = self.selected_visit_id()
        self.model.set_filter(self.current_filter())
        self._after_filter(selected)

    def clear_filters(self) -> None:
        for widget in (self.search_edit, self.status_combo, self.departement_combo):
            widget.blockSignals(True)
        self.search_edit.clear()
        self.status_combo.setCurrentIndex(0)
        self.departement_combo.setCurrentIndex(0)
        for widget in (self.search_edit, self.status_combo, self.departement_combo):
            widget.blockSignals(False)
        for check in (self.from_check, self.to_check):
            check.blockSignals(True)
            check.setChecked(False)
            check.blockSignals(False)
        self.from_date.setEnabled(False)
        self.to_date.setEnabled(False)
        self.apply_filters()

    def _after_filter(self, selected: str) -> None:
        shown, total = self.model.shown_count, self.model.total_count
        if shown == total:
            self.count_label.clear()  # the status bar gives the total
        else:
            self.count_label.setText(self.tr("%n of {0} visit(s) shown", "", shown).format(total))
        self.no_match_label.setVisible(total > 0 and shown == 0)
        if selected:
            self.select_visit(selected)
        self._update_actions()

    def shown_communes(self) -> list[str]:
        """Commune names of the rows shown, top to bottom (what the person sees)."""
        return [self.model.visit_at(row).commune_name for row in range(self.model.shown_count)]

    # -- selection -------------------------------------------------------------------

    def selected_visit_id(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return ""
        return str(rows[0].data(VISIT_ID_ROLE))

    def select_visit(self, visit_id: str) -> bool:
        row = self.model.row_of(visit_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _selection_changed(self) -> None:
        self._update_actions()
        self.current_visit_changed.emit(self.selected_visit_id())

    def _update_actions(self) -> None:
        has_selection = bool(self.selected_visit_id())
        for action in (self.open_action, self.follow_up_action, self.delete_action):
            action.setEnabled(has_selection)

    def focus_search(self) -> None:
        if self.is_empty_state:
            return
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _search_return_pressed(self) -> None:
        if self.model.shown_count == 0:
            return
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.selected_visit_id():
            self.select_visit(self.model.visit_at(0).id)

    def _show_context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        self.select_visit(str(index.data(VISIT_ID_ROLE)))
        menu = QMenu(self)
        menu.addAction(self.open_action)
        menu.addAction(self.follow_up_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.popup(self.table.viewport().mapToGlobal(position))

    # -- commands --------------------------------------------------------------------

    def _row_activated(self, index: QModelIndex) -> None:
        self.open_visit_requested.emit(str(index.data(VISIT_ID_ROLE)))

    def open_selected(self) -> None:
        visit_id = self.selected_visit_id()
        if visit_id:
            self.open_visit_requested.emit(visit_id)

    def follow_up_selected(self) -> None:
        visit_id = self.selected_visit_id()
        if visit_id:
            self.create_follow_up(visit_id)
        else:
            self.status_message.emit(self.tr("Select a visit in the list first."))

    def create_follow_up(self, visit_id: str) -> FollowUpDialog:
        """Ask the follow-up's date, author and participants, then plan it and open it."""
        # Commands import their dialogs when used: a start shows the list without them.
        from fieldvisit.ui.dialogs.follow_up_dialog import FollowUpDialog

        dialog = FollowUpDialog(self.ctx, visit_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.visit_created.connect(self._follow_up_created)
        self.follow_up_dialog = dialog
        dialog.open()
        return dialog

    def _follow_up_created(self, visit_id: str) -> None:
        self.status_message.emit(self.tr("Follow-up visit planned."))
        self.reload()
        self.visit_planned.emit(visit_id)

    def delete_selected(self) -> None:
        visit_id = self.selected_visit_id()
        if not visit_id:
            return
        row = self.model.row_of(visit_id)
        if row is None:
            return
        summary = self.model.visit_at(row)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Delete the visit"),
            self.tr(
                "Delete the visit of {0} on {1}, with its answers, interviews, action plan "
                "and photos?"
            ).format(summary.commune_name, day_text(summary.visit_date)),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("confirmDeleteBox")
        box.setInformativeText(
            self.tr("It disappears from this computer and, at the next sync, from the server.")
        )
        delete_button = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        cancel_button = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel_button)
        box.setEscapeButton(cancel_button)
        box.finished.connect(self._delete_answered)
        self._confirm_box = box
        self._confirm_delete = (delete_button, visit_id)
        box.open()

    @property
    def confirm_box(self) -> QMessageBox | None:
        return self._confirm_box

    def _delete_answered(self) -> None:
        box, self._confirm_box = self._confirm_box, None
        if box is None or self._confirm_delete is None:
            return
        delete_button, visit_id = self._confirm_delete
        self._confirm_delete = None
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is not delete_button:
            return
        from fieldvisit.services.deletion import soft_delete

        self.ctx.run(
            self.ctx.call(soft_delete, "visit", visit_id),
            on_success=self._deleted,
            parent=self,
        )

    def _deleted(self, _result: object) -> None:
        self.status_message.emit(self.tr("Visit deleted."))
        self.reload()

    def load_demo(self) -> None:
        """Seed the demo visits on the worker, with a progress indicator."""
        if self._demo_running:
            return
        self._demo_running = True
        self.welcome.set_loading(True)
        self.status_message.emit(self.tr("Loading the demonstration data…"))
        from fieldvisit.demo.seed import seed_demo

        self.ctx.run(
            self.ctx.call(seed_demo),
            on_success=self._demo_loaded,
            on_failure=self._demo_failed,
            parent=self,
        )

    @property
    def demo_running(self) -> bool:
        return self._demo_running

    def _demo_loaded(self, created: int) -> None:
        self._demo_running = False
        self.welcome.set_loading(False)
        if created:
            self.status_message.emit(self.tr("%n demonstration visit(s) added.", "", created))
        else:
            self.status_message.emit(self.tr("The demonstration visits are already there."))
        self.reload()

    def _demo_failed(self, err: BaseException) -> None:
        self._demo_running = False
        self.welcome.set_loading(False)
        show_error(self, err)
