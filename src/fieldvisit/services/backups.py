"""Automatic rotating backups of the database: when, how many, which ones go.

Backups are made by `store/backup.py` (SQLite's online backup API through a keyed
connection: encrypted like the database, with the same key) into the data dir's
`backups/` folder, named `fieldvisit-<UTC time>-<reason>.sqlite3`. Here:

- **When.** At start (`REASON_START`, the app in the background once its window is
  shown; never on the start path) and after a sync round that exchanged something
  (`REASON_SYNC`, the app and `fieldvisit sync`), unless an automatic backup is younger
  than `min_interval`: then the database is only checked. `fieldvisit backup` makes one
  whenever asked (`REASON_MANUAL`).
- **Checked.** A backup is written under a temporary name, checked with `PRAGMA
  quick_check`, and renamed only if sound: a backup that exists under its real name is
  whole. The check doubles as the integrity check of the database itself (the copy is
  the database's pages, read and decrypted one by one): a failure means the database is
  damaged (`outcome.kind == "damaged"`), and the good backups are kept as they are.
- **Which ones stay**: `store/backup_policy.py`, the one retention policy of every
  backup (automatic, manual, before a migration or encryption). Its names are
  re-exported here.
- **Disk space.** A backup is not started when the disk has less free space than the
  database's size plus a margin (`free_space_margin`), and a failed one (disk full)
  leaves no file behind: a backup must never be what fills the disk.

Attachment files are not copied: they are content-addressed and never rewritten, so a
database backup refers to files that are still in attachments/.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from fieldvisit.core.clock import utc_now
from fieldvisit.core.errors import FieldvisitError
from fieldvisit.store.backup import backup_path
from fieldvisit.store.backup_policy import (  # the one retention policy of every backup
    DEFAULT_POLICY,
    PARTIAL_SUFFIX,
    REASON_MANUAL,  # noqa: F401  (callers name the reasons through this module)
    REASON_START,
    REASON_SYNC,
    BackupFile,
    BackupPolicy,
    list_backups,
    prune_backups,
)

if TYPE_CHECKING:
    from fieldvisit.services.context import Services
    from fieldvisit.store.database import Store

log = logging.getLogger(__name__)


class BackupFailed(FieldvisitError):
    """A backup could not be written (French message says why)."""


def due(backups: Sequence[BackupFile], policy: BackupPolicy, now: datetime) -> bool:
    """Whether an automatic backup is due: none younger than min_interval."""
    newest = next((b for b in backups if b.automatic), None)
    return newest is None or not (timedelta(0) <= now - newest.taken_at < policy.min_interval)


# --- making one ---------------------------------------------------------------------------


def _is_disk_full(err: BaseException) -> bool:
    if isinstance(err, OSError) and err.errno == errno.ENOSPC:
        return True
    return "disk is full" in str(err) or "database or disk is full" in str(err)


def _disk_full_message(folder: Path) -> str:
    return (
        f"Le disque est plein : la sauvegarde n'a pas pu être écrite dans {folder}. "
        "Libérez de la place ; vos données, elles, sont intactes."
    )


def make_backup(
    store: Store,
    reason: str,
    *,
    now: datetime | None = None,
    target: Path | None = None,
    policy: BackupPolicy = DEFAULT_POLICY,
) -> Path:
    """A checked, encrypted backup of the store's database: in backups/ (named with
    the time and reason), or at `target`. Written under a temporary name and renamed
    once `quick_check` passed.

    Raises DamagedDatabase (the database itself is damaged: nothing written),
    BackupFailed (disk full, folder not writable: nothing written).
    """
    from fieldvisit.security.keyfile import fsync_folder
    from fieldvisit.store.backup import copy_database
    from fieldvisit.store.connection import remove_sidecars
    from fieldvisit.store.recovery import DamagedDatabase, describe_problems, integrity_problems

    source = store.data_dir.database
    final = target if target is not None else backup_path(store.data_dir.backups, reason, now)
    folder = final.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        needed = _database_size(source) + policy.free_space_margin
        free = shutil.disk_usage(folder).free
    except OSError as err:
        raise BackupFailed(
            f"Le dossier {folder} n'est pas utilisable pour une sauvegarde ({err.strerror or err})."
        ) from err
    if free < needed:
        raise BackupFailed(
            f"Pas assez de place sur le disque pour une sauvegarde dans {folder} "
            f"({free // 2**20} Mo libres, {needed // 2**20} Mo nécessaires). "
            "Libérez de la place ; vos données, elles, sont intactes."
        )
    partial = folder / f".{final.name}{PARTIAL_SUFFIX}"
    partial.unlink(missing_ok=True)
    try:
        try:
            copy_database(source, partial, store.keys)
            _single_file(partial, store)
        except Exception as err:
            if _is_disk_full(err):
                raise BackupFailed(_disk_full_message(folder)) from err
            if isinstance(err, OSError):
                raise BackupFailed(
                    f"La sauvegarde n'a pas pu être écrite dans {folder} ({err.strerror or err})."
                ) from err
            message = str(err)
            if "malformed" in message or "not a database" in message or "corrupt" in message:
                raise DamagedDatabase(
                    f"La base {source} est endommagée ({message}) : elle n'a pas pu être "
                    "sauvegardée.",
                    [message],
                ) from err
            raise BackupFailed(f"La sauvegarde de la base a échoué ({message}).") from err
        problems = integrity_problems(partial, store.keys)
        if problems:
            raise DamagedDatabase(
                f"La base {source} est endommagée ({describe_problems(problems)}) : elle n'a "
                "pas été sauvegardée, les sauvegardes précédentes sont gardées.",
                problems,
            )
        os.replace(partial, final)
        fsync_folder(folder)
    finally:
        if partial.exists():
            partial.unlink(missing_ok=True)
        remove_sidecars(partial)
    log.info("backup written: %s", final)
    return final


def _single_file(path: Path, store: Store) -> None:
    """The copy carries the database's WAL mode: switch it to a rollback journal, so
    that the backup is one self-contained file (opening it leaves no -wal or -shm)."""
    from fieldvisit.store.connection import connect

    conn = connect(path, store.keys)
    try:
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    finally:
        conn.close()


def _database_size(path: Path) -> int:
    size = 0
    for candidate in (path, Path(f"{path}-wal")):
        with contextlib.suppress(OSError):
            size += candidate.stat().st_size
    return size


@dataclass(frozen=True)
class BackupOutcome:
    """What an automatic backup did.

    kind: "made" (a new checked backup), "checked" (one was recent: the database was
    only checked, and is sound), "skipped" (nothing to do), "damaged" (the database
    failed its check: `message`, `problems`), "failed" (could not write: `message`).
    """

    kind: Literal["made", "checked", "skipped", "damaged", "failed"]
    path: Path | None = None
    removed: tuple[Path, ...] = ()
    message: str = ""
    problems: tuple[str, ...] = field(default_factory=tuple)


def automatic_backup(
    store: Store,
    reason: str,
    *,
    policy: BackupPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> BackupOutcome:
    """A backup if one is due (else an integrity check), then the rotation.

    Never raises for a damaged database or a full disk: the outcome says so.
    """
    from fieldvisit.store.recovery import DamagedDatabase, describe_problems, integrity_problems

    now = now or utc_now()
    folder = store.data_dir.backups
    if not due(list_backups(folder), policy, now):
        problems = integrity_problems(store.data_dir.database, store.keys)
        if problems:
            return BackupOutcome(
                "damaged",
                message=f"La base {store.data_dir.database} est endommagée "
                f"({describe_problems(problems)}).",
                problems=tuple(problems),
            )
        return BackupOutcome("checked")
    try:
        path = make_backup(store, reason, now=now, policy=policy)
    except DamagedDatabase as err:
        log.error("the database failed its check: %s", err)
        return BackupOutcome("damaged", message=str(err), problems=err.problems)
    except BackupFailed as err:
        log.warning("automatic backup not made: %s", err)
        return BackupOutcome("failed", message=str(err))
    removed = prune_backups(folder, policy, now)
    return BackupOutcome("made", path, tuple(removed))


def backup_at_start(svc: Services, policy: BackupPolicy = DEFAULT_POLICY) -> BackupOutcome:
    """The start backup (the app runs it in the background once its window is shown)."""
    return automatic_backup(svc.store, REASON_START, policy=policy, now=svc.clock())


class RoundCounts(Protocol):
    """What a sync round exchanged (sync/engine.py: SyncReport)."""

    pulled: int
    pushed: int
    conflicts: int
    uploaded_files: int
    forms: int


def exchanged_anything(report: RoundCounts) -> bool:
    return bool(
        report.pulled or report.pushed or report.conflicts or report.uploaded_files or report.forms
    )


def backup_after_sync(
    svc: Services, report: RoundCounts, policy: BackupPolicy = DEFAULT_POLICY
) -> BackupOutcome:
    """The backup after a sync round, if the round exchanged anything."""
    if not exchanged_anything(report):
        return BackupOutcome("skipped")
    return automatic_backup(svc.store, REASON_SYNC, policy=policy, now=svc.clock())
