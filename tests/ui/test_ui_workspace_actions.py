"""Plan d'actions: recommendations edited in place through the table's delegates."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from fieldvisit.core.domain import ActionStatus, Porteur
from fieldvisit.services import actions, visits
from fieldvisit.ui.workspace.actions_model import CARRIED_ROLE, Column
from fieldvisit.ui.workspace.actions_page import ActionsPage
from fieldvisit.ui.workspace.workspace import VisitWorkspace
from fieldvisit.ui.workspace.workspace_common import Confirmation


@pytest.fixture
def workspace(ui_ctx, qtbot) -> VisitWorkspace:  # type: ignore[no-untyped-def]
    ws = VisitWorkspace(ui_ctx)
    qtbot.addWidget(ws)
    ws.resize(1300, 800)
    ws.show()
    ws.activateWindow()
    qtbot.waitExposed(ws)
    return ws


@pytest.fixture
def visit(ui_ctx):  # type: ignore[no-untyped-def]
    return visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 12))


def actions_page(ws: VisitWorkspace) -> ActionsPage:
    ws.show_section("actions")
    page = ws.pages["actions"]
    assert isinstance(page, ActionsPage)
    return page


def open_editor(page: ActionsPage, row: int, column: Column) -> QWidget:
    index = page.model.index(row, column)
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    editors = [
        child
        for child in page.table.viewport().findChildren(QWidget)
        if child.parent() is page.table.viewport() and child.isVisible()
    ]
    assert len(editors) == 1, editors
    return editors[0]


def commit(qtbot, page: ActionsPage, editor: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Enter, as a person would; the view commits and closes the editor on its next turn."""
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: page.table.state() != QAbstractItemView.State.EditingState, timeout=1000
    )


def choose_in_combo(qtbot, page: ActionsPage, editor: QWidget, value: object) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(editor, QComboBox)
    position = editor.findData(value)
    assert position >= 0, value
    editor.setCurrentIndex(position)
    commit(qtbot, page, editor)


def stored(ui_ctx, visit_id: str):  # type: ignore[no-untyped-def]
    return actions.list_recommendations(ui_ctx.services, visit_id)


