"""The visit list's table model: every visit row in memory, filtered and sorted there.

The rows come from `listing.list_visits()` (run on the worker whenever the data
changes); filtering on each keystroke works on those rows only, never on the database,
so typing stays instant with 10,000 visits. Text search ignores case, accents and
hyphens; each word typed must start a word of the commune, its INSEE code or the author
("st flour" and "flour" find Saint-Flour, "152" its code 15187).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from fieldvisit.core.domain import VisitStatus, VisitType
from fieldvisit.reference.text import normalise, normalise_many, padded_many
from fieldvisit.services.listing import VisitFilter, VisitSummary

VISIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    COMMUNE = 0
    DEPARTEMENT = 1
    DATE = 2
    TYPE = 3
    STATUS = 4
    AUTHOR = 5
    PROGRESS = 6


_STATUS_ORDER = {status: rank for rank, status in enumerate(VisitStatus)}
_TYPE_ORDER = {kind: rank for rank, kind in enumerate(VisitType)}


def french_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


@dataclass(frozen=True, slots=True)
class _Entry:
    """A row with what searching and sorting it needs, computed once per reload."""

    row: VisitSummary
    haystack: str  # " commune code author " normalised, for word-start matching
    name_key: str
    author_key: str


def filter_entries(entries: Sequence[_Entry], flt: VisitFilter) -> list[_Entry]:
    """The entries passing the filter, in their order.

    Each condition is one tight pass over what is left, which keeps a keystroke on
    10,000 rows within a few milliseconds. Every word typed must start a word of the
    commune name, the INSEE code or the author.
    """
    kept = list(entries)
    if flt.status is not None:
        status = flt.status
        kept = [e for e in kept if e.row.status == status]
    if flt.departement:
        departement = flt.departement
        kept = [e for e in kept if e.row.departement == departement]
    if flt.date_from is not None:
        start = flt.date_from
        kept = [e for e in kept if e.row.visit_date >= start]
    if flt.date_to is not None:
        end = flt.date_to
        kept = [e for e in kept if e.row.visit_date <= end]
    for word in normalise(flt.text).split():
        padded = " " + word
        kept = [e for e in kept if padded in e.haystack]
    return kept


_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_VISIT_ID = int(VISIT_ID_ROLE)
_PROGRESS = int(PROGRESS_ROLE)
_CENTERED = frozenset({Column.DEPARTEMENT, Column.DATE, Column.PROGRESS})


class VisitListModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[_Entry] = []
        self._shown: list[_Entry] = []
        self._filter = VisitFilter()
        self._sort_column = Column.DATE
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._headers = {
            Column.COMMUNE: self.tr("Commune"),
            Column.DEPARTEMENT: self.tr("Département"),
            Column.DATE: self.tr("Date"),
            Column.TYPE: self.tr("Type"),
            Column.STATUS: self.tr("Status"),
            Column.AUTHOR: self.tr("Author"),
            Column.PROGRESS: self.tr("Progress"),
        }

    # -- data in -------------------------------------------------------------------

    def set_rows(self, rows: Sequence[VisitSummary]) -> None:
        """Replace every row (after a reload from the database)."""
        haystacks = padded_many([f"{r.commune_name} {r.commune_code} {r.author}" for r in rows])
        names = normalise_many([r.commune_name for r in rows])
        authors = normalise_many([r.author for r in rows])
        self._all = [
            _Entry(row, haystack, name, author)
            for row, haystack, name, author in zip(rows, haystacks, names, authors, strict=True)
        ]
        self._sort_all()
        self._refilter()

    def set_filter(self, flt: VisitFilter) -> None:
        self._filter = flt
        self._refilter()

    @property
    def current_filter(self) -> VisitFilter:
        return self._filter

    # -- reading ---------------------------------------------------------------------

    @property
    def total_count(self) -> int:
        return len(self._all)

    @property
    def shown_count(self) -> int:
        return len(self._shown)

    def visit_at(self, row: int) -> VisitSummary:
        return self._shown[row].row

    def row_of(self, visit_id: str) -> int | None:
        for row, entry in enumerate(self._shown):
            if entry.row.id == visit_id:
                return row
        return None

    def departements(self) -> list[str]:
        """The départements of the loaded visits, in code order."""
        return sorted({entry.row.departement for entry in self._all})

    # -- Qt model --------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers.get(Column(section))
        return None

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        # Called for every role of every visible cell at each repaint: plain int tests.
        role = int(role)
        if role == _DISPLAY:
            return _display(self._shown[index.row()].row, index.column())
        if role == _ALIGNMENT:
            return Qt.AlignmentFlag.AlignCenter if index.column() in _CENTERED else None
        if role == _VISIT_ID:
            return self._shown[index.row()].row.id
        if role == _PROGRESS:
            return self._shown[index.row()].row.progress
        if role == _TOOLTIP and index.column() == Column.COMMUNE:
            row = self._shown[index.row()].row
            return f"{row.commune_name} ({row.commune_code})"
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = Column(column)
        self._sort_order = order
        self._sort_all()
        self._refilter()

    # -- internals -------------------------------------------------------------------

    def _sort_all(self) -> None:
        # Newest first is the base order (as list_visits returns it); a stable sort on
        # the chosen column keeps it among equal values.
        self._all.sort(key=_newest_first_key, reverse=True)
        self._all.sort(
            key=_SORT_KEYS[self._sort_column],
            reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
        )

    def _refilter(self) -> None:
        self.beginResetModel()
        self._shown = filter_entries(self._all, self._filter)
        self.endResetModel()


def _newest_first_key(entry: _Entry) -> tuple[date, str]:
    return (entry.row.visit_date, entry.row.id)


_SORT_KEYS: dict[Column, Callable[[_Entry], Any]] = {
    Column.COMMUNE: lambda e: e.name_key,
    Column.DEPARTEMENT: lambda e: e.row.departement,
    Column.DATE: lambda e: e.row.visit_date,
    Column.TYPE: lambda e: _TYPE_ORDER[e.row.visit_type],
    Column.STATUS: lambda e: _STATUS_ORDER[e.row.status],
    Column.AUTHOR: lambda e: e.author_key,
    Column.PROGRESS: lambda e: e.row.progress,
}


def _display(row: VisitSummary, column: int) -> str:
    if column == 0:
        return row.commune_name
    if column == 1:
        return row.departement
    if column == 2:
        return french_date(row.visit_date)
    if column == 3:
        return row.visit_type.label
    if column == 4:
        return row.status.label
    if column == 5:
        return row.author
    return f"{row.answered}/{row.total}"


class ProgressDelegate(QStyledItemDelegate):
    """Draws the progress column as a bar with its "12/58" text.

    Plain painter calls rather than the style's progress bar control: the style's
    gradients cost about 0.3 ms a cell, which made the repaint after each keystroke in
    the search field twice as slow (benchmarks/bench_ui_start.py).
    """

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        fraction = min(max(float(index.data(PROGRESS_ROLE) or 0.0), 0.0), 1.0)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        palette = option.palette  # type: ignore[attr-defined]
        bar = option.rect.adjusted(4, 3, -5, -4)  # type: ignore[attr-defined]
        filled = QRect(bar.left() + 1, bar.top() + 1, round((bar.width() - 1) * fraction), 0)
        filled.setBottom(bar.bottom())
        painter.save()
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.brush(QPalette.ColorRole.Base))
        painter.drawRect(bar)
        if filled.width() > 0:
            painter.fillRect(filled, palette.brush(QPalette.ColorRole.Highlight))
        # The text reads on both parts: highlighted text over the filled part.
        painter.setClipRect(filled)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(bar, Qt.AlignmentFlag.AlignCenter, text)
        painter.setClipRect(QRect(filled.right() + 1, bar.top(), bar.width(), bar.height() + 1))
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(bar, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
