"""The app killed between the server accepting a push and the laptop recording it.

The server holds the laptop's change (a new version, made by this device); the laptop
still has it pending on the old version, and the person goes on editing it after the
restart. The batch in flight was kept locally before it was sent: the next round first
re-sends it with the same batch id, the server answers with the answer it stored, and
the laptop records the acknowledgement. Its own earlier change is then the base, not a
concurrent edit: no conflict, and the later edit goes to the server in the next batch
(found by tests/safety/test_safety_kill.py, which used to see spurious conflicts).
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
from fieldvisit.sync import local
from fieldvisit.sync.client import SyncClient
from fieldvisit.sync.engine import SyncEngine
from fieldvisit.sync.session import configured_client

Make = Callable[..., Any]


class Killed(BaseException):
    """The process dies here: nothing after the push runs."""


class DiesAfterPush(SyncClient):
    def push(self, batch):  # type: ignore[no-untyped-def]
        super().push(batch)  # the server commits the batch…
        raise Killed  # …and the answer never reaches the laptop's database


class DiesBeforePush(SyncClient):
    def push(self, batch):  # type: ignore[no-untyped-def]
        raise Killed  # the batch was kept locally but never reached the server


def _round_killed_after_push(laptop: Any, client: type[SyncClient] = DiesAfterPush) -> None:
    base = configured_client(laptop.svc, http=laptop.http)
    engine = SyncEngine(laptop.svc, client(base.server_url, base.token, http=laptop.http))
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

    assert a.conflicts() == []
    assert get_visit(a.svc, visit.id).summary == "Compte rendu complété après le redémarrage"
    assert a.pending() == 0
    on_server = server_snapshot(server.state.ctx.db)[("visits", visit.id)][0]
    assert on_server["summary"] == "Compte rendu complété après le redémarrage"


def test_a_push_killed_without_a_later_edit_is_just_acknowledged(
    laptops: Make, server: FastAPI
) -> None:
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    update_visit(a.svc, visit.id, summary="Envoyé juste avant l'arrêt")
    _round_killed_after_push(a)
    versions_before = server_snapshot(server.state.ctx.db)[("visits", visit.id)]

    a.sync()

    assert a.conflicts() == []
    assert a.pending() == 0
    assert get_visit(a.svc, visit.id).summary == "Envoyé juste avant l'arrêt"
    # The re-sent batch was answered from the server's log: no new version was made.
    assert server_snapshot(server.state.ctx.db)[("visits", visit.id)] == versions_before
    with a.svc.store.reading() as session:
        assert local.in_flight(session) == []


def test_a_batch_kept_but_never_received_is_sent_on_the_next_round(
    laptops: Make, server: FastAPI
) -> None:
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    update_visit(a.svc, visit.id, summary="Pas encore parti")
    _round_killed_after_push(a, DiesBeforePush)
    update_visit(a.svc, visit.id, summary="Parti au tour suivant")

    a.sync()

    assert a.conflicts() == []
    assert a.pending() == 0
    on_server = server_snapshot(server.state.ctx.db)[("visits", visit.id)][0]
    assert on_server["summary"] == "Parti au tour suivant"


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
