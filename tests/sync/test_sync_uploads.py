"""Uploading photos never loops for ever, never blocks the rest of the sync, and what
could not be sent is said (report, CLI stderr).

Fault injectors are SyncClient subclasses that count per instance; each test asserts
its fault fired. The pause between retries is injected (`SyncEngine(wait=…)`): the
tests record the pauses asked for, nothing sleeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from fieldvisit.cli import main
from fieldvisit.paths import DataDir
from fieldvisit.server.testing import serve, server_snapshot
from fieldvisit.services import Services
from fieldvisit.services.attachments import attach_file
from fieldvisit.services.visits import plan_visit, update_visit
from fieldvisit.store.models import Attachment
from fieldvisit.sync.client import ConnectionLost, RequestRefused, SyncClient
from fieldvisit.sync.engine import SyncEngine
from fieldvisit.sync.session import configured_client, login

PASSWORD = "mot-de-passe-solide"  # the users of conftest.py
Make = Callable[..., Any]
LOOPING = 50  # far more upload requests than any of these photos needs


def _photo(tmp_path: Path, name: str = "marche.jpg", colour: tuple[int, int, int] = (9, 99, 199)):  # type: ignore[no-untyped-def]
    from PIL import Image

    path = tmp_path / name
    Image.new("RGB", (64, 48), colour).save(path, format="JPEG")
    return path


class CountsUploads(SyncClient):
    """Counts upload requests; a loop that does not end fails the test (no hang)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requests = 0

    def _count(self) -> None:
        self.requests += 1
        assert self.requests < LOOPING, "the upload loop does not end"

    def upload_status(self, sha256: str) -> Any:
        self._count()
        return super().upload_status(sha256)

    def upload_chunk(self, sha256: str, offset: int, size: int, data: bytes) -> Any:
        self._count()
        return super().upload_chunk(sha256, offset, size, data)


class RefusesChunks(CountsUploads):
    """Every chunk is answered « wrong offset », whatever the status says."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused = 0

    def upload_chunk(self, sha256: str, offset: int, size: int, data: bytes) -> Any:
        self._count()
        self.refused += 1
        raise RequestRefused("Reprise à l'octet 7 attendue (reçu : 0).", 409, "wrong_offset")


class CutsChunks(CountsUploads):
    """The first two chunks are cut on the way (nothing reaches the server)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cuts = 0

    def upload_chunk(self, sha256: str, offset: int, size: int, data: bytes) -> Any:
        if self.cuts < 2:
            self._count()
            self.cuts += 1
            raise ConnectionLost("Connexion au serveur coupée en cours d'échange. Réessayez.")
        return super().upload_chunk(sha256, offset, size, data)


class DamagesChunks(CountsUploads):
    """The bytes change on the way (a broken proxy): the server's hash check fails."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.damaged = 0

    def upload_chunk(self, sha256: str, offset: int, size: int, data: bytes) -> Any:
        self.damaged += 1
        return super().upload_chunk(sha256, offset, size, b"\x00" + data[1:])


def _engine(laptop: Any, kind: type[CountsUploads], waits: list[float]) -> SyncEngine:
    base = configured_client(laptop.svc, http=laptop.http)
    client = kind(base.server_url, base.token, http=laptop.http)
    return SyncEngine(laptop.svc, client, wait=waits.append)


def _pending_attachments(laptop: Any) -> list[str]:
    with laptop.svc.store.reading() as session:
        return list(session.scalars(select(Attachment.id).where(Attachment.pending.is_(True))))


def test_an_upload_jammed_from_another_territory_goes_through(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    """An agent of 43 knew the photo's hash before the 15 laptop uploaded it: he sent 1
    byte with a wrong size. The victim's upload still takes one request."""
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    photo = attach_file(a.svc, visit.id, _photo(tmp_path))
    other = TestClient(server)
    token = other.post(
        "/api/v1/login",
        json={"username": "agent43", "password": PASSWORD, "device_id": "portable-43"},
    ).json()["token"]
    jam = other.put(
        f"/api/v1/attachments/{photo.sha256}?offset=0&size=999999",
        headers={"Authorization": f"Bearer {token}"},
        content=b"x",
    )
    assert jam.status_code == 200 and jam.json()["received"] == 1  # the jam is in place

    waits: list[float] = []
    engine = _engine(a, CountsUploads, waits)
    report = engine.run()
    assert engine.client.requests == 1 and waits == []  # type: ignore[attr-defined]
    assert report.uploaded_files == 1 and report.unsent_files == [] and report.rejected == []
    assert ("attachments", photo.id) in server_snapshot(server.state.ctx.db)
    assert _pending_attachments(a) == []


