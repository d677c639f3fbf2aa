"""Online backups of the SQLite file (sqlite3 backup API) and their rotation."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fieldvisit.core.clock import utc_now

BACKUP_PREFIX = "fieldvisit-"
BACKUP_SUFFIX = ".sqlite3"
DEFAULT_KEEP_DAYS = 14


def backup_database(
    source: Path, backups_dir: Path, reason: str, now: datetime | None = None
) -> Path:
    """Copy a live database, consistent even while it is written, into backups_dir."""
    stamp = (now or utc_now()).strftime("%Y%m%dT%H%M%S%fZ")
    backups_dir.mkdir(parents=True, exist_ok=True)
    target = backups_dir / f"{BACKUP_PREFIX}{stamp}-{reason}{BACKUP_SUFFIX}"
    copy_database(source, target)
    return target


def copy_database(source: Path, target: Path) -> None:
    """sqlite3 online backup of source into a new file target."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def rotate_backups(
    backups_dir: Path, keep_days: int = DEFAULT_KEEP_DAYS, now: datetime | None = None
) -> list[Path]:
    """Delete backups older than keep_days, but always keep the newest one."""
    backups = sorted(backups_dir.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}"))
    if len(backups) <= 1:
        return []
    limit = (now or utc_now()) - timedelta(days=keep_days)
    removed = []
    for path in backups[:-1]:
        taken = backup_time(path)
        if taken is not None and taken < limit:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def backup_time(path: Path) -> datetime | None:
    """When a backup was taken, read from its name (None for a foreign file)."""
    stamp = path.name.removeprefix(BACKUP_PREFIX).split("-", 1)[0]
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None
