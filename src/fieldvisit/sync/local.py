"""The local side of a sync round: records as wire fields and back, pulled records
applied with the three-way merge, pending changes collected, acknowledgements recorded.

Works with SQLAlchemy Core on the model tables (10,000 records must apply in well
under a second); the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, Table, bindparam, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fieldvisit.store.models import USER_RECORD_MODELS
from fieldvisit.store.sync_models import STATE_ROW, SyncBase, SyncConflict, SyncState
from fieldvisit.store.types import UTCDateTime
from fieldvisit.sync.merge import MergeResult, Side, merge_record
from fieldvisit.sync.wire import LONG_TEXT_FIELDS, TABLE_ORDER, TABLES, Change, PulledRecord

SYNC_COLUMNS = ("id", "updated_at", "updated_by", "server_version", "pending", "deleted_at")
CHUNK = 500
SYNC_BASE: Table = SyncBase.__table__  # type: ignore[assignment]

TABLE_OBJECTS: dict[str, Table] = {
    m.__tablename__: m.__table__  # type: ignore[attr-defined]
    for m in USER_RECORD_MODELS
}


def _converters(table: Table) -> dict[str, Callable[[Any], Any]]:
    """Per column: wire value -> Python value for the column type."""
    out: dict[str, Callable[[Any], Any]] = {}
    for column in table.columns:
        if isinstance(column.type, UTCDateTime):
            out[column.key] = _parse_datetime
        elif isinstance(column.type, Date):
            out[column.key] = _parse_date
    return out


def _parse_datetime(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _parse_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


CONVERTERS = {name: _converters(table) for name, table in TABLE_OBJECTS.items()}


def wire_value(value: Any) -> Any:
    """A column value as JSON: aware datetimes in canonical UTC text, dates ISO."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical(value: Any) -> Any:
    """A wire datetime string in the same canonical form as wire_value (for comparing)."""
    if isinstance(value, str) and len(value) >= 20 and value[10:11] == "T":
        try:
            return wire_value(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


# Per table: the field names, and those whose values need converting to JSON text.
_FIELD_NAMES = {table: tuple(spec) for table, spec in TABLES.items()}
_TEMPORAL = {
    table: tuple(name for name, kind in spec.items() if kind.startswith(("date", "datetime")))
    for table, spec in TABLES.items()
}


def row_fields(table: str, row: Any) -> dict[str, Any]:
    mapping = row._mapping
    fields = {name: mapping[name] for name in _FIELD_NAMES[table]}
    for name in _TEMPORAL[table]:
        value = fields[name]
        if value is not None:
            fields[name] = wire_value(value)
    return fields


def remote_fields(table: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Pulled fields normalised like local ones (datetimes canonical)."""
    spec = TABLES[table]
    return {
        name: canonical(fields.get(name)) if spec[name].startswith("datetime") else fields.get(name)
        for name in spec
    }


def to_columns(table: str, fields: dict[str, Any]) -> dict[str, Any]:
    converters = CONVERTERS[table]
    return {
        name: converters[name](value) if name in converters else value
        for name, value in fields.items()
    }


# --- state -----------------------------------------------------------------------------


def sync_state(session: Session) -> SyncState:
    state = session.get(SyncState, STATE_ROW)
    if state is None:
        state = SyncState(id=STATE_ROW, cursor=0)
        session.add(state)
        session.flush()
    return state


# --- applying pulled records -----------------------------------------------------------


@dataclass
class ApplyStats:
    applied: int = 0
    conflicts: int = 0


def _fetch(session: Session, table: str, ids: Sequence[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    t = TABLE_OBJECTS[table]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for row in session.execute(select(t).where(t.c.id.in_(chunk))):
            found[row.id] = row
    return found


def _fetch_bases(session: Session, table: str, ids: Sequence[str]) -> dict[str, SyncBase]:
    found: dict[str, SyncBase] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for base in session.scalars(
            select(SyncBase).where(SyncBase.table_name == table, SyncBase.record_id.in_(chunk))
        ):
            found[base.record_id] = base
    return found


def apply_pulled(session: Session, records: Iterable[PulledRecord], now: datetime) -> ApplyStats:
    """Apply server records: insert new ones, overwrite clean ones, merge pending ones."""
    stats = ApplyStats()
    by_table: dict[str, dict[str, PulledRecord]] = {}
    for record in records:
        by_table.setdefault(record.table, {})[record.id] = record  # a later seq wins
    for table in TABLE_ORDER:
        pulled = by_table.get(table)
        if not pulled:
            continue
        ids = sorted(pulled)
        current = _fetch(session, table, ids)
        bases = _fetch_bases(session, table, ids)
        inserts: list[dict[str, Any]] = []
        new_bases: list[dict[str, Any]] = []
        for record_id in ids:
            record = pulled[record_id]
            row = current.get(record_id)
            fields = remote_fields(table, record.fields)
            if row is not None and record.version <= row.server_version:
                continue  # already have it (our own push coming back, or a re-send)
            stats.applied += 1
            if row is None:
                inserts.append(_remote_row(table, record, fields))
            elif not row.pending:
                _write(session, table, record_id, _remote_row(table, record, fields))
            else:
                stats.conflicts += _merge_into(
                    session, table, row, bases.get(record_id), record, fields, now
                )
            new_bases.append(_base_row(table, record_id, record.version, fields, record))
        if inserts:  # Core on the connection: the ORM's bulk path is much slower
            session.connection().execute(insert(TABLE_OBJECTS[table]), inserts)
        upsert_bases(session, new_bases)
    return stats


def _base_row(
    table: str, record_id: str, version: int, fields: dict[str, Any], record: PulledRecord
) -> dict[str, Any]:
    return {
        "table_name": table,
        "record_id": record_id,
        "server_version": version,
        "fields": fields,
        "deleted": record.deleted_at is not None,
    }


def _remote_row(table: str, record: PulledRecord, fields: dict[str, Any]) -> dict[str, Any]:
    values = to_columns(table, fields)
    values.update(
        id=record.id,
        updated_at=record.updated_at,
        updated_by=record.updated_by[:64],
        server_version=record.version,
        pending=False,
        deleted_at=record.deleted_at,
    )
    return values


def _write(session: Session, table: str, record_id: str, values: dict[str, Any]) -> None:
    t = TABLE_OBJECTS[table]
    values = {k: v for k, v in values.items() if k != "id"}
    session.execute(update(t).where(t.c.id == record_id).values(**values))


def _merge_into(
    session: Session,
    table: str,
    row: Any,
    base: SyncBase | None,
    record: PulledRecord,
    fields: dict[str, Any],
    now: datetime,
) -> int:
    """Three-way merge of a pending local row with a newer server record."""
    local = Side(row_fields(table, row), row.deleted_at is not None)
    remote = Side(fields, record.deleted_at is not None)
    base_side = Side(base.fields, base.deleted) if base is not None else None
    result = merge_record(base_side, local, remote, LONG_TEXT_FIELDS[table])
    still_pending = result.fields != fields or result.deleted != remote.deleted
    values = to_columns(table, result.fields)
    values.update(
        server_version=record.version,
        pending=still_pending,
        deleted_at=_deleted_at(result, row, record, now),
    )
    if not still_pending:
        values.update(updated_at=record.updated_at, updated_by=record.updated_by[:64])
    _write(session, table, row.id, values)
    record_conflicts(session, table, row.id, result, now)
    return len(result.conflicts)


def _deleted_at(result: MergeResult, row: Any, record: PulledRecord, now: datetime) -> Any:
    if not result.deleted:
        return None
    return row.deleted_at or record.deleted_at or now


def record_conflicts(
    session: Session, table: str, record_id: str, result: MergeResult, now: datetime
) -> None:
    for conflict in result.conflicts:
        session.add(
            SyncConflict(
                table_name=table,
                record_id=record_id,
                field_name=conflict.field,
                kind=conflict.kind,
                local_value=conflict.local,
                remote_value=conflict.remote,
                base_value=conflict.base,
                created_at=now,
            )
        )


# --- pending changes -------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """A pending change as sent, kept to recognise an edit made while it was in flight."""

    change: Change

    @property
    def key(self) -> tuple[str, str]:
        return (self.change.table, self.change.id)


def collect_pending(session: Session, skip: set[tuple[str, str]]) -> list[Outgoing]:
    out: list[Outgoing] = []
    for table in TABLE_ORDER:
        t = TABLE_OBJECTS[table]
        for row in session.execute(select(t).where(t.c.pending.is_(True)).order_by(t.c.id)):
            if (table, row.id) in skip:
                continue
            change = Change.model_construct(
                table=table,
                id=row.id,
                base_version=row.server_version,
                fields=row_fields(table, row),
                deleted=row.deleted_at is not None,
            )
            out.append(Outgoing(change))
    return out


def acknowledge(session: Session, accepted: Sequence[tuple[Outgoing, int]]) -> int:
    """The server accepted these changes (with their new versions); how many are clean.

    A row is marked clean only if it still holds exactly what was sent: an edit made
    while the push was in flight stays pending (based on the new version). Bulk
    statements: 10,000 acknowledgements must not cost 40,000 queries.
    """
    clean_count = 0
    by_table: dict[str, list[tuple[Outgoing, int]]] = {}
    for sent, version in accepted:
        by_table.setdefault(sent.change.table, []).append((sent, version))
    for table, items in by_table.items():
        t = TABLE_OBJECTS[table]
        current = _fetch(session, table, sorted(o.change.id for o, _ in items))
        updates: list[dict[str, Any]] = []
        bases: list[dict[str, Any]] = []
        for sent, version in items:
            row = current.get(sent.change.id)
            if row is None:
                continue
            clean = (
                row_fields(table, row) == sent.change.fields
                and (row.deleted_at is not None) == sent.change.deleted
            )
            clean_count += clean
            updates.append(
                {"_id": sent.change.id, "_version": version, "_pending": not clean and row.pending}
            )
            bases.append(
                {
                    "table_name": table,
                    "record_id": sent.change.id,
                    "server_version": version,
                    "fields": sent.change.fields,
                    "deleted": sent.change.deleted,
                }
            )
        if updates:
            session.connection().execute(
                update(t)
                .where(t.c.id == bindparam("_id"))
                .values(server_version=bindparam("_version"), pending=bindparam("_pending")),
                updates,
            )
        upsert_bases(session, bases)
    return clean_count


def upsert_bases(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or replace merge bases, in one statement per chunk."""
    if not rows:
        return
    statement = sqlite_insert(SYNC_BASE)
    statement = statement.on_conflict_do_update(
        index_elements=["table_name", "record_id"],
        set_={
            "server_version": statement.excluded.server_version,
            "fields": statement.excluded.fields,
            "deleted": statement.excluded.deleted,
        },
    )
    session.connection().execute(statement, rows)
