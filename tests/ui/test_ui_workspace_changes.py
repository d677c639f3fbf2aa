"""One figure of progress on every screen, and one change signal that keeps them so.

An edit made on one page reaches the header, the other pages and the visit list by the
change signal (ui/base/changes.py) alone; the figures they show are those of the one progress
function (forms/progress.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from fieldvisit.report.model import build_report
from fieldvisit.services import visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.workspace.checklist_page import ChecklistPage
from fieldvisit.ui.workspace.diagnostic_page import DiagnosticPage
from fieldvisit.ui.workspace.photos_page import PhotosPage

CHECKLIST = "visite-centre-bourg"


@pytest.fixture
def window(qtbot: Any, ui_ctx: UiContext) -> MainWindow:
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.show()
    return window


@pytest.fixture
def visit_id(ui_ctx: UiContext) -> str:
    return visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 12)).id


def checklist(window: MainWindow) -> ChecklistPage:
    page = window.workspace.pages["checklist"]
    assert isinstance(page, ChecklistPage)
    return page


def diagnostic(window: MainWindow) -> DiagnosticPage:
    page = window.workspace.pages["diagnostic"]
    assert isinstance(page, DiagnosticPage)
    return page


def header_figure(window: MainWindow) -> tuple[int, int]:
    header = window.workspace.header
    assert header is not None
    return (header.answered, header.total)


def pages_figure(window: MainWindow) -> tuple[int, int]:
    """What the Checklist and the Diagnostic pages count, together."""
    done = shown = 0
    for page in (checklist(window), diagnostic(window)):
        answered, visible = page.form_view.progress()
        done, shown = done + answered, shown + visible
    return (done, shown)


def list_figure(window: MainWindow, visit_id: str) -> tuple[int, int]:
    window.show_list()
    model = window.visit_list.model
    row = model.row_of(visit_id)
    assert row is not None
    summary = model.visit_at(row)
    return (summary.answered, summary.total)


def test_the_header_the_pages_the_list_and_the_report_agree_as_items_appear(
    window: MainWindow, visit_id: str, ui_ctx: UiContext, qtbot: Any
) -> None:
    window.open_visit(visit_id)
    start = header_figure(window)
    assert pages_figure(window) == start
    window.workspace.show_section("checklist")
    page = checklist(window)
    page.form_view.editor("video_existante").buttons[0].click()  # type: ignore[attr-defined]
    page.flush()
    # « oui »: the cameras, the signage and the coverage appear, and count.
    assert header_figure(window) == (start[0] + 1, start[1] + 3)
    assert pages_figure(window) == header_figure(window)
    assert window.workspace.progress.text().startswith(f"{start[0] + 1}/{start[1] + 3}")
    figures = build_report(ui_ctx.services, visit_id).key_figures
    assert (figures.items_answered, figures.items_visible) == header_figure(window)
    assert list_figure(window, visit_id) == header_figure(window)


def test_rated_themes_count_on_the_diagnostic_and_in_the_header(
    window: MainWindow, visit_id: str, qtbot: Any
) -> None:
    """Four themes rated, the Diagnostic's first part used to read « 0/5 » still."""
    window.open_visit(visit_id)
    window.workspace.show_section("diagnostic")
    page = diagnostic(window)
    form = page.form_view.form
    assert form is not None
    first = form.sections[0]
    assert page.form_view.section_progress_text(first.id).startswith(f"0/{len(first.items)}")
    for theme in first.themes[:4]:
        page.theme_rows[theme.id].select_level(3)
    expected = f"0/{len(first.items)} · themes 4/{len(first.themes)}"
    assert page.form_view.section_progress_text(first.id) == expected
    page.flush()
    header = window.workspace.header
    assert header is not None and header.progress.themes_rated == 4
    themes = sum(len(section.themes) for section in form.sections)
    assert f"4 of the {themes} themes of the diagnostic are rated" in (
        window.workspace.progress.toolTip()
    )


def test_a_photo_linked_on_the_photos_page_counts_on_the_checklist_and_the_header(
    window: MainWindow, visit_id: str, tmp_path: Path, qtbot: Any
) -> None:
    window.open_visit(visit_id)
    before = header_figure(window)
    assert checklist(window).form_view.section_progress_text("eclairage") == "0/4"
    window.workspace.show_section("photos")
    photos = window.workspace.pages["photos"]
    assert isinstance(photos, PhotosPage)
    picture = tmp_path / "rue-haute.png"
    Image.new("RGB", (32, 24), (200, 120, 10)).save(picture)
    job = photos.import_photos([picture])
    assert job is not None and job.done and len(job.imported) == 1
    assert header_figure(window) == before  # linked to nothing yet
    photos.link_photo(job.imported[0].id, f"{CHECKLIST}/eclairage_photos")
    assert header_figure(window) == (before[0] + 1, before[1])
    window.workspace.show_section("checklist")
    assert checklist(window).form_view.section_progress_text("eclairage") == "1/4"
    assert pages_figure(window) == header_figure(window)


def test_a_change_to_another_visit_leaves_the_open_one_alone(
    window: MainWindow, visit_id: str, ui_ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = visits.plan_visit(ui_ctx.services, "52269", date(2026, 4, 2)).id
    window.open_visit(visit_id)
    refreshed: list[str] = []
    for key, page in window.workspace.pages.items():
        monkeypatch.setattr(page, "refresh", lambda _changes, key=key: refreshed.append(key))
    headers: list[object] = []
    monkeypatch.setattr(window.workspace, "_load_header", lambda: headers.append(None))
    ui_ctx.run(ui_ctx.call(visits.update_visit, other, summary="Ailleurs"))
    ui_ctx.run(ui_ctx.call(visits.start_visit, other))
    window.workspace.show_section("info")
    window.workspace.show_section("report")
    assert refreshed == [] and headers == []
    # The same change to the open visit: the header, then Informations and Rapport
    # (they show the status) and the Checklist (its empty dates' calendars open on the
    # visit's date), each once, when shown.
    ui_ctx.run(ui_ctx.call(visits.start_visit, visit_id))
    assert len(headers) == 1
    window.workspace.show_section("info")
    window.workspace.show_section("checklist")
    window.workspace.show_section("report")
    window.workspace.show_section("info")
    assert sorted(refreshed) == ["checklist", "info", "report"]
