"""« Détails de l'action… » at 1366×768: every field a contrat de sécurité needs, edited
as a person would (ticks, the porteur's combo, typed text, typed euros and dates, the
funding lines added and removed), then what is stored."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QApplication, QDateEdit, QDialogButtonBox

from fieldvisit.services import actions, contacts, visits
from fieldvisit.store.models import Recommendation
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.workspace.action_details_dialog import ActionDetailsDialog
from fieldvisit.ui.workspace.actions_model import Column
from fieldvisit.ui.workspace.actions_page import ActionsPage

SCREEN_WIDTH, SCREEN_HEIGHT = 1366, 768


@pytest.fixture
def setting(qtbot, ui_ctx: UiContext):  # type: ignore[no-untyped-def]
    svc = ui_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12))
    adjointe = contacts.add_contact(
        svc, "Mme Claire Lefèvre", "adjoint", "Mairie", commune_code="15187"
    )
    contacts.add_contact(svc, "M. Paul Rouvière", "maire", "Mairie", commune_code="15187")
    contacts.add_contact(svc, "Mme Ailleurs", "maire", "Mairie", commune_code="43157")
    rec = actions.add_recommendation(
        svc, visit.id, "Étendre la vidéoprotection", priority=1, dispositif="videoprotection"
    )
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.resize(SCREEN_WIDTH, SCREEN_HEIGHT)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    window.open_visit(visit.id)
    window.workspace.show_section("actions")
    page = window.workspace.pages["actions"]
    assert isinstance(page, ActionsPage)
    return page, rec, adjointe


def stored(ui_ctx: UiContext, rec_id: str) -> Recommendation:
    with ui_ctx.services.store.reading() as session:
        found = session.get(Recommendation, rec_id)
        assert found is not None
        return found


def open_with_enter(qtbot, page: ActionsPage) -> ActionDetailsDialog:  # type: ignore[no-untyped-def]
    page.table.selectRow(0)
    page.table.setFocus()
    qtbot.waitUntil(page.table.hasFocus, timeout=1000)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.details_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_each_field_edited_in_the_details_is_stored(qtbot, setting, ui_ctx) -> None:  # type: ignore[no-untyped-def]
    page, rec, adjointe = setting
    assert page.table.state() != page.table.State.EditingState
    dialog = open_with_enter(qtbot, page)
    assert page.table.state() != page.table.State.EditingState  # Enter opened no cell editor
    # It fits the screen, and lists the commune's contacts only, after « Aucun ».
    assert dialog.width() <= SCREEN_WIDTH and dialog.height() <= SCREEN_HEIGHT - 60
    names = [dialog.porteur_combo.itemText(i) for i in range(dialog.porteur_combo.count())]
    assert names[0] == "None"
    assert any("Claire Lefèvre" in n for n in names) and any("Rouvière" in n for n in names)
    assert not any("Ailleurs" in n for n in names)
    assert dialog.dispositif_boxes["videoprotection"].isChecked()

    dialog.dispositif_boxes["fipd"].click()
    dialog.dispositif_boxes["contrat_securite"].click()
    dialog.porteur_combo.setCurrentIndex(dialog.porteur_combo.findData(adjointe.id))
    dialog.description_edit.setFocus()
    qtbot.keyClicks(dialog.description_edit, "Trois cameras place du Marche")
    dialog.cost_spin.setFocus()
    dialog.cost_spin.selectAll()  # the number, not its « € »
    qtbot.keyClicks(dialog.cost_spin, "12500")
    assert dialog.cost_spin.value() == 12500
    shown = dialog.cost_spin.textFromValue(12500) + dialog.cost_spin.suffix()
    assert shown.replace("\u202f", "\u00a0") == "12\u00a0500\u00a0€"  # « 12 500 € »

    qtbot.mouseClick(dialog.add_funding_button, Qt.MouseButton.LeftButton)
    assert dialog.source_combo(0).currentData() == "fipd"  # the first financeur
    amount = dialog.amount_spin(0)
    amount.setFocus()
    amount.selectAll()
    qtbot.keyClicks(amount, "6000")
    assert amount.value() == 6000
    qtbot.mouseClick(dialog.add_funding_button, Qt.MouseButton.LeftButton)
    second = dialog.source_combo(1)
    second.setCurrentIndex(second.findData("commune"))
    dialog.amount_spin(1).setValue(4000)
    # Two lines for one financeur: OK waits, and says why.
    qtbot.mouseClick(dialog.add_funding_button, Qt.MouseButton.LeftButton)
    dialog.source_combo(2).setCurrentIndex(dialog.source_combo(2).findData("fipd"))
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "FIPD" in dialog.hint.text() and dialog.hint.isVisible()
    dialog.funding_table.setCurrentCell(2, 0)
    qtbot.mouseClick(dialog.remove_funding_button, Qt.MouseButton.LeftButton)
    assert ok.isEnabled() and not dialog.hint.isVisible()
    assert "10\u00a0000" in dialog.total_label.text() and "2\u00a0500" in dialog.total_label.text()

    dialog.indicator_edit.setFocus()
    qtbot.keyClicks(dialog.indicator_edit, "Cameras en service avant juin")
    # The review date, empty, typed as people type dates.
    dialog.review_edit.setFocus()
    qtbot.keyClicks(dialog.review_edit, "01/10/2026")
    assert dialog.review_date() == date(2026, 10, 1)

    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: stored(ui_ctx, rec.id).review_date is not None, timeout=2000)
    saved = stored(ui_ctx, rec.id)
    assert saved.dispositifs == ["videoprotection", "fipd", "contrat_securite"]
    assert saved.dispositif == "videoprotection"
    assert saved.porteur_contact_id == adjointe.id
    assert saved.description == "Trois cameras place du Marche"
    assert saved.estimated_cost == 12500
    assert saved.funding == [
        {"source": "fipd", "amount": 6000},
        {"source": "commune", "amount": 4000},
    ]
    assert saved.success_indicator == "Cameras en service avant juin"
    assert saved.review_date == date(2026, 10, 1)
    # The table shows every dispositif and the person named.
    shown = page.model.index(0, Column.DISPOSITIF).data()
    assert shown == "Vidéoprotection, FIPD, Contrat de sécurité PVD"
    assert "Mme Claire Lefèvre" in page.model.index(0, Column.PORTEUR).data()


def test_clearing_the_fields_stores_nothing_and_cancel_writes_nothing(
    qtbot, setting, ui_ctx
) -> None:  # type: ignore[no-untyped-def]
    page, rec, adjointe = setting
    actions.update_recommendation(
        ui_ctx.services,
        rec.id,
        porteur_contact_id=adjointe.id,
        estimated_cost=9000,
        funding=[("dsil", 9000)],
        review_date=date(2026, 9, 1),
    )
    page.reload()
    qtbot.waitUntil(lambda: page.model.row_at(0).estimated_cost == 9000, timeout=2000)

    dialog = open_with_enter(qtbot, page)
    dialog.porteur_combo.setCurrentIndex(0)  # « Aucun »
    qtbot.mouseClick(dialog.remove_funding_button, Qt.MouseButton.LeftButton)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert stored(ui_ctx, rec.id).porteur_contact_id == adjointe.id  # nothing written

    # Ctrl+E opens it too; then every field emptied.
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = page.details_dialog
    assert dialog is not None and dialog.cost_spin.value() == 9000
    dialog.porteur_combo.setCurrentIndex(0)
    dialog.dispositif_boxes["videoprotection"].click()
    dialog.cost_spin.setValue(0)  # « non estimé »
    qtbot.mouseClick(dialog.remove_funding_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.clear_review_button, Qt.MouseButton.LeftButton)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    saved = stored(ui_ctx, rec.id)
    assert saved.porteur_contact_id is None and saved.estimated_cost is None
    assert saved.funding == [] and saved.review_date is None
    assert saved.dispositifs == [] and saved.dispositif == "aucun"


def test_the_tables_dispositif_combo_keeps_the_other_dispositifs(qtbot, setting, ui_ctx) -> None:  # type: ignore[no-untyped-def]
    page, rec, _adjointe = setting
    actions.update_recommendation(ui_ctx.services, rec.id, dispositifs=["videoprotection", "fipd"])
    page.reload()
    qtbot.waitUntil(lambda: len(page.model.row_at(0).dispositifs) == 2, timeout=2000)
    index = page.model.index(0, Column.DISPOSITIF)
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    editor = page.open_editor()
    assert editor is not None
    editor.setCurrentIndex(editor.findData("otv"))  # type: ignore[attr-defined]
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stored(ui_ctx, rec.id).dispositif == "otv", timeout=2000)
    assert stored(ui_ctx, rec.id).dispositifs == ["otv", "fipd"]


def test_a_double_click_on_the_rows_header_opens_the_details(qtbot, setting) -> None:  # type: ignore[no-untyped-def]
    page, _rec, _adjointe = setting
    header = page.table.verticalHeader()
    position = header.sectionViewportPosition(0) + header.sectionSize(0) // 2
    qtbot.mouseDClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.width() // 2, position)
    )
    dialog = page.details_dialog
    assert dialog is not None and isinstance(dialog, ActionDetailsDialog)
    assert dialog.rec.text == "Étendre la vidéoprotection"
    assert QApplication.activeModalWidget() in (None, dialog)
    assert isinstance(dialog.review_edit, QDateEdit) and dialog.review_edit.date() != QDate()
