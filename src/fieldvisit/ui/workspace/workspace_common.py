"""Small pieces shared by the workspace pages: French dates, choosers, confirmations.

Dialogs here never block (`open()`, not `exec()`): autosaves and the worker keep
running while a question is on screen, and tests drive them like a person would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.ui.widgets.date_edit import french_locale


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def long_date(value: date) -> str:
    """Like « jeudi 12 mars 2026 »."""
    return french_locale().toString(to_qdate(value), QLocale.FormatType.LongFormat)


class ChoiceDialog(QDialog):
    """Pick one option from a list; type to filter (the list can be long).

    `chosen()` is the data of the picked option. Connect `accepted` and call `open()`.
    """

    def __init__(
        self,
        title: str,
        prompt: str,
        options: Sequence[tuple[Any, str]],
        parent: QWidget | None = None,
        current: Any = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.combo = QComboBox(self)
        self.combo.setAccessibleName(prompt)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for data, text in options:
            self.combo.addItem(text, data)
        completer = self.combo.completer()
        if completer is not None:  # find "éclairage" anywhere in "Section › Item"
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        label.setBuddy(self.combo)
        if current is not None:
            index = self.combo.findData(current)
            if index >= 0:
                self.combo.setCurrentIndex(index)
        layout.addWidget(self.combo)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def chosen(self) -> Any:
        return self.combo.currentData()

    def choose(self, data: Any) -> None:
        """Select the option whose data is data (for keyboard users and tests)."""
        index = self.combo.findData(data)
        if index < 0:
            raise KeyError(data)
        self.combo.setCurrentIndex(index)


class Confirmation(QMessageBox):
    """A yes/no question whose "yes" runs a callback; "no" is the default button."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        text: str,
        confirm_label: str,
        on_confirmed: Callable[[], None],
    ) -> None:
        super().__init__(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
        )
        self.setObjectName("confirmBox")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.confirm_button = self.addButton(confirm_label, QMessageBox.ButtonRole.AcceptRole)
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.cancel_button)
        self._on_confirmed = on_confirmed
        self.buttonClicked.connect(self._clicked)

    def _clicked(self, button: QAbstractButton) -> None:
        if button is self.confirm_button:
            self._on_confirmed()


def ask_confirmation(
    parent: QWidget,
    title: str,
    text: str,
    confirm_label: str,
    on_confirmed: Callable[[], None],
) -> Confirmation:
    box = Confirmation(parent, title, text, confirm_label, on_confirmed)
    box.open()
    return box
