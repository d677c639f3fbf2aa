"""Open conflicts follow their record (the rows of `sync_conflicts`).

A conflict shows two values of a field: the one the record holds, which is the
server's (for a conflict found by a pull; for an archive import, the laptop's, which is
the team's), and the other one, kept aside until a person decides. When a newer server
version of the record arrives (pulled, in a push answer, or the laptop's own push
accepted), an open conflict is brought up to date:

- the side the record holds takes the server's new value; if the two sides are now
  equal the conflict is closed (resolution "same": nothing is left to decide);
- otherwise the conflict is *replaced* by a new one (a new id, the new value, the new
  version), and the old one is closed (resolution "outdated", `details.replaced_by`).
  A decision is taken on a conflict id, so one taken on what the conflict showed before
  is refused (sync/conflicts.py: ConflictOutdated) and the new one is shown instead;
- a field gets one open conflict: a newer conflict on the same field replaces the
  older one (the newer local value is the person's latest) — unless the newer local
  side is the server's value the older conflict left in the record, which nobody typed
  here (a version lost by a restored server and re-offered, sync/epoch.py): then the
  person's value is still the older local side, and the newer conflict keeps it;
- a field edited here since the conflict was shown (the record holds a value of
  neither side): a decision is refused the same way, and the conflict replaced by one
  whose local side is that value (`edited_here`), so that a choice between two older
  values never erases the person's latest one unseen.

`record_version` is the server version of the record a conflict was brought up to date
with; the resolution is an ordinary pending edit based on that version, so a change
that reaches the server in between is merged against it, never overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.core.ids import new_id
from fieldvisit.store.sync_models import SyncConflict
from fieldvisit.sync.merge import FieldConflict

SOURCE_SYNC = "sync"
SOURCE_IMPORT = "import"
OUTDATED = "outdated"  # replaced by a conflict on a newer version
SAME = "same"  # both sides became equal
REPLACED = "replaced"  # a newer conflict on the same field


def source_of(conflict: SyncConflict) -> str:
    details = conflict.details if isinstance(conflict.details, dict) else {}
    return str(details.get("source", SOURCE_SYNC))


def held_side(conflict: SyncConflict) -> str:
    """The side of a field conflict that the record holds: "remote" (the server's value,
    a conflict of a pull) or "local" (an import: the laptop's value stays)."""
    return "local" if source_of(conflict) == SOURCE_IMPORT else "remote"


class OpenConflicts:
    """The open conflicts, loaded once for a sync transaction or an import."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_record: dict[tuple[str, str], list[SyncConflict]] = {}
        for conflict in session.scalars(
            select(SyncConflict).where(SyncConflict.resolved_at.is_(None))
        ):
            self.by_record.setdefault((conflict.table_name, conflict.record_id), []).append(
                conflict
            )

    def __bool__(self) -> bool:
        return any(self.by_record.values())

    def of(self, table: str, record_id: str) -> list[SyncConflict]:
        return [c for c in self.by_record.get((table, record_id), ()) if c.resolved_at is None]

    def add(
        self,
        table: str,
        record_id: str,
        conflicts: Iterable[FieldConflict],
        now: datetime,
        version: int,
        details: Mapping[str, Any] | None = None,
    ) -> int:
        """Record the field conflicts of a merge (delete ones go through `add_deletion`)."""
        count = 0
        for found in conflicts:
            if found.kind != "field":
                continue
            count += self._place(
                SyncConflict(
                    table_name=table,
                    record_id=record_id,
                    field_name=found.field,
                    kind="field",
                    local_value=found.local,
                    remote_value=found.remote,
                    base_value=found.base,
                    created_at=now,
                    record_version=version,
                    details=dict(details) if details else None,
                ),
                now,
            )
        return count

    def add_deletion(
        self,
        table: str,
        record_id: str,
        deleted_here: bool,
        now: datetime,
        version: int | None,
        details: Mapping[str, Any],
    ) -> SyncConflict:
        """Record that a deletion and a change of the same records met: the values say
        which side deleted (`local_value` is True when this laptop did)."""
        return self.add_row(
            SyncConflict(
                table_name=table,
                record_id=record_id,
                field_name="",
                kind="delete",
                local_value=deleted_here,
                remote_value=not deleted_here,
                base_value=False,
                created_at=now,
                record_version=version,
                details=dict(details),
            ),
            now,
        )

    def add_row(self, conflict: SyncConflict, now: datetime) -> SyncConflict:
        """Add a conflict; an open one on the same field (or deletion) is replaced."""
        self._place(conflict, now)
        return conflict

    def _place(self, conflict: SyncConflict, now: datetime) -> bool:
        """Add the conflict unless nothing is left to decide; True if it was added."""
        if conflict.id is None:
            conflict.id = new_id()
        for older in self.of(conflict.table_name, conflict.record_id):
            if older.kind != conflict.kind or older.field_name != conflict.field_name:
                continue
            if _holds_what_older_took(older, conflict):
                # Nobody typed this local side here: it is the server's value the older
                # conflict left in the record. The person's own value is still the
                # older conflict's, and the newer one keeps it.
                conflict.local_value = older.local_value
                if conflict.local_value == conflict.remote_value:
                    _close(older, now, SAME, None)
                    return False
            _close(older, now, REPLACED, conflict)
        self.session.add(conflict)
        self.by_record.setdefault((conflict.table_name, conflict.record_id), []).append(conflict)
        return True

    def follow(
        self,
        table: str,
        record_id: str,
        server_fields: Mapping[str, Any],
        deleted: bool,
        version: int,
        now: datetime,
        *,
        own: bool = False,
    ) -> None:
        """A newer server version of this record was applied (`own`: this laptop's push
        was accepted): bring its open conflicts up to date (see the module docstring)."""
        for conflict in self.of(table, record_id):
            if conflict.kind == "delete":
                if not own:  # reviving it here is what the conflict reports
                    self._follow_deletion(conflict, deleted, version, now)
                continue
            if conflict.field_name not in server_fields:
                continue
            value = server_fields[conflict.field_name]
            held = held_side(conflict)
            current = conflict.remote_value if held == "remote" else conflict.local_value
            other = conflict.local_value if held == "remote" else conflict.remote_value
            if value == current:
                conflict.record_version = version
                continue
            if value == other:
                _close(conflict, now, SAME, None)
                continue
            newer = _copy(conflict, now, version)
            if held == "remote":
                newer.remote_value = value
            else:
                newer.local_value = value
            self._replace(conflict, newer, now)

    def _follow_deletion(
        self, conflict: SyncConflict, deleted: bool, version: int, now: datetime
    ) -> None:
        """A deletion undone here: deleted again on the server, nothing is left to
        decide; changed there, a decision taken before must be taken again."""
        if deleted:
            _close(conflict, now, SAME, None)
        elif conflict.record_version != version:
            self._replace(conflict, _copy(conflict, now, version), now)

    def _replace(self, older: SyncConflict, newer: SyncConflict, now: datetime) -> None:
        self.session.add(newer)
        _close(older, now, OUTDATED, newer)
        self.by_record.setdefault((newer.table_name, newer.record_id), []).append(newer)


def _holds_what_older_took(older: SyncConflict, newer: SyncConflict) -> bool:
    """Is the newer conflict's local side the server's value that the older one left in
    the record (a lost version re-offered after a server restore, sync/epoch.py)?"""
    return (
        newer.kind == "field"
        and held_side(older) == "remote"
        and held_side(newer) == "remote"
        and newer.local_value == older.remote_value
        and older.local_value != older.remote_value
    )


def edited_here(
    session: Session, conflict: SyncConflict, value: Any, now: datetime
) -> SyncConflict | None:
    """The conflict that replaces this open field conflict if its record now holds
    `value`, a value of neither side (edited here since); None if it holds one."""
    if conflict.kind != "field" or value in (conflict.local_value, conflict.remote_value):
        return None
    newer = _copy(conflict, now, conflict.record_version)
    newer.local_value = value
    session.add(newer)
    _close(conflict, now, OUTDATED, newer)
    return newer


def _copy(conflict: SyncConflict, now: datetime, version: int | None) -> SyncConflict:
    return SyncConflict(
        id=new_id(),
        table_name=conflict.table_name,
        record_id=conflict.record_id,
        field_name=conflict.field_name,
        kind=conflict.kind,
        local_value=conflict.local_value,
        remote_value=conflict.remote_value,
        base_value=conflict.base_value,
        created_at=now,
        record_version=version,
        details=dict(conflict.details) if isinstance(conflict.details, dict) else None,
    )


def _close(conflict: SyncConflict, now: datetime, why: str, by: SyncConflict | None) -> None:
    conflict.resolved_at = now
    conflict.resolution = why
    if by is not None:
        details = dict(conflict.details) if isinstance(conflict.details, dict) else {}
        details["replaced_by"] = by.id
        conflict.details = details


def replacement(session: Session, conflict: SyncConflict) -> SyncConflict | None:
    """The open conflict that replaced this closed one (following the chain)."""
    seen = {conflict.id}
    current = conflict
    while current.resolved_at is not None:
        details = current.details if isinstance(current.details, dict) else {}
        next_id = details.get("replaced_by")
        if not isinstance(next_id, str) or next_id in seen:
            return None
        seen.add(next_id)
        found = session.get(SyncConflict, next_id)
        if found is None:
            return None
        current = found
    return current
