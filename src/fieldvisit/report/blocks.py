"""Reusable pieces of the report's pages: answer tables, label/value tables, tags.

Tables repeat their header row on each page (`repeatRows=1`) and never split a row
(reportlab's default, `splitInRow=0`): a row moves whole to the next page. A very
long answer is cut into several rows at paragraph or sentence ends first, so that no
single row is ever taller than a page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table

from fieldvisit.report.fonts import BOLD, OBLIQUE, REGULAR
from fieldvisit.report.model import CONFIDENTIAL_TAG, ItemResult, Mark
from fieldvisit.report.styles import (
    BLUE,
    BLUE_LIGHT,
    FRAME_WIDTH,
    GREEN,
    GREY,
    GREY_FILL,
    GREY_LINE,
    RED,
    Para,
    styles,
    table_style,
    text,
)
from fieldvisit.report.text import french_spacing

# Concern or not, as the form's `concern_if` says; other answers are neutral.
MARKS = {
    Mark.NO_CONCERN: ("✔", GREEN),
    Mark.CONCERN: ("✘", RED),
    Mark.NOT_APPLICABLE: ("–", GREY),
    Mark.ANSWERED: ("•", BLUE),
    Mark.MISSING: ("○", GREY),
}
LEGEND = "✔ pas de problème relevé   ✘ point de vigilance   – sans objet   • constat"
WITHHELD_TAG = "Interne"
MAX_CHUNK = 1200  # characters of one answer per table row

MARK_WIDTH = 8 * mm
LABEL_WIDTH = 78 * mm


def confidential_tag() -> str:
    return (
        f' <font name="{BOLD}" size="6.5" color="{RED.hexval()}">'
        f"[{CONFIDENTIAL_TAG.upper()}]</font>"
    )


def withheld_tag() -> str:
    """The tag of an item left out of the shareable variant that is not confidential."""
    return (
        f' <font name="{BOLD}" size="6.5" color="{GREY.hexval()}">[{WITHHELD_TAG.upper()}]</font>'
    )


def chunks(value: str, limit: int = MAX_CHUNK) -> list[str]:
    """Text cut at paragraph, then sentence ends into pieces of at most ~limit chars."""
    pieces: list[str] = []
    for paragraph in re.split(r"\n\s*\n", value.strip()):
        current = ""
        for sentence in re.split(r"(?<=[.!?…])\s+", paragraph):
            if current and len(current) + len(sentence) + 1 > limit:
                pieces.append(current)
                current = sentence
            else:
                current = f"{current} {sentence}" if current else sentence
            while len(current) > limit * 2:  # one endless sentence: cut at a space
                cut = current.rfind(" ", 0, limit)
                cut = cut if cut > 0 else limit
                pieces.append(current[:cut])
                current = current[cut:].lstrip()
        if current:
            pieces.append(current)
    return pieces or [""]


CELL_PADDING = 3
PLAIN_SIZE = 8.5


def _one_line(
    value: str, width: float, font: str = REGULAR, size: float = PLAIN_SIZE
) -> str | None:
    """The text as a plain table cell if it fits on one line, else None.

    A plain string is drawn as is; a Paragraph is parsed and line-broken, several times
    per layout pass: most answers (« Oui », « 3 / 5 », a choice) need no Paragraph.
    """
    value = french_spacing(value)
    if "\n" in value or stringWidth(value, font, size) > width - 2 * CELL_PADDING:
        return None
    return value


def _answer_cells(item: ItemResult, width: float) -> list[object]:
    """The answer cell's content, one entry per table row (long answers take several)."""
    s = styles()
    if not item.answered:
        return [item.answer]  # drawn in grey oblique by the caller
    if not item.comment and (plain := _one_line(item.answer, width)) is not None:
        return [plain]
    rows: list[object] = [[Para(text(piece), s.cell)] for piece in chunks(item.answer)]
    if item.comment:
        for piece in chunks(item.comment):
            rows.append([Para(f"<i>Commentaire :</i> {text(piece)}", s.note)])
    if len(rows) > 1 and not item.long:
        # Short answers keep their comment in the same cell.
        merged = [flowable for row in rows for flowable in row]  # type: ignore[attr-defined]
        if sum(len(p.text) for p in merged if isinstance(p, Para)) < MAX_CHUNK:
            return [merged]
    return rows


