"""The contract between the visit workspace and its section pages."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from fieldvisit.ui.context import UiContext


class WorkspacePage(QWidget):
    """A section of the visit workspace (Informations, Checklist, Entretiens…).

    The workspace calls `load_visit()` when a visit is opened (or reloaded after an
    outside change) and `flush()` before leaving the page, switching visit or closing
    the window: a page writes its pending edits then (see ui/autosave.py).
    """

    #: emitted after the page saved something that changes the visit's progress or
    #: status, so the workspace header and the visit list can refresh.
    visit_changed = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visit_id: str | None = None

    def section_title(self) -> str:
        """The translated name shown in the workspace's section list."""
        raise NotImplementedError

    def load_visit(self, visit_id: str) -> None:
        self.visit_id = visit_id

    def flush(self) -> None:
        """Persist pending edits now; default: nothing pending."""
