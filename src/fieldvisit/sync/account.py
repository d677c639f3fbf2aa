"""A data dir belongs to one account.

Its records were pulled under that account's territories and its pending changes were
made under its name: another account signing in on the same data dir would see them
and push them with its own token. So signing in as another account (`session.login`)
is refused while anything made here has not reached the server (pending changes, a
choice left in an open conflict), with how many and what to do; once everything is
sent, the person either starts a separate data dir (`--data-dir`) or clears the
previous account's data from this one (`clear_account_data`, after a confirmation: an
explicit flag in the CLI, a question in the app). The server keeps everything.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldvisit.core.errors import BadInput
from fieldvisit.services.context import Services
from fieldvisit.store.sync_models import SyncConflict
from fieldvisit.sync.codec import TABLE_OBJECTS
from fieldvisit.sync.local import sync_state
from fieldvisit.sync.wire import TABLE_ORDER, UserInfo

# Bookkeeping that belongs to the account's records (sync_state is reset, not dropped).
_ACCOUNT_TABLES = (
    "sync_base",
    "sync_conflicts",
    "sync_refused",
    "sync_set_aside",
    "record_history",
)


def remember_user(session: Session, user: UserInfo) -> None:
    """Keep the account's role and territories (from the login or GET /me)."""
    state = sync_state(session)
    state.role = user.role
    state.territories = ",".join(sorted(user.territories))


@dataclass(frozen=True)
class Unsent:
    """What this data dir holds that the server does not have yet."""

    changes: int
    conflicts: int

    @property
    def total(self) -> int:
        return self.changes + self.conflicts


def unsent(session: Session) -> Unsent:
    changes = sum(
        session.scalar(select(func.count()).select_from(t).where(t.c.pending)) or 0
        for t in TABLE_OBJECTS.values()
    )
    conflicts = session.scalar(
        select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved_at.is_(None))
    )
    return Unsent(changes, conflicts or 0)


class AccountInUse(BadInput):
    """Signing in as another account than the one this data dir belongs to.

    `unsent` says what would be lost (nothing when 0: the person may then clear the
    previous account's data or use another data dir).
    """

    def __init__(self, message: str, previous: str, unsent: Unsent) -> None:
        super().__init__(message)
        self.previous = previous
        self.unsent = unsent


def check_switch(session: Session, previous: str, wanted: str, clear: bool) -> None:
    """Refuse signing in as `wanted` on a data dir of `previous` (see the module)."""
    waiting = unsent(session)
    if waiting.total:
        what = []
        if waiting.changes:
            what.append(f"{waiting.changes} modification(s) pas encore envoyée(s) au serveur")
        if waiting.conflicts:
            what.append(f"{waiting.conflicts} conflit(s) pas encore résolu(s)")
        raise AccountInUse(
            f"Ce dossier de données appartient au compte {previous} et contient "
            f"{' et '.join(what)}. Connectez-vous en tant que {previous} et synchronisez "
            f"d'abord (résolvez les conflits et traitez les modifications refusées) ; "
            f"ou connectez {wanted} avec un autre dossier de données (--data-dir DOSSIER).",
            previous,
            waiting,
        )
    if not clear:
        raise AccountInUse(
            f"Ce dossier de données appartient au compte {previous} (tout est envoyé au "
            f"serveur). Pour {wanted}, utilisez un autre dossier de données (--data-dir "
            f"DOSSIER), ou effacez de cet ordinateur les données de {previous} (elles "
            "restent sur le serveur) : fieldvisit login … --clear-previous-account.",
            previous,
            waiting,
        )


def clear_account_data(svc: Services) -> None:
    """Remove the previous account's records, their history and sync bookkeeping, its
    photos, caches and backups from this data dir; the device and the forms stay.

    Refused if anything is still unsent (checked in the same transaction).
    """
    store = svc.store
    with store.transaction() as session:
        waiting = unsent(session)
        if waiting.total:
            raise BadInput(
                f"Effacement refusé : {waiting.total} modification(s) ou conflit(s) pas encore "
                "envoyé(s) au serveur."
            )
        connection = session.connection()
        for table in reversed(TABLE_ORDER):  # children first
            connection.exec_driver_sql(f"DELETE FROM {table}")
        for table in _ACCOUNT_TABLES:
            connection.exec_driver_sql(f"DELETE FROM {table}")
        state = sync_state(session)
        state.cursor = 0
        state.scope = None
        state.last_sync_at = None
        state.last_error = None
        state.role = None
        state.territories = None
    with store.engine.connect() as connection:  # no freed page keeps their data
        connection.exec_driver_sql("VACUUM")
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    data_dir = svc.data_dir
    for folder in (data_dir.attachments, data_dir.thumbnails, data_dir.report_images):
        shutil.rmtree(folder, ignore_errors=True)
    data_dir.attachments.mkdir(parents=True, exist_ok=True)
    for backup in data_dir.backups.glob("*"):
        if backup.is_file():
            backup.unlink(missing_ok=True)
