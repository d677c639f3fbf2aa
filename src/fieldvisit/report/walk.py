"""The report's chapter of the walk's observations (« Points d'attention »): a numbered
table grouped by category, each observation with thumbnails of its photos, and the
plan of the town centre with numbered pins that match the table.

Thumbnails are the photos' report renditions drawn small (the PDF embeds each JPEG
once, under its rendition's key, for the table and the annex alike). The pins are
drawn by the PDF over the plan's rendition: vector circles, sharp at any zoom, and
nothing to cache when a pin moves. The Word report shows the same picture:
`pinned_plan_png` draws this `PinnedPlan` on a page of its own and rasterises it with
pdfium, as the diagnostic chart is (raster.py).

Pins are fractions of the plan's width and height (core/pins.py), so they follow a
plan replaced by another of any size; a pin's disc is kept whole inside the image
(core/pins.py `pin_centre`), a pin on the edge included.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from fieldvisit.core.pins import pin_centre
from fieldvisit.report import images
from fieldvisit.report.document import KeepWithFirst, heading
from fieldvisit.report.fonts import BOLD
from fieldvisit.report.jpeg import JpegImage
from fieldvisit.report.model import ObservationEntry, VisitReport
from fieldvisit.report.styles import (
    BLUE,
    BLUE_LIGHT,
    FRAME_WIDTH,
    GREY,
    GREY_LINE,
    RED,
    Para,
    markup,
    para,
    styles,
    table_style,
    text,
)

#: the plan's rendition: more pixels than a photo's, streets must stay readable
PLAN_IMAGE_SIZE = 1600
PLAN_MAX_HEIGHT = 200 * mm
THUMB_SIZE = 22 * mm
THUMBS_SHOWN = 2  # per observation; the others are counted (« + 2 »)
PIN_RADIUS = 2.6 * mm
COLUMNS = (("N°", 9), ("Lieu", 46), ("Observation", 66), ("Photos", 49))  # 170 mm


def has_walk(report: VisitReport) -> bool:
    return bool(report.observations)


def plan_rendition(report: VisitReport, cache_dir: Any) -> images.Rendition | None:
    """The plan's rendition (None: no plan, or it cannot be read)."""
    if report.plan is None or not any(o.pin for o in report.observations):
        return None
    return images.report_rendition(
        report.plan.source, report.plan.sha256, cache_dir, size=PLAN_IMAGE_SIZE
    )


def walk_chapter(
    report: VisitReport,
    renditions: Sequence[images.Rendition | None],
    plan: images.Rendition | None,
    n: str,
) -> Iterator[Flowable]:
    s = styles()
    title = heading(f"{n}. Points d'attention du parcours", 0, "points-attention")
    count = len(report.observations)
    note = para(
        f"{count} observation{'s' if count > 1 else ''} relevée{'s' if count > 1 else ''} "
        "pendant le parcours, par catégorie. Les numéros sont ceux du plan et des photos "
        "(annexe « Photographies »).",
        s.note,
    )
    yield KeepWithFirst([title, note], _table(report.observations, renditions))
    if plan is not None:
        yield Spacer(1, 5 * mm)
        yield KeepWithFirst([para("Plan du centre-bourg", s.caption)], pinned_plan(report, plan))
    elif report.plan is not None and any(o.pin for o in report.observations):
        yield para(f"Plan : fichier absent ou illisible ({report.plan.filename}).", s.note)


def pinned_plan(report: VisitReport, plan: images.Rendition) -> PinnedPlan:
    """The plan as the report draws it: as wide as the text, at most PLAN_MAX_HEIGHT
    high, with a numbered pin per pinned observation."""
    pins = [(o.number, pin) for o in report.observations if (pin := o.pin) is not None]
    scale = min(FRAME_WIDTH / plan.width, PLAN_MAX_HEIGHT / plan.height)
    return PinnedPlan(plan, plan.width * scale, plan.height * scale, pins)


