"""« Terminer la visite »: what is still empty, read in one go for the confirmation.

The required items still unanswered block (services/visits.py: complete_visit refuses
them, with the same one progress function); the rest is said without blocking: the
visit's synthèse, the interviews without notes, the optional items left unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from fieldvisit.forms.bindings import VISIT_SUMMARY
from fieldvisit.forms.expressions import is_answered
from fieldvisit.services.context import Services
from fieldvisit.services.progress import (
    StoredProgress,
    bound_fields,
    read_stored_progress,
    visit_bound,
)
from fieldvisit.services.records import get_live
from fieldvisit.services.visit_forms import visit_forms
from fieldvisit.store.models import Interview, Visit


@dataclass(frozen=True)
class CompletionCheck:
    visit_id: str
    #: « Form › Section › Item » of the required visible items unanswered (they block)
    missing_required: tuple[str, ...]
    #: « Form › Section › Item » of the optional visible items unanswered
    empty_optional: tuple[str, ...]
    summary_empty: bool
    #: titles of the interviews whose notes are empty
    interviews_without_notes: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        return bool(self.missing_required)

    @property
    def all_filled(self) -> bool:
        return not (
            self.missing_required
            or self.empty_optional
            or self.summary_empty
            or self.interviews_without_notes
        )


def load_completion_check(svc: Services, visit_id: str) -> CompletionCheck:
    with svc.store.reading() as session:
        visit = get_live(session, Visit, visit_id)
        forms = visit_forms(svc, visit).all
        # The visit's fields that bound items show (its date and synthesis: from the row).
        fields = bound_fields(form.shape for form in forms) - {VISIT_SUMMARY}
        stored = read_stored_progress(session.connection(), [visit_id], fields).get(visit_id)
        interviews = list(
            session.execute(
                select(Interview.title, Interview.held_on, Interview.notes)
                .where(Interview.visit_id == visit_id, Interview.deleted_at.is_(None))
                .order_by(Interview.created_at, Interview.id)
            )
        )
        summary = visit.summary
    stored = stored or StoredProgress()
    stored.bound.update(visit_bound(visit.visit_date, summary))
    progress = stored.progress([form.shape for form in forms])
    missing: list[str] = []
    optional: list[str] = []
    for form in forms:
        form_progress = progress.form(form.id)
        if form_progress is None:
            continue
        required = set(form_progress.missing_required)
        given = stored.answers.get(form.id, {})
        for section in form.sections:
            if getattr(section, "repeat", False):
                continue  # answered per occurrence: not counted (forms/progress.py)
            for item in section.items:
                if item.id not in form_progress.visible_items:
                    continue
                label = f"{form.title} › {section.title} › {item.label}"
                if item.id in required:
                    missing.append(label)
                elif (
                    not item.required
                    and item.bind is None  # the visit's own field: asked apart (synthèse)
                    and not is_answered(given.get(item.id))
                    and (form.id, item.id) not in stored.photos
                ):
                    optional.append(label)
    return CompletionCheck(
        visit_id=visit_id,
        missing_required=tuple(missing),
        empty_optional=tuple(optional),
        summary_empty=not summary.strip(),
        interviews_without_notes=tuple(
            title.strip() or (f"Entretien du {held_on:%d/%m/%Y}" if held_on else "Entretien")
            for title, held_on, notes in interviews
            if not (notes or "").strip()
        ),
    )
