"""Soft deletion: a tombstone (deleted_at) that syncs; rows are never removed here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.core.errors import BadInput
from fieldvisit.services.context import Services
from fieldvisit.services.records import get_live
from fieldvisit.store.models import (
    Answer,
    Attachment,
    Contact,
    Interview,
    InterviewAnswer,
    Interviewee,
    QuickNote,
    Recommendation,
    SyncColumns,
    ThemeRating,
    Visit,
    VisitParticipant,
)

DELETABLE: dict[str, type[SyncColumns]] = {
    "contact": Contact,
    "visit": Visit,
    "participant": VisitParticipant,
    "answer": Answer,
    "interview": Interview,
    "interviewee": Interviewee,
    "interview_answer": InterviewAnswer,
    "rating": ThemeRating,
    "recommendation": Recommendation,
    "attachment": Attachment,
    "note": QuickNote,
}

# Records that belong to a visit, deleted with it.
_VISIT_CHILDREN: tuple[type[SyncColumns], ...] = (
    VisitParticipant,
    Answer,
    Interview,
    ThemeRating,
    Recommendation,
    Attachment,
    QuickNote,
)


def soft_delete(svc: Services, kind: str, record_id: str) -> None:
    """Mark a record deleted (and, for a visit or interview, what belongs to it)."""
    model = DELETABLE.get(kind)
    if model is None:
        raise BadInput(f"Type d'enregistrement inconnu : « {kind} ».")
    with svc.store.transaction() as session:
        record = get_live(session, model, record_id)
        _tombstone(svc, record)
        if isinstance(record, Visit):
            for child_model in _VISIT_CHILDREN:
                for child in _live_children(session, child_model, "visit_id", record.id):
                    _tombstone(svc, child)
                    if isinstance(child, Interview):
                        _delete_interview_parts(svc, session, child.id)
        elif isinstance(record, Interview):
            _delete_interview_parts(svc, session, record.id)


def _tombstone(svc: Services, record: SyncColumns) -> None:
    record.deleted_at = svc.clock()
    svc.stamp(record)


def _live_children(
    session: Session, model: type[SyncColumns], column: str, parent_id: str
) -> list[SyncColumns]:
    return list(
        session.scalars(
            select(model).where(
                getattr(model, column) == parent_id,
                model.deleted_at.is_(None),
            )
        )
    )


def _delete_interview_parts(svc: Services, session: Session, interview_id: str) -> None:
    for model in (Interviewee, InterviewAnswer):
        for child in _live_children(session, model, "interview_id", interview_id):
            _tombstone(svc, child)
