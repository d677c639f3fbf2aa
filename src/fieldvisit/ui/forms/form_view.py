"""Any form definition rendered as widgets: sections, items, comments, live `visible_if`.

The view holds no database code: it shows the answers it is given and reports each
change by signal (`answer_changed`, `comment_changed`); the page that owns it saves them.
Built once per form version; later loads of the same form only refresh the values, and
an answer only toggles row visibility and updates the progress labels.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping
from datetime import date

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QFont, QPalette, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.unavailable import unavailable, unavailable_reason
from fieldvisit.forms import FormDefinition, FormItem, Section
from fieldvisit.forms.bindings import (
    INTERVIEW_DATE,
    INTERVIEW_PERSONS,
    VISIT_DATE,
    VISIT_PARTICIPANTS,
    VISIT_SUMMARY,
)
from fieldvisit.forms.occurrences import is_observation_group
from fieldvisit.forms.progress import FormProgress, Progress, form_progress
from fieldvisit.ui.base import shortcuts as keys
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.forms.item_widgets import DateEditor, ItemEditor, PhotoEditor, make_editor
from fieldvisit.ui.forms.text_edits import GrowingTextEdit
from fieldvisit.ui.forms.unavailable_dialog import UnavailableDialog

REQUIRED_COLOUR = "#e53935"  # reads on light and dark backgrounds
BADGE_STYLE = (
    "QLabel#confidentialBadge { background: #b3261e; color: white; border-radius: 3px;"
    " padding: 1px 6px; font-weight: bold; }"
)


def _small_grey(label: QLabel) -> None:
    font = label.font()
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
    label.setFont(font)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    label.setWordWrap(True)


def _make_read_only(editor: ItemEditor) -> None:
    """A bound item whose field is edited elsewhere: readable and focusable, not typed."""
    target = editor.focus_target()
    set_read_only = getattr(target, "setReadOnly", None)
    if callable(set_read_only):
        set_read_only(True)
    else:
        target.setEnabled(False)
    clear_button = getattr(target, "setClearButtonEnabled", None)
    if callable(clear_button):
        clear_button(False)  # a ⊗ on a field one cannot edit would say otherwise


class ItemRow(QFrame):
    """One item: label, required marker, confidential badge, help, editor, comment."""

    value_changed = Signal(str, object)
    comment_changed = Signal(str, str)
    editing_finished = Signal(str)
    photo_requested = Signal(str)
    history_requested = Signal(str)

    def __init__(self, item: FormItem, label_font: QFont, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName(f"item_{item.id}")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(3)

        header = QHBoxLayout()
        header.setSpacing(6)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setFont(label_font)
        self.label.setAccessibleName(item.label)
        if item.required:
            # The asterisk sits right after the text, however the label wraps.
            self.label.setTextFormat(Qt.TextFormat.RichText)
            self.label.setText(
                f'{html.escape(item.label)} <span style="color: {REQUIRED_COLOUR};">*</span>'
            )
            self.label.setAccessibleDescription(self.tr("required"))
            self.label.setToolTip(self.tr("Required item"))
        else:
            self.label.setTextFormat(Qt.TextFormat.PlainText)
            self.label.setText(item.label)
        header.addWidget(self.label, 1)
        self.confidential_badge: QLabel | None = None
        if item.confidential:
            self.confidential_badge = QLabel(self.tr("Confidential"), self)
            self.confidential_badge.setObjectName("confidentialBadge")
            self.confidential_badge.setStyleSheet(BADGE_STYLE)
            self.confidential_badge.setToolTip(
                self.tr("Left out of the shareable report: for internal use only.")
            )
            header.addWidget(self.confidential_badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)

        self.help_label: QLabel | None = None
        if item.help:
            self.help_label = QLabel(item.help, self)
            self.help_label.setObjectName("itemHelp")
            _small_grey(self.help_label)
            layout.addWidget(self.help_label)

        self.bound_note: QLabel | None = None
        if item.bind is not None:
            # One field, shown in two places: say where else it is, so nobody types twice.
            self.bound_note = QLabel(self._bound_note_text(item.bind), self)
            self.bound_note.setObjectName("boundNote")
            _small_grey(self.bound_note)
            layout.addWidget(self.bound_note)

        self.editor: ItemEditor = make_editor(item, self)
        if item.read_only:
            _make_read_only(self.editor)
        if item.bind is not None and isinstance(self.editor, DateEditor):
            # A visit or an interview always keeps a date: « Effacer » would do nothing.
            self.editor.clear_button.hide()
        layout.addWidget(self.editor)
        self.label.setBuddy(self.editor.focus_target())
        self._describe_editor()
        self.editor.value_changed.connect(self._on_value_changed)
        self.editor.editing_finished.connect(self._on_editing_finished)
        if isinstance(self.editor, PhotoEditor):
            self.editor.photo_requested.connect(self._on_photo_requested)

        # The comment editor is made on first use: most items never get a comment.
        self.comment_edit: GrowingTextEdit | None = None
        self.comment_toggle = QToolButton(self)
        self.comment_toggle.setText(self.tr("Comment"))
        self.comment_toggle.setCheckable(True)
        self.comment_toggle.setAutoRaise(True)
        self.comment_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.comment_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.comment_toggle.setAccessibleName(self.tr("Comment on: {0}").format(item.label))
        self.comment_toggle.toggled.connect(self._on_comment_toggled)
        # « Donnée indisponible — <raison> » (core/unavailable.py), shown while it is
        # the answer; the editor then shows no value.
        self.unavailable_note = QLabel(self)
        self.unavailable_note.setObjectName("unavailableNote")
        self.unavailable_note.setWordWrap(True)
        self.unavailable_note.setTextFormat(Qt.TextFormat.PlainText)
        self.unavailable_note.setForegroundRole(QPalette.ColorRole.Link)
        self.unavailable_note.setVisible(False)
        layout.addWidget(self.unavailable_note)
        self._unavailable_reason: str | None = None
        self.unavailable_dialog: UnavailableDialog | None = None

        actions = QHBoxLayout()
        actions.setSpacing(6)
        actions.addWidget(self.comment_toggle)
        # A required item whose data is missing must not block the visit: it can be
        # answered « Donnée indisponible » with a reason (also Ctrl+Shift+I, the menu).
        self.unavailable_button: QToolButton | None = None
        if self.offers_unavailable:
            self.unavailable_button = QToolButton(self)
            self.unavailable_button.setObjectName("unavailableButton")
            self.unavailable_button.setText(self.tr("Data unavailable…"))
            self.unavailable_button.setAutoRaise(True)
            self.unavailable_button.setAccessibleName(
                self.tr("Data unavailable: {0}").format(item.label)
            )
            self.unavailable_button.setToolTip(
                self.tr(
                    "Answer « data unavailable » with a reason ({0}): the item then counts "
                    "as answered."
                ).format(keys.UNAVAILABLE.key_text())
            )
            self.unavailable_button.clicked.connect(self.ask_unavailable)
            actions.addWidget(self.unavailable_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        # A bound item has no answer of its own, so no comment on one either.
        self.comment_toggle.setVisible(item.bind is None)

    def _bound_note_text(self, field: str) -> str:
        notes = {
            VISIT_DATE: self.tr("The visit's date (also in Informations)."),
            VISIT_SUMMARY: self.tr("The visit's synthesis (also in Informations)."),
            VISIT_PARTICIPANTS: self.tr(
                "The visit's participants: added or removed in Informations."
            ),
            INTERVIEW_DATE: self.tr("The interview's date (the Date field above)."),
            INTERVIEW_PERSONS: self.tr(
                "The interviewees: added or removed under « Interviewees » above."
            ),
        }
        return notes.get(field, "")

    # --- « Donnée indisponible » -----------------------------------------------------

    @property
    def offers_unavailable(self) -> bool:
        """Required items answered here (not bound, not read-only) offer it."""
        item = self.item
        return item.required and item.bind is None and not item.read_only

    @property
    def unavailable_reason(self) -> str | None:
        """The reason shown, when the item is answered « Donnée indisponible »."""
        return self._unavailable_reason

    def show_answer(self, value: object) -> None:
        """Show whether the answer is « Donnée indisponible » (and why)."""
        reason = unavailable_reason(value)
        self._unavailable_reason = reason
        if reason is not None:
            self.unavailable_note.setText(self.tr("Data unavailable — {0}").format(reason))
        self.unavailable_note.setVisible(reason is not None)
        if self.unavailable_button is not None:
            self.unavailable_button.setText(
                self.tr("Change the reason…")
                if reason is not None
                else self.tr("Data unavailable…")
            )

    def ask_unavailable(self) -> UnavailableDialog | None:
        """Ask the reason (a dialog, opened without blocking); OK answers the item."""
        if not self.offers_unavailable:
            return None
        if self.unavailable_button is not None and not self.unavailable_button.isEnabled():
            return None  # the visit is read-only (its report issued)
        dialog = UnavailableDialog(self.item.label, self._unavailable_reason or "", self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.set_unavailable(dialog.reason()))
        self.unavailable_dialog = dialog
        dialog.destroyed.connect(lambda: setattr(self, "unavailable_dialog", None))
        dialog.open()
        return dialog

    def set_unavailable(self, reason: str) -> None:
        """Answer « Donnée indisponible » (the reason given; blank does nothing)."""
        if not reason.strip():
            return
        marker = unavailable(reason.strip())
        self.editor.set_value(None)  # the editor shows no value meanwhile
        self.show_answer(marker)
        self.value_changed.emit(self.item.id, marker)

    def clear_unavailable(self) -> None:
        """Undo « Donnée indisponible »: the item is unanswered again."""
        if self._unavailable_reason is None:
            return
        self.show_answer(None)
        self.value_changed.emit(self.item.id, None)

    # --- comment ----------------------------------------------------------------------

    def comment_text(self) -> str:
        return self.comment_edit.toPlainText() if self.comment_edit is not None else ""

    def set_comment(self, text: str) -> None:
        """Show a stored comment (without emitting); a comment with text is shown open."""
        if text and self.comment_edit is None:
            self._make_comment_edit()
        if self.comment_edit is not None:
            self.comment_edit.set_text_quietly(text)
        if text and not self.comment_toggle.isChecked():
            self.comment_toggle.setChecked(True)

    def open_comment(self) -> GrowingTextEdit:
        """Show the comment editor (made if needed) and return it."""
        self.comment_toggle.setChecked(True)
        assert self.comment_edit is not None
        return self.comment_edit

    def _make_comment_edit(self) -> None:
        self.comment_edit = GrowingTextEdit(self, min_lines=2)
        self.comment_edit.setObjectName("itemComment")
        self.comment_edit.setAccessibleName(self.tr("Comment on: {0}").format(self.item.label))
        self.comment_edit.setPlaceholderText(self.tr("Comment, detail, source…"))
        self.comment_edit.textChanged.connect(self._on_comment_changed)
        self.comment_edit.focus_left.connect(self._on_editing_finished)
        self.comment_edit.setVisible(False)
        self._layout.addWidget(self.comment_edit)
        self.setTabOrder(self.comment_toggle, self.comment_edit)

    def _on_comment_toggled(self, checked: bool) -> None:
        if checked and self.comment_edit is None:
            self._make_comment_edit()
        arrow = Qt.ArrowType.DownArrow if checked else Qt.ArrowType.RightArrow
        self.comment_toggle.setArrowType(arrow)
        if self.comment_edit is not None:
            self.comment_edit.setVisible(checked)
            if checked and self.comment_toggle.hasFocus():
                self.comment_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_comment_changed(self) -> None:
        self.comment_changed.emit(self.item.id, self.comment_text())

    @property
    def marked_required(self) -> bool:
        """Whether the row shows the required marker (a red asterisk after the label)."""
        return self.item.required and self.label.text().endswith("*</span>")

    def _describe_editor(self) -> None:
        notes = []
        if self.item.required:
            notes.append(self.tr("required"))
        if self.item.confidential:
            notes.append(self.tr("confidential"))
        if self.item.help:
            notes.append(self.item.help)
        if notes:
            self.editor.focus_target().setAccessibleDescription(" — ".join(notes))

    def _on_value_changed(self, value: object) -> None:
        self.show_answer(value)  # answered normally: no longer « indisponible »
        self.value_changed.emit(self.item.id, value)

    def _on_editing_finished(self) -> None:
        self.editing_finished.emit(self.item.id)

    def _on_photo_requested(self) -> None:
        self.photo_requested.emit(self.item.id)

    def context_menu(self) -> QMenu:
        """The row's menu (right click outside a text field): the answer's history."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        action = menu.addAction(self.tr("History…"))
        action.setObjectName("historyAction")
        action.setShortcuts(keys.HISTORY.sequences())  # shown; FormView handles it
        action.triggered.connect(lambda: self.history_requested.emit(self.item.id))
        if self.offers_unavailable:
            editable = self.unavailable_button is None or self.unavailable_button.isEnabled()
            mark = menu.addAction(self.tr("Data unavailable…"))
            mark.setObjectName("unavailableAction")
            mark.setShortcuts(keys.UNAVAILABLE.sequences())  # shown; FormView handles it
            mark.setEnabled(editable)
            mark.triggered.connect(self.ask_unavailable)
            if self._unavailable_reason is not None:
                undo = menu.addAction(self.tr("Clear « data unavailable »"))
                undo.setObjectName("clearUnavailableAction")
                undo.setEnabled(editable)
                undo.triggered.connect(self.clear_unavailable)
        return menu

    def _context_menu(self, position: QPoint) -> None:
        self.context_menu().popup(self.mapToGlobal(position))


