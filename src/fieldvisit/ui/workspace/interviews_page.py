"""The Entretiens section: several interviews per visit, each with its guide and notes.

Left: the visit's interviews (title, date, interviewees). Right: the selected one —
title, date, interviewees, its guide rendered as a form, and free notes. Every edit is
autosaved; "Nouvel entretien…" asks for the guide and the people met.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.dates import day_text
from fieldvisit.forms.bindings import INTERVIEW_DATE, INTERVIEW_PERSONS
from fieldvisit.screens.common import people_text
from fieldvisit.screens.interviews import (
    InterviewData,
    InterviewList,
    InterviewSummary,
    load_interview,
    load_interview_list,
    load_interviewees,
)
from fieldvisit.services import deletion
from fieldvisit.services import interviews as interview_service
from fieldvisit.store.limits import field_limit
from fieldvisit.ui.base import shortcuts as keys
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import show_error
from fieldvisit.ui.dialogs.contact_dialog import (
    ContactChecklist,
    ContactDialog,
    ContactPickerDialog,
    contact_text,
)
from fieldvisit.ui.forms.form_view import FormView
from fieldvisit.ui.forms.text_edits import guard_wheel
from fieldvisit.ui.widgets.date_edit import FrenchDateEdit, python_date
from fieldvisit.ui.widgets.text_limit import LimitedLineEdit, LimitedPlainTextEdit
from fieldvisit.ui.workspace.autosave import Debouncer
from fieldvisit.ui.workspace.pages import WorkspacePage

if TYPE_CHECKING:
    from fieldvisit.screens.common import Person
    from fieldvisit.store.models import Contact, Interview
    from fieldvisit.ui.dialogs.history_dialog import HistoryDialog

ID_ROLE = Qt.ItemDataRole.UserRole
#: where the person left the splitters (interview list | guide; guide / free notes)
SPLITTER_KEY = "interviews/splitter"
PARTS_KEY = "interviews/parts"
#: the same, with the free notes beside the guide (a wide page: quick notes folded)
PARTS_WIDE_KEY = "interviews/parts-wide"
#: at first, the guide gets this many times the height of the free notes
GUIDE_TO_NOTES = 4
NOTES_MIN_LINES = 4
#: from this page width the free notes go beside the guide, which then gets the whole
#: height (at 1366×768 with the quick notes folded; below it they go under the guide)
WIDE_PAGE = 1100
#: the interviewee list is as tall as its people, within these many rows
INTERVIEWEE_ROWS = (2, 5)


def _date_edit(parent: QWidget, accessible_name: str) -> QDateEdit:
    edit = FrenchDateEdit(parent)
    edit.setAccessibleName(accessible_name)
    guard_wheel(edit)
    return edit


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


TITLE_LIMIT = field_limit("interviews", "title") or 200


class NewInterviewDialog(QDialog):
    """Which guide, which title and date, who is interviewed; then records it."""

    interview_created = Signal(str)  # the new interview's id

    def __init__(
        self,
        ctx: UiContext,
        visit_id: str,
        guides: Sequence[tuple[str, str]],
        visit_date: date,
        commune_code: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visit_id = visit_id
        self.setObjectName("newInterviewDialog")
        self.setWindowTitle(self.tr("New interview"))
        self.resize(520, 520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.guide_combo = QComboBox(self)
        self.guide_combo.setAccessibleName(self.tr("Interview guide"))
        for form_id, title in guides:
            self.guide_combo.addItem(title, form_id)
        self.guide_combo.currentIndexChanged.connect(self._on_guide_changed)
        form.addRow(self.tr("&Guide:"), self.guide_combo)
        self.title_edit = LimitedLineEdit(parent=self, limit=TITLE_LIMIT)
        self.title_edit.setAccessibleName(self.tr("Interview title"))
        form.addRow(self.tr("&Title:"), self.title_edit)
        self.date_edit = _date_edit(self, self.tr("Interview date"))
        self.date_edit.setDate(_qdate(visit_date))
        form.addRow(self.tr("&Date:"), self.date_edit)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Interviewee(s):"), self))
        self.contacts = ContactChecklist(ctx, self, commune_code)
        layout.addWidget(self.contacts, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Start the interview"))
        ok.setEnabled(bool(guides))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._on_guide_changed(self.guide_combo.currentIndex())

    def select_guide(self, form_id: str) -> None:
        self.guide_combo.setCurrentIndex(self.guide_combo.findData(form_id))

    def _on_guide_changed(self, _index: int) -> None:
        self.title_edit.setPlaceholderText(self.guide_combo.currentText())

    def accept(self) -> None:
        form_id = self.guide_combo.currentData()
        if not form_id:
            return
        self.buttons.setEnabled(False)
        self.ctx.run(
            self.ctx.call(
                interview_service.record_interview,
                self.visit_id,
                form_id,
                self.title_edit.text().strip(),
                python_date(self.date_edit.date()),
                self.contacts.checked_ids(),
            ),
            self._on_recorded,
            self,
            self._on_failed,
        )

    def _on_recorded(self, interview: Interview) -> None:
        self.buttons.setEnabled(True)
        self.interview_created.emit(interview.id)
        super().accept()

    def _on_failed(self, err: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, err)


class InterviewsPage(WorkspacePage):
    # visits: an empty date item's calendar opens on the visit's date
    shows = frozenset({"interviews", "interviewees", "interview_answers", "contacts", "visits"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("interviewsPage")
        self.current_id: str | None = None
        self._list_data: InterviewList | None = None
        self._interviewees: list[Person] = []
        self._loading = False
        self._select_after_load: str | None = None
        self._refreshing_for: str | None = None
        self._shown_interview: str | None = None
        self.new_dialog: NewInterviewDialog | None = None
        self.picker: ContactPickerDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self._debouncer = Debouncer(ctx, self)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("interviewsSplitter")
        layout.addWidget(splitter)
        list_side = self._build_list_side()
        splitter.addWidget(list_side)
        self.stack = QStackedWidget(self)
        self.empty_label = QLabel(
            self.tr("No interview yet. Use “New interview…” to record one."), self
        )
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack.addWidget(self.empty_label)
        self.detail = self._build_detail()
        self.stack.addWidget(self.detail)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(1, False)
        # The guide is where the work is: the list keeps the width its buttons need.
        splitter.setSizes([list_side.minimumSizeHint().width(), 10_000])
        self._restore_splitter(splitter, SPLITTER_KEY)

    def section_title(self) -> str:
        return self.tr("Interviews")

    # --- building ---------------------------------------------------------------------

    def _build_list_side(self) -> QWidget:
        side = QWidget(self)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(8, 8, 0, 8)
        self.interview_list = QListWidget(side)
        self.interview_list.setObjectName("interviewList")
        self.interview_list.setAccessibleName(self.tr("Interviews of the visit"))
        self.interview_list.setWordWrap(True)
        self.interview_list.currentItemChanged.connect(self._on_current_changed)
        self.interview_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.interview_list.customContextMenuRequested.connect(self._list_context_menu)
        history_shortcut = QShortcut(keys.HISTORY.sequences()[0], self.interview_list)
        history_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        history_shortcut.activated.connect(self.show_interview_history)
        layout.addWidget(self.interview_list, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New interview…"), side)
        self.new_button.clicked.connect(self.new_interview)
        buttons.addWidget(self.new_button)
        self.delete_button = QPushButton(self.tr("Delete…"), side)
        self.delete_button.setAccessibleName(self.tr("Delete the interview"))
        self.delete_button.clicked.connect(self.delete_current_interview)
        self.delete_button.setEnabled(False)
        buttons.addWidget(self.delete_button)
        layout.addLayout(buttons)
        return side

    def _build_detail(self) -> QWidget:
        detail = QWidget(self)
        layout = QVBoxLayout(detail)
        layout.setContentsMargins(8, 8, 8, 8)
        header = QFormLayout()
        self.title_edit = LimitedLineEdit(parent=detail, limit=TITLE_LIMIT)
        self.title_edit.setAccessibleName(self.tr("Interview title"))
        self.title_edit.textEdited.connect(self._on_title_edited)
        self.title_edit.editingFinished.connect(self.flush)
        self.date_edit = _date_edit(detail, self.tr("Interview date"))
        self.date_edit.dateChanged.connect(self._on_date_changed)
        # Title and date on one row: the height goes to the guide.
        title_row = QHBoxLayout()
        title_row.addWidget(self.title_edit, 1)
        date_label = QLabel(self.tr("&Date:"), detail)
        date_label.setBuddy(self.date_edit)
        title_row.addWidget(date_label)
        title_row.addWidget(self.date_edit)
        title_label = QLabel(self.tr("&Title:"), detail)
        title_label.setBuddy(self.title_edit)
        header.addRow(title_label, title_row)
        self.guide_label = QLabel(detail)
        self.guide_label.setObjectName("interviewGuide")
        header.addRow(self.tr("Guide:"), self.guide_label)
        people = QHBoxLayout()
        self.interviewee_list = QListWidget(detail)
        self.interviewee_list.setObjectName("intervieweeList")
        self.interviewee_list.setAccessibleName(self.tr("Interviewees"))
        # Long names are cut with « … » (the whole text in the contact): no scroll bar
        # that would hide the one row left.
        self.interviewee_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_interviewee_list(0)
        self.interviewee_list.itemActivated.connect(self.edit_interviewee)
        self.interviewee_list.setToolTip(self.tr("Double-click or Enter: open the contact"))
        people.addWidget(self.interviewee_list, 1)
        people_buttons = QHBoxLayout()  # beside the list: a row, not a column of height
        self.add_person_button = QPushButton(self.tr("Add…"), detail)
        self.add_person_button.setAccessibleName(self.tr("Add an interviewee"))
        self.add_person_button.clicked.connect(self.add_interviewees)
        people_buttons.addWidget(self.add_person_button)
        self.edit_person_button = QPushButton(self.tr("Edit…"), detail)
        self.edit_person_button.setAccessibleName(self.tr("Edit the selected interviewee"))
        self.edit_person_button.clicked.connect(lambda: self.edit_interviewee())
        people_buttons.addWidget(self.edit_person_button)
        self.remove_person_button = QPushButton(self.tr("Remove"), detail)
        self.remove_person_button.setAccessibleName(self.tr("Remove the selected interviewee"))
        self.remove_person_button.clicked.connect(self.remove_selected_interviewee)
        people_buttons.addWidget(self.remove_person_button)
        people.addLayout(people_buttons)
        people.setAlignment(people_buttons, Qt.AlignmentFlag.AlignTop)
        header.addRow(self.tr("Interviewees:"), people)
        layout.addLayout(header)

        self.parts = parts = QSplitter(Qt.Orientation.Vertical, detail)
        parts.setObjectName("guideSplitter")
        self.form_view = FormView(self.ctx, parts)
        self.form_view.answer_changed.connect(self._on_answer_changed)
        self.form_view.comment_changed.connect(self._on_comment_changed)
        self.form_view.bound_changed.connect(self._on_bound_changed)
        self.form_view.editing_finished.connect(self._on_editing_finished)
        self.form_view.history_requested.connect(self.show_item_history)
        parts.addWidget(self.form_view)
        notes_box = QWidget(parts)
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.setContentsMargins(0, 4, 0, 0)
        notes_label = QLabel(self.tr("Free notes:"), notes_box)
        notes_layout.addWidget(notes_label)
        self.notes_edit = LimitedPlainTextEdit(notes_box)
        self.notes_edit.setObjectName("interviewNotes")
        self.notes_edit.setAccessibleName(self.tr("Free notes of the interview"))
        self.notes_edit.setPlaceholderText(
            self.tr("What was said, in your own words; to sort out later.")
        )
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.textChanged.connect(self._on_notes_changed)
        self.notes_edit.installEventFilter(self)
        notes_label.setBuddy(self.notes_edit)
        notes_layout.addWidget(self.notes_edit, 1)
        parts.addWidget(notes_box)
        parts.setStretchFactor(0, GUIDE_TO_NOTES)
        parts.setStretchFactor(1, 1)
        parts.setCollapsible(0, False)
        # Without sizes, the splitter would start from the parts' size hints, which
        # leave the guide a strip on a small screen. Sizes are weights until shown.
        notes_box.setMinimumHeight(self.fontMetrics().lineSpacing() * (NOTES_MIN_LINES + 2))
        parts.setSizes([GUIDE_TO_NOTES * 1000, 1000])
        state = self.ctx.settings.value(PARTS_KEY)
        if state is not None:
            parts.restoreState(state)
        parts.splitterMoved.connect(self._remember_parts)
        layout.addWidget(parts, 1)
        return detail

    def _remember_parts(self, _pos: int, _index: int) -> None:
        wide = self.parts.orientation() == Qt.Orientation.Horizontal
        self.ctx.settings.setValue(PARTS_WIDE_KEY if wide else PARTS_KEY, self.parts.saveState())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_parts()

    def _fit_parts(self) -> None:
        """Free notes beside the guide on a wide page, under it otherwise; each
        arrangement keeps the splitter where the person left it."""
        wide = self.width() >= WIDE_PAGE
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.parts.orientation() == orientation:
            return
        self.parts.setOrientation(orientation)
        state = self.ctx.settings.value(PARTS_WIDE_KEY if wide else PARTS_KEY)
        if state is None or not self.parts.restoreState(state):
            self.parts.setSizes([GUIDE_TO_NOTES * 1000, 1000] if not wide else [2000, 1000])
        self.parts.setOrientation(orientation)  # a state saved by an older version

    def _fit_interviewee_list(self, count: int) -> None:
        low, high = INTERVIEWEE_ROWS
        row = self.interviewee_list.sizeHintForRow(0) if count else -1
        row = row if row > 0 else self.fontMetrics().lineSpacing() + 2
        frame = 2 * self.interviewee_list.frameWidth()
        self.interviewee_list.setFixedHeight(row * max(low, min(count, high)) + frame)

    def _restore_splitter(self, splitter: QSplitter, key: str) -> None:
        """Put the splitter back where the person left it; remember each move."""
        state = self.ctx.settings.value(key)
        if state is not None:
            splitter.restoreState(state)
        splitter.splitterMoved.connect(
            lambda _pos, _index: self.ctx.settings.setValue(key, splitter.saveState())
        )

    # --- loading ----------------------------------------------------------------------

    def load_visit(self, visit_id: str) -> None:
        self.flush()
        if visit_id != self.visit_id:
            self.current_id = None
        super().load_visit(visit_id)
        self._reload_list(self.current_id)

    def _reload_list(self, select_id: str | None) -> None:
        if self.visit_id is None:
            return
        self._select_after_load = select_id
        self.ctx.run(self.ctx.call(load_interview_list, self.visit_id), self._on_list_loaded, self)

    def _on_list_loaded(self, data: InterviewList) -> None:
        if data.visit_id != self.visit_id:
            return
        self._list_data = data
        wanted = self._select_after_load
        self._loading = True
        try:
            self.interview_list.clear()
            for summary in data.interviews:
                item = QListWidgetItem(self._summary_text(summary), self.interview_list)
                item.setData(ID_ROLE, summary.id)
        finally:
            self._loading = False
        self.new_button.setEnabled(bool(data.guides))
        ids = [summary.id for summary in data.interviews]
        if not ids:
            self._show_interview(None)
            return
        row = ids.index(wanted) if wanted in ids else 0
        self._loading = True
        try:
            self.interview_list.setCurrentRow(row)
        finally:
            self._loading = False
        self._show_interview(ids[row])

    def _summary_text(self, summary: InterviewSummary) -> str:
        second = day_text(summary.held_on) if summary.held_on is not None else ""
        if summary.interviewees:
            second = f"{second} — {', '.join(summary.interviewees)}"
        return f"{summary.title}\n{second}"

    def _on_current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if self._loading:
            return
        self.flush()
        self._show_interview(current.data(ID_ROLE) if current is not None else None)

    def _show_interview(self, interview_id: str | None) -> None:
        self.current_id = interview_id
        self.delete_button.setEnabled(interview_id is not None)
        if interview_id is None or self.visit_id is None:
            self.stack.setCurrentWidget(self.empty_label)
            return
        if interview_id != self._shown_interview:
            # Until it is loaded, the previous interview's fields must not take edits.
            self.detail.setEnabled(False)
        self.ctx.run(
            self.ctx.call(load_interview, self.visit_id, interview_id),
            self._on_interview_loaded,
            self,
            self._on_interview_failed,
        )

    def _on_interview_failed(self, err: BaseException) -> None:
        self.detail.setEnabled(True)
        self._shown_interview = None
        self.stack.setCurrentWidget(self.empty_label)
        show_error(self, err)

    def _on_interview_loaded(self, data: InterviewData) -> None:
        if data.id != self.current_id:
            return
        self._loading = True
        try:
            if self.title_edit.text().strip() != data.title:
                self.title_edit.setText(data.title)
            if data.held_on is not None:
                self.date_edit.setDate(_qdate(data.held_on))
            self.guide_label.setText(data.form.title)
            same = self._shown_interview == data.id
            self._shown_interview = data.id
            visit_date = self._list_data.visit_date if self._list_data is not None else None
            self.form_view.set_form(
                data.form,
                data.answers,
                data.comments,
                {},
                keep_focused=same,
                visit_date=visit_date,
                bound=data.bound,
            )
            if self.notes_edit.toPlainText() != data.notes:
                self.notes_edit.setPlainText(data.notes)
            self._show_interviewees(data.interviewees)
        finally:
            self._loading = False
        self.detail.setEnabled(True)
        self.stack.setCurrentWidget(self.detail)

    def _show_interviewees(self, contacts: Sequence[Person]) -> None:
        self._interviewees = list(contacts)
        self.interviewee_list.clear()
        for contact in contacts:
            item = QListWidgetItem(contact_text(contact), self.interviewee_list)
            item.setData(ID_ROLE, contact.id)
        self._fit_interviewee_list(len(contacts))
        self.remove_person_button.setEnabled(bool(contacts))
        self.edit_person_button.setEnabled(bool(contacts))
        self.form_view.set_bound({INTERVIEW_PERSONS: people_text(contacts)})
        self._update_current_list_item()

    def _update_current_list_item(self) -> None:
        item = self.interview_list.currentItem()
        if item is None:
            return
        summary = InterviewSummary(
            id=self.current_id or "",
            title=self.title_edit.text(),
            held_on=python_date(self.date_edit.date()),
            interviewees=tuple(contact.name for contact in self._interviewees),
            guide_title=self.guide_label.text(),
        )
        item.setText(self._summary_text(summary))

    # --- saving -----------------------------------------------------------------------

    def _schedule_update(self, field: str, **changes: object) -> None:
        if self.current_id is None or self._loading:
            return
        save = self.ctx.call(interview_service.update_interview, self.current_id, **changes)
        self._debouncer.schedule((field, self.current_id), save)

    def _on_title_edited(self, text: str) -> None:
        if text.strip():
            self._schedule_update("title", title=text.strip())
            self._update_current_list_item()

    def _on_date_changed(self, day: QDate) -> None:
        if not self._loading:
            self._schedule_update("held_on", held_on=python_date(day))
            self._update_current_list_item()
            self.form_view.set_bound({INTERVIEW_DATE: python_date(day).isoformat()})

    def _on_bound_changed(self, field: str, value: object) -> None:
        """The guide's item bound to the interview's date was edited: it is the Date
        field above (one field: saved, in the history and synced as `held_on`)."""
        if field != INTERVIEW_DATE or not isinstance(value, str):
            return  # the interviewees are edited in their list; a date is not cleared
        day = date.fromisoformat(value)
        self._loading = True
        try:
            self.date_edit.setDate(_qdate(day))
        finally:
            self._loading = False
        self._schedule_update("held_on", held_on=day)
        self._update_current_list_item()

    def _on_notes_changed(self) -> None:
        if not self._loading:
            self._schedule_update("notes", notes=self.notes_edit.toPlainText())

    def _on_answer_changed(self, item_id: str, value: object) -> None:
        if self.current_id is None or self._loading:
            return
        save = self.ctx.call(
            interview_service.answer_interview_item, self.current_id, item_id, value
        )
        self._debouncer.schedule(("value", self.current_id, item_id), save)

    def _on_comment_changed(self, item_id: str, text: str) -> None:
        if self.current_id is None or self._loading:
            return
        save = self.ctx.call(
            interview_service.answer_interview_item, self.current_id, item_id, comment=text
        )
        self._debouncer.schedule(("comment", self.current_id, item_id), save)

    def _on_editing_finished(self, _item_id: str) -> None:
        self.flush()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.notes_edit and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)

    def flush(self) -> None:
        self._debouncer.flush()

    def next_unanswered_required(self) -> bool:
        return self.form_view.focus_next_unanswered_required()

    # --- history ----------------------------------------------------------------------

    def list_context_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        action = menu.addAction(self.tr("History of the interview…"))
        action.setObjectName("historyAction")
        action.setShortcuts(keys.HISTORY.sequences())
        action.setEnabled(self.current_id is not None)
        action.triggered.connect(self.show_interview_history)
        return menu

    def _list_context_menu(self, position: QPoint) -> None:
        self.list_context_menu().popup(self.interview_list.viewport().mapToGlobal(position))

    def show_interview_history(self) -> HistoryDialog | None:
        """The history of the selected interview: title, date, free notes."""
        if self.current_id is None:
            return None
        return self._open_history("interviews", self.current_id)

    def show_item_history(self, item_id: str) -> HistoryDialog | None:
        """The history of an answer of the interview's guide."""
        if self.current_id is None:
            return None
        from fieldvisit.services.history import interview_answer_record_id

        form = self.form_view.form
        if form is not None and item_id in form.bound_items():
            return self._open_history("interviews", self.current_id)  # the field's own
        return self._open_history(
            "interview_answers", interview_answer_record_id(self.current_id, item_id)
        )

    def _open_history(self, table: str, record_id: str) -> HistoryDialog:
        from fieldvisit.ui.dialogs.history_dialog import open_history

        self.flush()  # what was just typed is in the history too
        dialog = open_history(self.ctx, self, table, record_id)
        dialog.restored.connect(self._on_history_restored)
        return dialog

    def _on_history_restored(self, _table: str, _record_id: str) -> None:
        self._reload_list(self.current_id)

    # --- new, delete ------------------------------------------------------------------

    def new_interview(self) -> NewInterviewDialog | None:
        """Ask for the guide and the interviewees, then record the interview."""
        data = self._list_data
        if data is None or self.visit_id is None:
            return None
        self.flush()
        dialog = NewInterviewDialog(
            self.ctx, self.visit_id, data.guides, data.visit_date, data.commune_code, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.interview_created.connect(self._on_interview_created)
        self.new_dialog = dialog
        dialog.open()
        return dialog

    def _on_interview_created(self, interview_id: str) -> None:
        self.current_id = interview_id
        self._reload_list(interview_id)

    def delete_current_interview(self) -> QMessageBox | None:
        """Ask for confirmation, then delete the selected interview."""
        if self.current_id is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Delete the interview"),
            self.tr("Delete the interview “{0}”, its answers and its notes?").format(
                self.title_edit.text()
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirmDeleteInterview")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Delete"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(self._on_confirm_clicked)
        self.confirm_box = box
        box.open()
        return box

    def _on_confirm_clicked(self, button: QAbstractButton) -> None:
        box = self.confirm_box
        self.confirm_box = None
        if box is None or box.standardButton(button) != QMessageBox.StandardButton.Yes:
            return
        interview_id = self.current_id
        if interview_id is None:
            return
        self.flush()
        self.current_id = None
        self.ctx.run(
            self.ctx.call(deletion.soft_delete, "interview", interview_id),
            self._on_deleted,
            self,
        )

    def _on_deleted(self, _result: object) -> None:
        self._reload_list(None)

    # --- interviewees -----------------------------------------------------------------

    def add_interviewees(self) -> ContactPickerDialog | None:
        """Pick existing contacts (or create one) to add to the interview."""
        if self.current_id is None:
            return None
        commune = self._list_data.commune_code if self._list_data else None
        picker = ContactPickerDialog(
            self.ctx,
            self,
            self.tr("Add interviewees"),
            commune,
            exclude_ids=[contact.id for contact in self._interviewees],
        )
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.contacts_chosen.connect(self._on_contacts_chosen)
        self.picker = picker
        picker.open()
        return picker

    def _on_contacts_chosen(self, contacts: list[Contact]) -> None:
        interview_id = self.current_id
        if interview_id is None or not contacts:
            return
        for contact in contacts:
            self.ctx.run(
                self.ctx.call(interview_service.add_interviewee, interview_id, contact.id),
                origin=self,
            )
        self._refresh_interviewees(interview_id)

    def edit_interviewee(self, item: QListWidgetItem | None = None) -> ContactDialog | None:
        """Open an interviewee's contact to correct it."""
        item = item or self.interviewee_list.currentItem()
        if item is None and self.interviewee_list.count() == 1:
            item = self.interviewee_list.item(0)
        if item is None or self.current_id is None:
            return None
        interview_id = self.current_id
        dialog = ContactDialog(self.ctx, self, contact_id=str(item.data(ID_ROLE)))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.contact_saved.connect(lambda _c: self._refresh_interviewees(interview_id))
        dialog.open()
        return dialog

    def remove_selected_interviewee(self) -> None:
        item = self.interviewee_list.currentItem()
        if item is None and self.interviewee_list.count() == 1:
            item = self.interviewee_list.item(0)
        if item is None or self.current_id is None:
            return
        interview_id = self.current_id
        self.ctx.run(
            self.ctx.call(interview_service.remove_interviewee, interview_id, item.data(ID_ROLE)),
            origin=self,
        )
        self._refresh_interviewees(interview_id)

    def _refresh_interviewees(self, interview_id: str) -> None:
        self._refreshing_for = interview_id
        self.ctx.run(
            self.ctx.call(load_interviewees, interview_id),
            self._on_interviewees_loaded,
            self,
        )

    def _on_interviewees_loaded(self, contacts: Sequence[Person]) -> None:
        if self._refreshing_for == self.current_id:
            self._show_interviewees(contacts)
