"""The history of user records, written in the same transaction as each change.

Every change of a field of a user record (the models with the sync columns) leaves a
`record_history` row (`models.HistoryEntry`): the value before and after, when, who,
from which device, and how (`origin`). Two writers, one rule:

- **ORM writes** (every service, the conflict view, archive import): an `after_flush`
  session event compares each changed record's attributes with the values it loaded
  and writes the entries on the flush's own connection. Services need no code of their
  own; `recorded_as(origin)` around a call marks its entries (restore, import).
- **Bulk writes through Core** (the sync applying pulled records and merge results,
  10,000 rows at a time, which never go through a flush): the writer hands each row's
  old values and new values to a `ChangeLog`, written in one statement at the end.

What is recorded:

- a change of any column but the bookkeeping ones (`id`, `created_at`, `updated_at`,
  `updated_by`, `server_version`, `pending`, `deletion_id`); a deletion is a change of
  `deleted_at`;
- a record *created on this laptop* (by a person, or a restore): one entry per field a
  person fills in (`CREATION_FIELDS`) that is not empty, from None. Records that
  arrive already made (pulled from the server, imported from an archive) are not
  changes of anything here: their own history is on the server;
- values as on the sync wire: JSON values as they are, dates ISO, date-times in UTC.

**Coalescing.** Autosave writes about once a second while someone types. An edit joins
the newest entry of the same field of the same record instead of adding one when that
entry is a local edit (origin "edit") from the same device and user whose first change
is less than `COALESCE_WINDOW` (5 minutes) older: the entry keeps its oldest previous
value and takes the new value and time. If the field is back to that previous value,
the entry is dropped (nothing changed). Any other entry in between (a pulled change, a
restore, a merge) ends the run. Times are the records' own stamps (`updated_at`, from
the services' injectable clock), so tests control the window without sleeping.

Who: the sync account this data dir is tied to (`sync_state.username`, kept after a
logout), or None before any login; for a pulled or merged change, the colleague the
server says made it. Nothing is pruned: coalescing keeps the table small.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from fieldvisit.core.action_plan import CONTRACT_FIELDS
from fieldvisit.store.models import USER_RECORD_MODELS, HistoryEntry, SyncColumns
from fieldvisit.store.types import JSONValue, UTCDateTime

ORIGIN_EDIT = "edit"
ORIGIN_PULLED = "pulled"
ORIGIN_MERGE = "merge"
ORIGIN_RESTORE = "restore"
ORIGIN_IMPORT = "import"
ORIGINS: tuple[str, ...] = (
    ORIGIN_EDIT,
    ORIGIN_PULLED,
    ORIGIN_MERGE,
    ORIGIN_RESTORE,
    ORIGIN_IMPORT,
)
LOCAL_ORIGINS = frozenset({ORIGIN_EDIT, ORIGIN_RESTORE})

COALESCE_WINDOW = timedelta(minutes=5)

HISTORY: Table = HistoryEntry.__table__  # type: ignore[assignment]
# deletion_id says which deletion a tombstone belongs to: the deletion itself is the
# change of deleted_at.
BOOKKEEPING = frozenset(
    {"id", "created_at", "updated_at", "updated_by", "server_version", "pending", "deletion_id"}
)

#: per table, the columns whose changes are recorded
TRACKED: dict[str, tuple[str, ...]] = {
    model.__tablename__: tuple(  # type: ignore[attr-defined]
        column.key for column in inspect(model).columns if column.key not in BOOKKEEPING
    )
    for model in USER_RECORD_MODELS
}

#: per table, what a person fills in: a record made here gets an entry for each of
#: these that is not empty (keys and references are not "values" of the record).
CREATION_FIELDS: dict[str, tuple[str, ...]] = {
    "contacts": ("name", "role", "organisation", "phone", "email"),
    "visits": ("visit_date", "author", "summary"),
    "visit_participants": (),
    "answers": ("value", "comment"),
    "interviews": ("title", "held_on", "notes"),
    "interviewees": (),
    "interview_answers": ("value", "comment"),
    "theme_ratings": ("level", "observations"),
    "recommendations": (
        "text",
        "theme_id",
        "priority",
        "horizon",
        "porteur",
        "dispositif",
        "due_date",
        "status",
        *CONTRACT_FIELDS,
    ),
    "observations": ("category", "place", "severity", "comment", "action_id", "pin"),
    # An occurrence is its answers: its creation is one entry (« ajouté »), below.
    "repeat_occurrences": (),
    "occurrence_answers": ("value",),
    "attachments": ("caption", "annotation", "observation_id"),
    "quick_notes": ("text",),
    "signatures": ("name", "signed_at", "strokes"),
}

_origin: ContextVar[str | None] = ContextVar("fieldvisit_history_origin", default=None)


@contextmanager
def recorded_as(origin: str) -> Iterator[None]:
    """Mark the history entries written by the calls inside (on this thread)."""
    if origin not in ORIGINS:
        raise ValueError(f"unknown history origin {origin!r}")
    token = _origin.set(origin)
    try:
        yield
    finally:
        _origin.reset(token)


def current_origin() -> str:
    """How the changes being written now came about (ORIGIN_EDIT unless marked)."""
    return _origin.get() or ORIGIN_EDIT


def plain(value: Any) -> Any:
    """A column value as the history (and the sync wire) keeps it."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class FieldChange:
    table: str
    record_id: str
    field: str
    old: Any
    new: Any
    when: datetime
    device: str


def local_user(connection: Connection) -> str | None:
    """The sync account of this data dir, if it ever logged in."""
    return connection.exec_driver_sql(  # type: ignore[no-any-return]
        "SELECT username FROM sync_state WHERE id = 1"
    ).scalar()


