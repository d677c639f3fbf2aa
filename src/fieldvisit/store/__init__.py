"""SQLite store: typed ORM models, engine set-up, migrations and backups.

What this package gives is imported on first use (PEP 562 `__getattr__`): importing a
part of the store imports neither SQLAlchemy (the command line's bare reads,
store/reading.py) nor the ORM (the sync bookkeeping models; a start does not need them).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldvisit.store.database import Store, open_store
    from fieldvisit.store.errors import (
        CorruptDatabase,
        DatabaseLocked,
        DatabaseTooNew,
        StoreError,
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

_HOMES = {
    "Store": "database",
    "open_store": "database",
    "CorruptDatabase": "errors",
    "DatabaseLocked": "errors",
    "DatabaseTooNew": "errors",
    "StoreError": "errors",
    "SyncBase": "sync_models",
    "SyncConflict": "sync_models",
    "SyncState": "sync_models",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"fieldvisit.store.{home}"), name)
