"""Bad input and faults get a clear answer, never a 500."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fieldvisit.server.testing import change, push_body, visit_fields
from fieldvisit.sync.wire import MAX_BATCH_CHANGES, MAX_BODY_BYTES, MAX_CHUNK_BYTES

Login = Callable[..., dict[str, str]]


@pytest.fixture
def h(login_as: Login) -> dict[str, str]:
    return login_as("agent15")


def _clear(answer, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"detail", "code"} and body["detail"]
    return body


@pytest.mark.parametrize(
    "payload",
    [
        b"{pas du json",
        b"[]",
        b'{"batch_id": "b", "device_id": "dev-agent15"}',
        b'{"batch_id": "b", "device_id": "dev-agent15", "changes": [], "extra": 1}',
        b'{"batch_id": "b", "device_id": "dev-agent15", "changes": [{"table": "users", '
        b'"id": "x", "base_version": 0, "fields": {}}]}',
        b'{"batch_id": "b", "device_id": "dev-agent15", "changes": [{"table": "visits", '
        b'"id": "x", "base_version": -1, "fields": {}}]}',
        b'{"batch_id": "b c/../", "device_id": "dev-agent15", "changes": []}',
        "\xff\xfe".encode("latin-1"),
    ],
)
def test_malformed_push_is_a_422_with_a_message(
    client: TestClient, h: dict, payload: bytes
) -> None:
    answer = client.post(
        "/api/v1/push", headers={**h, "Content-Type": "application/json"}, content=payload
    )
    assert "Requête invalide" in _clear(answer, 422)["detail"]


def test_too_many_changes_are_refused(client: TestClient, h: dict) -> None:
    many = [change("visits", f"v{i}", visit_fields()) for i in range(MAX_BATCH_CHANGES + 1)]
    _clear(client.post("/api/v1/push", headers=h, json=push_body("dev-agent15", *many)), 422)


def test_a_record_too_big_is_refused_alone_and_the_rest_of_the_batch_applied(
    client: TestClient, h: dict
) -> None:
    """A 300,000-character summary used to make the whole batch invalid (422), round
    after round: the visits sent with it never reached the server."""
    huge = change("visits", "v-huge", visit_fields(summary="x" * 300_000))
    body = push_body(
        "dev-agent15",
        change("visits", "v-before", visit_fields(summary="avant")),
        huge,
        change("visits", "v-after", visit_fields(summary="après")),
    )
    answer = client.post("/api/v1/push", headers=h, json=body)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["id"], r["status"], r["code"]) for r in results] == [
        ("v-before", "accepted", None),
        ("v-huge", "rejected", "too_large"),
        ("v-after", "accepted", None),
    ]
    assert "256 Kio" in results[1]["reason"]
    pulled = client.get("/api/v1/changes", headers=h).json()["records"]
    assert [r["id"] for r in pulled] == ["v-before", "v-after"]


def test_oversized_bodies_are_a_413_declared_or_streamed(client: TestClient, h: dict) -> None:
    big = b"x" * (MAX_BODY_BYTES + 1)
    answer = client.post(
        "/api/v1/push", headers={**h, "Content-Type": "application/json"}, content=big
    )
    assert "trop volumineuse" in _clear(answer, 413)["detail"]

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(MAX_BODY_BYTES // 2**20 + 2):
            yield b"x" * 2**20

    streamed = client.post("/api/v1/push", headers=h, content=chunks())
    _clear(streamed, 413)


def test_unknown_paths_and_methods(client: TestClient, h: dict) -> None:
    assert _clear(client.get("/api/v1/nope", headers=h), 404)["code"] == "not_found"
    _clear(client.delete("/api/v1/push", headers=h), 405)
    _clear(client.get("/api/v1/attachments/not-a-hash", headers=h), 422)
    _clear(client.get("/api/v1/changes?after=-1", headers=h), 422)
    _clear(client.get("/api/v1/changes?limit=100000", headers=h), 422)
    _clear(client.get("/api/v1/forms/inconnu/1", headers=h), 404)


def test_login_with_bad_input(client: TestClient) -> None:
    _clear(client.post("/api/v1/login", json={"username": "x"}), 422)
    long_name = {"username": "x" * 500, "password": "p", "device_id": "d"}
    _clear(client.post("/api/v1/login", json=long_name), 422)


def _put(client: TestClient, h: dict, sha: str, offset: int, size: int, data: bytes):  # type: ignore[no-untyped-def]
    return client.put(
        f"/api/v1/attachments/{sha}?offset={offset}&size={size}", headers=h, content=data
    )


def test_chunked_upload_resumes_and_checks_the_hash(client: TestClient, h: dict) -> None:
    data = bytes(range(256)) * 100
    sha = hashlib.sha256(data).hexdigest()
    assert _put(client, h, sha, 0, len(data), data[:1000]).json()["received"] == 1000
    status = client.get(f"/api/v1/attachments/{sha}", headers=h).json()
    assert status == {"sha256": sha, "size": len(data), "received": 1000, "complete": False}
    wrong = _clear(_put(client, h, sha, 500, len(data), data[500:1500]), 409)
    assert "1000" in wrong["detail"]
    _put(client, h, sha, 1000, len(data), data[1000:20000])
    again = _put(client, h, sha, 1000, len(data), data[1000:20000])  # duplicated request
    assert again.status_code == 409
    done = _put(client, h, sha, 20000, len(data), data[20000:]).json()
    assert done["complete"] is True
    replay = _put(client, h, sha, 20000, len(data), data[20000:])
    assert replay.status_code == 200 and replay.json()["complete"] is True
    assert client.get(f"/api/v1/attachments/{sha}/content", headers=h).content == data


def test_bytes_that_do_not_match_their_hash_are_thrown_away(client: TestClient, h: dict) -> None:
    data = b"photo"
    sha = hashlib.sha256(b"autre chose").hexdigest()
    body = _clear(_put(client, h, sha, 0, len(data), data), 422)
    assert "empreinte" in body["detail"]
    status = client.get(f"/api/v1/attachments/{sha}", headers=h).json()
    assert status["received"] == 0 and status["complete"] is False
    assert client.get(f"/api/v1/attachments/{sha}/content", headers=h).status_code == 404


def test_upload_limits(client: TestClient, h: dict) -> None:
    sha = hashlib.sha256(b"x").hexdigest()
    _clear(_put(client, h, sha, 0, 2**40, b"x"), 413)
    _clear(_put(client, h, sha, 0, 1, b"xy"), 422)
    big = b"x" * (MAX_CHUNK_BYTES + 1)
    _clear(_put(client, h, sha, 0, len(big), big), 413)


def test_an_attachment_record_before_its_file_is_refused_until_uploaded(
    client: TestClient, h: dict
) -> None:
    from fieldvisit.server.testing import attachment_fields

    data = b"photo"
    sha = hashlib.sha256(data).hexdigest()
    visit = change("visits", "v", visit_fields())
    photo = change("attachments", "p", attachment_fields("v", sha, len(data)))
    results = client.post("/api/v1/push", headers=h, json=push_body("dev-agent15", visit, photo))
    assert [r["status"] for r in results.json()["results"]] == ["accepted", "rejected"]
    _put(client, h, sha, 0, len(data), data)
    again = client.post("/api/v1/push", headers=h, json=push_body("dev-agent15", photo))
    assert again.json()["results"][0]["status"] == "accepted"


def test_forms_publishing_checks(client: TestClient, login_as: Login) -> None:
    admin = login_as("admin")
    good = b'id = "essai"\nversion = 1\ntitle = "Essai"\n'
    assert client.put("/api/v1/forms/essai/1", headers=admin, content=good).status_code == 201
    assert client.put("/api/v1/forms/essai/1", headers=admin, content=good).status_code == 200
    _clear(client.put("/api/v1/forms/essai/1", headers=admin, content=good + b"#"), 409)
    _clear(client.put("/api/v1/forms/essai/2", headers=admin, content=good), 422)
    _clear(client.put("/api/v1/forms/essai/3", headers=admin, content=b"= pas du toml"), 422)
    _clear(client.put("/api/v1/forms/ESSAI!/1", headers=admin, content=good), 422)


def test_database_unavailable_is_a_503(app: FastAPI, client: TestClient, h: dict) -> None:
    from sqlalchemy import create_engine

    from fieldvisit.server.db import Database

    ctx = app.state.ctx
    saved = ctx.db
    ctx.db = Database(create_engine("sqlite:////nonexistent/folder/db.sqlite3"))
    try:
        answer = client.get("/api/v1/changes", headers=h)
    finally:
        ctx.db = saved
    assert _clear(answer, 503)["code"] == "database_unavailable"
    assert answer.headers["Retry-After"]
