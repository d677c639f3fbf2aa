"""Sync in the app, driven through its widgets against a real server on 127.0.0.1.

The server is the real FastAPI app under uvicorn, in a thread of the test process
(HTTP over the loopback, as in the field, and its database readable by the test).
A second laptop is a plain data dir that syncs through `sync_once`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from PySide6.QtCore import Qt

from fieldvisit.paths import DataDir
from fieldvisit.server.app import create_app
from fieldvisit.server.testing import add_user, fast_passwords, server_snapshot
from fieldvisit.services import Services
from fieldvisit.services.answers import answer_item
from fieldvisit.services.diagnostic import rate_theme
from fieldvisit.services.visits import get_visit, plan_visit, update_visit
from fieldvisit.sync.session import login, sync_once
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.sync.sync_controller import SyncPhase
from fieldvisit.ui.workspace.checklist_page import ChecklistPage
from fieldvisit.ui.workspace.diagnostic_page import DiagnosticPage

PASSWORD = "mot-de-passe-solide"
ROUND_TIMEOUT_MS = 30_000


@pytest.fixture(autouse=True)
def _file_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the OS keyring."""
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")


class LiveServer:
    """The server app under uvicorn on 127.0.0.1 (a free port), in a daemon thread."""

    def __init__(self, app: FastAPI, **tls: str) -> None:
        self.app = app
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
        config = uvicorn.Config(app, log_level="warning", **tls)  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:  # readiness, not timing
            assert self.thread.is_alive() and time.monotonic() < deadline, "no server"
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()

    def records(self) -> dict[tuple[str, str], tuple[dict[str, Any], bool]]:
        return server_snapshot(self.app.state.ctx.db)


def _server_app(tmp_path: Path) -> FastAPI:
    app = create_app(
        f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path / "server-files",
        passwords=fast_passwords(),
    )
    add_user(app.state.ctx.db, app.state.ctx.passwords, "agent", PASSWORD, "agent", ("15",))
    return app


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(_server_app(tmp_path)) as server:
        yield server


@pytest.fixture
def window(qtbot: Any, ui_ctx: UiContext) -> MainWindow:
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def other_laptop(tmp_path: Path, communes: Any) -> Iterator[Callable[[str], Services]]:
    """A second data dir logged in to the server (the colleague's laptop)."""
    opened: list[Services] = []

    def make(url: str) -> Services:
        svc = Services.open(DataDir(tmp_path / "collegue"))
        svc.__dict__["communes"] = communes
        opened.append(svc)
        login(svc, url, "agent", PASSWORD, device_name="portable de Claire")
        return svc

    yield make
    for svc in opened:
        svc.close()


def press_sync(qtbot: Any, window: MainWindow) -> Any:
    """Click "Synchroniser" in the toolbar; the round's final state."""
    ui = window.sync
    button = ui.toolbar.widgetForAction(ui.action_sync)
    if ui.controller is None:
        ui.start()  # as 500 ms after the window is shown
    qtbot.waitUntil(lambda: not ui.controller.busy, timeout=ROUND_TIMEOUT_MS)
    final = (SyncPhase.UP_TO_DATE, SyncPhase.ERROR, SyncPhase.OFFLINE, SyncPhase.SIGNED_OUT)
    with qtbot.waitSignal(
        ui.controller.state_changed,
        timeout=ROUND_TIMEOUT_MS,
        check_params_cb=lambda state: state.phase in final,
    ) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def sign_in(qtbot: Any, window: MainWindow, url: str, password: str) -> Any:
    dialog = window.sync.server_dialog or window.sync.show_server_dialog()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    dialog.server_edit.setText(url)
    dialog.user_edit.setText("agent")
    dialog.password_edit.setText(password)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    return dialog


# --- signing in, syncing --------------------------------------------------------------


