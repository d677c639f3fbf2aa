"""A start with many visits: the newest are shown at once, the others follow; the first
window needs neither the ORM, pydantic nor the pages it does not show."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

from fieldvisit.paths import DataDir
from fieldvisit.services import Services, visits
from fieldvisit.services.listing import FIRST_PAGE
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.shell.main_window import MainWindow

OLDER = 20  # visits beyond the first page


def plan_many(svc: Services) -> None:
    """FIRST_PAGE + OLDER visits, one a day; the OLDER oldest are Hélène's."""
    start = date(2025, 1, 1)
    for day in range(FIRST_PAGE + OLDER):
        author = "Hélène Ancien" if day < OLDER else "Agent PVD"
        visits.plan_visit(svc, "15187", start + timedelta(days=day), author=author)


def test_the_newest_visits_come_first_then_every_visit(qtbot, ui_ctx: UiContext):  # type: ignore[no-untyped-def]
    plan_many(ui_ctx.services)
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    page = window.visit_list

    # Before the first paint: the newest visits, and a line saying the others are coming.
    assert page.model.total_count == FIRST_PAGE and not page.fully_loaded
    assert page.model.visit_at(0).visit_date == date(2025, 1, 1) + timedelta(
        days=FIRST_PAGE + OLDER - 1
    )
    assert page.loading_label.isVisibleTo(page)
    assert str(FIRST_PAGE) in page.loading_label.text()
    assert window.visit_count_label.text() == f"{FIRST_PAGE + OLDER} visit(s)"
    page.search_edit.setText("helene")
    assert page.model.shown_count == 0  # the older visits are not there yet

    window.show()  # painted: the other visits are read, and the search covers them
    qtbot.waitUntil(lambda: page.fully_loaded)
    assert page.model.total_count == FIRST_PAGE + OLDER
    assert page.model.shown_count == OLDER
    assert not page.loading_label.isVisibleTo(page)
    page.search_edit.clear()
    assert page.model.visit_at(page.model.shown_count - 1).visit_date == date(2025, 1, 1)
    window.close()


def test_the_other_visits_follow_on_the_real_thread(qtbot, threaded_ctx: UiContext):  # type: ignore[no-untyped-def]
    plan_many(threaded_ctx.services)
    window = MainWindow(threaded_ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.visit_list
    with qtbot.waitSignal(page.visits_loaded, timeout=10_000) as loaded:
        pass
    assert loaded.args == [FIRST_PAGE + OLDER]
    assert page.model.total_count == FIRST_PAGE + OLDER
    assert not page.loading_label.isVisibleTo(page)
    window.close()


def test_sync_and_the_start_backup_wait_until_every_visit_is_listed(qtbot, threaded_ctx: UiContext):  # type: ignore[no-untyped-def]
    """Neither the first sync round (its thread imports the ORM, pydantic and httpx) nor
    the start backup (a copy of the database) shares the start with the worker reading
    every visit: both are armed once the list is complete (docs/PERFORMANCE.md)."""
    plan_many(threaded_ctx.services)
    window = MainWindow(threaded_ctx)
    qtbot.addWidget(window)
    sync_timer, backup_timer = window.sync._start_timer, window.safety._start_timer
    with qtbot.waitSignal(window.visit_list.visits_loaded, timeout=10_000):
        window.show()
        assert not window.visit_list.fully_loaded
        assert not sync_timer.isActive() and not backup_timer.isActive()
    assert sync_timer.isActive() and backup_timer.isActive()
    assert window.sync.controller is None  # then, START_DELAY_MS later
    window.close()


def test_the_first_window_imports_only_what_it_shows(data_dir: DataDir, tmp_path: Path, communes):  # type: ignore[no-untyped-def]
    """In a fresh process, as at a start: until the first rows are in the list, neither
    the ORM, pydantic, the workspace, the new-visit dialog, the demo, the communes'
    index, nor what photos, exports, public data and sync use is imported."""
    services = Services.open(data_dir)
    services.__dict__["communes"] = communes
    plan_many(services)  # loads the forms: their cache is written
    services.close()
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from PySide6.QtCore import QSettings
        from fieldvisit.paths import DataDir
        from fieldvisit.services import Services
        from fieldvisit.ui.shell.app import build_main_window, make_application
        from fieldvisit.ui.base.context import UiContext
        from fieldvisit.ui.base.worker import DatabaseWorker

        app = make_application(["test"])
        services = Services.open(DataDir(Path({str(data_dir.root)!r})))
        settings = QSettings({str(tmp_path / "settings.ini")!r}, QSettings.Format.IniFormat)
        ctx = UiContext(services, DatabaseWorker(inline=True), settings)
        window = build_main_window(ctx)  # the first rows are read inline, here
        print(window.visit_list.model.total_count)
        heavy = ("sqlalchemy.orm", "pydantic", "fieldvisit.store.models",
                 "fieldvisit.ui.workspace.workspace", "fieldvisit.ui.dialogs.new_visit_dialog",
                 "fieldvisit.demo.seed", "fieldvisit.services.deletion",
                 # the communes' index (the list searches with reference.text only)
                 "fieldvisit.reference.communes", "fieldvisit.reference.name_index",
                 # photos, exports, public data, sync: when first used
                 "PIL", "pillow_heif", "openpyxl", "docx", "icalendar", "httpx",
                 "fieldvisit.screens.header", "fieldvisit.opendata.card",
                 "fieldvisit.ui.workspace.evolution_panel", "fieldvisit.sync.engine",
                 "fieldvisit.ui.dialogs.preferences")
        print(sorted(name for name in heavy if name in sys.modules))
        window.close()
        ctx.worker.shutdown()
        services.close()
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.splitlines() == [str(FIRST_PAGE), "[]"]
