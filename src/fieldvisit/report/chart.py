"""Charts drawn with reportlab.graphics: the levels of concern of the diagnostic themes,
and for a follow-up the levels then and now; the small trend charts of the commune's
recorded crime (SSMSI base)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from fieldvisit.opendata.card import french_number
from fieldvisit.opendata.diagnostic import TrendSeries
from fieldvisit.report.fonts import BOLD, REGULAR
from fieldvisit.report.model import ThemeChange, ThemeResult
from fieldvisit.report.styles import BLUE, GREY, GREY_LINE, LEVEL_COLOURS

LABEL_SIZE = 7.5
ROW_HEIGHT = 15.0
LEVEL_NAMES = {1: "Faible", 2: "Modéré", 3: "Préoccupant", 4: "Très préoccupant"}
NOT_PUBLISHED_MARK = "n.d."  # « non diffusé »: never drawn as a bar of 0


def trend_chart(series: TrendSeries, width: float, height: float = 92.0) -> Drawing:
    """One indicator's facts year by year as bars, the count above each; a year the
    SSMSI did not publish gets « n.d. » and no bar; the last year's rate and the
    département's under the title."""
    drawing = Drawing(width, height, initialFontName=REGULAR, initialFontSize=7)
    title = _fit(series.label, width, BOLD, LABEL_SIZE)
    drawing.add(String(0, height - 8, title, fontName=BOLD, fontSize=LABEL_SIZE, fillColor=BLUE))
    last = series.points[-1] if series.points else None
    if last is not None and last.rate is not None:
        rate = f"{last.year} : {french_number(last.rate)} ‰"
        if last.departement_rate is not None:
            rate += f" (dép. {french_number(last.departement_rate)} ‰)"
        drawing.add(
            String(0, height - 17, _fit(rate, width, REGULAR, 6.5), fontSize=6.5, fillColor=GREY)
        )
    plot_top, plot_bottom = height - 30, 12.0
    counts = [point.count for point in series.points if point.count is not None]
    top = max(counts, default=0) or 1
    slot = width / max(len(series.points), 1)
    drawing.add(Line(0, plot_bottom, width, plot_bottom, strokeColor=GREY_LINE, strokeWidth=0.5))
    for index, point in enumerate(series.points):
        centre = slot * index + slot / 2
        drawing.add(
            String(centre, 3, str(point.year), fontSize=6, fillColor=GREY, textAnchor="middle")
        )
        if point.count is None:
            drawing.add(
                String(
                    centre,
                    plot_bottom + 3,
                    NOT_PUBLISHED_MARK,
                    fontSize=6,
                    fillColor=GREY,
                    textAnchor="middle",
                )
            )
            continue
        bar = (plot_top - plot_bottom) * point.count / top
        drawing.add(
            Rect(
                centre - slot * 0.3,
                plot_bottom,
                slot * 0.6,
                bar,
                fillColor=BLUE,
                strokeColor=None,
            )
        )
        drawing.add(
            String(
                centre,
                plot_bottom + bar + 2,
                str(point.count),
                fontSize=6,
                textAnchor="middle",
            )
        )
    return drawing


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


PAIR_HEIGHT = 20.0  # a theme of the evolution chart: its two bars and a gap


def evolution_chart(changes: Sequence[ThemeChange], then_text: str, width: float) -> Drawing:
    """Two bars per theme: the previous visit's level (pale, outlined) above this
    visit's (solid), each in its level's colour, and « 3 → 2 en baisse » on the right;
    « non évalué » in words, never a bar.
    `then_text` names the previous visit in the legend (« visite du 12/03/2026 »)."""
    label_width = min(width * 0.42, 215.0)
    plot_x = label_width + 6
    plot_width = width - plot_x - 80
    top_margin, bottom_margin = 6.0, 40.0
    height = top_margin + PAIR_HEIGHT * len(changes) + bottom_margin
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
    bar = (PAIR_HEIGHT - 6) / 2
    for row, change in enumerate(changes):
        y = plot_top - PAIR_HEIGHT * (row + 1) + 3
        label = _fit(change.label, label_width, REGULAR, LABEL_SIZE)
        drawing.add(
            String(
                label_width,
                y + bar - 2.5,
                label,
                fontName=REGULAR,
                fontSize=LABEL_SIZE,
                textAnchor="end",
            )
        )
        _level_bar(drawing, change.level_then, plot_x, y + bar, plot_width, bar, pale=True)
        _level_bar(drawing, change.level_now, plot_x, y, plot_width, bar, pale=False)
        # one reading per theme, right of the plot: « 3 → 2 en baisse »
        then, now = (
            str(v) if v is not None else "–" for v in (change.level_then, change.level_now)
        )
        trend = change.trend.lower() if change.trend != "—" else ""
        drawing.add(
            String(
                plot_x + plot_width + 6,
                y + bar - 2.5,
                f"{then} → {now}  {trend}".rstrip(),
                fontName=REGULAR,
                fontSize=7,
                fillColor=GREY,
            )
        )
    # legend: a pale and a solid sample with what each is
    legend_y = 14.0
    sample = LEVEL_COLOURS[3]
    drawing.add(
        Rect(
            plot_x,
            legend_y,
            9,
            6,
            fillColor=sample,
            fillOpacity=0.35,
            strokeColor=sample,
            strokeWidth=0.6,
        )
    )
    drawing.add(
        String(
            plot_x + 12,
            legend_y + 0.5,
            then_text.capitalize(),
            fontName=REGULAR,
            fontSize=7,
            fillColor=GREY,
        )
    )
    second = plot_x + 12 + stringWidth(then_text, REGULAR, 7) + 14
    drawing.add(Rect(second, legend_y, 9, 6, fillColor=sample, strokeColor=None))
    drawing.add(
        String(
            second + 12,
            legend_y + 0.5,
            "Cette visite",
            fontName=REGULAR,
            fontSize=7,
            fillColor=GREY,
        )
    )
    drawing.add(
        String(
            plot_x + plot_width / 2,
            2,
            "Niveau de préoccupation (1 faible – 4 très préoccupant)",
            fontName=BOLD,
            fontSize=7,
            fillColor=GREY,
            textAnchor="middle",
        )
    )
    return drawing


def _level_bar(
    drawing: Drawing,
    level: int | None,
    x: float,
    y: float,
    plot_width: float,
    height: float,
    *,
    pale: bool,
) -> None:
    if level is None:
        drawing.add(
            String(x + 3, y + 1, "non évalué", fontName=REGULAR, fontSize=6.5, fillColor=GREY)
        )
        return
    colour = LEVEL_COLOURS[level]
    length = plot_width * level / 4
    if pale:
        drawing.add(
            Rect(
                x,
                y,
                length,
                height,
                fillColor=colour,
                fillOpacity=0.45,
                strokeColor=colour,
                strokeWidth=0.6,
            )
        )
    else:
        drawing.add(Rect(x, y, length, height, fillColor=colour, strokeColor=None))


def _fit(label: str, width: float, font: str, size: float) -> str:
    """The label, shortened with « … » if it would overflow."""
    if stringWidth(label, font, size) <= width:
        return label
    while label and stringWidth(label + "…", font, size) > width:
        label = label[:-1]
    return label.rstrip(" ,;") + "…"
