"""The contract between the visit workspace and its section pages."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

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

    # --- read-only once the report is issued ----------------------------------------

    #: whether this section's editors are disabled when the visit's report is issued
    #: (the Rapport section's are not: it prints and lists the issued reports)
    locks_when_issued: ClassVar[bool] = True

    def set_read_only(self, read_only: bool) -> None:
        """Disable (or enable again) every editor of the page: the visit's report was
        issued (services/issued_guard.py refuses the edits anyway, in French)."""
        self._read_only = read_only
        if self.locks_when_issued:
            lock_editors(self, read_only)

    @property
    def read_only(self) -> bool:
        return bool(getattr(self, "_read_only", False))

    def apply_read_only(self) -> None:
        """Lock the editors the page made since (its forms are built when it loads)."""
        if self.read_only and self.locks_when_issued:
            lock_editors(self, True)


#: property of a widget left as it is in a read-only page (an Open, Export or History
#: button; the status box with « Rouvrir »), with everything inside it
KEEP_EDITABLE = "fieldvisitKeepEditable"
_LOCKED = "fieldvisitLockedWhenIssued"
_TRIGGERS = "fieldvisitEditTriggers"


def lock_editors(root: QWidget, locked: bool) -> None:
    """Texts read-only (still selectable and scrolled), tables not editable, buttons,
    lists to choose from and dates disabled: every widget under `root` but those kept."""
    stack = [root]
    while stack:
        widget = stack.pop()
        if widget is not root and widget.property(KEEP_EDITABLE):
            continue
        _lock(widget, locked)
        stack.extend(
            widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        )


def _lock(widget: QWidget, locked: bool) -> None:
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        if isinstance(widget.parent(), QAbstractSpinBox):
            return  # the line edit of a date or number: the box itself is disabled
        if locked and not widget.isReadOnly():
            widget.setReadOnly(True)
            widget.setProperty(_LOCKED, True)
        elif not locked and widget.property(_LOCKED):
            widget.setReadOnly(False)
            widget.setProperty(_LOCKED, False)
    elif isinstance(widget, QAbstractItemView):
        if locked and not widget.property(_LOCKED):
            widget.setProperty(_TRIGGERS, int(widget.editTriggers().value))
            widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            widget.setProperty(_LOCKED, True)
        elif not locked and widget.property(_LOCKED):
            widget.setEditTriggers(QAbstractItemView.EditTrigger(int(widget.property(_TRIGGERS))))
            widget.setProperty(_LOCKED, False)
    elif isinstance(widget, (QAbstractButton, QComboBox, QAbstractSpinBox)):
        if locked and widget.isEnabled():
            widget.setEnabled(False)
            widget.setProperty(_LOCKED, True)
        elif not locked and widget.property(_LOCKED):
            widget.setEnabled(True)
            widget.setProperty(_LOCKED, False)


class ReadOnlyGuard(QObject):
    """While a visit with an issued report is shown, each widget its pages make later (a
    form built when it loads, an interview's answers) is locked as it is first shown
    (its Polish event)."""

    def __init__(self, pages: list[WorkspacePage], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pages = pages
        self._watching = False

    def set_active(self, active: bool) -> None:
        app = QApplication.instance()
        if app is None or active == self._watching:
            return
        if active:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._watching = active

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, QWidget):
            self._lock_if_in_a_page(watched)
        elif (
            kind == QEvent.Type.EnabledChange
            and isinstance(watched, (QAbstractButton, QComboBox, QAbstractSpinBox))
            and watched.isEnabled()
        ):
            # A page enabled one of its buttons again (a row chosen): locked again once
            # the page's own update is over.
            QTimer.singleShot(0, watched, partial(self._lock_if_in_a_page, watched))
        return False

    def _lock_if_in_a_page(self, widget: QWidget) -> None:
        parent: QWidget | None = widget
        while parent is not None:
            if parent.property(KEEP_EDITABLE):
                return
            if isinstance(parent, WorkspacePage):
                if parent in self._pages and parent.read_only and parent.locks_when_issued:
                    _lock(widget, True)
                return
            parent = parent.parentWidget()
