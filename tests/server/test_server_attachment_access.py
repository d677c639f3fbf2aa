"""A photo's hash is not a capability, and nobody can jam another account's upload.

An agent of the Cantal (15) who read the SHA-256 of a Haute-Loire (43) photo somewhere
(an old log line) tries to get it through a record of his own, to learn whether it
exists and how big it is, and to jam its upload; partial uploads expire (clock
injected).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from fieldvisit.server.blobs import Upload
from fieldvisit.server.testing import (
    add_user,
    attachment_fields,
    change,
    push_body,
    visit_fields,
)

Login = Callable[..., dict[str, str]]
PASSWORD = "mot-de-passe-solide"  # as in conftest.py
PHOTO_43 = b"\xff\xd8 photo du local commercial vide, Yssingeaux \xff\xd9" * 40
SHA_43 = hashlib.sha256(PHOTO_43).hexdigest()


def _put(client: TestClient, h: dict, sha: str, offset: int, size: int, data: bytes):  # type: ignore[no-untyped-def]
    return client.put(
        f"/api/v1/attachments/{sha}?offset={offset}&size={size}", headers=h, content=data
    )


def _push(client: TestClient, h: dict, device: str, *changes: dict) -> list[dict]:
    answer = client.post("/api/v1/push", headers=h, json=push_body(device, *changes))
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


@pytest.fixture
def photo_of_43(client: TestClient, login_as: Login) -> dict[str, str]:
    """agent43 uploads the photo and attaches it to a visit of 43; their header."""
    h43 = login_as("agent43")
    assert _put(client, h43, SHA_43, 0, len(PHOTO_43), PHOTO_43).json()["complete"]
    results = _push(
        client,
        h43,
        "dev-agent43",
        change("visits", "v43", visit_fields("43", "43268")),
        change("attachments", "p43", attachment_fields("v43", SHA_43, len(PHOTO_43))),
    )
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    return h43


def test_a_known_hash_does_not_fetch_another_territorys_photo(
    client: TestClient, login_as: Login, photo_of_43: dict[str, str]
) -> None:
    h15 = login_as("agent15")
    forged = attachment_fields("v15", SHA_43, len(PHOTO_43))
    results = _push(
        client,
        h15,
        "dev-agent15",
        change("visits", "v15", visit_fields("15", "15187")),
        change("attachments", "p15", forged),
    )
    assert results[0]["status"] == "accepted"
    assert results[1]["status"] == "rejected" and results[1]["code"] == "file_not_received"
    download = client.get(f"/api/v1/attachments/{SHA_43}/content", headers=h15)
    assert download.status_code == 404
    assert b"Yssingeaux" not in download.content
    # Neither does the upload status tell him that the file exists, nor its size.
    unknown = hashlib.sha256(b"jamais vu sur ce serveur").hexdigest()
    status = client.get(f"/api/v1/attachments/{SHA_43}", headers=h15).json()
    never = client.get(f"/api/v1/attachments/{unknown}", headers=h15).json()
    assert status == {**never, "sha256": SHA_43}
    assert status == {"sha256": SHA_43, "size": None, "received": 0, "complete": False}
    # The colleagues of 43 still get it, through their record.
    coord = login_as("coord43")  # 15 and 43
    assert client.get(f"/api/v1/attachments/{SHA_43}/content", headers=coord).content == PHOTO_43


def test_whoever_has_the_bytes_sends_them_all_before_attaching_them(
    client: TestClient, login_as: Login, photo_of_43: dict[str, str]
) -> None:
    """The same photo taken in the Cantal (same bytes): its agent proves he has it by
    uploading it, hash-checked, even though the server has a copy already."""
    h15 = login_as("agent15")
    half = len(PHOTO_43) // 2
    first = _put(client, h15, SHA_43, 0, len(PHOTO_43), PHOTO_43[:half]).json()
    assert first == {"sha256": SHA_43, "size": len(PHOTO_43), "received": half, "complete": False}
    wrong = _put(client, h15, SHA_43, half, len(PHOTO_43), b"x" * (len(PHOTO_43) - half))
    assert wrong.status_code == 422 and wrong.json()["code"] == "hash_mismatch"
    assert _put(client, h15, SHA_43, 0, len(PHOTO_43), PHOTO_43).json()["complete"] is True
    results = _push(
        client,
        h15,
        "dev-agent15",
        change("visits", "v15", visit_fields("15", "15187")),
        change("attachments", "p15", attachment_fields("v15", SHA_43, len(PHOTO_43))),
    )
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    coord15 = login_as("coord15")
    assert client.get(f"/api/v1/attachments/{SHA_43}/content", headers=coord15).content == PHOTO_43


def test_an_attachment_record_never_changes_its_file(
    client: TestClient, login_as: Login, photo_of_43: dict[str, str]
) -> None:
    h15 = login_as("agent15")
    own = b"\xff\xd8 photo de la halle de Saint-Flour \xff\xd9"
    own_sha = hashlib.sha256(own).hexdigest()
    assert _put(client, h15, own_sha, 0, len(own), own).json()["complete"]
    results = _push(
        client,
        h15,
        "dev-agent15",
        change("visits", "v15", visit_fields("15", "15187")),
        change("attachments", "p15", attachment_fields("v15", own_sha, len(own))),
    )
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    swapped = change("attachments", "p15", attachment_fields("v15", SHA_43, len(own)), base=1)
    [result] = _push(client, h15, "dev-agent15", swapped)
    assert result["status"] == "rejected" and result["code"] == "invalid"
    assert client.get(f"/api/v1/attachments/{SHA_43}/content", headers=h15).status_code == 404
    # A colleague who never had the bytes may still edit the caption of that record.
    coord = login_as("coord15")
    caption = {**attachment_fields("v15", own_sha, len(own)), "caption": "La halle"}
    [edited] = _push(client, coord, "dev-coord15", change("attachments", "p15", caption, base=1))
    assert edited["status"] == "accepted"


def test_a_deleted_attachment_record_keeps_its_file_and_proves_it_from_a_holder(
    client: TestClient, login_as: Login, photo_of_43: dict[str, str]
) -> None:
    """A photo attached and deleted before any sync reaches the server as a tombstone
    of its holder: its file is proven for the territory then, so that a colleague who
    undoes the deletion (server/deletions.py) brings back a photo they can download;
    and deleting a record does not change its file either."""
    h15 = login_as("agent15")
    own = b"\xff\xd8 photo du lavoir de Saint-Flour \xff\xd9"
    own_sha = hashlib.sha256(own).hexdigest()
    assert _put(client, h15, own_sha, 0, len(own), own).json()["complete"]
    mine = attachment_fields("v15", own_sha, len(own))
    results = _push(
        client,
        h15,
        "dev-agent15",
        change("visits", "v15", visit_fields("15", "15187")),
        change("attachments", "p15", mine, deleted=True),
    )
    assert [r["status"] for r in results] == ["accepted", "accepted"], results
    coord = login_as("coord15")  # never had the bytes
    [back] = _push(client, coord, "dev-coord15", change("attachments", "p15", mine, base=1))
    assert back["status"] == "accepted", back
    download = client.get(f"/api/v1/attachments/{own_sha}/content", headers=coord)
    assert download.status_code == 200 and download.content == own
    forged = attachment_fields("v15", SHA_43, len(PHOTO_43))
    swapped = change("attachments", "p15", forged, base=2, deleted=True)
    [result] = _push(client, h15, "dev-agent15", swapped)
    assert result["status"] == "rejected" and result["code"] == "invalid"


def test_another_account_cannot_jam_an_upload(
    client: TestClient, login_as: Login, app: FastAPI
) -> None:
    """agent43 knows the hash before the 15 laptop uploads it: 1 byte, wrong size."""
    photo = b"\xff\xd8 photo du marche couvert de Murat, 15 \xff\xd9" * 30
    sha = hashlib.sha256(photo).hexdigest()
    h43, h15 = login_as("agent43"), login_as("agent15")
    assert _put(client, h43, sha, 0, 999_999, b"x").json()["received"] == 1
    # The Cantal agent's upload is his own: it starts at 0 and ends at once.
    mine = client.get(f"/api/v1/attachments/{sha}", headers=h15).json()
    assert mine == {"sha256": sha, "size": None, "received": 0, "complete": False}
    assert _put(client, h15, sha, 0, len(photo), photo).json()["complete"] is True
    # Nor can agent43 add to, cut or resize it.
    assert _put(client, h43, sha, 1, 999_999, b"y").json()["complete"] is False
    assert client.get(f"/api/v1/attachments/{sha}", headers=h15).json()["complete"] is True
    assert app.state.ctx.blobs.object_path(sha).read_bytes() == photo


def test_an_upload_started_again_with_another_size_starts_from_zero(
    client: TestClient, login_as: Login
) -> None:
    photo = b"\xff\xd8 photo retouchee de la mairie \xff\xd9" * 30
    sha = hashlib.sha256(photo).hexdigest()
    h = login_as("agent15")
    assert _put(client, h, sha, 0, len(photo) + 7, photo[:100]).json()["received"] == 100
    resumed = _put(client, h, sha, 100, len(photo), photo[100:])
    assert resumed.status_code == 409 and resumed.json()["code"] == "size_mismatch"
    assert _put(client, h, sha, 0, len(photo), photo).json()["complete"] is True


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _served(app: FastAPI) -> tuple[TestClient, Login]:
    ctx = app.state.ctx
    for name, territory in (("agent15", "15"), ("agent43", "43")):
        add_user(ctx.db, ctx.passwords, name, PASSWORD, "agent", (territory,))
    client = TestClient(app)

    def login(username: str) -> dict[str, str]:
        body = {"username": username, "password": PASSWORD, "device_id": f"dev-{username}"}
        token = client.post("/api/v1/login", json=body).json()["token"]
        return {"Authorization": f"Bearer {token}"}

    return client, login


def test_partial_uploads_expire_after_a_day_without_progress(
    make_app: Callable[..., FastAPI],
) -> None:
    clock = Clock()
    app = make_app(clock=clock)
    client, login_as = _served(app)
    photo = b"\xff\xd8 photo du parking de la gare, abandonnee \xff\xd9" * 30
    sha = hashlib.sha256(photo).hexdigest()
    h43 = login_as("agent43")
    assert _put(client, h43, sha, 0, len(photo), photo[:50]).json()["received"] == 50
    [partial] = (app.state.ctx.blobs.root / "partial").rglob(sha)

    clock.now += timedelta(hours=23)  # still going: it resumes
    assert client.get(f"/api/v1/attachments/{sha}", headers=h43).json()["received"] == 50
    clock.now += timedelta(hours=2)  # 25 h without a byte: gone
    assert client.get(f"/api/v1/attachments/{sha}", headers=h43).json()["received"] == 0
    other = b"\xff\xd8 une autre photo, plus tard \xff\xd9"
    h15 = login_as("agent15")
    _put(client, h15, hashlib.sha256(other).hexdigest(), 0, len(other), other)  # sweeps
    assert not partial.exists()
    with app.state.ctx.db.reading() as session:
        assert session.scalars(select(Upload).where(Upload.sha256 == sha)).all() == []
    late = _put(client, h43, sha, 50, len(photo), photo[50:])
    assert late.status_code == 409 and late.json()["code"] == "wrong_offset"


def test_a_deleted_record_brought_back_names_its_file_only_with_the_bytes(
    client: TestClient, login_as: Login, photo_of_43: dict[str, str]
) -> None:
    """The agent of 15 pushed a *deleted* attachment record naming the 43 photo's hash
    (a tombstone needs no bytes: a laptop deletes photos it never sent), then brought
    it back: a live record of 15 naming a file nobody of 15 ever had was accepted."""
    h15 = login_as("agent15")
    forged = attachment_fields("v15", SHA_43, len(PHOTO_43))
    tombstone = change("attachments", "p15", forged, deleted=True)
    results = _push(client, h15, "dev-agent15", change("visits", "v15", visit_fields()), tombstone)
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    [revived] = _push(client, h15, "dev-agent15", change("attachments", "p15", forged, base=1))
    assert (revived["status"], revived["code"]) == ("rejected", "file_not_received"), revived
    assert client.get(f"/api/v1/attachments/{SHA_43}/content", headers=h15).status_code == 404
    # A photo of 43 deleted and brought back by a colleague who never had its bytes:
    # its territory had it, from one who had them.
    coord = login_as("coord43")
    photo = attachment_fields("v43", SHA_43, len(PHOTO_43))
    [gone] = _push(client, coord, "dev-coord43", change("attachments", "p43", photo, 1, True))
    [back] = _push(client, coord, "dev-coord43", change("attachments", "p43", photo, 2))
    assert (gone["status"], back["status"]) == ("accepted", "accepted"), (gone, back)


def test_an_upload_thrown_away_for_a_wrong_hash_reads_as_never_started(
    client: TestClient, login_as: Login
) -> None:
    """A damaged upload (its bytes do not match the hash) is thrown away: the answer
    says so, and the status said « size 999999 » afterwards, of a partial whose bytes
    were deleted (the refusal rolled back the removal of its row)."""
    photo = b"\xff\xd8 photo de la fontaine, Saint-Flour \xff\xd9" * 30
    sha = hashlib.sha256(photo).hexdigest()
    h = login_as("agent15")
    assert _put(client, h, sha, 0, 999_999, b"x").json()["received"] == 1
    damaged = _put(client, h, sha, 0, len(photo), b"z" * len(photo))
    assert damaged.status_code == 422 and damaged.json()["code"] == "hash_mismatch"
    status = client.get(f"/api/v1/attachments/{sha}", headers=h).json()
    assert status == {"sha256": sha, "size": None, "received": 0, "complete": False}
    assert _put(client, h, sha, 0, len(photo), photo).json()["complete"] is True
