"""Inserting the proposed « Constat de la délinquance » (opendata/diagnostic.py) into a
visit's diagnostic, part 1, without ever overwriting what the person wrote.

One transaction, through the same answer records as any edit (so in the history, and
synced, like one): the SSMSI is added to the sources already ticked; the date, the
period and « données non diffusées » are set only where they are still empty; the
proposed paragraph fills an empty synthesis, or is added after the text already there
(once: a second click adds nothing). Items the visit's form version lacks are skipped.
"""

from __future__ import annotations

from sqlalchemy import select

from fieldvisit.core.unavailable import is_unavailable
from fieldvisit.forms import FormDefinition
from fieldvisit.opendata.diagnostic import ConstatProposal
from fieldvisit.services.context import Services
from fieldvisit.services.records import apply_answer, get_live, upsert_by_key
from fieldvisit.services.visit_forms import visit_form
from fieldvisit.store.models import Answer, Visit, natural_id

SOURCES = "sources_consultees"
SYNTHESIS = "constat_synthese"
ONLY_IF_EMPTY = ("date_donnees", "periode_analysee", "donnees_non_diffusees")


def proposal_items(form: FormDefinition) -> tuple[str, ...]:
    """The items of part 1 this form version has (none: nothing to propose)."""
    ids = {item.id for section in form.sections for item in section.items}
    return tuple(i for i in (SOURCES, *ONLY_IF_EMPTY, SYNTHESIS) if i in ids)


def _empty(value: object) -> bool:
    """No answer yet, or « Donnée indisponible »: the public data now answers it."""
    return value is None or value == "" or value == [] or is_unavailable(value)


def insert_constat_proposal(
    svc: Services, visit_id: str, form_id: str, proposal: ConstatProposal
) -> tuple[str, ...]:
    """Put the proposal into the visit's answers; returns the items it changed."""
    wanted = proposal.answers()
    changed: list[str] = []
    with svc.store.transaction() as session:
        visit = get_live(session, Visit, visit_id)
        form = visit_form(svc, visit, form_id)
        items = proposal_items(form)
        current = {
            item_id: value
            for item_id, value in session.execute(
                select(Answer.item_id, Answer.value).where(
                    Answer.visit_id == visit_id,
                    Answer.form_id == form_id,
                    Answer.item_id.in_(items),
                    Answer.deleted_at.is_(None),
                )
            )
        }
        for item_id in items:
            item = form.item(item_id)
            old = current.get(item_id)
            new: object
            if item_id == SOURCES:
                known = {choice.id for choice in item.choices}
                ticked = list(old) if isinstance(old, list) else []
                added = [s for s in proposal.sources if s in known and s not in ticked]
                if not added:
                    continue
                new = [*ticked, *added]
            elif item_id == SYNTHESIS:
                # « Donnée indisponible » (a dict): the constat is the data, it replaces it
                text = old if isinstance(old, str) else ""
                if proposal.constat in text:
                    continue
                new = f"{text.rstrip()}\n\n{proposal.constat}" if text.strip() else proposal.constat
            elif _empty(old):
                new = wanted[item_id]
            else:
                continue
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
            apply_answer(answer, item, new, None)
            changed.append(item_id)
    return tuple(changed)
