"""The local side of a sync round: pulled records applied with the three-way merge,
pending changes collected, acknowledgements recorded.

Works through the driver on the model tables, each through its codec (sync/codec.py:
records as wire fields and as stored rows; 10,000 records must apply in well under a
second); the caller owns the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fieldvisit.store.history import ORIGIN_MERGE, ORIGIN_PULLED, ChangeLog, plain
from fieldvisit.store.sync_models import STATE_ROW, SyncBase, SyncState
from fieldvisit.sync.codec import CHUNK, CODECS, StoredRow, TableCodec, json_text
from fieldvisit.sync.conflict_log import OpenConflicts
from fieldvisit.sync.deletions import Undo
from fieldvisit.sync.merge import MergeResult, Side, merge_record
from fieldvisit.sync.wire import (
    DELETION_FIELD,
    LONG_TEXT_FIELDS,
    PARENT,
    PARENT_LINKS,
    REFERENCES,
    TABLE_ORDER,
    TABLES,
    Change,
    PulledRecord,
    PushBatch,
)

SYNC_COLUMNS = ("id", "updated_at", "updated_by", "server_version", "pending", "deleted_at")
SYNC_BASE: Table = SyncBase.__table__  # type: ignore[assignment]


def remote_fields(table: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Pulled fields normalised like local ones (dates and datetimes canonical)."""
    return CODECS[table].decode(fields)


# --- state -----------------------------------------------------------------------------


def sync_state(session: Session) -> SyncState:
    """The sync state row, created if missing (in a write transaction)."""
    state = session.get(SyncState, STATE_ROW)
    if state is None:
        state = SyncState(id=STATE_ROW, cursor=0)
        session.add(state)
        session.flush()
    return state


def read_sync_state(session: Session) -> SyncState:
    """The sync state row, or a blank one not saved: reading never writes (a write in a
    read transaction would take SQLite's write lock from the app's autosaves)."""
    state = session.get(SyncState, STATE_ROW)
    return state if state is not None else SyncState(id=STATE_ROW, cursor=0)


# --- applying pulled records -----------------------------------------------------------


@dataclass
class ApplyStats:
    applied: int = 0
    conflicts: int = 0
    visit_ids: set[str] = field(default_factory=set)  # visits whose records changed


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
    """Apply server records: insert new ones, overwrite clean ones, merge pending ones.

    Open conflicts follow their records (sync/conflict_log.py); deletions that an edit
    wins over are undone whole at the end (sync/deletions.py)."""
    stats = ApplyStats()
    connection = session.connection()
    touched = _Touched()
    history = ChangeLog()  # what pulled and merged records overwrite (store/history.py)
    conflicts = OpenConflicts(session)
    undo = Undo(session, device_id(session))
    by_table: dict[str, dict[str, PulledRecord]] = {}
    for record in records:
        by_table.setdefault(record.table, {})[record.id] = record  # a later seq wins
    for table in TABLE_ORDER:
        pulled = by_table.get(table)
        if not pulled:
            continue
        codec = CODECS[table]
        ids = sorted(pulled)
        current = codec.read(connection, ids)
        bases = _fetch_bases(session, table, ids)
        inserts: list[dict[str, Any]] = []
        new_bases: list[dict[str, Any]] = []
        for record_id in ids:
            record = pulled[record_id]
            row = current.get(record_id)
            fields = codec.decode(record.fields)  # the one parse of the record's fields
            if row is not None and record.version <= row.server_version:
                continue  # already have it (our own push coming back, or a re-send)
            stats.applied += 1
            touched.add(table, record_id, fields)
            remote_deleted = record.deleted_at is not None
            if row is None:
                inserts.append(_pulled_row(codec, record, fields))
                undo.applied(table, record_id, record, fields, remote_deleted, None)
            else:
                before = row.fields
                if not row.pending:
                    if conflicts:
                        conflicts.follow(
                            table, record_id, fields, remote_deleted, record.version, now
                        )
                    values = {**fields, **_stamp_of(record), "pending": False}
                    codec.update(connection, record_id, codec.stored(values))
                    history.add(
                        table, record_id, row.as_history(), values, **_by(record, ORIGIN_PULLED)
                    )
                    undo.applied(table, record_id, record, fields, remote_deleted, before)
                else:
                    if row.deleted_at is not None and remote_deleted:
                        undo.deleted_on_both_sides(
                            row.fields.get(DELETION_FIELD), record.fields.get(DELETION_FIELD)
                        )
                    result = _merge_into(
                        connection, codec, row, bases.get(record_id), record, fields, now, history
                    )
                    # The merge's conflicts first: one on a field whose open conflict
                    # the record still holds the server's side of keeps the person's
                    # value (conflict_log.py); then the others follow the new version.
                    stats.conflicts += conflicts.add(
                        table, record_id, result.conflicts, now, record.version
                    )
                    if conflicts:
                        conflicts.follow(
                            table, record_id, fields, remote_deleted, record.version, now
                        )
                    undo.applied(table, record_id, record, result.fields, result.deleted, before)
                    if any(c.kind == "delete" for c in result.conflicts):
                        base = bases.get(record_id)
                        undo.edit_won(
                            table,
                            record_id,
                            Side(base.fields, base.deleted) if base is not None else None,
                            Side(before, row.deleted),
                            Side(fields, remote_deleted),
                            record,
                            _moment(row.deleted_at),
                        )
            new_bases.append(_base_row(table, record_id, record.version, fields, record))
        codec.insert(connection, inserts)  # through the driver: 10,000 rows in a blink
        upsert_bases(session, new_bases)
    history.write(session.connection())
    undone, revived = undo.finish(conflicts, now)
    stats.conflicts += undone
    for back in revived:
        link = PARENT.get(back.table)
        touched.add(
            back.table, back.record_id, {link[0]: back.parent[1]} if link and back.parent else {}
        )
    stats.visit_ids = touched.visit_ids(session)
    return stats


