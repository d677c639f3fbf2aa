"""The server's epoch: an identity that changes when its database goes back in time.

A server restored from a backup has lost every change accepted after the backup, but
the laptops still hold them as clean rows (their versions are above the server's),
and their pull cursors may be beyond its sequence. So the server carries an *epoch*
(a random id, sent on every pull page with the committed sequence): a laptop that sees
another epoch than the one it synced with, or a cursor beyond the sequence, re-offers
what the server lost (`sync/epoch.py`) and pulls from 0 again.

The epoch changes (`renew`) when:

- `fieldvisit-server restore FILE` puts a backup back (SQLite), or `fieldvisit-server
  restored` is run after `pg_restore` (PostgreSQL);
- the server starts on a copy made by `fieldvisit-server backup` (`renew_on_start` is
  set in every copy, never in the live database): a backup put back by hand still
  changes the epoch;
- the server starts on a database that is behind the mark it left in its files folder
  (`server-mark.json`: the epoch and sequence it last saw, written at start and at a
  clean stop): same epoch, lower sequence means the database was restored.

At a renewal the version of every record is kept in `epoch_versions`: the version a
laptop's lost versions were built on, so that they are re-offered on top of it and
merged three-way with what others pushed since (`lost_versions`).
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Integer, String, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from fieldvisit.core.clock import utc_now
from fieldvisit.server.db import Database
from fieldvisit.server.models import Base, Record
from fieldvisit.server.scoping import readable
from fieldvisit.server.sequence import committed_seq
from fieldvisit.sync.wire import HeldVersion, RestoredBase

STATE_ROW = 1
MARK_FILE = "server-mark.json"


class ServerState(Base):
    """One row (revision 0003): the epoch and the key of file references in the logs."""

    __tablename__ = "server_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[str] = mapped_column(String(64))
    epoch_started_at: Mapped[datetime]
    # Set when the epoch began with a restore: lost versions are then counted from
    # `epoch_versions`; otherwise from the records' current versions.
    restored_at: Mapped[datetime | None]
    # True in backup copies only: the server renews the epoch when it starts on one.
    renew_on_start: Mapped[bool] = mapped_column(Boolean, default=False)
    # Keys the file references written to the logs instead of content hashes.
    log_key: Mapped[str] = mapped_column(String(64))


class EpochVersion(Base):
    """A record's version at the restore that began the current epoch."""

    __tablename__ = "epoch_versions"
    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


def new_epoch() -> str:
    return str(uuid.uuid4())


def new_log_key() -> str:
    return secrets.token_hex(32)


def state(session: Session) -> ServerState:
    found = session.get(ServerState, STATE_ROW)
    if found is None:  # written by migration 0003; a database emptied by hand
        found = ServerState(
            id=STATE_ROW,
            epoch=new_epoch(),
            epoch_started_at=utc_now(),
            restored_at=None,
            renew_on_start=False,
            log_key=new_log_key(),
        )
        session.add(found)
        session.flush()
    return found


def current_epoch(session: Session) -> str:
    value = session.scalar(select(ServerState.epoch).where(ServerState.id == STATE_ROW))
    return value or ""


def renew(session: Session, now: datetime) -> str:
    """A new epoch, begun by a restore: keep every record's version as it is now."""
    row = state(session)
    row.epoch = new_epoch()
    row.epoch_started_at = now
    row.restored_at = now
    row.renew_on_start = False
    session.execute(delete(EpochVersion))
    records = Record.__table__
    session.execute(
        insert(EpochVersion).from_select(
            ["table_name", "record_id", "version"],
            select(records.c.table_name, records.c.record_id, records.c.version),
        )
    )
    return row.epoch


# --- the files folder's mark -----------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    epoch: str
    sequence: int


