"""The visit workspace's header: the visit's facts and its progress."""

from __future__ import annotations

from dataclasses import dataclass

from fieldvisit.forms.progress import Progress
from fieldvisit.screens.common import VisitFacts, read_visit
from fieldvisit.services.context import Services
from fieldvisit.services.progress import StoredProgress, pinned_shapes, read_stored_progress


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
        stored = read_stored_progress(session.connection(), [visit_id])
    shapes = pinned_shapes(svc, visit.pinned)
    progress = stored.get(visit_id, StoredProgress()).totals(shapes)
    return VisitHeader(visit, progress)
