"""The server's rules for deletions: no live record under a deleted parent, ever.

A visit (or an interview) and what it holds are deleted as one operation: the laptop
sends the tombstones of one deletion (same `deletion_id`) children first, the parent
last, in one batch when it fits (sync/local.py: pending_groups). Here:

- a live record (created, edited or revived) under a parent deleted on the server is
  refused with `parent_deleted`: the laptop pulls the deletion, and since it has a live
  edit under it, undoes that deletion whole (sync/deletions.py) before sending again;
- the deletion of a parent is refused with `children_changed` while a record under it
  is still alive on the server: one that changed since the deleting laptop saw it
  (its tombstone got a conflict), or one the laptop never saw (added elsewhere);
- a deletion that comes in one batch is checked whole before any of it is applied:
  every row at the version the laptop saw, nothing alive under its parents but its own
  rows. Otherwise none of it is applied (the changed rows answer `conflict`, the others
  `children_changed`), so the server never holds half a deletion that a laptop still
  has to undo. Both codes are retried after a pull (wire.RETRY_LATER_CODES).

Children are found by their parent's id in the stored JSON (`data`), narrowed by the
parent's territory; deletions of parents are rare, and this needs no schema change.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from fieldvisit.server.models import Record
from fieldvisit.sync.wire import CHILDREN, DELETION_FIELD, PARENT, Change, ChangeResult

if TYPE_CHECKING:
    from fieldvisit.server.push_state import Held, PushState

RECORDS = Record.__table__
_REFUSED = "fieldvisit.deletions.refused"  # in the push session's info: this batch's verdicts
_CHILDREN = "fieldvisit.deletions.children"  # parent key -> live children in the database


def prepare(state: PushState, changes: Iterable[Change], foreign: Callable[[Change], bool]) -> None:
    """Check each deletion of the batch whole, before anything is applied.

    Its `foreign` rows (outside the user's territories: each is refused alone) take no
    part: a tombstone of another territory's visit, slipped into a deletion of one's
    own, would otherwise tell by the verdict on one's own rows whether that visit
    exists, at which version, and whether it holds live records.
    """
    state.session.info[_CHILDREN] = {}
    groups: dict[str, list[Change]] = {}
    for change in changes:
        deletion = change.fields.get(DELETION_FIELD)
        if change.deleted and isinstance(deletion, str) and not foreign(change):
            groups.setdefault(deletion, []).append(change)
    refused: set[tuple[str, str]] = set()
    for members in groups.values():
        parents = [c for c in members if c.table in CHILDREN]
        if not parents:
            continue  # a single record: the rules of `refusal` suffice
        keys = {(c.table, c.id) for c in members}
        seen = all(_at_version(state, c) for c in members)
        alive = set().union(*(_live_children(state, c.table, c.id) for c in parents))
        if not seen or not alive <= keys:
            refused |= keys
    state.session.info[_REFUSED] = refused


def _at_version(state: PushState, change: Change) -> bool:
    existing = state.records.get((change.table, change.id))
    return (existing.version if existing is not None else 0) == change.base_version


def refusal(state: PushState, change: Change, existing: Held | None) -> ChangeResult | None:
    """Why this change may not be applied now (a retry-later code), or None."""
    if (change.table, change.id) in state.session.info.get(_REFUSED, ()):
        return _refused(
            change,
            "children_changed",
            "suppression refusée : des enregistrements qu'elle contient ont changé sur le "
            "serveur ; elle sera réexaminée après la prochaine réception",
        )
    if change.deleted:
        alive = existing is None or existing.deleted_at is None
        if change.table in CHILDREN and alive and _alive_now(state, change.table, change.id):
            return _refused(
                change,
                "children_changed",
                "suppression refusée : des enregistrements qu'elle contient sont encore "
                "présents sur le serveur ; elle sera réexaminée après la prochaine réception",
            )
        return None
    link = PARENT.get(change.table)
    if link is None:
        return None
    parent = state.records.get((link[1], str(change.fields.get(link[0]))))
    if parent is not None and parent.deleted_at is not None:
        return _refused(
            change,
            "parent_deleted",
            f"{link[1]} « {parent.record_id} » supprimé sur le serveur : l'enregistrement "
            "sera renvoyé après la prochaine réception",
        )
    return None


def _refused(change: Change, code: Any, reason: str) -> ChangeResult:
    return ChangeResult(
        table=change.table, id=change.id, status="rejected", reason=reason, code=code
    )


def _live_children(state: PushState, table: str, record_id: str) -> set[tuple[str, str]]:
    """The records under this parent alive in the database (as the batch began),
    children of its children included."""
    cache: dict[tuple[str, str], set[tuple[str, str]]] = state.session.info.setdefault(
        _CHILDREN, {}
    )
    key = (table, record_id)
    if key in cache:
        return cache[key]
    found: set[tuple[str, str]] = set()
    parent = state.records.get(key)
    query = select(RECORDS.c.table_name, RECORDS.c.record_id, RECORDS.c.data).where(
        RECORDS.c.table_name.in_(CHILDREN[table]),
        RECORDS.c.deleted_at.is_(None),
        RECORDS.c.data.contains(record_id, autoescape=True),
    )
    if parent is not None and parent.territory is not None:
        query = query.where(RECORDS.c.territory == parent.territory)
    for child_table, child_id, data in state.session.execute(query):
        if json.loads(data).get(PARENT[child_table][0]) == record_id:
            found.add((child_table, child_id))
    for child_table, child_id in list(found):
        if child_table in CHILDREN:
            found |= _live_children(state, child_table, child_id)
    cache[key] = found
    return found


def _alive_now(state: PushState, table: str, record_id: str) -> bool:
    """Whether a record under this parent is alive, counting this batch's changes."""
    for key in _live_children(state, table, record_id):
        held = state.records.get(key)
        if held is None or held.deleted_at is None:
            return True
    for (child_table, _id), held in state.records.items():
        link = PARENT.get(child_table)
        if link is None or link[1] != table or not held.new or held.deleted_at is not None:
            continue
        if json.loads(held.data).get(link[0]) == record_id:
            return True
    return False
