"""Field-level three-way merge of one record: base (last synced), local, remote.

Pure functions, no I/O. The policy (ARCHITECTURE.md "Sync" rule 4):

- A field changed on one side only takes that side's value, silently.
- The same long-text field changed on both sides is merged line by line (diff3, with
  Breezy's merge3) when the edits touch different lines.
- Anything else is a conflict: the record keeps the **remote** (server) value, which
  every other device already has, and the local value is kept in the conflict with
  the base; the person chooses or edits later in the conflict view. Nothing already
  shared is overwritten without someone deciding, and nothing local is lost.
- Edit versus delete: the edit wins (the record stays or comes back alive) and a
  conflict of kind "delete" says that the other side had deleted it.
- `created_at` is bookkeeping, not an edit: the remote value is taken silently (two
  laptops creating the same natural-key record at different times must not conflict).
- Without a base (a record created on both sides under the same natural-key id), an
  empty value ("" / None / []) counts as "not filled in": the other side's value wins.
- `deletion_id` is not merged as a value: it follows the merged deleted state (the id
  of the deletion that removed the record, None once it is alive).
- An archive import merges the same way with `keep="local"`: a conflicting field keeps
  the laptop's value (what the server and the team already have), the archive's value
  waits in the conflict (sync/archive.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from merge3 import Merge3

SILENT_REMOTE_FIELDS = frozenset({"created_at"})
DELETION_FIELD = "deletion_id"  # wire.DELETION_FIELD (this module stays free of imports)
NOT_EDITS = SILENT_REMOTE_FIELDS | {DELETION_FIELD}
EMPTY_VALUES: tuple[Any, ...] = ("", None, [])

ConflictKind = Literal["field", "delete"]
Keep = Literal["remote", "local"]


@dataclass(frozen=True)
class FieldConflict:
    """Both values of a field (or, for kind "delete", of the deleted state) and the base."""

    field: str
    kind: ConflictKind
    local: Any
    remote: Any
    base: Any


@dataclass(frozen=True)
class MergeResult:
    fields: dict[str, Any]
    deleted: bool
    conflicts: tuple[FieldConflict, ...]


@dataclass(frozen=True)
class Side:
    """One version of a record: its fields and whether it is a tombstone."""

    fields: Mapping[str, Any]
    deleted: bool = False


def merge_text(base: str, local: str, remote: str) -> str | None:
    """Line-by-line three-way merge; None when the two edits overlap."""
    merger = Merge3(
        base.splitlines(keepends=True),
        local.splitlines(keepends=True),
        remote.splitlines(keepends=True),
    )
    out: list[str] = []
    for region in merger.merge_regions():
        kind = region[0]
        if kind == "conflict":
            return None
        if kind == "unchanged":
            out.extend(merger.base[region[1] : region[2]])
        elif kind in ("a", "same"):
            out.extend(merger.a[region[1] : region[2]])
        else:  # "b"
            out.extend(merger.b[region[1] : region[2]])
    return "".join(out)


def _is_empty(value: Any) -> bool:
    return any(value == empty and type(value) is type(empty) for empty in EMPTY_VALUES)


def merge_field(
    name: str,
    base: Any,
    local: Any,
    remote: Any,
    *,
    has_base: bool,
    long_text: bool,
    keep: Keep = "remote",
) -> tuple[Any, FieldConflict | None]:
    """The merged value of one field and, if both sides disagree, the conflict (the
    field then keeps the `keep` side's value)."""
    if local == remote or name in SILENT_REMOTE_FIELDS:
        return remote, None
    if has_base:
        if local == base:
            return remote, None
        if remote == base:
            return local, None
    else:
        if _is_empty(local):
            return remote, None
        if _is_empty(remote):
            return local, None
    if long_text and isinstance(local, str) and isinstance(remote, str):
        merged = merge_text(base if isinstance(base, str) else "", local, remote)
        if merged is not None:
            return merged, None
    kept = local if keep == "local" else remote
    return kept, FieldConflict(name, "field", local, remote, base if has_base else None)


def merge_record(
    base: Side | None,
    local: Side,
    remote: Side,
    long_text: frozenset[str] = frozenset(),
    *,
    keep: Keep = "remote",
) -> MergeResult:
    """Merge local and remote against their common base (None: no common version)."""
    base_fields: Mapping[str, Any] = base.fields if base is not None else {}
    names = sorted((set(local.fields) | set(remote.fields)) - {DELETION_FIELD})
    merged: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    for name in names:
        value, conflict = merge_field(
            name,
            base_fields.get(name),
            local.fields.get(name),
            remote.fields.get(name),
            has_base=base is not None and name in base_fields,
            long_text=name in long_text,
            keep=keep,
        )
        merged[name] = value
        if conflict is not None:
            conflicts.append(conflict)
    deleted, delete_conflict = _merge_deleted(base, local, remote)
    if delete_conflict is not None:
        conflicts.append(delete_conflict)
    if DELETION_FIELD in local.fields or DELETION_FIELD in remote.fields:
        merged[DELETION_FIELD] = _deletion_of(deleted, local, remote)
    return MergeResult(merged, deleted, tuple(conflicts))


def deletion_of(side: Side) -> str | None:
    """The deletion a tombstone belongs to (None: alive, or deleted before deletion ids)."""
    value = side.fields.get(DELETION_FIELD) if side.deleted else None
    return value if isinstance(value, str) else None


def _deletion_of(deleted: bool, local: Side, remote: Side) -> str | None:
    """The merged record's deletion id: the deleting side's (the server's if both)."""
    if not deleted:
        return None
    return deletion_of(remote) if remote.deleted else deletion_of(local)


def _edited(base: Side | None, side: Side) -> bool:
    if base is None:
        return True
    return any(
        side.fields.get(name) != base.fields.get(name)
        for name in side.fields
        if name not in NOT_EDITS
    )


def _merge_deleted(
    base: Side | None, local: Side, remote: Side
) -> tuple[bool, FieldConflict | None]:
    """Three-way merge of the tombstone flag; an edit beats a delete, flagged."""
    was_deleted = base.deleted if base is not None else False
    if local.deleted == remote.deleted:
        return local.deleted, None
    if local.deleted == was_deleted:  # only the remote side changed the state
        if remote.deleted and _edited(base, local):
            return False, _delete_conflict(local, remote, was_deleted)
        return remote.deleted, None
    if local.deleted and _edited(base, remote):  # only the local side deleted
        return False, _delete_conflict(local, remote, was_deleted)
    return local.deleted, None


def _delete_conflict(local: Side, remote: Side, was_deleted: bool) -> FieldConflict:
    return FieldConflict("", "delete", local.deleted, remote.deleted, was_deleted)
