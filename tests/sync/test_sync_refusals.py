"""What the server refuses, and what a laptop cannot take, never blocks the rest.

- A record too large for the wire (a note typed before the limit existed) is refused by
  the laptop itself and the rest of the batch goes; splitting a batch a proxy finds too
  large always ends.
- A change refused for good is held back (not re-sent as it is), listed with the reason,
  and has its ways out: fix (an edit sends it again), retry, keep a copy, discard.
- A pulled record this laptop cannot apply is set aside; the rest is applied and the
  cursor moves on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fieldvisit.server.testing import (
    answer_fields,
    plant_record,
    server_snapshot,
    visit_fields,
)
from fieldvisit.services.answers import answer_item
from fieldvisit.services.interviews import record_interview
from fieldvisit.services.visits import get_visit, list_visits, plan_visit, update_visit
from fieldvisit.store.models import natural_id
from fieldvisit.sync import refusals
from fieldvisit.sync.local import read_sync_state
from fieldvisit.sync.status import sync_status
from fieldvisit.sync.vetting import set_aside_entries

FORM = "visite-centre-bourg"
Make = Callable[..., Any]


class PushLog:
    """Every push body a laptop sends (an httpx request hook on its client)."""

    def __init__(self, http: httpx.Client) -> None:
        self.bodies: list[dict[str, Any]] = []
        http.event_hooks = {"request": [self], "response": []}

    def __call__(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/push"):
            self.bodies.append(json.loads(request.read()))

    def sent(self) -> list[tuple[str, str]]:
        return [(c["table"], c["id"]) for body in self.bodies for c in body["changes"]]


def _stamp_raw(laptop: Any, table: str, record_id: str, **values: Any) -> None:
    """Write a row as an older app did (no limit, no check): through the driver."""
    names = ", ".join(f"{name} = ?" for name in values)
    stamp = datetime(2026, 11, 26, 8, 0, tzinfo=UTC).isoformat(timespec="microseconds")
    with laptop.svc.store.transaction() as session:
        session.connection().exec_driver_sql(
            f"UPDATE {table} SET {names}, pending = 1, updated_at = ? WHERE id = ?",
            (*values.values(), stamp, record_id),
        )


# --- 11.5: one oversized record ---------------------------------------------------------


def test_an_oversized_note_is_held_here_and_the_rest_of_the_batch_goes(
    laptops: Make, server: FastAPI
) -> None:
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    interview = record_interview(a.svc, visit.id, "entretien-elu", title="Maire")
    assert a.sync().rejected == []
    # Typed before the app had a limit: 300,000 characters (over the wire's 256 Kio).
    _stamp_raw(a, "interviews", interview.id, notes="Compte rendu. " * 21_430)
    update_visit(a.svc, visit.id, summary="Synthèse écrite le même jour.")
    answer_item(a.svc, visit.id, FORM, "parcours", value="Place, rue Haute")
    log = PushLog(a.http)

    report = a.sync()

    on_server = server_snapshot(server.state.ctx.db)
    assert on_server[("visits", visit.id)][0]["summary"] == "Synthèse écrite le même jour."
    assert (
        on_server[("answers", natural_id("answer", visit.id, FORM, "parcours"))][0]["value"]
        == "Place, rue Haute"
    )
    assert on_server[("interviews", interview.id)][0]["notes"] == ""
    assert ("interviews", interview.id) not in log.sent()  # never on the wire
    assert report.refused == 1 and "256 Kio" in report.rejected[0]
    [held] = refusals.refused_changes(a.svc)
    assert (held.table, held.code, held.refused_by) == ("interviews", "too_large", "local")
    assert sync_status(a.svc).refused == 1 and sync_status(a.svc).pending == 0

    again = a.sync()  # held back: nothing sent, said again
    assert again.held == 1 and again.rejected == [] and again.refused == 1
    assert len(log.bodies) == 1


class ProxyLimit(httpx.BaseTransport):
    """A reverse proxy in front of the server refusing bodies over `limit` bytes (413),
    as nginx's client_max_body_size does; counts what it refused."""

    def __init__(self, app: FastAPI, limit: int) -> None:
        self.inner = TestClient(app)._transport
        self.limit = limit
        self.refused = 0
        self.pushes = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        if request.url.path.endswith("/push"):
            self.pushes += 1
            if len(body) > self.limit:
                self.refused += 1
                return httpx.Response(
                    413, json={"detail": "Requête trop volumineuse pour le relais.", "code": "x"}
                )
        return self.inner.handle_request(request)


