"""PDF pages for the preview and for printing, rendered by PDFium (pypdfium2).

QtPdf would be the natural choice, but on Python 3.11 the only PySide6 release that
ships it without QtWebEngine (PySide6-Pdf 6.12.0) loses a reference to None on every
Qt call that returns nothing, which aborts the app after some thousands of calls; the
app therefore pins PySide6-Essentials < 6.12 and renders PDF pages with PDFium, the same
engine QtPdf uses. The method names follow QPdfDocument's so the report view reads the
same either way.
"""

from __future__ import annotations

import pypdfium2
from PySide6.QtCore import QObject, QSize, QSizeF, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget


class PdfDocument(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pdf: pypdfium2.PdfDocument | None = None

    def load(self, path: str) -> str | None:
        """Open a PDF; return None, or why it could not be read."""
        self.close()
        try:
            self._pdf = pypdfium2.PdfDocument(path)
        except (pypdfium2.PdfiumError, OSError) as err:
            return str(err)
        return None

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None

    def pageCount(self) -> int:
        return len(self._pdf) if self._pdf is not None else 0

    def pagePointSize(self, index: int) -> QSizeF:
        if self._pdf is None:
            return QSizeF()
        width, height = self._pdf[index].get_size()
        return QSizeF(width, height)

    def render(self, index: int, size: QSize) -> QImage:
        """The page as an RGB image of (about) the given size."""
        if self._pdf is None:
            return QImage()
        page = self._pdf[index]
        width, _height = page.get_size()
        image = page.render(scale=size.width() / width).to_pil().convert("RGB")
        data = image.tobytes()
        return QImage(
            data, image.width, image.height, image.width * 3, QImage.Format.Format_RGB888
        ).copy()


class PdfPreview(QScrollArea):
    """The pages one under the other, fitted to the width, rendered one per event-loop
    turn so that a long report never freezes the window."""

    PAGE_WIDTH = 820

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self._pages = QWidget(self)
        self._layout = QVBoxLayout(self._pages)
        self._layout.addStretch(1)
        self.setWidget(self._pages)
        self._document: PdfDocument | None = None
        self._next = 0
        self._generation = 0

    def show_document(self, document: PdfDocument) -> None:
        self.clear()
        self._document = document
        self._next = 0
        self._generation += 1
        QTimer.singleShot(0, self, self._render_next_for(self._generation))

    def page_labels(self) -> list[QLabel]:
        return self._pages.findChildren(QLabel)

    def clear(self) -> None:
        self._generation += 1
        for label in self.page_labels():
            label.setParent(None)
            label.deleteLater()

    def _render_next_for(self, generation: int):  # type: ignore[no-untyped-def]
        return lambda: self._render_next(generation)

    def _render_next(self, generation: int) -> None:
        document = self._document
        if generation != self._generation or document is None:
            return
        if self._next >= document.pageCount():
            return
        image = document.render(self._next, QSize(self.PAGE_WIDTH, 0))
        label = QLabel(self._pages)
        label.setPixmap(QPixmap.fromImage(image))
        label.setAccessibleName(self.tr("Page {0}").format(self._next + 1))
        self._layout.insertWidget(self._layout.count() - 1, label)
        self._next += 1
        QTimer.singleShot(0, self, self._render_next_for(generation))
