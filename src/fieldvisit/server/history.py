"""The server's history: every version of a record that an accepted push replaced.

When a push overwrites a record (new fields, a deletion or an undeletion), the version
it replaces is kept in `record_history` with who replaced it (the pushing account and
device) and when, in the push's own transaction. A change identical to the stored
record is accepted without a new version, so it leaves no history.

`GET /api/v1/records/{table}/{id}/history` returns the previous versions, newest first,
to the users who may read the record now (its territory, or a grant for a contact):
the history of a record is scoped exactly like the record. Nothing else reads it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import BigInteger, Index, Integer, String, Table, Text, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from fieldvisit.server.models import Base, Record
from fieldvisit.server.scoping import Principal, readable
from fieldvisit.sync.wire import RecordId, TableName

MAX_VERSIONS = 1000


class PreviousVersion(Base):
    """A version of a record as it was before a push replaced it (revision 0002)."""

    __tablename__ = "record_history"
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    table_name: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text)
    deleted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_by_user: Mapped[str] = mapped_column(String(100))
    replaced_at: Mapped[datetime]
    replaced_by_user: Mapped[str] = mapped_column(String(100))
    replaced_by_device: Mapped[str] = mapped_column(String(64))
    __table_args__ = (Index("ix_record_history_record", "table_name", "record_id", "version"),)


HISTORY: Table = PreviousVersion.__table__  # type: ignore[assignment]


def previous_version(record: Any, who: Principal, device_id: str, now: datetime) -> dict[str, Any]:
    """The row that keeps `record` (a held record, before it is overwritten)."""
    return {
        "table_name": record.table_name,
        "record_id": record.record_id,
        "version": record.version,
        "data": record.data,
        "deleted_at": record.deleted_at,
        "updated_at": record.updated_at,
        "updated_by": record.updated_by,
        "updated_by_user": record.updated_by_user,
        "replaced_at": now,
        "replaced_by_user": who.username,
        "replaced_by_device": device_id,
    }


def keep_previous_versions(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write the versions a push replaced (one executemany, in the push's transaction)."""
    if rows:
        session.execute(insert(HISTORY), rows)


# --- reading -----------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VersionInfo(_Strict):
    """One replaced version: its fields, who wrote it, and who replaced it when."""

    version: int = Field(ge=1)
    fields: dict[str, Any]
    deleted_at: datetime | None = None
    updated_at: datetime
    updated_by: str = Field(description="l'appareil qui avait écrit cette version")
    updated_by_user: str = Field(description="le compte qui avait écrit cette version")
    replaced_at: datetime
    replaced_by_user: str
    replaced_by_device: str


class RecordHistory(_Strict):
    table: TableName
    id: RecordId
    current_version: int = Field(ge=1)
    updated_at: datetime
    updated_by_user: str
    versions: list[VersionInfo] = Field(max_length=MAX_VERSIONS)


def read_history(
    session: Session, who: Principal, table: str, record_id: str, limit: int
) -> RecordHistory | None:
    """The previous versions of a record, newest first; None if unknown or not readable."""
    record = session.get(Record, (table, record_id))
    if record is None or not readable(session, who, record):
        return None
    rows = session.scalars(
        select(PreviousVersion)
        .where(PreviousVersion.table_name == table, PreviousVersion.record_id == record_id)
        .order_by(PreviousVersion.version.desc(), PreviousVersion.id.desc())
        .limit(limit)
    )
    return RecordHistory(
        table=table,  # type: ignore[arg-type]
        id=record_id,
        current_version=record.version,
        updated_at=record.updated_at,
        updated_by_user=record.updated_by_user,
        versions=[
            VersionInfo(
                version=row.version,
                fields=json.loads(row.data),
                deleted_at=row.deleted_at,
                updated_at=row.updated_at,
                updated_by=row.updated_by,
                updated_by_user=row.updated_by_user,
                replaced_at=row.replaced_at,
                replaced_by_user=row.replaced_by_user,
                replaced_by_device=row.replaced_by_device,
            )
            for row in rows
        ],
    )
