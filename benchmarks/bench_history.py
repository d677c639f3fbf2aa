"""What keeping the history costs: autosaves and the sync's bulk apply, with and without.

    .venv/bin/python benchmarks/bench_history.py [--visits 10000] [--rounds 5] [--no-write]
    .venv/bin/python benchmarks/bench_history.py --tiny     # does it still run? (CI)

On the 10,000-visit database of bench_ui_start.py (bench_open_data_dir's `build`):

1. Autosave write, as `bench_ui_start.measure_autosave` runs it (`answers.answer_item`,
   a growing long text, 20 visits in turn, the real clock): the history's session event
   finds the field's newest entry and folds the save into it (coalescing).
2. Autosave write that opens a new entry each time (the services' clock moved 6 minutes
   between saves, past the coalescing window): the worst case, one INSERT per save.
3. The sync applying 10,000 pulled records (`--pulled`) that overwrite clean local answers (every
   one changes a field, so every one adds an entry), in one transaction.

Each is measured with the history on, then off (its session event removed, the sync's
ChangeLog a no-op), in interleaved rounds in one process on the same file: the
difference is the history's cost.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_AUTOSAVE_MS = 5.0
SECTION = "History of changes (autosave and sync apply)"
TINY = {"visits": 100, "rounds": 1, "writes": 20, "pulled": 200}


@contextmanager
def history_off(off: bool) -> Iterator[None]:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from fieldvisit.store import history

    if not off:
        yield
        return
    event.remove(Session, "after_flush", history._after_flush)
    add = history.ChangeLog.add
    history.ChangeLog.add = lambda self, *args, **kwargs: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        history.ChangeLog.add = add  # type: ignore[method-assign]
        event.listen(Session, "after_flush", history._after_flush)


class SteppingClock:
    """Moves past the coalescing window at each call: every save is a new entry."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=6)
        return self.now


def autosaves(
    data_dir: Path, clock: Callable[[], datetime] | None, writes: int = 300
) -> list[float]:
    from fieldvisit.core.clock import utc_now
    from fieldvisit.core.domain import VisitStatus
    from fieldvisit.paths import DataDir
    from fieldvisit.services import Services, answers, visits

    services = Services.open(DataDir(data_dir), clock=clock or utc_now)
    try:
        # Autosaves land on visits being typed: an issued visit is read-only.
        editable = [
            row.id for row in visits.list_visits(services) if row.status != VisitStatus.RAPPORT_EMIS
        ]
        visit_ids = editable[:20]
        text = "Eclairage a revoir rue des Lacs; tags sur la halle. " * 4
        timings = []
        for n in range(writes):
            start = time.perf_counter()
            answers.answer_item(
                services,
                visit_ids[n % len(visit_ids)],
                "visite-centre-bourg",
                "parcours",
                text[: 20 + n % 180],
            )
            timings.append((time.perf_counter() - start) * 1000)
        return timings
    finally:
        services.close()


def apply_pulled(data_dir: Path, version: int, pulled: int) -> float:
    """Seconds to apply a pulled version of `pulled` answers (all clean locally)."""
    from sqlalchemy import select

    from fieldvisit.paths import DataDir
    from fieldvisit.services import Services
    from fieldvisit.store.models import Answer
    from fieldvisit.sync import local
    from fieldvisit.sync.wire import PulledRecord

    services = Services.open(DataDir(data_dir))
    try:
        with services.store.reading() as session:
            rows = session.execute(
                select(Answer.__table__)
                .where(Answer.item_id != "parcours")
                .order_by(Answer.id)
                .limit(pulled)
            ).all()
        if len(rows) < pulled:
            raise SystemExit(f"only {len(rows)} answers to pull over, not {pulled}")
        stamp = datetime(2026, 2, 1, tzinfo=UTC) + timedelta(days=version)
        records = [
            PulledRecord(
                table="answers",
                id=row.id,
                version=version,
                seq=version * 1_000_000 + n,
                fields={
                    "visit_id": row.visit_id,
                    "form_id": row.form_id,
                    "item_id": row.item_id,
                    "value": f"réponse v{version}",
                    "comment": "",
                    "created_at": row.created_at.isoformat(),
                },
                updated_by="portable-de-marc",
                updated_by_user="marc",
                updated_at=stamp,
            )
            for n, row in enumerate(rows)
        ]
        with services.store.transaction() as session:
            start = time.perf_counter()
            stats = local.apply_pulled(session, records, stamp)
            elapsed = time.perf_counter() - start
        assert stats.applied == len(records), stats
        return elapsed
    finally:
        services.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(values: list[float]) -> str:
    return (
        f"{statistics.median(values):.2f} / {percentile(values, 0.95):.2f} / {max(values):.2f} ms"
    )


