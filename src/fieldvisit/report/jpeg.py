"""A photo drawn into the PDF from its JPEG bytes as they are, never decoded.

PDF shows JPEG data itself (the DCTDecode filter), and reportlab embeds a JPEG that
way. Handed a file-like object, though, platypus' `Image` makes an `ImageReader`, and
`canvas.drawImage` names every reader's image by a hash of its *pixels*: Pillow decodes
the photo to raw RGB, which the reader then keeps until the PDF is written (2.25 MB
per 1000 × 750 photo: 60 photos, 135 MB), although the stream written is the JPEG.
Handed a file name, reportlab reads the bytes without decoding — but the renditions
are encrypted on disk and must never be written in plain.

`canvas.drawImage` also takes any object with a `jpeg_fh()` method: it names the image
by the object's `str()` and `pdfdoc.PDFImageXObject` reads the JPEG from that file
handle, bytes unchanged. `JpegImage` hands it one that decrypts the rendition in memory
when the page is drawn (a report's layout pass draws nothing: once per photo). The
name is the rendition's key (photo hash and size): a photo shown twice is embedded once.
"""

from __future__ import annotations

import io
from typing import Any, BinaryIO

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfutils import readJPEGInfo
from reportlab.platypus import Flowable

from fieldvisit.report.images import Rendition


class _JpegData:
    """What `canvas.drawImage` accepts as an image besides a file name or a reader."""

    def __init__(self, name: str, data: bytes) -> None:
        self._name = name
        self._data = data

    def jpeg_fh(self) -> BinaryIO:
        return io.BytesIO(self._data)

    def __str__(self) -> str:
        return self._name


def embeddable(data: bytes) -> bool:
    """Whether reportlab embeds these bytes as a JPEG (it reads their frame header)."""
    try:
        readJPEGInfo(io.BytesIO(data))
    except Exception:  # reportlab raises struct.error, PDFError or others on non-JPEG
        return False
    return True


class JpegImage(Flowable):
    """A rendition drawn at width × height points, its JPEG embedded as it is."""

    def __init__(
        self, rendition: Rendition, width: float, height: float, hAlign: str = "CENTER"
    ) -> None:
        super().__init__()
        self.rendition = rendition
        self.drawWidth = width
        self.drawHeight = height
        self.hAlign = hAlign

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.drawWidth, self.drawHeight

    def draw(self) -> None:
        data = self.rendition.jpeg_bytes()
        image: Any = _JpegData(f"fieldvisit-rendition:{self.rendition.key}", data)
        if not embeddable(data):
            image = ImageReader(io.BytesIO(data))  # never seen: renditions are JPEGs
        self.canv.drawImage(image, 0, 0, self.drawWidth, self.drawHeight)

    def __deepcopy__(self, memo: dict[int, Any]) -> JpegImage:
        # reportlab deep-copies flowables it splits or keeps together; the rendition is
        # immutable and holds the data dir's vault, which must not be copied.
        return JpegImage(self.rendition, self.drawWidth, self.drawHeight, self.hAlign)
