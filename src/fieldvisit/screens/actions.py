"""Plan d'actions: the visit's recommendations and what the table needs to show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from fieldvisit.screens.common import VisitFacts, read_visit
from fieldvisit.services.context import Services
from fieldvisit.services.visit_forms import visit_forms
from fieldvisit.store.models import Recommendation, Visit


@dataclass(frozen=True)
class RecommendationFacts:
    id: str
    text: str
    theme_id: str | None
    priority: int
    horizon: str
    porteur: str
    dispositif: str
    due_date: date | None
    status: str
    carried_from_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, rec: Recommendation) -> RecommendationFacts:
        return cls(
            id=rec.id,
            text=rec.text,
            theme_id=rec.theme_id,
            priority=rec.priority,
            horizon=str(rec.horizon),
            porteur=str(rec.porteur),
            dispositif=str(rec.dispositif),
            due_date=rec.due_date,
            status=str(rec.status),
            carried_from_id=rec.carried_from_id,
            created_at=rec.created_at,
        )


@dataclass(frozen=True)
class ActionPlan:
    visit: VisitFacts
    recommendations: tuple[RecommendationFacts, ...]  # by priority, then as created
    #: the themes of the visit's diagnostic grid: (id, label); none if not installed
    themes: tuple[tuple[str, str], ...]
    previous_visit_date: date | None


def load_action_plan(svc: Services, visit_id: str) -> ActionPlan:
    with svc.store.reading() as session:
        visit = read_visit(session, visit_id)
        recommendations = tuple(
            RecommendationFacts.of(rec)
            for rec in session.scalars(
                select(Recommendation)
                .where(Recommendation.visit_id == visit_id, Recommendation.deleted_at.is_(None))
                .order_by(Recommendation.priority, Recommendation.created_at)
            )
        )
        previous_date = None
        if visit.previous_visit_id is not None:
            previous_date = session.scalar(
                select(Visit.visit_date).where(
                    Visit.id == visit.previous_visit_id, Visit.deleted_at.is_(None)
                )
            )
    # A grid that is not installed any more leaves the theme column free.
    grid = visit_forms(svc, visit).diagnostic
    themes = tuple((theme.id, theme.label) for theme in grid.iter_themes()) if grid else ()
    return ActionPlan(visit, recommendations, themes, previous_date)
