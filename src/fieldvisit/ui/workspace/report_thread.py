"""The report's own background thread: PDF drawing first, photo renditions behind.

The database worker (ui/base/worker.py) runs every database and file operation, one after
the other; an autosave waits for whatever is ahead of it. Drawing a 60-page report
takes about a second and making report-size renditions of 60 phone photos about three:
on that worker they would hold autosaves back. So the report view only asks the
database worker for what needs the database (the report model, ~25 ms; keeping an
issued PDF) and does the CPU work here:

- `submit(..., urgent=True)`: drawing a report or a blank form. It goes to the front
  of the queue: a report asked now never waits for renditions made in advance.
- `submit(...)`: low-priority work, at the back: report-size renditions of photos
  (report/images.py), made when photos are imported (ui/workspace/photos_page.py) and when a
  visit's Rapport section loads (ui/workspace/report_view.py), so the report itself finds them in
  the cache (`cache/report-images/`, content-addressed) and only lays out pages.

One daemon thread for the whole app (`report_thread(ctx)`): renditions are made one at
a time, beside the database worker and the UI, and never delay an autosave (Pillow
releases the GIL while it decodes). Nothing here touches the database. Quitting the
app drops the renditions not made yet (they are made again when next needed); a
rendition is written to a temporary file and renamed, so a cut never leaves a bad one.

With an inline database worker (UI tests) the work runs inline too, deterministically.

`Deliverer` brings results back to the UI thread through a queued signal of an app-wide
relay object (a background thread never emits a signal of an object that a widget's
deletion could destroy meanwhile); the widget is checked on arrival, so late results
are dropped, not delivered to a deleted object.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot

from fieldvisit.ui.base.context import UiContext

T = TypeVar("T")
log = logging.getLogger(__name__)


class ReportThread:
    """A queue with two ends served by one daemon thread (or inline)."""

    def __init__(self, inline: bool = False, name: str = "fieldvisit-report") -> None:
        self.inline = inline
        self._name = name
        # (future, operation, tag, urgent); urgent entries first, each end in order
        self._queue: deque[tuple[Future[Any], Callable[[], Any], object, bool]] = deque()
        self._ready = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(
        self, operation: Callable[[], T], *, urgent: bool = False, tag: object = None
    ) -> Future[T]:
        """Queue operation (at the front when urgent); its Future holds the result."""
        future: Future[T] = Future()
        if self.inline:
            _run(future, operation)
            return future
        with self._ready:
            entry = (future, operation, tag, urgent)
            if urgent:  # behind the other urgent ones, before any low-priority work
                self._queue.insert(sum(1 for queued in self._queue if queued[3]), entry)
            else:
                self._queue.append(entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
                self._thread.start()
            self._ready.notify()
        return future

    def cancel(self, tag: object) -> int:
        """Drop the queued (not started) operations submitted with `tag`; how many."""
        if tag is None:
            return 0  # untagged work (drawing a report) is never dropped
        with self._ready:
            kept = [entry for entry in self._queue if entry[2] is not tag]
            dropped = [entry for entry in self._queue if entry[2] is tag]
            self._queue = deque(kept)
        for future, *_rest in dropped:
            future.cancel()
        return len(dropped)

    def pending(self) -> int:
        with self._ready:
            return len(self._queue)

    def _serve(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                future, operation, *_rest = self._queue.popleft()
            _run(future, operation)
            # Drop them now, while their widgets are alive, not when the next task comes
            # (the last reference to a widget must not go on this thread).
            del future, operation, _rest


def _run(future: Future[T], operation: Callable[[], T]) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = operation()
    except BaseException as err:  # handed to whoever waits for the future
        future.set_exception(err)
    else:
        future.set_result(result)


_shared: ReportThread | None = None
_shared_lock = threading.Lock()


def report_thread(ctx: UiContext) -> ReportThread:
    """The app's report thread; an inline one when the database worker is inline."""
    global _shared
    if ctx.worker.inline:
        return ReportThread(inline=True)
    with _shared_lock:
        if _shared is None:
            _shared = ReportThread()
        return _shared


