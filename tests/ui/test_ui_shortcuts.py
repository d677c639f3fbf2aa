"""Keyboard shortcuts: window-wide keys work whatever has the focus, and the help (F1)
lists every key bound in the main window."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit

from fieldvisit.services import visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.workspace.actions_page import ActionsPage

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_window(qtbot, ui_ctx: UiContext) -> MainWindow:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 12))
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    window.open_visit(visit.id)
    return window


def test_add_a_recommendation_from_the_list_of_sections(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ui_ctx)
    sections = window.workspace.sections
    sections.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sections, timeout=1000)

    qtbot.keyClick(sections, Qt.Key.Key_A, CTRL_SHIFT)

    page = window.workspace.pages["actions"]
    assert isinstance(page, ActionsPage)
    assert window.workspace.current_section() == "actions"
    assert page.model.rowCount() == 1
    editor = page.open_editor()
    assert isinstance(editor, QPlainTextEdit) and editor.isVisible()


def bound_keys(window: MainWindow) -> set[str]:
    """Every key an action or a shortcut of the window answers to, as the help shows it."""
    native = QKeySequence.SequenceFormat.NativeText
    found = {
        sequence.toString(native)
        for action in window.findChildren(QAction)
        for sequence in action.shortcuts()
    }
    found |= {shortcut.key().toString(native) for shortcut in window.findChildren(QShortcut)}
    found.discard("")
    return found


def test_the_help_lists_every_key_bound_in_the_window(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, ui_ctx)
    for key in ("info", "checklist", "interviews", "diagnostic", "actions", "photos", "report"):
        window.workspace.show_section(key)

    sections = window.workspace.sections
    sections.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sections, timeout=1000)
    qtbot.keyClick(sections, Qt.Key.Key_F1)
    box = window.findChild(QMessageBox, "shortcutsBox")
    assert box is not None and box.isVisible()
    shown = box.text()
    for keys in ("Ctrl+Shift+N", "Ctrl+Shift+A", "Ctrl+Shift+H"):
        assert QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText) in shown, keys
    missing = sorted(key for key in bound_keys(window) if key not in shown)
    assert missing == []