def pinned_plan_png(report: VisitReport, plan: images.Rendition) -> bytes:
    """The PDF's pinned plan as a PNG (the Word report's), at the rendition's own pixel
    size: PinnedPlan drawn alone on a page of its size, then rasterised by pdfium."""
    from reportlab.pdfgen.canvas import Canvas

    from fieldvisit.report.fonts import register_fonts
    from fieldvisit.report.raster import pdf_page_png

    register_fonts()
    drawn = pinned_plan(report, plan)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(drawn.drawWidth, drawn.drawHeight))
    drawn.drawOn(canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    return pdf_page_png(buffer.getvalue(), scale=plan.width / drawn.drawWidth)


def _table(
    entries: Sequence[ObservationEntry], renditions: Sequence[images.Rendition | None]
) -> Table:
    s = styles()
    data: list[list[object]] = [[Para(name, s.header_cell) for name, _ in COLUMNS]]
    commands: list[tuple[object, ...]] = []
    category = None
    for entry in entries:
        if entry.category != category:  # a row naming the group, across the table
            category = entry.category
            row = len(data)
            data.append([markup(f"<b>{text(category)}</b>", s.cell), "", "", ""])
            commands += [
                ("SPAN", (0, row), (-1, row)),
                ("BACKGROUND", (0, row), (-1, row), BLUE_LIGHT),
            ]
        data.append(_row(entry, renditions))
        if entry.severity == "Forte":
            commands.append(("TEXTCOLOR", (0, len(data) - 1), (0, len(data) - 1), RED))
    return Table(
        data,
        colWidths=[width * mm for _, width in COLUMNS],
        repeatRows=1,
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, BLUE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, GREY_LINE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
                *commands,
            ]
        ),
        hAlign="LEFT",
        spaceBefore=4,
    )


def _row(entry: ObservationEntry, renditions: Sequence[images.Rendition | None]) -> list[object]:
    s = styles()
    colour = RED.hexval() if entry.severity == "Forte" else BLUE.hexval()
    where: list[object] = [Para(text(entry.place or "Lieu non précisé"), s.cell)]
    if entry.location:
        where.append(Para(text(entry.location), s.note))
    what: list[object] = [
        markup(f'<font color="{GREY.hexval()}">Gravité : {text(entry.severity)}</font>', s.note)
    ]
    if entry.comment:
        what.append(Para(text(entry.comment), s.cell))
    if entry.action:
        what.append(Para(text(f"Action : {entry.action}"), s.cell_small))
    return [
        markup(f'<font color="{colour}"><b>{entry.number}</b></font>', s.cell),
        where,
        what,
        _thumbnails(entry, renditions),
    ]


def _thumbnails(entry: ObservationEntry, renditions: Sequence[images.Rendition | None]) -> object:
    s = styles()
    if not entry.photos:
        return para("—", s.cell_small)
    shown: list[object] = []
    for number in entry.photos[:THUMBS_SHOWN]:
        rendition = renditions[number - 1] if 0 < number <= len(renditions) else None
        if rendition is None:
            shown.append(para(f"Photo {number} illisible", s.note))
            continue
        scale = THUMB_SIZE / max(rendition.width, rendition.height)
        shown.append(JpegImage(rendition, rendition.width * scale, rendition.height * scale))
    side_by_side = Table(
        [shown],
        colWidths=[THUMB_SIZE + 1.5 * mm] * len(shown),
        style=table_style(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1.5 * mm),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        ),
        hAlign="LEFT",
    )
    numbers = ", ".join(str(n) for n in entry.photos)
    extra = len(entry.photos) - THUMBS_SHOWN
    label = f"Photo{'s' if len(entry.photos) > 1 else ''} {numbers}"
    if extra > 0:
        label += f" (+ {extra} non montrée{'s' if extra > 1 else ''})"
    return [side_by_side, para(label, s.note)]


class PinnedPlan(JpegImage):
    """The plan drawn with a numbered red pin per pinned observation."""

    def __init__(
        self,
        rendition: images.Rendition,
        width: float,
        height: float,
        pins: Sequence[tuple[int, tuple[float, float]]],
    ) -> None:
        super().__init__(rendition, width, height)
        self.pins = tuple(pins)

    def draw(self) -> None:
        super().draw()
        canvas = self.canv
        for number, pin in self.pins:
            cx, top = pin_centre(pin, self.drawWidth, self.drawHeight, PIN_RADIUS)
            cy = self.drawHeight - top  # PDF y grows upwards
            canvas.setFillColor(RED)
            canvas.setStrokeColorRGB(1, 1, 1)
            canvas.setLineWidth(0.8)
            canvas.circle(cx, cy, PIN_RADIUS, stroke=1, fill=1)
            canvas.setFillColorRGB(1, 1, 1)
            canvas.setFont(BOLD, 7 if number < 100 else 5.5)
            canvas.drawCentredString(cx, cy - 2.4, str(number))

    def __deepcopy__(self, memo: dict[int, Any]) -> PinnedPlan:
        return PinnedPlan(self.rendition, self.drawWidth, self.drawHeight, self.pins)
