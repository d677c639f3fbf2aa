"""The Suivi des actions' item model: every action in memory, filtered and grouped here.

The rows come from `load_action_tracking()` (one read on the worker, whenever the data
changes); a filter or a grouping works on those rows only, never on the database, so a
keystroke stays within a few milliseconds with 50,000 actions
(benchmarks/bench_action_tracking.py). The model is a flat table, as a QTableView
asks only for the rows it paints (a tree view lays out every row after each reset,
calling the model for each: 0.3 s a keystroke at 40,000 actions). With a grouping
(commune, porteur or dispositif: an action with two dispositifs is in both groups),
each group's row, spanning the columns, comes before its actions.

Late actions (« En retard ») and actions « À revoir » say so in the state column, in
words, and are tinted: the words stay for whoever cannot tell the colours apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from fieldvisit.core.dates import day_text
from fieldvisit.reference.text import normalise
from fieldvisit.screens.action_tracking import (
    ActionFilter,
    TrackedAction,
    dispositif_label,
    filter_actions,
    horizon_label,
    porteur_label,
)

ACTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
VISIT_ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATE_ROLE = Qt.ItemDataRole.UserRole + 3  # "late", "review" or ""

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    COMMUNE = 0
    ACTION = 1
    THEME = 2
    PRIORITY = 3
    PORTEUR = 4
    DISPOSITIF = 5
    DUE = 6
    STATE = 7
    VISIT = 8


class Grouping(IntEnum):
    NONE = 0
    COMMUNE = 1
    PORTEUR = 2
    DISPOSITIF = 3


LATE_BACKGROUND = QColor("#FDE2E1")
LATE_FOREGROUND = QColor("#A4161A")
REVIEW_BACKGROUND = QColor("#FFF1C2")
GROUP_BACKGROUND = QColor("#E3E3FD")


@dataclass(slots=True)
class _Group:
    key: str
    label: str
    actions: list[TrackedAction]
    late: int


def _cells(action: TrackedAction) -> tuple[str, ...]:
    """The texts of an action's row, in column order."""
    text = action.text.strip()
    return (
        f"{action.commune_name} ({action.departement})",
        text.splitlines()[0] if text else "",
        action.theme,
        f"P{action.priority}",
        porteur_label(action.porteur),
        ", ".join(dispositif_label(code) for code in action.dispositifs),
        day_text(action.due_date) if action.due_date else "",
        action.state_label,
        day_text(action.visit_date),
    )


_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_ACTION_ID = int(ACTION_ID_ROLE)
_VISIT_ID = int(VISIT_ID_ROLE)
_STATE = int(STATE_ROLE)
_COLUMNS = len(Column)
_IS_LATE = attrgetter("late")
#: the roles this model answers; the view asks for about ten per cell at each repaint
_ROLES = frozenset(
    {_DISPLAY, _TOOLTIP, _BACKGROUND, _FOREGROUND, _FONT, _ACTION_ID, _VISIT_ID, _STATE}
)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_LATE_BG, _LATE_FG = QBrush(LATE_BACKGROUND), QBrush(LATE_FOREGROUND)
_REVIEW_BG, _GROUP_BG = QBrush(REVIEW_BACKGROUND), QBrush(GROUP_BACKGROUND)


