"""« Donnée indisponible » on the Checklist page: the keyboard (Ctrl+Shift+I), the row's
button and its menu; a reason is required; saved, counted, shown after a reload, and
undone by answering normally."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldvisit.core.unavailable import unavailable
from fieldvisit.services import answers, visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.forms.item_widgets import YesNoNaEditor
from fieldvisit.ui.forms.unavailable_dialog import UnavailableDialog
from fieldvisit.ui.workspace.checklist_page import ChecklistPage

CHECKLIST = "visite-centre-bourg"
ITEM = "eclairage_zones_sombres"  # required yes/no
REASON = "Visite faite de jour, eclairage non observe"


@pytest.fixture
def visit_id(ui_ctx: UiContext) -> str:
    return visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 14)).id


@pytest.fixture
def page(qtbot, ui_ctx: UiContext, visit_id: str) -> Iterator[ChecklistPage]:  # type: ignore[no-untyped-def]
    checklist = ChecklistPage(ui_ctx)
    qtbot.addWidget(checklist)
    checklist.resize(1366, 700)
    checklist.show()
    checklist.load_visit(visit_id)
    yield checklist
    checklist.flush()


def _stored(ctx: UiContext, visit_id: str) -> object:
    answer = answers.visit_answers(ctx.services, visit_id, CHECKLIST).get(ITEM)
    return answer.value if answer is not None else None


def test_the_keyboard_marks_a_required_item_unavailable_with_a_reason(
    qtbot, page: ChecklistPage, ui_ctx: UiContext, visit_id: str
) -> None:  # type: ignore[no-untyped-def]
    view = page.form_view
    row = view.item_row(ITEM)
    missing_before = page.missing_label.text()
    target = view.editor(ITEM).focus_target()
    page.activateWindow()
    target.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is target)
    qtbot.keyClick(
        target,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = row.unavailable_dialog
    assert isinstance(dialog, UnavailableDialog) and dialog.isVisible()
    # No reason, no answer: OK is disabled and the dialog says why; Enter does nothing.
    assert not dialog.ok_button.isEnabled()
    assert dialog.hint.isVisible() and dialog.hint.text() == "A reason is required."
    qtbot.keyClicks(dialog.reason_edit, "   ")
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and not dialog.ok_button.isEnabled()
    dialog.reason_edit.clear()
    qtbot.keyClicks(dialog.reason_edit, REASON)
    assert dialog.ok_button.isEnabled() and not dialog.hint.isVisible()
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: row.unavailable_dialog is None)
    page.flush()

    assert _stored(ui_ctx, visit_id) == {"unavailable": REASON}
    assert row.unavailable_note.isVisible()
    assert row.unavailable_note.text() == f"Data unavailable — {REASON}"
    editor = view.editor(ITEM)
    assert isinstance(editor, YesNoNaEditor) and not any(b.isChecked() for b in editor.buttons)
    # One required item fewer is missing, and « Localisation » (shown on « oui ») is not.
    count = int(missing_before.rsplit(" ", 1)[1])
    assert page.missing_label.text() == f"Required items still missing: {count - 1}"
    assert not view.is_item_shown("eclairage_zones_sombres_lieux")


def test_the_reason_is_shown_after_a_reload_and_a_normal_answer_undoes_it(
    qtbot, page: ChecklistPage, ui_ctx: UiContext, visit_id: str
) -> None:  # type: ignore[no-untyped-def]
    answers.answer_item(ui_ctx.services, visit_id, CHECKLIST, ITEM, unavailable(REASON))
    page.load_visit(visit_id)
    row = page.form_view.item_row(ITEM)
    assert row.unavailable_note.isVisible() and REASON in row.unavailable_note.text()
    assert row.unavailable_button is not None
    assert row.unavailable_button.text() == "Change the reason…"
    # The button opens the dialog with the reason to change.
    row.unavailable_button.click()
    assert row.unavailable_dialog is not None
    assert row.unavailable_dialog.reason_edit.text() == REASON
    row.unavailable_dialog.reject()

    editor = page.form_view.editor(ITEM)
    assert isinstance(editor, YesNoNaEditor)
    editor.button_for("non").click()
    page.flush()
    assert _stored(ui_ctx, visit_id) == "non"
    assert not row.unavailable_note.isVisible()
    assert row.unavailable_button.text() == "Data unavailable…"


def test_the_menu_offers_it_on_required_items_only_and_can_clear_it(
    page: ChecklistPage, ui_ctx: UiContext, visit_id: str
) -> None:
    view = page.form_view
    optional = view.item_row("eclairage_zones_sombres_lieux")
    assert optional.unavailable_button is None
    assert optional.context_menu().findChild(object, "unavailableAction") is None

    answers.answer_item(ui_ctx.services, visit_id, CHECKLIST, ITEM, unavailable(REASON))
    page.load_visit(visit_id)
    row = view.item_row(ITEM)
    menu = row.context_menu()
    names = [action.objectName() for action in menu.actions()]
    assert "unavailableAction" in names and "clearUnavailableAction" in names
    clear = next(a for a in menu.actions() if a.objectName() == "clearUnavailableAction")
    clear.trigger()
    page.flush()
    assert _stored(ui_ctx, visit_id) is None
    assert not row.unavailable_note.isVisible()
