"""The one change signal: every operation's `Changes` (store/changes.py), for every page.

`UiContext.run` records what each operation on the database worker committed and, once
its callbacks have run, announces it here with the widget that asked for it (its
`origin`); a sync round, a resolved conflict, an account cleared announce theirs too
(ui/sync/sync_ui.py). The main window (the visit list), the visit workspace (its header, its
pages, the quick notes) listen to `changed` and refresh what the change touches: there
is no other path by which one page tells another that something changed.

There is one hub per `UiContext`, that is per main window: the context is what every
widget of the window is given, so a page built on its own (in a test) hears the same
signal as in the window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from fieldvisit.store.changes import Changes


class ChangeHub(QObject):
    #: (Changes, origin: the QObject whose operation made them, or None from elsewhere)
    changed = Signal(object, object)

    def announce(self, changes: Changes, origin: QObject | None = None) -> None:
        if changes:
            self.changed.emit(changes, origin)


def made_by(widget: QObject, origin: object) -> bool:
    """Whether the operation was asked for by this widget, or by one of its own objects
    (its autosave, a dialog it opened): it shows its own change already."""
    current = origin if isinstance(origin, QObject) else None
    while current is not None:
        if current is widget:
            return True
        current = current.parent()
    return False
