"""French first: Qt translators for the app's strings and for Qt's own (dialogs, buttons).

Source strings are English (`self.tr("New visit")`); French comes from
resources/translations/fieldvisit_fr.ts, compiled to .qm by every build of the package
(hatch_build.py: wheels and editable installs) and by `make`. Qt's own strings come from
Qt's qtbase_fr.qm, completed by qt_complement_fr.ts where this Qt version's sources
changed (the file dialog's « Voir dans : »). English needs no app translator. The
language is read from the settings key `ui/language` and applies at the next start
(widgets set their texts when they are built). A French catalogue that cannot be loaded
is said at start-up (ui/shell/app.py), never left to show English silently.
"""

from __future__ import annotations

import configparser
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

import platformdirs
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from fieldvisit.assets import asset_path
from fieldvisit.paths import APP_NAME

if TYPE_CHECKING:
    from fieldvisit.services.describe import Language

log = logging.getLogger(__name__)

LANGUAGE_KEY = "ui/language"
DEFAULT_LANGUAGE = "fr"
#: language code -> name shown in the preferences, in its own language
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}
APP_CATALOGUE = "fieldvisit"
#: Qt's own strings missing from Qt's French catalogue (see qt_complement_fr.ts)
QT_COMPLEMENT_CATALOGUE = "qt_complement"
#: the time locale Qt's own widgets use for dates (file dialog) when the app is French
FRENCH_TIME_LOCALE = "fr_FR.UTF-8"

# The language the app's strings are shown in now: that of the app translator installed,
# English without one. The words of the domain outside Qt (services/describe.py: the
# names of records and fields) follow it.
_shown_language: Language = "en"


def shown_language() -> Language:
    """The language of the app's strings as installed: "fr" or "en"."""
    return _shown_language


def translations_dir() -> Path:
    return asset_path("resources", "translations")


def app_translation_file(language: str, directory: Path | None = None) -> Path:
    return (directory or translations_dir()) / f"{APP_CATALOGUE}_{language}.qm"


def qt_complement_file(language: str, directory: Path | None = None) -> Path:
    return (directory or translations_dir()) / f"{QT_COMPLEMENT_CATALOGUE}_{language}.qm"


def language_setting(settings: QSettings) -> str:
    """The chosen language code; anything unknown falls back to French."""
    value = settings.value(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    language = str(value) if value else DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def locale_for(language: str) -> QLocale:
    if language == "fr":
        return QLocale(QLocale.Language.French, QLocale.Country.France)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def install_translators(
    app: QCoreApplication, language: str, directory: Path | None = None
) -> list[QTranslator]:
    """Install the app's and Qt's translators for language; return them (keep them alive).

    `directory` replaces the shipped translations folder (tests build their own .qm).
    A missing .qm is logged, not fatal: the app then shows its English source strings.
    """
    QLocale.setDefault(locale_for(language))
    installed: list[QTranslator] = []
    if language == "en":
        return installed
    qt_translator = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_translator.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_translator)
        installed.append(qt_translator)
    else:
        log.warning("Qt's own %s translation not found in %s", language, qt_dir)
    # Installed after Qt's own: the translator installed last is asked first.
    complement = QTranslator(app)
    if complement.load(str(qt_complement_file(language, directory))):
        app.installTranslator(complement)
        installed.append(complement)
    app_translator = QTranslator(app)
    path = app_translation_file(language, directory)
    if app_translator.load(str(path)):
        app.installTranslator(app_translator)
        installed.append(app_translator)
        _show(app_translator, "fr")
    else:
        log.error("translation %s not found or unreadable", path)
    return installed


def missing_app_catalogue(language: str, directory: Path | None = None) -> Path | None:
    """The app's catalogue for language when it cannot be loaded (None: fine, or English)."""
    if language == "en":
        return None
    path = app_translation_file(language, directory)
    return None if QTranslator().load(str(path)) else path


