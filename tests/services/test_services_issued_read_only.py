"""After « Rapport émis » a visit is read-only in the services; « Rouvrir » edits again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from fieldvisit.core.domain import ContactRole, VisitStatus
from fieldvisit.core.errors import RuleViolation
from fieldvisit.services import (
    Services,
    actions,
    answers,
    attachments,
    contacts,
    diagnostic,
    notes,
    visits,
)
from fieldvisit.services.deletion import soft_delete
from fieldvisit.store.models import Answer

SAINT_FLOUR = "15187"


def _issued_visit(svc: Services, photo: Path) -> str:
    visit = visits.plan_visit(
        svc,
        SAINT_FLOUR,
        date(2026, 11, 20),
        checklist_form="test-checklist",
        diagnostic_form="test-diagnostic",
    )
    visits.start_visit(svc, visit.id)
    answers.answer_item(svc, visit.id, "test-checklist", "pm_presente", "non")
    attachments.attach_file(svc, visit.id, photo, form_id="test-checklist", item_id="photo_place")
    actions.add_recommendation(svc, visit.id, "Installer deux caméras place d'Armes")
    visits.complete_visit(svc, visit.id)
    visits.mark_report_issued(svc, visit.id)
    return visit.id


def test_every_edit_of_an_issued_visit_is_refused_in_french(svc: Services, photo: Path) -> None:
    visit_id = _issued_visit(svc, photo)
    recommendation = actions.list_recommendations(svc, visit_id)[0]
    contact = contacts.add_contact(
        svc, "Pierre Dupont", ContactRole.MAIRE, commune_code=SAINT_FLOUR
    )
    edits: list[Callable[[], object]] = [
        lambda: visits.update_visit(svc, visit_id, summary="Réécrite après envoi"),
        lambda: answers.answer_item(svc, visit_id, "test-checklist", "remarques", "Ajout"),
        lambda: answers.answer_item(svc, visit_id, "test-checklist", "pm_presente", "oui"),
        lambda: actions.add_recommendation(svc, visit_id, "Une action de plus"),
        lambda: actions.update_recommendation(svc, recommendation.id, text="Changée"),
        lambda: diagnostic.rate_theme(svc, visit_id, "cambriolages", level=3),
        lambda: notes.add_quick_note(svc, visit_id, "Vu en repartant"),
        lambda: attachments.attach_file(svc, visit_id, photo, caption="Une photo de plus"),
        lambda: visits.add_participant(svc, visit_id, contact.id),
        lambda: soft_delete(svc, "recommendation", recommendation.id),
    ]
    for edit in edits:
        with pytest.raises(RuleViolation, match=r"lecture seule.*rouvrez-la"):
            edit()
    # Nothing was written.
    assert visits.get_visit(svc, visit_id).summary == ""
    assert [r.text for r in actions.list_recommendations(svc, visit_id)] == [
        "Installer deux caméras place d'Armes"
    ]
    assert answers.visit_answers(svc, visit_id, "test-checklist")["pm_presente"].value == "non"
    assert notes.list_quick_notes(svc, visit_id) == []
    assert visits.participant_ids(svc, visit_id) == []
    # A contact belongs to no visit: still editable.
    assert contacts.update_contact(svc, contact.id, phone="04 71 60 00 00").phone


def test_reopening_an_issued_visit_makes_it_editable_again(svc: Services, photo: Path) -> None:
    visit_id = _issued_visit(svc, photo)
    reopened = visits.reopen_visit(svc, visit_id)
    assert reopened.status == VisitStatus.EN_COURS
    visits.update_visit(svc, visit_id, summary="Complétée après la réunion du conseil")
    answer = answers.answer_item(svc, visit_id, "test-checklist", "pm_presente", "oui")
    assert isinstance(answer, Answer) and answer.value == "oui"
    assert visits.get_visit(svc, visit_id).summary.startswith("Complétée")


def test_an_issued_visit_can_still_be_deleted_whole(svc: Services, photo: Path) -> None:
    visit_id = _issued_visit(svc, photo)
    soft_delete(svc, "visit", visit_id)
    assert all(v.id != visit_id for v in visits.list_visits(svc))