def build_parser() -> argparse.ArgumentParser:
    from perf_report import bench_parser

    parser = bench_parser(__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--writes", type=int, default=300, help="coalesced autosaves a round")
    parser.add_argument("--pulled", type=int, default=10_000, help="answers a sync applies")
    return parser


def main() -> int:
    sys.path.insert(0, str(HERE))
    from bench_open_data_dir import build
    from perf_report import Load, machine_line, parse_args, write_section

    from fieldvisit.paths import DataDir
    from fieldvisit.security.testing import use_file_keyring

    args = parse_args(build_parser(), TINY)
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        scratch = Path(tmp)
        os.environ.update(use_file_keyring(scratch / "keyring.json"))
        data_dir = scratch / "data"
        build(DataDir(data_dir), args.visits, 30)
        load = Load()
        coalesced: dict[bool, list[float]] = {True: [], False: []}
        fresh: dict[bool, list[float]] = {True: [], False: []}
        applies: dict[bool, list[float]] = {True: [], False: []}
        version = 1
        for _round in range(args.rounds):
            for on in (True, False):
                with history_off(not on):
                    coalesced[on] += autosaves(data_dir, None, args.writes)
                    fresh[on] += autosaves(data_dir, SteppingClock(), max(1, args.writes // 3))
                    version += 1
                    applies[on].append(apply_pulled(data_dir, version, args.pulled))
        from fieldvisit.services import Services

        services = Services.open(DataDir(data_dir))
        with services.store.connection() as connection:
            entries = connection.exec_driver_sql("SELECT count(*) FROM record_history").scalar()
        services.close()
        load_text = load.text()

    pulled = args.pulled
    lines = [
        f"`python benchmarks/bench_history.py`: {args.visits:,} visits, 30 answers each; "
        f"{args.rounds} interleaved rounds with the history on and off, in one process on "
        f"the same (encrypted) database; {load_text}.",
        "",
        "| measure | history on | history off | target |",
        "|---|---:|---:|---|",
        f"| autosave write, coalesced into the field's entry: p50 / p95 / max "
        f"({len(coalesced[True])} writes) | {summary(coalesced[True])} | "
        f"{summary(coalesced[False])} | < {TARGET_AUTOSAVE_MS:.0f} ms: "
        f"{'met' if percentile(coalesced[True], 0.95) < TARGET_AUTOSAVE_MS else 'NOT met'} |",
        f"| autosave write opening a new entry (clock past the window): p50 / p95 / max "
        f"({len(fresh[True])} writes) | {summary(fresh[True])} | {summary(fresh[False])} | |",
        f"| sync applying {pulled:,} pulled answers over clean ones: median (min–max) | "
        f"{statistics.median(applies[True]):.2f} s ({min(applies[True]):.2f}–"
        f"{max(applies[True]):.2f}) | {statistics.median(applies[False]):.2f} s "
        f"({min(applies[False]):.2f}–{max(applies[False]):.2f}) | |",
        "",
        f"{entries:,} history entries at the end: the {len(coalesced[True]):,} coalesced "
        "autosaves (20 fields) folded into a few entries; every save past the window and "
        "every pulled change that changed a value is one entry. The history costs an "
        "autosave one indexed look-up of the field's newest entry and one UPDATE (or "
        "INSERT), run through the driver; the sync's apply, one executemany of the "
        "entries at the end of the transaction (the old values are the rows it already "
        f"read to merge). Applying {pulled:,} *updates* is row by row in the sync (one UPDATE "
        "each), with or without history: that, not the history, is most of its time.",
    ]
    text = "\n".join(lines)
    print(text)
    write_section(SECTION, machine_line() + "\n\n" + text, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
