"""« À propos de fieldvisit »: version, where the data lives, licences of what ships.

The licences listed are those of what the installed app redistributes: the DejaVu fonts
embedded in every report, the Etalab communes reference, Qt and Qt for Python (LGPL:
their libraries stay separate, replaceable files of the bundle), and the Python
libraries. The licence texts that ship with the app open from here.
"""

from __future__ import annotations

import html
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldvisit import __version__
from fieldvisit.assets import asset_path
from fieldvisit.ui.base.icons import app_icon

FONT_LICENCE = ("resources", "fonts", "LICENSE-DejaVu.txt")
COMMUNES_SOURCE = ("resources", "communes", "SOURCE.md")
QT_SOURCE_URL = "https://code.qt.io/"


class AboutDialog(QDialog):
    """Shown by Help > About; `data_dir` is the folder the app was started on."""

    def __init__(
        self, data_dir: Path, log_file: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About fieldvisit"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.data_dir = data_dir
        self.licence_files = [asset_path(*FONT_LICENCE), asset_path(*COMMUNES_SOURCE)]

        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(64, 64))
        title = QLabel(f"<h2>fieldvisit {html.escape(__version__)}</h2>", self)
        summary = QLabel(
            self.tr(
                "Field visits on everyday security for the Petites Villes de demain "
                "programme: checklist, interviews, diagnostic, action plan and report."
            ),
            self,
        )
        summary.setWordWrap(True)
        heading = QVBoxLayout()
        heading.addWidget(title)
        heading.addWidget(summary)
        header = QHBoxLayout()
        header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(heading, 1)

        self.version_label = QLabel(__version__, self)
        self.version_label.setObjectName("versionLabel")
        self.qt_label = QLabel(
            f"Qt {qVersion()}, Qt for Python (PySide6) {PySide6.__version__}", self
        )
        self.data_dir_label = self._selectable(str(data_dir))
        self.data_dir_label.setObjectName("dataDirLabel")
        self.open_data_dir_button = QPushButton(self.tr("&Open the folder"), self)
        self.open_data_dir_button.clicked.connect(self.open_data_dir)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_dir_label, 1)
        data_row.addWidget(self.open_data_dir_button)
        data_note = QLabel(
            self.tr(
                "Your visits, photos and backups are kept in this folder. Uninstalling "
                "fieldvisit does not delete it: remove it yourself to erase the data."
            ),
            self,
        )
        data_note.setWordWrap(True)
        self.log_label = self._selectable(str(log_file) if log_file else self.tr("none"))

        form = QFormLayout()
        form.addRow(self.tr("Version:"), self.version_label)
        form.addRow(self.tr("Libraries:"), self.qt_label)
        form.addRow(self.tr("Data folder:"), data_row)
        form.addRow("", data_note)
        form.addRow(self.tr("Log file:"), self.log_label)

        self.licences_view = QTextBrowser(self)
        self.licences_view.setObjectName("licencesView")
        self.licences_view.setOpenLinks(False)  # links open outside, in the system's apps
        self.licences_view.anchorClicked.connect(self.open_link)
        self.licences_view.setHtml(self._licences_html())
        self.licences_view.setMinimumHeight(220)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(form)
        licences_title = QLabel(self.tr("Licences"), self)
        licences_title.setStyleSheet("font-weight: bold")
        layout.addWidget(licences_title)
        layout.addWidget(self.licences_view, 1)
        layout.addWidget(buttons)
        self.resize(620, 620)

    def _selectable(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    def _licences_html(self) -> str:
        def link(target: str | Path, text: str) -> str:
            url = QUrl.fromLocalFile(str(target)) if isinstance(target, Path) else QUrl(target)
            return f'<a href="{html.escape(url.toString())}">{html.escape(text)}</a>'

        esc = html.escape
        font_licence, communes_source = self.licence_files
        entries = [
            (self.tr("fieldvisit and its icons"), esc(self.tr("MIT licence.")), ""),
            (
                self.tr("DejaVu Sans fonts (embedded in the reports)"),
                esc(
                    self.tr(
                        "Bitstream Vera and Arev fonts licences; DejaVu's changes are in "
                        "the public domain."
                    )
                ),
                link(font_licence, self.tr("Licence text")),
            ),
            (
                self.tr("Communes reference"),
                esc(
                    self.tr(
                        "« Source : Etalab, découpage administratif »: the data is under the "
                        "Licence Ouverte / Open Licence (Etalab), the "
                        "@etalab/decoupage-administratif package under the MIT licence."
                    )
                ),
                link(communes_source, self.tr("Source and licence")),
            ),
            (
                self.tr("Qt and Qt for Python (PySide6)"),
                esc(
                    self.tr(
                        "GNU LGPL version 3. Their libraries are separate files of the "
                        "application and can be replaced; their source code is available "
                        "from the Qt Project."
                    )
                ),
                link(QT_SOURCE_URL, "code.qt.io"),
            ),
            (
                self.tr("Other components"),
                esc(
                    self.tr(
                        "Python (PSF licence); SQLAlchemy, Alembic, pydantic, platformdirs, "
                        "keyring (MIT); Pillow (MIT-CMU); ReportLab, httpx (BSD); PDFium "
                        "through pypdfium2 (Apache 2.0 and BSD)."
                    )
                ),
                "",
            ),
        ]
        rows = []
        for name, text, more in entries:
            extra = f" {more}" if more else ""
            rows.append(f"<p><b>{esc(name)}</b><br>{text}{extra}</p>")
        return "".join(rows)

    def open_link(self, url: QUrl) -> None:
        """A licence text or a web page, in the system's viewer or browser."""
        QDesktopServices.openUrl(url)

    def open_data_dir(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.data_dir)))
