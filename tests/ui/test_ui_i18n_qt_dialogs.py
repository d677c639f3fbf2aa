"""Qt's own dialogs are French too: the file dialogs, message boxes, the calendar, the
print dialog and the text fields' context menus the app opens show no English string,
and the file dialog's dates are French.

Qt's qtbase_fr.qm lacks some strings of this Qt version (« &Look in: », « Files of
&type: », the file type « Folder »); resources/translations/qt_complement_fr.ts adds
them. A string is English here when the French and the English builds of a dialog show
the same text and it is no French word either.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from fieldvisit.ui.base.i18n import align_time_locale, install_translators, remove_translators

#: the same word in both languages
SAME_IN_FRENCH = {"OK", "Pages", "Type", "&Options >>", "&Options <<", "Options"}
BUTTONS = (
    QMessageBox.StandardButton.Ok
    | QMessageBox.StandardButton.Cancel
    | QMessageBox.StandardButton.Yes
    | QMessageBox.StandardButton.No
    | QMessageBox.StandardButton.Save
    | QMessageBox.StandardButton.Discard
    | QMessageBox.StandardButton.Close
    | QMessageBox.StandardButton.Retry
)


def _file_dialog(tmp: Path, mode: QFileDialog.FileMode, save: bool = False) -> QFileDialog:
    dialog = QFileDialog(None, "t", str(tmp))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(mode)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    return dialog


def _dialogs(tmp: Path) -> list[QWidget]:
    box = QMessageBox()
    box.setStandardButtons(BUTTONS)
    return [
        _file_dialog(tmp, QFileDialog.FileMode.ExistingFiles),
        _file_dialog(tmp, QFileDialog.FileMode.Directory),
        _file_dialog(tmp, QFileDialog.FileMode.AnyFile, save=True),
        box,
        QCalendarWidget(),
        QPrintDialog(QPrinter()),
    ]


def _texts(widget: QWidget) -> set[str]:
    found: set[str] = set()
    for child in [widget, *widget.findChildren(QWidget)]:
        for getter in ("text", "title", "toolTip", "placeholderText"):
            read = getattr(child, getter, None)
            if callable(read):
                try:
                    value = read()
                except TypeError:
                    continue
                if isinstance(value, str) and value:
                    found.add(value)
        if isinstance(child, QComboBox):
            found |= {child.itemText(i) for i in range(child.count())}
        found |= {action.text() for action in child.actions() if action.text()}
        if isinstance(child, QAbstractItemView) and child.model() is not None:
            model = child.model()
            for column in range(model.columnCount()):
                found.add(str(model.headerData(column, Qt.Orientation.Horizontal)))
    return found


def _context_menus() -> set[str]:
    found: set[str] = set()
    for editor in (QLineEdit("x"), QPlainTextEdit("x"), QTextEdit("x")):
        menu = editor.createStandardContextMenu()
        found |= {action.text() for action in menu.actions() if action.text()}
    return found


def _everything(tmp: Path) -> set[str]:
    texts = _context_menus()
    for dialog in _dialogs(tmp):
        texts |= _texts(dialog)
        dialog.deleteLater()
    return texts


@pytest.fixture
def language(qapp) -> Iterator[object]:  # type: ignore[no-untyped-def]
    default_locale = QLocale()
    installed: list = []

    def use(code: str) -> None:
        remove_translators(qapp, installed)
        installed[:] = install_translators(qapp, code)

    yield use
    remove_translators(qapp, installed)
    QLocale.setDefault(default_locale)


def test_qt_dialogs_show_no_english(language, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    language("en")
    english = _everything(tmp_path)
    language("fr")
    french = _everything(tmp_path)
    assert "&Voir dans\u00a0:" in french and "Fichiers de &type\u00a0:" in french
    left = {
        text
        for text in french & english
        if any(c.isalpha() for c in text)
        and text not in SAME_IN_FRENCH
        and text != "t"
        and not text.startswith("/")  # the folders shown
    }
    # month names come from the French locale in both runs (QLocale default is French)
    left -= {QLocale(QLocale.Language.French).monthName(m) for m in range(1, 13)}
    assert not left, f"English left in Qt's dialogs: {sorted(left)}"


PROBE = """
import sys
from PySide6.QtCore import QDate, QDateTime, QLocale, QSettings, QTime
from PySide6.QtWidgets import QFileDialog
from fieldvisit.ui.shell.app import make_application
from fieldvisit.ui.base.i18n import install_translators
app = make_application(["probe"])
install_translators(app, QSettings().value("ui/language", "fr"))
moment = QDateTime(QDate(2026, 12, 6), QTime(9, 5))
print(QLocale.system().toString(moment, QLocale.FormatType.ShortFormat))
print(QFileDialog.tr("Folder"), app.translate("QAbstractFileIconProvider", "Folder"))
"""


def _start(tmp_path: Path, language: str | None) -> list[str]:
    """A fresh process (Qt reads its system locale once), started as a user starts it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "LANG"))}
    env.update(LANG="C.UTF-8", QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    if language is not None:
        # Written by Qt itself, where the app keeps its settings.
        write = "from PySide6.QtCore import QSettings as S; import sys;"
        write += "s = S('fieldvisit', 'fieldvisit'); s.setValue('ui/language', sys.argv[1])"
        subprocess.run([sys.executable, "-c", write, language], env=env, check=True)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()[-2:]


def test_the_file_dialogs_dates_are_french_under_a_c_locale(tmp_path: Path) -> None:
    assert _start(tmp_path, None) == ["06/12/2026 09:05", "Dossier Dossier"]


def test_an_english_user_keeps_the_systems_dates(tmp_path: Path) -> None:
    assert _start(tmp_path, "en") == ["6 12 2026 09:05", "Folder Folder"]
    assert _start(tmp_path, "fr") == ["06/12/2026 09:05", "Dossier Dossier"]


def test_the_time_locale_is_left_alone_when_it_is_set_or_english() -> None:
    env = {"LANG": "C.UTF-8"}
    align_time_locale("fr", env)
    assert env["LC_TIME"] == "fr_FR.UTF-8"
    for before in ({"LC_ALL": "de_DE.UTF-8"}, {"LC_TIME": "fr_BE.UTF-8"}, {"LANG": "fr_CA"}):
        env = dict(before)
        align_time_locale("fr", env)
        assert env == before
    env = {"LANG": "C.UTF-8"}
    align_time_locale("en", env)
    assert env == {"LANG": "C.UTF-8"}
