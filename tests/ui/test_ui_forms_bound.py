"""Items bound to their visit's or interview's field (forms/bindings.py), in the pages:
the form shows the field, an edit there edits the field (its service, its history), no
answer of its own is written; a visit pinned to v2 keeps its own items and answers."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate

from fieldvisit.core.domain import ContactRole
from fieldvisit.services import answers, contacts, history, interviews, visits
from fieldvisit.store.models import Visit
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.forms.item_widgets import DateEditor, LongTextEditor, TextEditor
from fieldvisit.ui.workspace.checklist_page import ChecklistPage
from fieldvisit.ui.workspace.interviews_page import InterviewsPage

CHECKLIST = "visite-centre-bourg"


def _checklist(qtbot: Any, ctx: UiContext, visit_id: str) -> ChecklistPage:
    page = ChecklistPage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, 760)
    page.show()
    page.load_visit(visit_id)
    qtbot.waitUntil(lambda: page.form_view.form is not None)
    return page


def test_the_checklist_v3_edits_the_visits_own_synthesis_and_shows_its_people(
    qtbot: Any, ui_ctx: UiContext
) -> None:
    svc = ui_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12))
    mayor = contacts.add_contact(svc, "Mme Hélène Vidal", ContactRole.MAIRE, "Mairie")
    visits.add_participant(svc, visit.id, mayor.id)
    visits.update_visit(svc, visit.id, summary="Centre-bourg calme.")
    page = _checklist(qtbot, ui_ctx, visit.id)
    view = page.form_view
    assert view.form is not None and view.form.version == 3
    synthesis = view.editor("synthese_visite")
    assert isinstance(synthesis, LongTextEditor)
    assert synthesis.value() == "Centre-bourg calme."  # typed once, in Informations
    people = view.editor("participants_visite")
    assert isinstance(people, TextEditor)
    assert people.value() == "Mme Hélène Vidal" and people.edit.isReadOnly()
    assert view.item_row("synthese_visite").bound_note is not None
    assert not view.item_row("synthese_visite").comment_toggle.isVisibleTo(page)

    synthesis.edit.setFocus()
    synthesis.edit.moveCursor(synthesis.edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(synthesis.edit, " Halle a renover.")
    page.flush()
    qtbot.waitUntil(
        lambda: visits.get_visit(svc, visit.id).summary == "Centre-bourg calme. Halle a renover."
    )
    # The visit's field changed, in its history; the form holds no answer of its own.
    assert answers.visit_answers(svc, visit.id, CHECKLIST) == {}
    entries = history.for_field(svc, "visits", visit.id, "summary").entries
    assert entries[0].new == "Centre-bourg calme. Halle a renover."

    when = view.editor("date_visite")
    assert isinstance(when, DateEditor) and when.value() == "2026-03-12"
    when.set_date(date(2026, 3, 13))
    page.flush()
    qtbot.waitUntil(lambda: visits.get_visit(svc, visit.id).visit_date == date(2026, 3, 13))
    assert answers.visit_answers(svc, visit.id, CHECKLIST) == {}


def test_a_visit_pinned_to_v2_keeps_its_own_items_and_answers(
    qtbot: Any, ui_ctx: UiContext
) -> None:
    svc = ui_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12))
    with svc.store.transaction() as session:
        session.get(Visit, visit.id).checklist_form_version = 2  # type: ignore[union-attr]
    answers.answer_item(svc, visit.id, CHECKLIST, "date_visite", "2026-03-11")
    answers.answer_item(svc, visit.id, CHECKLIST, "participants_visite", ["maire"])
    page = _checklist(qtbot, ui_ctx, visit.id)
    view = page.form_view
    assert view.form is not None and view.form.version == 2
    assert view.editor("date_visite").value() == "2026-03-11"  # its answer, not the visit's
    assert view.editor("participants_visite").value() == ["maire"]
    assert view.item_row("date_visite").bound_note is None
    view.editor("date_visite").set_date(date(2026, 3, 10))  # type: ignore[attr-defined]
    page.flush()
    qtbot.waitUntil(
        lambda: answers.visit_answers(svc, visit.id, CHECKLIST)["date_visite"].value == "2026-03-10"
    )
    assert visits.get_visit(svc, visit.id).visit_date == date(2026, 3, 12)


def _held_on(svc: Any, visit_id: str) -> date | None:
    [found] = interviews.list_interviews(svc, visit_id)
    return found.held_on


def test_an_interview_v3_shows_its_date_and_interviewees_once(
    qtbot: Any, ui_ctx: UiContext
) -> None:
    svc = ui_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12))
    mayor = contacts.add_contact(svc, "Mme Hélène Vidal", ContactRole.MAIRE, "Mairie")
    interview = interviews.record_interview(
        svc, visit.id, "entretien-elu", held_on=date(2026, 3, 12), interviewee_ids=[mayor.id]
    )
    page = InterviewsPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    page.load_visit(visit.id)
    qtbot.waitUntil(lambda: page.form_view.form is not None)
    view = page.form_view
    assert view.editor("date_entretien").value() == "2026-03-12"
    assert view.editor("personnes_rencontrees").value() == "Mme Hélène Vidal"
    progress_before = view.progress()

    view.editor("date_entretien").set_date(date(2026, 3, 14))  # type: ignore[attr-defined]
    assert page.date_edit.date() == QDate(2026, 3, 14)  # the same field, shown above
    page.flush()
    qtbot.waitUntil(lambda: _held_on(svc, visit.id) == date(2026, 3, 14))
    assert interviews.interview_answers(svc, interview.id) == {}

    page.date_edit.setDate(QDate(2026, 3, 15))  # edited above: the guide's item follows
    assert view.editor("date_entretien").value() == "2026-03-15"
    assert view.progress() == progress_before
