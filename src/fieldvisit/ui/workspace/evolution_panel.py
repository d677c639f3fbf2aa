"""What became of the previous visit's plan, shown at the top of a follow-up's
Diagnostic: one compact line per action (its state now, its text, its échéance)."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette, QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from fieldvisit.core.dates import day_text
from fieldvisit.core.domain import LATE_LABEL, ActionStatus
from fieldvisit.services.evolution import ActionSince, Evolution

# Mid-tone colours (as the diagnostic's levels): a cue; the words say the same.
STATE_COLOURS: dict[str, str] = {
    ActionStatus.REALISEE.label: "#43a047",
    ActionStatus.EN_COURS.label: "#1e88e5",
    LATE_LABEL: "#d32f2f",
    ActionStatus.A_ENGAGER.label: "#f9a825",
    ActionStatus.ABANDONNEE.label: "#9e9e9e",
}
# The order of the counts in the panel's summary line
STATE_ORDER = tuple(STATE_COLOURS)


@cache
def state_icon(label: str) -> QPixmap:
    pixmap = QPixmap(10, 10)
    pixmap.fill(QColor(STATE_COLOURS.get(label, "#9e9e9e")))
    return pixmap


class EvolutionPanel(QFrame):
    """The previous visit's actions as they stand now; hidden on a first visit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evolutionPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        self.title = QLabel(self)
        self.title.setObjectName("evolutionTitle")
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.summary = QLabel(self)
        self.summary.setObjectName("evolutionSummary")
        self.summary.setWordWrap(True)
        self.summary.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.summary)
        self._grid_holder = QWidget(self)
        self._grid = QGridLayout(self._grid_holder)
        self._grid.setContentsMargins(0, 2, 0, 0)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(3)
        self._grid.setColumnStretch(2, 1)
        layout.addWidget(self._grid_holder)
        self._lines: list[tuple[str, str, str]] = []
        self.hide()

    def set_evolution(self, evolution: Evolution | None) -> None:
        """Show the actions of `evolution`'s previous visit; None hides the panel."""
        self._clear()
        if evolution is None:
            self.hide()
            return
        when = day_text(evolution.previous_visit_date)
        self.title.setText(self.tr("Actions of the visit of {0}").format(when))
        counts: dict[str, int] = {}
        for action in evolution.actions:
            counts[action.state_label] = counts.get(action.state_label, 0) + 1
        if evolution.actions:
            parts = [
                self.tr("{0}: {1}").format(label, counts[label])
                for label in STATE_ORDER
                if counts.get(label)
            ]
            self.summary.setText(" · ".join(parts))
        else:
            self.summary.setText(self.tr("The plan of that visit had no action."))
        for row, action in enumerate(evolution.actions):
            self._add_line(row, action)
        self.show()

    def lines(self) -> list[tuple[str, str, str]]:
        """(state, action, échéance) of each line shown, for tests and accessibility."""
        return list(self._lines)

    def _add_line(self, row: int, action: ActionSince) -> None:
        state = action.state_label
        dot = QLabel(self._grid_holder)
        dot.setPixmap(state_icon(state))
        self._grid.addWidget(dot, row, 0, Qt.AlignmentFlag.AlignVCenter)
        state_label = QLabel(state, self._grid_holder)
        font = QFont(state_label.font())
        font.setWeight(QFont.Weight.DemiBold)
        state_label.setFont(font)
        self._grid.addWidget(state_label, row, 1, Qt.AlignmentFlag.AlignTop)
        text = QLabel(action.text, self._grid_holder)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        self._grid.addWidget(text, row, 2, Qt.AlignmentFlag.AlignTop)
        due = self.tr("due {0}").format(day_text(action.due_date)) if action.due_date else ""
        due_label = QLabel(due, self._grid_holder)
        due_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._grid.addWidget(due_label, row, 3, Qt.AlignmentFlag.AlignTop)
        text.setAccessibleName(f"{state} — {action.text}")
        self._lines.append((state, action.text, due))

    def _clear(self) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._lines.clear()