def device_id(session: Session) -> str:
    """This laptop's device id (store.database: local_meta)."""
    value = (
        session.connection()
        .exec_driver_sql("SELECT value FROM local_meta WHERE key = 'device_id'")
        .scalar()
    )
    return str(value or "")


class _Touched:
    """The visits that applied records belong to (a contact: the visits it takes part in)."""

    def __init__(self) -> None:
        self.visits: set[str] = set()
        self.interviews: set[str] = set()
        self.contacts: set[str] = set()

    def add(self, table: str, record_id: str, fields: dict[str, Any]) -> None:
        if table == "visits":
            self.visits.add(record_id)
        elif table == "contacts":
            self.contacts.add(record_id)
        elif table == "interviews":
            self.interviews.add(record_id)
        visit_id, interview_id = fields.get("visit_id"), fields.get("interview_id")
        if isinstance(visit_id, str):
            self.visits.add(visit_id)
        elif isinstance(interview_id, str):
            self.interviews.add(interview_id)

    def visit_ids(self, session: Session) -> set[str]:
        found = set(self.visits)
        queries = (
            ("SELECT visit_id FROM interviews WHERE id IN ({})", self.interviews),
            ("SELECT visit_id FROM visit_participants WHERE contact_id IN ({})", self.contacts),
            (
                "SELECT i.visit_id FROM interviewees e JOIN interviews i ON i.id = e.interview_id "
                "WHERE e.contact_id IN ({})",
                self.contacts,
            ),
        )
        connection = session.connection()
        for sql, wanted in queries:
            ids = sorted(wanted)
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                rows = connection.exec_driver_sql(
                    sql.format(", ".join("?" * len(chunk))), tuple(chunk)
                )
                found.update(row[0] for row in rows)
        return {visit_id for visit_id in found if visit_id}


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


def _stamp_of(record: PulledRecord) -> dict[str, Any]:
    """The server's stamp of a pulled record, as stored."""
    return {
        "id": record.id,
        "updated_at": plain(record.updated_at),
        "updated_by": record.updated_by[:64],
        "server_version": record.version,
        "deleted_at": plain(record.deleted_at),
    }


def _pulled_row(codec: TableCodec, record: PulledRecord, fields: dict[str, Any]) -> dict[str, Any]:
    """A record new here, every column as stored (its fields already canonical)."""
    return codec.stored({**fields, **_stamp_of(record), "pending": 0})


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None


def _merge_into(
    connection: Connection,
    codec: TableCodec,
    row: StoredRow,
    base: SyncBase | None,
    record: PulledRecord,
    fields: dict[str, Any],
    now: datetime,
    history: ChangeLog,
) -> MergeResult:
    """Three-way merge of a pending local row with a newer server record (the caller
    records the conflicts)."""
    local = Side(row.fields, row.deleted)
    remote = Side(fields, record.deleted_at is not None)
    base_side = Side(base.fields, base.deleted) if base is not None else None
    result = merge_record(base_side, local, remote, LONG_TEXT_FIELDS[codec.name])
    still_pending = result.fields != fields or result.deleted != remote.deleted
    values: dict[str, Any] = {
        **result.fields,
        "server_version": record.version,
        "pending": still_pending,
        "deleted_at": _deleted_at(result, row, record, now),
    }
    if not still_pending:
        values.update(updated_at=plain(record.updated_at), updated_by=record.updated_by[:64])
    codec.update(connection, row.id, codec.stored(values))
    history.add(codec.name, row.id, row.as_history(), values, **_by(record, ORIGIN_MERGE))
    return result


