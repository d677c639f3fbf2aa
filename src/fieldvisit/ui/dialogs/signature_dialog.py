"""Sign on screen: the signer's name, a pad to sign on, « Effacer » and « Valider ».

The dialog only collects the drawing (`strokes()`) and the name (`name()`); the page
that opened it keeps them with services/signatures.py. « Valider » waits for both.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.services.signatures import NAME_CHARS
from fieldvisit.ui.widgets.signature_pad import SignaturePad
from fieldvisit.ui.widgets.text_limit import LimitedLineEdit


class SignatureDialog(QDialog):
    def __init__(self, role_label: str, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Signature — {0}").format(role_label))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = LimitedLineEdit(parent=self, limit=NAME_CHARS)
        self.name_edit.setText(name)
        self.name_edit.setAccessibleName(self.tr("Signer's name"))
        self.name_edit.textChanged.connect(self._update_buttons)
        form.addRow(self.tr("Signer (&name):"), self.name_edit)
        layout.addLayout(form)
        hint = QLabel(self.tr("Sign in the box with the mouse, a pen or a finger."), self)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.pad = SignaturePad(self)
        self.pad.setMinimumSize(540, 180)
        self.pad.changed.connect(self._update_buttons)
        layout.addWidget(self.pad, 1)
        buttons = QDialogButtonBox(self)
        self.clear_button = QPushButton(self.tr("&Clear"), self)
        self.clear_button.clicked.connect(self.pad.clear)
        self.validate_button = QPushButton(self.tr("&Validate"), self)
        self.validate_button.setDefault(True)
        buttons.addButton(self.clear_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.addButton(self.validate_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update_buttons()
        (self.pad if name else self.name_edit).setFocus()

    def _update_buttons(self) -> None:
        ready = not self.pad.is_empty() and bool(self.name_edit.text().strip())
        self.validate_button.setEnabled(ready)
        self.clear_button.setEnabled(not self.pad.is_empty())

    def name(self) -> str:
        return self.name_edit.text().strip()

    def strokes(self) -> list[list[list[float]]]:
        return self.pad.strokes()
