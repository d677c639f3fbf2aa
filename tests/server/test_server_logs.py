"""Structured access and audit logs: who read or changed what, and never a token, a
password or a record's contents — checked on everything logged while a laptop logs in,
syncs a visit with a photo, downloads it, and someone fails to log in."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from fieldvisit.paths import DataDir
from fieldvisit.server.logs import JsonLines
from fieldvisit.services import Services
from fieldvisit.services.attachments import attach_file
from fieldvisit.services.visits import plan_visit, update_visit
from fieldvisit.sync.credentials import token_store
from fieldvisit.sync.session import configured_client, login, sync_once

PASSWORD = "mot-de-passe-solide"
WRONG = "Mauvais-Mot-De-Passe-42"
SERVER = "http://testserver"
SECRET_NOTE = "Le maire signale un point de deal derrière la salle des fêtes"


@pytest.fixture(autouse=True)
def _file_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")


@pytest.fixture
def laptop(app: FastAPI, tmp_path: Path, communes: Any) -> Iterator[Services]:
    svc = Services.open(DataDir(tmp_path / "laptop"))
    svc.__dict__["communes"] = communes
    yield svc
    svc.close()


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "salle-des-fetes.jpg"
    Image.new("RGB", (64, 48), (90, 30, 30)).save(path, format="JPEG")
    return path


def _everything_logged(records: list[logging.LogRecord]) -> str:
    """Each record as the server writes it, plus its raw message and fields."""
    formatter = JsonLines()
    lines = []
    for record in records:
        lines.append(formatter.format(record))
        lines.append(record.getMessage())
        lines.append(repr(getattr(record, "fields", "")))
    return "\n".join(lines)


def _events(records: list[logging.LogRecord], log: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (r.getMessage(), getattr(r, "fields", {}))
        for r in records
        if r.name == f"fieldvisit.server.{log}"
    ]


def test_logs_say_who_did_what_and_never_hold_secrets(
    app: FastAPI,
    laptop: Services,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="fieldvisit")
    caplog.set_level(logging.INFO)  # everything else at the level a server runs with
    http = TestClient(app)
    login(laptop, SERVER, "agent15", PASSWORD, device_name="portable Claire", http=http)
    token = token_store(laptop.data_dir.root, laptop.store.keys).get(SERVER, "agent15")
    assert token

    visit = plan_visit(laptop, "15187", date(2026, 3, 14), author="Claire")
    update_visit(laptop, visit.id, summary=SECRET_NOTE)
    photo_path = _photo(tmp_path)
    photo = attach_file(laptop, visit.id, photo_path)
    report = sync_once(laptop, http=http)
    assert report.uploaded_files == 1 and report.rejected == []
    with configured_client(laptop, http=http) as client:
        assert client.download(photo.sha256) == photo_path.read_bytes()
    failed = http.post(
        "/api/v1/login", json={"username": "agent15", "password": WRONG, "device_id": "d2"}
    )
    assert failed.status_code == 401
    # Someone types their password in the user field: that name must not be logged.
    typo = http.post(
        "/api/v1/login", json={"username": WRONG, "password": WRONG, "device_id": "d2"}
    )
    assert typo.status_code == 401
    unknown_token = http.get("/api/v1/me", headers={"Authorization": f"Bearer {WRONG}"})
    assert unknown_token.status_code == 401

    logged = _everything_logged(caplog.records)
    for secret in (token, PASSWORD, WRONG, SECRET_NOTE, "Claire", "salle-des-fetes"):
        assert secret not in logged, f"{secret!r} is in the logs"
    assert hashlib.sha256(token.encode()).hexdigest() not in logged

    audit = _events(caplog.records, "audit")
    by_event: dict[str, list[dict[str, Any]]] = {}
    for event, fields in audit:
        by_event.setdefault(event, []).append(fields)
    device = laptop.store.device_id
    [logged_in] = by_event["login"]
    assert logged_in["user"] == "agent15" and logged_in["device"] == device
    [push] = by_event["push"]
    assert push["user"] == "agent15" and push["counts"] == {"accepted": 2}
    assert push["records"]["accepted"] == {"visits": [visit.id], "attachments": [photo.id]}
    ref = app.state.ctx.file_ref(photo.sha256)
    [upload] = by_event["upload"]
    assert upload["file"] == ref and upload["complete"] is True
    [download] = by_event["download"]
    assert download["file"] == ref and download["user"] == "agent15"
    assert download["attachments"] == [photo.id]
    refused = by_event["login_refused"]
    assert refused[0] == {
        "reason": "bad_credentials",
        "user": "agent15",
        "unknown_user": False,
        "client": "testclient",
    }
    assert refused[1]["user"] is None and refused[1]["unknown_user"] is True
    assert by_event["token_refused"] == [{"reason": "token_unknown", "client": "testclient"}]

    # A second laptop pulls: the read is audited with the ids it received.
    other = Services.open(DataDir(tmp_path / "other"))
    try:
        other.__dict__["communes"] = laptop.communes
        login(other, SERVER, "coord15", PASSWORD, http=http)
        caplog.clear()
        sync_once(other, http=http)
    finally:
        other.close()
    [pull] = [f for e, f in _events(caplog.records, "audit") if e == "pull"]
    assert pull["user"] == "coord15" and pull["count"] == 2
    assert pull["records"] == {"visits": [visit.id], "attachments": [photo.id]}

    access = _events(caplog.records, "access")
    assert access and all(event == "request" for event, _ in access)
    changes = next(f for _, f in access if f["path"] == "/api/v1/changes")
    assert changes["status"] == 200 and changes["user"] == "coord15"
    assert set(changes["query"]) <= {"after", "limit"} and changes["bytes_out"] > 0
    assert len(changes["request_id"]) == 16 and changes["duration_ms"] >= 0


def test_access_log_leaves_out_unknown_query_values(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="fieldvisit")
    client.get("/api/v1/changes?after=0&access_token=SECRET-IN-URL")
    # A numeric parameter's value is logged only when it is a number: a token pasted
    # there had its first 20 characters logged.
    client.get("/api/v1/changes?after=Jeton-Colle-Au-Mauvais-Endroit&limit=5")
    [(_, line), (_, pasted)] = _events(caplog.records, "access")
    assert line["query"] == {"after": "0"} and line["status"] == 422
    assert pasted["query"] == {"after": "?", "limit": "5"}
    logged = _everything_logged(caplog.records)
    assert "SECRET-IN-URL" not in logged and "Jeton-Colle" not in logged
