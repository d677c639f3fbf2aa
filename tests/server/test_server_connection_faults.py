"""Faults of issue 5 not covered elsewhere, on real sockets (uvicorn on 127.0.0.1):
a connection cut in the middle of a push or of an upload chunk, a push whose answer
never reaches the laptop, and a session that expires with edits waiting on the laptop.

Where each item of "Bad input and faults" is tested:

- wrong password: test_server_auth (same 401 as an unknown user), test_server_process
  (`fieldvisit login` with a wrong password, real server);
- expired or revoked token: test_server_auth (expired, revoked, logout, re-login),
  test_sync_engine (revoked device during a sync), test_server_process (`devices
  revoke`), here (expired during a sync with pending edits: nothing lost);
- server down: test_sync_client (nobody listening), test_server_process (server stopped
  then restarted between two syncs);
- connection cut mid-push or mid-upload: test_sync_engine (answer lost after the server
  applied the batch; upload cut between chunks), here (cut inside the request body on a
  real socket, and a push whose answer is never read);
- duplicated request: test_server_records (replayed batch), test_server_faults
  (duplicated chunk);
- server restarted between pull and push: test_server_records, test_server_process;
- clock of a laptop hours off: test_sync_engine (a laptop 7 hours behind);
- malformed or oversized request: test_server_faults, test_server_hardening,
  test_server_fuzz (schemathesis);
- a record for a territory the user may not touch: test_server_authorization (every
  endpoint × role × territory), test_server_records, test_sync_engine, test_server_fuzz.
"""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from fieldvisit.core.limits import LONG_TEXT_CHARS
from fieldvisit.paths import DataDir
from fieldvisit.server.models import Device
from fieldvisit.server.testing import change, push_body, serve, server_snapshot, visit_fields
from fieldvisit.services import Services
from fieldvisit.services.visits import plan_visit, update_visit
from fieldvisit.sync.client import NotAuthenticated
from fieldvisit.sync.session import login, sync_once

PASSWORD = "mot-de-passe-solide"


