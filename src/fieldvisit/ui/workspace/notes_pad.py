"""The quick-notes pad: always at hand in the workspace, whatever the section.

Type a note and press Enter: it is saved at once with its time. Later, move it onto an
item's comment or an interview's notes ("Move to an item…", "Move to an interview…",
also in the note's context menu); a moved note leaves the pad ("Show moved notes"
shows them greyed). Ctrl+Shift+N (defined by the workspace) puts the cursor in the
input line.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.dates import day_text
from fieldvisit.screens.notes import Note, NoteBook, load_notes
from fieldvisit.services import deletion, interviews, notes
from fieldvisit.store.changes import Changes
from fieldvisit.store.models import Interview, QuickNote
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import show_error
from fieldvisit.ui.base.icons import icon
from fieldvisit.ui.widgets.text_limit import LimitedLineEdit
from fieldvisit.ui.workspace.workspace_common import ChoiceDialog, ask_confirmation, long_date

NOTE_ROLE = Qt.ItemDataRole.UserRole + 1


class NotesPad(QWidget):
    # What the pad shows (ui/workspace/pages.py: the workspace refreshes it as it does its pages);
    # a note moved onto an item or an interview reaches that page by the change signal.
    shows = frozenset({"quick_notes"})
    # « Observation » on the selected note: a new observation with the note as comment
    observation_requested = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visit_id: str | None = None
        self.book: NoteBook | None = None
        self.setObjectName("notesPad")

        title = QLabel(f"<b>{self.tr('Quick notes')}</b>", self)
        title.setToolTip(
            self.tr("Notes typed on the spot, to be moved onto an item or an interview later")
        )
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Quick notes"))
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(1)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.currentRowChanged.connect(self._update_buttons)

        self.show_moved = QCheckBox(self.tr("Show moved notes"), self)
        self.show_moved.toggled.connect(self.reload)

        self.to_item_button = QPushButton(self.tr("To an item…"), self)
        self.to_item_button.setToolTip(self.tr("Move the note to an item's comment"))
        self.to_item_button.clicked.connect(self.choose_item)
        self.to_interview_button = QPushButton(self.tr("To an interview…"), self)
        self.to_interview_button.setToolTip(self.tr("Move the note to an interview's notes"))
        self.to_interview_button.clicked.connect(self.choose_interview)
        self.to_observation_button = QPushButton(self.tr("Observation"), self)
        self.to_observation_button.setObjectName("noteToObservation")
        self.to_observation_button.setToolTip(
            self.tr(
                "A new observation of the walk with this note as its comment "
                "(Ctrl+Shift+O: an empty one)"
            )
        )
        self.to_observation_button.clicked.connect(self.to_observation)

        self.input = LimitedLineEdit(parent=self)
        self.input.setObjectName("quickNoteInput")
        self.input.setAccessibleName(self.tr("New quick note"))
        self.input.setPlaceholderText(self.tr("Type a note, then Enter (Ctrl+Shift+N)"))
        self.input.returnPressed.connect(self.add_note)

        buttons = QHBoxLayout()
        buttons.addWidget(self.to_item_button)
        buttons.addWidget(self.to_interview_button)
        buttons.addWidget(self.to_observation_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.show_moved)
        layout.addLayout(buttons)
        layout.addWidget(self.input)
        self.setTabOrder(self.input, self.list)
        self.setTabOrder(self.list, self.to_item_button)
        self.setTabOrder(self.to_item_button, self.to_interview_button)
        self.setTabOrder(self.to_interview_button, self.to_observation_button)
        self.setTabOrder(self.to_observation_button, self.show_moved)
        self._update_buttons()

    # --- loading ---------------------------------------------------------------------

    def load_visit(self, visit_id: str) -> None:
        if visit_id != self.visit_id:
            self.input.clear()
        self.visit_id = visit_id
        self.reload()

    def refresh(self, _changes: Changes) -> None:
        """Show what changed elsewhere (a sync round)."""
        self.reload()

    def reload(self) -> None:
        if self.visit_id is None:
            return
        self.ctx.run(
            self.ctx.call(load_notes, self.visit_id, self.show_moved.isChecked()),
            self._loaded,
            self,
        )

    def _loaded(self, book: NoteBook) -> None:
        if book.visit.id != self.visit_id:
            return
        self.book = book
        self.list.clear()
        for note in book.notes:
            self.list.addItem(self._entry(note))
        self.list.scrollToBottom()
        self._update_buttons()

    def _entry(self, note: Note) -> QListWidgetItem:
        local = note.noted_at.astimezone()
        entry = QListWidgetItem(f"{local:%H:%M}  {note.text}")
        entry.setData(NOTE_ROLE, note.id)
        when = self.tr("{0} at {1}").format(long_date(local.date()), f"{local:%H:%M}")
        if note.moved_to:
            entry.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
            entry.setToolTip(self.tr("{0} — already moved").format(when))
        else:
            entry.setToolTip(when)
        return entry

    def focus_input(self) -> None:
        self.input.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.input.selectAll()

    def flush(self) -> None:
        """Nothing waits: a note is saved when Enter is pressed."""

    # --- adding ----------------------------------------------------------------------

    def add_note(self) -> None:
        text = self.input.text().strip()
        if not text or self.visit_id is None:
            return
        self.input.clear()  # ready for the next note while this one is written
        self.ctx.run(
            self.ctx.call(notes.add_quick_note, self.visit_id, text),
            on_success=self._note_added,
            on_failure=lambda err: self._note_failed(text, err),
            origin=self,
        )

    def _note_added(self, record: QuickNote) -> None:
        if record.visit_id != self.visit_id:
            return
        note = Note.of(record)
        if self.book is not None:
            self.book = replace(self.book, notes=(*self.book.notes, note))
        self.list.addItem(self._entry(note))
        self.list.scrollToBottom()

    def _note_failed(self, text: str, err: BaseException) -> None:
        if not self.input.text():
            self.input.setText(text)  # nothing typed since: give the note back
        show_error(self, err)

    # --- moving ----------------------------------------------------------------------

    def selected_note(self) -> Note | None:
        entry = self.list.currentItem()
        if entry is None or self.book is None:
            return None
        note_id = entry.data(NOTE_ROLE)
        return next((note for note in self.book.notes if note.id == note_id), None)

    def _update_buttons(self, *_args: object) -> None:
        note = self.selected_note()
        movable = note is not None and note.moved_to is None
        self.to_item_button.setEnabled(movable)
        self.to_interview_button.setEnabled(movable)
        self.to_observation_button.setEnabled(note is not None)

    def to_observation(self) -> None:
        """The note becomes the comment of a new observation (the note stays: it may
        also belong to an item)."""
        note = self.selected_note()
        if note is not None:
            self.observation_requested.emit(note.text)

    def choose_item(self) -> None:
        note = self.selected_note()
        if note is None or self.book is None:
            return
        dialog = ChoiceDialog(
            self.tr("Move the note to an item"),
            self.tr("Item whose comment receives the note:"),
            [(f"{c.form_id}/{c.item_id}", c.label) for c in self.book.choices],
            self,
        )
        dialog.setObjectName("noteItemChoice")
        dialog.accepted.connect(lambda: self.move_to_item(note.id, str(dialog.chosen())))
        dialog.open()

    def move_to_item(self, note_id: str, key: str) -> None:
        """Move a note to "form/item"'s comment."""
        form_id, _sep, item_id = key.partition("/")
        self.ctx.run(
            self.ctx.call(notes.move_note_to_item, note_id, form_id, item_id),
            on_success=lambda _result: self.reload(),
            parent=self,
        )

    def choose_interview(self) -> None:
        note = self.selected_note()
        if note is None or self.visit_id is None:
            return
        self.ctx.run(
            self.ctx.call(interviews.list_interviews, self.visit_id),
            on_success=lambda found: self._offer_interviews(note, found),
            parent=self,
        )

    def _offer_interviews(self, note: Note, found: list[Interview]) -> None:
        if not found:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                self.tr("No interview yet"),
                self.tr(
                    "This visit has no interview yet. Add one in the Interviews section, "
                    "then move the note to it."
                ),
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setObjectName("noInterviewBox")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return
        options = []
        for interview in found:
            when = f" ({day_text(interview.held_on)})" if interview.held_on else ""
            options.append((interview.id, f"{interview.title}{when}"))
        dialog = ChoiceDialog(
            self.tr("Move the note to an interview"),
            self.tr("Interview whose notes receive the note:"),
            options,
            self,
        )
        dialog.setObjectName("noteInterviewChoice")
        dialog.accepted.connect(lambda: self.move_to_interview(note.id, str(dialog.chosen())))
        dialog.open()

    def move_to_interview(self, note_id: str, interview_id: str) -> None:
        self.ctx.run(
            self.ctx.call(notes.move_note_to_interview, note_id, interview_id),
            on_success=lambda _result: self.reload(),
            parent=self,
        )

    # --- context menu ----------------------------------------------------------------

    def _context_menu(self, position: QPoint) -> None:
        note = self.selected_note()
        if note is None:
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        to_item = menu.addAction(self.tr("Move to an item…"))
        to_item.triggered.connect(self.choose_item)
        to_interview = menu.addAction(self.tr("Move to an interview…"))
        to_interview.triggered.connect(self.choose_interview)
        for action in (to_item, to_interview):
            action.setEnabled(note.moved_to is None)
        menu.addSeparator()
        remove = menu.addAction(icon("delete"), self.tr("Delete the note…"))
        remove.triggered.connect(self.delete_selected)
        menu.popup(self.list.viewport().mapToGlobal(position))

    def delete_selected(self) -> None:
        note = self.selected_note()
        if note is None:
            return
        ask_confirmation(
            self,
            self.tr("Delete the note"),
            self.tr("Delete this quick note?\n\n{0}").format(note.text),
            self.tr("Delete"),
            lambda: self._delete(note.id),
        )

    def _delete(self, note_id: str) -> None:
        self.ctx.run(
            self.ctx.call(deletion.soft_delete, "note", note_id),
            on_success=lambda _result: self.reload(),
            parent=self,
        )
