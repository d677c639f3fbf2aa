"""Answering the items of a visit's checklist and diagnostic forms."""

from __future__ import annotations

from sqlalchemy import select

from fieldvisit.services.context import Services
from fieldvisit.services.records import UNSET, apply_answer, form_item, get_live, upsert_by_key
from fieldvisit.services.visit_forms import visit_form
from fieldvisit.store.models import Answer, Visit, natural_id


def answer_item(
    svc: Services,
    visit_id: str,
    form_id: str,
    item_id: str,
    value: object = UNSET,
    comment: str | None = None,
) -> Answer:
    """Set the value and/or the comment of one item. A value of None clears it."""
    with svc.store.transaction() as session:
        visit = get_live(session, Visit, visit_id)
        item = form_item(visit_form(svc, visit, form_id), item_id)
        answer = upsert_by_key(
            svc,
            session,
            Answer,
            natural_id("answer", visit_id, form_id, item_id),
            visit_id=visit_id,
            form_id=form_id,
            item_id=item_id,
            comment="",
        )
        apply_answer(answer, item, value, comment)
    return answer


def visit_answers(svc: Services, visit_id: str, form_id: str) -> dict[str, Answer]:
    with svc.store.reading() as session:
        rows = session.scalars(
            select(Answer).where(
                Answer.visit_id == visit_id,
                Answer.form_id == form_id,
                Answer.deleted_at.is_(None),
            )
        )
        return {row.item_id: row for row in rows}
