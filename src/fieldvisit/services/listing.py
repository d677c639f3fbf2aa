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

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select

from fieldvisit.core.domain import VisitStatus
from fieldvisit.services.context import Services
from fieldvisit.services.progress import no_cycle_collection
from fieldvisit.services.visit_list import VisitSummary, summaries
from fieldvisit.store.core_tables import VISITS

__all__ = [
    "FIRST_PAGE",
    "LIST_SHOWS",
    "VisitFilter",
    "VisitPage",
    "VisitSummary",
    "count_visits",
    "first_visits",
    "list_visits",
]

#: What the list shows before the rest of the visits arrive (the newest ones).
FIRST_PAGE = 100
#: The tables whose records the rows show (a visit's facts, its progress): a change to
#: one of them refreshes the list (store/changes.py, ui/shell/main_window.py)
LIST_SHOWS = frozenset({"visits", "answers", "attachments", "theme_ratings"})


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
    with no_cycle_collection(), svc.store.connection() as connection:
        rows = connection.execute(query).all()
        return summaries(svc, rows, connection)


def count_visits(svc: Services, flt: VisitFilter | None = None) -> int:
    query = _filtered(select(func.count()).select_from(VISITS), flt or VisitFilter())
    with svc.store.connection() as connection:
        return int(connection.execute(query).scalar() or 0)
