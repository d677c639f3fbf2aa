"""Suivi des actions: one change of status or échéance over many actions at once.

Each action is changed through the action service (`update_recommendation`: the same
checks, stamps and pending mark as an edit in the action plan), all in one transaction:
the history keeps one entry per action and field, the sync pushes each action like any
edit, and a refused value (an unknown status) changes none of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from fieldvisit.core.errors import BadInput
from fieldvisit.services.actions import update_recommendation
from fieldvisit.services.context import Services

UNCHANGED: Any = object()  # a field the bulk change leaves as it is


@dataclass(frozen=True)
class BulkChange:
    """What a bulk change did: how many actions it changed."""

    changed: int


def change_actions(
    svc: Services,
    action_ids: Iterable[str],
    *,
    status: str | None = None,
    due_date: date | Any | None = UNCHANGED,
) -> BulkChange:
    """Set the status and/or the échéance (None: no échéance) of these actions."""
    ids = list(dict.fromkeys(action_ids))
    changes: dict[str, Any] = {}
    if status is not None:
        changes["status"] = status
    if due_date is not UNCHANGED:
        changes["due_date"] = due_date
    if not changes:
        raise BadInput("Rien à changer : choisissez un statut ou une échéance.")
    if not ids:
        raise BadInput("Aucune action choisie.")
    with svc.store.transaction():
        for action_id in ids:
            update_recommendation(svc, action_id, **changes)
    return BulkChange(len(ids))
