"""Starting the desktop app: logging, QApplication, translators, services, main window.

`run_app()` is what `fieldvisit` (no sub-command) calls. The pieces are separate
functions so tests can build the window or check the start-up errors without running
the event loop: `open_services()` turns a corrupt, locked or too new database into a
French message box and None; `build_main_window()` makes the window from a context.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from fieldvisit.core.errors import FieldvisitError
from fieldvisit.logs import (
    close_logging,
    enable_crash_traces,
    install_excepthook,
    setup_logging,
)
from fieldvisit.paths import APP_NAME, DataDir
from fieldvisit.security.errors import UnlockCancelled
from fieldvisit.services import Services
from fieldvisit.store import CorruptDatabase
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import describe
from fieldvisit.ui.base.i18n import (
    align_time_locale,
    install_translators,
    language_before_qt,
    language_setting,
    missing_app_catalogue,
    remove_translators,
)
from fieldvisit.ui.base.icons import app_icon
from fieldvisit.ui.base.worker import DatabaseWorker
from fieldvisit.ui.dialogs.passphrase import app_key_source
from fieldvisit.ui.dialogs.recovery_dialog import recover_at_start, restore_if_requested
from fieldvisit.ui.shell.main_thread_gc import MainThreadCollector
from fieldvisit.ui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from fieldvisit.security.keysource import KeySource

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
ERROR_BOX_INTERVAL_S = 2.0  # an error repeated in a loop must not open a box per repeat


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (the existing one in tests), named and with the app icon."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        align_time_locale(language_before_qt())  # before any QSettings
        app = QApplication(list(argv if argv is not None else sys.argv))
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("fieldvisit")
    app.setDesktopFileName(APP_NAME)
    app.setWindowIcon(app_icon())
    # No style or colours are forced: Qt's default style follows the system's light or
    # dark scheme (Qt 6.5+), and widgets use palette roles only.
    return app


def startup_error_box(err: BaseException, parent: QWidget | None = None) -> QMessageBox:
    """The message shown when the data dir cannot be opened."""
    _title, message = describe(err)
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        QCoreApplication.translate("app", "fieldvisit cannot start"),
        message,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("startupErrorBox")
    box.setInformativeText(QCoreApplication.translate("app", "Nothing was changed in your data."))
    return box


def missing_translation_box(path: Path, parent: QWidget | None = None) -> QMessageBox:
    """Said when French is asked for but its catalogue cannot be loaded.

    Written in French here, not through tr(): the translation is what is missing.
    """
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "Traduction française introuvable",
        "L'interface en français ne peut pas être chargée : le fichier de traduction "
        f"{path} manque ou est illisible.",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setObjectName("missingTranslationBox")
    box.setInformativeText(
        "Réinstallez fieldvisit (pip install . ou make dans une copie des sources "
        "compile ce fichier). Vos données ne sont pas touchées."
    )
    quit_button = box.addButton("Quitter", QMessageBox.ButtonRole.RejectRole)
    box.addButton("Continuer en anglais", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(quit_button)
    box.setEscapeButton(quit_button)
    return box


def confirm_missing_translation(
    path: Path, ask: Callable[[QMessageBox], object] | None = None
) -> bool:
    """True when the user chooses to go on in English; the box is shown by `ask`."""
    box = missing_translation_box(path)
    (ask or _ask_box)(box)
    clicked = box.clickedButton()
    return clicked is not None and box.buttonRole(clicked) == QMessageBox.ButtonRole.AcceptRole


def _ask_box(box: QMessageBox) -> None:
    box.exec()


def _exec_box(box: QMessageBox) -> None:
    box.exec()


def open_services(
    data_dir: DataDir,
    show: Callable[[QMessageBox], None] | None = None,
    keys: KeySource | None = None,
) -> tuple[Services | None, int]:
    """Open the data dir's services, or show why it is impossible.

    Returns (services, 0), or (None, exit code) after `show` was given the French
    message box: 2 for a known problem (corrupt or too new database, unwritable data
    dir, locked database, key not available, wrong passphrase), 1 for anything
    unexpected. By default the box is run modal. `keys` (default: the keyring, else the
    passphrase dialog) finds the encryption key; closing that dialog shows no box.
    """
    show = show or _exec_box
    keys = keys or app_key_source()
    try:
        restored = restore_if_requested(data_dir, keys, show)  # ui/dialogs/recovery_dialog.py
        if restored is not None:
            return restored
        return Services.open(data_dir, keys=keys), EXIT_OK
    except UnlockCancelled:
        log.info("no passphrase given for %s: not opened", data_dir.root)
        return None, EXIT_BAD_INPUT
    except CorruptDatabase as err:  # damaged or unreadable: offer the newest good backup
        log.warning("cannot open %s: %s", data_dir.root, err)
        return recover_at_start(data_dir, err, keys, show, startup_error_box)
    except FieldvisitError as err:
        log.warning("cannot open %s: %s", data_dir.root, err)
        show(startup_error_box(err))
        return None, EXIT_BAD_INPUT
    except Exception as err:
        log.exception("unexpected error while opening %s", data_dir.root)
        show(startup_error_box(err))
        return None, EXIT_FAILED


class ErrorReporter:
    """Shows errors nobody else handled as French message boxes (details in the log)."""

    def __init__(self) -> None:
        self.window: QWidget | None = None
        self._last_shown = 0.0
        self.shown: list[QMessageBox] = []

    def unhandled(self, err: BaseException) -> None:
        """A worker operation failed and its caller gave no failure handler."""
        if isinstance(err, FieldvisitError):
            log.warning("%s", err)
        else:
            log.error("background operation failed", exc_info=err)
        self._show(err)

    def uncaught(self, err: BaseException) -> None:
        """An exception escaped a slot or event handler (already logged)."""
        self._show(err)

    def _show(self, err: BaseException) -> None:
        now = time.monotonic()
        if now - self._last_shown < ERROR_BOX_INTERVAL_S:
            return
        self._last_shown = now
        title, message = describe(err)
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self.window
        )
        box.setObjectName("errorBox")
        self.shown.append(box)  # kept alive until closed, even without a parent
        box.finished.connect(partial(self._forget, box))
        box.open()

    def _forget(self, box: QMessageBox, _result: int = 0) -> None:
        if box in self.shown:
            self.shown.remove(box)
        box.deleteLater()


def build_main_window(ctx: UiContext) -> MainWindow:
    """The main window over a context (the list loads; the last visit reopens)."""
    return MainWindow(ctx)


def settings_for_app() -> QSettings:
    """The user's settings (organisation and application names set by make_application)."""
    return QSettings()


