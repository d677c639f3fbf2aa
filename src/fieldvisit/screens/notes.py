"""The quick-notes pad: the visit's notes and the items a note can be moved to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from fieldvisit.screens.common import ItemChoice, VisitFacts, item_choices, read_visit
from fieldvisit.services.context import Services
from fieldvisit.services.visit_forms import visit_forms
from fieldvisit.store.models import QuickNote


@dataclass(frozen=True)
class Note:
    id: str
    visit_id: str
    text: str
    noted_at: datetime
    moved_to: str | None  # "item:<form>/<item>" or "interview:<id>" once moved

    @classmethod
    def of(cls, note: QuickNote) -> Note:
        return cls(note.id, note.visit_id, note.text, note.noted_at, note.moved_to)


@dataclass(frozen=True)
class NoteBook:
    visit: VisitFacts
    notes: tuple[Note, ...]  # oldest first
    #: the items a note can be moved to: the checklist's, then the diagnostic grid's
    choices: tuple[ItemChoice, ...]


def load_notes(svc: Services, visit_id: str, include_moved: bool) -> NoteBook:
    query = select(QuickNote).where(QuickNote.visit_id == visit_id, QuickNote.deleted_at.is_(None))
    if not include_moved:
        query = query.where(QuickNote.moved_to.is_(None))
    with svc.store.reading() as session:
        visit = read_visit(session, visit_id)
        notes = tuple(Note.of(note) for note in session.scalars(query.order_by(QuickNote.noted_at)))
    return NoteBook(visit, notes, item_choices(visit_forms(svc, visit).all))
