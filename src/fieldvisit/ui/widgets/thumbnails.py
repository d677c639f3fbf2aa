"""Photo thumbnails for the UI, rendered and decoded on the worker, never on the UI thread.

`services/thumbnails.py` renders a small cached JPEG with Pillow (encrypted on disk);
the worker then decodes those few bytes into a QImage (QImage, unlike QPixmap, may be
built off the UI thread). The UI only turns the small QImage into a pixmap.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPixmap

from fieldvisit.core.errors import BadInput
from fieldvisit.services import Services, thumbnails
from fieldvisit.ui.base.context import UiContext

DEFAULT_SIZE = thumbnails.DEFAULT_SIZE


def load_thumbnail_image(svc: Services, sha256: str, size: int) -> QImage:
    """Runs on the worker: the cached thumbnail (decrypted), decoded."""
    data = thumbnails.thumbnail_bytes(svc, sha256, size)
    # The stubs type the format as bytes, but the binding takes a str only (bytes: ValueError).
    image = QImage.fromData(data, "JPG")  # type: ignore[arg-type]
    if image.isNull():
        raise BadInput(f"Vignette illisible : {sha256[:12]}….")
    return image


class ThumbnailLoader(QObject):
    """Asks the worker for thumbnails and keeps the decoded pixmaps of a page.

    `ready(sha256)` when a thumbnail arrived, `failed(sha256)` when the file is not an
    image (a document, a damaged photo): the page then keeps its generic icon. No
    error dialog: the import already told the person about files it refused.
    """

    ready = Signal(str)
    failed = Signal(str)

    def __init__(self, ctx: UiContext, size: int = DEFAULT_SIZE, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.size = size
        self._pixmaps: dict[str, QPixmap] = {}
        self._pending: set[str] = set()
        self._failed: set[str] = set()

    def pixmap(self, sha256: str) -> QPixmap | None:
        return self._pixmaps.get(sha256)

    def request(self, sha256: str) -> None:
        """Load sha256's thumbnail in the background unless already there or on its way."""
        if sha256 in self._pixmaps or sha256 in self._pending or sha256 in self._failed:
            return
        self._pending.add(sha256)
        self.ctx.run(
            self.ctx.call(load_thumbnail_image, sha256, self.size),
            on_success=partial(self._arrived, sha256),
            on_failure=partial(self._not_available, sha256),
        )

    def _arrived(self, sha256: str, image: QImage) -> None:
        self._pending.discard(sha256)
        self._pixmaps[sha256] = QPixmap.fromImage(image)
        self.ready.emit(sha256)

    def _not_available(self, sha256: str, _err: BaseException) -> None:
        self._pending.discard(sha256)
        self._failed.add(sha256)
        self.failed.emit(sha256)
