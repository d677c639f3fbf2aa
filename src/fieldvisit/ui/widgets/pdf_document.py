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
from PySide6.QtCore import QCoreApplication, QObject, QSize, QSizeF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPalette, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QStyle, QVBoxLayout, QWidget


class _Handle:
    """The open PDFium document, apart from the QObject so that it can still be closed
    when the QObject is destroyed (with its parent widget): the file is released then,
    not whenever the garbage collector gets to it."""

    def __init__(self) -> None:
        self.pdf: pypdfium2.PdfDocument | None = None

    def close(self, *_args: object) -> None:
        if self.pdf is not None:
            self.pdf.close()
            self.pdf = None


class PdfDocument(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handle = _Handle()
        # Closed with the widget that owns it, or when the app quits (whichever first).
        self.destroyed.connect(self._handle.close)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._handle.close)

    @property
    def _pdf(self) -> pypdfium2.PdfDocument | None:
        return self._handle.pdf

    def load(self, path: str) -> str | None:
        """Open a PDF; return None, or why it could not be read."""
        self.close()
        try:
            self._handle.pdf = pypdfium2.PdfDocument(path)
        except (pypdfium2.PdfiumError, OSError) as err:
            return str(err)
        return None

    def close(self) -> None:
        self._handle.close()

    def is_open(self) -> bool:
        return self._handle.pdf is not None

    def pageCount(self) -> int:
        return len(self._pdf) if self._pdf is not None else 0

    def pagePointSize(self, index: int) -> QSizeF:
        if self._pdf is None:
            return QSizeF()
        page = self._pdf[index]
        try:
            width, height = page.get_size()
        finally:
            page.close()
        return QSizeF(width, height)

    def render(self, index: int, size: QSize) -> QImage:
        """The page as an RGB image of (about) the given size."""
        if self._pdf is None:
            return QImage()
        page = self._pdf[index]
        try:
            width, _height = page.get_size()
            bitmap = page.render(scale=size.width() / width)
            image = bitmap.to_pil().convert("RGB")
            bitmap.close()
        finally:
            page.close()
        data = image.tobytes()
        return QImage(
            data, image.width, image.height, image.width * 3, QImage.Format.Format_RGB888
        ).copy()


class PdfPreview(QScrollArea):
    """The pages one under the other on a grey background, as wide as the view allows
    (fitted again after a resize), rendered one per event-loop turn so that a long
    report never freezes the window."""

    MAX_PAGE_WIDTH = 800  # about the real size of an A4 page on a 96 dpi screen
    MIN_PAGE_WIDTH = 320
    MARGIN = 12

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._pages = QWidget(self)
        self._pages.setObjectName("pdfPages")
        self._pages.setAutoFillBackground(True)
        palette = self._pages.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#8c8c8c"))
        self._pages.setPalette(palette)
        self._layout = QVBoxLayout(self._pages)
        self._layout.setContentsMargins(self.MARGIN, self.MARGIN, self.MARGIN, self.MARGIN)
        self._layout.setSpacing(self.MARGIN)
        self._layout.addStretch(1)
        self.setWidget(self._pages)
        self._document: PdfDocument | None = None
        self._next = 0
        self._generation = 0
        self._page_width = 0
        self._refit_timer = QTimer(self)
        self._refit_timer.setSingleShot(True)
        self._refit_timer.setInterval(150)
        self._refit_timer.timeout.connect(self._refit)

    def fitted_width(self) -> int:
        """The page width that fits the view beside a vertical scroll bar."""
        scrollbar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        available = self.width() - 2 * self.frameWidth() - scrollbar - 2 * self.MARGIN
        return max(self.MIN_PAGE_WIDTH, min(self.MAX_PAGE_WIDTH, available))

    def show_document(self, document: PdfDocument) -> None:
        self.clear()
        self._document = document
        self._next = 0
        self._page_width = self.fitted_width()
        self._generation += 1
        QTimer.singleShot(0, self, self._render_next_for(self._generation))

    def page_labels(self) -> list[QLabel]:
        return self._pages.findChildren(QLabel)

    def clear(self) -> None:
        self._generation += 1
        self._document = None
        for label in self.page_labels():
            label.setParent(None)
            label.deleteLater()

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        if self._document is not None and abs(self.fitted_width() - self._page_width) > 16:
            self._refit_timer.start()  # once the resizing stops

    def _refit(self) -> None:
        document = self._document
        if document is None or not document.is_open():
            return
        bar = self.verticalScrollBar()
        position = bar.value() / max(1, bar.maximum())
        self.show_document(document)
        QTimer.singleShot(0, self, lambda: bar.setValue(round(position * bar.maximum())))

    def _render_next_for(self, generation: int):  # type: ignore[no-untyped-def]
        return lambda: self._render_next(generation)

    def _render_next(self, generation: int) -> None:
        document = self._document
        if generation != self._generation or document is None or not document.is_open():
            return
        if self._next >= document.pageCount():
            return
        ratio = self.devicePixelRatioF()
        image = document.render(self._next, QSize(round(self._page_width * ratio), 0))
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        label = QLabel(self._pages)
        label.setPixmap(pixmap)
        label.setAccessibleName(self.tr("Page {0}").format(self._next + 1))
        self._layout.insertWidget(self._layout.count() - 1, label, 0, Qt.AlignmentFlag.AlignHCenter)
        self._next += 1
        QTimer.singleShot(0, self, self._render_next_for(generation))
