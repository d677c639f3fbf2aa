"""What the status bar shows: configured?, last sync, pending changes, open conflicts,
changes refused for good (held back) and pulled records set aside.

Plain data for the UI (and `fieldvisit sync --status` later); cheap enough to call
after every sync round and every few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from fieldvisit.services.context import Services
from fieldvisit.store.sync_models import SyncConflict, SyncSetAside
from fieldvisit.sync import refusals
from fieldvisit.sync.codec import TABLE_OBJECTS
from fieldvisit.sync.local import read_sync_state


@dataclass(frozen=True)
class SyncStatus:
    server_url: str | None
    username: str | None
    last_sync_at: datetime | None
    last_error: str | None
    pending: int  # waiting to be sent (refused ones not included)
    conflicts: int
    refused: int = 0  # refused for good, held back until the person acts
    held_with: int = 0  # never sent, waiting with a refused record they depend on
    set_aside: int = 0  # pulled records not applied here

    @property
    def configured(self) -> bool:
        return bool(self.server_url and self.username)


def sync_status(svc: Services) -> SyncStatus:
    with svc.store.reading() as session:
        state = read_sync_state(session)
        pending = sum(
            session.scalar(select(func.count()).select_from(t).where(t.c.pending)) or 0
            for t in TABLE_OBJECTS.values()
        )
        conflicts = session.scalar(
            select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved_at.is_(None))
        )
        refused, held_with = refusals.count_held(session)
        set_aside = session.scalar(select(func.count()).select_from(SyncSetAside))
        return SyncStatus(
            server_url=state.server_url,
            username=state.username,
            last_sync_at=state.last_sync_at,
            last_error=state.last_error,
            pending=pending - refused - held_with,
            conflicts=conflicts or 0,
            refused=refused,
            held_with=held_with,
            set_aside=set_aside or 0,
        )