class ActionTrackingModel(QAbstractTableModel):
    """A flat table (a QTableView asks only for the rows it paints, whatever their
    number); with a grouping, each group's row comes before its actions and spans the
    columns (the page sets the spans: `group_rows`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[TrackedAction] = []
        # The row texts of the actions painted so far: computed when first shown (a
        # repaint asks for each visible cell several times), dropped with the rows.
        self._cells: dict[str, tuple[str, ...]] = {}
        self._shown: list[TrackedAction] = []
        self._groups: list[_Group] = []
        self._rows: list[TrackedAction | _Group] = []
        self._group_rows: list[int] = []
        self._late = 0
        self._filter = ActionFilter()
        self._grouping = Grouping.NONE
        self._bold = QFont()
        self._bold.setBold(True)
        self._headers = {
            Column.COMMUNE: self.tr("Commune"),
            Column.ACTION: self.tr("Action"),
            Column.THEME: self.tr("Theme"),
            Column.PRIORITY: self.tr("Priority"),
            Column.PORTEUR: self.tr("Porteur"),
            Column.DISPOSITIF: self.tr("Dispositifs"),
            Column.DUE: self.tr("Due date"),
            Column.STATE: self.tr("Status"),
            Column.VISIT: self.tr("Visit"),
        }

    # -- data in ---------------------------------------------------------------------

    def set_actions(self, actions: Sequence[TrackedAction]) -> None:
        """Replace every row (after a read from the database)."""
        self._all = list(actions)
        self._cells = {}
        self._refilter()

    def set_filter(self, flt: ActionFilter) -> None:
        self._filter = flt
        self._refilter()

    def set_grouping(self, grouping: Grouping) -> None:
        self._grouping = grouping
        self._refilter()

    @property
    def current_filter(self) -> ActionFilter:
        return self._filter

    @property
    def grouping(self) -> Grouping:
        return self._grouping

    # -- reading ---------------------------------------------------------------------

    @property
    def total_count(self) -> int:
        return len(self._all)

    @property
    def shown_count(self) -> int:
        return len(self._shown)

    @property
    def late_count(self) -> int:
        return self._late

    @property
    def shown(self) -> list[TrackedAction]:
        return self._shown

    @property
    def group_labels(self) -> list[str]:
        return [group.label for group in self._groups]

    @property
    def group_rows(self) -> list[int]:
        """The rows that are groups' rows, in order."""
        return self._group_rows

    def group_row(self, label: str) -> int:
        """The row of the group of this label."""
        return self._group_rows[self.group_labels.index(label)]

    def action_at(self, index: AnyIndex) -> TrackedAction | None:
        """The action of a row (None for a group's row)."""
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        return None if row.__class__ is _Group else row  # type: ignore[return-value]

    def actions_under(self, index: AnyIndex) -> list[TrackedAction]:
        """The action of a row, or every action of a group's row."""
        if not index.isValid():
            return []
        row = self._rows[index.row()]
        return list(row.actions) if isinstance(row, _Group) else [row]

    # -- Qt model --------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers.get(Column(section))
        return None

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        # Called for every role of every visible cell at each repaint: plain int tests.
        role = int(role)
        if role not in _ROLES:
            return None
        action = self._rows[index.row()]
        if action.__class__ is _Group:
            return self._group_data(action, index.column(), role)  # type: ignore[arg-type]
        assert isinstance(action, TrackedAction)
        if role == _DISPLAY:
            cells = self._cells.get(action.id)
            if cells is None:
                cells = self._cells[action.id] = _cells(action)
            return cells[index.column()]
        if role == _BACKGROUND:
            return _LATE_BG if action.late else _REVIEW_BG if action.to_review else None
        if role == _FOREGROUND:
            return _LATE_FG if action.late and index.column() == Column.STATE else None
        if role == _ACTION_ID:
            return action.id
        if role == _VISIT_ID:
            return action.visit_id
        if role == _STATE:
            return "late" if action.late else "review" if action.to_review else ""
        if role == _TOOLTIP and index.column() == Column.ACTION:
            return action.text
        if role == _TOOLTIP and index.column() == Column.PRIORITY:
            return horizon_label(action.horizon)
        return None

    def _group_data(self, group: _Group, column: int, role: int) -> Any:
        if role == _DISPLAY and column == 0:
            text = self.tr("%n action(s)", "", len(group.actions))
            if group.late:
                text += self.tr(", %n late", "", group.late)
            return f"{group.label} — {text}"
        if role == _FONT:
            return self._bold
        if role == _BACKGROUND:
            return _GROUP_BG
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    # -- internals -------------------------------------------------------------------

    def _refilter(self) -> None:
        self.beginResetModel()
        kept = filter_actions(self._all, self._filter)
        self._shown = kept
        self._late = sum(map(_IS_LATE, kept))  # C-level: 40,000 rows in a millisecond
        self._groups = _grouped(kept, self._grouping)
        if self._grouping == Grouping.NONE:
            self._rows = list(kept)
            self._group_rows = []
        else:
            rows: list[TrackedAction | _Group] = []
            starts = []
            for group in self._groups:
                starts.append(len(rows))
                rows.append(group)
                rows.extend(group.actions)
            self._rows, self._group_rows = rows, starts
        self.endResetModel()


def _grouped(actions: Sequence[TrackedAction], grouping: Grouping) -> list[_Group]:
    if grouping == Grouping.NONE:
        return []
    groups: dict[str, _Group] = {}
    for action in actions:
        for key, label in _keys(action, grouping):
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(key, label, [], 0)
            group.actions.append(action)
            if action.late:
                group.late += 1
    return sorted(groups.values(), key=lambda g: normalise(g.label))


def _keys(action: TrackedAction, grouping: Grouping) -> list[tuple[str, str]]:
    if grouping == Grouping.COMMUNE:
        return [(action.commune_code, f"{action.commune_name} ({action.commune_code})")]
    if grouping == Grouping.PORTEUR:
        return [(action.porteur, porteur_label(action.porteur))]
    if not action.dispositifs:
        return [("", QCoreApplication.translate("ActionTrackingModel", "No dispositif"))]
    return [(code, dispositif_label(code)) for code in action.dispositifs]
