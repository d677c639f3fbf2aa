"""The Suivi des actions page: filters, grouping, the actions, a bulk change.

The actions are read on the worker (`reload()`: when the page is shown and the data it
shows changed, through the one change signal); filters and grouping then work in the
model without reading again. Enter or a double-click on an action opens its visit on
the Plan d'actions. A bulk change (status, or échéance) applies to the selected
actions (a group's row: all of its actions) through the action service, on the worker:
each action is in the history and pushed at the next sync, like an edit in the plan.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.domain import ActionStatus, Dispositif, Horizon, Porteur
from fieldvisit.screens.action_tracking import (
    ActionFilter,
    ActionTracking,
    TrackedAction,
    load_action_tracking,
)
from fieldvisit.services.action_tracking import BulkChange, change_actions
from fieldvisit.store.changes import Changes
from fieldvisit.ui.base import shortcuts as keys
from fieldvisit.ui.base.changes import made_by
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.tracking.action_tracking_model import ActionTrackingModel, Column, Grouping
from fieldvisit.ui.widgets.date_edit import FrenchDateEdit, python_date

#: the tables whose records the page shows
TRACKING_SHOWS = frozenset({"recommendations", "visits"})


def _combo(name: str, everything: str, items: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    narrow(combo)
    combo.addItem(everything, None)
    for label, value in items:
        combo.addItem(label, value)
    return combo


def narrow(combo: QComboBox, characters: int = 12) -> None:
    """A combo as wide as `characters`, not as its longest choice (« Convention de
    coordination police municipale / forces de l'État » would widen the window past a
    1366-pixel screen); the list that opens shows the choices whole."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)


