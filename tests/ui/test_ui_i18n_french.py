"""French by default: the translators really turn the UI (and Qt's buttons) French."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QDialogButtonBox

from fieldvisit.paths import DataDir
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.i18n import (
    TS_FILE_NAME,
    app_translation_file,
    compile_catalogue,
    install_translators,
    language_setting,
    remove_translators,
    translations_dir,
)
from fieldvisit.ui.shell.app import open_services
from fieldvisit.ui.shell.main_window import MainWindow


@pytest.fixture
def french(qapp, tmp_path: Path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The committed catalogue compiled as `make` does, installed; removed afterwards."""
    compile_catalogue(translations_dir() / TS_FILE_NAME, app_translation_file("fr", tmp_path))
    default_locale = QLocale()
    translators = install_translators(qapp, "fr", directory=tmp_path)
    assert len(translators) == 2  # Qt's own and the app's
    yield
    remove_translators(qapp, translators)
    QLocale.setDefault(default_locale)


def test_main_window_and_dialog_are_french(french, ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    assert window.action_new_visit.text() == "&Nouvelle visite…"
    assert window.action_quit.text() == "&Quitter"
    assert window.menuBar().actions()[0].text() == "&Fichier"
    assert window.visit_list.welcome.title.text() == "Bienvenue dans fieldvisit"
    assert window.visit_list.welcome.demo_button.text() == "Charger des données de démonstration"
    assert window.visit_count_label.text() == "0 visite"

    dialog = window.new_visit()
    assert dialog.windowTitle() == "Nouvelle visite"
    assert dialog.ok_button.text() == "Créer la visite"
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text().replace("&", "") == "Annuler"  # from Qt's qtbase_fr.qm
    assert QLocale().language() == QLocale.Language.French
    dialog.reject()
    window.close()


def test_startup_error_title_is_french(french, data_dir: DataDir) -> None:  # type: ignore[no-untyped-def]
    data_dir.ensure()
    data_dir.database.write_bytes(b"garbage" * 20)
    shown = []
    open_services(data_dir, show=shown.append)
    assert shown[0].windowTitle() == "fieldvisit ne peut pas démarrer"


def test_english_installs_no_translator(qapp) -> None:  # type: ignore[no-untyped-def]
    default_locale = QLocale()
    try:
        assert install_translators(qapp, "en") == []
    finally:
        QLocale.setDefault(default_locale)


def test_language_setting_defaults_to_french(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert language_setting(settings) == "fr"
    settings.setValue("ui/language", "en")
    assert language_setting(settings) == "en"
    settings.setValue("ui/language", "klingon")
    assert language_setting(settings) == "fr"


def test_shipped_qm_is_found_where_make_builds_it() -> None:
    path = app_translation_file("fr")
    assert path.parent == translations_dir()
    assert path.name == "fieldvisit_fr.qm"
