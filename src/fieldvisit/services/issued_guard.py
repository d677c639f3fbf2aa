"""An issued visit is read-only: the check every person's edit passes (`Services.stamp`).

Once its report is issued (« Rapport émis ») a visit shows what the issued PDF says:
every edit service stamps the records it changes (`Services.stamp`), and the stamp
refuses a record of an issued visit with a French `RuleViolation` that says how to
edit it again (« Rouvrir »). What is allowed on an issued visit:

- its status moving (« Rouvrir », services/visits.py);
- the deletion of the whole visit (soft_delete tombstones the visit first);
- records of a visit created in the same transaction (an archive import);
- bookkeeping that is not a person's edit (sync merges, the archive's merge, undoing a
  deletion): those use `Services.mark_changed`, which does not check.

Contacts belong to no visit and stay editable.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from fieldvisit.core.domain import VisitStatus
from fieldvisit.core.errors import RuleViolation
from fieldvisit.store.models import Interview, SyncColumns, Visit

ISSUED_MESSAGE = (
    "Le rapport de cette visite a été émis : la visite est en lecture seule. Pour la "
    "modifier, rouvrez-la (section Informations, « Rouvrir ») ; le prochain rapport "
    "émis en sera une nouvelle version."
)


def check_editable(session: Session | None, record: SyncColumns) -> None:
    """Refuse a person's edit of a record of an issued visit (see the module)."""
    if session is None:
        return
    if isinstance(record, Visit):
        _check_visit(record)
        return
    visit = _visit_of(session, record)
    if visit is not None:
        _check_visit(visit, child=True)


def _check_visit(visit: Visit, *, child: bool = False) -> None:
    state = inspect(visit)
    if state.transient or state.pending:
        return  # created in this transaction (an archive import)
    if visit.deleted_at is not None:
        return  # the whole visit is being deleted (or is already)
    history = state.attrs.status.history
    if not child and history.has_changes():
        return  # a move of the status (« Rouvrir »)
    committed = history.deleted[0] if history.deleted else visit.status
    if committed == VisitStatus.RAPPORT_EMIS.value:
        raise RuleViolation(ISSUED_MESSAGE)


def _visit_of(session: Session, record: Any) -> Visit | None:
    visit_id = getattr(record, "visit_id", None)
    if visit_id is None:
        interview_id = getattr(record, "interview_id", None)
        if interview_id is None:
            return None
        interview = session.get(Interview, interview_id)
        visit_id = interview.visit_id if interview is not None else None
    return session.get(Visit, visit_id) if visit_id is not None else None
