"""Preferences: the interface language (applies at the next start) and the author name."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.ui.i18n import LANGUAGE_KEY, LANGUAGES, language_setting

AUTHOR_KEY = "visits/author"


def author_setting(settings: QSettings) -> str:
    value = settings.value(AUTHOR_KEY, "")
    return str(value) if value else ""


class PreferencesDialog(QDialog):
    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Preferences"))
        self.setObjectName("preferencesDialog")

        self.language_combo = QComboBox(self)
        self.language_combo.setAccessibleName(self.tr("Interface language"))
        for code, name in LANGUAGES.items():
            self.language_combo.addItem(name, code)
        current = self.language_combo.findData(language_setting(settings))
        self.language_combo.setCurrentIndex(max(current, 0))
        self._initial_language = language_setting(settings)

        restart_note = QLabel(
            self.tr("A new language applies the next time you start the application."), self
        )
        restart_note.setWordWrap(True)

        self.author_edit = QLineEdit(author_setting(settings), self)
        self.author_edit.setAccessibleName(self.tr("Author name"))
        self.author_edit.setPlaceholderText(self.tr("e.g. Claire Martin (ANCT)"))
        self.author_edit.setClearButtonEnabled(True)
        author_note = QLabel(self.tr("Suggested as the author of the visits you plan."), self)
        author_note.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("&Language:"), self.language_combo)
        form.addRow("", restart_note)
        form.addRow(self.tr("&Author:"), self.author_edit)
        form.addRow("", author_note)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    @property
    def language_changed(self) -> bool:
        return self.language_combo.currentData() != self._initial_language

    def accept(self) -> None:
        self.save()
        super().accept()

    def save(self) -> None:
        self.settings.setValue(LANGUAGE_KEY, self.language_combo.currentData())
        self.settings.setValue(AUTHOR_KEY, self.author_edit.text().strip())
        self.settings.sync()
