"""The occurrences of a form's repeatable groups, as the checklist shows them.

Read in one snapshot: the visit, its single answers to the form (what conditions
read), the live occurrences of every repeatable group of the form and their live
answers — three statements whatever their number. The walk's « Points d'attention »
are left out: they are the Observations page's (forms/occurrences.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from fieldvisit.forms.expressions import is_answered
from fieldvisit.forms.occurrences import group_visible, is_observation_group, occurrence_visibility
from fieldvisit.services.context import Services
from fieldvisit.services.records import get_live
from fieldvisit.services.repeats import single_answers
from fieldvisit.services.visit_forms import visit_form
from fieldvisit.store.models import OccurrenceAnswer, RepeatOccurrence, Visit


@dataclass(frozen=True)
class OccurrenceRow:
    id: str
    number: int  # 1, 2… in the order they were added (every laptop agrees)
    answers: dict[str, Any]  # item id -> stored value
    shown: dict[str, bool]  # item id -> shown given this occurrence and the visit

    def answered(self) -> int:
        """The shown items that have an answer (hidden ones count as none)."""
        return sum(
            1
            for item_id, shown in self.shown.items()
            if shown and is_answered(self.answers.get(item_id))
        )

    def value(self, item_id: str) -> Any:
        """The answer as conditions and the report read it: None when hidden."""
        return self.answers.get(item_id) if self.shown.get(item_id, False) else None


@dataclass(frozen=True)
class RepeatGroupRows:
    form_id: str
    group_id: str
    title: str
    item_ids: tuple[str, ...]
    may_add: bool  # the group's own visible_if
    occurrences: tuple[OccurrenceRow, ...]


def read_repeat_groups(svc: Services, visit_id: str, form_id: str) -> tuple[RepeatGroupRows, ...]:
    """The form's repeatable groups (observations' aside) with their occurrences."""
    with svc.store.reading() as session:
        visit = get_live(session, Visit, visit_id)
        form = visit_form(svc, visit, form_id)
        groups = [s for s in form.iter_repeats() if not is_observation_group(form.id, s.id)]
        if not groups:
            return ()
        singles = single_answers(session, visit_id, form_id)
        occurrences = session.execute(
            select(RepeatOccurrence.id, RepeatOccurrence.group_id)
            .where(
                RepeatOccurrence.visit_id == visit_id,
                RepeatOccurrence.form_id == form_id,
                RepeatOccurrence.deleted_at.is_(None),
            )
            .order_by(RepeatOccurrence.created_at, RepeatOccurrence.id)
        ).all()
        values: dict[str, dict[str, Any]] = {}
        for occurrence_id, item_id, value in session.execute(
            select(OccurrenceAnswer.occurrence_id, OccurrenceAnswer.item_id, OccurrenceAnswer.value)
            .join(RepeatOccurrence, RepeatOccurrence.id == OccurrenceAnswer.occurrence_id)
            .where(
                OccurrenceAnswer.visit_id == visit_id,
                RepeatOccurrence.form_id == form_id,
                OccurrenceAnswer.deleted_at.is_(None),
            )
        ):
            values.setdefault(occurrence_id, {})[item_id] = value
    out: list[RepeatGroupRows] = []
    for section in groups:
        rows: list[OccurrenceRow] = []
        for occurrence_id, group_id in occurrences:
            if group_id != section.id:
                continue
            answers = values.get(occurrence_id, {})
            shown = occurrence_visibility(form, section, singles, answers)
            rows.append(OccurrenceRow(occurrence_id, len(rows) + 1, answers, shown))
        out.append(
            RepeatGroupRows(
                form_id=form.id,
                group_id=section.id,
                title=section.title,
                item_ids=tuple(item.id for item in section.items),
                may_add=group_visible(form, section, singles),
                occurrences=tuple(rows),
            )
        )
    return tuple(out)
