"""History across laptops and the server, over real HTTP on 127.0.0.1 (uvicorn).

A restore is an ordinary change: it syncs, the server keeps the version it replaced
(who pushed, from which device, when), and the colleagues' laptops show the pulled
change in their own history with the account that made it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from fieldvisit.paths import DataDir
from fieldvisit.server.testing import serve
from fieldvisit.services import Services, history
from fieldvisit.services.answers import answer_item, visit_answers
from fieldvisit.services.visits import plan_visit
from fieldvisit.sync.session import login, sync_once

FORM, ITEM = "visite-centre-bourg", "parcours"
PASSWORD = "mot-de-passe-solide"  # the users of conftest.py


class ManualClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def live(server: FastAPI) -> Iterator[str]:
    with serve(server) as url:
        yield url


@pytest.fixture
def laptop(
    live: str, tmp_path: Path, communes: Any
) -> Iterator[Callable[[str, str], tuple[Services, ManualClock]]]:
    opened: list[Services] = []

    def make(name: str, user: str) -> tuple[Services, ManualClock]:
        clock = ManualClock()
        svc = Services.open(DataDir(tmp_path / name), clock=clock)
        svc.__dict__["communes"] = communes
        opened.append(svc)
        login(svc, live, user, PASSWORD, device_name=f"portable de {name}")
        return svc, clock

    yield make
    for svc in opened:
        svc.close()


def _server_history(url: str, record_id: str, user: str) -> dict[str, Any]:
    """The server's history of an answer, as `user` reads it (a device of their own)."""
    with httpx.Client(base_url=url) as http:
        token = http.post(
            "/api/v1/login",
            json={"username": user, "password": PASSWORD, "device_id": f"verif-{user}"},
        ).json()["token"]
        answer = http.get(
            f"/api/v1/records/answers/{record_id}/history",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code in (200, 404), answer.text
    return answer.json()


def _value(svc: Services, visit_id: str) -> object:
    return visit_answers(svc, visit_id, FORM)[ITEM].value


def test_a_restore_syncs_and_both_histories_keep_what_it_replaced(
    live: str, laptop: Callable[[str, str], tuple[Services, ManualClock]]
) -> None:
    claire, claire_clock = laptop("claire", "agent15")
    marc, _ = laptop("marc", "coord")
    visit = plan_visit(claire, "15187", date(2026, 11, 24))
    record_id = history.answer_record_id(visit.id, FORM, ITEM)
    answer_item(claire, visit.id, FORM, ITEM, "Place de la halle, rue des Lacs")
    sync_once(claire)
    sync_once(marc)  # Marc receives the answer
    claire_clock.advance(minutes=10)
    answer_item(claire, visit.id, FORM, ITEM, "Rue des Lacs seulement")
    sync_once(claire)
    sync_once(marc)

    # Claire puts the first text back from her history, and syncs.
    entries = history.for_field(claire, "answers", record_id, "value").entries
    first = next(e for e in entries if e.old == "Place de la halle, rue des Lacs")
    claire_clock.advance(minutes=10)
    restored = history.restore(claire, first.id)
    assert restored.origin == "restore"
    report = sync_once(claire)
    assert report.pushed == 1
    assert _value(claire, visit.id) == "Place de la halle, rue des Lacs"

    # The server kept each version it replaced, with who replaced it, from where.
    server_side = _server_history(live, record_id, "agent15")
    assert server_side["current_version"] == 3
    assert server_side["updated_by_user"] == "agent15"
    assert [
        (v["version"], v["fields"]["value"], v["replaced_by_user"], v["replaced_by_device"])
        for v in server_side["versions"]
    ] == [
        (2, "Rue des Lacs seulement", "agent15", claire.store.device_id),
        (1, "Place de la halle, rue des Lacs", "agent15", claire.store.device_id),
    ]
    # Scoped like the record: an agent of another département does not see it.
    assert _server_history(live, record_id, "agent43")["code"] == "not_found"

    # Marc's laptop: both changes pulled, each with Claire's account and device.
    sync_once(marc)
    assert _value(marc, visit.id) == "Place de la halle, rue des Lacs"
    pulled = history.for_field(marc, "answers", record_id, "value").entries
    assert [(e.old, e.new, e.origin) for e in pulled] == [
        ("Rue des Lacs seulement", "Place de la halle, rue des Lacs", "pulled"),
        ("Place de la halle, rue des Lacs", "Rue des Lacs seulement", "pulled"),
    ]
    for entry in pulled:
        assert entry.user_name == "agent15"
        assert entry.device_id == claire.store.device_id and not entry.this_device
    assert pulled[1].changed_at.tzinfo is not None


def test_a_merge_keeps_the_local_value_it_replaced_in_the_history(
    laptop: Callable[[str, str], tuple[Services, ManualClock]],
) -> None:
    claire, _ = laptop("claire", "agent15")
    marc, _ = laptop("marc", "coord")
    visit = plan_visit(claire, "15187", date(2026, 11, 24))
    record_id = history.answer_record_id(visit.id, FORM, ITEM)
    answer_item(claire, visit.id, FORM, ITEM, "Version de départ")
    sync_once(claire)
    sync_once(marc)
    answer_item(claire, visit.id, FORM, ITEM, "Version de Claire")
    answer_item(marc, visit.id, FORM, ITEM, "Version de Marc")  # offline, same field
    sync_once(claire)

    sync_once(marc)  # a conflict: the record keeps the server's value

    merged = history.for_field(marc, "answers", record_id, "value").entries[0]
    assert (merged.old, merged.new) == ("Version de Marc", "Version de Claire")
    assert (merged.origin, merged.user_name) == ("merge", "agent15")
    # Marc can take his text back from the history: an ordinary change, synced.
    history.restore(marc, merged.id)
    sync_once(marc)
    sync_once(claire)
    assert _value(claire, visit.id) == "Version de Marc"


def test_a_pulled_change_ends_a_run_of_coalesced_edits(
    laptop: Callable[[str, str], tuple[Services, ManualClock]],
) -> None:
    claire, claire_clock = laptop("claire", "agent15")
    marc, _ = laptop("marc", "coord")
    visit = plan_visit(claire, "15187", date(2026, 11, 24))
    record_id = history.answer_record_id(visit.id, FORM, ITEM)
    answer_item(claire, visit.id, FORM, ITEM, "Halle")
    sync_once(claire)
    sync_once(marc)
    answer_item(marc, visit.id, FORM, ITEM, "Halle et parking")
    sync_once(marc)
    sync_once(claire)
    claire_clock.advance(minutes=1)  # well within 5 minutes of her first edit
    answer_item(claire, visit.id, FORM, ITEM, "Halle, parking et gare")

    entries = history.for_field(claire, "answers", record_id, "value").entries
    assert [(e.old, e.new, e.origin, e.user_name) for e in entries] == [
        ("Halle et parking", "Halle, parking et gare", "edit", "agent15"),
        ("Halle", "Halle et parking", "pulled", "coord"),
        (None, "Halle", "edit", "agent15"),
    ]
