"""A contact can be opened from the participants (Informations) and the interviewees
(Entretiens) and corrected; a bad phone or e-mail is refused in the dialog, by name."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from fieldvisit.core.domain import ContactRole
from fieldvisit.services import contacts, interviews, visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.dialogs.contact_dialog import ContactDialog
from fieldvisit.ui.workspace.info_page import InfoPage
from fieldvisit.ui.workspace.interviews_page import InterviewsPage


@pytest.fixture
def visit_id(ui_ctx: UiContext) -> str:
    return visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 12)).id


@pytest.fixture
def dupont(ui_ctx: UiContext, visit_id: str):  # type: ignore[no-untyped-def]
    contact = contacts.add_contact(
        ui_ctx.services, "Pierre Dupont", ContactRole.ADJOINT, "Mairie", commune_code="15187"
    )
    visits.add_participant(ui_ctx.services, visit_id, contact.id)
    return contact


def open_dialog(qtbot) -> ContactDialog:  # type: ignore[no-untyped-def]
    dialog = None

    def found() -> bool:
        nonlocal dialog
        dialog = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, ContactDialog)), None
        )
        return dialog is not None and dialog.isVisible()

    qtbot.waitUntil(found, timeout=1000)
    assert dialog is not None
    return dialog


def save(qtbot, dialog: ContactDialog) -> None:  # type: ignore[no-untyped-def]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_a_participant_is_opened_and_corrected(
    qtbot,  # type: ignore[no-untyped-def]
    ui_ctx: UiContext,
    visit_id: str,
    dupont,  # type: ignore[no-untyped-def]
) -> None:
    page = InfoPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.load_visit(visit_id)
    page.participants_list.setCurrentRow(0)
    page.participants_list.setFocus()
    qtbot.keyClick(page.participants_list, Qt.Key.Key_Return)  # Enter opens it
    dialog = open_dialog(qtbot)
    assert dialog.windowTitle() == "Edit the contact"
    assert page.edit_participant_button.isEnabled()
    assert dialog.name_edit.text() == "Pierre Dupont"
    assert dialog.role_combo.currentData() == ContactRole.ADJOINT.value

    dialog.phone_edit.setText("abc")
    save(qtbot, dialog)
    assert dialog.isVisible() and "Téléphone « abc » invalide" in dialog.message.text()
    dialog.phone_edit.setText("04 71 60 00 00")
    dialog.email_edit.setText("x@saint-flour")
    save(qtbot, dialog)
    assert dialog.isVisible() and "Adresse électronique « x@saint-flour »" in dialog.message.text()

    dialog.email_edit.setText("p.dupont@saint-flour.fr")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(ContactRole.MAIRE.value))
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=1000)
    stored = contacts.get_contact(ui_ctx.services, dupont.id)
    assert (stored.phone, stored.email, stored.role) == (
        "04 71 60 00 00",
        "p.dupont@saint-flour.fr",
        "maire",
    )
    qtbot.waitUntil(lambda: "Maire" in page.participants_list.item(0).text(), timeout=1000)


def test_an_interviewee_is_opened_and_corrected(
    qtbot,  # type: ignore[no-untyped-def]
    ui_ctx: UiContext,
    visit_id: str,
    dupont,  # type: ignore[no-untyped-def]
) -> None:
    guide = ui_ctx.services.forms.latest("entretien-elu")
    interviews.record_interview(
        ui_ctx.services, visit_id, guide.id, title="Adjoint", interviewee_ids=[dupont.id]
    )
    page = InterviewsPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.load_visit(visit_id)
    qtbot.waitUntil(lambda: page.interviewee_list.count() == 1, timeout=1000)
    qtbot.mouseClick(page.edit_person_button, Qt.MouseButton.LeftButton)  # the only one
    dialog = open_dialog(qtbot)
    assert dialog.organisation_edit.text() == "Mairie"
    dialog.organisation_edit.setText("Mairie de Saint-Flour")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=1000)
    assert contacts.get_contact(ui_ctx.services, dupont.id).organisation == "Mairie de Saint-Flour"
    qtbot.waitUntil(
        lambda: "Mairie de Saint-Flour" in page.interviewee_list.item(0).text(), timeout=1000
    )
