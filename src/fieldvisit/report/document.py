"""The A4 document frame: page templates, header and footer, "Page X / Y", table of
contents and PDF outline. Shared by the visit report and the blank forms.

A heading made with `heading()` carries its outline entry; `afterFlowable` turns it
into a bookmark, an outline entry and (if wanted) a table-of-contents line. The table
of contents and the "Page X / Y" footer need `multiBuild`: a first pass collects the
headings' page numbers and the page count (`PageTotal`), the next one prints them. The
first pass is never the one saved, so it only lays out, without drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.colors import Color, white
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
)
from reportlab.platypus.tableofcontents import TableOfContents

from fieldvisit.report.fonts import BOLD, REGULAR
from fieldvisit.report.model import Progress
from fieldvisit.report.styles import (
    BLUE,
    GREY,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RED,
    Para,
    styles,
    table_style,
    text,
)

# Binary streams (zlib only) instead of ASCII85 on top: a smaller file, and no pure-Python
# ASCII85 encoding of every photo and page (the slowest step of a build without this).
rl_config.useA85 = 0

COVER, BODY = "cover", "body"
DRAFT_GREY = Color(0.55, 0.55, 0.55, alpha=0.22)
FOOTER_Y = 11 * mm
HEADER_Y = PAGE_HEIGHT - 13 * mm


@dataclass(frozen=True)
class PageDecor:
    """What the header and footer say."""

    header_left: str
    header_right: str
    footer_left: str
    marking: str = ""  # e.g. "Diffusion restreinte", on every page when set
    cover_band: str = ""  # white on the blue band across the top of the cover
    draft: bool = False  # « PROJET » across every page, and a line in the footer
    reference: str = ""  # « Réf. … · version n », in the footer of every page


DRAFT_WATERMARK = "PROJET"
DRAFT_FOOTER = "PROJET — document de travail, non validé"


class Heading(Para):
    """A paragraph that is also an outline entry (and a TOC line when `in_toc`)."""

    def __init__(self, title: str, style: Any, level: int, key: str, in_toc: bool = True) -> None:
        super().__init__(text(title), style)
        self.outline = (level, title, key, in_toc)


def heading(title: str, level: int, key: str, in_toc: bool = True) -> Heading:
    s = styles()
    style = (s.h1, s.h2, s.h3)[min(level, 2)]
    return Heading(title, style, level, key, in_toc)


class KeepWithFirst(Flowable):
    """Headings (and a short note) kept with the start of what follows them.

    reportlab's keepWithNext and KeepTogether move a heading *and the whole of* a long
    table to the next page; this moves them only when not even the table's first row
    (or the chart, whole) fits under the heading, so that no heading is ever left alone
    at the foot of a page. It never fits as one piece: the frame asks it to split,
    and the split either gives its parts back (the heading fits with the start of the
    body) or nothing (the frame goes on to the next page, where it gives them back).
    """

    def __init__(self, head: list[Flowable], body: Flowable) -> None:
        super().__init__()
        self._content = [*head, body]  # `toc_entries` reads the headings in it
        self._head = head
        self._body = body

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, availHeight + 1  # never placed whole: always split

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        frame = getattr(self, "_frame", None)
        if frame is None or getattr(frame, "_atTop", False):
            return list(self._content)
        room = availHeight
        for flowable in self._head:
            _, height = flowable.wrap(availWidth, room)
            room -= height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        room -= self._body.getSpaceBefore()
        if room <= 0:
            return []
        _, height = self._body.wrap(availWidth, room)
        if height <= room:
            return list(self._content)
        first = self._body.split(availWidth, room)
        if first and not isinstance(first[0], ActionFlowable):
            return list(self._content)
        return []

    def draw(self) -> None:
        pass


class Bookmark(Flowable):
    """An invisible outline entry (the cover, the table of contents)."""

    def __init__(self, title: str, key: str, level: int = 0) -> None:
        super().__init__()
        self.outline = (level, title, key, False)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


def _skip_drawing(*args: Any, **kwargs: Any) -> None:
    pass


class PassState:
    """Shared by a document and its frames (KeepTogether deep-copies frames: not this)."""

    def __init__(self) -> None:
        self.layout_only = False

    def __deepcopy__(self, memo: dict[int, Any]) -> PassState:
        return self


class LayoutFrame(Frame):
    """A frame that, during a layout-only pass, places flowables without drawing them.

    multiBuild's first pass only collects page numbers and is never the one saved
    (`PageTotal` is never satisfied after it). Not drawing it saves about a third of a
    report's build time.
    """

    def __init__(self, *args: Any, passes: PassState, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._passes = passes

    def _add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:
        if not self._passes.layout_only:
            return int(super()._add(flowable, canv, trySplit))
        # An instance attribute shadows the method (set through __dict__: Drawing
        # refuses unknown attributes).
        flowable.__dict__["drawOn"] = _skip_drawing
        try:
            return int(super()._add(flowable, canv, trySplit))
        finally:
            flowable.__dict__.pop("drawOn", None)

    add = _add


class PageTotal(Flowable):
    """Zero-size and last in the story: counts the pages of each layout pass.

    It is an "indexing" flowable like the table of contents: reportlab's multiBuild
    runs passes until it is satisfied, that is until a pass ends on the page count
    that the previous pass found, which is the count its footers printed as "/ Y".
    """

    _ZEROSIZE = True

    def __init__(self) -> None:
        super().__init__()
        self.previous: int | None = None
        self.current: int | None = None

    def isIndexing(self) -> int:
        return 1

    def isSatisfied(self) -> bool:
        return self.current is not None and self.current == self.previous

    def beforeBuild(self) -> None:
        self.previous, self.current = self.current, None

    def afterBuild(self) -> None:
        pass

    def notify(self, kind: str, stuff: object) -> None:
        pass  # the document tells every indexing flowable about TOC entries

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.current = self.canv.getPageNumber()
        return 0, 0

    def draw(self) -> None:
        pass


class ReportDocument(BaseDocTemplate):
    def __init__(
        self,
        output: str | IO[bytes],
        *,
        title: str,
        author: str,
        subject: str,
        keywords: Sequence[str],
        decor: PageDecor,
        with_cover: bool = True,
        progress: Progress | None = None,
        progress_offset: int = 0,
        progress_total: int = 0,
    ) -> None:
        super().__init__(
            output,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=title,
            author=author,
            subject=subject,
            keywords=list(keywords),
            creator="fieldvisit",
            lang="fr-FR",
            displayDocTitle=1,
            pageCompression=1,
            # Otherwise every page names Helvetica, a font that is not embedded.
            initialFontName=REGULAR,
            initialFontSize=9.5,
            initialLeading=12.5,
        )
        self.decor = decor
        self._progress = progress
        self._progress_offset = progress_offset
        self._progress_total = progress_total
        self._passes = 0
        self._page_total = PageTotal()
        self._pass_state = PassState()
        body = LayoutFrame(
            MARGIN_X,
            MARGIN_BOTTOM,
            PAGE_WIDTH - 2 * MARGIN_X,
            PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
            id="body",
            passes=self._pass_state,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        cover = LayoutFrame(
            MARGIN_X,
            MARGIN_BOTTOM,
            PAGE_WIDTH - 2 * MARGIN_X,
            PAGE_HEIGHT - MARGIN_BOTTOM - 22 * mm,
            id="cover",
            passes=self._pass_state,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        templates = [
            PageTemplate(COVER, frames=[cover], onPage=self._decorate_cover),
            PageTemplate(BODY, frames=[body], onPage=self._decorate_body),
        ]
        # The first template is the first page's.
        self.addPageTemplates(templates if with_cover else templates[::-1])

    # -- passes and progress ------------------------------------------------------
    def beforeDocument(self) -> None:
        self._passes += 1
        self._pass_state.layout_only = self._passes == 1
        if self._progress is not None and self._progress_total:
            done = min(self._progress_offset + self._passes - 1, self._progress_total - 1)
            self._progress(done, self._progress_total)

    # -- outline, bookmarks, table of contents ---------------------------------------
    def afterFlowable(self, flowable: Flowable) -> None:
        entry = getattr(flowable, "outline", None)
        if entry is None:
            return
        level, title, key, in_toc = entry
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)
        if in_toc:  # a TOC line is paragraph markup: « & » or « < » in a title is text
            self.notify("TOCEntry", (level, escape(title), self.page, key))

    # -- page decoration ---------------------------------------------------------------
    def _decorate_cover(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if self._pass_state.layout_only:
            return  # a layout pass is never saved: nothing to draw
        canvas.saveState()
        band = 12 * mm
        canvas.setFillColor(BLUE)
        canvas.rect(0, PAGE_HEIGHT - band, PAGE_WIDTH, band, stroke=0, fill=1)
        canvas.setFillColor(RED)
        canvas.rect(0, PAGE_HEIGHT - band - 1.2 * mm, PAGE_WIDTH, 1.2 * mm, stroke=0, fill=1)
        if self.decor.cover_band:
            canvas.setFont(BOLD, 9)
            canvas.setFillColor(white)
            canvas.drawString(MARGIN_X, PAGE_HEIGHT - band + 4.5 * mm, self.decor.cover_band)
        self._footer(canvas)
        canvas.restoreState()
        self._watermark(canvas)

    def _decorate_body(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if self._pass_state.layout_only:
            return
        canvas.saveState()
        decor = self.decor
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN_X, HEADER_Y, decor.header_left)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, HEADER_Y, decor.header_right)
        if decor.marking:
            canvas.setFont(BOLD, 8)
            canvas.setFillColor(RED)
            canvas.drawCentredString(PAGE_WIDTH / 2, HEADER_Y + 10, decor.marking.upper())
        canvas.setStrokeColor(BLUE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, HEADER_Y - 4, PAGE_WIDTH - MARGIN_X, HEADER_Y - 4)
        self._footer(canvas)
        canvas.restoreState()
        self._watermark(canvas)

    def _watermark(self, canvas: Canvas) -> None:
        """« PROJET » across the page of a draft, drawn under the page's content."""
        if not self.decor.draft:
            return
        canvas.saveState()
        canvas.setFillColor(DRAFT_GREY)
        canvas.setFont(BOLD, 96)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(45)
        canvas.drawCentredString(0, -34, DRAFT_WATERMARK)
        canvas.restoreState()

    def _footer(self, canvas: Canvas) -> None:
        decor = self.decor
        canvas.setStrokeColor(BLUE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_X, FOOTER_Y + 10, PAGE_WIDTH - MARGIN_X, FOOTER_Y + 10)
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN_X, FOOTER_Y, decor.footer_left)
        total = self._page_total.previous or 0  # known from the previous pass
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN_X, FOOTER_Y, f"Page {canvas.getPageNumber()} / {total}"
        )
        if decor.reference:
            canvas.setFont(REGULAR, 7)
            canvas.drawRightString(PAGE_WIDTH - MARGIN_X, FOOTER_Y - 10, decor.reference)
        # The marking and the draft line share the line under the footer.
        lines = [
            line for line in (decor.marking.upper(), DRAFT_FOOTER if decor.draft else "") if line
        ]
        if lines:
            canvas.setFont(BOLD, 8)
            canvas.setFillColor(RED)
            canvas.drawString(MARGIN_X, FOOTER_Y - 10, " · ".join(lines))

    def build_story(self, story: list[Flowable]) -> None:
        self._page_total = PageTotal()
        entries = toc_entries(story)
        for flowable in story:
            if isinstance(flowable, TableOfContents):
                # The first pass lays the table of contents out with its real lines
                # (page numbers still unknown, and not drawn): every heading lands on
                # its final page at once, so a long report also needs two passes only.
                flowable._entries = list(entries)
        self.multiBuild([*story, self._page_total])


def toc_entries(story: Sequence[Flowable]) -> list[tuple[int, str, int, str]]:
    """The table-of-contents lines the story's headings will make (page 0 for now)."""
    entries: list[tuple[int, str, int, str]] = []
    for flowable in story:
        inner = getattr(flowable, "_content", None)  # KeepTogether
        if isinstance(inner, list):
            entries += toc_entries(inner)
            continue
        outline = getattr(flowable, "outline", None)
        if outline is not None and outline[3]:
            level, title, key, _in_toc = outline
            entries.append((level, escape(title), 0, key))
    return entries


def table_of_contents() -> list[Flowable]:
    """The "Sommaire" page: a title, its bookmark and the TOC flowable."""
    s = styles()
    toc = TableOfContents(
        levelStyles=list(s.toc_levels),
        dotsMinLevel=0,
        tableStyle=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    return [
        Bookmark("Sommaire", "sommaire"),
        Para("Sommaire", s.toc_title),
        toc,
        PageBreak(),
    ]


def start_body() -> list[Flowable]:
    """Switch from the cover template to the body template at the next page."""
    return [NextPageTemplate(BODY), PageBreak()]
