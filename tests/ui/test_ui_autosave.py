"""The autosave debouncer: newest edit per key, flush on demand, safe after close."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject

from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.workspace.autosave import Debouncer


def test_only_the_newest_save_per_key_runs_and_flush_runs_it_now(ui_ctx: UiContext) -> None:
    written: list[str] = []
    debouncer = Debouncer(ui_ctx)
    debouncer.schedule("summary", lambda: written.append("Cent"))
    debouncer.schedule("summary", lambda: written.append("Centre-bourg"))
    debouncer.schedule("author", lambda: written.append("Claire"))
    assert written == [] and debouncer.has_pending
    debouncer.flush()
    assert written == ["Centre-bourg", "Claire"]
    assert not debouncer.has_pending


def test_the_delay_saves_without_any_flush(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    written: list[str] = []
    debouncer = Debouncer(ui_ctx, delay_ms=50)
    with qtbot.waitSignal(debouncer.saved, timeout=2000) as blocker:
        debouncer.schedule("notes", lambda: written.append("Tags rue du Collège"))
    assert blocker.args == ["notes"]
    assert written == ["Tags rue du Collège"]


def test_closing_the_page_while_its_save_runs_is_harmless(qtbot, threaded_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    """Regression: the success callback used to emit on a deleted Debouncer and raise
    "Signal source has been deleted" when a page closed during a save."""
    release = threading.Event()
    written: list[str] = []
    owner = QObject()
    debouncer = Debouncer(threaded_ctx, parent=owner)

    def slow_save() -> None:
        release.wait(5)
        written.append("saved")

    debouncer.schedule("summary", slow_save)
    debouncer.flush()
    shiboken6.delete(owner)  # the page and its debouncer are gone, as after a close
    release.set()
    threaded_ctx.worker.wait_idle()
    QCoreApplication.processEvents()  # delivers the queued success callback
    assert written == ["saved"]