def item_table(items: Sequence[ItemResult], show_confidential: bool) -> Table:
    """Items of one form section: mark, question, answer (and comment)."""
    s = styles()
    answer_width = FRAME_WIDTH - MARK_WIDTH - LABEL_WIDTH
    data: list[list[object]] = [
        ["", Para("Point examiné", s.header_cell), Para("Constat", s.header_cell)]
    ]
    commands: list[tuple[object, ...]] = []
    for item in items:
        first = len(data)
        tagged = show_confidential and item.withheld
        label: object = (
            None
            if tagged
            else _one_line(
                item.label,
                LABEL_WIDTH if not item.long else FRAME_WIDTH - MARK_WIDTH,
                BOLD if item.long else REGULAR,
            )
        )
        if label is None:
            tag = (confidential_tag() if item.confidential else withheld_tag()) if tagged else ""
            markup_label = text(item.label) + tag
            label = Para(markup_label, s.cell_bold if item.long else s.cell)
        elif item.long:
            commands.append(("FONT", (1, first), (1, first), BOLD, PLAIN_SIZE, 10.5))
        answer_rows = _answer_cells(item, FRAME_WIDTH - MARK_WIDTH if item.long else answer_width)
        symbol, colour = MARKS[item.mark]
        commands.append(("TEXTCOLOR", (0, first), (0, first), colour))
        if item.long:
            data.append([symbol, label, ""])
            commands.append(("SPAN", (1, first), (2, first)))
            for content in answer_rows:
                row = len(data)
                data.append(["", content, ""])
                commands.append(("SPAN", (1, row), (2, row)))
                commands.append(("TOPPADDING", (0, row), (-1, row), 0))
        else:
            data.append([symbol, label, answer_rows[0]])
            for content in answer_rows[1:]:
                data.append(["", "", content])
        if not item.answered:
            cell = (1, first + 1) if item.long else (2, first)
            commands.append(("FONT", cell, cell, OBLIQUE, 8, 10.5))
            commands.append(("TEXTCOLOR", cell, cell, GREY))
        last = len(data) - 1
        commands.append(("LINEBELOW", (0, last), (-1, last), 0.3, GREY_LINE))
        if last > first:
            # Keep a question with the start of its answer; long answers may go on,
            # but their last piece (often the comment) never stands alone on a page.
            commands.append(("NOSPLIT", (0, first), (-1, min(last, first + 1))))
            if last > first + 1:
                commands.append(("NOSPLIT", (0, last - 1), (-1, last)))
    style = table_style(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONT", (0, 1), (0, -1), REGULAR, 10, 10.5),
            ("ALIGN", (0, 1), (0, -1), "CENTER"),
            ("BACKGROUND", (0, 0), (-1, 0), BLUE_LIGHT),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, BLUE),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            *commands,
        ]
    )
    return Table(
        data,
        colWidths=[MARK_WIDTH, LABEL_WIDTH, answer_width],
        repeatRows=1,
        style=style,
        hAlign="LEFT",
        spaceAfter=6,
    )


def info_table(
    rows: Sequence[tuple[str, str]],
    label_width: float = 48 * mm,
    width: float = FRAME_WIDTH,
) -> Table:
    """Label / value pairs (cover, interview heading); values may hold line breaks."""
    s = styles()
    data = [[Para(text(label), s.cover_label), Para(text(value), s.cell)] for label, value in rows]
    return Table(
        data,
        colWidths=[label_width, width - label_width],
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, GREY_LINE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        ),
        hAlign="LEFT",
    )


def boxed(flowables: list[Flowable], colour: object = GREY_LINE, fill: object = GREY_FILL) -> Table:
    """Flowables in a framed, lightly shaded box as wide as the text."""
    return Table(
        [[flowables]],
        colWidths=[FRAME_WIDTH],
        style=table_style(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colour),
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        ),
    )
