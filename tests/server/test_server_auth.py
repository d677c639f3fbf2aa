"""Accounts and device tokens: argon2id hashes, expiry, revocation, rate-limited logins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from fieldvisit.server.auth import LoginLimiter, token_hash
from fieldvisit.server.models import Device, User
from fieldvisit.server.testing import add_user

PASSWORD = "mot-de-passe-solide"


def _login(client: TestClient, username: str, password: str = PASSWORD, device: str = "d1"):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/login",
        json={"username": username, "password": password, "device_id": device},
    )


def test_login_returns_a_random_token_stored_only_as_its_hash(
    app: FastAPI, client: TestClient
) -> None:
    first = _login(client, "agent15").json()
    second = _login(client, "agent15", device="d2").json()
    assert first["token"] != second["token"] and len(first["token"]) >= 40
    assert first["user"] == {"username": "agent15", "role": "agent", "territories": ["15"]}
    with app.state.ctx.db.reading() as session:
        hashes = set(session.scalars(select(Device.token_hash)))
        stored = session.scalar(select(User.password_hash).where(User.username == "agent15"))
    assert token_hash(first["token"]) in hashes and first["token"] not in hashes
    assert stored.startswith("$argon2id$")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {first['token']}"})
    assert me.status_code == 200 and me.json()["username"] == "agent15"


def test_wrong_password_and_unknown_user_get_the_same_clear_401(client: TestClient) -> None:
    wrong = _login(client, "agent15", "pas-le-bon-mot")
    unknown = _login(client, "personne", "pas-le-bon-mot")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["detail"] == "Nom d'utilisateur ou mot de passe incorrect."


def test_logins_are_rate_limited_per_user_and_address(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(limiter=LoginLimiter(per_user=3, per_address=100, window=60))
    ctx = app.state.ctx
    add_user(ctx.db, ctx.passwords, "agent15", PASSWORD)
    client = TestClient(app)
    for _ in range(3):
        assert _login(client, "agent15", "mauvais-mot").status_code == 401
    blocked = _login(client, "agent15")  # even the right password, for a while
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Trop de tentatives" in blocked.json()["detail"]


def test_rate_limit_window_slides() -> None:
    now = [0.0]
    limiter = LoginLimiter(per_user=2, per_address=10, window=60, clock=lambda: now[0])
    limiter.failed("u", "ip")
    limiter.failed("u", "ip")
    assert limiter.retry_after("u", "ip") > 0
    assert limiter.retry_after("v", "ip") == 0
    now[0] = 61.0
    assert limiter.retry_after("u", "ip") == 0


def test_expired_token_is_refused_with_a_clear_message(app: FastAPI, client: TestClient) -> None:
    token = _login(client, "agent15").json()["token"]
    with app.state.ctx.db.transaction() as session:
        device = session.scalar(select(Device).where(Device.token_hash == token_hash(token)))
        device.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert answer.json()["code"] == "token_expired"
    assert "fieldvisit login" in answer.json()["detail"]


def test_revoked_token_and_logout(client: TestClient) -> None:
    token = _login(client, "agent15").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/logout", headers=headers).status_code == 204
    answer = client.get("/api/v1/me", headers=headers)
    assert answer.status_code == 401 and answer.json()["code"] == "token_revoked"


def test_a_new_login_of_the_same_device_revokes_its_old_token(client: TestClient) -> None:
    old = _login(client, "agent15").json()["token"]
    _login(client, "agent15")
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {old}"})
    assert answer.json()["code"] == "token_revoked"


def test_missing_or_garbage_authorization(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer nope"}):
        answer = client.get("/api/v1/changes", headers=headers)
        assert answer.status_code == 401
        assert answer.json()["detail"]


def test_a_password_change_ends_the_users_sessions_unless_told_otherwise(
    client: TestClient,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`fieldvisit-server users passwd` used to keep every token of the account valid:
    a stolen laptop still synced after its owner changed the password."""
    from fieldvisit.server.cli import main

    def me(token: str) -> int:
        return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code

    laptop = _login(client, "agent15", device="portable").json()["token"]
    stolen = _login(client, "agent15", device="vole").json()["token"]
    colleague = _login(client, "agent43", device="autre").json()["token"]
    new_password = "un-tout-nouveau-mot-de-passe"
    monkeypatch.setenv("FIELDVISIT_SERVER_PASSWORD", new_password)

    assert main(["users", "passwd", "agent15", "--db", db_url]) == 0
    assert "2 appareil(s) déconnecté(s)" in capsys.readouterr().err
    assert (me(laptop), me(stolen), me(colleague)) == (401, 401, 200)
    refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {laptop}"}).json()
    assert refused["code"] == "token_revoked" and "reconnectez-vous" in refused["detail"]
    assert _login(client, "agent15").status_code == 401  # the old password
    again = _login(client, "agent15", new_password, device="portable").json()["token"]

    monkeypatch.setenv("FIELDVISIT_SERVER_PASSWORD", "encore-un-autre-mot-de-passe")
    assert main(["users", "passwd", "agent15", "--keep-sessions", "--db", db_url]) == 0
    assert "restent connectés" in capsys.readouterr().err
    assert me(again) == 200
