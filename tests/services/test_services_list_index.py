"""The visit list reads its columns of every live visit from one covering index
(revision 0009), in the index's order, and the given answers its progress column is
computed from from another (revision 0011), grouped by visit and form in that index's
order: no row of the visits or answers tables is read (they carry the summaries, the
comments, the sync columns) and nothing is sorted, so reading 50,000 visits costs five
times reading 10,000 (benchmarks/bench_open_data_dir.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from fieldvisit.services import Services, answers, listing, progress, visits
from fieldvisit.services.deletion import soft_delete


@contextmanager
def visit_reads(svc: Services, table: str = "visits") -> Iterator[list[tuple[str, Any]]]:
    """The statements that read this table meanwhile, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and f"FROM {table}" in statement:
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
    # Every visit, the first page, their count; and, as the checklist v3 binds an item to
    # the visit's synthesis (forms/bindings.py), whether each listed visit has one: by
    # primary key for a page (ids), not a scan of the rows.
    synthesis = [s for s in statements if "length(visits.summary)" in s[0]]
    statements = [s for s in statements if s not in synthesis]
    assert len(statements) == 3 and len(synthesis) == 2
    for plan in plans(svc, synthesis):
        assert "SEARCH visits USING INDEX" in plan, plan
    for plan in plans(svc, statements):
        assert plan.startswith("SCAN visits USING COVERING INDEX ix_visits_list"), plan
        assert "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("one_pass", [False, True], ids=["by-ids", "every-visit"])
def test_the_progress_column_reads_the_covering_index_of_given_answers(
    svc: Services, monkeypatch: pytest.MonkeyPatch, one_pass: bool
) -> None:
    form = "test-checklist"
    first, second = (
        visits.plan_visit(
            svc, "15187", date(2026, 3, day), checklist_form=form, diagnostic_form="test-diagnostic"
        ).id
        for day in (1, 2)
    )
    remark = 'Rue\x1e\x1f « calme » ; "fin" \\ [1, 2]'  # the separators, escaped in JSON
    answers.answer_item(svc, first, form, "pm_presente", "oui")
    answers.answer_item(svc, first, form, "pm_agents", 4)
    answers.answer_item(svc, second, form, "pm_presente", "non")
    answers.answer_item(svc, second, form, "remarques", remark)
    if one_pass:
        monkeypatch.setattr(progress, "_COUNT_BY_IDS_MAX", 1)  # as with 10,000 visits
    with visit_reads(svc, "answers") as statements:
        rows = listing.list_visits(svc)
    # Of the items then shown (the diagnostic has one): first 2 of 6, second 2 of 4.
    assert [(row.id, row.answered, row.total) for row in rows] == [(second, 2, 4), (first, 2, 6)]
    with svc.store.connection() as connection:
        stored = progress.read_stored_progress(connection, [first, second])
    assert stored[first].answers == {form: {"pm_presente": "oui", "pm_agents": 4}}
    assert stored[second].answers == {form: {"pm_presente": "non", "remarques": remark}}
    assert len(statements) == 1
    [plan] = plans(svc, statements)
    assert "USING COVERING INDEX ix_answers_given" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
