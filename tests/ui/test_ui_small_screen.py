"""At 1366×768 (the programme leads' laptops): the first window fits the screen, no
section's page is cut on the right, the quick notes fold (and stay folded at the next
start), and the interview guide gets the height (it scrolled in ~350 px)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from fieldvisit.demo.seed import seed_demo
from fieldvisit.paths import DataDir
from fieldvisit.services import Services, interviews, visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.worker import DatabaseWorker
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.workspace.interviews_page import InterviewsPage

SCREEN = (1366, 768)
#: what a 768-pixel screen leaves to a window: a taskbar and the window's title bar
USABLE_HEIGHT = 768 - 40 - 30
#: the guide's answers scrolled in 354 px at 1366×768 before
GUIDE_BEFORE = 354


@pytest.fixture
def demo_ctx(qapp, tmp_path: Path, communes) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    services = Services.open(DataDir(tmp_path / "data"))
    services.__dict__["communes"] = communes
    seed_demo(services)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    ctx = UiContext(services, DatabaseWorker(inline=True), settings)
    yield ctx
    ctx.worker.shutdown()
    services.close()


def saint_flour(ctx: UiContext) -> str:
    """The demo's first visit of Saint-Flour: the one with interviews (its follow-up has
    none yet)."""
    return next(
        row.id
        for row in visits.list_visits(ctx.services)
        if row.commune_name == "Saint-Flour" and interviews.list_interviews(ctx.services, row.id)
    )


def make_window(qtbot, ctx: UiContext, size: tuple[int, int] | None = SCREEN) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    return window


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def cut_on_the_right(page: QWidget, window: QWidget) -> list[str]:
    """Visible widgets wider than the widget that holds them (a scroll area's content
    excepted: it scrolls), and horizontal scroll bars shown."""
    cut = []
    for child in page.findChildren(QWidget):
        holder = child.parentWidget()
        if holder is None or not child.isVisibleTo(window):
            continue
        if isinstance(holder.parentWidget(), QAbstractScrollArea):
            continue  # a viewport's content
        if child.geometry().right() > holder.width() - 1:
            cut.append(f"{type(child).__name__} {child.objectName()!r} in {type(holder).__name__}")
    for area in page.findChildren(QAbstractScrollArea):
        if area.isVisibleTo(window) and area.horizontalScrollBar().isVisible():
            cut.append(f"horizontal scroll bar of {type(area).__name__} {area.objectName()!r}")
    return cut


def test_the_first_window_fits_a_1366x768_screen(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, ui_ctx, size=None)  # no saved geometry: the default size
    assert window.width() <= SCREEN[0]
    assert window.height() <= USABLE_HEIGHT
    assert window.minimumSizeHint().width() <= window.width()
    assert window.minimumSizeHint().height() <= window.height()


@pytest.mark.parametrize("notes_shown", [True, False])
def test_no_section_is_cut_at_1366x768(qtbot, demo_ctx: UiContext, notes_shown: bool) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, demo_ctx, size=(SCREEN[0], USABLE_HEIGHT))
    window.open_visit(saint_flour(demo_ctx))
    workspace = window.workspace
    workspace.notes_button.setChecked(notes_shown)
    for key, page in workspace.pages.items():
        workspace.show_section(key)
        settle()
        assert page.isVisible()
        assert cut_on_the_right(page, window) == [], key
        assert page.minimumSizeHint().width() <= page.width(), key


def guide_height(window: MainWindow) -> int:
    window.workspace.show_section("interviews")
    page = window.workspace.pages["interviews"]
    assert isinstance(page, InterviewsPage)
    settle()
    assert page.form_view.isVisible()
    return page.form_view.viewport().height()


def test_the_quick_notes_fold_and_the_guide_gets_the_height(qtbot, demo_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, demo_ctx)
    window.open_visit(saint_flour(demo_ctx))
    workspace = window.workspace
    assert workspace.notes.isVisible()  # shown at first
    unfolded = guide_height(window)
    assert unfolded >= GUIDE_BEFORE + 50

    qtbot.keyClick(workspace.notes_button, " ")  # « Notes rapides »: fold
    settle()
    assert not workspace.notes.isVisible()
    folded = guide_height(window)
    assert folded >= unfolded + 80  # the free notes go beside the guide
    page = workspace.pages["interviews"]
    assert isinstance(page, InterviewsPage)
    assert page.notes_edit.isVisible()  # still there, beside
    window.close()

    again = make_window(qtbot, demo_ctx)  # the next start
    again.open_visit(saint_flour(demo_ctx))
    assert not again.workspace.notes_button.isChecked()
    assert not again.workspace.notes.isVisible()
    assert guide_height(again) >= unfolded + 80
