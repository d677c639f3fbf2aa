"""The Suivi des actions' item model: every action in memory, filtered and grouped here.

The rows come from `load_action_tracking()` (one read on the worker, whenever the data
changes); a filter or a grouping works on those rows only, never on the database, so a
keystroke stays within a few milliseconds with 50,000 actions
(benchmarks/bench_action_tracking.py). Without grouping the model is a flat list; with
it, one top-level row per group (commune, porteur or dispositif: an action with two
dispositifs is in both groups) and its actions under it.

Late actions (« En retard ») and actions « À revoir » say so in the state column, in
words, and are tinted: the words stay for whoever cannot tell the colours apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from fieldvisit.core.dates import day_text
from fieldvisit.reference.text import normalise, padded_many
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


def _display(action: TrackedAction, column: int) -> str:
    if column == Column.COMMUNE:
        return f"{action.commune_name} ({action.departement})"
    if column == Column.ACTION:
        return action.text.strip().splitlines()[0] if action.text.strip() else ""
    if column == Column.THEME:
        return action.theme
    if column == Column.PRIORITY:
        return f"P{action.priority}"
    if column == Column.PORTEUR:
        return porteur_label(action.porteur)
    if column == Column.DISPOSITIF:
        return ", ".join(dispositif_label(code) for code in action.dispositifs)
    if column == Column.DUE:
        return day_text(action.due_date) if action.due_date else ""
    if column == Column.STATE:
        return action.state_label
    return day_text(action.visit_date)


_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_ACTION_ID = int(ACTION_ID_ROLE)
_VISIT_ID = int(VISIT_ID_ROLE)
_STATE = int(STATE_ROLE)
_LATE_BG, _LATE_FG = QBrush(LATE_BACKGROUND), QBrush(LATE_FOREGROUND)
_REVIEW_BG, _GROUP_BG = QBrush(REVIEW_BACKGROUND), QBrush(GROUP_BACKGROUND)


class ActionTrackingModel(QAbstractItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[TrackedAction] = []
        self._haystacks: dict[str, str] = {}
        self._shown: list[TrackedAction] = []
        self._groups: list[_Group] = []
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
            Column.DISPOSITIF: self.tr("Dispositif"),
            Column.DUE: self.tr("Due date"),
            Column.STATE: self.tr("Status"),
            Column.VISIT: self.tr("Visit"),
        }

    # -- data in ---------------------------------------------------------------------

    def set_actions(self, actions: Sequence[TrackedAction]) -> None:
        """Replace every row (after a read from the database)."""
        self._all = list(actions)
        haystacks = padded_many([f"{a.commune_name} {a.commune_code} {a.text}" for a in actions])
        self._haystacks = {a.id: h for a, h in zip(actions, haystacks, strict=True)}
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
    def shown(self) -> list[TrackedAction]:
        return self._shown

    @property
    def group_labels(self) -> list[str]:
        return [group.label for group in self._groups]

    def action_at(self, index: AnyIndex) -> TrackedAction | None:
        """The action of a row (None for a group's row)."""
        if not index.isValid():
            return None
        if self._grouping == Grouping.NONE:
            return self._shown[index.row()]
        parent = int(index.internalId())
        if parent == 0:
            return None
        return self._groups[parent - 1].actions[index.row()]

    def actions_under(self, index: AnyIndex) -> list[TrackedAction]:
        """The action of a row, or every action of a group's row."""
        action = self.action_at(index)
        if action is not None:
            return [action]
        if index.isValid() and self._grouping != Grouping.NONE:
            return list(self._groups[index.row()].actions)
        return []

    # -- Qt model --------------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if row < 0 or column < 0 or column >= len(Column):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if self._grouping != Grouping.NONE and int(parent.internalId()) == 0:
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        group = int(index.internalId())
        return QModelIndex() if group == 0 else self.createIndex(group - 1, 0, 0)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._shown) if self._grouping == Grouping.NONE else len(self._groups)
        if self._grouping != Grouping.NONE and int(parent.internalId()) == 0:
            return len(self._groups[parent.row()].actions)
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers.get(Column(section))
        return None

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        # Called for every role of every visible cell at each repaint: plain int tests.
        role = int(role)
        action = self.action_at(index)
        if action is None:
            return self._group_data(index, role)
        if role == _DISPLAY:
            return _display(action, index.column())
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

    def _group_data(self, index: AnyIndex, role: int) -> Any:
        if not index.isValid():
            return None
        group = self._groups[index.row()]
        if role == _DISPLAY and index.column() == 0:
            count = len(group.actions)
            text = self.tr("%n action(s)", "", count)
            if group.late:
                text += self.tr(", %n late", "", group.late)
            return f"{group.label} — {text}"
        if role == _FONT:
            return self._bold
        if role == _BACKGROUND:
            return _GROUP_BG
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- internals -------------------------------------------------------------------

    def _refilter(self) -> None:
        self.beginResetModel()
        kept = filter_actions(self._all, self._filter)
        for word in normalise(self._filter.text).split():
            padded = " " + word
            haystacks = self._haystacks
            kept = [a for a in kept if padded in haystacks[a.id]]
        self._shown = kept
        self._groups = _grouped(kept, self._grouping)
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