class ActionTrackingPage(QWidget):
    open_visit_requested = Signal(str)  # visit id
    back_requested = Signal()
    loaded = Signal(int)  # number of actions read

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("actionTrackingPage")
        self._stale = True
        self.tracking: ActionTracking | None = None
        self.model = ActionTrackingModel(self)

        title = QLabel(self.tr("Action tracking"), self)
        title.setObjectName("pageTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        self.back_button = QPushButton(self.tr("← Visit list"), self)
        self.back_button.setObjectName("trackingBack")
        self.back_button.clicked.connect(self.back_requested)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("trackingCount")
        head = QHBoxLayout()
        head.addWidget(self.back_button)
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.count_label)

        self._build_filters()
        self._build_view()
        self._build_bulk_bar()

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(self.filters_layout)
        layout.addWidget(self.view, 1)
        layout.addLayout(self.bulk_layout)

        back = QAction(self)
        back.setShortcuts(keys.BACK.sequences())
        back.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.triggered.connect(self.back_requested)
        self.addAction(back)
        ctx.changes.changed.connect(self._on_changes)

    # -- building --------------------------------------------------------------------

    def _build_filters(self) -> None:
        self.search = QLineEdit(self)
        self.search.setObjectName("trackingSearch")
        self.search.setPlaceholderText(self.tr("Search an action or a commune…"))
        self.search.setClearButtonEnabled(True)
        self.commune = _combo("trackingCommune", self.tr("All communes"), [])
        self.departement = _combo("trackingDepartement", self.tr("All départements"), [])
        self.porteur = _combo(
            "trackingPorteur", self.tr("All porteurs"), [(p.label, p.value) for p in Porteur]
        )
        self.dispositif = _combo(
            "trackingDispositif",
            self.tr("All dispositifs"),
            [(d.label, d.value) for d in Dispositif if d != Dispositif.AUCUN],
        )
        self.priority = _combo(
            "trackingPriority",
            self.tr("All priorities"),
            [(self.tr("Priority %1").replace("%1", str(n)), n) for n in (1, 2, 3)],
        )
        self.status = _combo(
            "trackingStatus", self.tr("All statuses"), [(s.label, s.value) for s in ActionStatus]
        )
        self.horizon = _combo(
            "trackingHorizon", self.tr("All horizons"), [(h.label, h.value) for h in Horizon]
        )
        self.due_range = QCheckBox(self.tr("Due between"), self)
        self.due_range.setObjectName("trackingDueRange")
        today = QDate.currentDate()
        self.due_from = FrenchDateEdit(self, today.addMonths(-1))
        self.due_from.setObjectName("trackingDueFrom")
        self.due_to = FrenchDateEdit(self, today.addMonths(3))
        self.due_to.setObjectName("trackingDueTo")
        self.overdue = QCheckBox(self.tr("Late only"), self)
        self.overdue.setObjectName("trackingOverdue")
        self.pvd = QCheckBox(self.tr("Petites Villes de demain only"), self)
        self.pvd.setObjectName("trackingPvd")
        self.grouping = QComboBox(self)
        self.grouping.setObjectName("trackingGrouping")
        narrow(self.grouping)
        for label, value in (
            (self.tr("No grouping"), Grouping.NONE),
            (self.tr("Group by commune"), Grouping.COMMUNE),
            (self.tr("Group by porteur"), Grouping.PORTEUR),
            (self.tr("Group by dispositif"), Grouping.DISPOSITIF),
        ):
            self.grouping.addItem(label, int(value))

        grid = QGridLayout()
        grid.addWidget(self.search, 0, 0, 1, 2)
        grid.addWidget(self.commune, 0, 2)
        grid.addWidget(self.departement, 0, 3)
        grid.addWidget(self.porteur, 0, 4)
        grid.addWidget(self.dispositif, 0, 5)
        grid.addWidget(self.grouping, 0, 6)
        grid.addWidget(self.priority, 1, 0)
        grid.addWidget(self.status, 1, 1)
        grid.addWidget(self.horizon, 1, 2)
        dates = QHBoxLayout()
        for widget in (self.due_range, self.due_from, QLabel(self.tr("and"), self), self.due_to):
            dates.addWidget(widget)
        grid.addLayout(dates, 1, 3, 1, 2)
        grid.addWidget(self.overdue, 1, 5)
        grid.addWidget(self.pvd, 1, 6)
        self.filters_layout = grid

        self.search.textChanged.connect(self.apply_filter)
        for combo in (
            self.commune,
            self.departement,
            self.porteur,
            self.dispositif,
            self.priority,
            self.status,
            self.horizon,
        ):
            combo.currentIndexChanged.connect(self.apply_filter)
        for box in (self.due_range, self.overdue, self.pvd):
            box.toggled.connect(self.apply_filter)
        self.due_from.dateChanged.connect(self._dates_changed)
        self.due_to.dateChanged.connect(self._dates_changed)
        self.grouping.currentIndexChanged.connect(self._grouping_changed)

    def _build_view(self) -> None:
        view = QTableView(self)
        view.setObjectName("trackingView")
        view.setModel(self.model)
        view.verticalHeader().hide()
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.setWordWrap(False)
        view.setShowGrid(False)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setTabKeyNavigation(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.ACTION, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (Column.COMMUNE, 170),
            (Column.THEME, 150),
            (Column.PRIORITY, 60),
            (Column.PORTEUR, 130),
            (Column.DISPOSITIF, 150),
            (Column.DUE, 90),
            (Column.STATE, 95),
            (Column.VISIT, 90),
        ):
            view.setColumnWidth(column, width)
        view.activated.connect(self._activated)
        self.model.modelReset.connect(self._span_groups)
        self.view = view

    def _build_bulk_bar(self) -> None:
        self.selection_label = QLabel(self)
        self.selection_label.setObjectName("trackingSelection")
        self.bulk_status = QComboBox(self)
        self.bulk_status.setObjectName("bulkStatus")
        narrow(self.bulk_status, 10)
        for status in ActionStatus:
            self.bulk_status.addItem(status.label, status.value)
        self.apply_status_button = QPushButton(self.tr("Set the status"), self)
        self.apply_status_button.setObjectName("bulkApplyStatus")
        self.apply_status_button.clicked.connect(self.apply_bulk_status)
        self.bulk_due = FrenchDateEdit(self, QDate.currentDate().addMonths(1))
        self.bulk_due.setObjectName("bulkDue")
        self.apply_due_button = QPushButton(self.tr("Set the due date"), self)
        self.apply_due_button.setObjectName("bulkApplyDue")
        self.apply_due_button.clicked.connect(self.apply_bulk_due)
        bar = QHBoxLayout()
        bar.addWidget(self.selection_label, 1)
        bar.addWidget(QLabel(self.tr("Selected actions:"), self))
        bar.addWidget(self.bulk_status)
        bar.addWidget(self.apply_status_button)
        bar.addWidget(self.bulk_due)
        bar.addWidget(self.apply_due_button)
        self.bulk_layout = bar
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self._selection_changed()

    # -- loading ---------------------------------------------------------------------

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        if self._stale:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        self.ctx.run(
            self.ctx.call(load_action_tracking), on_success=self.show_tracking, parent=self
        )

    def show_tracking(self, tracking: ActionTracking) -> None:
        """Show these actions (read on the worker, or given by a test or a benchmark)."""
        self.tracking = tracking
        _refill(self.commune, [(f"{name} ({code})", code) for code, name in tracking.communes])
        _refill(self.departement, [(dep, dep) for dep in tracking.departements])
        self.model.set_actions(tracking.actions)
        self.apply_filter()
        self.loaded.emit(len(tracking.actions))

    def _on_changes(self, changes: Changes, origin: object) -> None:
        if not changes.touches(None, TRACKING_SHOWS) or made_by(self, origin):
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    # -- filtering -------------------------------------------------------------------

    def current_filter(self) -> ActionFilter:
        ranged = self.due_range.isChecked()
        return ActionFilter(
            text=self.search.text(),
            commune_code=self.commune.currentData(),
            departement=self.departement.currentData(),
            porteur=self.porteur.currentData(),
            dispositif=self.dispositif.currentData(),
            priority=self.priority.currentData(),
            status=self.status.currentData(),
            horizon=self.horizon.currentData(),
            due_from=python_date(self.due_from.date()) if ranged else None,
            due_to=python_date(self.due_to.date()) if ranged else None,
            overdue_only=self.overdue.isChecked(),
            pvd_only=self.pvd.isChecked(),
        )

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())
        self._show_count()

    def _dates_changed(self) -> None:
        if self.due_range.isChecked():
            self.apply_filter()

    def _grouping_changed(self) -> None:
        self.model.set_grouping(Grouping(self.grouping.currentData()))

    def _span_groups(self) -> None:
        """Each group's row across the columns (its label is longer than a cell)."""
        self.view.clearSpans()
        columns = self.model.columnCount()
        for row in self.model.group_rows:
            self.view.setSpan(row, 0, 1, columns)

    def _show_count(self) -> None:
        shown, total = self.model.shown_count, self.model.total_count
        late = self.model.late_count
        text = self.tr("%n action(s)", "", shown)
        if shown != total:
            text = self.tr("%1 of %2").replace("%1", text).replace("%2", str(total))
        if late:
            text += self.tr(", %n late", "", late)
        self.count_label.setText(text)

    # -- rows ------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        action = self.model.action_at(index)
        if action is not None:
            self.open_visit_requested.emit(action.visit_id)

    def selected_actions(self) -> list[TrackedAction]:
        """The selected actions; a group's row selects all of its actions."""
        seen: dict[str, TrackedAction] = {}
        for index in self.view.selectionModel().selectedRows():
            for action in self.model.actions_under(index):
                seen.setdefault(action.id, action)
        return list(seen.values())

    def _selection_changed(self, *_args: object) -> None:
        count = len(self.selected_actions())
        self.selection_label.setText(self.tr("%n action(s) selected", "", count))
        self.apply_status_button.setEnabled(count > 0)
        self.apply_due_button.setEnabled(count > 0)

    # -- bulk change -----------------------------------------------------------------

    def apply_bulk_status(self) -> None:
        self._bulk(status=self.bulk_status.currentData())

    def apply_bulk_due(self) -> None:
        self._bulk(due_date=python_date(self.bulk_due.date()))

    def _bulk(self, **change: object) -> None:
        ids = [a.id for a in self.selected_actions()]
        if not ids:
            return
        status = change.get("status")
        due = change.get("due_date")
        if status is not None:
            op = self.ctx.call(change_actions, ids, status=status)
        else:
            assert isinstance(due, date)
            op = self.ctx.call(change_actions, ids, due_date=due)
        self.ctx.run(op, on_success=self._changed, parent=self)

    def _changed(self, result: BulkChange) -> None:
        self.count_label.setText(self.tr("%n action(s) changed", "", result.changed))
        self.reload()


def _refill(combo: QComboBox, items: list[tuple[str, object]]) -> None:
    """New choices, keeping the one chosen if it is still there."""
    current = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for label, value in items:
        combo.addItem(label, value)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
