"""Entretiens: the visit's interviews, and one interview with its guide and answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from fieldvisit.core.errors import NotFound
from fieldvisit.forms import FormKind
from fieldvisit.forms.bindings import INTERVIEW_DATE, INTERVIEW_PERSONS
from fieldvisit.screens.common import Person, frozen, people_text, read_visit
from fieldvisit.services.context import Services
from fieldvisit.services.visit_forms import interview_guide, interview_guide_or_none
from fieldvisit.store.models import Contact, Interview, InterviewAnswer, Interviewee

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from fieldvisit.forms import FormDefinition


@dataclass(frozen=True)
class InterviewSummary:
    id: str
    title: str
    held_on: date | None
    interviewees: tuple[str, ...]  # names
    guide_title: str


@dataclass(frozen=True)
class InterviewList:
    visit_id: str
    commune_code: str
    visit_date: date
    interviews: tuple[InterviewSummary, ...]  # oldest first
    #: the interview guides one can start: (form id, title), latest versions
    guides: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class InterviewData:
    id: str
    visit_id: str
    title: str
    held_on: date | None
    notes: str
    form: FormDefinition
    answers: Mapping[str, object]
    comments: Mapping[str, str]
    interviewees: tuple[Person, ...]  # by name

    @property
    def bound(self) -> dict[str, object]:
        """{field: value} the guide's bound items show (forms/bindings.py), as their
        editors hold them (ISO date, names)."""
        return {
            INTERVIEW_DATE: self.held_on.isoformat() if self.held_on is not None else None,
            INTERVIEW_PERSONS: people_text(self.interviewees),
        }


def load_interview_list(svc: Services, visit_id: str) -> InterviewList:
    with svc.store.reading() as session:
        visit = read_visit(session, visit_id)
        found = list(
            session.scalars(
                select(Interview)
                .where(Interview.visit_id == visit_id, Interview.deleted_at.is_(None))
                .order_by(Interview.created_at, Interview.id)
            )
        )
        people = _interviewees(session, [interview.id for interview in found])
    summaries = []
    for interview in found:
        guide = interview_guide_or_none(svc, interview)
        summaries.append(
            InterviewSummary(
                id=interview.id,
                title=interview.title,
                held_on=interview.held_on,
                interviewees=tuple(person.name for person in people.get(interview.id, ())),
                guide_title=guide.title if guide is not None else interview.form_id,
            )
        )
    guides = tuple((form.id, form.title) for form in svc.forms.latest_of_kind(FormKind.interview))
    return InterviewList(visit_id, visit.commune_code, visit.visit_date, tuple(summaries), guides)


def load_interview(svc: Services, visit_id: str, interview_id: str) -> InterviewData:
    with svc.store.reading() as session:
        interview = session.get(Interview, interview_id)
        if interview is None or interview.deleted_at is not None or interview.visit_id != visit_id:
            raise NotFound("Cet entretien est introuvable : il a peut-être été supprimé.")
        rows = session.execute(
            select(InterviewAnswer.item_id, InterviewAnswer.value, InterviewAnswer.comment).where(
                InterviewAnswer.interview_id == interview_id, InterviewAnswer.deleted_at.is_(None)
            )
        ).all()
        people = _interviewees(session, [interview_id]).get(interview_id, ())
    return InterviewData(
        id=interview.id,
        visit_id=interview.visit_id,
        title=interview.title,
        held_on=interview.held_on,
        notes=interview.notes or "",
        form=interview_guide(svc, interview),
        answers=frozen({row.item_id: row.value for row in rows}),
        comments=frozen({row.item_id: row.comment or "" for row in rows}),
        interviewees=people,
    )


def load_interviewees(svc: Services, interview_id: str) -> tuple[Person, ...]:
    """One interview's interviewees (after some were added or removed)."""
    with svc.store.reading() as session:
        return _interviewees(session, [interview_id]).get(interview_id, ())


def _interviewees(session: Session, interview_ids: list[str]) -> dict[str, tuple[Person, ...]]:
    """{interview id: its interviewees, by name}: one statement for every interview."""
    if not interview_ids:
        return {}
    found: dict[str, list[Person]] = {}
    rows = session.execute(
        select(Interviewee.interview_id, Contact)
        .join(Contact, Interviewee.contact_id == Contact.id)
        .where(
            Interviewee.interview_id.in_(interview_ids),
            Interviewee.deleted_at.is_(None),
            Contact.deleted_at.is_(None),
        )
        .order_by(Contact.name, Contact.id)
    )
    for interview_id, contact in rows:
        found.setdefault(interview_id, []).append(Person.of(contact))
    return {interview_id: tuple(people) for interview_id, people in found.items()}
