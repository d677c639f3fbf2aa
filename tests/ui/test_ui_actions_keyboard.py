"""The action plan from the keyboard, at 1366×768: Enter saves a cell, Tab edits the next
one, and no editor cuts its value."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QPlainTextEdit, QWidget

from fieldvisit.services import actions, visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.workspace.actions_model import Column
from fieldvisit.ui.workspace.actions_page import ActionsPage


@pytest.fixture
def page(qtbot, ui_ctx: UiContext) -> ActionsPage:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 12))
    actions.add_recommendation(
        ui_ctx.services, visit.id, text="Relancer la participation citoyenne", priority=1
    )
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    window.open_visit(visit.id)
    window.workspace.show_section("actions")
    found = window.workspace.pages["actions"]
    assert isinstance(found, ActionsPage)
    return found


def edit(qtbot, page: ActionsPage, row: int, column: Column) -> QWidget:  # type: ignore[no-untyped-def]
    index = page.model.index(row, column)
    page.table.setCurrentIndex(index)
    page.table.setFocus()
    page.table.edit(index)
    editor = page.open_editor()
    assert editor is not None
    qtbot.waitUntil(lambda: editor.isVisible(), timeout=1000)
    return editor


def stored_text(ui_ctx: UiContext, visit_id: str) -> str:
    [rec] = actions.list_recommendations(ui_ctx.services, visit_id)
    return rec.text


def test_enter_saves_the_text_and_shift_enter_makes_a_new_line(
    qtbot,  # type: ignore[no-untyped-def]
    page: ActionsPage,
    ui_ctx: UiContext,
) -> None:
    editor = edit(qtbot, page, 0, Column.TEXT)
    assert isinstance(editor, QPlainTextEdit)
    qtbot.keyClicks(editor, "Éclairer la place")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "et la rue des Lacs")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert page.open_editor() is None
    assert page.visit_id is not None
    assert stored_text(ui_ctx, page.visit_id) == "Éclairer la place\net la rue des Lacs"


def test_tab_saves_the_cell_and_opens_the_next_cells_editor(
    qtbot,  # type: ignore[no-untyped-def]
    page: ActionsPage,
    ui_ctx: UiContext,
) -> None:
    editor = edit(qtbot, page, 0, Column.TEXT)
    qtbot.keyClicks(editor, "Éclairer la place")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert page.visit_id is not None
    assert stored_text(ui_ctx, page.visit_id) == "Éclairer la place"
    qtbot.waitUntil(lambda: isinstance(page.open_editor(), QComboBox), timeout=1000)
    assert page.table.currentIndex().column() == Column.THEME
    theme = page.open_editor()
    assert QApplication.focusWidget() is theme

    # From a combo box too: Tab goes on to the horizon's editor.
    assert theme is not None
    qtbot.keyClick(theme, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: page.table.currentIndex().column() == Column.HORIZON, timeout=1000)
    assert isinstance(page.open_editor(), QComboBox)


# The action's text wraps in a multi-line editor that scrolls: the other cells are one line.
@pytest.mark.parametrize("column", [column for column in Column if column != Column.TEXT])
def test_no_editor_cuts_its_value_at_1366x768(
    qtbot,  # type: ignore[no-untyped-def]
    page: ActionsPage,
    column: Column,
) -> None:
    editor = edit(qtbot, page, 0, column)
    if isinstance(editor, QDateEdit):
        editor.setDate(QDate(2026, 12, 6))
    viewport = page.table.viewport()
    assert editor.width() >= editor.sizeHint().width() or editor.width() == viewport.width()
    assert editor.height() >= editor.sizeHint().height()
    assert viewport.rect().contains(editor.geometry())
    if isinstance(editor, QComboBox):
        label = editor.currentText()
        assert editor.fontMetrics().horizontalAdvance(label) < editor.width() - 20, label
