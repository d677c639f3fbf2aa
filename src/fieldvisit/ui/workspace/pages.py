"""The contract between the visit workspace and its section pages."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QWidget

from fieldvisit.store.changes import Changes
from fieldvisit.ui.base.context import UiContext


class WorkspacePage(QWidget):
    """A section of the visit workspace (Informations, Checklist, Entretiens…).

    The workspace calls `load_visit()` when a visit is opened and `flush()` before
    leaving the page, switching visit or closing the window: a page writes its pending
    edits then (see ui/workspace/autosave.py).

    Changes made elsewhere (another page, the quick notes, a sync round) come through
    the one change signal (ui/base/changes.py): when one touches a table in `shows` for the
    visit shown, the workspace calls `refresh()`, at once if the page is shown and not
    being typed in, else when it is next shown or left. A page is never refreshed by its
    own operations: it shows them already.
    """

    #: the tables whose records the page shows (those its screen loader reads)
    shows: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visit_id: str | None = None

    def section_title(self) -> str:
        """The translated name shown in the workspace's section list."""
        raise NotImplementedError

    def load_visit(self, visit_id: str) -> None:
        self.visit_id = visit_id

    def refresh(self, changes: Changes) -> None:
        """Show what changed elsewhere; default: read the visit again."""
        if self.visit_id is not None:
            self.load_visit(self.visit_id)

    def flush(self) -> None:
        """Persist pending edits now; default: nothing pending."""
