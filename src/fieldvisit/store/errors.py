"""The store's errors: what a person must know about the database file (French).

Their own module, below the connection and the opening of a store, so that every part
of the store (backups, encryption, recovery) and the callers that tell them apart (the
CLI, the app's save notice) import them without importing how a store is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fieldvisit.core.errors import BadInput, FieldvisitError

if TYPE_CHECKING:
    from sqlalchemy import exc


class StoreError(FieldvisitError):
    """A problem with the database file that the person must know about."""


class CorruptDatabase(StoreError, BadInput):
    pass


class DatabaseTooNew(StoreError, BadInput):
    pass


class DatabaseLocked(StoreError):
    pass


class DiskFull(StoreError):
    pass


class MigrationFailed(StoreError):
    pass


def translate_error(err: exc.DBAPIError | Exception, path: Path) -> StoreError:
    """The driver's error as one a person understands (the database at path): as
    SQLAlchemy wraps it, or the driver's own (the command line's bare reads)."""
    message = str(getattr(err, "orig", err))
    if "locked" in message or "busy" in message:
        return DatabaseLocked(
            f"La base {path} est occupée par un autre programme (peut-être fieldvisit "
            "ouvert deux fois). Fermez l'autre fenêtre et réessayez."
        )
    if "disk is full" in message or "disk I/O" in message:
        return DiskFull(
            "Le disque est plein : la dernière modification n'a pas pu être enregistrée. "
            "Libérez de la place puis réessayez ; rien d'autre n'a été perdu."
        )
    if "not a database" in message or "malformed" in message:
        return CorruptDatabase(
            f"La base {path} est endommagée ({message}). Restaurez une sauvegarde."
        )
    return StoreError(f"Erreur de la base de données : {message}")
