"""The history dialog, opened from a checklist item, an action-plan row and an interview.

The services' clock is moved by hand between edits (the 5-minute coalescing window of
autosaves), never by sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QTreeWidgetItem

from fieldvisit.services import actions, answers, interviews, visits
from fieldvisit.store.models import Answer
from fieldvisit.sync.local import sync_state
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.dialogs.history_dialog import HistoryDialog
from fieldvisit.ui.forms.item_widgets import YesNoNaEditor
from fieldvisit.ui.workspace.actions_page import ActionsPage
from fieldvisit.ui.workspace.checklist_page import ChecklistPage
from fieldvisit.ui.workspace.diagnostic_page import DiagnosticPage
from fieldvisit.ui.workspace.interviews_page import InterviewsPage

CHECKLIST, ITEM = "visite-centre-bourg", "eclairage_zones_sombres"


class ManualClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(ui_ctx: UiContext) -> ManualClock:
    clock = ManualClock()
    ui_ctx.services.clock = clock
    with ui_ctx.services.store.transaction() as session:  # signed in once as Claire
        sync_state(session).username = "claire"
    return clock


@pytest.fixture
def visit_id(ui_ctx: UiContext, clock: ManualClock) -> str:
    return visits.plan_visit(ui_ctx.services, "15187", date(2026, 11, 20)).id


@pytest.fixture
def checklist(qtbot: Any, ui_ctx: UiContext, visit_id: str) -> Iterator[ChecklistPage]:
    page = ChecklistPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(1000, 800)
    page.show()
    page.load_visit(visit_id)
    yield page
    page.flush()


def _dialog(parent: Any) -> HistoryDialog:
    dialogs = parent.findChildren(HistoryDialog)
    assert len(dialogs) == 1, dialogs
    return dialogs[0]


def _rows(dialog: HistoryDialog) -> list[list[str]]:
    tree = dialog.entries
    return [
        [tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
        for i in range(tree.topLevelItemCount())
    ]


def _row(dialog: HistoryDialog, number: int) -> QTreeWidgetItem:
    item = dialog.entries.topLevelItem(number)
    assert item is not None
    return item


def test_a_checklist_item_history_opens_from_its_menu_and_restores(
    qtbot: Any, checklist: ChecklistPage, ui_ctx: UiContext, visit_id: str, clock: ManualClock
) -> None:
    editor = checklist.form_view.editor(ITEM)
    assert isinstance(editor, YesNoNaEditor)
    for button in (0, 1, 2):  # Yes, then No, then Not applicable, 10 minutes apart
        clock.advance(minutes=10)
        editor.buttons[button].click()
        checklist.flush()

    menu = checklist.form_view.item_row(ITEM).context_menu()
    action = menu.findChild(QAction, "historyAction")
    assert action.text() == "History…" and action.shortcut().toString() == "Ctrl+Shift+H"
    action.trigger()
    menu.close()
    dialog = _dialog(checklist)
    assert dialog.isVisible()
    label = checklist.form_view.item_row(ITEM).item.label
    assert dialog.title_label.text() == f"History of: {label}"
    assert [row[:3] + row[4:] for row in _rows(dialog)] == [
        [_shown(clock.now), "claire", "this computer", "Non", "Sans objet", "Edit"],
        [_shown(clock.now, -10), "claire", "this computer", "Oui", "Non", "Edit"],
        [_shown(clock.now, -20), "claire", "this computer", "(empty)", "Oui", "Edit"],
    ]

    # The newest change's previous value is « Non »: not the current value, restorable.
    assert dialog.preview.toPlainText() == "Non"
    assert dialog.restore_button.isEnabled()
    # « Oui » → « Non »: its previous value « Oui » is offered; pick it and restore.
    dialog.entries.setCurrentItem(_row(dialog, 1))
    assert dialog.preview.toPlainText() == "Oui"
    clock.advance(minutes=1)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    assert answers.visit_answers(ui_ctx.services, visit_id, CHECKLIST)[ITEM].value == "oui"
    assert editor.buttons[0].isChecked()  # the page shows the restored answer
    assert dialog.notice_label.text().startswith("Value restored.")
    rows = _rows(dialog)
    assert len(rows) == 4
    assert rows[0][4:] == ["Sans objet", "Oui", "Restore"]
    # Restoring « Oui » again would change nothing: the button says so by being off.
    dialog.entries.setCurrentItem(_row(dialog, 2))
    assert not dialog.restore_button.isEnabled()
    assert dialog.status_label.text() == "The field already has this value."
    with ui_ctx.services.store.reading() as session:
        assert session.get(Answer, dialog.record_id).pending  # sent at the next sync


def _shown(moment: datetime, minutes: int = 0) -> str:
    """A time as the dialog shows it: local, French order."""
    return (moment + timedelta(minutes=minutes)).astimezone().strftime("%d/%m/%Y %H:%M")


def test_the_shortcut_opens_the_history_of_the_focused_item(
    qtbot: Any, checklist: ChecklistPage, ui_ctx: UiContext, visit_id: str
) -> None:
    answers.answer_item(ui_ctx.services, visit_id, CHECKLIST, ITEM, "oui")
    checklist.load_visit(visit_id)
    target = checklist.form_view.editor(ITEM).focus_target()
    checklist.activateWindow()
    target.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is target)
    qtbot.keyClick(
        target,
        Qt.Key.Key_H,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = _dialog(checklist)
    assert [row[4:] for row in _rows(dialog)] == [["(empty)", "Oui", "Edit"]]
    # Before the first answer there was none: restoring that clears the answer.
    assert dialog.preview.toPlainText() == "(empty)" and dialog.restore_button.isEnabled()


def test_a_diagnostic_item_history_shows_the_multiple_choices_by_their_labels(
    qtbot: Any, ui_ctx: UiContext, visit_id: str, clock: ManualClock
) -> None:
    page = DiagnosticPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.load_visit(visit_id)
    item = page.form_view.item_row("sources_consultees").item
    first, second = item.choices[0], item.choices[1]
    answers.answer_item(
        ui_ctx.services, visit_id, "diagnostic-securite", item.id, [first.id, second.id]
    )

    page.form_view.history_requested.emit(item.id)  # what the row's menu sends

    dialog = _dialog(page)
    full = f"{first.label}, {second.label}"
    assert _row(dialog, 0).toolTip(5) == full  # the list shows its beginning
    assert full.startswith(_rows(dialog)[0][5].removesuffix("…"))


def test_an_action_plan_row_history_restores_the_priority(
    qtbot: Any, ui_ctx: UiContext, visit_id: str, clock: ManualClock
) -> None:
    rec = actions.add_recommendation(
        ui_ctx.services, visit_id, "Étendre l'éclairage de la halle", priority=1
    )
    clock.advance(minutes=10)
    actions.update_recommendation(ui_ctx.services, rec.id, priority=3)
    page = ActionsPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.load_visit(visit_id)
    page.table.selectRow(0)

    dialog = page.show_history()
    assert dialog is not None and dialog.field is None
    assert dialog.title_label.text() == "History of: Étendre l'éclairage de la halle"
    fields = [row[3] for row in _rows(dialog)]
    assert fields[0] == "Priority" and "Recommendation text" in fields
    assert _rows(dialog)[0][4:6] == ["Priorité 1 (haute)", "Priorité 3"]
    dialog.restore_selected()
    assert actions.list_recommendations(ui_ctx.services, visit_id)[0].priority == 1
    assert page.model.row_at(0).priority == 1  # the table was reloaded


def test_an_interview_history_from_its_list(
    qtbot: Any, ui_ctx: UiContext, visit_id: str, clock: ManualClock
) -> None:
    guide = ui_ctx.services.forms.latest("entretien-elu")
    interview = interviews.record_interview(ui_ctx.services, visit_id, guide.id, "Avec le maire")
    clock.advance(minutes=10)
    interviews.update_interview(ui_ctx.services, interview.id, notes="Vidéoprotection évoquée")
    page = InterviewsPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.load_visit(visit_id)

    menu = page.list_context_menu()
    action = menu.findChild(QAction, "historyAction")
    assert action.isEnabled()
    action.trigger()
    menu.close()
    dialog = _dialog(page)
    assert _rows(dialog)[0][3:6] == [
        "Notes",
        "(empty)",
        "Vidéoprotection évoquée",
    ]


def test_the_dialog_speaks_french(
    french: None, checklist: ChecklistPage, ui_ctx: UiContext, visit_id: str
) -> None:
    answers.answer_item(ui_ctx.services, visit_id, CHECKLIST, ITEM, "non")
    dialog = checklist.show_item_history(ITEM)
    assert dialog is not None
    assert dialog.windowTitle() == "Historique"
    assert dialog.restore_button.text() == "Restaurer cette valeur"
    assert dialog.entries.headerItem().text(4) == "Ancienne valeur"
    row = _rows(dialog)[0]
    assert (row[2], row[4], row[6]) == ("cet ordinateur", "(vide)", "Modification")


def test_restore_on_the_real_worker_thread(qtbot: Any, threaded_ctx: UiContext) -> None:
    clock = ManualClock()
    threaded_ctx.services.clock = clock
    visit_id = visits.plan_visit(threaded_ctx.services, "15187", date(2026, 11, 20)).id
    answers.answer_item(threaded_ctx.services, visit_id, CHECKLIST, ITEM, "oui")
    clock.advance(minutes=10)
    answers.answer_item(threaded_ctx.services, visit_id, CHECKLIST, ITEM, "non")
    page = ChecklistPage(threaded_ctx)
    qtbot.addWidget(page)
    page.show()
    page.load_visit(visit_id)
    qtbot.waitUntil(lambda: page.form_view.form is not None)

    dialog = page.show_item_history(ITEM)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.entries.topLevelItemCount() == 2)
    assert dialog.preview.toPlainText() == "Oui"
    dialog.restore_selected()
    qtbot.waitUntil(lambda: dialog.entries.topLevelItemCount() == 3)
    editor = page.form_view.editor(ITEM)
    assert isinstance(editor, YesNoNaEditor)
    qtbot.waitUntil(lambda: editor.buttons[0].isChecked())
    assert answers.visit_answers(threaded_ctx.services, visit_id, CHECKLIST)[ITEM].value == "oui"
    threaded_ctx.worker.wait_idle()


def test_a_porteur_change_shows_the_peoples_names_and_funding_in_words(
    qtbot: Any, ui_ctx: UiContext, visit_id: str, clock: ManualClock
) -> None:
    from fieldvisit.services import contacts, deletion

    svc = ui_ctx.services
    first = contacts.add_contact(svc, "Mme Claire Lefèvre", "adjoint", commune_code="15187")
    second = contacts.add_contact(svc, "M. Paul Rouvière", "maire", commune_code="15187")
    rec = actions.add_recommendation(
        svc, visit_id, "Vidéoprotection du parking", porteur_contact_id=first.id
    )
    clock.advance(minutes=10)
    actions.update_recommendation(
        svc, rec.id, porteur_contact_id=second.id, funding=[("fipd", 6000), ("commune", 4000)]
    )
    clock.advance(minutes=10)
    deletion.soft_delete(svc, "contact", first.id)  # a deleted contact is still named
    page = ActionsPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.load_visit(visit_id)
    page.table.selectRow(0)

    dialog = page.show_history()
    assert dialog is not None
    leads = [row[4:6] for row in _rows(dialog) if row[3] == "Named lead"]  # newest first
    assert leads[0] == ["Mme Claire Lefèvre", "M. Paul Rouvière"]
    assert leads[-1][1] == "Mme Claire Lefèvre"  # the action was created with her
    [funding] = [row[4:6] for row in _rows(dialog) if row[3] == "Funding"]
    assert funding[1] == "FIPD 6\u00a0000\u00a0€ ; Commune 4\u00a0000\u00a0€"
    shown = " ".join(" ".join(row) for row in _rows(dialog))
    assert first.id not in shown and second.id not in shown
