"""Occurrences of a repeatable group (any form's `repeat = true` section): adding one,
answering its items with the visit's form version, hiding, deleting."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fieldvisit.core.errors import BadInput
from fieldvisit.screens.repeats import read_repeat_groups
from fieldvisit.services import Services, answers, deletion, repeats, visits
from fieldvisit.store.models import OccurrenceAnswer, RepeatOccurrence, Visit

FORM = "test-checklist"
GROUP = "locaux"


def visit_with_police(svc: Services) -> str:
    visit = visits.plan_visit(
        svc, "15187", date(2026, 11, 20), checklist_form=FORM, diagnostic_form="test-diagnostic"
    )
    answers.answer_item(svc, visit.id, FORM, "pm_presente", "oui")
    return visit.id


def groups(svc: Services, visit_id: str):  # type: ignore[no-untyped-def]
    (group,) = read_repeat_groups(svc, visit_id, FORM)
    return group


def test_occurrences_are_added_in_order_and_answered_item_by_item(svc: Services) -> None:
    visit_id = visit_with_police(svc)
    first = repeats.add_occurrence(svc, visit_id, FORM, GROUP)
    second = repeats.add_occurrence(svc, visit_id, FORM, GROUP)
    repeats.set_occurrence_answer(svc, first.id, "local_nom", "  Poste de la mairie ")
    repeats.set_occurrence_answer(svc, second.id, "local_nom", "Annexe du marché")
    repeats.set_occurrence_answer(svc, second.id, "local_etat", "degrade")
    group = groups(svc, visit_id)
    assert group.title == "Locaux visités" and group.may_add
    assert [o.id for o in group.occurrences] == [first.id, second.id]
    assert [o.number for o in group.occurrences] == [1, 2]
    assert group.occurrences[0].answers == {"local_nom": "Poste de la mairie"}
    assert group.occurrences[1].value("local_etat") == "degrade"
    # One record per (occurrence, item), under the natural key's id: a second edit of
    # the same item changes the same record (what two laptops merge).
    repeats.set_occurrence_answer(svc, first.id, "local_nom", "Poste municipal")
    with svc.store.reading() as session:
        rows = session.scalars(
            select(OccurrenceAnswer).where(OccurrenceAnswer.occurrence_id == first.id)
        ).all()
    assert [(r.id, r.value, r.visit_id) for r in rows] == [
        (repeats.occurrence_answer_id(first.id, "local_nom"), "Poste municipal", visit_id)
    ]


def test_an_item_shown_by_its_own_occurrence_and_by_the_visits_answers(svc: Services) -> None:
    visit_id = visit_with_police(svc)
    first = repeats.add_occurrence(svc, visit_id, FORM, GROUP)
    second = repeats.add_occurrence(svc, visit_id, FORM, GROUP)
    repeats.set_occurrence_answer(svc, first.id, "local_etat", "degrade")
    repeats.set_occurrence_answer(svc, first.id, "local_travaux", "Toiture")
    repeats.set_occurrence_answer(svc, second.id, "local_etat", "bon")
    one, two = groups(svc, visit_id).occurrences
    # « Travaux » reads the same occurrence's « État », not the other occurrence's.
    assert one.shown["local_travaux"] and not two.shown["local_travaux"]
    # A hidden item keeps what it held but counts as no answer.
    repeats.set_occurrence_answer(svc, first.id, "local_etat", "bon")
    one, _ = groups(svc, visit_id).occurrences
    assert one.answers["local_travaux"] == "Toiture"
    assert not one.shown["local_travaux"] and one.value("local_travaux") is None
    assert one.answered() == 1
    # « Agents affectés » reads a single answer of the visit, itself hidden unless the
    # police is there: hidden single answers count as none too.
    assert not one.shown["local_agents"]
    answers.answer_item(svc, visit_id, FORM, "pm_agents", 4)
    assert groups(svc, visit_id).occurrences[0].shown["local_agents"]
    answers.answer_item(svc, visit_id, FORM, "pm_presente", "non")  # pm_agents hidden
    assert not groups(svc, visit_id).occurrences[0].shown["local_agents"]


def test_a_hidden_group_takes_no_new_occurrence(svc: Services) -> None:
    visit_id = visit_with_police(svc)
    kept = repeats.add_occurrence(svc, visit_id, FORM, GROUP)
    answers.answer_item(svc, visit_id, FORM, "pm_presente", "non")
    with pytest.raises(BadInput, match="masqué par les réponses"):
        repeats.add_occurrence(svc, visit_id, FORM, GROUP)
    group = groups(svc, visit_id)
    assert not group.may_add and [o.id for o in group.occurrences] == [kept.id]


@pytest.mark.parametrize(
    ("item", "value", "message"),
    [
        ("local_etat", "excellent", "État du local"),
        ("pm_presente", "oui", "inconnu dans le groupe"),  # a single item, not the group's
        ("inexistant", "x", "inconnu dans le groupe"),
        ("local_agents", -2, "Agents affectés"),
    ],
)
def test_values_are_checked_against_the_group_of_the_pinned_form(
    svc: Services, item: str, value: object, message: str
) -> None:
    visit_id = visit_with_police(svc)
    occurrence = repeats.add_occurrence(svc, visit_id, FORM, GROUP)
    with pytest.raises(BadInput, match=message):
        repeats.set_occurrence_answer(svc, occurrence.id, item, value)
    with svc.store.reading() as session:
        assert session.scalars(select(OccurrenceAnswer)).all() == []


def test_unknown_and_non_repeatable_groups_are_refused(svc: Services) -> None:
    visit_id = visit_with_police(svc)
    for group in ("police", "inexistant"):
        with pytest.raises(BadInput, match="n'est pas un groupe répétable"):
            repeats.add_occurrence(svc, visit_id, FORM, group)
    with pytest.raises(BadInput, match="n'est pas utilisé par cette visite"):
        repeats.add_occurrence(svc, visit_id, "autre-formulaire", GROUP)


def test_the_walks_points_of_attention_stay_observations(svc: Services) -> None:
    visit = visits.plan_visit(svc, "15187", date(2026, 11, 20))
    with svc.store.reading() as session:
        pinned = session.get(Visit, visit.id)
        assert pinned is not None and pinned.checklist_form_id == "visite-centre-bourg"
    with pytest.raises(BadInput, match="page Observations"):
        repeats.add_occurrence(svc, visit.id, "visite-centre-bourg", "points_attention")
    assert read_repeat_groups(svc, visit.id, "visite-centre-bourg") == ()


def test_deleting_an_occurrence_deletes_its_answers_as_one_deletion(svc: Services) -> None:
    visit_id = visit_with_police(svc)
    gone = repeats.add_occurrence(svc, visit_id, FORM, GROUP)
    kept = repeats.add_occurrence(svc, visit_id, FORM, GROUP)
    repeats.set_occurrence_answer(svc, gone.id, "local_nom", "Ancien poste")
    repeats.set_occurrence_answer(svc, kept.id, "local_nom", "Nouveau poste")
    deletion_id = repeats.delete_occurrence(svc, gone.id)
    with svc.store.reading() as session:
        tombstoned = {
            (type(row).__name__, row.id) for row in deletion.rows_of_deletion(session, deletion_id)
        }
    assert tombstoned == {
        ("RepeatOccurrence", gone.id),
        ("OccurrenceAnswer", repeats.occurrence_answer_id(gone.id, "local_nom")),
    }
    (left,) = groups(svc, visit_id).occurrences
    assert (left.id, left.number) == (kept.id, 1)
    with pytest.raises(BadInput, match="Introuvable"):
        repeats.set_occurrence_answer(svc, gone.id, "local_nom", "Encore")
    # Restoring the deletion from the history brings both back.
    deletion.undelete(svc, "occurrence_answers", repeats.occurrence_answer_id(gone.id, "local_nom"))
    assert [o.answers for o in groups(svc, visit_id).occurrences] == [
        {"local_nom": "Ancien poste"},
        {"local_nom": "Nouveau poste"},
    ]


def test_deleting_the_visit_deletes_its_occurrences_and_their_answers(svc: Services) -> None:
    visit_id = visit_with_police(svc)
    occurrence = repeats.add_occurrence(svc, visit_id, FORM, GROUP)
    repeats.set_occurrence_answer(svc, occurrence.id, "local_nom", "Poste")
    deletion.soft_delete(svc, "visit", visit_id)
    with svc.store.reading() as session:
        assert (
            session.scalars(
                select(RepeatOccurrence).where(RepeatOccurrence.deleted_at.is_(None))
            ).all()
            == []
        )
        assert (
            session.scalars(
                select(OccurrenceAnswer).where(OccurrenceAnswer.deleted_at.is_(None))
            ).all()
            == []
        )


def test_each_operation_reports_the_occurrence_tables_of_its_visit(svc: Services) -> None:
    visit_id = visit_with_police(svc)
    recorder = svc.store.changes
    with recorder.recording() as added:
        occurrence = repeats.add_occurrence(svc, visit_id, FORM, GROUP)
    with recorder.recording() as answered:
        repeats.set_occurrence_answer(svc, occurrence.id, "local_nom", "Poste")
    with recorder.recording() as deleted:
        repeats.delete_occurrence(svc, occurrence.id)
    assert added.changes.records == {("repeat_occurrences", visit_id)}
    assert answered.changes.records == {("occurrence_answers", visit_id)}
    assert deleted.changes.records == {
        ("repeat_occurrences", visit_id),
        ("occurrence_answers", visit_id),
    }
    assert added.changes.touches(visit_id, {"repeat_occurrences"})
