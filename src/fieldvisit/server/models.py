"""The server's own tables (SQLAlchemy 2.x, portable between SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fieldvisit.server.types import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy's documented class attribute
        datetime: UTCDateTime(),
        str: String(),
    }


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    # Départements, comma-separated ("15,43"); ignored for admins (they see everything).
    territories: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime]
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def territory_list(self) -> list[str]:
        return [t for t in self.territories.split(",") if t]


class Device(Base):
    """One logged-in device of a user; the token is stored as its SHA-256 only."""

    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_devices_user_id", "user_id"),)


class Counter(Base):
    """The server-wide change sequence: one row, updated under its row lock.

    Taking that lock first in every push serialises pushes, so sequence numbers are
    committed in increasing order and a reader can never skip one (a database SEQUENCE
    would not guarantee that: numbers can commit out of order).
    """

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Record(Base):
    """The server's copy of one user record: last accepted fields and its version."""

    __tablename__ = "records"
    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    territory: Mapped[str | None] = mapped_column(String(3))
    data: Mapped[str] = mapped_column(Text)
    deleted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64))
    # The account that pushed this version (revision 0002; "" before it).
    updated_by_user: Mapped[str] = mapped_column(String(100), default="", server_default="")
    __table_args__ = (
        Index("ix_records_territory_seq", "territory", "seq"),
        Index("ix_records_sha256", "sha256"),
    )


class Grant(Base):
    """Extra territories a record is visible in (a contact met in another département)."""

    __tablename__ = "grants"
    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    territory: Mapped[str] = mapped_column(String(3), primary_key=True)


class PushBatchLog(Base):
    """A push batch already applied, with its answer: a replay gets the same answer."""

    __tablename__ = "push_batches"
    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    request_hash: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class Blob(Base):
    """An attachment's bytes, uploaded in chunks; complete once its SHA-256 checked."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class PublishedForm(Base):
    """A form definition (TOML) published by an admin; immutable per (id, version)."""

    __tablename__ = "forms"
    form_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    published_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime]
