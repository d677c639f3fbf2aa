"""Asking why an item's data is unavailable (« Donnée indisponible », core/unavailable.py).

Opened non-modally (`open()`), so that a test drives it like a person; OK stays disabled,
with a line saying a reason is required, while the reason is blank.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.ui.widgets.text_limit import LimitedLineEdit


class UnavailableDialog(QDialog):
    """The reason of a « Donnée indisponible » answer for one item."""

    def __init__(self, label: str, reason: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unavailableDialog")
        self.setWindowTitle(self.tr("Data unavailable"))
        layout = QVBoxLayout(self)
        question = QLabel(self.tr("Why is the data of « {0} » unavailable?").format(label), self)
        question.setWordWrap(True)
        layout.addWidget(question)
        self.reason_edit = LimitedLineEdit(parent=self)
        self.reason_edit.setObjectName("unavailableReason")
        self.reason_edit.setAccessibleName(self.tr("Reason the data is unavailable"))
        self.reason_edit.setPlaceholderText(
            self.tr("e.g. not published for the commune, figure not provided by the mairie")
        )
        self.reason_edit.setMinimumWidth(420)
        self.reason_edit.setText(reason)
        question.setBuddy(self.reason_edit)
        layout.addWidget(self.reason_edit)
        self.hint = QLabel(self.tr("A reason is required."), self)
        self.hint.setObjectName("unavailableHint")
        layout.addWidget(self.hint)
        note = QLabel(
            self.tr("The item then counts as answered. Answering it normally undoes this."),
            self,
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._accept_if_reason)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason_edit.textChanged.connect(self._update)
        self._update()

    @property
    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def _update(self) -> None:
        given = bool(self.reason())
        self.ok_button.setEnabled(given)
        self.hint.setVisible(not given)

    def _accept_if_reason(self) -> None:
        if self.reason():  # Enter in a blank field does nothing: a reason is required
            self.accept()
