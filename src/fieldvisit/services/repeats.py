"""Occurrences of a form's repeatable groups: add one, answer its items, delete it.

Every repeatable group (`repeat = true`, an XLSForm's `begin repeat`) but the walk's
« Points d'attention » (observations, services/observations.py) is stored here: one
`RepeatOccurrence` per occurrence, one `OccurrenceAnswer` per answered item (store/
models.py). The form is the version the visit pins; a value is checked as a single
answer is (forms.validate_answer). A group hidden by its `visible_if` takes no new
occurrence; an item hidden in an occurrence (forms/occurrences.py) keeps what it held
but counts as no answer. What changed is reported by the store's one change signal.

Deleting an occurrence deletes its answers as one deletion (services/deletion.py), so
that an edit of one of them made elsewhere, which wins over the deletion in the sync
(sync/deletions.py), brings the whole occurrence back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.core.errors import BadInput
from fieldvisit.forms import FormDefinition, FormItem, Section
from fieldvisit.forms.occurrences import (
    group_item,
    group_visible,
    is_observation_group,
    repeat_group,
)
from fieldvisit.services.context import Services
from fieldvisit.services.records import UNSET, get_live, upsert_by_key
from fieldvisit.services.visit_forms import visit_form
from fieldvisit.store.models import (
    Answer,
    OccurrenceAnswer,
    RepeatOccurrence,
    Visit,
    natural_id,
)

#: natural_id prefix of an occurrence's answer (sync/wire.py: NATURAL_KEYS)
ANSWER_KEY = "occurrence-answer"


def occurrence_answer_id(occurrence_id: str, item_id: str) -> str:
    return natural_id(ANSWER_KEY, occurrence_id, item_id)


def group_of(form: FormDefinition, group_id: str) -> Section:
    """The form's repeatable group, or BadInput (unknown, not repeatable, or the walk's
    observations, which have their own page)."""
    section = repeat_group(form, group_id)
    if section is None:
        raise BadInput(
            f"« {group_id} » n'est pas un groupe répétable du formulaire « {form.title} »."
        )
    if is_observation_group(form.id, group_id):
        raise BadInput(f"« {section.title} » se saisit dans la page Observations de la visite.")
    return section


def item_of(section: Section, item_id: str) -> FormItem:
    item = group_item(section, item_id)
    if item is None:
        raise BadInput(f"Élément « {item_id} » inconnu dans le groupe « {section.title} ».")
    return item


def single_answers(session: Session, visit_id: str, form_id: str) -> dict[str, Any]:
    """The visit's single answers to this form (what group conditions read)."""
    rows = session.execute(
        select(Answer.item_id, Answer.value).where(
            Answer.visit_id == visit_id,
            Answer.form_id == form_id,
            Answer.deleted_at.is_(None),
        )
    )
    return {item_id: value for item_id, value in rows}


def add_occurrence(svc: Services, visit_id: str, form_id: str, group_id: str) -> RepeatOccurrence:
    """A new, empty occurrence of the group (« Ajouter »), after the others."""
    with svc.store.transaction() as session:
        visit = get_live(session, Visit, visit_id)
        form = visit_form(svc, visit, form_id)
        section = group_of(form, group_id)
        if not group_visible(form, section, single_answers(session, visit_id, form_id)):
            raise BadInput(
                f"« {section.title} » est masqué par les réponses de la visite : "
                "aucune occurrence ne peut y être ajoutée."
            )
        occurrence = RepeatOccurrence(visit_id=visit_id, form_id=form_id, group_id=group_id)
        svc.stamp(occurrence, new=True)
        session.add(occurrence)
    return occurrence


def set_occurrence_answer(
    svc: Services, occurrence_id: str, item_id: str, value: object = UNSET
) -> OccurrenceAnswer:
    """Answer one item of an occurrence; a value of None clears it."""
    with svc.store.transaction() as session:
        occurrence = get_live(session, RepeatOccurrence, occurrence_id)
        visit = get_live(session, Visit, occurrence.visit_id)
        section = group_of(visit_form(svc, visit, occurrence.form_id), occurrence.group_id)
        item = item_of(section, item_id)
        checked: object = UNSET
        if value is not UNSET:
            try:
                checked = None if value is None else _validated(item, value)
            except ValueError as err:
                raise BadInput(f"{section.title}, « {item.label} » : {err}") from err
        answer = upsert_by_key(
            svc,
            session,
            OccurrenceAnswer,
            occurrence_answer_id(occurrence_id, item_id),
            occurrence_id=occurrence_id,
            visit_id=occurrence.visit_id,
            item_id=item_id,
        )
        if checked is not UNSET:
            answer.value = checked
    return answer


def _validated(item: FormItem, value: object) -> object:
    from fieldvisit.forms import validate_answer

    return validate_answer(item, value)


def delete_occurrence(svc: Services, occurrence_id: str) -> str:
    """Tombstone the occurrence and its answers as one deletion; the deletion's id."""
    from fieldvisit.services.deletion import soft_delete

    return soft_delete(svc, "occurrence", occurrence_id)


def list_occurrences(
    svc: Services, visit_id: str, form_id: str, group_id: str
) -> list[RepeatOccurrence]:
    """The group's live occurrences in the order they were added."""
    with svc.store.reading() as session:
        return list(
            session.scalars(
                select(RepeatOccurrence)
                .where(
                    RepeatOccurrence.visit_id == visit_id,
                    RepeatOccurrence.form_id == form_id,
                    RepeatOccurrence.group_id == group_id,
                    RepeatOccurrence.deleted_at.is_(None),
                )
                .order_by(RepeatOccurrence.created_at, RepeatOccurrence.id)
            )
        )


__all__ = [
    "add_occurrence",
    "delete_occurrence",
    "group_of",
    "item_of",
    "list_occurrences",
    "occurrence_answer_id",
    "set_occurrence_answer",
]