def test_sign_in_wrong_then_right_password_and_sync(
    french: None, qtbot: Any, window: MainWindow, live: LiveServer
) -> None:
    ui = window.sync
    visit = plan_visit(window.ctx.services, "15187", date(2026, 3, 14))
    assert ui.menu.title() == "S&ynchronisation"
    assert ui.action_sync.text() == "&Synchroniser"

    dialog = sign_in(qtbot, window, live.url, "pas-le-bon-mot-de-passe")
    assert dialog.message == "Nom d'utilisateur ou mot de passe incorrect."
    assert not dialog.is_signed_in

    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(dialog.signed_in, timeout=20_000):
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.state_label.text() == f"Connecté en tant que agent sur {live.url}."
    assert dialog.password_edit.text() == ""  # never kept
    # Signing in starts the first sync: the visit planned here reaches the server.
    qtbot.waitUntil(lambda: ui.status.phase == SyncPhase.UP_TO_DATE, timeout=ROUND_TIMEOUT_MS)
    assert ("visits", visit.id) in live.records()
    assert ui.status.state_button.text() == "À jour"
    assert ui.status.detail_label.text().startswith("dernière synchronisation aujourd'hui à ")

    # A local change shows as waiting, then "Synchroniser" sends it.
    update_visit(window.ctx.services, visit.id, summary="Centre-bourg calme.")
    window.sync.refresh_status()
    qtbot.waitUntil(lambda: "1 modification en attente" in ui.status.detail_label.text())
    state = press_sync(qtbot, window)
    assert state.phase == SyncPhase.UP_TO_DATE and state.status.pending == 0
    assert "en attente" not in ui.status.detail_label.text()
    assert live.records()[("visits", visit.id)][0]["summary"] == "Centre-bourg calme."

    # The dialog, opened again, says who is connected; signing out says so everywhere.
    dialog.close()
    qtbot.waitUntil(lambda: ui.server_dialog is None)
    again = ui.show_server_dialog()
    qtbot.waitUntil(lambda: not again.busy, timeout=10_000)
    assert again.is_signed_in and again.server_edit.isReadOnly()
    with qtbot.waitSignal(again.signed_out, timeout=20_000):
        qtbot.mouseClick(again.logout_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ui.status.phase == SyncPhase.SIGNED_OUT, timeout=ROUND_TIMEOUT_MS)
    assert ui.status.state_button.text() == "Non connecté"


def test_synchroniser_without_a_server_opens_the_settings(
    french: None, qtbot: Any, window: MainWindow
) -> None:
    ui = window.sync
    assert not ui.status.state_button.isVisible()  # nothing said before the first round
    qtbot.mouseClick(ui.toolbar.widgetForAction(ui.action_sync), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ui.server_dialog is not None, timeout=ROUND_TIMEOUT_MS)
    assert ui.status.state_button.text() == "Synchronisation non configurée"
    assert "Serveur et compte" in ui.status.state_button.toolTip()


