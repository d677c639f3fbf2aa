"""Automatic rotating backups: which ones are kept (injected clock), checked copies,
encrypted like the database, never written over a damaged database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from safety_support import HandClock, damage_page, page_count, plan

from fieldvisit.services import Services, backups, notes, visits
from fieldvisit.store.backup import backup_path
from fieldvisit.store.backup_policy import (
    REASON_MANUAL,
    REASON_START,
    REASON_SYNC,
    BackupFile,
    BackupPolicy,
    backups_to_remove,
    list_backups,
    parse_backup_name,
)
from fieldvisit.store.connection import SQLITE_HEADER, connect
from fieldvisit.sync.engine import SyncReport

NOW = datetime(2026, 11, 25, 18, 30, tzinfo=UTC)


def made(hours_ago: float, reason: str = REASON_START) -> BackupFile:
    taken = NOW - timedelta(hours=hours_ago)
    return BackupFile(backup_path(Path("/b"), reason, taken), taken, reason, 1)


def kept(all_backups: list[BackupFile], policy: BackupPolicy) -> list[float]:
    removed = {b.path for b in backups_to_remove(all_backups, policy, NOW)}
    return [
        round((NOW - b.taken_at) / timedelta(hours=1), 2)
        for b in all_backups
        if b.path not in removed
    ]


def test_the_newest_three_are_kept_whatever_their_age() -> None:
    """A laptop left in a drawer for two months: its last backups are still there."""
    old = [made(24 * days) for days in (60, 61, 62, 90)]
    assert kept(old, BackupPolicy()) == [24 * 60, 24 * 61, 24 * 62]


def test_backups_older_than_the_limit_go() -> None:
    backups_ = [made(1), made(2), made(3), made(24 * 10), made(24 * 15), made(24 * 30)]
    assert kept(backups_, BackupPolicy(keep_days=14)) == [1, 2, 3, 240]


def test_a_busy_day_keeps_one_backup_an_hour_then_one_a_day() -> None:
    # A sync every 15 minutes for three days: 4 backups an hour.
    busy = [made(q / 4, REASON_SYNC) for q in range(0, 4 * 72)]
    result = kept(busy, BackupPolicy())
    # The 3 newest, then the newest of each hour of the last 24 h, then one a day.
    assert result[:3] == [0, 0.25, 0.5]
    hourly = [h for h in result[3:] if h < 24]
    daily = [h for h in result[3:] if h >= 24]
    hours = {int((NOW - timedelta(hours=h)).strftime("%H")) for h in hourly}
    assert len(hourly) == len(hours)  # one per clock hour
    assert 22 <= len(hourly) <= 24
    days = {(NOW - timedelta(hours=h)).date() for h in daily}
    assert len(daily) == len(days) == 3  # the three older days, one each
    assert len(result) <= BackupPolicy().max_files


def test_manual_and_migration_backups_are_not_thinned() -> None:
    backups_ = [
        made(0.1, REASON_SYNC),
        made(0.2, REASON_SYNC),
        made(0.3, REASON_SYNC),
        made(0.4, REASON_SYNC),  # same hour as three newer ones: thinned
        made(0.5, REASON_MANUAL),
        made(0.6, "avant-migration-0003"),
        made(24 * 13, REASON_MANUAL),
        made(24 * 15, REASON_MANUAL),  # too old
    ]
    assert kept(backups_, BackupPolicy()) == [0.1, 0.2, 0.3, 0.5, 0.6, 24 * 13]


def test_at_most_max_files_are_kept_newest_first() -> None:
    backups_ = [made(h, REASON_MANUAL) for h in range(0, 20)]
    assert kept(backups_, BackupPolicy(max_files=5)) == [0, 1, 2, 3, 4]


def test_the_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        BackupPolicy(keep_last=0)
    with pytest.raises(ValueError):
        BackupPolicy(keep_last=5, max_files=4)


def test_list_ignores_other_files_and_sorts_newest_first(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for hours in (5, 1, 3):
        backup_path(folder, REASON_START, NOW - timedelta(hours=hours)).write_bytes(b"x")
    (folder / "notes.txt").write_text("a person's file")
    (folder / "fieldvisit-pas-une-date-x.sqlite3").write_bytes(b"x")
    found = list_backups(folder)
    assert [round((NOW - b.taken_at) / timedelta(hours=1)) for b in found] == [1, 3, 5]
    assert {b.reason for b in found} == {REASON_START}
    removed = backups.prune_backups(folder, BackupPolicy(keep_last=1, max_files=1), NOW)
    assert len(removed) == 2
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["notes.txt", "fieldvisit-pas-une-date-x.sqlite3", found[0].path.name]
    )


def test_a_backup_is_a_checked_encrypted_copy(svc: Services, clock: HandClock) -> None:
    visit_id = plan(svc, "Rencontre avec le maire et le commandant de brigade")
    outcome = backups.backup_at_start(svc)
    assert outcome.kind == "made" and outcome.path is not None
    assert outcome.path.parent == svc.data_dir.backups
    assert outcome.path.name.endswith(f"-{REASON_START}.sqlite3")
    assert parse_backup_name(outcome.path) == (clock.now, REASON_START)
    raw = outcome.path.read_bytes()
    assert not raw.startswith(SQLITE_HEADER)
    assert b"commandant de brigade" not in raw
    conn = connect(outcome.path, svc.store.keys, readonly=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        summary = conn.execute("SELECT summary FROM visits WHERE id = ?", (visit_id,)).fetchone()
    finally:
        conn.close()
    assert summary[0] == "Rencontre avec le maire et le commandant de brigade"
    assert [p.name for p in svc.data_dir.backups.iterdir()] == [outcome.path.name]


def test_automatic_backups_are_spaced_and_checked_in_between(
    svc: Services, clock: HandClock
) -> None:
    plan(svc)
    assert backups.backup_at_start(svc).kind == "made"
    clock.advance(minutes=10)
    assert backups.backup_at_start(svc).kind == "checked"  # too soon: checked only
    clock.advance(minutes=6)
    assert backups.backup_at_start(svc).kind == "made"
    assert len(list_backups(svc.data_dir.backups)) == 2


def test_a_sync_that_exchanged_nothing_makes_no_backup(svc: Services) -> None:
    plan(svc)
    assert backups.backup_after_sync(svc, SyncReport()).kind == "skipped"
    outcome = backups.backup_after_sync(svc, SyncReport(pushed=3))
    assert outcome.kind == "made" and outcome.path is not None
    assert outcome.path.name.endswith(f"-{REASON_SYNC}.sqlite3")


def test_old_backups_are_rotated_after_a_new_one(svc: Services, clock: HandClock) -> None:
    plan(svc)
    for _day in range(20):
        assert backups.backup_at_start(svc).kind == "made"
        clock.advance(days=1)
    outcome = backups.backup_at_start(svc)
    assert outcome.kind == "made"
    left = list_backups(svc.data_dir.backups)
    assert len(left) == 15  # today and the 14 days before
    assert all(clock.now - b.taken_at <= timedelta(days=14) for b in left)
    assert outcome.removed


def test_a_damaged_database_is_reported_and_good_backups_are_kept(
    data_dir, communes, clock: HandClock
) -> None:  # type: ignore[no-untyped-def]
    svc = Services.open(data_dir, clock=clock)
    visit_id = plan(svc)
    for n in range(120):
        notes.add_quick_note(svc, visit_id, f"Note {n} : " + "éclairage de la halle " * 40)
    good = backups.backup_at_start(svc)
    assert good.kind == "made"
    keys = svc.store.keys
    svc.close()  # the last connection folds the WAL into the file
    damage_page(data_dir.database, page_count(data_dir.database, keys) - 3)

    svc = Services.open(data_dir, clock=clock)  # the damaged page is not read at open
    try:
        clock.advance(hours=1)
        outcome = backups.backup_at_start(svc)
        assert outcome.kind == "damaged"
        assert "endommagée" in outcome.message
        assert outcome.problems
        assert [b.path for b in list_backups(data_dir.backups)] == [good.path]
        assert not [p for p in data_dir.backups.iterdir() if p.name.startswith(".")]
        clock.advance(minutes=1)  # a check only (backup too recent) finds it too
        assert backups.backup_at_start(svc).kind == "damaged"
        assert visits.get_visit(svc, visit_id).id == visit_id  # the rest still reads
    finally:
        svc.close()
