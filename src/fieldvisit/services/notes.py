"""Quick notes: typed during the walk or a meeting, moved onto the right place later."""

from __future__ import annotations

from sqlalchemy import select

from fieldvisit.core.dates import moment_text
from fieldvisit.core.errors import BadInput
from fieldvisit.services.answers import answer_item, visit_answers
from fieldvisit.services.context import Services
from fieldvisit.services.interviews import update_interview
from fieldvisit.services.records import get_live
from fieldvisit.store.models import Interview, QuickNote, Visit


def add_quick_note(svc: Services, visit_id: str, text: str) -> QuickNote:
    if not text.strip():
        raise BadInput("Une note vide n'est pas enregistrée.")
    with svc.store.transaction() as session:
        get_live(session, Visit, visit_id)
        note = QuickNote(visit_id=visit_id, text=text.strip(), noted_at=svc.clock())
        svc.stamp(note, new=True)
        session.add(note)
    return note


def list_quick_notes(svc: Services, visit_id: str, include_moved: bool = False) -> list[QuickNote]:
    query = select(QuickNote).where(QuickNote.visit_id == visit_id, QuickNote.deleted_at.is_(None))
    if not include_moved:
        query = query.where(QuickNote.moved_to.is_(None))
    with svc.store.reading() as session:
        return list(session.scalars(query.order_by(QuickNote.noted_at)))


def _appended(existing: str, note: QuickNote) -> str:
    stamp = moment_text(note.noted_at)
    addition = f"[{stamp}] {note.text}"
    return f"{existing.rstrip()}\n{addition}" if existing.strip() else addition


def _mark_moved(svc: Services, note_id: str, target: str) -> None:
    with svc.store.transaction() as session:
        note = get_live(session, QuickNote, note_id)
        note.moved_to = target
        svc.stamp(note)


def move_note_to_item(svc: Services, note_id: str, form_id: str, item_id: str) -> None:
    """Append the note to an item's comment; the note is kept, marked as moved."""
    with svc.store.reading() as session:
        note = get_live(session, QuickNote, note_id)
    current = visit_answers(svc, note.visit_id, form_id).get(item_id)
    answer_item(
        svc,
        note.visit_id,
        form_id,
        item_id,
        comment=_appended(current.comment if current else "", note),
    )
    _mark_moved(svc, note_id, f"item:{form_id}/{item_id}")


def move_note_to_interview(svc: Services, note_id: str, interview_id: str) -> None:
    """Append the note to an interview's free notes; the note is kept, marked as moved."""
    with svc.store.reading() as session:
        note = get_live(session, QuickNote, note_id)
        interview = get_live(session, Interview, interview_id)
    if interview.visit_id != note.visit_id:
        raise BadInput("La note et l'entretien n'appartiennent pas à la même visite.")
    update_interview(svc, interview_id, notes=_appended(interview.notes, note))
    _mark_moved(svc, note_id, f"interview:{interview_id}")
