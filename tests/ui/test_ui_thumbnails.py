"""Thumbnails arrive from the worker thread: a loader gone meanwhile (its page closed)
is not an error."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import shiboken6
from PIL import Image
from PySide6.QtWidgets import QApplication

from fieldvisit.services import attachments, visits
from fieldvisit.ui.widgets.thumbnails import ThumbnailLoader


def test_a_thumbnail_arriving_after_its_page_closed_is_dropped(
    threaded_ctx, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    svc = threaded_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12))
    photo = tmp_path / "ruelle.jpg"
    Image.new("RGB", (640, 480), (90, 90, 90)).save(photo, format="JPEG")
    sha256 = attachments.attach_photo(svc, visit.id, photo).sha256
    loader = ThumbnailLoader(threaded_ctx)
    arrived: list[str] = []
    loader.ready.connect(arrived.append)
    gate = threading.Event()
    threaded_ctx.worker.run(gate.wait)  # the worker is busy: the thumbnail waits its turn
    loader.request(sha256)

    shiboken6.delete(loader)  # the page and its loader are gone before it comes back
    gate.set()
    threaded_ctx.worker.wait_idle()
    QApplication.processEvents()  # delivers the result: before, « Signal source has been deleted »

    assert arrived == [] and not shiboken6.isValid(loader)
    # A loader still there gets its thumbnail from the same worker.
    other = ThumbnailLoader(threaded_ctx)
    with qtbot.waitSignal(other.ready, timeout=10_000) as blocker:
        other.request(sha256)
    assert blocker.args == [sha256] and other.pixmap(sha256) is not None
