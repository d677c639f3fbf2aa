"""SQLite store: typed ORM models, engine set-up, migrations and backups.

The sync bookkeeping models are imported on first use (PEP 562 `__getattr__`):
importing the store, as every start does, does not import the ORM.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fieldvisit.store.database import Store, open_store
from fieldvisit.store.errors import CorruptDatabase, DatabaseLocked, DatabaseTooNew, StoreError

if TYPE_CHECKING:
    from fieldvisit.store.sync_models import SyncBase, SyncConflict, SyncState

__all__ = [
    "CorruptDatabase",
    "DatabaseLocked",
    "DatabaseTooNew",
    "Store",
    "StoreError",
    "SyncBase",
    "SyncConflict",
    "SyncState",
    "open_store",
]

_SYNC_MODELS = frozenset({"SyncBase", "SyncConflict", "SyncState"})


def __getattr__(name: str) -> Any:
    if name in _SYNC_MODELS:
        from fieldvisit.store import sync_models

        return getattr(sync_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
