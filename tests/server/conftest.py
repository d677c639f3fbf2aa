"""The server in-process on SQLite and, when FIELDVISIT_TEST_PG_URL is set, PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fieldvisit.server.app import create_app
from fieldvisit.server.testing import ENV_TEST_PG_URL, add_user, fast_passwords, postgres_schema

PASSWORD = "mot-de-passe-solide"
PG_URL = os.environ.get(ENV_TEST_PG_URL)

# Users of the authorization walk: one per role, territories 15 (Cantal) and 43.
USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "agent15": ("agent", ("15",)),
    "agent43": ("agent", ("43",)),
    "coord15": ("coordinateur", ("15",)),
    "coord43": ("coordinateur", ("15", "43")),
    "admin": ("admin", ()),
}


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not PG_URL, reason=f"{ENV_TEST_PG_URL} not set"),
        ),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}"
    else:
        assert PG_URL is not None
        with postgres_schema(PG_URL) as url:
            yield url


@pytest.fixture
def make_app(db_url: str, tmp_path: Path) -> Iterator[Callable[..., FastAPI]]:
    """Build the app on the test database (again = a server restart on the same data)."""
    apps: list[FastAPI] = []

    def factory(**options: Any) -> FastAPI:
        options.setdefault("passwords", fast_passwords())
        app = create_app(db_url, tmp_path / "server-files", **options)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.state.ctx.db.close()


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> FastAPI:
    app = make_app()
    ctx = app.state.ctx
    for name, (role, territories) in USERS.items():
        add_user(ctx.db, ctx.passwords, name, PASSWORD, role, territories)
    return app


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture
def login_as(client: TestClient) -> Callable[..., dict[str, str]]:
    """Log a user in; the Authorization header of their device."""

    def login(username: str, device: str | None = None) -> dict[str, str]:
        response = client.post(
            "/api/v1/login",
            json={
                "username": username,
                "password": PASSWORD,
                "device_id": device or f"dev-{username}",
            },
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    return login