def _by(record: PulledRecord, origin: str) -> dict[str, Any]:
    """Who made a pulled change, for the history."""
    return {
        "origin": origin,
        "when": record.updated_at,
        "device": record.updated_by,
        "user": record.updated_by_user,
    }


def _deleted_at(result: MergeResult, row: StoredRow, record: PulledRecord, now: datetime) -> Any:
    """When the merged record was deleted, as stored (None: alive)."""
    if not result.deleted:
        return None
    return row.deleted_at or plain(record.deleted_at or now)


# --- pending changes -------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """A pending change as sent, with the row's stamp (`updated_at`, `deleted_at` as
    stored) to recognise an edit made while it was in flight."""

    change: Change
    stamp: tuple[str, str | None]

    @property
    def key(self) -> tuple[str, str]:
        return (self.change.table, self.change.id)


# Children grouped by their visit or interview: a batch then refers to few parents, which
# the server loads to check territory and references (1,000 answers of 125 visits, not
# of 1,000). Other tables keep id order: UUIDv7 ids are in creation order, so a follow-up
# visit comes after the visit it follows.
_PUSH_ORDER = {
    table: (
        f"{REFERENCES[table][0][0]}, id"
        if REFERENCES[table] and REFERENCES[table][0][0] in PARENT_LINKS
        else "id"
    )
    for table in TABLES
}


def pending_groups(session: Session, skip: set[tuple[str, str]]) -> Iterator[list[Outgoing]]:
    """Pending changes in push order, in groups that should travel in one batch.

    First every live row, parents first (a revived visit before its revived answers):
    one group each. Then the tombstones, one group per deletion, children before their
    parents: the server accepts the deletion of a visit or an interview only once
    nothing under it is alive (server/deletions.py), and checks a whole deletion at
    once when it comes in one batch.
    """
    yield from ([o] for o in _pending_rows(session, skip, deleted=False))
    tombstones = sorted(
        _pending_rows(session, skip, deleted=True),
        key=lambda o: (
            o.change.fields.get(DELETION_FIELD) or "",
            -TABLE_ORDER.index(o.change.table),
            o.change.id,
        ),
    )
    group: list[Outgoing] = []
    for outgoing in tombstones:
        if group and _deletion(group[0]) != _deletion(outgoing):
            yield group
            group = []
        group.append(outgoing)
    if group:
        yield group


def _deletion(outgoing: Outgoing) -> Any:
    return outgoing.change.fields.get(DELETION_FIELD) or ("", outgoing.key)


def pending_batches(
    session: Session, skip: set[tuple[str, str]], size: int
) -> Iterator[list[Outgoing]]:
    """Pending changes in batches of at most `size`; a deletion is not split across
    batches unless it alone is larger than a batch."""
    batch: list[Outgoing] = []
    for group in pending_groups(session, skip):
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        for outgoing in group:
            batch.append(outgoing)
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


def _pending_rows(
    session: Session, skip: set[tuple[str, str]], *, deleted: bool
) -> Iterator[Outgoing]:
    connection = session.connection()
    state = "IS NOT NULL" if deleted else "IS NULL"
    for table in TABLE_ORDER:
        codec = CODECS[table]
        names, json_names = codec.names, codec.json_names
        columns = ", ".join(("id", "server_version", "updated_at", "deleted_at", *names))
        rows = connection.exec_driver_sql(
            f"SELECT {columns} FROM {table} WHERE pending = 1 AND deleted_at {state} "
            f"ORDER BY {_PUSH_ORDER[table]}"
        )
        for row in rows:
            if (table, row[0]) in skip:
                continue
            fields = dict(zip(names, row[4:], strict=True))
            for name in json_names:
                if fields[name] is not None:
                    fields[name] = json.loads(fields[name])
            change = Change.model_construct(
                table=table,
                id=row[0],
                base_version=row[1],
                fields=fields,
                deleted=row[3] is not None,
            )
            yield Outgoing(change, (row[2], row[3]))


def count_pending(session: Session) -> int:
    connection = session.connection()
    return sum(
        connection.exec_driver_sql(f"SELECT count(*) FROM {table} WHERE pending = 1").scalar() or 0
        for table in TABLE_ORDER
    )


def acknowledge(session: Session, accepted: Sequence[tuple[Outgoing, int]]) -> int:
    """The server accepted these changes (with their new versions); how many are clean.

    A row is marked clean only if it was not stamped again since it was read for the
    push (every local edit stamps `updated_at`): an edit made while the push was in
    flight stays pending, based on the new version.
    """
    connection = session.connection()
    clean_count = 0
    by_table: dict[str, list[tuple[Outgoing, int]]] = {}
    for sent, version in accepted:
        by_table.setdefault(sent.change.table, []).append((sent, version))
    bases: list[tuple[str, str, int, str, bool]] = []
    for table, items in by_table.items():
        stamps: dict[str, tuple[str, str | None]] = {}
        ids = [o.change.id for o, _ in items]
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ", ".join("?" * len(chunk))
            for row in connection.exec_driver_sql(
                f"SELECT id, updated_at, deleted_at FROM {table} WHERE id IN ({marks})",
                tuple(chunk),
            ):
                stamps[row[0]] = (row[1], row[2])
        updates: list[tuple[int, int, str]] = []
        for sent, version in items:
            stamp = stamps.get(sent.change.id)
            if stamp is None:
                continue
            clean = stamp == sent.stamp
            clean_count += clean
            updates.append((version, 0 if clean else 1, sent.change.id))
            bases.append(
                (table, sent.change.id, version, json_text(sent.change.fields), sent.change.deleted)
            )
        if updates:
            connection.exec_driver_sql(
                f"UPDATE {table} SET server_version = ?, pending = ? WHERE id = ?",
                updates,
            )
    if bases:
        connection.exec_driver_sql(
            "INSERT INTO sync_base (table_name, record_id, server_version, fields, deleted) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (table_name, record_id) DO UPDATE SET "
            "server_version = excluded.server_version, fields = excluded.fields, "
            "deleted = excluded.deleted",
            bases,
        )
    _follow_own(session, accepted)
    return clean_count


def _follow_own(session: Session, accepted: Sequence[tuple[Outgoing, int]]) -> None:
    """The server now holds what this laptop pushed: open conflicts of those records
    follow (sync/conflict_log.py), e.g. a conflicting field the person edited directly."""
    conflicts = OpenConflicts(session)
    if not conflicts:
        return
    now = datetime.now(UTC)
    for sent, version in accepted:
        change = sent.change
        if conflicts.of(change.table, change.id):
            fields = remote_fields(change.table, change.fields)
            conflicts.follow(
                change.table, change.id, fields, change.deleted, version, now, own=True
            )


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


# --- push batches in flight ------------------------------------------------------------
#
# A batch is kept here from just before it goes on the wire until its answer is recorded
# (in the same transaction as the acknowledgement). If the app dies in between, the next
# round re-sends it first, byte for byte with the same batch id: the server answers a
# replay with its stored answer, so the laptop's own change is acknowledged, not pulled
# back as somebody else's edit (a spurious conflict). Kept as rows of the sync_base
# bookkeeping table under a reserved table name (no user table is named like this), so
# no schema change is needed: record_id is the batch id, fields hold the exact request
# body and the stamps of the rows as read for the push.

IN_FLIGHT = "#push_in_flight"


@dataclass(frozen=True)
class InFlight:
    batch_id: str
    body: str  # the request exactly as sent (the server checks a replay's hash)
    batch: list[Outgoing]


def batch_body(batch: PushBatch) -> str:
    return batch.model_dump_json()


def save_in_flight(session: Session, batch_id: str, body: str, batch: Sequence[Outgoing]) -> None:
    stamps = [[o.change.table, o.change.id, o.stamp[0], o.stamp[1]] for o in batch]
    session.connection().exec_driver_sql(
        "INSERT INTO sync_base (table_name, record_id, server_version, fields, deleted) "
        "VALUES (?, ?, 0, ?, 0)",
        (IN_FLIGHT, batch_id, json_text({"body": body, "stamps": stamps})),
    )


def forget_in_flight(session: Session, batch_ids: Iterable[str]) -> None:
    connection = session.connection()
    for batch_id in batch_ids:
        connection.exec_driver_sql(
            "DELETE FROM sync_base WHERE table_name = ? AND record_id = ?", (IN_FLIGHT, batch_id)
        )


def in_flight(session: Session) -> list[InFlight]:
    """Batches sent whose answer was never recorded, in the order they were sent."""
    found: list[InFlight] = []
    for batch_id, raw in session.connection().exec_driver_sql(
        "SELECT record_id, fields FROM sync_base WHERE table_name = ? ORDER BY rowid",
        (IN_FLIGHT,),
    ):
        stored = json.loads(raw)
        body = stored["body"]
        changes = json.loads(body)["changes"]
        stamps = {(t, i): (u, d) for t, i, u, d in stored["stamps"]}
        batch = [
            Outgoing(
                Change.model_construct(**change),
                stamps.get((change["table"], change["id"]), ("", None)),
            )
            for change in changes
        ]
        found.append(InFlight(batch_id, body, batch))
    return found
