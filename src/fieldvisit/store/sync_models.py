"""The client's sync bookkeeping (revision 0002); never synced itself.

- `SyncState`: one row: the server, the user, the pull cursor, the server's epoch, the
  last sync.
- `SyncBase`: the last copy of each record the server confirmed (the *base* of the
  three-way merge, ARCHITECTURE.md "Sync" rule 4).
- `SyncConflict`: a field both sides changed differently (or an edit against a
  delete): both values kept until the person chooses in the conflict view.
- `SyncRefused` (revision 0008): a local change the server refused for good (or that
  this laptop's own checks kept from sending), with the reason: not sent again as it
  is (sync/refusals.py).
- `SyncSetAside` (revision 0008): a pulled record this laptop cannot apply (an unknown
  value, a missing parent…), kept with the reason and tried again at each pull
  (sync/vetting.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from fieldvisit.core.ids import new_id
from fieldvisit.store.base import Base
from fieldvisit.store.types import JSONValue

STATE_ROW = 1


class SyncState(Base):
    __tablename__ = "sync_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    server_url: Mapped[str | None] = mapped_column(Text)
    username: Mapped[str | None] = mapped_column(String(100))
    ca_file: Mapped[str | None] = mapped_column(Text)
    cursor: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_sync_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    forms_digest: Mapped[str | None] = mapped_column(String(64))
    scope: Mapped[str | None] = mapped_column(String(64))
    # The server's epoch when this data dir last pulled (revision 0007, sync/epoch.py).
    server_epoch: Mapped[str | None] = mapped_column(String(64))
    # The account's role and territories ("15,43"), from the login and GET /me
    # (revision 0008): the app offers only what the server will accept.
    role: Mapped[str | None] = mapped_column(String(16))
    territories: Mapped[str | None] = mapped_column(Text)


class SyncBase(Base):
    __tablename__ = "sync_base"
    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    server_version: Mapped[int] = mapped_column(Integer)
    fields: Mapped[Any] = mapped_column(JSONValue)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class SyncConflict(Base):
    __tablename__ = "sync_conflicts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    table_name: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    # A column name, or "" for an edit-versus-delete conflict (kind "delete").
    field_name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    local_value: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    remote_value: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    base_value: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(16))
    # Revision 0005: the server version of the record this conflict was last brought up
    # to date with (a decision is taken on that version), and what a person needs to
    # read it (sync/conflict_log.py: a deletion's who and why, an import's archive…).
    record_version: Mapped[int | None]
    details: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    __table_args__ = (
        Index("ix_sync_conflicts_record", "table_name", "record_id"),
        Index("ix_sync_conflicts_resolved_at", "resolved_at"),
    )


class SyncRefused(Base):
    """A local change refused for good, as it was sent (revision 0008).

    `stamp_*` are the row's `updated_at`/`deleted_at` as stored when it was sent: while
    the row still carries them, the change is held back; an edit stamps the row anew and
    sends it again. `refused_by` is "server", or "local" when this laptop's own check
    (sizes, kinds) kept it from going.
    """

    __tablename__ = "sync_refused"
    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    refused_by: Mapped[str] = mapped_column(String(16))
    refused_at: Mapped[datetime]
    stamp_updated_at: Mapped[str] = mapped_column(String(40))
    stamp_deleted_at: Mapped[str | None] = mapped_column(String(40))
    base_version: Mapped[int] = mapped_column(Integer)
    fields: Mapped[Any] = mapped_column(JSONValue)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class SyncSetAside(Base):
    """A pulled record not applied here, with why (revision 0008)."""

    __tablename__ = "sync_set_aside"
    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    # The record as pulled (PulledRecord JSON), applied once it can be.
    record: Mapped[Any] = mapped_column(JSONValue)
    code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    set_aside_at: Mapped[datetime]
