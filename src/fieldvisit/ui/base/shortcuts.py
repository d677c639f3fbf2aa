"""Every keyboard shortcut of the app, in one list; the help (F1) is drawn from it.

Each key is bound with the `Binding` of this list (`binding.sequences()`), never with a
key written where it is bound, so that the help cannot leave one out
(tests/ui/test_ui_shortcuts.py checks every key bound in the main window against the
help). Where a key works:

- `WINDOW`: from any widget of the main window (an action of the main window);
- `VISIT`: from any widget while a visit is open (a window-wide shortcut of the visit
  workspace, e.g. Ctrl+Shift+A adds a recommendation even with the focus in the list
  of sections);
- `FOCUS`: where the focus is (the history of the focused item, Delete in a list).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence

translate = QCoreApplication.translate


class Scope(Enum):
    WINDOW = "window"
    VISIT = "visit"
    FOCUS = "focus"


@dataclass(frozen=True)
class Binding:
    name: str
    keys: tuple[str, ...]  # portable key texts (QKeySequence.PortableText)
    scope: Scope

    def sequences(self) -> list[QKeySequence]:
        return [QKeySequence(keys) for keys in self.keys]

    def key_text(self) -> str:
        """The keys as the person reads them (« Ctrl+Maj+A » in French)."""
        return ", ".join(
            sequence.toString(QKeySequence.SequenceFormat.NativeText)
            for sequence in self.sequences()
        )


NEW_VISIT = Binding("new_visit", ("Ctrl+N",), Scope.WINDOW)
PREFERENCES = Binding("preferences", ("Ctrl+,",), Scope.WINDOW)
QUIT = Binding("quit", ("Ctrl+Q",), Scope.WINDOW)
SEARCH = Binding("search", ("Ctrl+F",), Scope.WINDOW)
SYNC = Binding("sync", ("Ctrl+Shift+S", "F5"), Scope.WINDOW)
HELP = Binding("help", ("F1",), Scope.WINDOW)
ACTION_TRACKING = Binding("action_tracking", ("Ctrl+Shift+T",), Scope.WINDOW)
DASHBOARD = Binding("dashboard", ("Ctrl+Shift+D",), Scope.WINDOW)
NEXT_SECTION = Binding("next_section", ("Ctrl+PgDown",), Scope.VISIT)
PREVIOUS_SECTION = Binding("previous_section", ("Ctrl+PgUp",), Scope.VISIT)
NEXT_REQUIRED = Binding("next_required", ("Ctrl+J", "F8"), Scope.VISIT)
BACK = Binding("back", ("Alt+Left", "Esc"), Scope.VISIT)
QUICK_NOTE = Binding("quick_note", ("Ctrl+Shift+N",), Scope.VISIT)
ADD_RECOMMENDATION = Binding("add_recommendation", ("Ctrl+Shift+A",), Scope.VISIT)
ADD_OBSERVATION = Binding("add_observation", ("Ctrl+Shift+O",), Scope.VISIT)
SIGN = Binding("sign", ("Ctrl+Shift+G",), Scope.VISIT)
HISTORY = Binding("history", ("Ctrl+Shift+H",), Scope.FOCUS)
UNAVAILABLE = Binding("unavailable", ("Ctrl+Shift+I",), Scope.FOCUS)
INSERT_RECOMMENDATION = Binding("insert_recommendation", ("Ins",), Scope.FOCUS)
ACTION_DETAILS = Binding("action_details", ("Ctrl+E", "Return"), Scope.FOCUS)
DELETE = Binding("delete", ("Del",), Scope.FOCUS)
CELL_COMMIT = Binding("cell_commit", ("Return",), Scope.FOCUS)
CELL_NEWLINE = Binding("cell_newline", ("Shift+Return",), Scope.FOCUS)
CELL_NEXT = Binding("cell_next", ("Tab",), Scope.FOCUS)
NOTE_ADD = Binding("note_add", ("Return",), Scope.FOCUS)

BINDINGS: tuple[Binding, ...] = (
    NEW_VISIT,
    SEARCH,
    SYNC,
    ACTION_TRACKING,
    DASHBOARD,
    PREFERENCES,
    HELP,
    QUIT,
    NEXT_SECTION,
    PREVIOUS_SECTION,
    NEXT_REQUIRED,
    QUICK_NOTE,
    ADD_RECOMMENDATION,
    ADD_OBSERVATION,
    SIGN,
    BACK,
    HISTORY,
    UNAVAILABLE,
    INSERT_RECOMMENDATION,
    ACTION_DETAILS,
    DELETE,
    CELL_COMMIT,
    CELL_NEWLINE,
    CELL_NEXT,
    NOTE_ADD,
)


def describe(binding: Binding) -> str:
    """What the key does, in the UI's language."""
    texts = {
        "new_visit": translate("Shortcuts", "New visit"),
        "preferences": translate("Shortcuts", "Preferences"),
        "quit": translate("Shortcuts", "Quit"),
        "search": translate("Shortcuts", "Search the visits"),
        "sync": translate("Shortcuts", "Sync now"),
        "help": translate("Shortcuts", "Keyboard shortcuts (this list)"),
        "action_tracking": translate("Shortcuts", "Action tracking: every action of every visit"),
        "dashboard": translate("Shortcuts", "Territory dashboard"),
        "next_section": translate("Shortcuts", "Next section"),
        "previous_section": translate("Shortcuts", "Previous section"),
        "next_required": translate("Shortcuts", "Next unanswered required item"),
        "back": translate("Shortcuts", "Back to the visit list"),
        "quick_note": translate("Shortcuts", "Type a quick note"),
        "add_recommendation": translate("Shortcuts", "Add a recommendation to the action plan"),
        "add_observation": translate("Shortcuts", "Add an observation of the walk"),
        "sign": translate("Shortcuts", "Sign the report on screen (the next signer)"),
        "history": translate(
            "Shortcuts", "History of the focused item, recommendation or interview"
        ),
        "unavailable": translate(
            "Shortcuts", "On a required item: answer « data unavailable », with a reason"
        ),
        "insert_recommendation": translate("Shortcuts", "In the action plan: add a recommendation"),
        "action_details": translate(
            "Shortcuts",
            "In the action plan: details of the selected action (schemes, named lead, "
            "cost and funding, indicator, review date)",
        ),
        "delete": translate("Shortcuts", "Delete the selected visit or recommendation"),
        "cell_commit": translate("Shortcuts", "In the action plan: save the cell being edited"),
        "cell_newline": translate("Shortcuts", "In an action's text: new line"),
        "cell_next": translate(
            "Shortcuts", "In the action plan: save the cell and edit the next one"
        ),
        "note_add": translate("Shortcuts", "In the quick notes: add the note typed"),
    }
    return texts[binding.name]


def scope_title(scope: Scope) -> str:
    return {
        Scope.WINDOW: translate("Shortcuts", "Anywhere in the window"),
        Scope.VISIT: translate("Shortcuts", "In an open visit, whatever has the focus"),
        Scope.FOCUS: translate("Shortcuts", "Where the focus is"),
    }[scope]


def help_html(bindings: tuple[Binding, ...] = BINDINGS) -> str:
    """The help: every binding, grouped by where it works."""
    parts = ["<table cellspacing='4'>"]
    for scope in Scope:
        rows = [binding for binding in bindings if binding.scope is scope]
        if not rows:
            continue
        parts.append(f"<tr><td colspan='2'><h4>{html.escape(scope_title(scope))}</h4></td></tr>")
        for binding in rows:
            parts.append(
                f"<tr><td><b>{html.escape(binding.key_text())}</b></td>"
                f"<td>{html.escape(describe(binding))}</td></tr>"
            )
    parts.append("</table>")
    return "".join(parts)