def test_add_a_recommendation_and_edit_it_through_the_delegates(
    workspace, visit, qtbot, ui_ctx
) -> None:
    workspace.open_visit(visit.id)
    page = actions_page(workspace)
    assert page.model.rowCount() == 0 and page.empty_label.isVisible()

    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus, timeout=1000)
    qtbot.keyClick(
        page.table,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert page.model.rowCount() == 1
    editor = page.table.viewport().findChild(QPlainTextEdit)
    assert editor is not None and editor.isVisible()
    assert stored(ui_ctx, visit.id) == []  # nothing saved before there is text
    qtbot.keyClicks(editor, "Installer un eclairage")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # new line
    qtbot.keyClicks(editor, "rue des Lacs")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the end of the edit, as in other cells
    [rec] = stored(ui_ctx, visit.id)
    assert rec.text == "Installer un eclairage\nrue des Lacs"
    assert rec.priority == 2 and rec.porteur == Porteur.COMMUNE
    assert page.model.row_at(0).id == rec.id

    choose_in_combo(qtbot, page, open_editor(page, 0, Column.PRIORITY), 1)
    choose_in_combo(qtbot, page, open_editor(page, 0, Column.PORTEUR), Porteur.GENDARMERIE.value)
    choose_in_combo(qtbot, page, open_editor(page, 0, Column.THEME), "rodeos")
    choose_in_combo(qtbot, page, open_editor(page, 0, Column.STATUS), ActionStatus.EN_COURS.value)
    due = open_editor(page, 0, Column.DUE_DATE)
    assert isinstance(due, QDateEdit) and due.displayFormat() == "dd/MM/yyyy"
    due.setDate(QDate(2026, 6, 30))
    commit(qtbot, page, due)

    [rec] = stored(ui_ctx, visit.id)
    assert rec.priority == 1
    assert rec.porteur == "gendarmerie"
    assert rec.theme_id == "rodeos"
    assert rec.status == "en_cours"
    assert rec.due_date == date(2026, 6, 30)
    shown = [page.model.index(0, column).data() for column in Column]
    assert shown[Column.PRIORITY] == "Priorité 1 (haute)"
    assert shown[Column.THEME] == "Rodéos motorisés"
    assert shown[Column.PORTEUR] == "Gendarmerie"
    assert shown[Column.DUE_DATE] == "30/06/2026"
    assert shown[Column.STATUS] == "En cours"

    page._clear_due_date()
    assert stored(ui_ctx, visit.id)[0].due_date is None


def test_a_new_row_left_empty_is_dropped(workspace, visit, qtbot, ui_ctx) -> None:
    workspace.open_visit(visit.id)
    page = actions_page(workspace)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    editor = page.table.viewport().findChild(QPlainTextEdit)
    assert editor is not None
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert page.model.rowCount() == 0
    assert stored(ui_ctx, visit.id) == []


def test_rows_sorted_by_priority_then_due_date_and_deleted_after_confirmation(
    workspace, visit, qtbot, ui_ctx
) -> None:
    svc = ui_ctx.services
    actions.add_recommendation(svc, visit.id, "C", priority=3)
    actions.add_recommendation(svc, visit.id, "B sans date", priority=1)
    actions.add_recommendation(svc, visit.id, "A", priority=1, due_date=date(2026, 5, 1))
    workspace.open_visit(visit.id)
    page = actions_page(workspace)
    texts = [page.model.index(row, Column.TEXT).data() for row in range(3)]
    assert texts == ["A", "B sans date", "C"]

    page.table.selectRow(2)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    box = page.findChild(Confirmation)
    assert box is not None and "C" in box.text()
    qtbot.mouseClick(box.confirm_button, Qt.MouseButton.LeftButton)
    assert [rec.text for rec in stored(ui_ctx, visit.id)] == ["B sans date", "A"]
    assert page.model.rowCount() == 2


def test_an_edit_refused_by_the_services_is_explained_and_undone(
    workspace, visit, qtbot, ui_ctx
) -> None:
    actions.add_recommendation(ui_ctx.services, visit.id, "Texte d'origine")
    workspace.open_visit(visit.id)
    page = actions_page(workspace)
    page.model.setData(page.model.index(0, Column.TEXT), "   ")  # the service wants a text
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and "obligatoire" in box.text()
    assert page.model.index(0, Column.TEXT).data() == "Texte d'origine"
    assert stored(ui_ctx, visit.id)[0].text == "Texte d'origine"


def test_follow_up_shows_carried_over_recommendations_marked(workspace, visit, ui_ctx) -> None:
    svc = ui_ctx.services
    actions.add_recommendation(svc, visit.id, "Signer la convention de coordination", priority=1)
    done = actions.add_recommendation(svc, visit.id, "Réunir le CLSPD")
    actions.update_recommendation(svc, done.id, status="realisee")
    follow_up = visits.plan_follow_up(svc, visit.id, date(2026, 9, 15))
    actions.add_recommendation(svc, follow_up.id, "Nouvelle action", priority=3)

    workspace.open_visit(follow_up.id)
    page = actions_page(workspace)
    assert page.model.rowCount() == 2
    carried = page.model.index(0, Column.TEXT)
    assert carried.data() == "Signer la convention de coordination"
    assert carried.data(CARRIED_ROLE) is True
    assert carried.data(Qt.ItemDataRole.ToolTipRole) == "Carried over from the visit of 12/03/2026"
    assert page.model.headerData(0, Qt.Orientation.Vertical) == "Carried over"
    assert page.model.index(1, Column.TEXT).data(CARRIED_ROLE) is False
    assert page.model.headerData(1, Qt.Orientation.Vertical) == ""


def test_escape_cancels_an_edit_even_when_the_window_uses_escape(ui_ctx, qtbot, visit) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    ws = VisitWorkspace(ui_ctx, window)
    window.setCentralWidget(ws)
    went_back: list[bool] = []
    back = QAction("Retour", window)
    back.setShortcut(QKeySequence("Esc"))
    back.triggered.connect(lambda: went_back.append(True))
    window.addAction(back)
    window.resize(1300, 800)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    ws.open_visit(visit.id)
    page = actions_page(ws)
    page.add_recommendation()
    editor = page.table.viewport().findChild(QPlainTextEdit)
    assert editor is not None
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus, timeout=1000)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert went_back == []
    assert page.model.rowCount() == 0


