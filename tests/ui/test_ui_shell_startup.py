"""Start-up: a data dir that cannot be opened gives a French message and exit code 2;
errors nobody handled become a message box (details in the log), never a traceback."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QMessageBox

from fieldvisit import logs
from fieldvisit.core.errors import RuleViolation
from fieldvisit.paths import DataDir
from fieldvisit.ui.shell import app as app_module
from fieldvisit.ui.shell.app import ErrorReporter, open_services, run_app


@pytest.fixture
def corrupt_data_dir(data_dir: DataDir) -> DataDir:
    data_dir.ensure()
    data_dir.database.write_bytes(b"this is not a database, just some bytes" * 10)
    return data_dir


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "logs"
    monkeypatch.setenv(logs.ENV_LOG_DIR, str(folder))
    yield folder
    for handler in list(logs.log.handlers):
        if isinstance(handler, logging.FileHandler):
            logs.log.removeHandler(handler)
            handler.close()


def test_corrupt_database_shows_a_french_message_and_gives_2(corrupt_data_dir: DataDir, qapp):  # type: ignore[no-untyped-def]
    shown: list[QMessageBox] = []
    services, code = open_services(corrupt_data_dir, show=shown.append)
    assert services is None
    assert code == 2
    (box,) = shown
    assert box.icon() == QMessageBox.Icon.Critical
    assert "n'est pas une base de données SQLite" in box.text()
    assert "Traceback" not in box.text() + box.informativeText()
    # untouched, as the message says
    assert corrupt_data_dir.database.read_bytes().startswith(b"this is not a database")


def test_database_from_a_newer_version_gives_2(data_dir: DataDir, qapp):  # type: ignore[no-untyped-def]
    import sqlite3

    data_dir.ensure()
    connection = sqlite3.connect(data_dir.database)
    connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
    connection.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    connection.commit()
    connection.close()
    shown: list[QMessageBox] = []
    services, code = open_services(data_dir, show=shown.append)
    assert (services, code) == (None, 2)
    assert "version plus récente" in shown[0].text()


def test_unwritable_data_dir_gives_2(tmp_path: Path, qapp):  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    shown: list[QMessageBox] = []
    services, code = open_services(DataDir(blocker / "data"), show=shown.append)
    assert (services, code) == (None, 2)
    assert "n'est pas utilisable en écriture" in shown[0].text()


def test_a_good_data_dir_opens(data_dir: DataDir, qapp):  # type: ignore[no-untyped-def]
    services, code = open_services(data_dir, show=pytest.fail)
    assert services is not None and code == 0
    services.close()


def test_run_app_on_a_corrupt_database_returns_2_and_logs(  # type: ignore[no-untyped-def]
    corrupt_data_dir: DataDir, log_dir: Path, qapp, monkeypatch
):
    shown: list[QMessageBox] = []
    monkeypatch.setattr(app_module, "_exec_box", shown.append)
    default_locale = QLocale()
    try:
        assert run_app(corrupt_data_dir) == 2
    finally:
        QLocale.setDefault(default_locale)
    assert len(shown) == 1
    assert "SQLite" in shown[0].text()
    log_text = (log_dir / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "cannot open" in log_text
    assert str(corrupt_data_dir.root) in log_text


def test_uncaught_exceptions_are_logged_and_shown_without_traceback(log_dir: Path, qapp):  # type: ignore[no-untyped-def]
    logs.setup_logging()
    reporter = ErrorReporter()
    restore = logs.install_excepthook(reporter.uncaught)
    try:
        try:
            raise ValueError("boom in a slot")
        except ValueError:
            sys.excepthook(*sys.exc_info())  # what Python does for an uncaught one
    finally:
        restore()
    assert sys.excepthook is not None
    (box,) = reporter.shown
    assert box.objectName() == "errorBox"
    assert "boom" not in box.text()  # a generic, honest message instead
    assert "log" in box.text()
    log_text = (log_dir / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "ValueError: boom in a slot" in log_text
    assert "Traceback" in log_text
    box.close()


def test_unhandled_worker_errors_are_shown_once_in_a_burst(qapp):  # type: ignore[no-untyped-def]
    reporter = ErrorReporter()
    for _ in range(5):
        reporter.unhandled(RuleViolation("Une visite « Terminée » ne peut pas passer à « X »."))
    assert len(reporter.shown) == 1
    assert reporter.shown[0].text().startswith("Une visite « Terminée »")
    reporter.shown[0].close()
