"""`fieldvisit sync` with nothing to do is finished without the sync engine
(sync/quick.py); anything else is the full round, which behaves as it always did.

A real server on 127.0.0.1 (uvicorn in a thread, SQLite), a real encrypted data dir,
the command line in process. Each test says which way the round went (`quick`: the
quick look finished it) and checks what the person is told and what is stored.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from fieldvisit.cli import main
from fieldvisit.paths import DataDir
from fieldvisit.server.app import create_app
from fieldvisit.server.testing import (
    add_user,
    fast_passwords,
    plant_record,
    restore_server,
    serve,
    server_snapshot,
    snapshot_server,
    visit_fields,
)
from fieldvisit.services import Services
from fieldvisit.services.answers import answer_item
from fieldvisit.services.visits import plan_visit
from fieldvisit.sync import quick
from fieldvisit.sync.credentials import token_store
from fieldvisit.sync.wire import API_PREFIX, TABLE_ORDER

PASSWORD = "mot-de-passe-solide"
FORM = "visite-centre-bourg"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")
    monkeypatch.setenv("FIELDVISIT_PASSWORD", PASSWORD)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Any, str]]:
    app = create_app(
        f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path / "server-files",
        passwords=fast_passwords(),
    )
    ctx = app.state.ctx
    add_user(ctx.db, ctx.passwords, "agent15", PASSWORD, "agent", ("15",))
    with serve(app) as url:
        yield app, url
    ctx.db.close()


@pytest.fixture
def synced(
    tmp_path: Path, server: tuple[Any, str], communes: Any, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str]:
    """A data dir logged in and synced (one visit with an answer): the visit's id."""
    _app, url = server
    data = tmp_path / "portable"
    assert main(["--data-dir", str(data), "login", "--server", url, "--user", "agent15"]) == 0
    visit = edit(data, communes, lambda svc: plan_visit(svc, "15187", date(2026, 3, 14)))
    edit(data, communes, lambda svc: answer_item(svc, visit.id, FORM, "parcours", "Place"))
    assert main(["--data-dir", str(data), "sync"]) == 0
    assert main(["--data-dir", str(data), "sync"]) == 0  # the cursor past its own records
    capsys.readouterr()
    return data, visit.id


def edit(data: Path, communes: Any, action: Any) -> Any:
    svc = Services.open(DataDir(data))
    svc.__dict__["communes"] = communes
    try:
        return action(svc)
    finally:
        svc.close()


def sync(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: Path
) -> tuple[int, str, bool]:
    """`fieldvisit sync`: exit code, stderr, and whether the quick look finished it."""
    finished: list[bool] = []
    real = quick.nothing_to_sync

    def watched(*args: Any, **kwargs: Any) -> bool:
        finished.append(real(*args, **kwargs))
        return finished[-1]

    with monkeypatch.context() as patch:
        patch.setattr(quick, "nothing_to_sync", watched)
        code = main(["--data-dir", str(data), "sync"])
    _out, err = capsys.readouterr()
    assert len(finished) == 1
    return code, err, finished[0]


def state(data: Path) -> dict[str, Any]:
    svc = Services.open(DataDir(data))
    try:
        with svc.store.raw_connection() as conn:
            row = conn.execute(
                "SELECT cursor, last_sync_at, last_error, server_epoch FROM sync_state"
            ).fetchone()
            pending = sum(
                conn.execute(f"SELECT count(*) FROM {t} WHERE pending = 1").fetchone()[0]
                for t in TABLE_ORDER
            )
    finally:
        svc.close()
    return dict(zip(("cursor", "last_sync_at", "last_error", "epoch"), row, strict=True)) | {
        "pending": pending
    }


def test_the_quick_look_knows_the_wire_of_the_full_round() -> None:
    assert quick.SYNCED_TABLES == TABLE_ORDER and quick.API_PREFIX == API_PREFIX


def test_nothing_to_do_is_finished_quickly_and_remembered(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    synced: tuple[Path, str],
) -> None:
    data, _visit = synced
    edit(data, None, _set_last_error)
    before = state(data)
    code, err, finished = sync(capsys, monkeypatch, data)
    after = state(data)
    assert (code, finished) == (0, True)
    assert err == "Synchronisation…\nSynchronisation terminée : 0 reçu(s), 0 envoyé(s).\n"
    assert after["last_sync_at"] > before["last_sync_at"]  # as the full round remembers it
    assert after["last_error"] is None and before["last_error"] == "hors ligne"
    assert after["cursor"] == before["cursor"] and after["epoch"] == before["epoch"]


def _set_last_error(svc: Services) -> None:
    with svc.store.raw_connection() as conn:
        conn.execute("UPDATE sync_state SET last_error = 'hors ligne'")


def test_a_pending_change_goes_in_the_full_round(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    synced: tuple[Path, str],
    server: tuple[Any, str],
    communes: Any,
) -> None:
    data, visit = synced
    edit(data, communes, lambda svc: answer_item(svc, visit, FORM, "parcours", "Halle"))
    code, err, finished = sync(capsys, monkeypatch, data)
    assert (code, finished) == (0, False)
    assert "0 reçu(s), 1 envoyé(s)" in err and state(data)["pending"] == 0
    # The next pull brings its own change back (the cursor moves: the full round), and
    # then nothing is left.
    assert [sync(capsys, monkeypatch, data)[2] for _ in range(2)] == [False, True]


