"""What a form page needs, read in one background operation (runs on the worker).

No Qt here: these functions call services only and return plain, detached data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from fieldvisit.core.errors import NotFound
from fieldvisit.forms import FormDefinition, FormKind
from fieldvisit.services import Services
from fieldvisit.services import answers as answer_service
from fieldvisit.services import attachments as attachment_service
from fieldvisit.services import diagnostic as diagnostic_service
from fieldvisit.services import interviews as interview_service
from fieldvisit.services import visits as visit_service
from fieldvisit.services.visit_forms import interview_guide, interview_guide_or_none, pinned_keys

if TYPE_CHECKING:
    from fieldvisit.store.models import Contact, Interview


@dataclass(frozen=True)
class VisitFormData:
    """A visit's checklist or diagnostic form with its answers, comments and photos."""

    visit_id: str
    commune_code: str
    visit_date: date
    form: FormDefinition
    answers: dict[str, object]
    comments: dict[str, str]
    photo_counts: dict[str, int]
    #: diagnostic only: {theme id: (level or None, observations)}
    ratings: dict[str, tuple[int | None, str]] = field(default_factory=dict)


def photo_counts(svc: Services, visit_id: str, form_id: str) -> dict[str, int]:
    """How many live photos/documents are linked to each item of one form of a visit."""
    counts: Counter[str] = Counter(
        attachment.item_id
        for attachment in attachment_service.list_attachments(svc, visit_id)
        if attachment.item_id and attachment.form_id == form_id
    )
    return dict(counts)


def load_visit_form(svc: Services, visit_id: str, which: str) -> VisitFormData:
    """`which` is "checklist" or "diagnostic": the visit's pinned form of that kind."""
    visit = visit_service.get_visit(svc, visit_id)
    pinned = pinned_keys(visit)
    key = pinned.checklist if which == "checklist" else pinned.diagnostic
    if key is None:
        raise NotFound("Cette visite n'a pas de formulaire de ce type.")
    form = svc.forms.get(*key)
    stored = answer_service.visit_answers(svc, visit_id, form.id)
    ratings: dict[str, tuple[int | None, str]] = {}
    if which == "diagnostic":
        ratings = {
            theme_id: (rating.level, rating.observations or "")
            for theme_id, rating in diagnostic_service.theme_ratings(svc, visit_id).items()
        }
    return VisitFormData(
        visit_id=visit_id,
        commune_code=visit.commune_code,
        visit_date=visit.visit_date,
        form=form,
        answers={item_id: row.value for item_id, row in stored.items()},
        comments={item_id: row.comment or "" for item_id, row in stored.items()},
        photo_counts=photo_counts(svc, visit_id, form.id),
        ratings=ratings,
    )


@dataclass(frozen=True)
class InterviewSummary:
    id: str
    title: str
    held_on: date | None
    interviewees: tuple[str, ...]
    guide_title: str


@dataclass(frozen=True)
class InterviewList:
    visit_id: str
    commune_code: str
    visit_date: date
    interviews: list[InterviewSummary]
    #: the interview guides one can start: (form id, title), latest versions
    guides: list[tuple[str, str]]


@dataclass(frozen=True)
class InterviewData:
    id: str
    visit_id: str
    title: str
    held_on: date | None
    notes: str
    form: FormDefinition
    answers: dict[str, object]
    comments: dict[str, str]
    interviewees: list[Contact]


def _guide_title(svc: Services, interview: Interview) -> str:
    guide = interview_guide_or_none(svc, interview)
    return guide.title if guide is not None else interview.form_id


def load_interview_list(svc: Services, visit_id: str) -> InterviewList:
    visit = visit_service.get_visit(svc, visit_id)
    summaries = [
        InterviewSummary(
            id=interview.id,
            title=interview.title,
            held_on=interview.held_on,
            interviewees=tuple(
                contact.name for contact in interview_service.interviewees(svc, interview.id)
            ),
            guide_title=_guide_title(svc, interview),
        )
        for interview in interview_service.list_interviews(svc, visit_id)
    ]
    guides = [(form.id, form.title) for form in svc.forms.latest_of_kind(FormKind.interview)]
    return InterviewList(visit_id, visit.commune_code, visit.visit_date, summaries, guides)


def load_interview(svc: Services, visit_id: str, interview_id: str) -> InterviewData:
    found = [i for i in interview_service.list_interviews(svc, visit_id) if i.id == interview_id]
    if not found:
        raise NotFound("Cet entretien est introuvable : il a peut-être été supprimé.")
    interview = found[0]
    form = interview_guide(svc, interview)
    stored = interview_service.interview_answers(svc, interview_id)
    return InterviewData(
        id=interview.id,
        visit_id=interview.visit_id,
        title=interview.title,
        held_on=interview.held_on,
        notes=interview.notes or "",
        form=form,
        answers={item_id: row.value for item_id, row in stored.items()},
        comments={item_id: row.comment or "" for item_id, row in stored.items()},
        interviewees=interview_service.interviewees(svc, interview_id),
    )
