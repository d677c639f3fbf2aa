"""What changed since the previous visit of the same commune: the levels of the
diagnostic themes then, and what became of the previous visit's action plan.

Read-only, in the caller's session (`read_evolution`: the Diagnostic screen reads it in
its one snapshot) or in one of its own (`visit_evolution`, for the report), with the
same three statements whatever the number of themes or actions.

The previous visit is the visit's « visite de suivi » link (`previous_visit_id`) when
it points at a live visit, else the latest live visit of the same commune on an
earlier day. A visit with neither is a first visit: it has no evolution (None).

Each action of the previous visit's plan is shown with its status now: the status of
its copy in this visit when it was carried over (services/visits.py copies the open
ones), else its own (réalisée, abandonnée at the previous visit, or never carried). An
open action (à engager, en cours) whose échéance is before today is « en retard ».
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from fieldvisit.core.dates import day_text
from fieldvisit.core.domain import CONCERN_LABELS, ActionStatus, action_state_label, is_late
from fieldvisit.services.context import Services
from fieldvisit.store.models import Recommendation, ThemeRating, Visit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ActionSince:
    """One action of the previous visit's plan, as it stands now."""

    id: str  # the record that holds its status now (the copy when carried over)
    text: str
    theme_id: str | None
    priority: int
    due_date: date | None
    status: str  # ActionStatus code, now
    late: bool  # open and past its échéance
    carried_over: bool  # copied into this visit's plan

    @property
    def state_label(self) -> str:
        """« Réalisée », « En cours », « En retard », « À engager » or « Abandonnée »."""
        return action_state_label(self.status, self.late)

    @property
    def done(self) -> bool:
        return self.status == ActionStatus.REALISEE


@dataclass(frozen=True)
class Evolution:
    """A visit's previous visit of the same commune and what changed since."""

    previous_visit_id: str
    previous_visit_date: date
    #: True: the visit's follow-up link; False: the latest earlier visit of the commune
    linked: bool
    #: {theme id: level then (1–4, None = non évalué)}, the themes rated or noted then
    levels: Mapping[str, int | None]
    actions: tuple[ActionSince, ...]  # by priority, then as created
    today: date  # the day « en retard » was judged on

    @property
    def previous_date_text(self) -> str:
        return day_text(self.previous_visit_date)

    def level_then(self, theme_id: str) -> int | None:
        return self.levels.get(theme_id)

    def level_then_text(self, theme_id: str) -> str:
        """« Visite du 12/03/2026 : 3 – Préoccupant » (« Non évalué » when it was not)."""
        return f"Visite du {self.previous_date_text} : {CONCERN_LABELS[self.level_then(theme_id)]}"


def visit_evolution(svc: Services, visit_id: str) -> Evolution | None:
    """The evolution of one visit, read in its own snapshot (the report's)."""
    with svc.store.reading() as session:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.deleted_at is not None:
            return None
        return read_evolution(
            session,
            visit.id,
            visit.commune_code,
            visit.visit_date,
            visit.previous_visit_id,
            local_today(svc),
        )


def local_today(svc: Services) -> date:
    """Today on this computer, by the services' clock (a fixed one in tests)."""
    return svc.clock().astimezone().date()


def read_evolution(
    session: Session,
    visit_id: str,
    commune_code: str,
    visit_date: date,
    previous_visit_id: str | None,
    today: date,
) -> Evolution | None:
    """The evolution of a visit in the caller's session: three statements (the previous
    visit, its ratings, its plan with the copies), one when it is a first visit."""
    link_first = Visit.id == previous_visit_id if previous_visit_id else None
    found = session.execute(
        select(Visit.id, Visit.visit_date)
        .where(
            Visit.deleted_at.is_(None),
            Visit.id != visit_id,
            or_(
                *([link_first] if link_first is not None else []),
                and_(Visit.commune_code == commune_code, Visit.visit_date < visit_date),
            ),
        )
        .order_by(
            *([link_first.desc()] if link_first is not None else []),
            Visit.visit_date.desc(),
            Visit.id.desc(),
        )
        .limit(1)
    ).first()
    if found is None:
        return None
    previous_id, previous_date = found
    levels = {
        theme_id: level
        for theme_id, level in session.execute(
            select(ThemeRating.theme_id, ThemeRating.level).where(
                ThemeRating.visit_id == previous_id, ThemeRating.deleted_at.is_(None)
            )
        )
    }
    copy = aliased(Recommendation)
    rows = session.execute(
        select(
            Recommendation.id,
            Recommendation.text,
            Recommendation.theme_id,
            Recommendation.priority,
            Recommendation.due_date,
            Recommendation.status,
            copy.id,
            copy.text,
            copy.due_date,
            copy.status,
        )
        .outerjoin(
            copy,
            and_(
                copy.carried_from_id == Recommendation.id,
                copy.visit_id == visit_id,
                copy.deleted_at.is_(None),
            ),
        )
        .where(Recommendation.visit_id == previous_id, Recommendation.deleted_at.is_(None))
        .order_by(Recommendation.priority, Recommendation.created_at, Recommendation.id)
    ).all()
    actions: dict[str, ActionSince] = {}
    for row in rows:
        rec_id, text, theme_id, priority, due, status = row[:6]
        copy_id, copy_text, copy_due, copy_status = row[6:]
        if rec_id in actions:
            continue  # carried over twice (two laptops): the first copy speaks for it
        carried = copy_id is not None
        due_now = copy_due if carried else due
        status_now = str(copy_status if carried else status)
        actions[rec_id] = ActionSince(
            id=copy_id if carried else rec_id,
            text=(copy_text if carried else text).strip(),
            theme_id=theme_id,
            priority=priority,
            due_date=due_now,
            status=status_now,
            late=is_late(status_now, due_now, today),
            carried_over=carried,
        )
    return Evolution(
        previous_visit_id=previous_id,
        previous_visit_date=previous_date,
        linked=previous_id == previous_visit_id,
        levels=MappingProxyType(levels),
        actions=tuple(actions.values()),
        today=today,
    )
