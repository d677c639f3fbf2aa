"""Interviews held during a visit (maire, adjoints, gendarmerie), each with its guide."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from fieldvisit.core.errors import BadInput
from fieldvisit.forms import FormKind
from fieldvisit.services.account import check_contact_linkable
from fieldvisit.services.context import Services
from fieldvisit.services.records import UNSET, apply_answer, form_item, get_live, upsert_by_key
from fieldvisit.services.visit_forms import interview_guide
from fieldvisit.store.models import (
    Contact,
    Interview,
    InterviewAnswer,
    Interviewee,
    Visit,
    natural_id,
)


def record_interview(
    svc: Services,
    visit_id: str,
    form_id: str,
    title: str = "",
    held_on: date | None = None,
    interviewee_ids: Iterable[str] = (),
    notes: str = "",
) -> Interview:
    """Open a new interview of a visit with the latest version of its guide."""
    form = svc.forms.latest(form_id)
    if form.kind != FormKind.interview:
        raise BadInput(f"« {form_id} » n'est pas un guide d'entretien connu.")
    with svc.store.transaction() as session:
        visit = get_live(session, Visit, visit_id)
        interview = Interview(
            visit_id=visit.id,
            form_id=form.id,
            form_version=form.version,
            title=title or form.title,
            held_on=held_on or visit.visit_date,
            notes=notes,
        )
        svc.stamp(interview, new=True)
        session.add(interview)
        session.flush()
        for contact_id in interviewee_ids:
            get_live(session, Contact, contact_id)
            upsert_by_key(
                svc,
                session,
                Interviewee,
                natural_id("interviewee", interview.id, contact_id),
                interview_id=interview.id,
                contact_id=contact_id,
            )
    return interview


def update_interview(
    svc: Services,
    interview_id: str,
    *,
    title: str | None = None,
    held_on: date | None = None,
    notes: str | None = None,
) -> Interview:
    with svc.store.transaction() as session:
        interview = get_live(session, Interview, interview_id)
        if title is not None:
            interview.title = title
        if held_on is not None:
            interview.held_on = held_on
        if notes is not None:
            interview.notes = notes
        svc.stamp(interview)
    return interview


def add_interviewee(svc: Services, interview_id: str, contact_id: str) -> Interviewee:
    with svc.store.transaction() as session:
        get_live(session, Interview, interview_id)
        contact = get_live(session, Contact, contact_id)
        check_contact_linkable(session, contact.server_version, contact.commune_code)
        return upsert_by_key(
            svc,
            session,
            Interviewee,
            natural_id("interviewee", interview_id, contact_id),
            interview_id=interview_id,
            contact_id=contact_id,
        )


def answer_interview_item(
    svc: Services,
    interview_id: str,
    item_id: str,
    value: object = UNSET,
    comment: str | None = None,
) -> InterviewAnswer:
    with svc.store.transaction() as session:
        interview = get_live(session, Interview, interview_id)
        form = interview_guide(svc, interview)
        answer = upsert_by_key(
            svc,
            session,
            InterviewAnswer,
            natural_id("interview-answer", interview_id, item_id),
            interview_id=interview_id,
            item_id=item_id,
            comment="",
        )
        apply_answer(answer, form_item(form, item_id), value, comment)
    return answer


def list_interviews(svc: Services, visit_id: str) -> list[Interview]:
    with svc.store.reading() as session:
        return list(
            session.scalars(
                select(Interview)
                .where(Interview.visit_id == visit_id, Interview.deleted_at.is_(None))
                .order_by(Interview.created_at)
            )
        )


def interview_answers(svc: Services, interview_id: str) -> dict[str, InterviewAnswer]:
    with svc.store.reading() as session:
        rows = session.scalars(
            select(InterviewAnswer).where(
                InterviewAnswer.interview_id == interview_id,
                InterviewAnswer.deleted_at.is_(None),
            )
        )
        return {row.item_id: row for row in rows}


def interviewees(svc: Services, interview_id: str) -> list[Contact]:
    with svc.store.reading() as session:
        return list(
            session.scalars(
                select(Contact)
                .join(Interviewee, Interviewee.contact_id == Contact.id)
                .where(
                    Interviewee.interview_id == interview_id,
                    Interviewee.deleted_at.is_(None),
                    Contact.deleted_at.is_(None),
                )
                .order_by(Contact.name)
            )
        )


def remove_interviewee(svc: Services, interview_id: str, contact_id: str) -> None:
    """Take a person off an interview (a tombstone; adding them again revives it)."""
    with svc.store.transaction() as session:
        link = get_live(session, Interviewee, natural_id("interviewee", interview_id, contact_id))
        link.deleted_at = svc.clock()
        svc.stamp(link)