def read_mark(files_dir: Path) -> Mark | None:
    try:
        raw = json.loads((files_dir / MARK_FILE).read_text(encoding="utf-8"))
        return Mark(str(raw["epoch"]), int(raw["sequence"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none yet, or unreadable: nothing to compare with


def write_mark(files_dir: Path, mark: Mark) -> None:
    target = files_dir / MARK_FILE
    tmp = target.with_name(f".{MARK_FILE}.{os.getpid()}")
    tmp.write_text(json.dumps({"epoch": mark.epoch, "sequence": mark.sequence}), "utf-8")
    os.replace(tmp, target)


def on_start(db: Database, files_dir: Path, now: datetime) -> str | None:
    """Renew the epoch if this database is a backup put back; the reason, or None."""
    reason = None
    with db.transaction() as session:
        row = state(session)
        sequence = committed_seq(session)
        mark = read_mark(files_dir)
        if row.renew_on_start:
            reason = "backup_copy"
        elif mark is not None and mark.epoch == row.epoch and sequence < mark.sequence:
            reason = "database_behind_files"
        if reason is not None:
            renew(session, now)
        epoch = row.epoch
    write_mark(files_dir, Mark(epoch, sequence))
    return reason


def mark_stop(db: Database, files_dir: Path) -> None:
    """At a clean stop: the sequence reached, for the next start to compare with."""
    with db.reading() as session:
        mark = Mark(current_epoch(session), committed_seq(session))
    write_mark(files_dir, mark)


# --- file references in the logs -------------------------------------------------------


def file_reference(key: str, sha256: str) -> str:
    """What the logs say instead of a content hash: keyed, so that a log line does not
    tell a reader the hash (which proves nothing, but names a file to ask for)."""
    digest = hmac.new(bytes.fromhex(key), sha256.encode("ascii"), "sha256").hexdigest()
    return "f-" + digest[:24]


# --- versions the server lost ----------------------------------------------------------


def lost_versions(session: Session, who: Any, held: list[HeldVersion]) -> list[RestoredBase]:
    """Of the versions a laptop holds, those the server lacks, each with the server's
    version it must be re-offered on (0: the server had no such record), and that
    version's fields (the laptop's new merge base).

    A record the user may not read is answered as unknown (as a pull would not show
    it); the re-offer is then refused by the push like any write outside a territory.
    """
    from fieldvisit.server.history import PreviousVersion

    row = state(session)
    records: dict[tuple[str, str], Record] = {}
    at_restore: dict[tuple[str, str], int] = {}
    by_table: dict[str, list[str]] = {}
    for item in held:
        by_table.setdefault(item.table, []).append(item.id)
    for table, ids in by_table.items():
        for stored in session.scalars(
            select(Record).where(Record.table_name == table, Record.record_id.in_(ids))
        ):
            records[(table, stored.record_id)] = stored
        if row.restored_at is not None:
            for record_id, version in session.execute(
                select(EpochVersion.record_id, EpochVersion.version).where(
                    EpochVersion.table_name == table, EpochVersion.record_id.in_(ids)
                )
            ):
                at_restore[(table, record_id)] = version
    out: list[RestoredBase] = []
    for item in held:
        key = (item.table, item.id)
        record = records.get(key)
        if record is not None and not readable(session, who, record):
            record = None
        if record is None:
            base = 0
        elif row.restored_at is not None:
            base = at_restore.get(key, 0)
        else:  # no restore recorded (a cursor beyond the sequence): the current version
            base = record.version
        if item.version <= base:
            continue  # the laptop's version is one the server has (or an older one)
        fields: dict[str, Any] | None = None
        deleted = False
        if record is not None and base > 0:
            if record.version == base:
                fields, deleted = json.loads(record.data), record.deleted_at is not None
            else:
                kept = session.scalars(
                    select(PreviousVersion)
                    .where(
                        PreviousVersion.table_name == item.table,
                        PreviousVersion.record_id == item.id,
                        PreviousVersion.version == base,
                    )
                    .order_by(PreviousVersion.id.desc())
                    .limit(1)
                ).first()
                if kept is not None:
                    fields, deleted = json.loads(kept.data), kept.deleted_at is not None
        out.append(
            RestoredBase(
                table=item.table,
                id=item.id,
                version=base,
                fields=fields,
                deleted=deleted,
            )
        )
    return out
