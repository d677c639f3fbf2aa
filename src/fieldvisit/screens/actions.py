"""Plan d'actions: the visit's recommendations and what the table and the action's
details (dispositifs, named porteur, cost and funding…) need to show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select

from fieldvisit.core.action_plan import dispositif_list
from fieldvisit.screens.common import Person, VisitFacts, read_visit
from fieldvisit.services.context import Services
from fieldvisit.services.visit_forms import visit_forms
from fieldvisit.store.models import Contact, Recommendation, Visit


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
    # What a contrat de sécurité needs of it (core/action_plan.py)
    dispositifs: tuple[str, ...] = ()  # codes; the single one of an older record
    porteur_contact_id: str | None = None
    description: str = ""
    estimated_cost: int | None = None
    funding: tuple[tuple[str, int], ...] = ()  # (source code, euros), as typed
    success_indicator: str = ""
    review_date: date | None = None

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
            dispositifs=tuple(dispositif_list(rec.dispositifs, rec.dispositif)),
            porteur_contact_id=rec.porteur_contact_id,
            description=rec.description or "",
            estimated_cost=rec.estimated_cost,
            funding=tuple((str(line["source"]), int(line["amount"])) for line in rec.funding or ()),
            success_indicator=rec.success_indicator or "",
            review_date=rec.review_date,
        )


@dataclass(frozen=True)
class ActionPlan:
    visit: VisitFacts
    recommendations: tuple[RecommendationFacts, ...]  # by priority, then as created
    #: the themes of the visit's diagnostic grid: (id, label); none if not installed
    themes: tuple[tuple[str, str], ...]
    previous_visit_date: date | None
    #: who may be named porteur: the live contacts of the visit's commune, and any
    #: contact an action already names (from elsewhere, or deleted since), by name
    contacts: tuple[Person, ...] = ()

    def contact(self, contact_id: str | None) -> Person | None:
        return next((c for c in self.contacts if c.id == contact_id), None)


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
        named = {rec.porteur_contact_id for rec in recommendations if rec.porteur_contact_id}
        people = tuple(
            Person.of(contact)
            for contact in session.scalars(
                select(Contact)
                .where(
                    or_(
                        (Contact.commune_code == visit.commune_code) & Contact.deleted_at.is_(None),
                        Contact.id.in_(sorted(named)),
                    )
                )
                .order_by(Contact.name, Contact.id)
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
    return ActionPlan(visit, recommendations, themes, previous_date, people)
