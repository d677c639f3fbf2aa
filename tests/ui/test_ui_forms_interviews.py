"""The Entretiens page: several interviews per visit, each with interviewees, guide, notes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMessageBox

from fieldvisit.core.domain import ContactRole
from fieldvisit.core.errors import BadInput
from fieldvisit.services import contacts, interviews, visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.dialogs.contact_dialog import ContactDialog
from fieldvisit.ui.workspace.interviews_page import InterviewsPage, NewInterviewDialog

GENDARMERIE = "entretien-gendarmerie"
MAIRE = "entretien-elu"


@pytest.fixture
def visit_id(ui_ctx: UiContext) -> str:
    return visits.plan_visit(ui_ctx.services, "15187", date(2024, 5, 14)).id


@pytest.fixture
def page(qtbot, ui_ctx: UiContext, visit_id: str) -> Iterator[InterviewsPage]:  # type: ignore[no-untyped-def]
    widget = InterviewsPage(ui_ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.show()
    widget.load_visit(visit_id)
    yield widget
    widget.flush()


def click_ok(buttons: QDialogButtonBox, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def start_interview(page: InterviewsPage, guide: str, qtbot) -> NewInterviewDialog:  # type: ignore[no-untyped-def]
    dialog = page.new_interview()
    assert dialog is not None and dialog.isVisible()
    dialog.select_guide(guide)
    return dialog


def test_empty_visit_invites_to_record_an_interview(page: InterviewsPage) -> None:
    assert page.section_title() == "Interviews"
    assert page.interview_list.count() == 0
    assert page.stack.currentWidget() is page.empty_label
    assert not page.delete_button.isEnabled()


def test_new_interview_with_a_new_contact_then_everything_is_kept(
    page: InterviewsPage, ui_ctx, visit_id, qtbot
) -> None:  # type: ignore[no-untyped-def]
    dialog = start_interview(page, GENDARMERIE, qtbot)
    guides = [dialog.guide_combo.itemText(i) for i in range(dialog.guide_combo.count())]
    assert guides == ["Entretien avec la gendarmerie", "Entretien avec le maire et les adjoints"]
    assert dialog.date_edit.date() == QDate(2024, 5, 14)  # the visit's date by default

    new_contact = dialog.contacts.new_contact()
    assert isinstance(new_contact, ContactDialog)
    qtbot.keyClicks(new_contact.name_edit, "Capitaine Marie Roux")
    new_contact.role_combo.setCurrentIndex(
        new_contact.role_combo.findData(ContactRole.COMMANDANT_BRIGADE.value)
    )
    qtbot.keyClicks(new_contact.organisation_edit, "Brigade de Saint-Flour")
    click_ok(new_contact.buttons, qtbot)
    assert not new_contact.isVisible()
    assert len(dialog.contacts.checked_ids()) == 1
    click_ok(dialog.buttons, qtbot)

    assert page.interview_list.count() == 1
    assert page.stack.currentIndex() == 1
    assert page.title_edit.text() == "Entretien avec la gendarmerie"
    assert page.guide_label.text() == "Entretien avec la gendarmerie"
    assert page.interviewee_list.count() == 1
    assert page.interviewee_list.item(0).text() == (
        "Capitaine Marie Roux — Commandant de brigade, Brigade de Saint-Flour"
    )
    assert "14/05/2024 — Capitaine Marie Roux" in page.interview_list.item(0).text()

    view = page.form_view
    badges = [b for b in view.findChildren(QLabel, "confidentialBadge")]
    assert len(badges) >= 4  # the gendarmerie guide keeps several answers internal
    assert view.item_row("enquetes_en_cours").confidential_badge is not None
    view.editor("tendance_generale").buttons[2].click()  # type: ignore[attr-defined]
    view.editor("cambriolages_serie").button_for("oui").click()  # type: ignore[attr-defined]
    assert view.is_item_shown("cambriolages_details")
    qtbot.keyClicks(view.editor("cambriolages_details").focus_target(), "Trois villas en mars")
    qtbot.keyClicks(page.notes_edit, "Le commandant propose une reunion mensuelle.")
    page.title_edit.selectAll()
    qtbot.keyClicks(page.title_edit, "Brigade de Saint-Flour")
    page.flush()

    (stored,) = interviews.list_interviews(ui_ctx.services, visit_id)
    assert stored.form_id == GENDARMERIE
    assert stored.title == "Brigade de Saint-Flour"
    assert stored.notes == "Le commandant propose une reunion mensuelle."
    values = {
        k: a.value for k, a in interviews.interview_answers(ui_ctx.services, stored.id).items()
    }
    tendance = view.form.item("tendance_generale").choices[2].id  # type: ignore[union-attr]
    assert values == {
        "tendance_generale": tendance,
        "cambriolages_serie": "oui",
        "cambriolages_details": "Trois villas en mars",
    }

    again = InterviewsPage(ui_ctx)
    qtbot.addWidget(again)
    again.load_visit(visit_id)
    assert again.interview_list.count() == 1
    assert again.title_edit.text() == "Brigade de Saint-Flour"
    assert again.notes_edit.toPlainText() == "Le commandant propose une reunion mensuelle."
    assert again.interviewee_list.item(0).text().startswith("Capitaine Marie Roux")
    assert again.form_view.editor("cambriolages_serie").value() == "oui"
    assert again.form_view.is_item_shown("cambriolages_details")


def test_several_interviews_switch_delete_with_confirmation(
    page: InterviewsPage, ui_ctx, visit_id, qtbot
) -> None:  # type: ignore[no-untyped-def]
    mayor = contacts.add_contact(ui_ctx.services, "Pierre Jarlier", ContactRole.MAIRE, "Mairie")
    dialog = start_interview(page, MAIRE, qtbot)
    dialog.contacts.set_checked(mayor.id)
    qtbot.keyClicks(dialog.title_edit, "Rencontre avec le maire")
    click_ok(dialog.buttons, qtbot)
    dialog = start_interview(page, GENDARMERIE, qtbot)
    click_ok(dialog.buttons, qtbot)
    assert page.interview_list.count() == 2
    assert page.guide_label.text() == "Entretien avec la gendarmerie"  # the new one shown

    page.interview_list.setCurrentRow(0)
    assert page.title_edit.text() == "Rencontre avec le maire"
    assert page.form_view.form is not None and page.form_view.form.id == MAIRE
    assert [page.interviewee_list.item(0).text()] == ["Pierre Jarlier — Maire, Mairie"]
    required = page.form_view.item_row("attentes")
    assert required.marked_required

    box = page.delete_current_interview()
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert len(interviews.list_interviews(ui_ctx.services, visit_id)) == 2

    box = page.delete_current_interview()
    assert box is not None
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    remaining = interviews.list_interviews(ui_ctx.services, visit_id)
    assert [i.form_id for i in remaining] == [GENDARMERIE]
    assert page.interview_list.count() == 1
    assert page.guide_label.text() == "Entretien avec la gendarmerie"


def test_add_and_remove_interviewees(page: InterviewsPage, ui_ctx, visit_id, qtbot) -> None:  # type: ignore[no-untyped-def]
    adjoint = contacts.add_contact(ui_ctx.services, "Claire Vidal", ContactRole.ADJOINT)
    dialog = start_interview(page, MAIRE, qtbot)
    click_ok(dialog.buttons, qtbot)
    interview_id = page.current_id
    assert interview_id is not None and page.interviewee_list.count() == 0

    picker = page.add_interviewees()
    assert picker is not None
    picker.checklist.set_checked(adjoint.id)
    click_ok(picker.findChild(QDialogButtonBox), qtbot)
    assert [c.name for c in interviews.interviewees(ui_ctx.services, interview_id)] == [
        "Claire Vidal"
    ]
    assert page.interviewee_list.count() == 1
    assert "Claire Vidal" in page.interview_list.currentItem().text()

    page.interviewee_list.setCurrentRow(0)
    qtbot.mouseClick(page.remove_person_button, Qt.MouseButton.LeftButton)
    assert interviews.interviewees(ui_ctx.services, interview_id) == []
    assert page.interviewee_list.count() == 0


def test_contact_dialog_explains_what_is_wrong(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    dialog = ContactDialog(ui_ctx)
    qtbot.addWidget(dialog)
    dialog.open()
    click_ok(dialog.buttons, qtbot)
    assert dialog.isVisible()
    assert dialog.message.text() == "Enter the person's name."
    qtbot.keyClicks(dialog.name_edit, "Jeanne Petit")
    qtbot.keyClicks(dialog.email_edit, "jeanne.petit")
    click_ok(dialog.buttons, qtbot)
    assert dialog.isVisible()
    assert "jeanne.petit" in dialog.message.text()  # the service's French message
    assert contacts.list_contacts(ui_ctx.services) == []
    dialog.email_edit.setText("jeanne.petit@example.fr")
    with qtbot.waitSignal(dialog.contact_created):
        click_ok(dialog.buttons, qtbot)
    assert dialog.created is not None and dialog.created.email == "jeanne.petit@example.fr"


def test_out_of_range_number_is_refused_with_a_message(
    page: InterviewsPage, ui_ctx, monkeypatch, qtbot
) -> None:  # type: ignore[no-untyped-def]
    shown: list[BaseException] = []
    monkeypatch.setattr(
        "fieldvisit.ui.base.context.show_error", lambda parent, err: shown.append(err)
    )
    dialog = start_interview(page, MAIRE, qtbot)
    click_ok(dialog.buttons, qtbot)
    view = page.form_view
    view.editor("pm_presente").button_for("oui").click()  # type: ignore[attr-defined]
    agents = view.editor("nb_agents_pm")
    qtbot.keyClicks(agents.focus_target(), "600")  # maximum 500
    page.flush()
    assert len(shown) == 1 and isinstance(shown[0], BadInput)
    assert "500" in str(shown[0])
    assert agents.focus_target().text() == "600"  # type: ignore[attr-defined]
    values = interviews.interview_answers(ui_ctx.services, page.current_id or "")
    assert "nb_agents_pm" not in values or values["nb_agents_pm"].value != 600


def test_interviews_on_the_real_worker_thread(qtbot, threaded_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(threaded_ctx.services, "15187", date(2024, 6, 3))
    widget = InterviewsPage(threaded_ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.load_visit(visit.id)
    qtbot.waitUntil(lambda: widget.new_button.isEnabled() and widget._list_data is not None)
    dialog = widget.new_interview()
    assert dialog is not None
    dialog.select_guide(MAIRE)
    click_ok(dialog.buttons, qtbot)
    qtbot.waitUntil(lambda: widget.stack.currentIndex() == 1 and widget.form_view.form is not None)
    qtbot.keyClicks(widget.notes_edit, "Notes prises sur le vif")
    with qtbot.waitSignal(threaded_ctx.changes.changed, timeout=3000):
        widget.flush()
    qtbot.waitUntil(
        lambda: (
            [i.notes for i in interviews.list_interviews(threaded_ctx.services, visit.id)]
            == ["Notes prises sur le vif"]
        )
    )


def test_the_guide_gets_the_room_and_the_splitters_are_remembered(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.ui.shell.main_window import MainWindow

    visit = visits.plan_visit(ui_ctx.services, "15187", date(2024, 5, 14))
    interviews.record_interview(ui_ctx.services, visit.id, GENDARMERIE, notes="RAS")
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.resize(1280, 820)
    window.show()
    window.open_visit(visit.id)
    window.workspace.show_section("interviews")
    page = window.workspace.pages["interviews"]
    assert isinstance(page, InterviewsPage)
    qtbot.waitUntil(lambda: page.form_view.isVisible())
    list_width, detail_width = page.splitter.sizes()
    guide_height, notes_height = page.parts.sizes()
    assert detail_width >= 2.5 * list_width  # the interview list keeps what it needs
    assert guide_height >= 3 * notes_height  # the guide is where the work is
    assert notes_height >= 4 * page.fontMetrics().lineSpacing()  # a few lines of notes

    page.parts.moveSplitter(guide_height // 2, 1)  # the person wants more notes
    page.splitter.moveSplitter(list_width + 40, 1)
    moved = (page.splitter.sizes(), page.parts.sizes())
    window.close()
    again = InterviewsPage(ui_ctx)
    qtbot.addWidget(again)
    again.resize(page.size())
    again.show()
    again.load_visit(visit.id)
    qtbot.waitUntil(lambda: again.form_view.isVisible())
    assert (again.splitter.sizes(), again.parts.sizes()) == moved
