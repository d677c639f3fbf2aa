"""The main window: remembered geometry and visit, closing writes everything, shortcuts,
the real background thread."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from fieldvisit.demo.seed import seed_demo
from fieldvisit.paths import DataDir
from fieldvisit.services import Services, visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.worker import DatabaseWorker
from fieldvisit.ui.shell.main_window import LAST_VISIT_KEY, MainWindow


def make_window(qtbot, ctx: UiContext) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, communes) -> Path:  # type: ignore[no-untyped-def]
    """A data dir with the demo visits, seeded once; each test works on a copy."""
    root = tmp_path_factory.mktemp("demo-template") / "data"
    services = Services.open(DataDir(root))
    services.__dict__["communes"] = communes
    seed_demo(services)
    services.close()  # the last connection folds the WAL into the file
    return root


@pytest.fixture
def demo_ctx(qapp, demo_template: Path, tmp_path: Path, communes) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    """Like ui_ctx (inline worker), on a copy of the demo data dir."""
    root = tmp_path / "demo-data"
    shutil.copytree(demo_template, root)
    services = Services.open(DataDir(root))
    services.__dict__["communes"] = communes
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    ctx = UiContext(services, DatabaseWorker(inline=True), settings)
    yield ctx
    ctx.worker.shutdown()
    services.close()


def langres_id(window: MainWindow) -> str:
    page = window.visit_list
    return page.model.visit_at(page.shown_communes().index("Langres")).id


def test_geometry_and_last_visit_are_restored(demo_ctx: UiContext, qtbot):  # type: ignore[no-untyped-def]
    first = make_window(qtbot, demo_ctx)
    # The offscreen screen is 800×600 and restoreGeometry() keeps a window on its
    # screen: the height (within it) tells that the geometry came back.
    first.resize(first.width(), 480)
    visit_id = langres_id(first)
    first.open_visit(visit_id)
    first.close()
    assert demo_ctx.settings.value(LAST_VISIT_KEY) == visit_id

    second = make_window(qtbot, demo_ctx)
    assert second.height() == 480
    assert second.showing_workspace
    assert second.workspace.visit_id == visit_id
    assert "Langres" in second.windowTitle()

    second.show_list()  # back on the list at close: the next start shows the list
    second.close()
    third = make_window(qtbot, demo_ctx)
    assert not third.showing_workspace
    third.close()


def test_a_deleted_last_visit_is_not_reopened(demo_ctx: UiContext, qtbot):  # type: ignore[no-untyped-def]
    from fieldvisit.services.deletion import soft_delete

    first = make_window(qtbot, demo_ctx)
    visit_id = langres_id(first)
    first.open_visit(visit_id)
    first.close()
    soft_delete(demo_ctx.services, "visit", visit_id)

    second = make_window(qtbot, demo_ctx)
    assert not second.showing_workspace
    assert demo_ctx.settings.value(LAST_VISIT_KEY) == ""
    second.close()


def test_closing_flushes_then_waits_for_the_worker(demo_ctx: UiContext, qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    window = make_window(qtbot, demo_ctx)
    window.open_visit(langres_id(window))
    calls: list[str] = []
    monkeypatch.setattr(window.workspace, "flush", lambda: calls.append("flush"))
    monkeypatch.setattr(demo_ctx.worker, "wait_idle", lambda: calls.append("wait_idle"))
    assert window.close()
    assert calls == ["flush", "wait_idle"]
    assert demo_ctx.settings.value("mainwindow/geometry") is not None


def test_back_to_the_list_flushes_and_reloads(demo_ctx: UiContext, qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    window = make_window(qtbot, demo_ctx)
    visit_id = langres_id(window)
    window.open_visit(visit_id)
    flushed: list[bool] = []
    original_flush = window.workspace.flush

    def spy_flush() -> None:
        flushed.append(True)
        original_flush()

    monkeypatch.setattr(window.workspace, "flush", spy_flush)
    # A visit planned by an operation of the app, not from the list: the list must
    # reload when shown.
    demo_ctx.run(demo_ctx.call(visits.plan_visit, "12208", date.today()))
    window.action_back.trigger()
    assert flushed
    assert not window.showing_workspace
    assert window.visit_list.selected_visit_id() == visit_id  # where the person was
    assert window.visit_list.shown_communes().count("Saint-Affrique") == 2


def test_shortcuts(demo_ctx: UiContext, qtbot):  # type: ignore[no-untyped-def]
    window = make_window(qtbot, demo_ctx)
    assert window.action_new_visit.shortcut() == QKeySequence("Ctrl+N")
    assert window.action_search.shortcut() == QKeySequence("Ctrl+F")
    assert window.action_next_section.shortcut() == QKeySequence("Ctrl+PgDown")
    assert window.action_previous_section.shortcut() == QKeySequence("Ctrl+PgUp")
    assert QKeySequence("Ctrl+J") in window.action_next_required.shortcuts()
    assert QKeySequence("F8") in window.action_next_required.shortcuts()
    assert QKeySequence("Esc") in window.action_back.shortcuts()
    assert QKeySequence("Alt+Left") in window.action_back.shortcuts()
    assert not window.action_next_section.isEnabled()  # only in the workspace

    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()  # window shortcuts need an active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.open_visit(langres_id(window))
    assert window.action_next_section.isEnabled()
    qtbot.keyClick(window.workspace, Qt.Key.Key_Escape)
    assert not window.showing_workspace

    window.open_visit(langres_id(window))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert not window.showing_workspace
    assert QApplication.focusWidget() is window.visit_list.search_edit


def test_about_and_status_bar(demo_ctx: UiContext, qtbot):  # type: ignore[no-untyped-def]
    window = make_window(qtbot, demo_ctx)
    root = str(demo_ctx.services.data_dir.root)
    assert root in window.data_dir_label.text()
    assert window.visit_count_label.text() == "6 visit(s)"  # and a follow-up
    about = window.show_about()  # tests/ui/test_ui_about_dialog.py checks the dialog itself
    assert about.data_dir_label.text() == root
    assert "Etalab" in about.licences_view.toPlainText()
    about.close()
    shortcuts = window.show_shortcuts()
    assert "Ctrl+J" in shortcuts.text()
    shortcuts.close()


def test_busy_indicator_and_demo_on_the_real_thread(threaded_ctx: UiContext, qtbot):  # type: ignore[no-untyped-def]
    window = make_window(qtbot, threaded_ctx)
    page = window.visit_list
    qtbot.waitUntil(lambda: page.is_empty_state)
    # The start's own background work (reading what opening a visit needs) is done.
    qtbot.waitUntil(lambda: not threaded_ctx.worker.busy)

    with qtbot.waitSignal(threaded_ctx.worker.busy_changed):
        qtbot.mouseClick(page.welcome.demo_button, Qt.MouseButton.LeftButton)
    assert page.welcome.progress.isVisible()  # progress while the worker seeds
    qtbot.waitUntil(lambda: page.model.total_count >= 5, timeout=20_000)
    assert not page.is_empty_state
    qtbot.waitUntil(lambda: not window.busy_bar.isVisible())

    qtbot.keyClicks(page.search_edit, "lang")
    assert page.shown_communes() == ["Langres"]
    page.select_visit(page.model.visit_at(0).id)
    page.follow_up_action.trigger()
    qtbot.waitUntil(lambda: page.follow_up_dialog is not None, timeout=10_000)
    dialog = page.follow_up_dialog
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=10_000)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.showing_workspace, timeout=10_000)
    new_id = window.workspace.visit_id
    assert new_id is not None
    window.close()
    assert visits.get_visit(threaded_ctx.services, new_id).commune_name == "Langres"


def test_a_visit_opened_inside_the_workspace_is_remembered(demo_ctx: UiContext, qtbot):  # type: ignore[no-untyped-def]
    """The link from a follow-up to its previous visit: the window follows the workspace
    (its title, the visit reopened at the next start, the row selected back on the list)."""
    window = make_window(qtbot, demo_ctx)
    previous_id = langres_id(window)
    window.visit_list.create_follow_up(previous_id).ok_button.click()
    follow_up_id = window.workspace.visit_id
    assert follow_up_id not in (None, previous_id)
    assert demo_ctx.settings.value(LAST_VISIT_KEY) == follow_up_id

    info = window.workspace.pages["info"]
    info.previous_label.linkActivated.emit(previous_id)  # type: ignore[attr-defined]
    assert window.workspace.visit_id == previous_id
    assert demo_ctx.settings.value(LAST_VISIT_KEY) == previous_id
    assert window.windowTitle().startswith("Langres (52)")
    window.show_list()
    assert window.visit_list.selected_visit_id() == previous_id
    window.close()