def test_a_file_the_server_keeps_refusing_is_reported_and_the_rest_goes_on(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    update_visit(a.svc, visit.id, summary="Place du marché : éclairage à revoir")
    photo = attach_file(a.svc, visit.id, _photo(tmp_path))
    waits: list[float] = []
    engine = _engine(a, RefusesChunks, waits)
    report = engine.run()
    client: RefusesChunks = engine.client  # type: ignore[assignment]
    assert client.refused == 5 and waits == [0.5, 1.0, 2.0, 4.0]  # bounded, backing off
    [unsent] = report.unsent_files
    assert unsent.startswith("marche.jpg (Reprise à l'octet 7 attendue")
    assert "1 fichier(s) joint(s) non envoyé(s)" in report.describe()
    assert any("marche.jpg" in line for line in report.notices)
    on_server = server_snapshot(server.state.ctx.db)  # the rest of the round went on
    assert on_server[("visits", visit.id)][0]["summary"] == "Place du marché : éclairage à revoir"
    assert ("attachments", photo.id) not in on_server
    assert _pending_attachments(a) == [photo.id]  # kept, sent next time
    assert a.sync().unsent_files == []
    assert ("attachments", photo.id) in server_snapshot(server.state.ctx.db)


def test_a_cut_connection_is_retried_after_a_pause(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    photo = attach_file(a.svc, visit.id, _photo(tmp_path))
    waits: list[float] = []
    engine = _engine(a, CutsChunks, waits)
    report = engine.run()
    assert engine.client.cuts == 2 and waits == [0.5, 1.0]  # type: ignore[attr-defined]
    assert report.uploaded_files == 1 and report.unsent_files == []
    assert ("attachments", photo.id) in server_snapshot(server.state.ctx.db)


def test_bytes_damaged_on_the_way_are_reported_without_stopping_the_sync(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14), author="Nadia")
    attach_file(a.svc, visit.id, _photo(tmp_path))
    waits: list[float] = []
    engine = _engine(a, DamagesChunks, waits)
    report = engine.run()
    assert engine.client.damaged == 1 and waits == []  # type: ignore[attr-defined]
    [unsent] = report.unsent_files
    assert "endommagé" in unsent
    assert ("visits", visit.id) in server_snapshot(server.state.ctx.db)


@pytest.fixture
def live(server: FastAPI) -> Iterator[str]:
    with serve(server) as url:
        yield url


def test_the_command_line_says_which_file_was_not_sent(
    live: str,
    tmp_path: Path,
    communes: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "laptop"
    svc = Services.open(DataDir(folder))
    svc.__dict__["communes"] = communes
    try:
        login(svc, live, "agent15", PASSWORD)
        visit = plan_visit(svc, "15187", date(2026, 3, 14))
        attach_file(svc, visit.id, _photo(tmp_path, "ruelle.jpg"))
    finally:
        svc.close()
    damaged: list[int] = []
    original = SyncClient.upload_chunk

    def damaging(self: SyncClient, sha256: str, offset: int, size: int, data: bytes) -> Any:
        damaged.append(len(data))
        return original(self, sha256, offset, size, b"\x00" + data[1:])

    monkeypatch.setattr(SyncClient, "upload_chunk", damaging)
    assert main(["--data-dir", str(folder), "sync"]) == 0
    err = capsys.readouterr().err
    assert damaged, "the fault was not injected"
    assert "1 fichier(s) joint(s) non envoyé(s)" in err
    assert "fichier joint non envoyé : ruelle.jpg (le fichier est endommagé" in err
