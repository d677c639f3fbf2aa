"""Help > About: the version, where the data lives, the licences of what ships."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from fieldvisit import __version__
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.i18n import (
    TS_FILE_NAME,
    app_translation_file,
    compile_catalogue,
    install_translators,
    remove_translators,
    translations_dir,
)
from fieldvisit.ui.dialogs.about_dialog import AboutDialog
from fieldvisit.ui.shell.main_window import MainWindow


@pytest.fixture(autouse=True)
def _dialogs_deleted_here(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Delete the closed dialogs and their Python wrappers now, on the GUI thread: left to
    a later garbage collection, they could be freed from a worker thread of another test."""
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


class OpenedUrls(QObject):
    """Stands in for the system's file manager and browser (QDesktopServices handler)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened(qapp) -> Iterator[OpenedUrls]:  # type: ignore[no-untyped-def]
    handler = OpenedUrls()
    for scheme in ("file", "https"):
        QDesktopServices.setUrlHandler(scheme, handler, "open")
    yield handler
    for scheme in ("file", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


def test_help_menu_opens_about_with_version_data_folder_and_licences(
    ui_ctx: UiContext,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    help_menu = window.menuBar().actions()[-1].menu()
    assert window.action_about in help_menu.actions()

    window.action_about.trigger()
    dialog = window.findChild(AboutDialog, "aboutDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.version_label.text() == __version__ == version("fieldvisit")
    assert dialog.data_dir_label.text() == str(ui_ctx.services.data_dir.root)

    licences = dialog.licences_view.toPlainText()
    for expected in (
        "DejaVu Sans",
        "Bitstream Vera",
        "Etalab, découpage administratif",
        "Licence Ouverte",
        "MIT",
        "LGPL version 3",
    ):
        assert expected in licences
    font_licence, communes_source = dialog.licence_files
    assert "Bitstream Vera Fonts Copyright" in font_licence.read_text(encoding="utf-8")
    assert "Licence Ouverte" in communes_source.read_text(encoding="utf-8")
    page = dialog.licences_view.toHtml()
    for path in dialog.licence_files:
        assert QUrl.fromLocalFile(str(path)).toString() in page
    dialog.close()


def test_folder_and_licence_links_open_in_the_system(
    opened: OpenedUrls,
    tmp_path: Path,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    dialog = AboutDialog(tmp_path / "data", None)
    qtbot.addWidget(dialog)
    assert dialog.log_label.text() == "none"

    qtbot.mouseClick(dialog.open_data_dir_button, Qt.MouseButton.LeftButton)
    licence = QUrl.fromLocalFile(str(dialog.licence_files[0]))
    dialog.licences_view.anchorClicked.emit(licence)  # what a click on the link sends
    dialog.licences_view.anchorClicked.emit(QUrl("https://code.qt.io/"))

    assert [url.toString() for url in opened.urls] == [
        QUrl.fromLocalFile(str(tmp_path / "data")).toString(),
        licence.toString(),
        "https://code.qt.io/",
    ]
    assert dialog.licences_view.toPlainText().startswith("fieldvisit")  # page not replaced


def test_about_is_french(qapp, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    compile_catalogue(translations_dir() / TS_FILE_NAME, app_translation_file("fr", tmp_path))
    default_locale = QLocale()
    translators = install_translators(qapp, "fr", directory=tmp_path)
    try:
        dialog = AboutDialog(tmp_path / "data", tmp_path / "fieldvisit.log")
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "À propos de fieldvisit"
        assert dialog.open_data_dir_button.text() == "&Ouvrir le dossier"
        assert dialog.log_label.text() == str(tmp_path / "fieldvisit.log")
        licences = dialog.licences_view.toPlainText()
        assert "Polices DejaVu Sans (incorporées aux rapports)" in licences
        assert "sous Licence Ouverte / Open Licence (Etalab)" in licences
        assert "Texte de la licence" in licences
    finally:
        remove_translators(qapp, translators)
        QLocale.setDefault(default_locale)
