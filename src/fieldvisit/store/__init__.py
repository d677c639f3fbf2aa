"""SQLite store: typed ORM models, engine set-up, migrations and backups."""

from fieldvisit.store.database import (
    CorruptDatabase,
    DatabaseLocked,
    DatabaseTooNew,
    Store,
    StoreError,
    open_store,
)
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
