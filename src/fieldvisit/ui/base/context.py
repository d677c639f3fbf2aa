"""What every widget of the app is given: the services, the worker and the settings.

Widgets read data by asking the worker to run a service function and get the result
back by callback; they never open a database session themselves. What an operation
changed is announced on `changes` once its callbacks ran (ui/base/changes.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QWidget

from fieldvisit.services import Services
from fieldvisit.store.changes import Changes
from fieldvisit.ui.base.changes import ChangeHub
from fieldvisit.ui.base.errors import show_error
from fieldvisit.ui.base.worker import DatabaseWorker

T = TypeVar("T")


@dataclass
class UiContext:
    services: Services
    worker: DatabaseWorker
    settings: QSettings
    #: the one change signal of the window (ui/base/changes.py)
    changes: ChangeHub = field(default_factory=ChangeHub)

    def run(
        self,
        operation: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        parent: QWidget | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        origin: QObject | None = None,
    ) -> None:
        """Run operation on the worker; a failure is shown to the person by default.

        What it committed (even if it failed later) is announced on `changes` after the
        callbacks, as made by `origin` (default: `parent`), which shows it already."""
        recorder = self.services.store.changes
        made: list[Changes] = []

        def recorded() -> T:
            with recorder.recording() as sink:
                try:
                    return operation()
                finally:
                    made.append(sink.changes)

        def announce() -> None:
            if made:
                self.changes.announce(made[0], origin if origin is not None else parent)

        def succeeded(result: T) -> None:
            try:
                if on_success is not None and _alive(on_success, parent):
                    on_success(result)
            finally:
                announce()

        def failed(err: BaseException) -> None:
            try:
                if on_failure is not None:
                    if _alive(on_failure, parent):
                        on_failure(err)
                else:
                    show_error(parent if _alive(None, parent) else None, err)
            finally:
                announce()

        self.worker.run(recorded, succeeded, failed)

    def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> Callable[[], T]:
        """`ctx.run(ctx.call(visits.get_visit, vid), ...)`: bind the services as 1st arg."""
        return lambda: function(self.services, *args, **kwargs)


def _alive(callback: Callable[..., Any] | None, parent: QObject | None) -> bool:
    """Whether the widget a callback belongs to still exists. A result can come back
    from the worker after its page or dialog was closed and deleted (a thumbnail, a
    list read): it is then dropped, as nobody is there to show it; calling into the
    deleted object would raise « Signal source has been deleted »."""
    owner = callback
    while isinstance(owner, partial):
        owner = owner.func
    for obj in (getattr(owner, "__self__", None), parent):
        if isinstance(obj, QObject) and not shiboken6.isValid(obj):
            return False
    return True
