"""Online backups of the database (SQLite backup API) and their names.

Which backups stay is `store/backup_policy.py`.

A backup is encrypted like the database, with the same key: SQLCipher's backup copies
the encrypted pages of one keyed connection into another.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fieldvisit.core.clock import utc_now
from fieldvisit.store.connection import connect

if TYPE_CHECKING:
    from fieldvisit.security.keys import DataKeys

BACKUP_PREFIX = "fieldvisit-"
BACKUP_SUFFIX = ".sqlite3"


def backup_database(
    source: Path,
    backups_dir: Path,
    reason: str,
    now: datetime | None = None,
    *,
    keys: DataKeys,
) -> Path:
    """Copy a live encrypted database, consistent even while it is written, into
    backups_dir; the copy is encrypted with the same key."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    target = backup_path(backups_dir, reason, now)
    copy_database(source, target, keys)
    return target


def backup_path(backups_dir: Path, reason: str, now: datetime | None = None) -> Path:
    stamp = (now or utc_now()).strftime("%Y%m%dT%H%M%S%fZ")
    return backups_dir / f"{BACKUP_PREFIX}{stamp}-{reason}{BACKUP_SUFFIX}"


def copy_database(source: Path, target: Path, keys: DataKeys) -> None:
    """Online backup of the encrypted database source into a new file target, which
    is encrypted with the same keys."""
    src = connect(source, keys, readonly=True)
    try:
        dst = connect(target, keys)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def backup_time(path: Path) -> datetime | None:
    """When a backup was taken, read from its name (None for a foreign file)."""
    stamp = path.name.removeprefix(BACKUP_PREFIX).split("-", 1)[0]
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None
