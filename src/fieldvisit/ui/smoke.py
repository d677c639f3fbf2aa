"""`fieldvisit --smoke-test`: start the real app, check that its window works, quit.

packaging/smoke_test.sh runs it against the frozen build (offscreen, fresh data dir
with the demo visits): it proves the bundle holds what the window needs — Qt plugins,
icons, translations, every UI module (the workspace imports its pages by name, and a
page that fails to import would only show a placeholder) — and that the window lists
the visits of the data dir and opens one. The app runs as usual (`run_app`); a timer
watches it and closes the window the normal way, so pending writes are saved.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

import fieldvisit.ui
from fieldvisit.paths import DataDir
from fieldvisit.ui.app import make_application, run_app
from fieldvisit.ui.main_window import MainWindow

POLL_MS = 100
DEFAULT_TIMEOUT_S = 60.0


def import_ui_modules() -> list[str]:
    """Import every module of fieldvisit.ui; the problems found (empty if none)."""
    problems = []
    for module in pkgutil.walk_packages(fieldvisit.ui.__path__, "fieldvisit.ui."):
        try:
            importlib.import_module(module.name)
        except Exception as err:
            problems.append(f"{module.name} : {type(err).__name__}: {err}")
    return problems


class WindowProbe:
    """Watches the app until its main window lists visits and shows one, then closes it."""

    def __init__(self, app: QApplication, screenshot: Path | None, timeout_s: float) -> None:
        self.app = app
        self.screenshot = screenshot
        self.deadline = time.monotonic() + timeout_s
        self.problems: list[str] = []
        self.visits = 0
        self.opened = ""
        self.menus: list[str] = []
        self._window: MainWindow | None = None
        self._timer = QTimer()
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def start(self) -> None:
        self._timer.start()

    def _main_window(self) -> MainWindow | None:
        for widget in self.app.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                return widget
        return None

    def _poll(self) -> None:
        if time.monotonic() > self.deadline:
            self._fail()
            return
        window = self._window or self._main_window()
        if window is None:
            return
        self._window = window
        self.visits = window.visit_list.model.total_count
        if self.visits == 0:
            return  # the list is still loading (or the data dir has no visit)
        if not window.showing_workspace:  # (the last visit may have reopened by itself)
            window.open_visit(window.visit_list.model.visit_at(0).id)
            return
        visit_id = window.workspace.visit_id or ""
        if not visit_id or window.windowTitle() == "fieldvisit":
            return  # the visit's title comes from the worker
        self._timer.stop()
        self.opened = window.windowTitle()
        self.menus = [action.text().replace("&", "") for action in window.menuBar().actions()]
        self.problems.extend(import_ui_modules())
        if self.screenshot is not None:
            window.grab().save(str(self.screenshot))
        window.close()  # the usual close: pending edits written, settings saved

    def _fail(self) -> None:
        self._timer.stop()
        if self._window is None:
            self.problems.append("la fenêtre principale ne s'est pas ouverte")
        elif self.visits == 0:
            self.problems.append("la liste des visites est restée vide")
        else:
            self.problems.append("la visite ne s'est pas ouverte")
        for widget in self.app.topLevelWidgets():
            widget.close()
        self.app.exit(1)  # leaves every event loop, a modal error box's too


def run_smoke_test(
    data_dir: DataDir, screenshot: Path | None = None, timeout_s: float = DEFAULT_TIMEOUT_S
) -> int:
    """Run the app with the probe; 0 if the window listed the visits and opened one."""
    app = make_application()
    probe = WindowProbe(app, screenshot, timeout_s)
    QTimer.singleShot(0, probe.start)
    code = run_app(data_dir)
    if code == 0 and not probe.problems and probe.opened:
        print(
            f"smoke : fenêtre ouverte, {probe.visits} visite(s) listée(s), "
            f"« {probe.opened} » affichée, menus {', '.join(probe.menus)}, "
            "modules de l'interface chargés."
        )
        return 0
    for problem in probe.problems or [f"l'application s'est arrêtée (code {code})"]:
        print(f"smoke : échec : {problem}", file=sys.stderr)
    return code or 1
