"""The app's icons: SVG files drawn for fieldvisit, crisp at any screen density.

The line icons are drawn in one ink, `INK`. On a selected row (the workspace's section
list, a highlighted menu entry) that blue would vanish into the highlight, so these
icons are drawn by `InkIconEngine`, which paints the ink in the palette's
highlighted-text colour for the selected state (and follows a palette change, such
as the system switching to a dark scheme). The app's logo keeps its own colours.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyleOption
from shiboken6 import Shiboken

from fieldvisit.assets import asset_path

ICON_NAMES = (
    "about",
    "back",
    "delete",
    "demo",
    "fieldvisit",
    "follow-up",
    "new-visit",
    "open",
    "preferences",
    "quit",
    "search",
)
APP_ICON = "fieldvisit"
#: the blue every line icon is drawn with (resources/icons/*.svg)
INK = "#2f74c0"


#: copies of engines made by clone(), kept referenced until Qt deletes them (see clone)
_clones: list[InkIconEngine] = []


def selected_ink() -> str:
    """The colour of the ink on a selected row: the palette's highlighted text."""
    return QGuiApplication.palette().color(QPalette.ColorRole.HighlightedText).name()


class InkIconEngine(QIconEngine):
    """Renders an SVG icon, its ink recoloured for the selected state."""

    def __init__(self, svg: str) -> None:
        super().__init__()
        self._svg = svg
        self._renderers: dict[str, QSvgRenderer] = {}

    def _renderer(self, mode: QIcon.Mode) -> QSvgRenderer:
        ink = selected_ink() if mode == QIcon.Mode.Selected else INK
        renderer = self._renderers.get(ink)
        if renderer is None:
            renderer = QSvgRenderer(QByteArray(self._svg.replace(INK, ink).encode()))
            self._renderers[ink] = renderer
        return renderer

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        if mode == QIcon.Mode.Disabled:
            painter.drawPixmap(rect, self.pixmap(rect.size(), mode, state))
        else:
            self._renderer(mode).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self._renderer(mode).render(painter, QRectF(image.rect()))
        painter.end()
        pixmap = QPixmap.fromImage(image)
        if mode == QIcon.Mode.Disabled:  # greyed out as the style greys any icon
            style = QApplication.style()
            return style.generatedIconPixmap(mode, pixmap, QStyleOption())
        return pixmap

    def clone(self) -> QIconEngine:
        """The engine of a copy of the icon (a copy that is changed, e.g. by addPixmap).

        Qt owns the returned engine, but PySide would delete it along with its last
        Python reference, under Qt's feet: it is kept in `_clones` until Qt deletes it.
        """
        _clones[:] = [engine for engine in _clones if Shiboken.isValid(engine)]
        copy = InkIconEngine(self._svg)
        _clones.append(copy)
        return copy


@cache
def icon(name: str) -> QIcon:
    """The icon resources/icons/<name>.svg (an empty icon if the file is missing)."""
    path = asset_path("resources", "icons", f"{name}.svg")
    if not path.is_file():
        return QIcon()
    if name == APP_ICON:
        return QIcon(str(path))
    return QIcon(InkIconEngine(path.read_text(encoding="utf-8")))


def app_icon() -> QIcon:
    return icon(APP_ICON)
