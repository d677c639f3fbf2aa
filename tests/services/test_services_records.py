"""Answers, interviews, diagnostic, action plan, attachments, notes, soft deletion."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldvisit.core.errors import BadInput, NotFound
from fieldvisit.services import (
    Services,
    actions,
    answers,
    attachments,
    contacts,
    deletion,
    diagnostic,
    interviews,
    notes,
    visits,
)
from fieldvisit.store.models import Answer, Recommendation


@pytest.fixture
def visit(svc: Services):  # type: ignore[no-untyped-def]
    return visits.plan_visit(
        svc,
        "15187",
        date(2026, 11, 20),
        checklist_form="test-checklist",
        diagnostic_form="test-diagnostic",
    )


def test_answering_the_same_item_twice_updates_one_row(svc: Services, visit) -> None:  # type: ignore[no-untyped-def]
    first = answers.answer_item(svc, visit.id, "test-checklist", "pm_presente", "oui")
    second = answers.answer_item(
        svc, visit.id, "test-checklist", "pm_presente", "non", comment="PM intercommunale"
    )
    assert first.id == second.id
    with svc.store.reading() as session:
        assert session.scalar(select(func.count()).select_from(Answer)) == 1
    stored = answers.visit_answers(svc, visit.id, "test-checklist")["pm_presente"]
    assert (stored.value, stored.comment) == ("non", "PM intercommunale")
    # A comment alone keeps the value; None clears the value.
    answers.answer_item(svc, visit.id, "test-checklist", "pm_presente", comment="à revoir")
    assert answers.visit_answers(svc, visit.id, "test-checklist")["pm_presente"].value == "non"
    answers.answer_item(svc, visit.id, "test-checklist", "pm_presente", None)
    assert answers.visit_answers(svc, visit.id, "test-checklist")["pm_presente"].value is None


def test_invalid_answers_are_refused_with_a_message(svc: Services, visit) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadInput):
        answers.answer_item(svc, visit.id, "test-checklist", "pm_presente", "peut-être")
    with pytest.raises(BadInput):
        answers.answer_item(svc, visit.id, "test-checklist", "pm_agents", -2)
    with pytest.raises(BadInput, match="inconnu"):
        answers.answer_item(svc, visit.id, "test-checklist", "no_such_item", "oui")
    with pytest.raises(BadInput, match="n'est pas utilisé"):
        answers.answer_item(svc, visit.id, "entretien-elu", "x", "oui")
    assert answers.visit_answers(svc, visit.id, "test-checklist") == {}


def test_interview_with_interviewees_answers_and_notes(svc: Services, visit) -> None:  # type: ignore[no-untyped-def]
    mayor = contacts.add_contact(svc, "Hélène Vidal", "maire", "Mairie de Saint-Flour")
    deputy = contacts.add_contact(svc, "Paul Roux", "Adjoint(e) au maire")
    guide = svc.forms.latest("entretien-elu")
    interview = interviews.record_interview(
        svc, visit.id, "entretien-elu", interviewee_ids=[mayor.id], notes="Début."
    )
    interviews.add_interviewee(svc, interview.id, deputy.id)
    interviews.add_interviewee(svc, interview.id, deputy.id)  # twice: still one
    first_text_item = next(
        i for i in guide.iter_items() if i.type in ("text", "long_text") and i.bind is None
    )
    interviews.answer_interview_item(svc, interview.id, first_text_item.id, "Cambriolages")
    assert interview.held_on == visit.visit_date
    assert interview.title == guide.title
    assert [c.name for c in interviews.interviewees(svc, interview.id)] == [
        "Hélène Vidal",
        "Paul Roux",
    ]
    got = interviews.interview_answers(svc, interview.id)
    assert got[first_text_item.id].value == "Cambriolages"
    with pytest.raises(BadInput, match="guide d'entretien"):
        interviews.record_interview(svc, visit.id, "test-checklist")


def test_contact_role_must_be_known(svc: Services) -> None:
    with pytest.raises(BadInput, match="Fonction"):
        contacts.add_contact(svc, "X", "shérif")
    with pytest.raises(BadInput, match="obligatoire"):
        contacts.add_contact(svc, "  ", "maire")


def test_theme_ratings_levels_and_non_evalue(svc: Services, visit) -> None:  # type: ignore[no-untyped-def]
    diagnostic.rate_theme(svc, visit.id, "cambriolages", 3, "Série en octobre.")
    diagnostic.rate_theme(svc, visit.id, "rodeos", None)
    diagnostic.rate_theme(svc, visit.id, "cambriolages", observations="Série en octobre ; OTV.")
    ratings = diagnostic.theme_ratings(svc, visit.id)
    assert ratings["cambriolages"].level == 3
    assert ratings["cambriolages"].observations == "Série en octobre ; OTV."
    assert ratings["rodeos"].level is None
    with pytest.raises(BadInput, match="1 à 4"):
        diagnostic.rate_theme(svc, visit.id, "rodeos", 5)
    with pytest.raises(BadInput, match="inconnu"):
        diagnostic.rate_theme(svc, visit.id, "meteo", 1)


def test_recommendation_fields_are_checked(svc: Services, visit) -> None:  # type: ignore[no-untyped-def]
    rec = actions.add_recommendation(
        svc,
        visit.id,
        "Déposer un dossier FIPD",
        priority=1,
        horizon="moyen",
        porteur="Commune",
        dispositif="fipd",
        due_date=date(2027, 3, 31),
    )
    assert (rec.horizon, rec.porteur, rec.dispositif, rec.status) == (
        "moyen",
        "commune",
        "fipd",
        "a_engager",
    )
    updated = actions.update_recommendation(svc, rec.id, status="realisee", priority=2)
    assert (updated.status, updated.priority) == ("realisee", 2)
    with pytest.raises(BadInput, match="Priorité"):
        actions.add_recommendation(svc, visit.id, "x", priority=7)
    with pytest.raises(BadInput, match="horizon"):
        actions.add_recommendation(svc, visit.id, "x", horizon="demain")
    with pytest.raises(BadInput, match="obligatoire"):
        actions.add_recommendation(svc, visit.id, "   ")
    with pytest.raises(BadInput, match="inconnu"):
        actions.update_recommendation(svc, rec.id, colour="red")


def test_attachments_are_content_addressed_and_images_checked(
    svc: Services,
    visit,
    photo: Path,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    a = attachments.attach_file(svc, visit.id, photo, caption="Place du marché")
    copy = tmp_path / "copie.jpg"
    copy.write_bytes(photo.read_bytes())
    b = attachments.attach_file(svc, visit.id, copy)
    assert a.sha256 == b.sha256 and a.id != b.id
    assert a.media_type == "image/jpeg"
    assert attachments.attachment_bytes(svc, a) == photo.read_bytes()
    stored = [p for p in svc.data_dir.attachments.rglob("*") if p.is_file()]
    assert len(stored) == 1
    fake = tmp_path / "pas-une-photo.jpg"
    fake.write_text("ceci n'est pas une image")
    with pytest.raises(BadInput, match="n'est pas une image"):
        attachments.attach_file(svc, visit.id, fake)
    with pytest.raises(BadInput, match="introuvable"):
        attachments.attach_file(svc, visit.id, tmp_path / "absent.jpg")
    linked = attachments.update_attachment(
        svc, a.id, caption="Place", form_id="test-checklist", item_id="photo_place"
    )
    assert (linked.caption, linked.item_id) == ("Place", "photo_place")
    assert len(attachments.list_attachments(svc, visit.id)) == 2


def test_deleting_a_visit_leaves_tombstones_for_everything_it_holds(svc: Services, visit) -> None:  # type: ignore[no-untyped-def]
    answers.answer_item(svc, visit.id, "test-checklist", "pm_presente", "oui")
    actions.add_recommendation(svc, visit.id, "Promouvoir l'OTV")
    interviews.record_interview(svc, visit.id, "entretien-elu")
    deletion.soft_delete(svc, "visit", visit.id)
    assert visits.list_visits(svc) == []
    with pytest.raises(NotFound):
        visits.get_visit(svc, visit.id)
    with svc.store.reading() as session:
        recs = list(session.scalars(select(Recommendation)))
        ans = list(session.scalars(select(Answer)))
    assert recs and all(r.deleted_at is not None and r.pending for r in recs)
    assert ans and all(a.deleted_at is not None for a in ans)
    assert interviews.list_interviews(svc, visit.id) == []
    with pytest.raises(BadInput, match="inconnu"):
        deletion.soft_delete(svc, "galaxy", visit.id)


def test_quick_notes_move_onto_an_item_comment_or_an_interview(svc: Services, visit) -> None:  # type: ignore[no-untyped-def]
    note = notes.add_quick_note(svc, visit.id, "Tags rue du Collège")
    other = notes.add_quick_note(svc, visit.id, "Le maire veut un CISPD")
    interview = interviews.record_interview(svc, visit.id, "entretien-elu", notes="Accueil.")
    notes.move_note_to_item(svc, note.id, "test-checklist", "remarques")
    notes.move_note_to_interview(svc, other.id, interview.id)
    comment = answers.visit_answers(svc, visit.id, "test-checklist")["remarques"].comment
    assert comment.endswith("Tags rue du Collège")
    assert interviews.list_interviews(svc, visit.id)[0].notes.startswith("Accueil.\n[")
    assert notes.list_quick_notes(svc, visit.id) == []
    assert len(notes.list_quick_notes(svc, visit.id, include_moved=True)) == 2
    with pytest.raises(BadInput):
        notes.add_quick_note(svc, visit.id, "   ")
