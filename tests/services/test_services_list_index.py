"""The visit list reads its columns of every live visit from one covering index
(revision 0009), in the index's order: no row of the visits table is read (they carry
the summaries) and nothing is sorted, so reading 50,000 visits costs five times
reading 10,000 (benchmarks/bench_open_data_dir.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event

from fieldvisit.services import Services, listing, visits
from fieldvisit.services.deletion import soft_delete


@contextmanager
def visit_reads(svc: Services) -> Iterator[list[tuple[str, Any]]]:
    """The statements that read the visits table meanwhile, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM visits" in statement:
            seen.append((statement, parameters))

    event.listen(svc.store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(svc.store.engine, "before_cursor_execute", record)


def plans(svc: Services, statements: list[tuple[str, Any]]) -> list[str]:
    with svc.store.connection() as connection:
        return [
            " | ".join(
                row[-1]
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)
            )
            for sql, parameters in statements
        ]


def test_every_visit_and_the_first_page_come_from_the_covering_index(svc: Services) -> None:
    start = date(2026, 3, 1)
    dates = {
        visits.plan_visit(svc, "15187", start + timedelta(days=n % 3), author=f"A{n}").id: n % 3
        for n in range(6)
    }
    gone = next(iter(dates))
    soft_delete(svc, "visit", gone)
    with visit_reads(svc) as statements:
        every = listing.list_visits(svc)
        page = listing.first_visits(svc, limit=2)
    live = [vid for vid in dates if vid != gone]
    assert [row.id for row in every] == sorted(live, key=lambda v: (dates[v], v), reverse=True)
    assert page.total == 5 and [row.id for row in page.rows] == [row.id for row in every[:2]]
    assert len(statements) == 3  # every visit, the first page, their count
    for plan in plans(svc, statements):
        assert plan.startswith("SCAN visits USING COVERING INDEX ix_visits_list"), plan
        assert "TEMP B-TREE" not in plan, plan
