"""`fieldvisit --smoke-test`: start the real app, check that its window works, quit.

packaging/smoke_test.sh runs it against the frozen build (offscreen, fresh data dir
with the demo visits): it proves the bundle holds what the window needs — Qt plugins,
icons, translations, every UI module (some are imported only when first used, as the
workspace and its pages, and `fieldvisit.forms` loads its parts by name) — and that the window lists
the visits of the data dir and opens one. The app runs as usual (`run_app`); a timer
watches it and closes the window the normal way, so pending writes are saved.

It also checks what Qt takes from ICU, whose data the Linux bundle trims to French,
English and root (packaging/icu_data.py): French collation, case mapping, time-zone
names and the Western European codecs, plus French dates and word boundaries.
"""

from __future__ import annotations

import importlib
import itertools
import pkgutil
import sys
import time
from pathlib import Path

from PySide6.QtCore import (
    QCollator,
    QDate,
    QLocale,
    QStringDecoder,
    QTextBoundaryFinder,
    QTimer,
    QTimeZone,
)
from PySide6.QtWidgets import QApplication

import fieldvisit.ui
from fieldvisit.paths import DataDir
from fieldvisit.ui.shell.app import make_application, run_app
from fieldvisit.ui.shell.main_window import MainWindow

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


#: Communes as QCollator must sort them in French: accents are secondary (Étain with the
#: E's, not after Z, where a plain code-point order puts it), case comes last.
FRENCH_ORDER = [
    "Avallon",
    "Écouen",
    "Épinal",
    "Étain",
    "Étampes",
    "étréchy",
    "Eu",
    "Ezy-sur-Eure",
    "Langres",
    "Zuydcoote",
]


def french_text_problems() -> tuple[str, list[str]]:
    """Check the text services Qt gets from ICU (and its own French data): a summary for
    the report, and the problems found (empty if none)."""
    problems = []
    french = QLocale(QLocale.Language.French, QLocale.Country.France)
    collator = QCollator(french)  # ICU ucol_*: coll/fr.res, coll/root.res, ucadata.icu
    shuffled = [FRENCH_ORDER[i] for i in (8, 3, 9, 6, 1, 7, 4, 0, 5, 2)]
    sorted_names = sorted(shuffled, key=collator.sortKey)
    if sorted_names != FRENCH_ORDER:
        problems.append(f"tri français incorrect : {', '.join(sorted_names)}")
    if french.toUpper("écouen") != "ÉCOUEN":  # ICU u_strToUpper
        problems.append(f"majuscules : « {french.toUpper('écouen')} »")
    paris = QTimeZone(b"Europe/Paris")  # ICU ucal_*: zone/fr.res, metaZones
    zone_name = paris.displayName(
        QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, french
    )
    if "Europe centrale" not in zone_name:
        problems.append(f"fuseau Europe/Paris en français : « {zone_name} »")
    date_text = french.toString(QDate(2026, 8, 15), "dddd d MMMM yyyy")
    if date_text != "samedi 15 août 2026":
        problems.append(f"date en français : « {date_text} »")
    for codec in ("windows-1252", "ISO-8859-15"):  # ICU converters (.cnv)
        if not QStringDecoder(codec).isValid():
            problems.append(f"codage {codec} inconnu")
    text = "L’école de Saint-Étienne"
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Word, text)
    bounds = [0]
    while (position := finder.toNextBoundary()) != -1:
        bounds.append(position)
    pieces = [text[start:end] for start, end in itertools.pairwise(bounds)]
    words = [piece for piece in pieces if piece[:1].isalnum()]
    if words != ["L’école", "de", "Saint", "Étienne"]:  # the apostrophe joins, the hyphen splits
        problems.append(f"limites de mots : {' | '.join(words)}")
    summary = (
        f"tri français ({', '.join(FRENCH_ORDER[1:5])}…), « {zone_name} », "
        f"« {date_text} », codages windows-1252 et ISO-8859-15"
    )
    return summary, problems


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
    text_summary, text_problems = french_text_problems()
    probe = WindowProbe(app, screenshot, timeout_s)
    probe.problems.extend(text_problems)
    QTimer.singleShot(0, probe.start)
    code = run_app(data_dir)
    if code == 0 and not probe.problems and probe.opened:
        print(
            f"smoke : fenêtre ouverte, {probe.visits} visite(s) listée(s), "
            f"« {probe.opened} » affichée, menus {', '.join(probe.menus)}, "
            f"modules de l'interface chargés ; textes : {text_summary}."
        )
        return 0
    for problem in probe.problems or [f"l'application s'est arrêtée (code {code})"]:
        print(f"smoke : échec : {problem}", file=sys.stderr)
    return code or 1
