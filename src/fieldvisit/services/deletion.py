"""Soft deletion as one operation: tombstones (deleted_at) that sync; nothing is removed.

A deletion gets one id (`deletion_id`), written on every row it tombstones: a visit and
everything it holds (participants, answers, interviews with their interviewees and
answers, ratings, recommendations, attachments, quick notes), an interview and its
parts, or a single record. The id syncs with the rows, so every laptop knows which
rows one deletion removed, and a deletion is undone whole (`revive`): when an edit made
elsewhere wins over it (sync/deletions.py), when a person restores it from the history
(services/history.py) or disagrees with it in the conflict view.

Reviving also brings back the deletions of the revived rows' parents, so that no live
record is ever left under a deleted visit or interview.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.core.clock import Clock
from fieldvisit.core.errors import BadInput
from fieldvisit.core.ids import new_id
from fieldvisit.services.context import Services
from fieldvisit.services.records import get_live
from fieldvisit.store.models import (
    USER_RECORD_MODELS,
    Answer,
    Attachment,
    Contact,
    Interview,
    InterviewAnswer,
    Interviewee,
    Observation,
    OccurrenceAnswer,
    QuickNote,
    Recommendation,
    RepeatOccurrence,
    Signature,
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
    "observation": Observation,
    "occurrence": RepeatOccurrence,
    "occurrence_answer": OccurrenceAnswer,
    "attachment": Attachment,
    "note": QuickNote,
    "signature": Signature,
}
MODELS: dict[str, type[SyncColumns]] = {m.__tablename__: m for m in USER_RECORD_MODELS}

# Records that belong to a visit, deleted with it.
_VISIT_CHILDREN: tuple[type[SyncColumns], ...] = (
    VisitParticipant,
    Answer,
    Interview,
    ThemeRating,
    Recommendation,
    Observation,
    RepeatOccurrence,
    Attachment,
    Signature,
    QuickNote,
)
# The record each kind belongs to: (column, parent table). Same as sync.wire.PARENT.
PARENT_OF: dict[str, tuple[str, str]] = {
    **{m.__tablename__: ("visit_id", "visits") for m in _VISIT_CHILDREN},
    "interviewees": ("interview_id", "interviews"),
    "interview_answers": ("interview_id", "interviews"),
    "occurrence_answers": ("occurrence_id", "repeat_occurrences"),
}

Stamp = Callable[[SyncColumns], None]


def soft_delete(svc: Services, kind: str, record_id: str) -> str:
    """Mark a record deleted (and, for a visit or interview, what belongs to it), as
    one deletion; its id."""
    model = DELETABLE.get(kind)
    if model is None:
        raise BadInput(f"Type d'enregistrement inconnu : « {kind} ».")
    with svc.store.transaction() as session:
        record = get_live(session, model, record_id)
        return delete_whole(session, record, svc.clock, svc.stamp)


def delete_whole(session: Session, record: SyncColumns, clock: Clock, stamp: Stamp) -> str:
    """Tombstone a live record and everything it holds under one new deletion id."""
    deletion = new_id()

    def tombstone(row: SyncColumns) -> None:
        row.deleted_at = clock()
        row.deletion_id = deletion
        stamp(row)

    tombstone(record)
    if isinstance(record, Visit):
        for child_model in _VISIT_CHILDREN:
            for child in _live_children(session, child_model, "visit_id", record.id):
                tombstone(child)
                if isinstance(child, Interview):
                    _delete_interview_parts(session, child.id, tombstone)
                elif isinstance(child, RepeatOccurrence):
                    _delete_occurrence_answers(session, child.id, tombstone)
    elif isinstance(record, Interview):
        _delete_interview_parts(session, record.id, tombstone)
    elif isinstance(record, RepeatOccurrence):
        _delete_occurrence_answers(session, record.id, tombstone)
    return deletion


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


def _delete_interview_parts(
    session: Session, interview_id: str, tombstone: Callable[[SyncColumns], None]
) -> None:
    for model in (Interviewee, InterviewAnswer):
        for child in _live_children(session, model, "interview_id", interview_id):
            tombstone(child)


def _delete_occurrence_answers(
    session: Session, occurrence_id: str, tombstone: Callable[[SyncColumns], None]
) -> None:
    for child in _live_children(session, OccurrenceAnswer, "occurrence_id", occurrence_id):
        tombstone(child)


# --- undoing a deletion ------------------------------------------------------------------


@dataclass(frozen=True)
class Revived:
    """A row brought back, and the deletion it had belonged to (None: a tombstone made
    before deletion ids, revived alone)."""

    table: str
    record_id: str
    deletion_id: str | None
    deleted_at: datetime | None  # when it had been deleted
    parent: tuple[str, str] | None  # (table, id) of its visit or interview


def rows_of_deletion(session: Session, deletion_id: str) -> list[SyncColumns]:
    """Every row a deletion tombstoned that is still deleted, parents first."""
    rows: list[SyncColumns] = []
    for model in USER_RECORD_MODELS:
        rows.extend(
            session.scalars(
                select(model)
                .where(model.deletion_id == deletion_id, model.deleted_at.is_not(None))
                .execution_options(populate_existing=True)
            )
        )
    return rows


def revive(
    session: Session,
    stamp: Stamp,
    *,
    deletions: Iterable[str] = (),
    records: Iterable[tuple[str, str]] = (),
) -> list[Revived]:
    """Undo these deletions whole, and the deletions of these records (a tombstone: the
    deletion it belongs to; a live record: the deletions of its parents), then of the
    parents of everything revived: no live record stays under a deleted parent.

    `stamp` marks each revived row as a local change (pending, to be pushed)."""
    revived: list[Revived] = []
    done: set[str] = set()
    todo_deletions = list(deletions)
    todo_records = list(records)

    def bring_back(rows: list[SyncColumns], deletion_id: str | None) -> None:
        for row in rows:
            table = row.__tablename__  # type: ignore[attr-defined]
            parent = _parent_key(table, row)
            revived.append(Revived(table, row.id, deletion_id, row.deleted_at, parent))
            row.deleted_at = None
            row.deletion_id = None
            stamp(row)
            if parent is not None:
                todo_records.append(parent)

    while todo_deletions or todo_records:
        if todo_deletions:
            deletion_id = todo_deletions.pop()
            if deletion_id not in done:
                done.add(deletion_id)
                bring_back(rows_of_deletion(session, deletion_id), deletion_id)
            continue
        table, record_id = todo_records.pop()
        model = MODELS.get(table)
        row = session.get(model, record_id, populate_existing=True) if model else None
        if row is None:
            continue
        if row.deleted_at is None:
            parent = _parent_key(table, row)
            if parent is not None:
                todo_records.append(parent)
        elif row.deletion_id is not None:
            todo_deletions.append(row.deletion_id)
        else:
            bring_back([row], None)
    session.flush()
    return revived


def _parent_key(table: str, row: SyncColumns) -> tuple[str, str] | None:
    link = PARENT_OF.get(table)
    if link is None:
        return None
    parent_id = getattr(row, link[0], None)
    return (link[1], parent_id) if isinstance(parent_id, str) else None


def undelete(svc: Services, table: str, record_id: str) -> list[Revived]:
    """Bring back the deletion a record belongs to, whole (with its parents' if they are
    deleted too): the history's « restaurer » of a deletion."""
    model = MODELS.get(table)
    if model is None:
        raise BadInput(f"Type d'enregistrement inconnu : « {table} ».")
    with svc.store.transaction() as session:
        record = session.get(model, record_id)
        if record is None or record.deleted_at is None:
            raise BadInput("Cet enregistrement n'est pas supprimé : rien à restaurer.")
        return revive(session, svc.stamp, records=[(table, record_id)])
