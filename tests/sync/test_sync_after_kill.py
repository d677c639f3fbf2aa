"""The app killed between the server accepting a push and the laptop recording it.

The server holds the laptop's change (a new version, made by this device); the laptop
still has it pending on the old version, and the person goes on editing it after the
restart. The next round pulls the laptop's own earlier change back as a version it
does not know, and the merge sees two edits of the same field: the record takes the
server's (older) text and the later edit is kept as the conflict's local value, for
the person to choose. Nothing is lost, and choosing "keep mine" sends it.

Known limit (found by tests/safety/test_safety_kill.py): the conflict is spurious — both
sides are this laptop's. Telling them apart needs the batch in flight to be kept
locally and re-sent with the same batch id after a restart (the server answers a
replay with the stored answer); the server's `updated_at` is its own clock, so the
times cannot decide.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import FastAPI

from fieldvisit.paths import DataDir
from fieldvisit.server.testing import server_snapshot
from fieldvisit.services import Services
from fieldvisit.services.visits import get_visit, plan_visit, update_visit
from fieldvisit.sync.client import SyncClient
from fieldvisit.sync.conflicts import resolve_conflict
from fieldvisit.sync.engine import SyncEngine
from fieldvisit.sync.session import configured_client

Make = Callable[..., Any]


class Killed(BaseException):
    """The process dies here: nothing after the push runs."""


class DiesAfterPush(SyncClient):
    def push(self, batch):  # type: ignore[no-untyped-def]
        super().push(batch)  # the server commits the batch…
        raise Killed  # …and the answer never reaches the laptop's database


def _round_killed_after_push(laptop: Any) -> None:
    base = configured_client(laptop.svc, http=laptop.http)
    engine = SyncEngine(laptop.svc, DiesAfterPush(base.server_url, base.token, http=laptop.http))
    try:
        engine.run()
    except Killed:
        pass
    else:
        raise AssertionError("the round should have died")


def test_an_edit_after_a_push_whose_answer_was_lost_is_kept(laptops: Make, server: FastAPI) -> None:
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    update_visit(a.svc, visit.id, summary="Première version du compte rendu")
    _round_killed_after_push(a)
    update_visit(a.svc, visit.id, summary="Compte rendu complété après le redémarrage")

    a.sync()

    (conflict,) = a.conflicts()
    assert conflict.field_name == "summary"
    assert conflict.local_value == "Compte rendu complété après le redémarrage"
    assert conflict.remote_value == "Première version du compte rendu"
    resolve_conflict(a.svc, conflict.id, "local")
    a.sync()
    assert a.pending() == 0
    on_server = server_snapshot(server.state.ctx.db)[("visits", visit.id)][0]
    assert on_server["summary"] == "Compte rendu complété après le redémarrage"


def test_a_restored_backup_older_than_the_servers_copy_still_merges(
    laptops: Make, server: FastAPI, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The other way round: the server has a *newer* version of this laptop (the
    laptop's database went back to a backup). That is not an ancestor: the usual merge
    keeps the server's value and the backup's as a conflict, nothing is lost."""
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    update_visit(a.svc, visit.id, summary="Version de la sauvegarde")
    root = a.svc.data_dir.root
    a.svc.close()
    shutil.copytree(root, tmp_path / "backup-copy")
    a.svc = Services.open(DataDir(root), clock=a.svc.clock)
    update_visit(a.svc, visit.id, summary="Version envoyée après la sauvegarde")
    a.sync()
    a.svc.close()
    shutil.rmtree(root)
    shutil.copytree(tmp_path / "backup-copy", root)  # back to the backup's state
    a.svc = Services.open(DataDir(root), clock=a.svc.clock)

    a.sync()

    assert get_visit(a.svc, visit.id).summary == "Version envoyée après la sauvegarde"
    (conflict,) = a.conflicts()
    assert conflict.local_value == "Version de la sauvegarde"
    a.svc.close()
