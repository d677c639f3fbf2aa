"""The app's automatic sync: rounds off the UI thread, states by signal, offline probe."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PySide6.QtNetwork import QNetworkInformation

from fieldvisit.server.app import create_app
from fieldvisit.server.testing import add_user, fast_passwords
from fieldvisit.services.visits import plan_visit
from fieldvisit.sync.session import login
from fieldvisit.ui.sync.sync_controller import SyncController, SyncPhase

PASSWORD = "mot-de-passe-solide"


@pytest.fixture(autouse=True)
def _file_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FastAPI]:
    app = create_app(
        f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path / "files",
        passwords=fast_passwords(),
    )
    add_user(app.state.ctx.db, app.state.ctx.passwords, "agent", PASSWORD, "agent", ("15",))
    yield app
    app.state.ctx.db.close()


def _offline() -> httpx.Client:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("réseau coupé", request=request)

    return httpx.Client(transport=httpx.MockTransport(refuse))


def _phases(controller: SyncController) -> list[SyncPhase]:
    seen: list[SyncPhase] = []
    controller.state_changed.connect(lambda state: seen.append(state.phase))
    return seen


def test_without_a_server_the_state_says_so(qtbot: Any, services: Any) -> None:
    controller = SyncController(services)
    with qtbot.waitSignal(controller.state_changed, timeout=10_000) as blocker:
        assert controller.sync_now()
    assert blocker.args[0].phase == SyncPhase.UNCONFIGURED
    controller.stop()


def test_a_round_syncs_in_the_background_and_reports(
    qtbot: Any, services: Any, server: FastAPI
) -> None:
    http = TestClient(server)
    login(services, "http://testserver", "agent", PASSWORD, http=http)
    plan_visit(services, "15187", date(2026, 3, 14))
    controller = SyncController(services, http=http)
    phases = _phases(controller)
    progress: list[tuple[str, int, int]] = []
    controller.progress_changed.connect(lambda *args: progress.append(args))
    controller.sync_now()
    qtbot.waitUntil(lambda: SyncPhase.UP_TO_DATE in phases, timeout=20_000)
    assert phases[:2] == [SyncPhase.SYNCING, SyncPhase.UP_TO_DATE]
    state = controller.state
    assert state.status is not None and state.status.pending == 0
    assert state.status.last_sync_at is not None and state.report is not None
    assert ("push", 1, 1) in progress
    controller.stop()


def test_no_network_reads_as_offline_and_keeps_the_changes(
    qtbot: Any, services: Any, server: FastAPI
) -> None:
    login(services, "http://testserver", "agent", PASSWORD, http=TestClient(server))
    plan_visit(services, "15187", date(2026, 3, 14))
    controller = SyncController(services, http=_offline())
    with qtbot.waitSignal(controller.state_changed, timeout=10_000) as blocker:
        controller.sync_now()
    state = blocker.args[0]
    assert state.phase == SyncPhase.OFFLINE and state.status.pending == 1
    controller.stop()


def test_a_second_request_during_a_round_is_ignored(
    qtbot: Any, services: Any, server: FastAPI
) -> None:
    http = TestClient(server)
    login(services, "http://testserver", "agent", PASSWORD, http=http)
    controller = SyncController(services, http=http)
    controller._running.set()  # as while a round runs
    assert controller.sync_now() is False
    controller._running.clear()
    with qtbot.waitSignal(controller.state_changed, timeout=10_000):
        assert controller.sync_now() is True
    controller.stop()


def test_the_network_coming_back_starts_a_round(qtbot: Any, services: Any, server: FastAPI) -> None:
    http = TestClient(server)
    login(services, "http://testserver", "agent", PASSWORD, http=http)
    controller = SyncController(services, http=http)
    phases = _phases(controller)
    controller._on_reachability(QNetworkInformation.Reachability.Disconnected)
    assert phases == [SyncPhase.OFFLINE]
    controller._on_reachability(QNetworkInformation.Reachability.Online)
    qtbot.waitUntil(lambda: SyncPhase.UP_TO_DATE in phases, timeout=20_000)
    controller.stop()


def test_rounds_repeat_on_the_timer(qtbot: Any, services: Any, server: FastAPI) -> None:
    http = TestClient(server)
    login(services, "http://testserver", "agent", PASSWORD, http=http)
    controller = SyncController(services, http=http, interval_ms=100)
    phases = _phases(controller)
    controller.start()
    qtbot.waitUntil(lambda: phases.count(SyncPhase.UP_TO_DATE) >= 2, timeout=20_000)
    controller.stop()
