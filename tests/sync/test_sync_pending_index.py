"""A sync round with nothing to send reads no synced table whole: the pending rows come
from a partial index of exactly those rows (revision 0009), so the round costs the same
however many records the laptop holds (benchmarks/bench_sync.py, the no-op table)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import event

from fieldvisit.services import Services, answers, visits
from fieldvisit.sync import local
from fieldvisit.sync.status import sync_status
from fieldvisit.sync.wire import TABLES


@contextmanager
def recorded_selects(svc: Services) -> Iterator[list[tuple[str, Any]]]:
    """The SELECT statements run on the laptop's database meanwhile, with parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(svc.store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(svc.store.engine, "before_cursor_execute", record)


def table_scans(svc: Services, statements: list[tuple[str, Any]]) -> list[str]:
    """Every step of these statements' query plans that reads a synced table (or one of
    its indexes) from end to end, rather than searching it."""
    scans = []
    with svc.store.connection() as connection:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            for *_ids, detail in plan:
                match = re.match(r"SCAN (\w+)", detail)
                if match and match.group(1) in TABLES:
                    scans.append(f"{detail}  <-  {' '.join(statement.split())[:120]}")
    return scans


def _some_work(svc: Services) -> str:
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12), author="Agent")
    answers.answer_item(
        svc, visit.id, visit.checklist_form_id or "", "eclairage_zones_sombres", "non"
    )
    return visit.id


def test_a_round_with_nothing_to_send_scans_no_synced_table(laptops) -> None:  # type: ignore[no-untyped-def]
    laptop = laptops("a")
    _some_work(laptop.svc)
    assert laptop.sync().pushed > 0
    with recorded_selects(laptop.svc) as statements:
        report = laptop.sync()
        sync_status(laptop.svc)  # what the app's status bar reads after each round
    assert report.pushed == 0 and report.pulled == 0
    assert any("pending = 1" in statement for statement, _ in statements)
    assert table_scans(laptop.svc, statements) == []


def test_pending_rows_are_counted_and_read_from_their_index(services: Services) -> None:
    visit_id = _some_work(services)
    with recorded_selects(services) as statements, services.store.reading() as session:
        assert local.count_pending(session) >= 2
        sent = [o for group in local.pending_groups(session, set()) for o in group]
    assert {("visits", visit_id)} <= {o.key for o in sent}
    pending_reads = [(s, p) for s, p in statements if "pending = 1" in s]
    assert len(pending_reads) >= 2 * len(TABLES)  # counted, then read (live, tombstones)
    assert table_scans(services, pending_reads) == []
    with services.store.connection() as connection:
        plan = " ".join(
            row[-1]
            for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {pending_reads[0][0]}", pending_reads[0][1]
            )
        )
    assert "INDEX ix_contacts_pending" in plan
