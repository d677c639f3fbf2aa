"""Laptops (data dirs with Services) syncing with an in-process server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from sqlalchemy import select

from fieldvisit.paths import DataDir
from fieldvisit.server.app import create_app
from fieldvisit.server.testing import ENV_TEST_PG_URL, add_user, fast_passwords, postgres_schema
from fieldvisit.services import Services
from fieldvisit.sync.codec import TABLE_OBJECTS, row_fields
from fieldvisit.sync.engine import SyncReport
from fieldvisit.sync.session import login, sync_once

PASSWORD = "mot-de-passe-solide"
SERVER = "http://testserver"
PG_URL = os.environ.get(ENV_TEST_PG_URL)

# Hypothesis profiles: "dev" (default) is quick; .ci/run selects "ci".
settings.register_profile(
    "dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("FIELDVISIT_HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _file_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the OS keyring."""
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")


class StepClock:
    """Deterministic wall clock; `offset` shifts it (a laptop hours off)."""

    def __init__(self, offset: timedelta = timedelta()) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC) + offset

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


class Laptop:
    def __init__(self, svc: Services, http: TestClient) -> None:
        self.svc = svc
        self.http = http

    def login(self, username: str, password: str = PASSWORD) -> None:
        login(self.svc, SERVER, username, password, device_name="test", http=self.http)

    def sync(self) -> SyncReport:
        return sync_once(self.svc, http=self.http)

    def snapshot(self) -> dict[tuple[str, str], tuple[dict[str, Any], bool]]:
        """Every local record: (table, id) -> (wire fields, deleted)."""
        out: dict[tuple[str, str], tuple[dict[str, Any], bool]] = {}
        with self.svc.store.reading() as session:
            for table, t in TABLE_OBJECTS.items():
                for row in session.execute(select(t)):
                    out[(table, row.id)] = (row_fields(table, row), row.deleted_at is not None)
        return out

    def pending(self) -> int:
        with self.svc.store.reading() as session:
            return sum(
                len(session.execute(select(t.c.id).where(t.c.pending.is_(True))).all())
                for t in TABLE_OBJECTS.values()
            )

    def conflicts(self) -> list[Any]:
        from fieldvisit.sync.conflicts import open_conflicts

        return open_conflicts(self.svc)


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not PG_URL, reason=f"{ENV_TEST_PG_URL} not set"),
        ),
    ]
)
def server_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}"
    else:
        assert PG_URL is not None
        with postgres_schema(PG_URL) as url:
            yield url


@pytest.fixture
def server(server_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    app = create_app(server_url, tmp_path / "server-files", passwords=fast_passwords())
    ctx = app.state.ctx
    add_user(ctx.db, ctx.passwords, "agent15", PASSWORD, "agent", ("15",))
    add_user(ctx.db, ctx.passwords, "agent43", PASSWORD, "agent", ("43",))
    add_user(ctx.db, ctx.passwords, "coord", PASSWORD, "coordinateur", ("15", "43"))
    add_user(ctx.db, ctx.passwords, "admin", PASSWORD, "admin", ())
    yield app
    ctx.db.close()


@pytest.fixture
def laptops(
    server: FastAPI, tmp_path: Path, communes: Any, test_forms: Path
) -> Iterator[Callable[..., Laptop]]:
    opened: list[Services] = []

    def make(name: str, user: str = "agent15", clock_offset: timedelta = timedelta()) -> Laptop:
        # The shipped forms and the tests' own (a repeatable group of any form).
        svc = Services.open(
            DataDir(tmp_path / name), extra_form_dirs=[test_forms], clock=StepClock(clock_offset)
        )
        svc.__dict__["communes"] = communes
        opened.append(svc)
        laptop = Laptop(svc, TestClient(server))
        laptop.login(user)
        return laptop

    yield make
    for svc in opened:
        svc.close()