class AccessWatch(logging.Handler):
    """Collects the server's access log lines; waits for one (no sleeping)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[dict[str, Any]] = []
        self.changed = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self.changed:
            self.lines.append(dict(getattr(record, "fields", {})))
            self.changed.notify_all()

    def wait_for(self, test: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        with self.changed:
            found: list[dict[str, Any]] = []

            def seen() -> bool:
                found[:] = [line for line in self.lines if test(line)]
                return bool(found)

            assert self.changed.wait_for(seen, timeout=60), self.lines
            return found[-1]


@pytest.fixture
def watch() -> Iterator[AccessWatch]:
    handler = AccessWatch()
    logger = logging.getLogger("fieldvisit.server.access")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(previous)


@pytest.fixture
def live(app: FastAPI) -> Iterator[str]:
    with serve(app) as url:
        yield url


@pytest.fixture
def token(client: TestClient) -> str:
    answer = client.post(
        "/api/v1/login",
        json={"username": "agent15", "password": PASSWORD, "device_id": "dev-agent15"},
    )
    return str(answer.json()["token"])


def _send_raw(url: str, method: str, target: str, token: str, body: bytes, cut_at: int) -> None:
    """Send the request's first cut_at body bytes, then hang up without reading."""
    parts = urlsplit(url)
    head = (
        f"{method} {target} HTTP/1.1\r\nHost: {parts.hostname}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("ascii")
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(head + body[:cut_at])


def test_a_push_cut_inside_its_body_changes_nothing(
    app: FastAPI, live: str, token: str, watch: AccessWatch
) -> None:
    batch = push_body("dev-agent15", change("visits", "v1", visit_fields()), batch_id="b1")
    raw = json.dumps(batch).encode()
    _send_raw(live, "POST", "/api/v1/push", token, raw, cut_at=len(raw) // 2)
    line = watch.wait_for(lambda x: x["path"] == "/api/v1/push")
    assert line["outcome"] == "client_disconnected" and line["status"] == 499
    assert server_snapshot(app.state.ctx.db) == {}
    # The laptop sends it again (same batch id): applied once, as new.
    again = httpx.post(
        f"{live}/api/v1/push", json=batch, headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert again["replayed"] is False and again["results"][0]["version"] == 1
    assert len(server_snapshot(app.state.ctx.db)) == 1


def test_a_push_whose_answer_is_never_read_is_applied_at_most_once(
    app: FastAPI, live: str, token: str, watch: AccessWatch
) -> None:
    batch = push_body(
        "dev-agent15",
        change("visits", "v1", visit_fields()),
        change("visits", "v2", visit_fields(summary="deuxième")),
        batch_id="b2",
    )
    raw = json.dumps(batch).encode()
    _send_raw(live, "POST", "/api/v1/push", token, raw, cut_at=len(raw))
    watch.wait_for(lambda x: x["path"] == "/api/v1/push")
    # Applied or not (the hang-up may reach the server before it reads the body), the
    # retry of the same batch leaves each record exactly once, at version 1.
    # The cut request may still be applying on the server (the hang-up is logged before
    # its handler ends): the retry can then meet its write and be told to retry (409
    # concurrent write, or 503 with SQLite's lock), as the laptop would, after the
    # Retry-After the server names.
    for _ in range(10):
        answer = httpx.post(
            f"{live}/api/v1/push", json=batch, headers={"Authorization": f"Bearer {token}"}
        )
        if answer.status_code not in (409, 503):
            break
        time.sleep(float(answer.headers.get("Retry-After", "1")))
    assert answer.status_code == 200, answer.text
    again = answer.json()
    assert [r["status"] for r in again["results"]] == ["accepted", "accepted"]
    assert [r["version"] for r in again["results"]] == [1, 1]
    snapshot = server_snapshot(app.state.ctx.db)
    assert sorted(snapshot) == [("visits", "v1"), ("visits", "v2")]


def test_an_upload_chunk_cut_inside_its_body_writes_nothing_and_resumes(
    app: FastAPI, live: str, token: str, watch: AccessWatch
) -> None:
    data = bytes(range(256)) * 400  # 100 KiB
    sha = hashlib.sha256(data).hexdigest()
    h = {"Authorization": f"Bearer {token}"}
    first = httpx.put(
        f"{live}/api/v1/attachments/{sha}",
        params={"offset": 0, "size": len(data)},
        headers=h,
        content=data[:40_000],
    )
    assert first.json()["received"] == 40_000
    target = f"/api/v1/attachments/{sha}?offset=40000&size={len(data)}"
    _send_raw(live, "PUT", target, token, data[40_000:], cut_at=10_000)
    line = watch.wait_for(lambda x: x["query"].get("offset") == "40000")
    assert line["outcome"] == "client_disconnected"
    status = httpx.get(f"{live}/api/v1/attachments/{sha}", headers=h).json()
    assert status["received"] == 40_000 and status["complete"] is False
    done = httpx.put(
        f"{live}/api/v1/attachments/{sha}",
        params={"offset": 40_000, "size": len(data)},
        headers=h,
        content=data[40_000:],
    ).json()
    assert done["complete"] is True
    assert httpx.get(f"{live}/api/v1/attachments/{sha}/content", headers=h).content == data


def test_a_session_expiring_with_edits_waiting_loses_nothing(
    app: FastAPI, tmp_path: Path, communes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")
    http = TestClient(app)
    svc = Services.open(DataDir(tmp_path / "laptop"))
    try:
        svc.__dict__["communes"] = communes
        login(svc, "http://testserver", "agent15", PASSWORD, http=http)
        visit = plan_visit(svc, "15187", date(2026, 3, 14))
        sync_once(svc, http=http)
        update_visit(svc, visit.id, summary="Écrit hors ligne pendant trois jours")
        with app.state.ctx.db.transaction() as session:  # 90 days later…
            session.execute(
                update(Device).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
            )
        with pytest.raises(NotAuthenticated, match="Session expirée"):
            sync_once(svc, http=http)
        login(svc, "http://testserver", "agent15", PASSWORD, http=http)
        report = sync_once(svc, http=http)
        assert report.pushed == 1 and report.rejected == []
    finally:
        svc.close()
    fields, deleted = server_snapshot(app.state.ctx.db)[("visits", visit.id)]
    assert fields["summary"] == "Écrit hors ligne pendant trois jours" and not deleted


def test_pending_edits_larger_than_one_request_still_reach_the_server(
    app: FastAPI, tmp_path: Path, communes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Days of long notes can exceed the push size limit (32 MiB) in one batch of
    records: the laptop splits the batch instead of being refused at every sync."""
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")
    http = TestClient(app)
    svc = Services.open(DataDir(tmp_path / "laptop"))
    try:
        svc.__dict__["communes"] = communes
        login(svc, "http://testserver", "agent15", PASSWORD, http=http)
        # A summary at the length limit (core/limits.py), accents included: 61 KB.
        line = "Élu réélu, préfet délégué : sécurité améliorée, éclairage réévalué, été agité.\n"
        notes = line * (LONG_TEXT_CHARS // len(line))
        visits = [plan_visit(svc, "15187", date(2026, 3, 14)) for _ in range(560)]
        for visit in visits:
            update_visit(svc, visit.id, summary=notes)
        report = sync_once(svc, http=http)  # ≈ 34 MB of JSON in one request
        assert report.pushed == 560 and report.rejected == []
    finally:
        svc.close()
    assert len(server_snapshot(app.state.ctx.db)) == 560