# --- ORM writes --------------------------------------------------------------------------


def _stamp_of(record: SyncColumns, stamped: bool = True) -> datetime:
    """When the change was made: the record's stamp (services stamp every edit with their
    clock), or now if this flush did not stamp it."""
    when = record.updated_at
    if stamped and isinstance(when, datetime) and when.tzinfo is not None:
        return when
    return datetime.now(UTC)


def _created(record: SyncColumns) -> Iterator[FieldChange]:
    table = record.__tablename__  # type: ignore[attr-defined]
    when = _stamp_of(record)
    for name in CREATION_FIELDS[table]:
        value = plain(getattr(record, name))
        if value is not None and value != "":
            yield FieldChange(table, record.id, name, None, value, when, record.updated_by)


def _updated(record: SyncColumns) -> Iterator[FieldChange]:
    table = record.__tablename__  # type: ignore[attr-defined]
    state = inspect(record)
    when: datetime | None = None
    for name in TRACKED[table]:
        history = state.attrs[name].history
        if not history.has_changes():
            continue
        # Records are loaded whole in their unit of work, so the old value is known.
        old = plain(history.deleted[0]) if history.deleted else None
        new = plain(history.added[0]) if history.added else None
        if old == new:
            continue
        when = when or _stamp_of(record, state.attrs.updated_at.history.has_changes())
        yield FieldChange(table, record.id, name, old, new, when, record.updated_by)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    # After the flush's statements (new records have their ids) and before the session
    # forgets what changed: `new`, `dirty` and attribute histories are still there.
    origin = _origin.get() or ORIGIN_EDIT
    changes: list[FieldChange] = []
    if origin in LOCAL_ORIGINS:
        for record in session.new:
            if isinstance(record, SyncColumns):
                changes.extend(_created(record))
    for record in session.dirty:
        if isinstance(record, SyncColumns):
            changes.extend(_updated(record))
    if changes:
        connection = session.connection()
        user = local_user(connection) if origin in LOCAL_ORIGINS else None
        write_changes(connection, changes, origin, user)


def write_changes(
    connection: Connection, changes: Sequence[FieldChange], origin: str, user: str | None
) -> None:
    """Write these changes' entries; local edits coalesce (see the module docstring)."""
    rows: list[tuple[Any, ...]] = []
    for change in changes:
        if origin == ORIGIN_EDIT and _coalesced(connection, change, user):
            continue
        rows.append(_row(change, origin, user))
    _insert(connection, rows)


# Through the driver, with the columns' own encodings: an autosave runs these on every
# keystroke pause, and building SQLAlchemy statements cost more than running them.
_JSON, _TIME = JSONValue(), UTCDateTime()
_INSERT_SQL = (
    "INSERT INTO record_history (table_name, record_id, field_name, old_value, new_value, "
    "started_at, changed_at, user_name, device_id, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_LAST_SQL = (
    "SELECT id, origin, device_id, user_name, started_at, old_value FROM record_history "
    "WHERE table_name = ? AND record_id = ? AND field_name = ? ORDER BY id DESC LIMIT 1"
)


def _json(value: Any) -> str | None:
    return _JSON.process_bind_param(value, None)  # type: ignore[arg-type]


def _time(value: datetime) -> str | None:
    return _TIME.process_bind_param(value, None)  # type: ignore[arg-type]


def _row(change: FieldChange, origin: str, user: str | None) -> tuple[Any, ...]:
    when = _time(change.when)
    return (
        change.table,
        change.record_id,
        change.field,
        _json(change.old),
        _json(change.new),
        when,
        when,
        user,
        change.device[:64],
        origin,
    )


def _insert(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        connection.exec_driver_sql(_INSERT_SQL, rows if len(rows) > 1 else rows[0])


def _coalesced(connection: Connection, change: FieldChange, user: str | None) -> bool:
    """Fold the change into the field's newest entry if the rule allows; True if done."""
    last = connection.exec_driver_sql(
        _LAST_SQL, (change.table, change.record_id, change.field)
    ).first()
    if last is None:
        return False
    entry_id, origin, device, entry_user, started_at, old_value = last
    if (
        origin != ORIGIN_EDIT
        or device != change.device[:64]
        or entry_user != user
        or not timedelta(0) <= change.when - datetime.fromisoformat(started_at) <= COALESCE_WINDOW
    ):
        return False
    if old_value == _json(change.new):  # back where the run started: nothing changed
        connection.exec_driver_sql("DELETE FROM record_history WHERE id = ?", (entry_id,))
    else:
        connection.exec_driver_sql(
            "UPDATE record_history SET new_value = ?, changed_at = ? WHERE id = ?",
            (_json(change.new), _time(change.when), entry_id),
        )
    return True


# --- bulk writes -------------------------------------------------------------------------


class ChangeLog:
    """History entries of rows written in bulk through Core (the sync's apply).

    `add` compares a row's old values with the values written over them; `write` puts
    every entry in with one statement, in the writer's transaction.
    """

    def __init__(self) -> None:
        self.rows: list[tuple[Any, ...]] = []

    def add(
        self,
        table: str,
        record_id: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        *,
        origin: str,
        when: datetime,
        device: str,
        user: str | None,
    ) -> None:
        if when.tzinfo is None:  # a server's stamp is UTC
            when = when.replace(tzinfo=UTC)
        for name in TRACKED[table]:
            if name not in new:
                continue
            before, after = plain(old[name]), plain(new[name])
            if before != after:
                change = FieldChange(table, record_id, name, before, after, when, device)
                self.rows.append(_row(change, origin, user or None))

    def write(self, connection: Connection) -> None:
        _insert(connection, self.rows)
        self.rows = []