def test_splitting_a_batch_the_proxy_refuses_ends_and_refuses_only_the_big_ones(
    laptops: Make, server: FastAPI
) -> None:
    a = laptops("a")
    big = "Observation détaillée, ligne après ligne.\n" * 1_000  # 43 KB each
    visits = [plan_visit(a.svc, "15187", date(2026, 3, 14)) for _ in range(6)]
    for visit in visits[:3]:
        update_visit(a.svc, visit.id, summary=big)
    proxy = ProxyLimit(server, limit=30_000)
    a.http = httpx.Client(transport=proxy, base_url="http://testserver")

    report = a.sync()  # before: the first single record refused ended the round

    assert proxy.refused > 0
    assert proxy.pushes <= 2 * 6 - 1  # halving: at most one request per node of the tree
    assert report.refused == 3 and all("relais" in line for line in report.rejected)
    on_server = server_snapshot(server.state.ctx.db)
    assert {v.id for v in visits[3:]} <= {record_id for _t, record_id in on_server}
    assert not {v.id for v in visits[:3]} & {record_id for _t, record_id in on_server}
    before = proxy.pushes
    assert a.sync().held == 3 and proxy.pushes == before  # not sent again as they are


# --- 11.8: refused for good -------------------------------------------------------------


def test_a_change_refused_for_good_is_held_listed_and_fixed_by_an_edit(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    a = laptops("a", user="agent15")
    visit = plan_visit(a.svc, "43157", date(2026, 3, 14))  # Le Puy: not agent15's
    answer_item(a.svc, visit.id, FORM, "parcours", value="Rue Pannessac")
    log = PushLog(a.http)

    first = a.sync()

    assert first.refused == 1 and "territoire" in first.rejected[0]
    assert len(first.waiting) == 1  # the answer waits for its visit: not "refused"
    [held] = refusals.refused_changes(a.svc)
    assert held.record_id == visit.id and held.never_sent and held.section == "info"
    assert held.commune_name == "Le Puy-en-Velay" and held.departement == "43"
    second = a.sync()
    # The answer cannot reach the server without its visit: it waits with it, held
    # back too, instead of coming back « sera renvoyé » at every round.
    assert (second.held, second.held_with) == (1, 1)  # the server refused only the visit
    assert second.rejected == [] and second.waiting == []
    sent = log.sent()
    assert sent.count(("visits", visit.id)) == 1  # refused once, never re-sent blindly
    assert sent.count(("answers", natural_id("answer", visit.id, FORM, "parcours"))) == 1
    assert a.sync().waiting == []
    held_back = sync_status(a.svc)  # nothing said to be on its way
    assert (held_back.refused, held_back.held_with, held_back.pending) == (1, 1, 0)

    # A copy keeps every word; the person then fixes the record: an edit sends it again.
    update_visit(a.svc, visit.id, summary="Rencontre à la mairie du Puy.")
    third = a.sync()
    assert log.sent().count(("visits", visit.id)) == 2 and third.refused == 1
    copy = refusals.export_copy(a.svc, "visits", visit.id, tmp_path / "copie.txt")
    text = copy.read_text(encoding="utf-8")
    assert "Rencontre à la mairie du Puy." in text and "territoire" in text

    # Discarding a record the server never had removes it and what depends on it.
    assert refusals.discard(a.svc, "visits", visit.id) == 2
    assert refusals.refused_changes(a.svc) == [] and a.pending() == 0
    assert [v.id for v in list_visits(a.svc)] == []
    status = sync_status(a.svc)
    assert status.refused == 0 and status.pending == 0
    assert a.sync().refused == 0


def test_retry_sends_it_as_it_is_and_discard_goes_back_to_the_servers_version(
    laptops: Make, server: FastAPI
) -> None:
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14), author="Claire")
    a.sync()
    # A visit's département never changes on the server: refused for good.
    _stamp_raw(a, "visits", visit.id, departement="43", author="Claire B.")
    assert a.sync().refused == 1
    refusals.retry(a.svc, "visits", visit.id)
    log = PushLog(a.http)
    assert a.sync().refused == 1 and log.sent() == [("visits", visit.id)]

    assert refusals.discard(a.svc, "visits", visit.id) == 0
    back = get_visit(a.svc, visit.id)
    assert (back.departement, back.author, back.pending) == ("15", "Claire", False)
    assert a.sync().refused == 0 and a.pending() == 0


def test_a_refused_change_without_a_code_from_an_older_server_is_classified_by_its_words() -> None:
    from fieldvisit.sync.wire import ChangeResult

    def result(code: str | None, reason: str) -> ChangeResult:
        return ChangeResult(table="visits", id="v", status="rejected", code=code, reason=reason)

    assert refusals.retry_later(result("parent_unknown", "x"))
    assert not refusals.retry_later(result("out_of_territory", "sera renvoyé"))
    assert refusals.retry_later(result(None, "… sera renvoyé à la prochaine synchronisation"))
    assert not refusals.retry_later(result(None, "vous n'avez pas accès à ce territoire"))


# --- 11.6: a pull never dies on one bad record ----------------------------------------


