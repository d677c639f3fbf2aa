"""The visit list: one summary row per visit, newest first, with its progress.

Read with Core statements on the light table clauses of store/core_tables.py, not
through the ORM: the list is what a cold start shows first, and it is painted before
`sqlalchemy.orm`, the mapped models or the forms' pydantic models are imported
(benchmarks/bench_ui_start.py). The progress column is the one progress function of
forms/progress.py, applied to the same stored data, read the same way, as every other
screen (services/progress.py), and to the forms' shapes read from the validated-forms
cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, func, or_, select

from fieldvisit.core.domain import VisitStatus, VisitType
from fieldvisit.forms.progress import FormShape, Progress
from fieldvisit.services.context import Services
from fieldvisit.services.progress import pinned_shapes, read_progress_totals
from fieldvisit.services.visit_forms import pinned_keys
from fieldvisit.store.core_tables import VISITS

#: What the list shows before the rest of the visits arrive (the newest ones).
FIRST_PAGE = 100
#: The tables whose records the rows show (a visit's facts, its progress): a change to
#: one of them refreshes the list (store/changes.py, ui/shell/main_window.py)
LIST_SHOWS = frozenset({"visits", "answers", "attachments", "theme_ratings"})


@dataclass(frozen=True)
class VisitSummary:
    """One row of the visit list."""

    id: str
    commune_code: str
    commune_name: str
    departement: str
    visit_date: date
    visit_type: VisitType
    status: VisitStatus
    author: str
    answered: int
    total: int

    @property
    def progress(self) -> float:
        return self.answered / self.total if self.total else 0.0


@dataclass(frozen=True)
class VisitFilter:
    text: str = ""
    status: VisitStatus | None = None
    departement: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class VisitPage:
    """The first rows of the list and how many visits there are in all."""

    rows: list[VisitSummary]
    total: int

    @property
    def complete(self) -> bool:
        return len(self.rows) >= self.total


_v = VISITS.c


def _filtered(query: Select[Any], flt: VisitFilter) -> Select[Any]:
    query = query.where(_v.deleted_at.is_(None))
    if flt.text.strip():
        pattern = f"%{flt.text.strip()}%"
        query = query.where(
            or_(
                _v.commune_name.ilike(pattern),
                _v.commune_code.like(pattern),
                _v.author.ilike(pattern),
            )
        )
    if flt.status is not None:
        query = query.where(_v.status == flt.status.value)
    if flt.departement:
        query = query.where(_v.departement == flt.departement)
    if flt.date_from is not None:
        query = query.where(_v.visit_date >= flt.date_from)
    if flt.date_to is not None:
        query = query.where(_v.visit_date <= flt.date_to)
    return query


_SUMMARY_COLUMNS = (
    _v.id,
    _v.commune_code,
    _v.commune_name,
    _v.departement,
    _v.visit_date,
    _v.visit_type,
    _v.status,
    _v.author,
    _v.checklist_form_id,
    _v.checklist_form_version,
    _v.diagnostic_form_id,
    _v.diagnostic_form_version,
)
#: Where the pinned forms are in a row of `_SUMMARY_COLUMNS`.
_PINS = slice(8, 12)


def list_visits(
    svc: Services, flt: VisitFilter | None = None, limit: int | None = None, offset: int = 0
) -> list[VisitSummary]:
    """Visits newest first, with their progress (answered / visible, forms/progress.py).

    What progress reads is read for the returned rows only, so a first page stays fast
    however many visits and answers the database holds.
    """
    return _read(svc, flt or VisitFilter(), limit, offset)


def first_visits(svc: Services, limit: int = FIRST_PAGE) -> VisitPage:
    """The `limit` newest visits and the number of visits: what a start shows first."""
    rows = _read(svc, VisitFilter(), limit, 0)
    total = len(rows) if len(rows) < limit else count_visits(svc)
    return VisitPage(rows, total)


def _read(svc: Services, flt: VisitFilter, limit: int | None, offset: int) -> list[VisitSummary]:
    query = _filtered(select(*_SUMMARY_COLUMNS), flt).order_by(_v.visit_date.desc(), _v.id.desc())
    if limit is not None:
        query = query.limit(limit).offset(offset)
    with svc.store.connection() as connection:
        rows = connection.execute(query).all()
        shapes = _shapes_of(svc, rows)
        # The date a form item may be bound to, from the rows (the covering index).
        dates = {row.id: row.visit_date for row in rows}
        progress = read_progress_totals(connection, shapes, dates)
    return [_summary(visit, progress[visit.id]) for visit in rows]


def count_visits(svc: Services, flt: VisitFilter | None = None) -> int:
    query = _filtered(select(func.count()).select_from(VISITS), flt or VisitFilter())
    with svc.store.connection() as connection:
        return int(connection.execute(query).scalar() or 0)


def _shapes_of(svc: Services, rows: Sequence[Row[Any]]) -> dict[str, list[FormShape]]:
    """{visit id: the shapes of its pinned forms}, looked up once per pair of forms."""
    shapes: dict[tuple[Any, ...], list[FormShape]] = {}
    of_visit = {}
    for visit in rows:
        forms_key = tuple(visit[_PINS])  # most visits pin the same forms: one lookup
        forms = shapes.get(forms_key)
        if forms is None:
            forms = shapes[forms_key] = pinned_shapes(svc, pinned_keys(visit))
        of_visit[visit.id] = forms
    return of_visit


#: The enums of the stored values, looked up without calling the enum (10,000 rows).
_TYPES = {kind.value: kind for kind in VisitType}
_STATUSES = {status.value: status for status in VisitStatus}


def _summary(visit: Row[Any], progress: Progress) -> VisitSummary:
    return VisitSummary(
        id=visit.id,
        commune_code=visit.commune_code,
        commune_name=visit.commune_name,
        departement=visit.departement,
        visit_date=visit.visit_date,
        visit_type=_TYPES.get(visit.visit_type) or VisitType(visit.visit_type),
        status=_STATUSES.get(visit.status) or VisitStatus(visit.status),
        author=visit.author,
        answered=progress.answered,
        total=progress.visible,
    )
