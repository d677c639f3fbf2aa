"""A server restored from a backup, seen from a laptop (`server/epoch.py` on the server).

Every pull page carries the server's epoch and committed sequence; the laptop keeps the
epoch it last pulled from (`sync_state.server_epoch`). Another epoch, or a cursor beyond
the sequence, means the server's database went back in time: versions this laptop
holds as clean rows may be unknown to it, and its cursor may skip what is new there.
Then, before anything is pulled:

1. Every synced row's `server_version` is sent (`POST /api/v1/lost-versions`, 1,000 at
   a time); the server answers with the versions it lacks, each with the version of
   the record it holds from before them (the one it had at the restore; 0 if it had no
   such record) and that version's fields.
2. In one local transaction, each such row becomes pending again *on top of the
   server's version*, whose fields become its merge base (no base for 0). The row's
   own fields are not touched: nothing typed is lost, pending edits included. Push
   batches kept in flight are forgotten (their rows are pending and go again). The
   cursor goes back to 0 and the new epoch is kept.
3. The round goes on: the pull from 0 brings what others pushed since the restore and
   merges it three-way against that base — the same lost change re-offered by two
   laptops meets as equal, without a conflict — and the push sends the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldvisit.sync import local
from fieldvisit.sync.wire import (
    MAX_BATCH_CHANGES,
    TABLE_ORDER,
    HeldVersion,
    PullPage,
    RestoredBase,
)


def server_restored(known_epoch: str | None, cursor: int, page: PullPage) -> bool:
    """Does this page come from a server that went back in time since the last pull?"""
    if known_epoch and page.epoch and page.epoch != known_epoch:
        return True
    return page.sequence is not None and cursor > page.sequence


def held_versions(session: Session) -> Iterator[list[HeldVersion]]:
    """Every row the server confirmed once (server_version > 0), 1,000 at a time."""
    connection = session.connection()
    batch: list[HeldVersion] = []
    for table in TABLE_ORDER:
        rows = connection.exec_driver_sql(
            f"SELECT id, server_version FROM {table} WHERE server_version > 0 ORDER BY id"
        )
        for record_id, version in rows:
            batch.append(HeldVersion.model_construct(table=table, id=record_id, version=version))
            if len(batch) == MAX_BATCH_CHANGES:
                yield batch
                batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class Reoffered:
    records: int
    tables: dict[str, int]


def reoffer(session: Session, lost: list[RestoredBase], epoch: str) -> Reoffered:
    """Make every lost version pending again on top of the server's (see the module
    docstring, step 2), forget batches in flight, and restart the cursor at 0."""
    connection = session.connection()
    bases: list[dict[str, object]] = []
    tables: dict[str, int] = {}
    for item in lost:
        connection.exec_driver_sql(
            f"UPDATE {item.table} SET pending = 1, server_version = ? WHERE id = ?",
            (item.version, item.id),
        )
        tables[item.table] = tables.get(item.table, 0) + 1
        if item.version > 0 and item.fields is not None:
            bases.append(
                {
                    "table_name": item.table,
                    "record_id": item.id,
                    "server_version": item.version,
                    "fields": local.remote_fields(item.table, item.fields),
                    "deleted": item.deleted,
                }
            )
        else:  # the server has no version to merge against: no base
            connection.exec_driver_sql(
                "DELETE FROM sync_base WHERE table_name = ? AND record_id = ?",
                (item.table, item.id),
            )
    local.upsert_bases(session, bases)
    local.forget_in_flight(session, [kept.batch_id for kept in local.in_flight(session)])
    state = local.sync_state(session)
    state.cursor = 0
    state.server_epoch = epoch
    return Reoffered(len(lost), tables)


def notice(reoffered: int) -> str:
    """What the person is told (CLI stderr, the app's status bar)."""
    if reoffered:
        what = (
            f"cet ordinateur lui renvoie {reoffered} modification(s) qu'il avait perdue(s) "
            "(déjà envoyées avant la sauvegarde)"
        )
    else:
        what = "il avait déjà tout ce que cet ordinateur lui avait envoyé"
    return (
        f"Le serveur a été restauré depuis une sauvegarde : {what} ; tout est reçu à "
        "nouveau depuis le serveur. Rien n'est perdu."
    )
