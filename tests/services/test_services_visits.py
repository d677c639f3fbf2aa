"""Planning, completing and following up visits."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest

from fieldvisit.core.domain import ActionStatus, ContactRole, VisitStatus, VisitType
from fieldvisit.core.errors import BadInput, NotFound, RuleViolation
from fieldvisit.services import Services, actions, answers, attachments, contacts, visits

SAINT_FLOUR = "15187"


def plan(svc: Services, when: date = date(2026, 11, 20), **kwargs: object):  # type: ignore[no-untyped-def]
    return visits.plan_visit(
        svc,
        SAINT_FLOUR,
        when,
        checklist_form="test-checklist",
        diagnostic_form="test-diagnostic",
        **kwargs,  # type: ignore[arg-type]
    )


def test_planned_visit_has_commune_forms_and_sync_columns(svc: Services) -> None:
    visit = plan(svc, author="Claire Martin")
    assert (visit.commune_name, visit.departement) == ("Saint-Flour", "15")
    assert visit.status == VisitStatus.PLANIFIEE
    assert visit.visit_type == VisitType.PREMIERE
    assert (visit.checklist_form_id, visit.checklist_form_version) == ("test-checklist", 1)
    assert uuid.UUID(visit.id).version == 7
    assert visit.pending is True
    assert visit.server_version == 0
    assert visit.updated_by == svc.store.device_id
    assert visit.created_at.tzinfo is not None
    assert visit.deleted_at is None


def test_unknown_commune_is_refused_with_its_code(svc: Services) -> None:
    with pytest.raises(NotFound, match="99999"):
        visits.plan_visit(svc, "99999", date(2026, 11, 20))
    assert visits.list_visits(svc) == []


def test_completing_lists_what_is_missing_and_respects_visible_if(
    svc: Services, photo: Path
) -> None:
    visit = plan(svc)
    visits.start_visit(svc, visit.id)
    with pytest.raises(RuleViolation) as err:
        visits.complete_visit(svc, visit.id)
    assert err.value.details == [
        "Checklist de test › Police municipale › Police municipale présente ?",
        "Checklist de test › Photos › Photo de la place",
    ]
    answers.answer_item(svc, visit.id, "test-checklist", "pm_presente", "oui")
    missing = visits.missing_required_items(svc, visit.id)
    assert "Checklist de test › Police municipale › Nombre d'agents" in missing
    answers.answer_item(svc, visit.id, "test-checklist", "pm_agents", 4)
    assert any(
        "Convention de coordination" in m for m in visits.missing_required_items(svc, visit.id)
    )
    answers.answer_item(svc, visit.id, "test-checklist", "pm_agents", 2)
    assert not any("Convention" in m for m in visits.missing_required_items(svc, visit.id))
    attachments.attach_file(svc, visit.id, photo, form_id="test-checklist", item_id="photo_place")
    done = visits.complete_visit(svc, visit.id)
    assert done.status == VisitStatus.TERMINEE


def test_status_moves_forward_only(svc: Services) -> None:
    visit = plan(svc)
    with pytest.raises(RuleViolation, match="ne peut pas passer"):
        visits.mark_report_issued(svc, visit.id)
    visits.start_visit(svc, visit.id)
    with pytest.raises(RuleViolation):
        visits.start_visit(svc, visit.id)


def test_follow_up_carries_over_open_recommendations_only(svc: Services) -> None:
    first = plan(svc, date(2026, 3, 1))
    open_rec = actions.add_recommendation(
        svc,
        first.id,
        "Relancer la participation citoyenne",
        priority=1,
        dispositif="participation_citoyenne",
    )
    actions.add_recommendation(
        svc, first.id, "Adapter l'extinction de l'éclairage", status=ActionStatus.REALISEE
    )
    actions.add_recommendation(
        svc, first.id, "Étudier la vidéoprotection", status=ActionStatus.EN_COURS
    )
    follow = visits.plan_follow_up(svc, first.id, date(2026, 9, 1))
    assert follow.visit_type == VisitType.SUIVI
    assert follow.previous_visit_id == first.id
    carried = actions.list_recommendations(svc, follow.id)
    assert [r.text for r in carried] == [
        "Relancer la participation citoyenne",
        "Étudier la vidéoprotection",
    ]
    assert carried[0].carried_from_id == open_rec.id
    assert carried[0].dispositif == "participation_citoyenne"
    assert carried[0].id != open_rec.id


def test_a_follow_up_carries_the_author_and_participants_unless_given(svc: Services) -> None:
    first = plan(svc, date(2026, 3, 1), author="Claire Martin")
    maire = contacts.add_contact(svc, "Jeanne Roux", ContactRole.MAIRE, "Mairie")
    adjoint = contacts.add_contact(svc, "Paul Blanc", ContactRole.ADJOINT, "Mairie")
    visits.add_participant(svc, first.id, maire.id)
    visits.add_participant(svc, first.id, adjoint.id)

    carried = visits.plan_follow_up(svc, first.id, date(2026, 9, 1))
    assert carried.author == "Claire Martin"
    assert sorted(visits.participant_ids(svc, carried.id)) == sorted([maire.id, adjoint.id])

    chosen = visits.plan_follow_up(
        svc, first.id, date(2026, 10, 1), author="Luc Petit", participant_ids=[maire.id]
    )
    assert (chosen.author, chosen.visit_date) == ("Luc Petit", date(2026, 10, 1))
    assert visits.participant_ids(svc, chosen.id) == [maire.id]


def test_a_suivi_visit_finds_the_previous_visit_of_the_commune(svc: Services) -> None:
    first = plan(svc, date(2026, 3, 1))
    actions.add_recommendation(svc, first.id, "Promouvoir l'OTV", dispositif="otv")
    follow = plan(svc, date(2026, 10, 1), visit_type=VisitType.SUIVI)
    assert follow.previous_visit_id == first.id
    assert [r.text for r in actions.list_recommendations(svc, follow.id)] == ["Promouvoir l'OTV"]


def test_list_filters_and_progress(svc: Services) -> None:
    a = plan(svc, date(2026, 1, 10), author="Alice")
    b = visits.plan_visit(
        svc,
        "52269",
        date(2026, 2, 10),
        checklist_form="test-checklist",
        diagnostic_form="test-diagnostic",
    )
    answers.answer_item(svc, a.id, "test-checklist", "pm_presente", "non")
    answers.answer_item(svc, a.id, "test-checklist", "remarques", "RAS", comment="vu")
    rows = visits.list_visits(svc)
    assert [r.id for r in rows] == [b.id, a.id]  # newest first
    row_a = rows[1]
    # The items visible (forms/progress.py): pm_presente is "non", so pm_agents and the
    # convention are hidden; 3 of the checklist's 5 items and the diagnostic's 1.
    assert (row_a.answered, row_a.total) == (2, 4)
    flt = visits.VisitFilter
    assert [r.id for r in visits.list_visits(svc, flt(text="flour"))] == [a.id]
    assert [r.id for r in visits.list_visits(svc, flt(departement="52"))] == [b.id]
    assert [r.id for r in visits.list_visits(svc, flt(date_to=date(2026, 1, 31)))] == [a.id]
    visits.start_visit(svc, b.id)
    assert [r.id for r in visits.list_visits(svc, flt(status=VisitStatus.EN_COURS))] == [b.id]
    assert visits.count_visits(svc) == 2


def test_update_visit_summary_marks_it_pending_with_a_new_timestamp(svc: Services) -> None:
    visit = plan(svc)
    updated = visits.update_visit(svc, visit.id, summary="Centre-bourg calme.")
    assert updated.summary == "Centre-bourg calme."
    assert updated.updated_at > visit.updated_at
    with pytest.raises(BadInput):
        visits.update_visit(svc, "0190b0c0-0000-7000-8000-00000000dead", summary="x")


def test_a_commune_deleguee_is_refused_naming_its_commune(svc: Services) -> None:
    # Annecy-le-Vieux (74011) has been a commune déléguée of Annecy (74010) since 2017.
    with pytest.raises(BadInput, match=r"Annecy \(74010\)"):
        visits.plan_visit(svc, "74011", date(2026, 11, 20))


def test_a_photo_linked_to_a_question_keeps_its_answer(svc: Services, photo: Path) -> None:
    """Regression: linking a photo to a non-photo item replaced its answer by True, so
    pm_presente = 'oui' stopped showing the items that depend on it."""
    visit = plan(svc)
    answers.answer_item(svc, visit.id, "test-checklist", "pm_presente", "oui")
    attachments.attach_file(svc, visit.id, photo, form_id="test-checklist", item_id="pm_presente")
    missing = visits.missing_required_items(svc, visit.id)
    assert any("Nombre d'agents" in m for m in missing)
