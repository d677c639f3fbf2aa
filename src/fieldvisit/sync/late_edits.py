"""Edits made offline on a laptop that had not yet learned its visit's report was issued.

ARCHITECTURE.md "Sync", "Issued visits": a visit is read-only once its report is issued
(services/issued_guard.py), but a laptop offline at the time may hold edits of it made
before it learned of the issuing. Nothing of them is lost: when a pull brings a visit as
« rapport émis » that this laptop did not have as issued, and this laptop holds local
changes of that visit not yet pushed (any of its records, or its own date, author or
synthèse), the visit is **reopened** here (« en cours », stamped, pushed with the edits),
with a notice. The issued PDF stays as it was issued; the next issuing is version 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from fieldvisit.core.dates import day_text
from fieldvisit.core.domain import VisitStatus
from fieldvisit.services.context import Services
from fieldvisit.services.deletion import MODELS as MODEL_OF_TABLE
from fieldvisit.services.deletion import PARENT_OF
from fieldvisit.store.models import Interview, Visit
from fieldvisit.sync.wire import PulledRecord

ISSUED = VisitStatus.RAPPORT_EMIS.value
#: the visit's own fields a person edits (a pending change of them is a late edit)
_CONTENT_FIELDS = ("visit_date", "author", "summary")


@dataclass(frozen=True)
class Reopened:
    visit_id: str
    label: str  # « Saint-Flour, visite du 12/03/2026 »


def newly_issued(session: Session, records: Iterable[PulledRecord]) -> dict[str, PulledRecord]:
    """The pulled visits that arrive issued while this laptop has them otherwise."""
    arriving = {
        r.id: r
        for r in records
        if r.table == "visits" and r.deleted_at is None and r.fields.get("status") == ISSUED
    }
    if not arriving:
        return {}
    here = {
        vid: status
        for vid, status in session.execute(
            select(Visit.id, Visit.status).where(Visit.id.in_(sorted(arriving)))
        )
    }
    return {vid: r for vid, r in arriving.items() if vid in here and here[vid] != ISSUED}


def reopen_late_edits(
    svc: Services, session: Session, arriving: dict[str, PulledRecord]
) -> list[Reopened]:
    """After the pull is applied: reopen each newly issued visit this laptop holds
    unpushed edits of (see the module)."""
    reopened: list[Reopened] = []
    if arriving:
        session.flush()
    for visit_id, pulled in sorted(arriving.items()):
        visit = session.get(Visit, visit_id, populate_existing=True)
        if visit is None or visit.deleted_at is not None or visit.status != ISSUED:
            continue
        if not _has_late_edits(session, visit, pulled):
            continue
        visit.status = VisitStatus.EN_COURS.value
        svc.mark_changed(visit)
        reopened.append(
            Reopened(visit_id, f"{visit.commune_name}, visite du {day_text(visit.visit_date)}")
        )
    return reopened


def _has_late_edits(session: Session, visit: Visit, pulled: PulledRecord) -> bool:
    if visit.pending:
        fields = pulled.fields
        for name in _CONTENT_FIELDS:
            mine = getattr(visit, name)
            theirs = fields.get(name)
            if (mine.isoformat() if hasattr(mine, "isoformat") else mine) != theirs:
                return True
    interviews = select(Interview.id).where(Interview.visit_id == visit.id).scalar_subquery()
    for table, (column, parent) in PARENT_OF.items():
        model = MODEL_OF_TABLE[table]
        owner = getattr(model, column)
        if parent == "visits":
            where = owner == visit.id
        elif parent == "repeat_occurrences":  # an occurrence's answer carries its visit
            where = model.visit_id == visit.id  # type: ignore[attr-defined]
        else:
            where = owner.in_(interviews)
        if session.scalar(select(exists().where(where, model.pending.is_(True)))):
            return True
    return False


def notices(reopened: Sequence[Reopened]) -> list[str]:
    return [
        f"Visite rouverte ({r.label}) : son rapport avait été émis sur un autre poste "
        "pendant que des modifications y étaient faites ici, hors ligne. Elles sont "
        "gardées ; le rapport émis reste tel quel et la prochaine émission en sera une "
        "nouvelle version."
        for r in reopened
    ]
