"""French asked for, French catalogue missing: the app says so in French at start-up and
lets the user quit (the default) or go on in English; it never starts English silently."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QMessageBox

from fieldvisit import logs
from fieldvisit.paths import DataDir
from fieldvisit.ui.base import i18n
from fieldvisit.ui.shell import app as app_module
from fieldvisit.ui.shell.app import confirm_missing_translation, missing_translation_box, run_app


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "logs"
    monkeypatch.setenv(logs.ENV_LOG_DIR, str(folder))
    yield folder
    for handler in list(logs.log.handlers):
        if isinstance(handler, logging.FileHandler):
            logs.log.removeHandler(handler)
            handler.close()


def _click(label: str):  # type: ignore[no-untyped-def]
    def ask(box: QMessageBox) -> None:
        (button,) = [b for b in box.buttons() if b.text() == label]
        button.click()

    return ask


def test_a_missing_catalogue_is_found(tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    assert i18n.missing_app_catalogue("fr", tmp_path) == tmp_path / "fieldvisit_fr.qm"
    assert i18n.missing_app_catalogue("en", tmp_path) is None
    assert i18n.missing_app_catalogue("fr") is None  # the shipped one, built by the install


def test_the_message_is_french_and_quitting_is_the_default(tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "fieldvisit_fr.qm"
    box = missing_translation_box(path)
    assert box.windowTitle() == "Traduction française introuvable"
    assert str(path) in box.text()
    assert "Réinstallez fieldvisit" in box.informativeText()
    assert box.defaultButton().text() == "Quitter"
    assert box.escapeButton() is box.defaultButton()
    assert confirm_missing_translation(path, ask=_click("Quitter")) is False
    assert confirm_missing_translation(path, ask=_click("Continuer en anglais")) is True
    assert confirm_missing_translation(path, ask=lambda box: None) is False  # closed


def test_run_app_without_the_french_catalogue_asks_and_quits(  # type: ignore[no-untyped-def]
    data_dir: DataDir, log_dir: Path, tmp_path: Path, qapp, monkeypatch
) -> None:
    empty = tmp_path / "no-translations"
    empty.mkdir()
    monkeypatch.setattr(i18n, "translations_dir", lambda: empty)
    asked: list[str] = []

    def quit_at_once(box: QMessageBox) -> None:
        asked.append(box.text())
        _click("Quitter")(box)

    monkeypatch.setattr(app_module, "_ask_box", quit_at_once)
    monkeypatch.setattr(app_module, "_run_window", lambda *args: pytest.fail("window opened"))
    default_locale = QLocale()
    try:
        assert run_app(data_dir) == 1
    finally:
        QLocale.setDefault(default_locale)
    assert len(asked) == 1 and "fieldvisit_fr.qm" in asked[0]
    assert "fieldvisit_fr.qm not found" in (log_dir / logs.LOG_FILE_NAME).read_text("utf-8")
