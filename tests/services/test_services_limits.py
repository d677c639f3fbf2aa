"""The services refuse a text longer than the sync carries (store/limits.py), in French,
whatever the path: a new record, an edit, a comment set after its answer is made, a
quick note moved into an interview, a conflict resolved by typing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fieldvisit.core.errors import BadInput
from fieldvisit.core.limits import LONG_TEXT_CHARS, french_number
from fieldvisit.services.answers import answer_item, visit_answers
from fieldvisit.services.interviews import list_interviews, record_interview, update_interview
from fieldvisit.services.notes import add_quick_note, list_quick_notes, move_note_to_interview
from fieldvisit.services.visits import get_visit, plan_visit, update_visit

FORM = "visite-centre-bourg"
AT_LIMIT = "x" * LONG_TEXT_CHARS
OVER = AT_LIMIT + "y"


def _message(label: str, length: int) -> str:
    return (
        f"Texte trop long ({label}) : {french_number(length)} caractères pour "
        f"{french_number(LONG_TEXT_CHARS)} au plus. Raccourcissez-le ; rien d'autre n'a changé."
    )


def test_every_long_text_stops_at_the_limit(services: Any) -> None:
    visit = plan_visit(services, "15187", date(2026, 3, 14))
    update_visit(services, visit.id, summary=AT_LIMIT)  # at the limit: kept
    with pytest.raises(BadInput) as refused:
        update_visit(services, visit.id, summary=OVER, author="Claire")
    assert str(refused.value) == _message("synthèse de la visite", LONG_TEXT_CHARS + 1)
    assert get_visit(services, visit.id).author == ""  # the whole edit is refused

    interview = record_interview(services, visit.id, "entretien-elu", title="Maire")
    with pytest.raises(BadInput, match=r"notes de l'entretien"):
        update_interview(services, interview.id, notes=OVER)
    # An answer's comment is set after its record is made: refused all the same.
    with pytest.raises(BadInput, match=r"^Texte trop long \(commentaire\)"):
        answer_item(services, visit.id, FORM, "parcours", value="Place", comment=OVER)
    assert "parcours" not in visit_answers(services, visit.id, FORM)
    with pytest.raises(BadInput, match=r"^Texte trop long \(réponse\)"):
        answer_item(services, visit.id, FORM, "parcours", value=OVER)
    with pytest.raises(BadInput, match=r"^Texte trop long \(titre de l'entretien\) : 201 "):
        update_interview(services, interview.id, title="t" * 201)


def test_a_moved_quick_note_that_would_overflow_the_notes_stays_a_note(services: Any) -> None:
    visit = plan_visit(services, "15187", date(2026, 3, 14))
    interview = record_interview(services, visit.id, "entretien-elu", notes=AT_LIMIT[:-10])
    note = add_quick_note(services, visit.id, "Vu le commandant de brigade à 14 h.")
    with pytest.raises(BadInput, match="notes de l'entretien"):
        move_note_to_interview(services, note.id, interview.id)
    [kept] = list_quick_notes(services, visit.id)
    assert kept.moved_to is None  # nothing lost: the note is still there, not moved
    [unchanged] = list_interviews(services, visit.id)
    assert unchanged.notes == AT_LIMIT[:-10]


def test_a_text_already_over_the_limit_may_be_shortened_step_by_step(services: Any) -> None:
    visit = plan_visit(services, "15187", date(2026, 3, 14))
    legacy = "Compte rendu. " * 5_000  # 70,000 characters, from before the limit
    with services.store.transaction() as session:
        session.connection().exec_driver_sql(
            "UPDATE visits SET summary = ? WHERE id = ?", (legacy, visit.id)
        )
    update_visit(services, visit.id, summary=legacy[:-14])  # shorter: accepted
    with pytest.raises(BadInput, match=f"{french_number(69_991)} caractères"):
        update_visit(services, visit.id, summary=legacy[:-14] + "ajout")
    update_visit(services, visit.id, summary=legacy[:LONG_TEXT_CHARS])
    assert len(get_visit(services, visit.id).summary) == LONG_TEXT_CHARS


def test_a_conflict_resolved_by_typing_too_much_is_refused(services: Any) -> None:
    from fieldvisit.store.sync_models import SyncConflict
    from fieldvisit.sync.conflicts import open_conflicts, resolve_conflict

    visit = plan_visit(services, "15187", date(2026, 3, 14))
    with services.store.transaction() as session:
        session.add(
            SyncConflict(
                table_name="visits",
                record_id=visit.id,
                field_name="summary",
                kind="field",
                local_value="ici",
                remote_value="serveur",
                base_value="",
                created_at=services.clock(),
            )
        )
    [conflict] = open_conflicts(services)
    with pytest.raises(BadInput, match=f"plus de {LONG_TEXT_CHARS} caractères"):
        resolve_conflict(services, conflict.id, "value", OVER)
    assert len(open_conflicts(services)) == 1