def test_leaving_after_an_edit_is_written_once_without_qt_warnings(
    workspace, visit, qtbot, qtlog, ui_ctx
) -> None:  # type: ignore[no-untyped-def]
    """An editor closed by Ctrl+Enter stays the table's focus widget until deleted;
    leaving the page must not hand it to the table again (Qt warns about it)."""
    workspace.open_visit(visit.id)
    page = actions_page(workspace)
    other = QMainWindow()  # another window is active: focus moves are only recorded
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not workspace.isActiveWindow(), timeout=1000)
    page.add_recommendation()
    editor = page.open_editor()
    assert isinstance(editor, QPlainTextEdit)
    qtbot.keyClicks(editor, "Reunir la cellule de veille")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.open_editor() is None
    workspace.flush()  # what going back to the list or closing the window does
    page.table.edit(page.model.index(0, Column.TEXT))
    reopened = page.open_editor()
    assert isinstance(reopened, QPlainTextEdit)
    reopened.setPlainText("Reunir la cellule de veille chaque trimestre")
    workspace.flush()  # an open editor's text is written
    assert page.open_editor() is None
    assert [rec.text for rec in stored(ui_ctx, visit.id)] == [
        "Reunir la cellule de veille chaque trimestre"
    ]
    assert [r.message for r in qtlog.records if "commitData" in r.message] == []


def test_the_plan_fits_a_1280_pixel_window_without_scrolling_sideways(ui_ctx, visit, qtbot) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.ui.shell.main_window import MainWindow

    actions.add_recommendation(
        ui_ctx.services,
        visit.id,
        "Signer la convention de coordination entre la police municipale et la brigade, "
        "puis la présenter au conseil municipal avant l'été.",
        theme_id="violences",
        porteur="epci",
        dispositif="convention_coordination",
        due_date=date(2026, 9, 30),
        status="abandonnee",
    )
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.resize(1280, 820)
    window.show()
    window.open_visit(visit.id)
    page = actions_page(window.workspace)
    table = page.table
    for notes_shown in (True, False):
        window.workspace.notes_button.setChecked(notes_shown)
        qtbot.waitUntil(lambda: table.viewport().width() > 0)
        qtbot.wait(10)  # the layout settles
        assert not table.horizontalScrollBar().isVisible(), notes_shown
        widths = [table.columnWidth(column) for column in Column]
        assert sum(widths) <= table.viewport().width()
        # The action's text takes what the other columns leave, and wraps.
        assert widths[Column.TEXT] == max(widths) or notes_shown
    assert table.wordWrap()
    # A long label wraps onto more lines instead of widening its column.
    row_height = table.rowHeight(0)
    line = table.fontMetrics().lineSpacing()
    assert row_height > 2 * line
    # ... and no taller than its text needs at the widths shown (not at the widths the
    # columns had before the window was laid out).
    qtbot.waitUntil(lambda: table.rowHeight(0) == table.sizeHintForRow(0))
    window.close()


def test_rows_are_as_high_as_their_text_once_the_plan_is_shown(ui_ctx, visit, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The plan loaded while hidden (another section in front) used to keep the row
    heights of its narrow hidden layout: rows many lines too tall."""
    from fieldvisit.ui.shell.main_window import MainWindow

    actions.add_recommendation(
        ui_ctx.services,
        visit.id,
        "Relancer le dispositif de participation citoyenne : désigner trois citoyens "
        "référents par quartier et réunir les signataires du protocole.",
        dispositif="participation_citoyenne",
    )
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.open_visit(visit.id)  # Informations in front; the plan loads behind it
    window.workspace.show_section("actions")
    window.workspace.notes_button.setChecked(False)
    table = actions_page(window.workspace).table
    line = table.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: table.rowHeight(0) <= 4 * line + 12)
    window.close()
