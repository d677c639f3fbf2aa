"""Charts drawn with reportlab.graphics: the levels of concern of the diagnostic themes."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from fieldvisit.report.fonts import BOLD, REGULAR
from fieldvisit.report.model import ThemeResult
from fieldvisit.report.styles import BLUE, GREY, GREY_LINE, LEVEL_COLOURS

LABEL_SIZE = 7.5
ROW_HEIGHT = 15.0
LEVEL_NAMES = {1: "Faible", 2: "Modéré", 3: "Préoccupant", 4: "Très préoccupant"}


def concern_chart(groups: Sequence[tuple[str, Sequence[ThemeResult]]], width: float) -> Drawing:
    """Horizontal bars, one per theme, its length and colour the level (1–4), themes
    grouped under their part of the diagnostic.

    A theme "non évalué" gets no bar, only the words, so it is never read as "faible".
    """
    groups = [(title, themes) for title, themes in groups if themes]
    rows: list[str | ThemeResult] = []
    for title, themes in groups:
        if len(groups) > 1:
            rows.append(title)
        rows.extend(themes)
    label_width = min(width * 0.45, 230.0)
    plot_x = label_width + 6
    plot_width = width - plot_x - 70
    top_margin, bottom_margin = 6.0, 30.0
    height = top_margin + ROW_HEIGHT * len(rows) + bottom_margin
    drawing = Drawing(width, height, initialFontName=REGULAR, initialFontSize=7)
    plot_top = height - top_margin
    plot_bottom = bottom_margin

    for level in range(5):  # vertical grid at 0..4
        x = plot_x + plot_width * level / 4
        drawing.add(Line(x, plot_bottom, x, plot_top, strokeColor=GREY_LINE, strokeWidth=0.4))
        if level:
            drawing.add(
                String(
                    x,
                    plot_bottom - 10,
                    str(level),
                    fontName=REGULAR,
                    fontSize=7,
                    fillColor=GREY,
                    textAnchor="middle",
                )
            )
    for row, theme in enumerate(rows):
        y = plot_top - ROW_HEIGHT * (row + 1)
        if isinstance(theme, str):
            drawing.add(
                String(
                    0,
                    y + 4,
                    _fit(theme, label_width, BOLD, LABEL_SIZE),
                    fontName=BOLD,
                    fontSize=LABEL_SIZE,
                    fillColor=BLUE,
                )
            )
            continue
        label = _fit(theme.label, label_width, REGULAR, LABEL_SIZE)
        drawing.add(
            String(
                label_width, y + 4.5, label, fontName=REGULAR, fontSize=LABEL_SIZE, textAnchor="end"
            )
        )
        if theme.level is None:
            drawing.add(
                String(
                    plot_x + 3, y + 4.5, "non évalué", fontName=REGULAR, fontSize=7, fillColor=GREY
                )
            )
            continue
        bar_width = plot_width * theme.level / 4
        drawing.add(
            Rect(
                plot_x,
                y + 2,
                bar_width,
                ROW_HEIGHT - 4,
                fillColor=LEVEL_COLOURS[theme.level],
                strokeColor=None,
            )
        )
        drawing.add(
            String(
                plot_x + bar_width + 4,
                y + 4.5,
                LEVEL_NAMES[theme.level],
                fontName=REGULAR,
                fontSize=7,
                fillColor=GREY,
            )
        )
    drawing.add(
        String(
            plot_x + plot_width / 2,
            4,
            "Niveau de préoccupation (1 faible – 4 très préoccupant)",
            fontName=BOLD,
            fontSize=7,
            fillColor=GREY,
            textAnchor="middle",
        )
    )
    return drawing


def _fit(label: str, width: float, font: str, size: float) -> str:
    """The label, shortened with « … » if it would overflow."""
    if stringWidth(label, font, size) <= width:
        return label
    while label and stringWidth(label + "…", font, size) > width:
        label = label[:-1]
    return label.rstrip(" ,;") + "…"
