"""UI fixtures: real services on a fresh data dir, an inline worker, private settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings

from fieldvisit.paths import DataDir
from fieldvisit.services import Services
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.i18n import (
    TS_FILE_NAME,
    app_translation_file,
    compile_catalogue,
    install_translators,
    remove_translators,
    translations_dir,
)
from fieldvisit.ui.base.worker import DatabaseWorker
from fieldvisit.ui.shell.main_thread_gc import MainThreadCollector


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_ui_thread(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """As in the app: a sync round or the worker never frees a Qt object by collecting."""
    collector = MainThreadCollector()
    yield
    collector.stop()


def make_context(
    data_dir: DataDir, settings_file: Path, communes, inline: bool = True
) -> UiContext:  # type: ignore[no-untyped-def]
    services = Services.open(data_dir)
    services.__dict__["communes"] = communes
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    return UiContext(services, DatabaseWorker(inline=inline), settings)


@pytest.fixture
def ui_ctx(qapp, data_dir: DataDir, tmp_path: Path, communes) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    """Deterministic: operations run synchronously on the UI thread."""
    ctx = make_context(data_dir, tmp_path / "settings.ini", communes)
    yield ctx
    ctx.worker.shutdown()
    ctx.services.close()


@pytest.fixture
def threaded_ctx(qapp, data_dir: DataDir, tmp_path: Path, communes) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    """The real background thread, as in the app."""
    ctx = make_context(data_dir, tmp_path / "settings.ini", communes, inline=False)
    yield ctx
    ctx.worker.shutdown()
    ctx.services.close()


@pytest.fixture
def french(qapp, tmp_path: Path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The committed French catalogue, compiled as `make` does and installed: the app as
    people read it; removed afterwards, with the default locale put back."""
    compile_catalogue(translations_dir() / TS_FILE_NAME, app_translation_file("fr", tmp_path))
    default_locale = QLocale()
    translators = install_translators(qapp, "fr", directory=tmp_path)
    yield
    remove_translators(qapp, translators)
    QLocale.setDefault(default_locale)
