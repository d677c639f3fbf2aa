"""Icons stay visible on a selected row: their ink follows the palette's highlight."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPalette

from fieldvisit.services import visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.icons import INK, icon
from fieldvisit.ui.workspace.workspace import SECTIONS, VisitWorkspace

SIZE = 24


def ink_colours(image: QImage) -> set[str]:
    """The colours of the fully covered pixels (anti-aliased edges left out)."""
    colours = set()
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() == 255:
                colours.add(pixel.name())
    return colours


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture
def dark_palette(qapp) -> Iterator[QPalette]:  # type: ignore[no-untyped-def]
    original = QGuiApplication.palette()
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.Highlight, QColor("#f0c419"))
    dark.setColor(QPalette.ColorRole.HighlightedText, QColor("#101010"))
    QGuiApplication.setPalette(dark)
    yield dark
    QGuiApplication.setPalette(original)


@pytest.mark.parametrize("name", [spec.icon_name for spec in SECTIONS])
def test_a_selected_section_icon_stands_out_from_the_highlight(qapp, name: str) -> None:  # type: ignore[no-untyped-def]
    palette = QGuiApplication.palette()
    drawn = icon(name)
    normal = drawn.pixmap(SIZE, QIcon.Mode.Normal).toImage()
    selected = drawn.pixmap(SIZE, QIcon.Mode.Selected).toImage()
    highlighted_text = palette.color(QPalette.ColorRole.HighlightedText)
    assert ink_colours(normal) == {INK}
    assert ink_colours(selected) == {highlighted_text.name()}
    highlight = palette.color(QPalette.ColorRole.Highlight)
    assert contrast(QColor(INK), highlight) < 3  # the blue ink would vanish there
    assert contrast(highlighted_text, highlight) >= 3  # what a selected row's icon uses


def test_the_ink_follows_a_palette_change(dark_palette: QPalette) -> None:
    selected = icon("section-checklist").pixmap(SIZE, QIcon.Mode.Selected).toImage()
    assert ink_colours(selected) == {"#101010"}


def test_a_disabled_icon_is_greyed(qapp) -> None:  # type: ignore[no-untyped-def]
    disabled = icon("delete").pixmap(SIZE, QIcon.Mode.Disabled).toImage()
    normal = icon("delete").pixmap(SIZE, QIcon.Mode.Normal).toImage()
    assert ink_colours(disabled) and ink_colours(disabled) != ink_colours(normal)
    for name in ink_colours(disabled):
        colour = QColor(name)
        assert colour.hsvSaturation() < 60  # grey, not the red of the enabled icon


def test_the_workspace_draws_the_current_section_icon_in_the_highlighted_text_colour(
    qtbot, ui_ctx: UiContext
) -> None:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 12))
    workspace = VisitWorkspace(ui_ctx)
    qtbot.addWidget(workspace)
    workspace.resize(1280, 800)
    workspace.show()
    workspace.open_visit(visit.id)
    workspace.show_section("interviews")
    qtbot.waitExposed(workspace)
    sections = workspace.sections
    row = sections.visualItemRect(sections.currentItem())
    image = sections.viewport().grab().toImage()
    icon_area = image.copy(row.left(), row.top(), sections.iconSize().width() + 8, row.height())
    highlighted_text = sections.palette().color(QPalette.ColorRole.HighlightedText).name()
    assert highlighted_text in ink_colours(icon_area)
    assert INK not in ink_colours(icon_area)
    first = sections.visualItemRect(sections.item(0))  # not selected: the blue ink
    assert INK in ink_colours(image.copy(first.left(), first.top(), 32, first.height()))
    workspace.close()


def test_a_changed_copy_of_an_icon_keeps_working() -> None:
    """Changing a copy makes Qt clone the icon's engine, which Qt then owns: both icons
    still draw after Python's garbage collection (in a child process: a failure here
    would be a crash)."""
    code = textwrap.dedent(
        """
        import gc
        from PySide6.QtGui import QIcon, QPixmap
        from PySide6.QtWidgets import QApplication
        from fieldvisit.ui.base.icons import icon

        app = QApplication([])
        original = icon("section-report")
        for _ in range(3):
            copy = QIcon(original)
            copy.addPixmap(QPixmap(16, 16))
            gc.collect()
            assert not copy.pixmap(24, QIcon.Mode.Selected).isNull()
            del copy
            gc.collect()
        assert not original.pixmap(24, QIcon.Mode.Selected).isNull()
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr
