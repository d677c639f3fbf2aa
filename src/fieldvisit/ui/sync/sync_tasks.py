"""One network call off the UI thread (logging in, logging out, reading the keyring).

Not the database worker: a login can wait on the network for seconds and autosaves
must not queue behind it. The result comes back on the UI thread through a queued
signal; a dialog closed meanwhile simply never hears of it (its connections die with
it, and the task object lives until its thread is done).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)


class BackgroundTask(QObject):
    """Runs `function()` on a daemon thread; `succeeded(result)` or `failed(error)`."""

    succeeded = Signal(object)
    failed = Signal(object)
    _done = Signal(object, object)  # (result, error), from the thread

    def __init__(self, function: Callable[[], Any], name: str = "fieldvisit-task") -> None:
        super().__init__()
        self._function = function
        self._name = name
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def start(self) -> BackgroundTask:
        _ALIVE.add(self)
        threading.Thread(target=self._run, name=self._name, daemon=True).start()
        return self

    def _run(self) -> None:
        try:
            result = self._function()
        except Exception as err:  # delivered to the UI, never lost in the thread
            self._done.emit(None, err)
        else:
            self._done.emit(result, None)

    @Slot(object, object)
    def _deliver(self, result: Any, error: BaseException | None) -> None:
        _ALIVE.discard(self)
        if error is not None:
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)


# A task stays referenced until its result is delivered, whoever started it.
_ALIVE: set[BackgroundTask] = set()


def run_in_background(
    function: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    name: str = "fieldvisit-task",
) -> BackgroundTask:
    """Start `function` on its own thread; the callbacks run on the UI thread."""
    task = BackgroundTask(function, name)
    task.succeeded.connect(on_success)
    task.failed.connect(on_failure)
    return task.start()