def run_app(data_dir: DataDir, argv: Sequence[str] | None = None) -> int:
    """Run the desktop app on a data dir until its window is closed; the exit code."""
    keys = app_key_source()
    keys.start_prefetch(data_dir.root)  # the keyring answers while Qt starts
    log_file = setup_logging()
    enable_crash_traces()  # a crash in Qt or a driver leaves a trace in the log folder
    log.info("starting fieldvisit on %s (log: %s)", data_dir.root, log_file)
    app = make_application(argv)
    settings = settings_for_app()
    language = language_setting(settings)
    translators = install_translators(app, language)
    missing = missing_app_catalogue(language)
    if missing is not None and not confirm_missing_translation(missing):
        remove_translators(app, translators)
        close_logging()
        return EXIT_FAILED
    try:
        return _run_window(app, data_dir, settings, keys)
    finally:
        remove_translators(app, translators)
        close_logging()


def _run_window(app: QApplication, data_dir: DataDir, settings: QSettings, keys: KeySource) -> int:
    services, code = open_services(data_dir, keys=keys)
    if services is None:
        return code
    reporter = ErrorReporter()
    collector = MainThreadCollector()  # Qt objects are never freed off the UI thread
    worker = DatabaseWorker(on_unhandled_error=reporter.unhandled)
    ctx = UiContext(services, worker, settings)
    restore_hook = install_excepthook(reporter.uncaught)
    try:
        window = build_main_window(ctx)
        reporter.window = window
        window.show()
        code = app.exec()
    finally:
        restore_hook()
        worker.shutdown()
        services.close()
        collector.stop()
    log.info("fieldvisit closed (exit code %s)", code)
    return code