def test_something_new_on_the_server_is_pulled_by_the_full_round(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    synced: tuple[Path, str],
    server: tuple[Any, str],
) -> None:
    data, _visit = synced
    app, _url = server
    cursor = state(data)["cursor"]
    plant_record(app.state.ctx.db, "visits", "v-planted-by-a-colleague", visit_fields())
    code, err, finished = sync(capsys, monkeypatch, data)
    assert (code, finished) == (0, False)
    assert "1 reçu(s), 0 envoyé(s)" in err and state(data)["cursor"] > cursor


def test_a_change_saved_while_the_server_answers_is_not_counted_as_synced(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    synced: tuple[Path, str],
    server: tuple[Any, str],
    communes: Any,
) -> None:
    """The app saves an answer between the quick look at the database and the server's
    answer: the quick look sees it in its write transaction, the full round sends it."""
    data, visit = synced
    app, _url = server
    real = quick._pull_page
    saved: list[str] = []

    def pull_then_save(*args: Any) -> Any:
        page = real(*args)
        edit(data, communes, lambda svc: answer_item(svc, visit, FORM, "parcours", "Mairie"))
        saved.append("Mairie")
        return page

    monkeypatch.setattr(quick, "_pull_page", pull_then_save)
    code, err, finished = sync(capsys, monkeypatch, data)
    assert saved == ["Mairie"]  # the fault fired, once (the full round does not call it)
    assert (code, finished) == (0, False)
    assert "1 envoyé(s)" in err and state(data)["pending"] == 0
    on_server = server_snapshot(app.state.ctx.db)
    answers = [fields for (table, _id), (fields, _gone) in on_server.items() if table == "answers"]
    assert [a["value"] for a in answers] == ["Mairie"]


def test_a_restored_server_is_noticed_by_the_full_round(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    synced: tuple[Path, str],
    server: tuple[Any, str],
) -> None:
    data, _visit = synced
    app, _url = server
    epoch = state(data)["epoch"]
    db = app.state.ctx.db
    restore_server(db, snapshot_server(db))  # a new epoch, nothing lost
    code, err, finished = sync(capsys, monkeypatch, data)
    assert (code, finished) == (0, False)
    assert "restauré depuis une sauvegarde" in err and state(data)["epoch"] != epoch
    assert sync(capsys, monkeypatch, data)[2] is True  # once


def test_a_held_refusal_is_told_by_the_full_round(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    synced: tuple[Path, str],
    communes: Any,
) -> None:
    data, _visit = synced
    edit(data, communes, lambda svc: plan_visit(svc, "43157", date(2026, 3, 14)))  # not 15
    assert sync(capsys, monkeypatch, data)[0] == 1  # refused by the server
    code, err, finished = sync(capsys, monkeypatch, data)
    assert (code, finished) == (1, False)
    assert "1 modification(s) refusée(s), non renvoyée(s)" in err


def test_a_revoked_token_is_told_by_the_full_round(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    synced: tuple[Path, str],
    server: tuple[Any, str],
) -> None:
    data, _visit = synced
    _app, url = server
    token = _token(data, url)
    httpx.post(f"{url}{API_PREFIX}/logout", headers={"Authorization": f"Bearer {token}"})
    code, err, finished = sync(capsys, monkeypatch, data)
    assert (code, finished) == (1, False)
    assert "fieldvisit login" in err and state(data)["last_error"]


def _token(data: Path, url: str) -> str:
    svc = Services.open(DataDir(data))
    try:
        token = token_store(data, svc.store.keys).get(url, "agent15")
    finally:
        svc.close()
    assert token
    return token


class _Failing(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


def test_a_server_error_is_told_by_the_full_round(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    synced: tuple[Path, str],
    server: tuple[Any, str],
) -> None:
    """The data dir's server answers 500 to everything (a server on 127.0.0.1 that
    fails): the quick look leaves it to the full round, which says so and exits 1."""
    data, _visit = synced
    _app, url = server
    failing = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    threading.Thread(target=failing.serve_forever, daemon=True).start()
    broken = f"http://127.0.0.1:{failing.server_address[1]}"
    token = _token(data, url)
    svc = Services.open(DataDir(data))
    try:
        token_store(data, svc.store.keys).set(broken, "agent15", token)
        with svc.store.raw_connection() as conn:
            conn.execute("UPDATE sync_state SET server_url = ?", (broken,))
    finally:
        svc.close()
    try:
        code, err, finished = sync(capsys, monkeypatch, data)
    finally:
        failing.shutdown()
        failing.server_close()
    assert (code, finished) == (1, False)
    assert "en difficulté (erreur 500)" in err and state(data)["last_error"]


def test_a_proxy_in_the_environment_is_left_to_the_full_round(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    synced: tuple[Path, str],
) -> None:
    """httpx goes through the proxy the environment names (here: not for 127.0.0.1);
    the quick look does not read proxy settings, so it leaves such a machine to httpx."""
    data, _visit = synced
    before = state(data)["last_sync_at"]
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    code, err, finished = sync(capsys, monkeypatch, data)
    assert (code, finished) == (0, False)
    assert "0 reçu(s), 0 envoyé(s)" in err and state(data)["last_sync_at"] > before
