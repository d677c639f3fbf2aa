"""The Observations section: the walk's observations (« Points d'attention »), the
visit's photos and actions they may be linked to, and the plan they are pinned on.

Read in one snapshot: the visit, its live observations, its live attachments (photos
and plan, one statement) and its live actions (one statement), whatever their number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from fieldvisit.core.domain import ObservationCategory, ObservationSeverity
from fieldvisit.core.geo import parse_location
from fieldvisit.core.pins import PLAN_ROLE, parse_pin
from fieldvisit.screens.common import VisitFacts, read_visit
from fieldvisit.services.context import Services
from fieldvisit.store.models import Attachment, Observation, Recommendation


@dataclass(frozen=True)
class PhotoChoice:
    id: str
    filename: str
    caption: str
    sha256: str
    observation_id: str | None  # the observation it shows already, if any


@dataclass(frozen=True)
class ObservationRow:
    id: str
    number: int  # in the order made (the report numbers them by category)
    category: str  # code (core/domain.py ObservationCategory)
    category_label: str
    severity: str
    severity_label: str
    place: str
    comment: str
    action_id: str | None
    action_text: str  # "" when none or the action was deleted
    pin: tuple[float, float] | None
    photo_ids: tuple[str, ...]
    location: str  # from the first of its photos that carries a GPS position
    created_at: datetime


@dataclass(frozen=True)
class PlanFacts:
    id: str
    filename: str
    sha256: str


@dataclass(frozen=True)
class ObservationsScreen:
    visit: VisitFacts
    observations: tuple[ObservationRow, ...]
    photos: tuple[PhotoChoice, ...]  # the visit's photos (not its plan), oldest first
    plan: PlanFacts | None

    def row(self, observation_id: str) -> ObservationRow | None:
        return next((o for o in self.observations if o.id == observation_id), None)


CATEGORIES: tuple[tuple[str, str], ...] = tuple((c.value, c.label) for c in ObservationCategory)
SEVERITIES: tuple[tuple[str, str], ...] = tuple((s.value, s.label) for s in ObservationSeverity)


def _label(pairs: tuple[tuple[str, str], ...], code: str) -> str:
    return dict(pairs).get(code, code)


def load_observations(svc: Services, visit_id: str) -> ObservationsScreen:
    with svc.store.reading() as session:
        visit = read_visit(session, visit_id)
        made = list(
            session.scalars(
                select(Observation)
                .where(Observation.visit_id == visit_id, Observation.deleted_at.is_(None))
                .order_by(Observation.created_at, Observation.id)
            )
        )
        files = list(
            session.scalars(
                select(Attachment)
                .where(
                    Attachment.visit_id == visit_id,
                    Attachment.deleted_at.is_(None),
                    Attachment.media_type.startswith("image/"),
                )
                .order_by(Attachment.created_at, Attachment.id)
            )
        )
        actions: dict[str, str] = {
            row.id: row.text
            for row in session.execute(
                select(Recommendation.id, Recommendation.text).where(
                    Recommendation.visit_id == visit_id, Recommendation.deleted_at.is_(None)
                )
            )
        }
        photos = tuple(
            PhotoChoice(a.id, a.filename, a.caption, a.sha256, a.observation_id)
            for a in files
            if a.role is None
        )
        plans = [a for a in files if a.role == PLAN_ROLE]
        plan = plans[-1] if plans else None
        shown: dict[str, list[str]] = {}
        located: dict[str, str] = {}
        for a in files:
            if a.observation_id is None or a.role is not None:
                continue
            shown.setdefault(a.observation_id, []).append(a.id)
            where = parse_location(a.gps)
            if where is not None and a.observation_id not in located:
                located[a.observation_id] = where.text()
        rows = []
        for number, o in enumerate(made, start=1):
            pin = parse_pin(o.pin)
            rows.append(
                ObservationRow(
                    id=o.id,
                    number=number,
                    category=o.category,
                    category_label=_label(CATEGORIES, o.category),
                    severity=o.severity,
                    severity_label=_label(SEVERITIES, o.severity),
                    place=o.place,
                    comment=o.comment,
                    action_id=o.action_id,
                    action_text=actions.get(o.action_id or "", ""),
                    pin=(pin.x, pin.y) if pin is not None else None,
                    photo_ids=tuple(shown.get(o.id, ())),
                    location=located.get(o.id, ""),
                    created_at=o.created_at,
                )
            )
    return ObservationsScreen(
        visit=visit,
        observations=tuple(rows),
        photos=photos,
        plan=PlanFacts(plan.id, plan.filename, plan.sha256) if plan is not None else None,
    )
