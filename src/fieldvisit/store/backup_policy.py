"""Which backups stay: one retention policy for every backup of a data dir.

Every path that removes backups goes through `prune_backups` with a `BackupPolicy`:
after an automatic backup (start, sync), after `fieldvisit backup`, and after a schema
migration (`store/database.py`). The policy (`backups_to_remove`, pure): the newest
`keep_last` whatever their age; among those younger than `keep_days`, automatic ones
are thinned to the newest of each hour for the last `recent_hours`, then the newest of
each day; other reasons (manual, before a migration, before encryption) are kept
`keep_days`; then at most `max_files` in all (the oldest go first). Nothing else in
backups/ is touched.

Here in `store/` (not `services/`) because opening a data dir migrates it, and the
migration's backup is rotated by the same rule as the others.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fieldvisit.core.clock import utc_now
from fieldvisit.store.backup import BACKUP_PREFIX, BACKUP_SUFFIX, backup_time

log = logging.getLogger(__name__)

REASON_START = "demarrage"
REASON_SYNC = "synchro"
REASON_MANUAL = "manuelle"
AUTOMATIC_REASONS = frozenset({REASON_START, REASON_SYNC})
PARTIAL_SUFFIX = ".partiel"
STALE_PARTIAL_AGE = timedelta(hours=1)  # older partial files were left by a crash


@dataclass(frozen=True)
class BackupPolicy:
    keep_days: int = 14
    keep_last: int = 3  # always kept, whatever their age
    max_files: int = 40  # at most, keep_last included
    recent_hours: int = 24  # within this, one automatic backup per hour; then one per day
    min_interval: timedelta = timedelta(minutes=15)  # between two automatic backups
    free_space_margin: int = 50 * 1024 * 1024  # bytes left free after a backup

    def __post_init__(self) -> None:
        if self.keep_last < 1 or self.max_files < self.keep_last or self.keep_days < 0:
            raise ValueError("keep_last ≥ 1, max_files ≥ keep_last and keep_days ≥ 0")


DEFAULT_POLICY = BackupPolicy()


@dataclass(frozen=True)
class BackupFile:
    """A file of backups/ named like a backup."""

    path: Path
    taken_at: datetime
    reason: str
    size: int

    @property
    def automatic(self) -> bool:
        return self.reason in AUTOMATIC_REASONS


def parse_backup_name(path: Path) -> tuple[datetime, str] | None:
    """(time, reason) from a backup's name; None for any other file."""
    name = path.name
    if not (name.startswith(BACKUP_PREFIX) and name.endswith(BACKUP_SUFFIX)):
        return None
    taken = backup_time(path)
    if taken is None:
        return None
    middle = name[len(BACKUP_PREFIX) : -len(BACKUP_SUFFIX)]
    return taken, middle.split("-", 1)[1] if "-" in middle else ""


def list_backups(folder: Path) -> list[BackupFile]:
    """The backups in folder, newest first (files with other names are ignored)."""
    found: list[BackupFile] = []
    if not folder.is_dir():
        return found
    for path in folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}"):
        parsed = parse_backup_name(path)
        if parsed is None:
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue
        found.append(BackupFile(path, parsed[0], parsed[1], size))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def backups_to_remove(
    backups: Sequence[BackupFile], policy: BackupPolicy, now: datetime
) -> list[BackupFile]:
    """Which backups the policy lets go (pure: no file is touched)."""
    ordered = sorted(backups, key=lambda b: (b.taken_at, b.path.name), reverse=True)
    keep: list[BackupFile] = list(ordered[: policy.keep_last])
    slots: set[tuple[str, str]] = set()
    oldest = now - timedelta(days=policy.keep_days)
    recent = now - timedelta(hours=policy.recent_hours)
    for backup in ordered[: policy.keep_last]:
        if backup.automatic:
            slots.add(_slot(backup.taken_at, recent))
    for backup in ordered[policy.keep_last :]:
        if backup.taken_at < oldest:
            continue
        if not backup.automatic:
            keep.append(backup)
            continue
        slot = _slot(backup.taken_at, recent)
        if slot not in slots:
            slots.add(slot)
            keep.append(backup)
    if len(keep) > policy.max_files:
        newest_first = sorted(keep, key=lambda b: (b.taken_at, b.path.name), reverse=True)
        keep = newest_first[: policy.max_files]
    kept = {b.path for b in keep}
    return [b for b in ordered if b.path not in kept]


def _slot(taken_at: datetime, recent: datetime) -> tuple[str, str]:
    when = taken_at.astimezone(UTC)
    if when >= recent:
        return ("hour", when.strftime("%Y-%m-%dT%H"))
    return ("day", when.strftime("%Y-%m-%d"))


def prune_backups(
    folder: Path, policy: BackupPolicy = DEFAULT_POLICY, now: datetime | None = None
) -> list[Path]:
    """Delete the backups the policy lets go; the deleted paths."""
    removed = []
    for backup in backups_to_remove(list_backups(folder), policy, now or utc_now()):
        try:
            backup.path.unlink()
        except FileNotFoundError:
            continue
        except OSError as err:
            log.warning("backup %s not removed: %s", backup.path, err)
            continue
        removed.append(backup.path)
    _remove_stale_partials(folder, utc_now())  # file times: the real clock
    return removed


def _remove_stale_partials(folder: Path, now: datetime) -> None:
    """Partial backups left by a crash (a running backup's is recent: left alone)."""
    for path in folder.glob(f".{BACKUP_PREFIX}*{PARTIAL_SUFFIX}*"):
        try:
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except OSError:
            continue
        if now - modified > STALE_PARTIAL_AGE:
            path.unlink(missing_ok=True)