def language_before_qt() -> str:
    """The language setting, read before Qt starts (see align_time_locale).

    Creating a QSettings already fixes Qt's system locale, so on Linux the setting is
    read from the file QSettings keeps it in (its native format there is this INI file);
    elsewhere Qt's system locale is the user's, and French is assumed.
    """
    if not sys.platform.startswith("linux"):
        return DEFAULT_LANGUAGE
    path = Path(platformdirs.user_config_dir()) / APP_NAME / f"{APP_NAME}.conf"
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, UnicodeDecodeError, configparser.Error):
        return DEFAULT_LANGUAGE
    value = parser.get("ui", "language", fallback=DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def align_time_locale(language: str, environ: MutableMapping[str, str] | None = None) -> None:
    """Make Qt's system locale give dates in the app's language (call before QApplication).

    Qt's own widgets format some dates with the system locale, not the app's default
    one: the file dialog's « Dernière modification » showed « 6 12 2026 » under the C
    locale of Linux. Qt reads LC_TIME (unless LC_ALL is set, which is then left as the
    user set it) once per process; its own locale data serve French even where the
    system has no French locale installed.
    """
    env = os.environ if environ is None else environ
    if language != "fr" or env.get("LC_ALL"):
        return
    current = env.get("LC_TIME") or env.get("LANG") or ""
    if not current.startswith("fr"):
        env["LC_TIME"] = FRENCH_TIME_LOCALE


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
        if translator is _shown_by:
            _show(None, "en")


_shown_by: QTranslator | None = None  # the app translator that makes the app French


def _show(translator: QTranslator | None, language: Language) -> None:
    global _shown_language, _shown_by
    _shown_by, _shown_language = translator, language


# -- the .ts catalogue (used by scripts/update_translations.py and the tests) ----------

TS_FILE_NAME = f"{APP_CATALOGUE}_fr.ts"
#: no line numbers (three people editing the UI would otherwise conflict on every
#: line), no obsolete entries (a removed string's translation goes away with it)
LUPDATE_OPTIONS = ("-source-language", "en", "-target-language", "fr")
LUPDATE_FLAGS = ("-locations", "none", "-no-obsolete", "-silent")


@dataclass(frozen=True)
class CatalogueMessage:
    context: str
    source: str
    translations: tuple[str, ...]  # one, or one per plural form
    finished: bool

    @property
    def translated(self) -> bool:
        return self.finished and bool(self.translations) and all(self.translations)


def ui_sources() -> list[Path]:
    """Every Python file whose strings are translated: the whole ui package."""
    return sorted(Path(__file__).resolve().parents[1].rglob("*.py"))  # ui/base/i18n.py -> ui/


def qt_tool(name: str) -> Path:
    """A PySide6 tool (pyside6-lupdate, pyside6-lrelease) of the running environment."""
    candidates = [Path(sys.executable).parent / name]
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{name} not found next to {sys.executable} nor on PATH")


def update_catalogue(ts_path: Path, sources: list[Path] | None = None) -> None:
    """Run pyside6-lupdate: new strings are added (unfinished), translations kept."""
    files = [str(path) for path in (sources or ui_sources())]
    subprocess.run(
        [
            str(qt_tool("pyside6-lupdate")),
            *files,
            *LUPDATE_OPTIONS,
            *LUPDATE_FLAGS,
            "-ts",
            str(ts_path),
        ],
        check=True,
        capture_output=True,
    )


def compile_catalogue(ts_path: Path, qm_path: Path) -> None:
    subprocess.run(
        [str(qt_tool("pyside6-lrelease")), "-silent", str(ts_path), "-qm", str(qm_path)],
        check=True,
        capture_output=True,
    )


def read_catalogue(ts_path: Path) -> list[CatalogueMessage]:
    """The messages of a .ts file (obsolete and vanished ones left out)."""
    messages = []
    for context in ElementTree.parse(ts_path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type", "") if translation is not None else "unfinished"
            if kind in ("obsolete", "vanished"):
                continue
            if translation is None:
                texts: tuple[str, ...] = ()
            elif message.get("numerus") == "yes":
                texts = tuple(form.text or "" for form in translation.iter("numerusform"))
            else:
                texts = (translation.text or "",)
            messages.append(
                CatalogueMessage(name, message.findtext("source", ""), texts, kind != "unfinished")
            )
    return messages
