"""Preferences: the interface language (applies at the next start), the author name,
the organisation's logo printed on the reports' cover (a path; the report layer reads
the file), and where the photos' GPS positions go (services/photo_privacy.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.errors import BadInput
from fieldvisit.core.geo import LocationPolicy
from fieldvisit.ui.base.i18n import LANGUAGE_KEY, LANGUAGES, language_setting

AUTHOR_KEY = "visits/author"
LOGO_KEY = "report/logo"
GPS_STORED_KEY = "photos/gps_in_stored_photos"
GPS_SHARED_KEY = "photos/gps_in_shared_copies"


def _flag(settings: QSettings, key: str, default: bool) -> bool:
    value = settings.value(key, default)
    if isinstance(value, str):  # QSettings' INI files give text back
        return value.lower() in ("true", "1")
    return bool(value)


def location_policy(settings: QSettings) -> LocationPolicy:
    """Where the photos' GPS positions go (default: kept, but not shared)."""
    default = LocationPolicy()
    return LocationPolicy(
        in_stored_photos=_flag(settings, GPS_STORED_KEY, default.in_stored_photos),
        in_shared_copies=_flag(settings, GPS_SHARED_KEY, default.in_shared_copies),
    )


def author_setting(settings: QSettings) -> str:
    value = settings.value(AUTHOR_KEY, "")
    return str(value) if value else ""


def logo_setting(settings: QSettings) -> Path | None:
    """The logo file for the reports' cover; None when unset or no longer there (the
    report is then drawn without one)."""
    value = settings.value(LOGO_KEY, "")
    path = Path(str(value)) if value else None
    return path if path is not None and path.is_file() else None


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

        saved_logo = settings.value(LOGO_KEY, "")
        self.logo_edit = QLineEdit(str(saved_logo) if saved_logo else "", self)
        self.logo_edit.setAccessibleName(self.tr("Organisation logo"))
        self.logo_edit.setPlaceholderText(self.tr("No logo"))
        self.logo_edit.setClearButtonEnabled(True)
        browse = QPushButton(self.tr("&Browse…"), self)
        browse.clicked.connect(self.choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_edit, 1)
        logo_row.addWidget(browse)
        logo_note = QLabel(self.tr("PNG or JPEG image printed on the cover of the reports."), self)
        logo_note.setWordWrap(True)

        policy = location_policy(settings)
        self.gps_stored_check = QCheckBox(
            self.tr("Keep the GPS position of imported photos (internal report)"), self
        )
        self.gps_stored_check.setChecked(policy.in_stored_photos)
        self.gps_shared_check = QCheckBox(
            self.tr("Also show it in the shareable report and in exported copies"), self
        )
        self.gps_shared_check.setChecked(policy.in_shared_copies)
        gps_note = QLabel(
            self.tr(
                "A position says where a person was: by default it stays in this computer's "
                "data and the internal report, and is removed from what is shared."
            ),
            self,
        )
        gps_note.setWordWrap(True)
        gps_box = QVBoxLayout()
        gps_box.addWidget(self.gps_stored_check)
        gps_box.addWidget(self.gps_shared_check)
        gps_box.addWidget(gps_note)

        form = QFormLayout()
        form.addRow(self.tr("&Language:"), self.language_combo)
        form.addRow("", restart_note)
        form.addRow(self.tr("&Author:"), self.author_edit)
        form.addRow("", author_note)
        form.addRow(self.tr("&Logo:"), logo_row)
        form.addRow("", logo_note)
        form.addRow(self.tr("Photo location:"), gps_box)

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

    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Organisation logo"), "", self.tr("Images (*.png *.jpg *.jpeg)")
        )
        if path:
            self.logo_edit.setText(path)

    def logo_problem(self) -> str:
        """Why the logo typed or chosen cannot be used (French, from the report layer),
        or "" when it can (or none is set)."""
        from fieldvisit.report.logo import load_logo

        text = self.logo_edit.text().strip()
        if not text:
            return ""
        try:
            load_logo(Path(text))
        except BadInput as exc:
            return str(exc)
        return ""

    def accept(self) -> None:
        problem = self.logo_problem()
        if problem:  # the dialog stays open, nothing saved
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("Organisation logo"),
                problem,
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setObjectName("logoProblem")
            box.finished.connect(self.logo_edit.setFocus)
            box.open()
            return
        self.save()
        super().accept()

    def save(self) -> None:
        self.settings.setValue(LANGUAGE_KEY, self.language_combo.currentData())
        self.settings.setValue(AUTHOR_KEY, self.author_edit.text().strip())
        self.settings.setValue(LOGO_KEY, self.logo_edit.text().strip())
        self.settings.setValue(GPS_STORED_KEY, self.gps_stored_check.isChecked())
        self.settings.setValue(GPS_SHARED_KEY, self.gps_shared_check.isChecked())
        self.settings.sync()
