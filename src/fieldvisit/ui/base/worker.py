"""One background worker for all database and file work (Anki's CollectionOp idea).

Widgets never touch the store: they hand a function to `DatabaseWorker.run()`, which
runs it on a single background thread, and get its result (or error) back on the UI
thread through a queued signal. A single thread keeps writes ordered, so an autosave
submitted before "close" is always written before it.

`inline=True` runs operations synchronously, for deterministic UI tests (Picard's
FakeThreadPool idea); at least one test keeps the real thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

T = TypeVar("T")
log = logging.getLogger(__name__)

FailureCallback = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives on the UI thread; its signal carries results across threads."""

    delivered = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.delivered.connect(self._call, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _call(self, callback: Callable[[], None]) -> None:
        callback()


class DatabaseWorker(QObject):
    busy_changed = Signal(bool)

    def __init__(
        self,
        on_unhandled_error: FailureCallback | None = None,
        inline: bool = False,
    ) -> None:
        super().__init__()
        self.inline = inline
        self._executor = None if inline else ThreadPoolExecutor(1, "fieldvisit-db")
        self._relay = _Relay()
        self._pending = 0
        self._lock = threading.Lock()
        self._on_unhandled_error = on_unhandled_error
        self._closed = False

    def run(
        self,
        operation: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: FailureCallback | None = None,
    ) -> Future[T | None] | None:
        """Run operation in the background; callbacks come back on the UI thread.

        The future holds the result, or None when the operation failed (its error goes
        to `on_failure`); there is no future when the operation ran inline."""
        if self._closed:
            log.warning("operation submitted after shutdown: %r", operation)
            return None
        if self._executor is None:
            self._finish(operation, on_success, on_failure)
            return None
        self._change_pending(+1)
        return self._executor.submit(self._background, operation, on_success, on_failure)

    def _background(
        self,
        operation: Callable[[], T],
        on_success: Callable[[T], None] | None,
        on_failure: FailureCallback | None,
    ) -> T | None:
        try:
            result = operation()
        except BaseException as err:  # delivered to the UI, never lost in the thread
            failure = err
            self._relay.delivered.emit(lambda: self._failed(failure, on_failure))
            return None
        finally:
            self._change_pending(-1)
        if on_success is not None:
            self._relay.delivered.emit(lambda: on_success(result))
        return result

    def _finish(
        self,
        operation: Callable[[], T],
        on_success: Callable[[T], None] | None,
        on_failure: FailureCallback | None,
    ) -> None:
        try:
            result = operation()
        except BaseException as err:
            self._failed(err, on_failure)
            return
        if on_success is not None:
            on_success(result)

    def _failed(self, err: BaseException, on_failure: FailureCallback | None) -> None:
        if on_failure is not None:
            on_failure(err)
        elif self._on_unhandled_error is not None:
            self._on_unhandled_error(err)
        else:
            log.error("background operation failed", exc_info=err)

    def _change_pending(self, delta: int) -> None:
        with self._lock:
            before = self._pending
            self._pending += delta
            after = self._pending
        if (before == 0) != (after == 0):
            self.busy_changed.emit(after > 0)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def wait_idle(self) -> None:
        """Block until every submitted operation has run (used at close and in tests)."""
        if self._executor is not None:
            self._executor.submit(lambda: None).result()

    def shutdown(self) -> None:
        """Finish queued work (autosaves!) and stop the thread."""
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=True)