class _Relay(QObject):
    """Lives on the UI thread as long as the application: background threads emit its
    signal, never one of an object that a widget's deletion could destroy meanwhile."""

    delivered = Signal(object)

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.delivered.connect(self._call, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _call(self, callback: Callable[[], None]) -> None:
        callback()


_relay: _Relay | None = None


def _ui_relay() -> _Relay:
    """The relay, made on first use (from the UI thread) as a child of the app."""
    global _relay
    if _relay is None or not shiboken6.isValid(_relay):
        _relay = _Relay(QCoreApplication.instance())
    return _relay


class Deliverer:
    """Calls back on the UI thread, unless its owner (a widget) was deleted meanwhile.

    Made on the UI thread. Results cross threads through the app-wide relay; the owner
    is checked when the callback runs, on the UI thread, so a late result is dropped
    instead of reaching a deleted widget.
    """

    def __init__(self, owner: QObject, inline: bool = False) -> None:
        self.owner = owner
        self.inline = inline  # call back at once (inline worker, UI tests)
        self._relay = _ui_relay()

    def later(self, callback: Callable[[], None]) -> None:
        """From any thread: run callback on the UI thread if the owner still exists."""
        if self.inline:
            callback()
            return
        owner = self.owner

        def guarded() -> None:
            if shiboken6.isValid(owner):
                callback()

        self._relay.delivered.emit(guarded)

    def when_done(
        self,
        future: Future[T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """Deliver future's result or error on the UI thread (at once when inline)."""

        def done(finished: Future[T]) -> None:
            try:
                result = finished.result()
            except CancelledError:
                return
            except BaseException as err:
                failure = err  # `err` is unbound after the except block
                self.later(lambda: on_failure(failure))
                return
            self.later(lambda: on_success(result))

        future.add_done_callback(done)


class RenditionPrefetcher(QObject):
    """Makes report-size renditions of photos on the report thread, low priority.

    `progressed(done, total)` after each photo of the current batch; `finished(total)`
    at its end. A new batch replaces the renditions still queued of the previous one.
    """

    progressed = Signal(int, int)
    finished = Signal(int)

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._thread = report_thread(ctx)
        self._deliver = Deliverer(self, inline=self._thread.inline)
        self._batch = 0
        self._done = 0
        self._total = 0
        self._tag: object = object()

    @property
    def active(self) -> bool:
        return self._done < self._total

    def prefetch(self, photos: Sequence[tuple[Path, str]], cache_dir: Path) -> None:
        """Make the missing renditions of (stored file, sha256) pairs, in the background."""
        from fieldvisit.report import images

        self.cancel()
        self._batch += 1
        batch, self._done, self._total = self._batch, 0, len(photos)
        self._tag = tag = object()
        if not photos:
            return
        for source, sha256 in photos:
            future = self._thread.submit(
                partial(images.report_rendition, source, sha256, cache_dir), tag=tag
            )
            self._deliver.when_done(
                future, partial(self._one_made, batch), partial(self._one_failed, batch)
            )

    def cancel(self) -> None:
        """Drop the renditions not made yet (a report about to be drawn makes them)."""
        self._thread.cancel(self._tag)
        if self.active:
            self._total = self._done
            self.finished.emit(self._total)

    def _one_made(self, batch: int, _rendition: object) -> None:
        self._one_done(batch)

    def _one_failed(self, batch: int, err: BaseException) -> None:
        log.warning("report rendition failed: %s", err)  # the report says "illisible"
        self._one_done(batch)

    def _one_done(self, batch: int) -> None:
        if batch != self._batch or not self.active:
            return
        self._done += 1
        self.progressed.emit(self._done, self._total)
        if self._done == self._total:
            self.finished.emit(self._total)


def prepare_renditions_later(ctx: UiContext, photos: Sequence[tuple[Path, str]]) -> None:
    """Queue the report-size renditions of just-imported photos (low priority, after
    anything urgent, off the database worker); a failure is only logged: the report
    tries again and says « illisible » if the photo really cannot be read."""
    from fieldvisit.report.files import report_image_cache

    cache_dir = report_image_cache(ctx.services)
    thread = report_thread(ctx)
    for source, sha256 in photos:
        thread.submit(partial(_rendition_logged, source, sha256, cache_dir), tag=_IMPORTS)


_IMPORTS = object()


def _rendition_logged(source: Path, sha256: str, cache_dir: Path) -> None:
    from fieldvisit.report import images

    try:
        images.report_rendition(source, sha256, cache_dir)
    except Exception:
        log.warning("report rendition of %s failed", sha256[:12], exc_info=True)
