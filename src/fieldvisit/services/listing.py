"""The visit list: one summary row per visit, newest first, with its checklist progress.

Read with Core statements on the light table clauses of store/core_tables.py, not
through the ORM: the list is what a cold start shows first, and it is painted before
`sqlalchemy.orm`, the mapped models or the forms' pydantic models are imported
(benchmarks/bench_ui_start.py). The progress count reads the partial index of given
answers (revision 0003).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, func, or_, select

from fieldvisit.core.domain import VisitStatus, VisitType
from fieldvisit.services.context import Services
from fieldvisit.services.visit_forms import PinnedKeys, pinned_keys
from fieldvisit.store.core_tables import ANSWERS, VISITS

#: What the list shows before the rest of the visits arrive (the newest ones).
FIRST_PAGE = 100
#: Above this many visits, answers are counted in one pass over the index rather than
#: for a list of ids (SQLite limits the variables of a statement).
_COUNT_BY_IDS_MAX = 500


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

_GIVEN = (ANSWERS.c.deleted_at.is_(None), ANSWERS.c.value.is_not(None))


def list_visits(
    svc: Services, flt: VisitFilter | None = None, limit: int | None = None, offset: int = 0
) -> list[VisitSummary]:
    """Visits newest first, with the checklist progress (answered / items).

    Answers are counted for the returned rows only, so a first page stays fast
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
        counts = _given_answers(connection, [row.id for row in rows])
    return _summaries(svc, rows, counts)


def count_visits(svc: Services, flt: VisitFilter | None = None) -> int:
    query = _filtered(select(func.count()).select_from(VISITS), flt or VisitFilter())
    with svc.store.connection() as connection:
        return int(connection.execute(query).scalar() or 0)


def _given_answers(connection: Any, ids: Sequence[str]) -> dict[str, int]:
    """{visit id: number of answers given} for these visits (absent: none given)."""
    count = select(ANSWERS.c.visit_id, func.count()).where(*_GIVEN).group_by(ANSWERS.c.visit_id)
    if len(ids) > _COUNT_BY_IDS_MAX:
        # One pass over the partial index; counts of visits not asked for are dropped.
        wanted = set(ids)
        return {vid: int(n) for vid, n in connection.execute(count) if vid in wanted}
    if not ids:
        return {}
    rows = connection.execute(count.where(ANSWERS.c.visit_id.in_(ids)))
    return {vid: int(n) for vid, n in rows}


def _summaries(
    svc: Services, rows: Sequence[Row[Any]], counts: dict[str, int]
) -> list[VisitSummary]:
    totals: dict[PinnedKeys, int] = {}
    summaries = []
    for visit in rows:
        forms = pinned_keys(visit)
        total = totals.get(forms)
        if total is None:
            total = totals[forms] = _form_size(svc, forms)
        summaries.append(
            VisitSummary(
                id=visit.id,
                commune_code=visit.commune_code,
                commune_name=visit.commune_name,
                departement=visit.departement,
                visit_date=visit.visit_date,
                visit_type=VisitType(visit.visit_type),
                status=VisitStatus(visit.status),
                author=visit.author,
                answered=counts.get(visit.id, 0),
                total=total,
            )
        )
    return summaries


def _form_size(svc: Services, forms: PinnedKeys) -> int:
    """Items of the visit's checklist and diagnostic forms; a form that is no longer
    installed counts for nothing (the list still shows the visit)."""
    return sum(svc.form_item_count(form_id, version) or 0 for form_id, version in forms)
