"""What every widget of the app is given: the services, the worker and the settings.

Widgets read data by asking the worker to run a service function and get the result
back by callback; they never open a database session themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from fieldvisit.services import Services
from fieldvisit.ui.errors import show_error
from fieldvisit.ui.worker import DatabaseWorker

T = TypeVar("T")


@dataclass
class UiContext:
    services: Services
    worker: DatabaseWorker
    settings: QSettings

    def run(
        self,
        operation: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        parent: QWidget | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run operation on the worker; a failure is shown to the person by default."""

        def failed(err: BaseException) -> None:
            if on_failure is not None:
                on_failure(err)
            else:
                show_error(parent, err)

        self.worker.run(operation, on_success, failed)

    def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> Callable[[], T]:
        """`ctx.run(ctx.call(visits.get_visit, vid), ...)`: bind the services as 1st arg."""
        return lambda: function(self.services, *args, **kwargs)
