"""The app's side: autosaves on a full disk wait and are retried, the background backup
and integrity check, the backup after a sync, and the « Restaurer la dernière
sauvegarde » dialog at start and while the app runs."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QMessageBox
from safety_support import SmallDisk, damage_page, page_of, plan

from fieldvisit.core.errors import RuleViolation
from fieldvisit.paths import DataDir
from fieldvisit.server.app import create_app
from fieldvisit.server.testing import add_user, fast_passwords
from fieldvisit.services import Services, backups, notes, visits
from fieldvisit.services.backups import list_backups
from fieldvisit.store.recovery import set_aside_folder
from fieldvisit.sync.session import login
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.save_notice import SaveNotice, SaveProblems
from fieldvisit.ui.base.worker import DatabaseWorker
from fieldvisit.ui.dialogs.recovery_dialog import RecoveryDialog, marker
from fieldvisit.ui.shell.app import build_main_window, open_services
from fieldvisit.ui.sync.sync_controller import SyncController, SyncPhase
from fieldvisit.ui.workspace.autosave import Debouncer

MB = 1024 * 1024


def make_ctx(data_dir: DataDir, tmp_path: Path, communes: Any, inline: bool = True) -> UiContext:
    services = Services.open(data_dir)
    services.__dict__["communes"] = communes
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    return UiContext(services, DatabaseWorker(inline=inline), settings)


@pytest.fixture
def disk_ctx(
    qapp: Any, small_disk: Callable[[int], SmallDisk], tmp_path: Path, communes: Any
) -> Iterator[tuple[UiContext, SmallDisk]]:
    disk = small_disk(12 * MB)
    ctx = make_ctx(DataDir(disk.root / "data"), tmp_path, communes)
    yield ctx, disk
    ctx.worker.shutdown()
    ctx.services.close()


@pytest.fixture
def ctx(qapp: Any, data_dir: DataDir, tmp_path: Path, communes: Any) -> Iterator[UiContext]:
    context = make_ctx(data_dir, tmp_path, communes)
    yield context
    context.worker.shutdown()
    context.services.close()


# --- autosave on a full disk ---------------------------------------------------------------


def test_an_autosave_on_a_full_disk_waits_and_is_written_once_space_is_back(
    qtbot: Any, disk_ctx: tuple[UiContext, SmallDisk]
) -> None:
    ctx, disk = disk_ctx
    svc = ctx.services
    visit_id = plan(svc)
    window = QMainWindow()
    qtbot.addWidget(window)
    notice = SaveNotice(window, ctx)
    notice.ask = lambda box: None  # a failing test closes the window: never block
    window.show()
    debouncer = Debouncer(ctx, window, retry_ms=50)
    filler = disk.fill()
    attempts: list[str] = []

    def save(text: str) -> None:
        attempts.append(text)
        visits.update_visit(svc, visit_id, summary=text)

    typed = "Réunion avec le maire et le commandant de brigade. " * 300
    debouncer.schedule("summary", partial(save, typed))
    debouncer.flush()

    problems = SaveProblems.of(ctx)
    assert problems.waiting == 1 and problems.disk_full
    assert debouncer.has_pending  # kept, not dropped
    assert notice.label.isVisible()
    assert notice.box is not None and "disk is full" in notice.box.text()
    assert visits.get_visit(svc, visit_id).summary == ""  # reads still work
    # The person goes on typing: only the newest text is tried for that field.
    typed += " Éclairage à revoir."
    debouncer.schedule("summary", partial(save, typed))
    qtbot.waitUntil(lambda: attempts.count(typed) >= 2, timeout=5000)
    assert problems.waiting == 1  # retried, refused again
    assert set(attempts) == {typed, attempts[0]}

    filler.unlink()
    qtbot.waitUntil(lambda: problems.waiting == 0, timeout=5000)
    assert visits.get_visit(svc, visit_id).summary == typed
    assert not notice.label.isVisible()
    assert window.statusBar().currentMessage() == "Changes saved."


def test_other_failures_are_shown_once_and_not_retried(
    qtbot: Any, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[BaseException] = []
    monkeypatch.setattr("fieldvisit.ui.base.context.show_error", lambda _p, err: shown.append(err))
    calls = 0

    def refused() -> None:
        nonlocal calls
        calls += 1
        raise RuleViolation("Une visite terminée ne se modifie plus.")

    debouncer = Debouncer(ctx, retry_ms=10)
    debouncer.schedule("status", refused)
    debouncer.flush()
    qtbot.wait(50)  # several retry intervals: nothing is retried
    assert calls == 1 and len(shown) == 1
    assert not debouncer.has_pending and SaveProblems.of(ctx).waiting == 0


def test_closing_with_saves_waiting_asks_first(
    qtbot: Any, disk_ctx: tuple[UiContext, SmallDisk]
) -> None:
    ctx, disk = disk_ctx
    svc = ctx.services
    visit_id = plan(svc)
    window = QMainWindow()
    qtbot.addWidget(window)
    notice = SaveNotice(window, ctx)
    window.show()
    debouncer = Debouncer(ctx, window, retry_ms=60_000)
    filler = disk.fill()
    text = "Tags sur le lavoir " * 500
    debouncer.schedule("summary", partial(visits.update_visit, svc, visit_id, summary=text))
    debouncer.flush()
    asked: list[QMessageBox] = []

    def answer(button: str) -> Callable[[QMessageBox], None]:
        def click(box: QMessageBox) -> None:
            asked.append(box)
            (wanted,) = [b for b in box.buttons() if b.text() == button]
            wanted.click()

        return click

    notice.ask = answer("Try again")
    filler.unlink()  # space freed meanwhile: "Try again" writes it
    assert not window.close()
    assert window.isVisible()
    assert "1 change(s) could not be saved" in asked[-1].text() or "1 change" in asked[-1].text()
    assert visits.get_visit(svc, visit_id).summary == text
    assert window.close()  # nothing waits any more: no question
    assert len(asked) == 1

    window.show()
    filler = disk.fill()
    debouncer.schedule("summary", partial(visits.update_visit, svc, visit_id, summary=text * 2))
    debouncer.flush()
    notice.ask = answer("Close without saving them")
    assert window.close()
    assert len(asked) == 2


# --- backups from the app ------------------------------------------------------------------


def _window(ctx: UiContext, qtbot: Any) -> Any:
    window = build_main_window(ctx)
    qtbot.addWidget(window)
    window.safety.relaunch = lambda: True
    return window


def test_the_start_backup_runs_in_the_background_once_the_window_is_shown(
    qtbot: Any, ctx: UiContext
) -> None:
    plan(ctx.services, "Visite du centre-bourg")
    window = _window(ctx, qtbot)
    assert window.safety._start_timer.interval() >= 2000  # never on the start path
    window.show()
    assert window.safety._start_timer.isActive()
    thread = window.safety.back_up_at_start()  # what the timer does
    assert isinstance(thread, threading.Thread)
    thread.join(timeout=60)
    qtbot.waitUntil(lambda: bool(window.safety.outcomes), timeout=5000)
    assert [o.kind for o in window.safety.outcomes] == ["made"]
    (made,) = list_backups(ctx.services.data_dir.backups)
    assert made.reason == backups.REASON_START
    # The start backup is made once: the timer, were it to fire late (a loaded machine),
    # makes no second one (before: two backups, and « damaged » offered twice).
    assert not window.safety._start_timer.isActive()
    assert window.safety.back_up_at_start() is thread
    window.safety._start_timer.timeout.emit()
    assert window.safety._threads == [thread]
    assert len(list_backups(ctx.services.data_dir.backups)) == 1


def test_a_sync_in_the_app_is_followed_by_a_backup(
    qtbot: Any, ctx: UiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")
    server = create_app(
        f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path / "files",
        passwords=fast_passwords(),
    )
    add_user(server.state.ctx.db, server.state.ctx.passwords, "agent", "mot-de-passe", "agent")
    http = TestClient(server)
    login(ctx.services, "http://testserver", "agent", "mot-de-passe", http=http)
    plan(ctx.services)
    window = _window(ctx, qtbot)
    controller = SyncController(ctx.services, http=http)
    controller.after_round = window.sync.after_round  # what SyncUi.start does
    controller.sync_now()
    qtbot.waitUntil(lambda: bool(window.safety.outcomes), timeout=20_000)
    assert controller.state.phase == SyncPhase.UP_TO_DATE
    assert [o.kind for o in window.safety.outcomes] == ["made"]
    (made,) = list_backups(ctx.services.data_dir.backups)
    assert made.reason == backups.REASON_SYNC
    controller.stop()
    server.state.ctx.db.close()


def test_damage_found_while_running_offers_the_backup_and_restores_at_restart(
    qtbot: Any, data_dir: DataDir, tmp_path: Path, communes: Any
) -> None:
    ctx = make_ctx(data_dir, tmp_path, communes)
    svc = ctx.services
    visit_id = plan(svc, "Avant la sauvegarde")
    assert backups.backup_at_start(svc).kind == "made"
    visits.update_visit(svc, visit_id, summary="Après la sauvegarde, pas encore envoyé")
    for n in range(150):
        notes.add_quick_note(svc, visit_id, f"Note {n} : " + "rodéos le soir " * 40)
    keys = svc.store.keys
    svc.close()
    bad = page_of(data_dir.database, keys, "quick_notes", tmp_path / "scratch.sqlite3")
    damage_page(data_dir.database, bad)
    ctx = make_ctx(data_dir, tmp_path, communes)  # the damaged page is not read at open
    window = _window(ctx, qtbot)
    relaunched: list[bool] = []
    window.safety.relaunch = lambda: relaunched.append(True) or True
    window.show()

    window.safety.back_up_at_start().join(timeout=60)
    qtbot.waitUntil(lambda: window.safety.dialog is not None, timeout=10_000)

    dialog = window.safety.dialog
    assert isinstance(dialog, RecoveryDialog)
    assert dialog.restore_button is not None
    assert dialog.restore_button.text().startswith("Restore the latest backup (")
    assert "damaged" in dialog.text()
    assert [o.kind for o in window.safety.outcomes] == ["damaged"]
    assert len(list_backups(data_dir.backups)) == 1  # no backup of the damaged file
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert relaunched == [True]
    assert marker(data_dir).exists()
    ctx.worker.shutdown()
    ctx.services.close()

    # The next start restores without asking again, then says what it did.
    shown: list[QMessageBox] = []
    services, code = open_services(data_dir, show=shown.append)
    try:
        assert code == 0 and services is not None
        assert [box.objectName() for box in shown] == ["recoveryResultBox"]
        assert "restaurée" in shown[0].text() and "reprise(s)" in shown[0].text()
        assert visits.get_visit(services, visit_id).summary == (
            "Après la sauvegarde, pas encore envoyé"
        )
        assert 140 <= len(notes.list_quick_notes(services, visit_id)) < 150
    finally:
        if services is not None:
            services.close()
    assert not marker(data_dir).exists()
    (aside,) = [p for p in set_aside_folder(data_dir).iterdir() if p.suffix == ".sqlite3"]
    assert "endommagee" in aside.name


# --- at start --------------------------------------------------------------------------------


@pytest.fixture
def unreadable(data_dir: DataDir, communes: Any) -> tuple[DataDir, str]:
    """A data dir with a backup, then a later edit, then its first page damaged."""
    svc = Services.open(data_dir)
    svc.__dict__["communes"] = communes
    visit_id = plan(svc, "Dans la sauvegarde")
    assert backups.backup_at_start(svc).kind == "made"
    plan(svc, "Après la sauvegarde")
    svc.close()
    damage_page(data_dir.database, 1)
    return data_dir, visit_id


def test_an_unreadable_database_at_start_offers_the_newest_good_backup(
    qapp: Any, unreadable: tuple[DataDir, str]
) -> None:
    data_dir, visit_id = unreadable
    shown: list[QMessageBox] = []

    def answer(box: QMessageBox) -> None:
        shown.append(box)
        if isinstance(box, RecoveryDialog):
            assert box.restore_button is not None
            box.restore_button.click()

    services, code = open_services(data_dir, show=answer)
    try:
        assert code == 0 and services is not None
        dialog, result = shown
        assert isinstance(dialog, RecoveryDialog)
        assert dialog.windowTitle() == "Damaged database"
        assert "0 change(s)" in dialog.informativeText()
        assert "Rien n'a pu être lu" in dialog.detailedText()
        assert "restaurée" in result.text()
        assert [v.id for v in visits.list_visits(services)] == [visit_id]
    finally:
        if services is not None:
            services.close()
    (aside,) = [p for p in set_aside_folder(data_dir).iterdir() if p.suffix == ".sqlite3"]
    assert "endommagee" in aside.name


def test_declining_the_restore_changes_nothing(qapp: Any, unreadable: tuple[DataDir, str]) -> None:
    data_dir, _visit_id = unreadable
    before = data_dir.database.read_bytes()
    shown: list[QMessageBox] = []

    def answer(box: QMessageBox) -> None:
        shown.append(box)
        assert isinstance(box, RecoveryDialog)
        box.leave_button.click()

    services, code = open_services(data_dir, show=answer)
    assert (services, code) == (None, 2)
    assert shown[0].leave_button.text() == "Quit without changing anything"
    assert data_dir.database.read_bytes() == before
    assert not set_aside_folder(data_dir).exists()


def test_an_unreadable_database_without_backup_shows_the_start_up_error(
    qapp: Any, data_dir: DataDir, communes: Any
) -> None:
    svc = Services.open(data_dir)
    svc.__dict__["communes"] = communes
    plan(svc)
    svc.close()
    damage_page(data_dir.database, 1)
    shown: list[QMessageBox] = []
    services, code = open_services(data_dir, show=shown.append)
    assert (services, code) == (None, 2)
    (box,) = shown
    assert box.objectName() == "startupErrorBox"
    assert "restaurez une sauvegarde" in box.text()
