"""The app, typing on its own until someone kills it (run by test_ui_crash_kill.py).

    python crash_child.py DATA_DIR SETTINGS_FILE VISIT_ID TEXT_FILE [INTERVAL_MS]

Builds the real desktop app as `fieldvisit.ui.shell.app` does (QApplication, services on the
data dir, the real background worker thread, the main window), opens the visit on its
Informations page and types TEXT_FILE's text into the visit summary, one character
every INTERVAL_MS driven by a QTimer, through real key events. After each character it
prints `typed <count> <time.monotonic()>` and flushes stdout, so the parent knows what
was typed when. It never stops by itself: the parent kills it (SIGKILL) mid-typing.

Not a test module (no `test_` prefix): pytest does not collect it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from fieldvisit.paths import DataDir
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.worker import DatabaseWorker
from fieldvisit.ui.shell.app import (
    ErrorReporter,
    build_main_window,
    make_application,
    open_services,
)
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.workspace.info_page import InfoPage

POLL_MS = 10


def say(line: str) -> None:
    print(line, flush=True)


class Typist:
    """Types the text into the summary once the visit is shown, a character per tick."""

    def __init__(self, window: MainWindow, visit_id: str, text: str, interval_ms: int) -> None:
        self.window = window
        self.visit_id = visit_id
        self.text = text
        self.typed = 0
        self.page = window.workspace.pages["info"]
        assert isinstance(self.page, InfoPage)
        self.timer = QTimer()
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._wait_for_the_visit)
        self.timer.start()
        self._interval_ms = interval_ms

    def _wait_for_the_visit(self) -> None:
        visit = self.page.visit
        if visit is None or visit.id != self.visit_id:
            return
        if self.window.workspace.current_section() != "info":
            self.window.workspace.show_section("info")
        self.timer.timeout.disconnect(self._wait_for_the_visit)
        self.timer.timeout.connect(self._type_one)
        self.timer.setInterval(self._interval_ms)
        self.page.summary_edit.setFocus()
        say(f"ready {time.monotonic():.6f}")

    def _type_one(self) -> None:
        if self.typed >= len(self.text):
            self.timer.stop()
            say("done")
            return
        QTest.keyClick(self.page.summary_edit, self.text[self.typed])
        self.typed += 1
        say(f"typed {self.typed} {time.monotonic():.6f}")


def unhandled(reporter: ErrorReporter, err: BaseException) -> None:
    say(f"error {type(err).__name__}: {err}")
    reporter.unhandled(err)


def main(argv: list[str]) -> int:
    data_root, settings_file, visit_id, text_file = argv[1:5]
    interval_ms = int(argv[5]) if len(argv) > 5 else 30
    text = Path(text_file).read_text(encoding="utf-8")
    app: QApplication = make_application(argv[:1])
    settings = QSettings(settings_file, QSettings.Format.IniFormat)
    services, code = open_services(DataDir(Path(data_root)), show=lambda box: say(box.text()))
    if services is None:
        return code
    reporter = ErrorReporter()
    worker = DatabaseWorker(on_unhandled_error=lambda err: unhandled(reporter, err))
    ctx = UiContext(services, worker, settings)
    window = build_main_window(ctx)
    reporter.window = window
    window.resize(1280, 800)
    window.show()
    window.open_visit(visit_id)
    typist = Typist(window, visit_id, text, interval_ms)
    try:
        return app.exec()
    finally:
        typist.timer.stop()
        worker.shutdown()
        services.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
