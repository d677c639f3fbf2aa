"""The server's disk fills up, for real: its files (and its SQLite database) on a small
tmpfs mounted for the test, filled by a file. Every write then answers 507 with a
French message and code `server_disk_full` (not a 500), keeps nothing half-written,
and the same request succeeds once space is back.

Mounting needs root, as CI runs (.ci/run); see tests/safety/safety_support.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fieldvisit.server.app import create_app
from fieldvisit.server.testing import add_user, change, fast_passwords, push_body, visit_fields
from safety.safety_support import SmallDisk, mount_small_disks

MB = 1024 * 1024
PASSWORD = "mot-de-passe-solide"
PHOTO = bytes(range(256)) * 1024  # 256 KiB


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with mount_small_disks(tmp_path) as make:
        yield make(8 * MB)


def _login(client: TestClient) -> dict[str, str]:
    answer = client.post(
        "/api/v1/login",
        json={"username": "agent15", "password": PASSWORD, "device_id": "dev-agent15"},
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _server(db_url: str, files: Path) -> FastAPI:
    app = create_app(db_url, files, passwords=fast_passwords())
    ctx = app.state.ctx
    add_user(ctx.db, ctx.passwords, "agent15", PASSWORD, "agent", ("15",))
    return app


def _full(answer) -> dict:  # type: ignore[no-untyped-def]
    assert answer.status_code == 507, answer.text
    body = answer.json()
    assert body["code"] == "server_disk_full"
    assert "plus de place" in body["detail"] and "rien n'est perdu" in body["detail"]
    return dict(body)


def test_an_upload_to_a_full_disk_is_a_507_and_resumes_once_space_is_back(
    db_url: str, disk: SmallDisk
) -> None:
    """Attachment files on the full disk (SQLite or PostgreSQL for the records)."""
    app = _server(db_url, disk.root / "files")
    client = TestClient(app)
    h = _login(client)
    sha = hashlib.sha256(PHOTO).hexdigest()
    half = len(PHOTO) // 2
    url = f"/api/v1/attachments/{sha}?size={len(PHOTO)}"
    assert client.put(f"{url}&offset=0", headers=h, content=PHOTO[:half]).status_code == 200
    filler = disk.fill()

    _full(client.put(f"{url}&offset={half}", headers=h, content=PHOTO[half:]))
    status = client.get(f"/api/v1/attachments/{sha}", headers=h).json()
    assert (status["received"], status["complete"]) == (half, False)  # nothing half-written

    filler.unlink()
    done = client.put(f"{url}&offset={half}", headers=h, content=PHOTO[half:])
    assert done.status_code == 200 and done.json()["complete"] is True
    assert client.get(f"/api/v1/attachments/{sha}/content", headers=h).content == PHOTO
    app.state.ctx.db.close()


def test_a_push_to_a_full_sqlite_database_is_a_507_and_applies_nothing(
    disk: SmallDisk,
) -> None:
    app = _server(f"sqlite+pysqlite:///{disk.root / 'server.sqlite3'}", disk.root / "files")
    client = TestClient(app)
    h = _login(client)
    changes = [change("visits", f"v{n}", visit_fields(summary="x" * 2000)) for n in range(200)]
    filler = disk.fill()

    _full(client.post("/api/v1/push", headers=h, json=push_body("dev-agent15", *changes)))

    filler.unlink()
    assert client.get("/api/v1/changes", headers=h).json()["records"] == []
    again = client.post("/api/v1/push", headers=h, json=push_body("dev-agent15", *changes))
    assert {r["status"] for r in again.json()["results"]} == {"accepted"}
    assert len(client.get("/api/v1/changes?limit=1000", headers=h).json()["records"]) == 200
    app.state.ctx.db.close()
