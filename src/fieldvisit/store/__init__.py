"""SQLite store: typed ORM models, engine set-up, migrations and backups."""

from fieldvisit.store.database import (
    CorruptDatabase,
    DatabaseLocked,
    DatabaseTooNew,
    Store,
    StoreError,
    open_store,
)

__all__ = [
    "CorruptDatabase",
    "DatabaseLocked",
    "DatabaseTooNew",
    "Store",
    "StoreError",
    "open_store",
]
