"""The visit workspace's header: the visit's facts and its progress."""

from __future__ import annotations

from dataclasses import dataclass

from fieldvisit.forms.bindings import VISIT_SUMMARY
from fieldvisit.forms.progress import Progress
from fieldvisit.screens.common import VisitFacts, read_visit
from fieldvisit.services.context import Services
from fieldvisit.services.progress import (
    StoredProgress,
    bound_fields,
    pinned_shapes,
    read_stored_progress,
    visit_bound,
)


@dataclass(frozen=True)
class VisitHeader:
    visit: VisitFacts
    #: the visit's progress: the figure of the visit list and of the report
    progress: Progress

    @property
    def answered(self) -> int:
        return self.progress.answered

    @property
    def total(self) -> int:
        return self.progress.visible


def load_header(svc: Services, visit_id: str) -> VisitHeader:
    with svc.store.reading() as session:
        visit = read_visit(session, visit_id)
        shapes = pinned_shapes(svc, visit.pinned)
        fields = bound_fields(shapes) - {VISIT_SUMMARY}  # the visit's own, read above
        stored = read_stored_progress(session.connection(), [visit_id], fields)
    found = stored.get(visit_id, StoredProgress())
    found.bound.update(visit_bound(visit.visit_date, visit.summary))
    progress = found.totals(shapes)
    return VisitHeader(visit, progress)
