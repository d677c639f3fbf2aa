"""Conflicts left by the merge: list them, and resolve one by choosing or editing.

Resolving is a local edit like any other: the chosen value is written to the record,
stamped and pushed at the next sync; the conflict row keeps what was decided.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import select

from fieldvisit.core.errors import BadInput, NotFound
from fieldvisit.services.context import Services
from fieldvisit.store.serialize import MODELS_BY_TABLE
from fieldvisit.store.sync_models import SyncConflict
from fieldvisit.sync.local import to_columns, wire_value

Choice = Literal["local", "remote", "value"]


def open_conflicts(svc: Services) -> list[SyncConflict]:
    with svc.store.reading() as session:
        return list(
            session.scalars(
                select(SyncConflict)
                .where(SyncConflict.resolved_at.is_(None))
                .order_by(SyncConflict.created_at, SyncConflict.id)
            )
        )


def count_open_conflicts(svc: Services) -> int:
    return len(open_conflicts(svc))


def resolve_conflict(svc: Services, conflict_id: str, choice: Choice, value: Any = None) -> None:
    """Keep the local value, the remote one, or an edited `value` (field conflicts).

    For an edit-versus-delete conflict, "local"/"remote" pick the side's deleted state.
    """
    if choice not in ("local", "remote", "value"):
        raise BadInput(f"Choix inconnu « {choice} » : local, remote ou value.")
    with svc.store.transaction() as session:
        conflict = session.get(SyncConflict, conflict_id)
        if conflict is None or conflict.resolved_at is not None:
            raise NotFound(f"Conflit introuvable ou déjà résolu : « {conflict_id} ».")
        model = MODELS_BY_TABLE.get(conflict.table_name)
        record = session.get(model, conflict.record_id) if model is not None else None
        if record is None:
            raise NotFound(f"L'enregistrement du conflit « {conflict_id} » n'existe plus.")
        if conflict.kind == "delete":
            if choice == "value":
                raise BadInput("Un conflit de suppression se résout par local ou remote.")
            wanted_deleted = bool(
                conflict.local_value if choice == "local" else conflict.remote_value
            )
            if wanted_deleted != record.is_deleted:
                record.deleted_at = svc.clock() if wanted_deleted else None
                svc.stamp(record)
        else:
            chosen = {"local": conflict.local_value, "remote": conflict.remote_value}.get(
                choice, value
            )
            current = wire_value(getattr(record, conflict.field_name))
            if chosen != current:
                converted = to_columns(conflict.table_name, {conflict.field_name: chosen})
                setattr(record, conflict.field_name, converted[conflict.field_name])
                svc.stamp(record)
        conflict.resolved_at = svc.clock()
        conflict.resolution = choice
