"""Plan d'actions: the visit's recommendations in a table edited in place.

Every accepted cell edit is written at once by the worker (`actions.update_recommendation`).
"Add a recommendation" (Ctrl+Shift+A or Insert) opens a new row on its text; the row is
created in the database when its text is written, and dropped if left empty.
« Détails de l'action… » (the button, Enter or Ctrl+E on a row, a double-click on its
header, the context menu) edits what a contrat de sécurité needs of a saved action
(action_details_dialog.py): its changes are written in one update. Rows are
sorted by priority then due date when the plan is loaded; they stay in place while being
edited. Recommendations carried over from the previous visit show the "follow-up" icon,
a "Carried over" tag in the row header and a tooltip with the previous visit's date.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QKeyEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.domain import PRIORITY_LABELS
from fieldvisit.screens.actions import ActionPlan, load_action_plan
from fieldvisit.screens.common import Person
from fieldvisit.services import actions, deletion
from fieldvisit.ui.base import shortcuts as keys
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import show_error
from fieldvisit.ui.base.icons import icon
from fieldvisit.ui.widgets.date_edit import FrenchDateEdit
from fieldvisit.ui.widgets.text_limit import LimitedPlainTextEdit
from fieldvisit.ui.workspace.action_details_dialog import ActionDetailsDialog
from fieldvisit.ui.workspace.actions_model import (
    ENUM_COLUMNS,
    Column,
    RecommendationRow,
    RecommendationTableModel,
)
from fieldvisit.ui.workspace.pages import KEEP_EDITABLE, WorkspacePage
from fieldvisit.ui.workspace.workspace_common import ask_confirmation, to_qdate

if TYPE_CHECKING:
    from fieldvisit.ui.dialogs.history_dialog import HistoryDialog

AnyIndex = QModelIndex | QPersistentModelIndex

#: Columns other than the action's text are as narrow as their longest word (labels
#: wrap onto more lines and rows grow), or as this text where it must stay on one line;
#: the action's text takes the rest of the width. The whole plan then fits a
#: 1280-pixel window without scrolling sideways.
ONE_LINE_SAMPLES = {Column.PRIORITY: "Priorité 1", Column.DUE_DATE: "00/00/0000"}
CELL_PADDING = 14  # the cell's margins and focus frame, in pixels

#: the "no due date" value of the date editor, shown with a special text
NO_DATE = QDate(2000, 1, 1)


def place_whole_editor(editor: QWidget, option: QStyleOptionViewItem) -> None:
    """The editor over its cell, as wide and high as it needs to show its whole value
    (« Priorité 1 (haute) », « 06/12/2026 »): narrow columns made it cut them. It may
    spill over the next cells; it stays inside the table."""
    rect = option.rect  # type: ignore[attr-defined]
    hint = editor.sizeHint()
    width = max(rect.width(), hint.width())
    height = max(rect.height(), hint.height())
    viewport = editor.parentWidget()
    x = rect.x()
    if viewport is not None:
        width = min(width, viewport.width())
        x = max(0, min(x, viewport.width() - width))
    editor.setGeometry(x, rect.y(), width, height)


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box over (value, label) options; the model gets the value."""

    def __init__(self, options: list[tuple[Any, str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.options = options

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName(
            str(index.model().headerData(index.column(), Qt.Orientation.Horizontal))
        )
        for value, label in self.options:
            combo.addItem(label, value)
        return combo

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> None:
        place_whole_editor(editor, option)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        value = index.data(Qt.ItemDataRole.EditRole)
        position = editor.findData("" if value is None else value)
        editor.setCurrentIndex(max(position, 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ThemeDelegate(ChoiceDelegate):
    """Themes of the visit's diagnostic grid, read from the model at each edit."""

    def __init__(self, no_theme_label: str, parent: QObject | None = None) -> None:
        super().__init__([], parent)
        self.no_theme_label = no_theme_label

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        model = index.model()
        themes = model.themes() if isinstance(model, RecommendationTableModel) else []
        self.options = [("", self.no_theme_label), *themes]
        return super().createEditor(parent, option, index)


class DueDateDelegate(QStyledItemDelegate):
    """A date editor in French format; its first date means "no due date"."""

    def __init__(self, no_date_label: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.no_date_label = no_date_label

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        editor = FrenchDateEdit(parent)
        editor.setAccessibleName(
            str(index.model().headerData(index.column(), Qt.Orientation.Horizontal))
        )
        editor.setMinimumDate(NO_DATE)
        editor.setSpecialValueText(self.no_date_label)
        return editor

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> None:
        place_whole_editor(editor, option)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QDateEdit)
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(value, QDate):
            editor.setDate(value if value.isValid() else NO_DATE)
        elif isinstance(value, date):
            editor.setDate(to_qdate(value))
        else:
            editor.setDate(QDate.currentDate())  # a new due date starts from today

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, QDateEdit)
        chosen = editor.date()
        model.setData(index, None if chosen == NO_DATE else chosen, Qt.ItemDataRole.EditRole)


class ActionTextDelegate(QStyledItemDelegate):
    """A multi-line editor that behaves as the table's other cells: Enter (or leaving
    it) saves, Tab saves and edits the next cell, Shift+Enter makes a new line."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        editor = LimitedPlainTextEdit(parent)  # the sync carries at most this much
        editor.setAccessibleName(
            str(index.model().headerData(index.column(), Qt.Orientation.Horizontal))
        )
        editor.setTabChangesFocus(True)
        editor.setMinimumHeight(72)
        return editor

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> None:
        rect = option.rect  # type: ignore[attr-defined]
        editor.setGeometry(rect.x(), rect.y(), rect.width(), max(rect.height(), 72))

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QPlainTextEdit)
        editor.setPlainText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, QPlainTextEdit)
        model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Qt leaves Enter and Tab to a text editor (a new line, the next widget): here
        # they end the edit as in every other cell of the table.
        if (
            not isinstance(watched, QPlainTextEdit)
            or event.type() != QEvent.Type.KeyPress
            or not isinstance(event, QKeyEvent)
        ):
            return super().eventFilter(watched, event)
        key, modifiers = event.key(), event.modifiers()
        hint = None
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if modifiers & Qt.KeyboardModifier.ShiftModifier:
                watched.insertPlainText("\n")
                return True
            hint = QAbstractItemDelegate.EndEditHint.SubmitModelCache
        elif key == Qt.Key.Key_Tab and not modifiers & Qt.KeyboardModifier.ControlModifier:
            hint = QAbstractItemDelegate.EndEditHint.EditNextItem
        elif key == Qt.Key.Key_Backtab:
            hint = QAbstractItemDelegate.EndEditHint.EditPreviousItem
        if hint is None:
            return super().eventFilter(watched, event)
        self.commitData.emit(watched)
        self.closeEditor.emit(watched, hint)
        return True


class ActionsPage(WorkspacePage):
    shows = frozenset({"recommendations"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = RecommendationTableModel(self)
        self.model.field_edited.connect(self._field_edited)

        self.add_button = QPushButton(self.tr("Add a recommendation"), self)
        self.add_button.setToolTip(self.tr("Add a recommendation (Ctrl+Shift+A or Insert)"))
        self.add_button.clicked.connect(self.add_recommendation)
        self.delete_button = QPushButton(icon("delete"), self.tr("Delete…"), self)
        self.delete_button.setToolTip(self.tr("Delete the selected recommendation (Delete)"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.details_button = QPushButton(self.tr("Action details…"), self)
        self.details_button.setObjectName("actionDetailsButton")
        self.details_button.setToolTip(
            self.tr(
                "Schemes, named lead, description, cost and funding, indicator and review "
                "date of the selected action ({0})"
            ).format(keys.ACTION_DETAILS.key_text())
        )
        self.details_button.clicked.connect(self.open_details)
        # Once the report is issued the details are still shown (read-only).
        self.details_button.setProperty(KEEP_EDITABLE, True)
        self.details_dialog: ActionDetailsDialog | None = None
        self._contacts: tuple[Person, ...] = ()

        self.table = QTableView(self)
        self.table.setObjectName("actionsTable")
        self.table.setAccessibleName(self.tr("Action plan"))
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self._fitted_themes: list[tuple[str, str]] = []
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)  # wrapped, never cut
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(self.table.fontMetrics().horizontalAdvance("0000"))
        for column, sample in ONE_LINE_SAMPLES.items():
            self._fit_column(column, [sample])
        for column, enum in ENUM_COLUMNS.items():
            self._fit_column(column, [word for member in enum for word in member.label.split()])
        self._fit_column(Column.THEME, [])
        # Rows as high as their wrapped text (the action, a long "dispositif"), measured
        # again whenever a column's width changes (the action column stretches with the
        # window and the quick notes: heights measured before would stay far too tall).
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._row_fit = QTimer(self)
        self._row_fit.setSingleShot(True)
        self._row_fit.setInterval(0)
        self._row_fit.timeout.connect(self.table.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: self._row_fit.start())

        self._delegates = {
            Column.PRIORITY: ChoiceDelegate(list(PRIORITY_LABELS.items()), self),
            Column.TEXT: ActionTextDelegate(self),
            Column.THEME: ThemeDelegate(self.tr("(no theme)"), self),
            Column.DUE_DATE: DueDateDelegate(self.tr("No due date"), self),
            **{
                column: ChoiceDelegate([(m.value, m.label) for m in enum], self)
                for column, enum in ENUM_COLUMNS.items()
            },
        }
        for column, delegate in self._delegates.items():
            self.table.setItemDelegateForColumn(column, delegate)
            delegate.closeEditor.connect(self._editor_closed)

        self.empty_label = QLabel(
            self.tr(
                "No recommendation yet. Add the first one with “Add a recommendation” "
                "(Ctrl+Shift+A)."
            ),
            self,
        )
        self.empty_label.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.details_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        title = QLabel(f"<h2>{self.section_title()}</h2>", self)
        layout.addWidget(title)
        layout.addLayout(buttons)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)

        # Ctrl+Shift+A is the workspace's (window-wide); Insert works inside the page.
        for binding, owner, context, slot in (
            (
                keys.INSERT_RECOMMENDATION,
                self,
                Qt.ShortcutContext.WidgetWithChildrenShortcut,
                self.add_recommendation,
            ),
            (keys.DELETE, self.table, Qt.ShortcutContext.WidgetShortcut, self.delete_selected),
            (keys.HISTORY, self.table, Qt.ShortcutContext.WidgetShortcut, self.show_history),
            # Only while the table itself has the focus: in a cell's editor, Enter saves
            # the cell (keys.CELL_COMMIT).
            (keys.ACTION_DETAILS, self.table, Qt.ShortcutContext.WidgetShortcut, self.open_details),
        ):
            for sequence in binding.sequences():
                shortcut = QShortcut(sequence, owner)
                shortcut.setContext(context)
                shortcut.activated.connect(slot)
        self.table.verticalHeader().sectionDoubleClicked.connect(self._header_double_clicked)
        self.setTabOrder(self.add_button, self.details_button)
        self.setTabOrder(self.details_button, self.delete_button)
        self.setTabOrder(self.delete_button, self.table)
        self._update_buttons()
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

    def section_title(self) -> str:
        return self.tr("Action plan")

    def _fit_column(self, column: Column, words: list[str]) -> None:
        """Width for the column's title and the widest of these words (or phrases)."""
        title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        widths = [header.fontMetrics().horizontalAdvance(title)]
        widths.extend(metrics.horizontalAdvance(word) for word in words)
        header.resizeSection(column, max(widths) + CELL_PADDING)

    # --- loading ---------------------------------------------------------------------

    def load_visit(self, visit_id: str) -> None:
        super().load_visit(visit_id)
        self.ctx.run(self.ctx.call(load_action_plan, visit_id), self._loaded, self)

    def reload(self) -> None:
        if self.visit_id is not None:
            self.load_visit(self.visit_id)

    def _loaded(self, plan: ActionPlan) -> None:
        if plan.visit.id != self.visit_id:
            return  # another visit was opened meanwhile
        rows = [RecommendationRow.from_record(rec) for rec in plan.recommendations]
        themes = list(plan.themes)
        self._contacts = plan.contacts
        people = {person.id: person.name for person in plan.contacts}
        self.model.set_rows(rows, themes, plan.previous_visit_date, people)
        if themes != self._fitted_themes:  # another grid: its own theme labels
            self._fitted_themes = themes
            self._fit_column(Column.THEME, [w for _id, label in themes for w in label.split()])
        self._update_buttons()

    # --- editing ---------------------------------------------------------------------

    def add_recommendation(self) -> None:
        """A new row at the bottom, its text editor open; saved once text is typed."""
        if self.visit_id is None:
            return
        self._commit_open_editor()
        number = self.model.append_draft(RecommendationRow(id=None))
        index = self.model.index(number, Column.TEXT)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self.table.setFocus()
        self.table.edit(index)
        self._update_buttons()

    def open_editor(self) -> QWidget | None:
        """The cell editor open in the table, if any.

        Only while the table is editing: once an editor is closed, the table's focus
        widget can still be that editor (deleted later), which the table would refuse
        ("commitData called with an editor that does not belong to this view").
        """
        if self.table.state() != QAbstractItemView.State.EditingState:
            return None
        editor = self.table.indexWidget(self.table.currentIndex())
        if editor is not None:
            return editor
        # The focus may be inside the editor (a date editor's line edit): editors are
        # children of the table's viewport.
        widget = self.table.focusWidget()
        viewport = self.table.viewport()
        while widget is not None and widget.parentWidget() is not viewport:
            widget = widget.parentWidget()
        return widget

    def _commit_open_editor(self) -> None:
        editor = self.open_editor()
        if editor is not None:
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def _field_edited(self, rec: RecommendationRow, field: str) -> None:
        self.table.resizeRowToContents(self.model.row_of(rec))
        if rec.is_draft:
            if field == "text" and rec.text and not rec.saving:
                self._create(rec)
            return  # other fields of a new row are sent with its text
        self.ctx.run(
            self.ctx.call(actions.update_recommendation, rec.id, **{field: getattr(rec, field)}),
            on_failure=self._save_failed,
            origin=self,
        )

    def _create(self, rec: RecommendationRow) -> None:
        assert self.visit_id is not None
        rec.saving = True
        sent = rec.values()
        self.ctx.run(
            self.ctx.call(actions.add_recommendation, self.visit_id, **sent),
            on_success=lambda saved: self._created(rec, sent, saved),
            on_failure=self._save_failed,
            origin=self,
        )

    def _created(self, rec: RecommendationRow, sent: dict[str, Any], saved: Any) -> None:
        rec.id = saved.id
        rec.created_at = saved.created_at
        rec.saving = False
        self.model.refresh(rec)
        changed = {name: value for name, value in rec.values().items() if sent[name] != value}
        if changed:  # edited while the creation was on its way
            self.ctx.run(
                self.ctx.call(actions.update_recommendation, rec.id, **changed),
                on_failure=self._save_failed,
                origin=self,
            )
        self._update_buttons()

    def _save_failed(self, err: BaseException) -> None:
        show_error(self, err)
        self.reload()  # show what is really stored

    def _editor_closed(self, _editor: QWidget, _hint: QAbstractItemDelegate.EndEditHint) -> None:
        for rec in self.model.rows():
            if rec.is_draft and not rec.saving and not rec.text:
                self.model.remove(rec)
        self._update_buttons()

    # --- deleting --------------------------------------------------------------------

    def selected_row(self) -> RecommendationRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row())

    def delete_selected(self) -> None:
        rec = self.selected_row()
        if rec is None:
            return
        if rec.is_draft:
            self.model.remove(rec)
            return
        ask_confirmation(
            self,
            self.tr("Delete the recommendation"),
            self.tr("Delete this recommendation from the action plan?\n\n{0}").format(rec.text),
            self.tr("Delete"),
            lambda: self._delete(rec),
        )

    def _delete(self, rec: RecommendationRow) -> None:
        assert rec.id is not None
        self.ctx.run(
            self.ctx.call(deletion.soft_delete, "recommendation", rec.id),
            on_success=lambda _result: self.reload(),
            parent=self,
        )

    def _clear_due_date(self) -> None:
        rec = self.selected_row()
        if rec is not None:
            number = self.model.row_of(rec)
            self.model.setData(self.model.index(number, Column.DUE_DATE), None)

    def _context_menu(self, position: Any) -> None:
        rec = self.selected_row()
        if rec is None:
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        clear = menu.addAction(self.tr("Clear the due date"))
        clear.setEnabled(rec.due_date is not None)
        clear.triggered.connect(self._clear_due_date)
        details = menu.addAction(self.tr("Action details…"))
        details.setShortcuts(keys.ACTION_DETAILS.sequences())
        details.setEnabled(not rec.is_draft)
        details.triggered.connect(self.open_details)
        remove = menu.addAction(icon("delete"), self.tr("Delete…"))
        remove.triggered.connect(self.delete_selected)
        history = menu.addAction(self.tr("History…"))
        history.setShortcuts(keys.HISTORY.sequences())
        history.setEnabled(not rec.is_draft)
        history.triggered.connect(self.show_history)
        menu.popup(self.table.viewport().mapToGlobal(position))

    def show_history(self) -> HistoryDialog | None:
        """The selected recommendation's history (every field), with restore."""
        rec = self.selected_row()
        if rec is None or rec.id is None:
            return None
        self._commit_open_editor()
        from fieldvisit.ui.dialogs.history_dialog import open_history

        dialog = open_history(self.ctx, self, "recommendations", rec.id)
        dialog.restored.connect(lambda _table, _id: self.reload())
        return dialog

    # --- details of an action ------------------------------------------------------------

    def open_details(self) -> ActionDetailsDialog | None:
        """« Détails de l'action… » of the selected, saved action (opened without
        blocking; OK writes what changed)."""
        rec = self.selected_row()
        if rec is None or rec.is_draft:
            return None
        self._commit_open_editor()
        if self.details_dialog is not None:
            self.details_dialog.close()
        dialog = ActionDetailsDialog(rec, self._contacts, self, read_only=self.read_only)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._details_accepted(rec, dialog.changes()))
        dialog.destroyed.connect(lambda *_: self._forget_details(dialog))
        self.details_dialog = dialog
        dialog.open()
        return dialog

    def _forget_details(self, dialog: ActionDetailsDialog) -> None:
        if self.details_dialog is dialog:
            self.details_dialog = None

    def _header_double_clicked(self, section: int) -> None:
        self.table.selectRow(section)
        self.open_details()

    def _details_accepted(self, rec: RecommendationRow, changes: dict[str, Any]) -> None:
        if not changes or rec.id is None:
            return
        self.model.set_details(rec, changes)
        self.table.resizeRowToContents(self.model.row_of(rec))
        self.ctx.run(
            self.ctx.call(actions.update_recommendation, rec.id, **changes),
            on_failure=self._save_failed,
            origin=self,
        )

    def _update_buttons(self) -> None:
        has_visit = self.visit_id is not None
        self.add_button.setEnabled(has_visit)
        self.delete_button.setEnabled(self.selected_row() is not None)
        selected = self.selected_row()
        self.details_button.setEnabled(selected is not None and not selected.is_draft)
        empty = self.model.rowCount() == 0
        self.empty_label.setVisible(empty and has_visit)

    def flush(self) -> None:
        """An editor left open holds an edit: write it."""
        self._commit_open_editor()
