"""Deletions that an edit wins over are undone whole, with one conflict « suppression ».

Edit against delete: the edit wins. A deletion is one operation (services/deletion.py:
all the rows it tombstoned share a `deletion_id`), so when an edit wins over one of its
rows, the whole deletion is undone: every row it removed is revived here and pushed,
which undoes it on the server and on every other laptop. The cases, seen from the
laptop that applies a pull (or a push answer):

- a pulled tombstone of a record edited here (the edit wins in the merge), or a pulled
  edit of a record this laptop deleted;
- a pulled tombstone of a visit or an interview under which this laptop has live
  records (edited or added here, which the deleting laptop never saw);
- a pulled live record under a visit or interview deleted here;
- a pulled tombstone of a deletion this laptop already undid (a long deletion that
  reached the server in several batches, or rows of it sent later by a laptop that
  joined it): undone again, without a second conflict.

Two laptops that delete the same record (the same visit) make one deletion: when a
pulled tombstone meets this laptop's own of another deletion, this laptop's deletion
joins the server's (its rows take its id, and are sent again). Otherwise an edit that
wins over the server's deletion would leave this laptop's rows deleted (an interview
only it had, deleted with the visit) in a visit alive again.

After it, no live record is under a deleted parent on this laptop. The conflict, on the
deletion's top record (the visit, the interview, or the single record deleted), says
who deleted what, when, and which edits brought it back (`details`, shown by
sync/conflicts.py); the person may still agree with the deletion (delete again).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from fieldvisit.services.deletion import MODELS, Revived, revive, rows_of_deletion
from fieldvisit.store.history import ORIGIN_MERGE, local_user, plain, recorded_as
from fieldvisit.store.models import SyncColumns
from fieldvisit.sync.conflict_log import OpenConflicts
from fieldvisit.sync.merge import NOT_EDITS, Side, deletion_of
from fieldvisit.sync.wire import CHILDREN, PARENT, TABLE_ORDER, TABLES, PulledRecord

CHUNK = 500
MAX_REASONS = 20


@dataclass(frozen=True)
class Reason:
    """A record whose edit won over the deletion: where, by whom, which fields."""

    table: str
    record_id: str
    here: bool
    by: str = ""
    fields: tuple[str, ...] = ()
    added: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "id": self.record_id,
            "here": self.here,
            "by": self.by,
            "fields": list(self.fields),
            "added": self.added,
        }


def changed_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> tuple[str, ...]:
    if before is None:
        return ()
    return tuple(sorted(n for n in after if n not in NOT_EDITS and after.get(n) != before.get(n)))


@dataclass
class Undo:
    """What one apply saw; `finish` undoes the deletions and records their conflicts."""

    session: Session
    device: str
    won: dict[str | None, list[Reason]] = field(default_factory=dict)
    won_rows: dict[tuple[str, str], str | None] = field(default_factory=dict)
    deleted_parents: set[tuple[str, str]] = field(default_factory=set)
    live_children: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    pulled: dict[tuple[str, str], PulledRecord] = field(default_factory=dict)
    changed: dict[tuple[str, str], tuple[str, ...] | None] = field(default_factory=dict)
    deleters: dict[str, PulledRecord] = field(default_factory=dict)
    won_at: dict[str | None, datetime] = field(default_factory=dict)  # when it was deleted
    joined: dict[str, str] = field(default_factory=dict)  # a deletion here -> the server's

    # --- what apply_pulled reports ------------------------------------------------------

    def applied(
        self,
        table: str,
        record_id: str,
        record: PulledRecord,
        fields: Mapping[str, Any],
        deleted: bool,
        before: Mapping[str, Any] | None,
    ) -> None:
        """A pulled record was written (inserted, overwritten or merged); `deleted` is
        its state here now, `before` its fields before (None: new here)."""
        key = (table, record_id)
        self.pulled[key] = record
        if record.deleted_at is not None:
            deletion = record.fields.get("deletion_id")  # as pulled, before any merge
            if isinstance(deletion, str):
                known = self.deleters.get(deletion)
                if known is None or TABLE_ORDER.index(table) < TABLE_ORDER.index(known.table):
                    self.deleters[deletion] = record
        if deleted:
            if table in CHILDREN:
                self.deleted_parents.add(key)
            return
        link = PARENT.get(table)
        parent_id = fields.get(link[0]) if link else None
        if link is not None and isinstance(parent_id, str):
            self.live_children[key] = (link[1], parent_id)
            self.changed[key] = None if before is None else changed_fields(before, fields)

    def deleted_on_both_sides(self, here: str | None, pulled: Any) -> None:
        """A pulled tombstone (deletion `pulled`) of a record this laptop deleted too
        (deletion `here`, not sent yet): the two are one deletion from now on."""
        if isinstance(here, str) and isinstance(pulled, str) and here != pulled:
            self.joined.setdefault(here, pulled)

    def edit_won(
        self,
        table: str,
        record_id: str,
        base: Side | None,
        local: Side,
        remote: Side,
        record: PulledRecord,
        local_deleted_at: datetime | None = None,
    ) -> None:
        """The merge kept a record alive against one side's deletion."""
        if local.deleted:
            deletion, editor, here = deletion_of(local), remote, False
        else:
            deletion, editor, here = deletion_of(remote), local, True
        if base is None:
            fields: tuple[str, ...] = ()
        else:
            fields = changed_fields(base.fields, editor.fields)
        reason = Reason(
            table,
            record_id,
            here,
            "" if here else record.updated_by_user,
            fields,
            added=base is None,
        )
        self.won.setdefault(deletion, []).append(reason)
        self.won_rows[(table, record_id)] = deletion
        when = local_deleted_at if local.deleted else record.deleted_at
        if when is not None:
            self.won_at.setdefault(deletion, when)

    # --- at the end of the apply --------------------------------------------------------

    def finish(self, conflicts: OpenConflicts, now: datetime) -> tuple[int, list[Revived]]:
        """Undo what must be undone; (conflicts recorded, rows revived)."""

        def stamp(row: SyncColumns) -> None:
            row.updated_at = now
            row.updated_by = self.device
            row.pending = True

        self._join(stamp)
        why_parent: dict[tuple[str, str], list[Reason]] = {}
        records: list[tuple[str, str]] = list(self.won_rows)
        for parent, reasons in self._live_under_pulled_tombstones().items():
            why_parent.setdefault(parent, []).extend(reasons)
            records.append(parent)
        for parent, reasons in self._pulled_under_deleted_parents().items():
            why_parent.setdefault(parent, []).extend(reasons)
            records.append(parent)
        again = self._undone_before()
        deletions = {d for d in self.won if d is not None} | again
        if not records and not deletions:
            return 0, []
        with recorded_as(ORIGIN_MERGE):
            revived = revive(self.session, stamp, deletions=deletions, records=records)
        return self._record(conflicts, revived, why_parent, again, now), revived

    def _joined(self, deletion: str) -> str:
        """The deletion this one joined, through any chain of joins (never a loop)."""
        seen = {deletion}
        while deletion in self.joined and self.joined[deletion] not in seen:
            deletion = self.joined[deletion]
            seen.add(deletion)
        return deletion

    def _join(self, stamp: Callable[[SyncColumns], None]) -> None:
        """This laptop's deletions that met the server's of the same records take its id
        (still deleted rows: a revived one belongs to no deletion any more)."""
        for here in self.joined:
            target = self._joined(here)
            for row in rows_of_deletion(self.session, here):
                row.deletion_id = target
                stamp(row)
        if self.joined:
            self.session.flush()

    def _live_under_pulled_tombstones(self) -> dict[tuple[str, str], list[Reason]]:
        """Live records here under a visit or interview the pull deleted."""
        found: dict[tuple[str, str], list[Reason]] = {}
        connection = self.session.connection()
        by_table: dict[str, list[str]] = {}
        for table, record_id in self.deleted_parents:
            by_table.setdefault(table, []).append(record_id)
        for parent_table, ids in by_table.items():
            for child in CHILDREN[parent_table]:
                link = PARENT[child][0]
                for chunk in _chunks(sorted(ids)):
                    marks = ", ".join("?" * len(chunk))
                    for child_id, parent_id, pending in connection.exec_driver_sql(
                        f"SELECT id, {link}, pending FROM {child} "
                        f"WHERE {link} IN ({marks}) AND deleted_at IS NULL",
                        tuple(chunk),
                    ):
                        reason = self._reason_for_live(child, child_id, bool(pending))
                        found.setdefault((parent_table, parent_id), [])
                        if reason is not None:
                            found[(parent_table, parent_id)].append(reason)
        return found

    def _reason_for_live(self, table: str, record_id: str, pending: bool) -> Reason | None:
        """Why a live record under a deleted parent is alive (None: already told)."""
        key = (table, record_id)
        if key in self.won_rows:
            return None
        record = self.pulled.get(key)
        if record is not None and record.deleted_at is None:
            changed = self.changed.get(key)
            return Reason(
                table, record_id, False, record.updated_by_user, changed or (), changed is None
            )
        if not pending:
            return Reason(table, record_id, False)
        base = (
            self.session.connection()
            .exec_driver_sql(
                "SELECT fields FROM sync_base WHERE table_name = ? AND record_id = ?",
                (table, record_id),
            )
            .scalar()
        )
        if base is None:
            return Reason(table, record_id, True, added=True)
        row = self.session.get(MODELS[table], record_id)
        fields = {n: plain(getattr(row, n)) for n in TABLES[table]} if row is not None else {}
        return Reason(table, record_id, True, fields=changed_fields(json.loads(base), fields))

    def _pulled_under_deleted_parents(self) -> dict[tuple[str, str], list[Reason]]:
        """Pulled live records whose visit or interview is deleted here."""
        found: dict[tuple[str, str], list[Reason]] = {}
        wanted: dict[str, dict[str, list[tuple[str, str]]]] = {}
        for child, (parent_table, parent_id) in self.live_children.items():
            wanted.setdefault(parent_table, {}).setdefault(parent_id, []).append(child)
        connection = self.session.connection()
        for parent_table, by_parent in wanted.items():
            for chunk in _chunks(sorted(by_parent)):
                marks = ", ".join("?" * len(chunk))
                for (parent_id,) in connection.exec_driver_sql(
                    f"SELECT id FROM {parent_table} WHERE id IN ({marks}) "
                    "AND deleted_at IS NOT NULL",
                    tuple(chunk),
                ):
                    reasons = [self._reason_for_live(t, i, False) for t, i in by_parent[parent_id]]
                    found[(parent_table, parent_id)] = [r for r in reasons if r is not None]
        return found

    def _undone_before(self) -> set[str]:
        """Deletions pulled again that this laptop had undone (and nobody re-did)."""
        if not self.deleters:
            return set()
        undone: set[str] = set()
        for details in (
            self.session.connection()
            .exec_driver_sql(
                "SELECT details FROM sync_conflicts WHERE kind = 'delete' AND details IS NOT NULL"
            )
            .scalars()
        ):
            value = json.loads(details)
            if isinstance(value, dict) and not value.get("deleted_again"):
                deletion = value.get("deletion_id")
                if isinstance(deletion, str):
                    undone.add(deletion)
        return undone & set(self.deleters)

    def _record(
        self,
        conflicts: OpenConflicts,
        revived: list[Revived],
        why_parent: Mapping[tuple[str, str], list[Reason]],
        again: set[str],
        now: datetime,
    ) -> int:
        """One conflict per deletion undone (per row for tombstones without an id)."""
        groups: dict[str, list[Revived]] = {}
        singles: list[Revived] = []
        for row in revived:
            if row.deletion_id is None:
                singles.append(row)
            else:
                groups.setdefault(row.deletion_id, []).append(row)
        reasons: dict[str | None, list[Reason]] = {d: list(r) for d, r in self.won.items()}
        for row in revived:
            for reason in why_parent.get((row.table, row.record_id), ()):
                reasons.setdefault(row.deletion_id, []).append(reason)
        count = 0
        for deletion in sorted(set(groups) | {d for d in self.won if d is not None}):
            if deletion in again:
                continue
            rows = groups.get(deletion, [])
            kept = [(r.table, r.record_id) for r in rows] + [
                k for k, d in self.won_rows.items() if d == deletion
            ]
            root = min(kept, key=lambda k: (TABLE_ORDER.index(k[0]), k[1]))
            when = next((r.deleted_at for r in rows if (r.table, r.record_id) == root), None)
            when = when or self.won_at.get(deletion)
            self._conflict(conflicts, root, deletion, len(set(kept)), when, reasons, now)
            count += 1
        for row in singles:
            key = (row.table, row.record_id)
            why = list(why_parent.get(key, ()))
            self._conflict(conflicts, key, None, 1, row.deleted_at, {None: why}, now)
            count += 1
        for key, won_over in self.won_rows.items():
            if won_over is None:  # a tombstone from before deletion ids, its edit won
                reasons_here = [r for r in self.won[None] if (r.table, r.record_id) == key]
                self._conflict(conflicts, key, None, 1, None, {None: reasons_here}, now)
                count += 1
        return count

    def _conflict(
        self,
        conflicts: OpenConflicts,
        root: tuple[str, str],
        deletion: str | None,
        removed: int,
        deleted_at: datetime | None,
        reasons: Mapping[str | None, list[Reason]],
        now: datetime,
    ) -> None:
        deleter = self.deleters.get(deletion) if deletion is not None else None
        if deletion is None:
            deleter = self.pulled.get(root)
            if deleter is not None and deleter.deleted_at is None:
                deleter = None
        here = deleter is None or deleter.updated_by == self.device
        if here:
            by = local_user(self.session.connection()) or ""
            device = self.device
            when = deleted_at
        else:
            assert deleter is not None
            by, device, when = deleter.updated_by_user, deleter.updated_by, deleter.deleted_at
        row = self.session.get(MODELS[root[0]], root[1])
        details = {
            "deletion_id": deletion,
            "deleted_here": here,
            "deleted_by": by,
            "deleted_by_device": device,
            "deleted_at": when.isoformat() if when is not None else None,
            "removed": removed,
            "kept_because": [r.as_json() for r in reasons.get(deletion, ())[:MAX_REASONS]],
        }
        version = row.server_version if row is not None else None
        conflicts.add_deletion(root[0], root[1], here, now, version, details)


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
