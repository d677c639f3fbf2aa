"""Page geometry, colours and paragraph styles shared by the report and blank forms."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, TableStyle

from fieldvisit.report.fonts import BOLD, OBLIQUE, REGULAR, register_fonts
from fieldvisit.report.text import french_spacing

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

BLUE = colors.HexColor("#000091")  # headings, rules
BLUE_LIGHT = colors.HexColor("#E3E3FD")  # table headers
GREY = colors.HexColor("#666666")
GREY_LINE = colors.HexColor("#BBBBBB")
GREY_FILL = colors.HexColor("#F3F3F3")
RED = colors.HexColor("#C9191E")  # "Diffusion restreinte", "non"
GREEN = colors.HexColor("#18753C")

# Levels of concern 1–4 (None: non évalué), from calm to alarming.
LEVEL_COLOURS = {
    1: colors.HexColor("#8FC9A3"),
    2: colors.HexColor("#F2C94C"),
    3: colors.HexColor("#F2994A"),
    4: colors.HexColor("#D64545"),
    None: colors.HexColor("#D9D9D9"),
}


class Para(Paragraph):
    """A Paragraph that keeps its line breaks for the width it was last wrapped at.

    reportlab wraps each paragraph several times at the same width (a table measures
    its cells, then wraps them again to draw them; multiBuild lays the whole document
    out twice). The lines of a paragraph never change for a given width, so the first
    result is reused: a report builds about a third faster.
    """

    _wrapped_at: float | None = None
    _wrapped: tuple[float, float] = (0.0, 0.0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # split() drops blPara (the lines) when the paragraph cannot be cut: wrap again.
        if availWidth == self._wrapped_at and hasattr(self, "blPara"):
            self.width = availWidth
            return self._wrapped
        result = super().wrap(availWidth, availHeight)
        self._wrapped_at, self._wrapped = availWidth, result
        return result  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    bullet: ParagraphStyle
    bullet_small: ParagraphStyle
    bullet_concern: ParagraphStyle  # a red ✘ bullet: a point of concern
    small: ParagraphStyle
    note: ParagraphStyle  # comments, help text
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_small: ParagraphStyle
    header_cell: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    cover_label: ParagraphStyle
    marking: ParagraphStyle
    figure: ParagraphStyle
    figure_label: ParagraphStyle
    caption: ParagraphStyle
    toc_title: ParagraphStyle
    toc_levels: tuple[ParagraphStyle, ...]
    right: ParagraphStyle


@cache
def styles() -> Styles:
    register_fonts()

    def style(name: str, **kw: object) -> ParagraphStyle:
        base: dict[str, object] = {
            "fontName": REGULAR,
            "bulletFontName": REGULAR,
            "fontSize": 9.5,
            "leading": 12.5,
            "textColor": colors.black,
        }
        base.update(kw)
        return ParagraphStyle(name, **base)  # type: ignore[arg-type]

    return Styles(
        body=style("body", spaceAfter=5),
        bullet=style("bullet", spaceAfter=3, leftIndent=11, bulletIndent=2),
        bullet_concern=style(
            "bullet_concern",
            spaceAfter=3,
            leftIndent=11,
            bulletIndent=2,
            bulletColor=RED,
            bulletFontName=REGULAR,
        ),
        bullet_small=style(
            "bullet_small", fontSize=8, leading=10, spaceAfter=1, leftIndent=11, bulletIndent=2
        ),
        small=style("small", fontSize=8, leading=10),
        note=style("note", fontName=OBLIQUE, fontSize=8, leading=10, textColor=GREY),
        cell=style("cell", fontSize=8.5, leading=10.5),
        cell_bold=style("cell_bold", fontName=BOLD, fontSize=8.5, leading=10.5),
        cell_small=style("cell_small", fontSize=7.5, leading=9),
        header_cell=style("header_cell", fontName=BOLD, fontSize=8, leading=10, textColor=BLUE),
        h1=style(
            "h1",
            fontName=BOLD,
            fontSize=15,
            leading=19,
            textColor=BLUE,
            spaceBefore=4,
            spaceAfter=8,
        ),
        h2=style(
            "h2",
            fontName=BOLD,
            fontSize=11.5,
            leading=15,
            textColor=BLUE,
            spaceBefore=10,
            spaceAfter=5,
        ),
        h3=style("h3", fontName=BOLD, fontSize=9.5, leading=12, spaceBefore=6, spaceAfter=3),
        title=style("title", fontName=BOLD, fontSize=26, leading=32, textColor=BLUE),
        subtitle=style("subtitle", fontSize=13, leading=17, textColor=GREY),
        cover_label=style("cover_label", fontName=BOLD, fontSize=9, leading=12, textColor=GREY),
        marking=style(
            "marking",
            fontName=BOLD,
            fontSize=12,
            leading=15,
            textColor=RED,
            alignment=TA_CENTER,
        ),
        figure=style(
            "figure", fontName=BOLD, fontSize=20, leading=24, textColor=BLUE, alignment=TA_CENTER
        ),
        figure_label=style(
            "figure_label", fontSize=8, leading=10, textColor=GREY, alignment=TA_CENTER
        ),
        caption=style(
            "caption",
            fontName=OBLIQUE,
            fontSize=8.5,
            leading=11,
            alignment=TA_CENTER,
            spaceBefore=3,
        ),
        toc_title=style(
            "toc_title", fontName=BOLD, fontSize=15, leading=19, textColor=BLUE, spaceAfter=10
        ),
        toc_levels=(
            style(
                "toc0",
                fontName=BOLD,
                fontSize=10,
                leading=14,
                leftIndent=0,
                firstLineIndent=0,
                spaceBefore=4,
            ),
            style("toc1", fontSize=9, leading=12, leftIndent=14, firstLineIndent=0),
        ),
        right=style("right", alignment=TA_RIGHT),
    )


def table_style(commands: list[tuple[object, ...]]) -> TableStyle:
    """A table style whose plain-string cells use DejaVu Sans (reportlab's default is
    Helvetica, which is not embedded and has no « œ »)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 8.5, 10.5), *commands])


def para(value: str, style: ParagraphStyle, **kwargs: object) -> Para:
    """A paragraph of plain text (escaped, French spacing)."""
    return Para(text(value), style, **kwargs)  # type: ignore[arg-type]


def markup(value: str, style: ParagraphStyle, **kwargs: object) -> Para:
    """A paragraph of trusted markup (<b>, <font>…), with French spacing."""
    return Para(french_spacing(value), style, **kwargs)  # type: ignore[arg-type]


def text(value: str) -> str:
    """Plain text as paragraph markup: XML escaped, line breaks kept."""
    return escape(french_spacing(value)).replace("\n", "<br/>")