def test_the_dialog_says_what_is_wrong(
    french: None, qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    dialog = window.sync.show_server_dialog()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.state_label.text() == "Connecté à aucun serveur pour l'instant."

    dialog.server_edit.setText("serveur sans adresse")
    dialog.user_edit.setText("agent")
    dialog.password_edit.setText(PASSWORD)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.message.startswith("Adresse de serveur invalide")

    dialog.server_edit.setText("http://sync.exemple.fr")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.message.startswith("Adresse non chiffrée refusée")

    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{unused.getsockname()[1]}"
    dialog.server_edit.setText(down)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert dialog.message.startswith(f"Impossible de joindre le serveur {down}")

    dialog.password_edit.clear()
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.message == "Saisissez votre mot de passe."
    assert not dialog.is_signed_in and window.sync.controller is None


def test_an_unknown_certificate_is_refused_until_the_ca_file_is_given(
    french: None, qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    key_file, cert_file, ca_file = tmp_path / "key.pem", tmp_path / "cert.pem", tmp_path / "ca.pem"
    cert.private_key_pem.write_to_path(str(key_file))
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    ca.cert_pem.write_to_path(str(ca_file))
    tls = {"ssl_keyfile": str(key_file), "ssl_certfile": str(cert_file)}
    with LiveServer(_server_app(tmp_path), **tls) as server:
        dialog = sign_in(qtbot, window, server.url, PASSWORD)
        assert dialog.message.startswith("Le certificat du serveur n'est pas reconnu")
        assert not dialog.is_signed_in

        dialog.ca_edit.setText(str(ca_file))
        with qtbot.waitSignal(dialog.signed_in, timeout=20_000):
            qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        ui = window.sync
        qtbot.waitUntil(lambda: ui.status.phase == SyncPhase.UP_TO_DATE, timeout=ROUND_TIMEOUT_MS)
        dialog.close()


def test_offline_reads_hors_ligne_and_keeps_the_changes(
    french: None, qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    with LiveServer(_server_app(tmp_path)) as server:
        login(window.ctx.services, server.url, "agent", PASSWORD)
    plan_visit(window.ctx.services, "15187", date(2026, 3, 14))  # the server is gone now
    state = press_sync(qtbot, window)
    assert state.phase == SyncPhase.OFFLINE and state.status.pending == 1
    status = window.sync.status
    assert status.state_button.text() == "Hors ligne"
    assert status.detail_label.text() == "1 modification en attente d'envoi"
    assert "restent sur cet ordinateur" in status.state_button.toolTip()


# --- what a sync brings in is shown ---------------------------------------------------


def test_changes_from_a_colleague_show_in_the_list_and_the_open_visit(
    qtbot: Any,
    window: MainWindow,
    live: LiveServer,
    other_laptop: Callable[[str], Services],
) -> None:
    services = window.ctx.services
    login(services, live.url, "agent", PASSWORD)
    visit = plan_visit(services, "15187", date(2026, 3, 14))
    assert press_sync(qtbot, window).phase == SyncPhase.UP_TO_DATE
    colleague = other_laptop(live.url)
    sync_once(colleague)

    window.open_visit(visit.id)
    info = window.workspace.pages["info"]
    qtbot.waitUntil(lambda: info.visit_id == visit.id)
    assert info.summary_edit.toPlainText() == ""

    update_visit(colleague, visit.id, summary="Vu avec le maire : éclairage à revoir.")
    plan_visit(colleague, "15014", date(2026, 4, 2))  # Aurillac, a new visit
    sync_once(colleague)
    state = press_sync(qtbot, window)
    assert state.phase == SyncPhase.UP_TO_DATE and visit.id in state.report.changed_visits
    qtbot.waitUntil(
        lambda: info.summary_edit.toPlainText() == "Vu avec le maire : éclairage à revoir."
    )
    window.show_list()
    qtbot.waitUntil(lambda: "Aurillac" in window.visit_list.shown_communes())


def test_a_round_that_changes_the_open_visit_refreshes_its_pages_and_figures(
    qtbot: Any,
    window: MainWindow,
    live: LiveServer,
    other_laptop: Callable[[str], Services],
) -> None:
    """The round's changes come by the one change signal, as an edit's do: the page
    shown, the header's figure, a page shown later and the visit list all follow."""
    services = window.ctx.services
    login(services, live.url, "agent", PASSWORD)
    visit = plan_visit(services, "15187", date(2026, 3, 14))
    assert press_sync(qtbot, window).phase == SyncPhase.UP_TO_DATE
    colleague = other_laptop(live.url)
    sync_once(colleague)
    window.open_visit(visit.id)
    workspace = window.workspace
    workspace.show_section("checklist")
    checklist = workspace.pages["checklist"]
    assert isinstance(checklist, ChecklistPage)
    qtbot.waitUntil(lambda: workspace.header is not None and checklist.form_view.form is not None)
    assert workspace.header is not None
    answered, total = workspace.header.answered, workspace.header.total

    answer_item(colleague, visit.id, "visite-centre-bourg", "video_existante", "oui")
    rate_theme(colleague, visit.id, "cambriolages", 2)
    sync_once(colleague)
    assert press_sync(qtbot, window).phase == SyncPhase.UP_TO_DATE
    video = checklist.form_view.editor("video_existante")
    qtbot.waitUntil(lambda: video.value() == "oui")
    assert checklist.form_view.is_item_shown("video_nb_cameras")
    qtbot.waitUntil(
        lambda: (
            workspace.header is not None
            and (workspace.header.answered, workspace.header.total) == (answered + 1, total + 3)
        )
    )
    assert workspace.header is not None and workspace.header.progress.themes_rated == 1
    workspace.show_section("diagnostic")
    grid = workspace.pages["diagnostic"]
    assert isinstance(grid, DiagnosticPage)
    qtbot.waitUntil(lambda: grid.theme_rows["cambriolages"].level() == 2)
    window.show_list()
    qtbot.waitUntil(lambda: window.visit_list.model.row_of(visit.id) is not None)
    row = window.visit_list.model.visit_at(window.visit_list.model.row_of(visit.id) or 0)
    assert (row.answered, row.total) == (answered + 1, total + 3)


# --- conflicts ------------------------------------------------------------------------


def make_summary_conflict(
    qtbot: Any, window: MainWindow, colleague: Services, mine: str, theirs: str
) -> str:
    """The same visit summary changed here and on the colleague's laptop: one conflict."""
    services = window.ctx.services
    visit = plan_visit(services, "15187", date(2026, 3, 14))
    assert press_sync(qtbot, window).phase == SyncPhase.UP_TO_DATE
    sync_once(colleague)
    update_visit(colleague, visit.id, summary=theirs)
    sync_once(colleague)  # the colleague syncs first
    update_visit(services, visit.id, summary=mine)
    state = press_sync(qtbot, window)
    assert state.phase == SyncPhase.UP_TO_DATE and state.status.conflicts == 1
    return visit.id


def test_a_conflict_is_chosen_in_the_view_and_reaches_the_server(
    french: None,
    qtbot: Any,
    window: MainWindow,
    live: LiveServer,
    other_laptop: Callable[[str], Services],
) -> None:
    services = window.ctx.services
    login(services, live.url, "agent", PASSWORD)
    colleague = other_laptop(live.url)
    mine = "Éclairage de la place à revoir."
    theirs = "Caméras à prévoir près de la mairie."
    visit_id = make_summary_conflict(qtbot, window, colleague, mine, theirs)
    ui = window.sync
    assert ui.status.conflicts_button.isVisible()
    assert ui.status.conflicts_button.text() == "1 conflit"
    assert ui.action_conflicts.text() == "&Conflits de synchronisation (1)…"
    # Until someone chooses, the record shows the server's value.
    assert get_visit(services, visit_id).summary == theirs

    qtbot.mouseClick(ui.status.conflicts_button, Qt.MouseButton.LeftButton)
    dialog = ui.conflicts_dialog
    assert dialog is not None and len(dialog.entries) == 1
    assert dialog.list.item(0).text() == "Saint-Flour (15), 14/03/2026 — Visite — Synthèse"
    assert dialog.local_view.toPlainText() == mine
    assert dialog.remote_view.toPlainText() == theirs
    assert dialog.local_box.title() == "Votre version"
    assert dialog.remote_box.title() == "Version du serveur"

    qtbot.mouseClick(dialog.keep_local_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.entries)
    assert dialog.empty_label.isVisible()
    assert get_visit(services, visit_id).summary == mine  # a local change, pending
    qtbot.waitUntil(lambda: not ui.status.conflicts_button.isVisible())

    state = press_sync(qtbot, window)
    assert state.phase == SyncPhase.UP_TO_DATE and state.status.pending == 0
    assert live.records()[("visits", visit_id)][0]["summary"] == mine
    sync_once(colleague)
    assert get_visit(colleague, visit_id).summary == mine


def test_a_merged_text_typed_in_the_view_is_what_everyone_gets(
    qtbot: Any,
    window: MainWindow,
    live: LiveServer,
    other_laptop: Callable[[str], Services],
) -> None:
    login(window.ctx.services, live.url, "agent", PASSWORD)
    colleague = other_laptop(live.url)
    visit_id = make_summary_conflict(
        qtbot, window, colleague, "Éclairage à revoir.", "Caméras à prévoir."
    )
    dialog = window.sync.show_conflicts()
    qtbot.waitUntil(lambda: len(dialog.entries) == 1)
    assert dialog.merged_box.isVisible()
    assert dialog.merged_edit.toPlainText() == "Éclairage à revoir."  # starts from mine
    merged = "Éclairage à revoir.\nCaméras à prévoir."
    dialog.merged_edit.setPlainText(merged)
    qtbot.mouseClick(dialog.keep_merged_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.entries)

    assert press_sync(qtbot, window).phase == SyncPhase.UP_TO_DATE
    assert live.records()[("visits", visit_id)][0]["summary"] == merged
    sync_once(colleague)
    assert get_visit(colleague, visit_id).summary == merged


def test_a_conflict_that_changed_while_shown_refuses_the_choice_and_shows_it_again(
    french: None,
    qtbot: Any,
    window: MainWindow,
    live: LiveServer,
    other_laptop: Callable[[str], Services],
) -> None:
    """The colleague edits again while the view shows their first text: keeping mine
    is refused (it was decided on their old text), the view says so and shows the new."""
    services = window.ctx.services
    login(services, live.url, "agent", PASSWORD)
    colleague = other_laptop(live.url)
    visit_id = make_summary_conflict(qtbot, window, colleague, "Éclairage.", "Caméras.")
    dialog = window.sync.show_conflicts()
    qtbot.waitUntil(lambda: len(dialog.entries) == 1)
    assert dialog.remote_view.toPlainText() == "Caméras."
    update_visit(colleague, visit_id, summary="Caméras et éclairage de la mairie.")
    sync_once(colleague)
    sync_once(services)  # a round the view has not seen yet
    shown = dialog.entries[0].id
    qtbot.mouseClick(dialog.keep_local_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.entries and dialog.entries[0].id != shown)
    assert dialog.error_label.isVisible() and "plus récente" in dialog.error_label.text()
    assert dialog.remote_view.toPlainText() == "Caméras et éclairage de la mairie."
    assert get_visit(services, visit_id).summary == "Caméras et éclairage de la mairie."
    assert press_sync(qtbot, window).status.pending == 0
    assert live.records()[("visits", visit_id)][0]["summary"] == (
        "Caméras et éclairage de la mairie."
    )


def test_a_deletion_undone_by_an_edit_is_explained_and_can_be_confirmed(
    french: None,
    qtbot: Any,
    window: MainWindow,
    live: LiveServer,
    other_laptop: Callable[[str], Services],
) -> None:
    from fieldvisit.services.actions import add_recommendation
    from fieldvisit.services.deletion import soft_delete

    services = window.ctx.services
    login(services, live.url, "agent", PASSWORD)
    colleague = other_laptop(live.url)
    visit = plan_visit(services, "15187", date(2026, 3, 14))
    add_recommendation(services, visit.id, "Éclairer le parking")
    assert press_sync(qtbot, window).phase == SyncPhase.UP_TO_DATE
    sync_once(colleague)
    soft_delete(colleague, "visit", visit.id)
    sync_once(colleague)
    update_visit(services, visit.id, summary="Visite à garder.")
    assert press_sync(qtbot, window).status.conflicts == 1
    dialog = window.sync.show_conflicts()
    qtbot.waitUntil(lambda: len(dialog.entries) == 1)
    assert dialog.list.item(0).text().endswith("supprimé d'un côté")
    text = dialog.explanation_label.text()
    assert text.startswith("Suppression par agent sur un autre appareil")
    assert "la visite « Saint-Flour, 14/03/2026 » et 1 enregistrement qu'elle contenait" in text
    assert "annulée partout" in text and "Synthèse" in text
    assert dialog.keep_remote_button.text() == "Con&firmer la suppression"
    assert dialog.keep_local_button.text() == "&Garder ce qui est revenu"
    qtbot.mouseClick(dialog.keep_remote_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.entries)
    assert press_sync(qtbot, window).status.pending == 0
    on_server = live.records()
    assert on_server[("visits", visit.id)][1] is True
    assert all(deleted for (t, _), (_f, deleted) in on_server.items() if t == "recommendations")


def test_closing_the_window_during_a_round_does_not_wait_for_it(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    """A server that accepts the connection and never answers: the close returns."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with LiveServer(_server_app(tmp_path)) as server:
            login(window.ctx.services, server.url, "agent", PASSWORD)
        # Point the data dir at the silent server (as if the real one hung).
        from fieldvisit.sync.credentials import token_store
        from fieldvisit.sync.local import sync_state

        store = token_store(window.ctx.services.data_dir.root, window.ctx.services.store.keys)
        store.set(url, "agent", store.get(server.url, "agent") or "")
        with window.ctx.services.store.transaction() as session:
            sync_state(session).server_url = url
        ui = window.sync
        ui.start()
        qtbot.waitUntil(lambda: ui.controller is not None and ui.controller.busy)
        started = time.monotonic()
        window.close()
        assert time.monotonic() - started < 10
        assert ui.controller is not None and ui.controller.sync_now() is False  # stopped
    # The silent server is gone: the round left behind ends (connection reset).
    qtbot.waitUntil(lambda: not ui.controller.busy, timeout=ROUND_TIMEOUT_MS)


# --- what the person must know after a round -----------------------------------------


def test_a_restored_server_and_a_file_not_sent_are_said_in_the_status_bar(
    french: None,
    qtbot: Any,
    window: MainWindow,
    live: LiveServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PIL import Image

    from fieldvisit.server.testing import restore_server, snapshot_server
    from fieldvisit.services.attachments import attach_file
    from fieldvisit.sync.client import SyncClient

    services = window.ctx.services
    ui = window.sync
    login(services, live.url, "agent", PASSWORD)
    visit = plan_visit(services, "15187", date(2026, 3, 14))
    assert press_sync(qtbot, window).phase == SyncPhase.UP_TO_DATE
    db = live.app.state.ctx.db
    backup = snapshot_server(db)
    update_visit(services, visit.id, summary="Envoyé avant la panne du serveur.")
    assert press_sync(qtbot, window).phase == SyncPhase.UP_TO_DATE
    restore_server(db, backup)

    state = press_sync(qtbot, window)
    assert state.phase == SyncPhase.UP_TO_DATE and state.report.server_restored
    assert "restauré depuis une sauvegarde" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: "serveur restauré" in ui.status.detail_label.text())
    assert "Rien n'est perdu" in ui.status.detail_label.toolTip()
    assert live.records()[("visits", visit.id)][0]["summary"] == (
        "Envoyé avant la panne du serveur."
    )

    # A photo whose bytes are damaged on the way (a broken proxy): said, not hidden.
    photo = tmp_path / "lavoir.jpg"
    Image.new("RGB", (64, 48), (10, 200, 90)).save(photo, format="JPEG")
    attach_file(services, visit.id, photo)
    damaged: list[int] = []
    original = SyncClient.upload_chunk

    def damaging(self: SyncClient, sha256: str, offset: int, size: int, data: bytes) -> Any:
        damaged.append(len(data))
        return original(self, sha256, offset, size, b"\x00" + data[1:])

    monkeypatch.setattr(SyncClient, "upload_chunk", damaging)
    state = press_sync(qtbot, window)
    assert damaged and state.phase == SyncPhase.UP_TO_DATE
    assert "1 fichier joint non envoyé" in ui.status.detail_label.text()
    assert "lavoir.jpg" in ui.status.detail_label.toolTip()
    assert "serveur restauré" not in ui.status.detail_label.text()  # that was last round
