"""Checklist and Diagnostic: one of the visit's own forms with what was answered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from fieldvisit.core.errors import NotFound
from fieldvisit.forms.bindings import VISIT_DATE, VISIT_PARTICIPANTS, VISIT_SUMMARY
from fieldvisit.screens.common import frozen, people_text, read_visit
from fieldvisit.screens.info import read_participants
from fieldvisit.services.context import Services
from fieldvisit.services.evolution import Evolution, local_today, read_evolution
from fieldvisit.store.models import Answer, Attachment, ThemeRating

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from fieldvisit.forms import FormDefinition


class FormKindOfVisit(StrEnum):
    """Which of the visit's pinned forms a page shows."""

    CHECKLIST = "checklist"
    DIAGNOSTIC = "diagnostic"


@dataclass(frozen=True)
class VisitFormData:
    """A visit's checklist or diagnostic form with its answers, comments and photos."""

    visit_id: str
    commune_code: str
    visit_date: date
    form: FormDefinition
    answers: Mapping[str, object]
    comments: Mapping[str, str]
    #: {item id: photos linked to it}
    photo_counts: Mapping[str, int]
    #: diagnostic only: {theme id: (level or None, observations)}
    ratings: Mapping[str, tuple[int | None, str]] = field(default_factory=lambda: frozen({}))
    #: diagnostic only: the previous visit of the commune and what changed since; None
    #: on a first visit (services/evolution.py)
    evolution: Evolution | None = None
    #: {field: value} of the visit's fields the form's bound items show, as their
    #: editors hold them (ISO date, text; participants as names): forms/bindings.py
    bound: Mapping[str, object] = field(default_factory=lambda: frozen({}))


def load_visit_form(svc: Services, visit_id: str, which: str) -> VisitFormData:
    """`which` is "checklist" or "diagnostic": the visit's pinned form of that kind."""
    kind = FormKindOfVisit(which)
    with svc.store.reading() as session:
        visit = read_visit(session, visit_id)
        keys = visit.pinned
        pinned = keys.checklist if kind == FormKindOfVisit.CHECKLIST else keys.diagnostic
        if pinned is None:
            raise NotFound("Cette visite n'a pas de formulaire de ce type.")
        form = svc.forms.get(*pinned)
        rows = session.execute(
            select(Answer.item_id, Answer.value, Answer.comment).where(
                Answer.visit_id == visit_id,
                Answer.form_id == form.id,
                Answer.deleted_at.is_(None),
            )
        ).all()
        counts = _photo_counts(session, visit_id, form.id)
        bound: dict[str, object] = {}
        if form.bound_items():
            bound = {
                VISIT_DATE: visit.visit_date.isoformat(),
                VISIT_SUMMARY: visit.summary,
                VISIT_PARTICIPANTS: people_text(read_participants(session, visit_id)),
            }
        ratings: dict[str, tuple[int | None, str]] = {}
        evolution = None
        if kind == FormKindOfVisit.DIAGNOSTIC:
            evolution = read_evolution(
                session,
                visit.id,
                visit.commune_code,
                visit.visit_date,
                visit.previous_visit_id,
                local_today(svc),
            )
            ratings = {
                theme_id: (level, observations or "")
                for theme_id, level, observations in session.execute(
                    select(ThemeRating.theme_id, ThemeRating.level, ThemeRating.observations).where(
                        ThemeRating.visit_id == visit_id, ThemeRating.deleted_at.is_(None)
                    )
                )
            }
    return VisitFormData(
        visit_id=visit_id,
        commune_code=visit.commune_code,
        visit_date=visit.visit_date,
        form=form,
        answers=frozen({row.item_id: row.value for row in rows}),
        comments=frozen({row.item_id: row.comment or "" for row in rows}),
        photo_counts=frozen(counts),
        ratings=frozen(ratings),
        evolution=evolution,
        bound=frozen(bound),
    )


def load_photo_counts(svc: Services, visit_id: str, form_id: str) -> dict[str, int]:
    """How many photos are linked to each item of one form of a visit."""
    with svc.store.reading() as session:
        return _photo_counts(session, visit_id, form_id)


def _photo_counts(session: Session, visit_id: str, form_id: str) -> dict[str, int]:
    # Photos only, as progress counts them (services/progress.py): a photo answers a
    # photo item; the issued report PDF is linked to no item anyway.
    rows = session.execute(
        select(Attachment.item_id, func.count())
        .where(
            Attachment.visit_id == visit_id,
            Attachment.form_id == form_id,
            Attachment.item_id.is_not(None),
            Attachment.deleted_at.is_(None),
            Attachment.media_type.startswith("image/"),
        )
        .group_by(Attachment.item_id)
    )
    return {item_id: int(count) for item_id, count in rows if item_id}