class SectionBox(QFrame):
    """A section: its title and progress "3/7", its description, then its item rows."""

    def __init__(
        self,
        section: Section,
        title_font: QFont,
        parent: QWidget | None = None,
        form_id: str = "",
    ) -> None:
        super().__init__(parent)
        self.section = section
        self.setObjectName(f"section_{section.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.rows_layout = QVBoxLayout(self)
        self.rows_layout.setSpacing(2)
        header = QHBoxLayout()
        self.title_label = QLabel(section.title, self)
        self.title_label.setObjectName("sectionTitle")
        self.title_label.setFont(title_font)
        self.title_label.setWordWrap(True)
        header.addWidget(self.title_label, 1)
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("sectionProgress")
        self.progress_label.setFont(title_font)
        self.progress_label.setAccessibleName(
            self.tr("Progress of the section {0}").format(section.title)
        )
        header.addWidget(self.progress_label, 0, Qt.AlignmentFlag.AlignTop)
        self.rows_layout.addLayout(header)
        self._fixed_rows = 1
        self.description: QLabel | None = None
        if section.description:
            self.description = QLabel(section.description, self)
            _small_grey(self.description)
            self.rows_layout.addWidget(self.description)
            self._fixed_rows += 1
        self.repeat_notice: QLabel | None = None
        if section.repeat:
            questions = ", ".join(item.label for item in section.items)
            if is_observation_group(form_id, section.id):
                # The walk's « Points d'attention » are its observations: their own page.
                text = self.tr(
                    "Entered in the Observations section, one observation per place "
                    "({0} adds one). Questions of each observation: {1}."
                ).format(keys.ADD_OBSERVATION.key_text(), questions)
            else:
                # Stored (services/repeats.py), not yet entered here: say so instead of
                # offering single answers.
                text = self.tr(
                    "Repeatable group, entry to come. Questions of each occurrence: {0}."
                ).format(questions)
            self.repeat_notice = QLabel(text, self)
            self.repeat_notice.setObjectName("repeatNotice")
            _small_grey(self.repeat_notice)
            self.rows_layout.addWidget(self.repeat_notice)
            self._fixed_rows += 1
        self._extra_widgets = 0

    def add_extra_widget(self, widget: QWidget) -> None:
        """Put a widget above the section's items (e.g. the diagnostic's theme ratings)."""
        self.rows_layout.insertWidget(self._fixed_rows + self._extra_widgets, widget)
        self._extra_widgets += 1

    def show_progress(self, counts: Progress) -> None:
        """The section's figure (forms/progress.py); its themes' too, when it has some."""
        text = f"{counts.answered}/{counts.visible}"
        tip = self.tr("{0} of {1} items answered in this section").format(
            counts.answered, counts.visible
        )
        if counts.themes:
            text = self.tr("{0} · themes {1}/{2}").format(text, counts.themes_rated, counts.themes)
            tip = self.tr("{0}; {1} of {2} themes rated").format(
                tip, counts.themes_rated, counts.themes
            )
        self.progress_label.setText(text)
        self.progress_label.setToolTip(tip)


class FormView(QScrollArea):
    """A scrollable rendering of a FormDefinition with live visibility and progress."""

    answer_changed = Signal(str, object)  # item id, normalised value (None clears)
    comment_changed = Signal(str, str)  # item id, comment text
    photo_requested = Signal(str, str)  # form id, item id
    #: focus left a text editor of this item: the owner should write pending saves now
    editing_finished = Signal(str)
    progress_changed = Signal(int, int)  # answered, visible
    #: the person asked for the history of an item's answer (its id)
    history_requested = Signal(str)
    #: a bound item was edited: its field (forms/bindings.py) and the editor's value
    #: (ISO date, text); the owner saves it through the field's own service
    bound_changed = Signal(str, object)

    def __init__(self, ctx: UiContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._form: FormDefinition | None = None
        self._rows: dict[str, ItemRow] = {}
        self._sections: dict[str, SectionBox] = {}
        self._answers: dict[str, object] = {}
        #: {field: value} shown by bound items, as their editors hold it
        self._bound: dict[str, object] = {}
        self._photo_counts: dict[str, int] = {}
        self._rated_themes: frozenset[str] = frozenset()
        self._shown: dict[str, bool] = {}
        self._progress: FormProgress | None = None
        self._label_font = QFont(self.font())
        self._label_font.setWeight(QFont.Weight.DemiBold)
        self._title_font = QFont(self.font())
        self._title_font.setWeight(QFont.Weight.Bold)
        self._title_font.setPointSizeF(self._title_font.pointSizeF() * 1.15)
        self._container = self._new_container()
        self.setWidget(self._container)
        #: the row just answered and its height in the viewport, while rows appear
        self._held: tuple[ItemRow, int] | None = None
        self._room = False  # the content has empty room at its end (_hold_in_place)
        self.verticalScrollBar().valueChanged.connect(self._give_room_back)
        self.history_shortcut = QShortcut(keys.HISTORY.sequences()[0], self)
        self.history_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.history_shortcut.activated.connect(self.request_history_of_focused_item)
        self.unavailable_shortcut = QShortcut(keys.UNAVAILABLE.sequences()[0], self)
        self.unavailable_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.unavailable_shortcut.activated.connect(self.ask_unavailable_of_focused_item)

    # --- building ---------------------------------------------------------------------

    def _new_container(self) -> QWidget:
        container = QWidget(self)
        container.setObjectName("formContainer")
        layout = QVBoxLayout(container)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(12)
        layout.addStretch(1)
        container.installEventFilter(self)
        return container

    @property
    def form(self) -> FormDefinition | None:
        return self._form

    def set_form(
        self,
        form: FormDefinition | None,
        answers: Mapping[str, object] | None = None,
        comments: Mapping[str, str] | None = None,
        photo_counts: Mapping[str, int] | None = None,
        keep_focused: bool = False,
        rated_themes: Collection[str] = (),
        visit_date: date | None = None,
        bound: Mapping[str, object] | None = None,
    ) -> bool:
        """Show a form with these answers; True if the widgets were (re)built.

        The same form version as before keeps its widgets and only refreshes values.
        `keep_focused` (a reload of the same record) leaves the row being typed in as
        it is, so its text and cursor do not jump. `rated_themes`: the diagnostic's
        themes that have a level (they count in the sections' progress). `visit_date`:
        where an empty date item's calendar opens (else today). `bound`: {field: value}
        of the visit's or interview's fields that bound items show (forms/bindings.py).
        """
        rebuilt = form is None or self._form is None or form.key != self._form.key
        if rebuilt:
            self._build(form)
        self._answers = dict(answers or {})
        self._bound = dict(bound or {})
        self._photo_counts = dict(photo_counts or {})
        self._rated_themes = frozenset(rated_themes)
        comments = comments or {}
        # On a reload, the row being typed in keeps its text (and its cursor).
        focused = QApplication.focusWidget() if keep_focused and not rebuilt else None
        for item_id, row in self._rows.items():
            if isinstance(row.editor, DateEditor):
                row.editor.set_calendar_fallback(visit_date)  # the visit's date may change
            bind = row.item.bind
            if focused is not None and row.isAncestorOf(focused):
                if bind is not None:
                    self._bound[bind] = row.editor.value()
                elif row.unavailable_reason is not None:
                    self._answers[item_id] = unavailable(row.unavailable_reason)
                else:
                    self._answers[item_id] = row.editor.value()
                continue
            if bind is not None:
                row.editor.set_value(self._bound.get(bind))
                continue
            row.editor.set_value(self._answers.get(item_id))
            row.show_answer(self._answers.get(item_id))
            row.set_comment(comments.get(item_id, ""))
            if isinstance(row.editor, PhotoEditor):
                row.editor.set_photo_count(self._photo_counts.get(item_id, 0))
        self._refresh()
        return rebuilt

    def _build(self, form: FormDefinition | None) -> None:
        self.setUpdatesEnabled(False)
        try:
            old = self.takeWidget()
            if old is not None:
                old.deleteLater()
            self._rows.clear()
            self._sections.clear()
            self._shown.clear()
            self._held, self._room = None, False
            self._form = form
            self._container = self._new_container()
            if form is not None:
                self._fill(form)
            # Set once complete: a scroll area sizes its widget from the layout it has.
            self.setWidget(self._container)
        finally:
            self.setUpdatesEnabled(True)

    def _fill(self, form: FormDefinition) -> None:
        layout = self._container.layout()
        assert isinstance(layout, QVBoxLayout)
        for section in form.sections:
            box = SectionBox(section, self._title_font, self._container, form.id)
            self._sections[section.id] = box
            layout.insertWidget(layout.count() - 1, box)
            if section.repeat:
                continue  # no single answers: the box shows a notice (SectionBox)
            for item in section.items:
                row = ItemRow(item, self._label_font, box)
                row.value_changed.connect(self._on_value_changed)
                row.comment_changed.connect(self.comment_changed)
                row.editing_finished.connect(self.editing_finished)
                row.photo_requested.connect(self._on_photo_requested)
                row.history_requested.connect(self.history_requested)
                box.rows_layout.addWidget(row)
                self._rows[item.id] = row
                self._shown[item.id] = True

    def add_section_widget(self, section_id: str, widget: QWidget) -> None:
        """Show a widget at the top of a section, above its items."""
        self._sections[section_id].add_extra_widget(widget)
        widget.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Rows shown, hidden or grown change the content's height: refit it then.
        if event.type() == QEvent.Type.LayoutRequest and watched is self.widget():
            self._refit()
        return super().eventFilter(watched, event)

    def _refit(self) -> None:
        """Resize the content to its new height (the scroll area does it on LayoutRequest)."""
        QCoreApplication.postEvent(self, QEvent(QEvent.Type.LayoutRequest))

    # --- keeping the answered row in place ----------------------------------------------
    #
    # Rows shown or hidden by an answer move what follows them, and, when the content
    # shrinks while scrolled to its end, the scroll area moves everything down: the row
    # just clicked slid away from the pointer, and the next click answered another
    # item. Once the scroll area has laid the new content out, the scroll position is
    # moved by what the answered row moved; if that needs more content below, the
    # content keeps some empty room at its end, given back as the person scrolls up.

    def _viewport_y(self, widget: QWidget) -> int:
        return widget.mapTo(self.viewport(), QPoint(0, 0)).y()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest and self._held is not None:
            self._hold_in_place()
        return handled

    def _hold_in_place(self) -> None:
        assert self._held is not None
        row, before = self._held
        self._held = None
        if row.isHidden():
            return
        moved = self._viewport_y(row) - before
        if moved == 0:
            return
        bar = self.verticalScrollBar()
        wanted = bar.value() + moved
        if wanted > bar.maximum():
            room = wanted - bar.maximum()
            self._container.setMinimumHeight(self._container.height() + room)
            self._room = True
            super().event(QEvent(QEvent.Type.LayoutRequest))  # the new range, now
        bar.setValue(max(0, wanted))

    def _give_room_back(self, value: int) -> None:
        """Scrolling up: the empty room below the content shrinks with what is shown."""
        if not self._room:
            return
        needed = value + self.viewport().height()
        layout = self._container.layout()
        natural = layout.totalHeightForWidth(self._container.width()) if layout else 0
        if needed <= natural:
            self._container.setMinimumHeight(0)
            self._room = False
        elif needed < self._container.minimumHeight():
            self._container.setMinimumHeight(needed)

    # --- values -----------------------------------------------------------------------

    def answers(self) -> dict[str, object]:
        return dict(self._answers)

    def comment(self, item_id: str) -> str:
        return self._rows[item_id].comment_text()

    def set_photo_counts(self, counts: Mapping[str, int]) -> None:
        self._photo_counts = dict(counts)
        for item_id, row in self._rows.items():
            if isinstance(row.editor, PhotoEditor):
                row.editor.set_photo_count(self._photo_counts.get(item_id, 0))
        self._refresh()

    def set_rated_themes(self, theme_ids: Collection[str]) -> None:
        """The diagnostic's themes that have a level (shown by the page that owns them)."""
        self._rated_themes = frozenset(theme_ids)
        self._refresh()

    def set_bound(self, values: Mapping[str, object]) -> None:
        """New values of bound fields (edited elsewhere): shown, progress recounted."""
        self._bound.update(values)
        focused = QApplication.focusWidget()
        for row in self._rows.values():
            bind = row.item.bind
            if bind is None or bind not in values:
                continue
            if not (focused is not None and row.isAncestorOf(focused)):
                row.editor.set_value(values[bind])
        self._refresh()

    def bound_values(self) -> dict[str, object]:
        return dict(self._bound)

    def _on_value_changed(self, item_id: str, value: object) -> None:
        row = self._rows[item_id]
        if row.item.bind is not None:
            if row.item.read_only:
                return
            self._bound[row.item.bind] = value
            self._refresh(anchor=row)
            self.bound_changed.emit(row.item.bind, value)
            return
        self._answers[item_id] = value
        self._refresh(anchor=row)
        self.answer_changed.emit(item_id, value)

    def _on_photo_requested(self, item_id: str) -> None:
        if self._form is not None:
            self.photo_requested.emit(self._form.id, item_id)

    # --- visibility and progress ------------------------------------------------------

    def _refresh(self, anchor: ItemRow | None = None) -> None:
        """Visibility and progress, by the one progress function (forms/progress.py).

        `anchor`: the row just answered, kept where it is on the screen if rows are
        shown or hidden (see `_hold_in_place`)."""
        if self._form is None:
            self._progress = None
            self.progress_changed.emit(0, 0)
            return
        photos = {item_id for item_id, count in self._photo_counts.items() if count > 0}
        self._progress = form_progress(
            self._form.shape, self._answers, photos, self._rated_themes, self._bound
        )
        visible = self._progress.visible_items
        for item_id, row in self._rows.items():
            shown = item_id in visible
            if shown != self._shown[item_id]:
                if anchor is not None and self._held is None:
                    self._held = (anchor, self._viewport_y(anchor))
                self._shown[item_id] = shown
                row.setHidden(not shown)  # hidden items keep their stored answers
        for section_id, counts in self._progress.sections:
            self._sections[section_id].show_progress(counts)
        self.progress_changed.emit(*self.progress())

    def is_item_shown(self, item_id: str) -> bool:
        """Whether the item's visible_if currently holds (independent of scrolling)."""
        return self._shown.get(item_id, False)

    def progress(self) -> tuple[int, int]:
        """(answered, visible) items (and themes) of the whole form."""
        if self._progress is None:
            return (0, 0)
        total = self._progress.total
        return (total.answered, total.visible)

    def section_progress(self) -> dict[str, tuple[int, int]]:
        if self._progress is None:
            return {}
        return {section: (p.answered, p.visible) for section, p in self._progress.sections}

    def section_progress_text(self, section_id: str) -> str:
        return self._sections[section_id].progress_label.text()

    def missing_required(self) -> list[FormItem]:
        """Required items shown and unanswered, in form order."""
        if self._form is None or self._progress is None:
            return []
        return [self._form.item(item_id) for item_id in self._progress.missing_required]

    # --- widgets and focus ------------------------------------------------------------

    def item_row(self, item_id: str) -> ItemRow:
        return self._rows[item_id]

    def editor(self, item_id: str) -> ItemEditor:
        return self._rows[item_id].editor

    def section_box(self, section_id: str) -> SectionBox:
        return self._sections[section_id]

    def focus_item(self, item_id: str) -> bool:
        row = self._rows.get(item_id)
        if row is None or not self._shown[item_id]:
            return False
        self.ensureWidgetVisible(row, 0, 40)
        target = row.editor.focus_target()
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.ensureWidgetVisible(target, 0, 40)
        return True

    def _current_index(self, order: list[str]) -> int:
        focused = QApplication.focusWidget()
        if focused is None:
            return -1
        for index, item_id in enumerate(order):
            row = self._rows[item_id]
            if row is focused or row.isAncestorOf(focused):
                return index
        return -1

    def request_history_of_focused_item(self) -> bool:
        """Ask for the history of the item being edited; False if no item has the focus."""
        order = list(self._rows)
        index = self._current_index(order)
        if index < 0:
            return False
        self.history_requested.emit(order[index])
        return True

    def ask_unavailable_of_focused_item(self) -> UnavailableDialog | None:
        """« Donnée indisponible » for the item being edited (Ctrl+Shift+I)."""
        order = list(self._rows)
        index = self._current_index(order)
        if index < 0:
            return None
        return self._rows[order[index]].ask_unavailable()

    def focus_next_unanswered_required(self) -> bool:
        """Focus the next required, shown, unanswered item after the focus (wrapping)."""
        if self._form is None:
            return False
        missing = {item.id for item in self.missing_required()}
        if not missing:
            return False
        order = list(self._rows)
        current = self._current_index(order)
        for step in range(1, len(order) + 1):
            item_id = order[(current + step) % len(order)]
            if item_id in missing:
                return self.focus_item(item_id)
        return False