def _planted(server: FastAPI, table: str, record_id: str, fields: dict) -> None:
    """A record as an older server accepted it (before it checked enums, natural keys or
    parents)."""
    plant_record(server.state.ctx.db, table, record_id, fields)


def test_bad_pulled_records_are_set_aside_and_the_rest_is_applied(
    laptops: Make, server: FastAPI
) -> None:
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    answer_item(a.svc, visit.id, FORM, "parcours", value="Place")
    a.sync()
    b.sync()
    update_visit(a.svc, visit.id, summary="Une synthèse que B doit recevoir.")
    a.sync()
    # An unknown status and type: `visits list` used to crash on every laptop.
    pirate = "0190b0c0-0000-7000-8000-00000000dead"
    _planted(server, "visits", pirate, visit_fields(status="piratee", visit_type="zzz"))
    # A second answer to the same item under another id: « UNIQUE constraint failed ».
    _planted(
        server,
        "answers",
        "0190b0c0-0000-7000-8000-00000000beef",
        answer_fields(visit.id, "parcours", "Autre place") | {"form_id": FORM},
    )

    report = b.sync()  # before: the pull's transaction failed, nothing applied

    assert get_visit(b.svc, visit.id).summary == "Une synthèse que B doit recevoir."
    assert sorted(line.split(" ")[0] for line in report.set_aside) == ["answers", "visits"]
    entries = {e.table: e for e in _set_aside(b)}
    assert (
        entries["visits"].code == "invalid"
        and "« zzz » n'est pas une valeur possible" in entries["visits"].reason
    )
    assert entries["answers"].code == "natural_key_taken"
    assert [v.id for v in list_visits(b.svc)] == [visit.id]  # the listing works
    with b.svc.store.reading() as session:
        cursor = read_sync_state(session).cursor
    assert cursor == max(r.seq for r in _server_records(server))  # moved past them
    assert b.sync().pulled == 0 and sync_status(b.svc).set_aside == 2


def test_a_record_moved_to_another_parent_is_set_aside(laptops: Make, server: FastAPI) -> None:
    a, b = laptops("a"), laptops("b")
    first = plan_visit(a.svc, "15187", date(2026, 3, 14))
    second = plan_visit(a.svc, "15014", date(2026, 3, 15))
    answer = answer_item(a.svc, first.id, FORM, "parcours", value="Place")
    a.sync()
    b.sync()
    moved = answer_fields(second.id, "parcours", "Place") | {"form_id": FORM}
    _planted(server, "answers", answer.id, moved)
    # An answer moved into a visit this laptop never received: a missing parent.
    lost = answer_fields("0190b0c0-0000-7000-8000-0000000000aa", "parcours") | {"form_id": FORM}
    _planted(server, "answers", "0190b0c0-0000-7000-8000-0000000000ab", lost)
    update_visit(a.svc, second.id, summary="reçu quand même")
    a.sync()

    report = b.sync()  # before: a foreign-key failure at commit, at every round

    assert get_visit(b.svc, second.id).summary == "reçu quand même"
    codes = {e.record_id: e.code for e in _set_aside(b)}
    assert codes == {
        answer.id: "parent_changed",
        "0190b0c0-0000-7000-8000-0000000000ab": "parent_missing",
    }
    assert len(report.set_aside) == 2


def test_a_child_whose_parent_is_missing_waits_aside_until_it_comes(services: Any) -> None:
    """Unit level, on a real store: vetting against what the laptop holds."""
    from fieldvisit.sync.vetting import keep_aside, kept_aside, vet
    from fieldvisit.sync.wire import PulledRecord

    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    parent = PulledRecord(
        table="visits", id="v1", version=1, seq=2, fields=visit_fields(), updated_at=now
    )
    child = PulledRecord(
        table="answers",
        id="a1",
        version=1,
        seq=1,
        fields=answer_fields("v1"),
        updated_at=now,
    )
    huge = PulledRecord(
        table="visits",
        id="v2",
        version=1,
        seq=3,
        fields=visit_fields(checklist_form_version=2**70),
        updated_at=now,
    )
    with services.store.transaction() as session:
        good, aside = vet(session, [child, huge])
        assert good == []
        assert {(a.record.id, a.code) for a in aside} == {
            ("a1", "parent_missing"),
            ("v2", "invalid"),
        }
        keep_aside(session, aside, now)
    with services.store.transaction() as session:
        good, aside = vet(session, [*kept_aside(session), parent])
        assert {r.id for r in good} == {"v1", "a1"} and [a.record.id for a in aside] == ["v2"]


def _set_aside(laptop: Any) -> list[Any]:
    with laptop.svc.store.reading() as session:
        return set_aside_entries(session)


def _server_records(server: FastAPI) -> list[Any]:
    from sqlalchemy import select

    from fieldvisit.server.models import Record

    with server.state.ctx.db.reading() as session:
        return list(session.scalars(select(Record)))
