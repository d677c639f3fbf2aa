"""The action plan as a Qt table model: one row per recommendation, editable in place.

The model holds plain rows (`RecommendationRow`), never database records, and does not
save anything itself: each accepted edit emits `field_edited(row, field)` and the page
hands the change to the worker. A new row has no id until its text is written (the
services refuse a recommendation without text); `is_draft` tells.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from fieldvisit.core.dates import day_text
from fieldvisit.core.domain import PRIORITY_LABELS, ActionStatus, Dispositif, Horizon, Porteur
from fieldvisit.screens.actions import RecommendationFacts
from fieldvisit.ui.base.icons import icon
from fieldvisit.ui.workspace.workspace_common import from_qdate

AnyIndex = QModelIndex | QPersistentModelIndex

#: the row's id (None for a new, not yet saved row)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: True when the recommendation was carried over from the previous visit
CARRIED_ROLE = Qt.ItemDataRole.UserRole + 2


class Column(IntEnum):
    PRIORITY = 0
    TEXT = 1
    THEME = 2
    HORIZON = 3
    PORTEUR = 4
    DISPOSITIF = 5
    DUE_DATE = 6
    STATUS = 7

    @property
    def field(self) -> str:
        return _FIELDS[self]


_FIELDS = {
    Column.PRIORITY: "priority",
    Column.TEXT: "text",
    Column.THEME: "theme_id",
    Column.HORIZON: "horizon",
    Column.PORTEUR: "porteur",
    Column.DISPOSITIF: "dispositif",
    Column.DUE_DATE: "due_date",
    Column.STATUS: "status",
}

#: enum-valued columns and their vocabulary (labels are French data from core.domain)
ENUM_COLUMNS: dict[Column, Any] = {
    Column.HORIZON: Horizon,
    Column.PORTEUR: Porteur,
    Column.DISPOSITIF: Dispositif,
    Column.STATUS: ActionStatus,
}

EDITABLE_FIELDS = tuple(_FIELDS.values())


@dataclass
class RecommendationRow:
    id: str | None
    text: str = ""
    theme_id: str | None = None
    priority: int = 2
    horizon: str = Horizon.COURT.value
    porteur: str = Porteur.COMMUNE.value
    dispositif: str = Dispositif.AUCUN.value
    due_date: date | None = None
    status: str = ActionStatus.A_ENGAGER.value
    carried_from_id: str | None = None
    created_at: datetime | None = None
    # Edited in « Détails de l'action… » (action_details_dialog.py), once the row is
    # saved; `dispositif` is the first of `dispositifs` (the one older apps show).
    dispositifs: tuple[str, ...] = ()
    porteur_contact_id: str | None = None
    description: str = ""
    estimated_cost: int | None = None
    funding: tuple[tuple[str, int], ...] = ()  # (source code, euros)
    success_indicator: str = ""
    review_date: date | None = None
    #: a new row whose creation was sent to the worker and not yet confirmed
    saving: bool = field(default=False, compare=False)

    @classmethod
    def from_record(cls, rec: RecommendationFacts) -> RecommendationRow:
        """The row of an action as the screen read it (screens/actions.py): same fields."""
        return cls(**{f.name: getattr(rec, f.name) for f in fields(RecommendationFacts)})

    @property
    def is_draft(self) -> bool:
        return self.id is None

    @property
    def is_carried(self) -> bool:
        return self.carried_from_id is not None

    def values(self) -> dict[str, Any]:
        """The editable fields, as the services take them."""
        return {name: getattr(self, name) for name in EDITABLE_FIELDS}


def sort_key(row: RecommendationRow) -> tuple[Any, ...]:
    """Priority first, then due date (rows without one last), then creation order."""
    return (
        row.priority,
        row.due_date is None,
        row.due_date or date.max,
        row.created_at.timestamp() if row.created_at else float("inf"),
    )


def _enum_label(enum: Any, value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value  # a value from a newer app version: show it as it is


class RecommendationTableModel(QAbstractTableModel):
    #: an edit was accepted in the table: (row object, field name)
    field_edited = Signal(object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RecommendationRow] = []
        self._themes: dict[str, str] = {}
        self._people: dict[str, str] = {}  # contact id -> name (the named porteurs)
        self._previous_visit_date: date | None = None

    # --- content ---------------------------------------------------------------------

    def set_rows(
        self,
        rows: list[RecommendationRow],
        themes: list[tuple[str, str]],
        previous_visit_date: date | None,
        people: dict[str, str] | None = None,
    ) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=sort_key)
        self._themes = dict(themes)
        self._people = dict(people or {})
        self._previous_visit_date = previous_visit_date
        self.endResetModel()

    def themes(self) -> list[tuple[str, str]]:
        return list(self._themes.items())

    def row_at(self, row: int) -> RecommendationRow:
        return self._rows[row]

    def rows(self) -> list[RecommendationRow]:
        return list(self._rows)

    def row_of(self, rec: RecommendationRow) -> int:
        for number, candidate in enumerate(self._rows):
            if candidate is rec:
                return number
        return -1

    def append_draft(self, draft: RecommendationRow) -> int:
        """Add a new, unsaved row at the bottom (where its editor opens)."""
        number = len(self._rows)
        self.beginInsertRows(QModelIndex(), number, number)
        self._rows.append(draft)
        self.endInsertRows()
        return number

    def remove(self, rec: RecommendationRow) -> None:
        number = self.row_of(rec)
        if number >= 0:
            self.beginRemoveRows(QModelIndex(), number, number)
            del self._rows[number]
            self.endRemoveRows()

    def refresh(self, rec: RecommendationRow) -> None:
        number = self.row_of(rec)
        if number >= 0:
            self.dataChanged.emit(self.index(number, 0), self.index(number, len(Column) - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, number, number)

    # --- Qt model API ----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's API
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
                return self.tr("Carried over") if self._rows[section].is_carried else ""
            if role == Qt.ItemDataRole.ToolTipRole and 0 <= section < len(self._rows):
                return self._carried_tooltip(self._rows[section])
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._column_titles().get(Column(section))

    def _column_titles(self) -> dict[Column, str]:
        return {
            Column.PRIORITY: self.tr("Priority"),
            Column.TEXT: self.tr("Action"),
            Column.THEME: self.tr("Theme", "diagnostic theme of a recommendation"),
            Column.HORIZON: self.tr("Horizon", "short, medium or long term"),
            Column.PORTEUR: self.tr("Owner", "the 'porteur' who carries out the action"),
            Column.DISPOSITIF: self.tr("Scheme", "the 'dispositif' the action relies on"),
            Column.DUE_DATE: self.tr("Due date"),
            Column.STATUS: self.tr("Status"),
        }

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        rec = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(rec, column)
        if role == Qt.ItemDataRole.EditRole:
            return getattr(rec, column.field)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._carried_tooltip(rec) or (
                rec.text if column == Column.TEXT and rec.text else None
            )
        if role == Qt.ItemDataRole.DecorationRole and column == Column.TEXT and rec.is_carried:
            return icon("follow-up")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(rec, column)
        if role == ID_ROLE:
            return rec.id
        if role == CARRIED_ROLE:
            return rec.is_carried
        return None

    def _display(self, rec: RecommendationRow, column: Column) -> str:
        value = getattr(rec, column.field)
        if column == Column.PRIORITY:
            return PRIORITY_LABELS.get(value, str(value))
        if column == Column.TEXT:
            return value or self.tr("(type the recommendation)")
        if column == Column.THEME:
            return self._themes.get(value, value or "") if value else ""
        if column == Column.DUE_DATE:
            return day_text(value) if value else ""
        if column == Column.DISPOSITIF:  # every dispositif, not the main one only
            labels = [_enum_label(Dispositif, code) for code in rec.dispositifs]
            return ", ".join(labels) or _enum_label(Dispositif, Dispositif.AUCUN.value)
        if column == Column.PORTEUR and rec.porteur_contact_id:
            person = self._people.get(rec.porteur_contact_id, "")
            return "\n".join(p for p in (_enum_label(Porteur, value), person) if p)
        if column in ENUM_COLUMNS:
            return _enum_label(ENUM_COLUMNS[column], value)
        return str(value)

    def _carried_tooltip(self, rec: RecommendationRow) -> str | None:
        if not rec.is_carried:
            return None
        if self._previous_visit_date is not None:
            return self.tr("Carried over from the visit of {0}").format(
                day_text(self._previous_visit_date)
            )
        return self.tr("Carried over from a previous visit")

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        rec = self._rows[index.row()]
        column = Column(index.column())
        new = _normalised(column, value)
        if new is _INVALID or getattr(rec, column.field) == new:
            return False
        setattr(rec, column.field, new)
        field = column.field
        if column == Column.DISPOSITIF:
            # The combo chooses the main dispositif: it replaces the first of the list,
            # the others stay (edited in the action's details); « Aucun »: none at all.
            others = [code for code in rec.dispositifs[1:] if code != new]
            rec.dispositifs = () if new == Dispositif.AUCUN.value else (new, *others)
            rec.dispositif = rec.dispositifs[0] if rec.dispositifs else Dispositif.AUCUN.value
            field = "dispositifs"
        self.dataChanged.emit(index, index)
        self.field_edited.emit(rec, field)
        return True

    def set_details(self, rec: RecommendationRow, values: dict[str, Any]) -> None:
        """The fields edited in the action's details, shown at once (the page writes
        them); `dispositif` follows the list."""
        for name, value in values.items():
            setattr(rec, name, value)
        if "dispositifs" in values:
            rec.dispositif = rec.dispositifs[0] if rec.dispositifs else Dispositif.AUCUN.value
        self.refresh(rec)

    def person_name(self, contact_id: str | None) -> str:
        return self._people.get(contact_id or "", "")


_INVALID: Any = object()


def _normalised(column: Column, value: Any) -> Any:
    """Values from editors (QDate, "" for none…) turned into what the services take."""
    if column == Column.PRIORITY:
        try:
            number = int(value)
        except (TypeError, ValueError):
            return _INVALID
        return number if number in PRIORITY_LABELS else _INVALID
    if column == Column.TEXT:
        return str(value or "").strip()
    if column == Column.THEME:
        return str(value) if value else None
    if column == Column.DUE_DATE:
        if isinstance(value, QDate):
            return from_qdate(value) if value.isValid() else None
        if value is None or isinstance(value, date):
            return value
        return _INVALID
    enum = ENUM_COLUMNS[column]
    try:
        return enum(str(value)).value
    except ValueError:
        return _INVALID


__all__ = [
    "CARRIED_ROLE",
    "ID_ROLE",
    "Column",
    "RecommendationRow",
    "RecommendationTableModel",
]
