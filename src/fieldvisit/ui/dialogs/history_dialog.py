"""The history of a record or of one field: who changed what, when, from where; restore.

Opened from an item of a form (context menu « Historique… », Ctrl+Maj+H), a row of the
action plan, or an interview. Lists the changes newest first (date, person, device,
field, old → new value, how: « Modification », « Reçue du serveur », …); « Restaurer
cette valeur » writes the selected change's *previous* value back through the services
(services/history.py: an ordinary change, sent at the next sync, itself in the history).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.dates import moment_text, stored_text
from fieldvisit.core.readable import readable_object
from fieldvisit.services import history
from fieldvisit.services.describe import field_name, table_name
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import show_error
from fieldvisit.ui.base.i18n import shown_language
from fieldvisit.ui.dialogs.preferences import author_setting

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
CELL_TEXT = 60  # characters of a value shown in the list (the rest below, and in a tip)


class HistoryDialog(QDialog):
    """The entries of a record (`field` None) or of one of its fields."""

    #: a value was restored: (table, record id); the opener reloads what it shows
    restored = Signal(str, str)

    def __init__(
        self,
        ctx: UiContext,
        table: str,
        record_id: str,
        field: str | None = None,
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table = table
        self.record_id = record_id
        self.field = field
        self.data: history.RecordHistory | None = None
        self.setObjectName("historyDialog")
        self.setWindowTitle(self.tr("History"))
        self.resize(860, 460)

        layout = QVBoxLayout(self)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("historyTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self._title = title
        layout.addWidget(self.title_label)

        self.entries = QTreeWidget(self)
        self.entries.setObjectName("historyEntries")
        self.entries.setAccessibleName(self.tr("Changes, newest first"))
        self.entries.setRootIsDecorated(False)
        self.entries.setUniformRowHeights(True)
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entries.setHeaderLabels(
            [
                self.tr("Date"),
                self.tr("By"),
                self.tr("Device"),
                self.tr("Field"),
                self.tr("Previous value"),
                self.tr("New value"),
                self.tr("How"),
            ]
        )
        header = self.entries.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.entries.setColumnHidden(3, field is not None)
        self.entries.currentItemChanged.connect(self._show_current)
        self.entries.itemDoubleClicked.connect(lambda _item, _column: self.restore_selected())
        layout.addWidget(self.entries, 1)

        self.empty_label = QLabel(self.tr("No change recorded yet."), self)
        self.empty_label.setObjectName("historyEmpty")
        self.empty_label.setVisible(False)
        layout.addWidget(self.empty_label)

        self.preview_label = QLabel(self.tr("Value before this change:"), self)
        layout.addWidget(self.preview_label)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("historyPreview")
        self.preview.setAccessibleName(self.tr("Value before this change"))
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.preview_label.setBuddy(self.preview)
        layout.addWidget(self.preview)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("historyStatus")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.notice_label = QLabel(self)
        self.notice_label.setObjectName("historyNotice")
        self.notice_label.setWordWrap(True)
        layout.addWidget(self.notice_label)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = QPushButton(self.tr("Restore this value"), self)
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.setToolTip(
            self.tr(
                "Put back the value the field had before the selected change. The restore "
                "is a change of its own: it is kept in the history and sent at the next sync."
            )
        )
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_selected)
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reload()

    # --- loading ---------------------------------------------------------------------

    def reload(self) -> None:
        if self.field is None:
            operation = self.ctx.call(history.for_record, self.table, self.record_id)
        else:
            operation = self.ctx.call(history.for_field, self.table, self.record_id, self.field)
        self.ctx.run(operation, self._loaded, self)

    def _loaded(self, data: history.RecordHistory) -> None:
        self.data = data
        what = self._title or data.record_label or table_name(data.table, shown_language())
        if self.field is not None:
            what = f"{what} — {field_name(data.table, self.field, shown_language())}"
        self.title_label.setText(self.tr("History of: {0}").format(what))
        self.entries.clear()
        # Before any sign-in a change has no account name: made here, it is the person
        # named in Préférences (the visit's author), not « — ».
        local_name = author_setting(self.ctx.settings) or "—"
        for entry in data.entries:
            row = QTreeWidgetItem(
                [
                    moment_text(entry.changed_at),
                    entry.user_name or (local_name if entry.this_device else "—"),
                    self.tr("this computer")
                    if entry.this_device
                    else self.tr("device {0}").format(entry.device_id[:8]),
                    field_name(data.table, entry.field, shown_language()),
                    _cell(self.describe(entry.field, entry.old)),
                    _cell(self.describe(entry.field, entry.new)),
                    self.origin_text(entry.origin),
                ]
            )
            row.setData(0, ENTRY_ROLE, entry)
            row.setToolTip(4, self.describe(entry.field, entry.old))
            row.setToolTip(5, self.describe(entry.field, entry.new))
            if entry.user_name is None and entry.this_device:
                row.setToolTip(1, self.tr("Made on this computer before any sign-in to a server"))
            self.entries.addTopLevelItem(row)
        empty = not data.entries
        self.empty_label.setVisible(empty)
        self.entries.setVisible(not empty)
        newest = self.entries.topLevelItem(0)
        if newest is not None:
            self.entries.setCurrentItem(newest)
        else:
            self._show_current(None, None)

    # --- showing ---------------------------------------------------------------------

    def origin_text(self, origin: str) -> str:
        return {
            "edit": self.tr("Edit"),
            "pulled": self.tr("Received from the server"),
            "merge": self.tr("Merged at sync"),
            "restore": self.tr("Restore"),
            "import": self.tr("Archive import"),
        }.get(origin, origin)

    def describe(self, name: str, value: Any) -> str:
        """A stored value as a person reads it: labels for codes, French dates."""
        data = self.data
        kind = data.kinds.get(name, "str") if data is not None else "str"
        labels = data.value_labels.get(name, {}) if data is not None else {}
        if name == "deleted_at":
            if value is None:
                return self.tr("(not deleted)")
            return self.tr("Deleted on {0}").format(stored_text(str(value)))
        if value is None or value == "" or value == []:
            return self.tr("(empty)")
        if isinstance(value, bool):
            return self.tr("Yes") if value else self.tr("No")
        if isinstance(value, list):  # choices, dispositifs, funding lines
            return (" ; " if any(isinstance(v, dict) for v in value) else ", ").join(
                (readable_object(v) or json.dumps(v, ensure_ascii=False))
                if isinstance(v, dict)
                else labels.get(str(v), str(v))
                for v in value
            )
        if str(value) in labels:
            return labels[str(value)]
        if isinstance(value, dict):
            return readable_object(value) or json.dumps(value, ensure_ascii=False)
        if isinstance(value, float):
            return format(value, ".12g").replace(".", ",")
        if isinstance(value, str) and kind in ("date", "datetime"):
            return stored_text(value)
        return str(value)

    def current_entry(self) -> history.HistoryItem | None:
        item = self.entries.currentItem()
        return item.data(0, ENTRY_ROLE) if item is not None else None

    def _show_current(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        entry = current.data(0, ENTRY_ROLE) if current is not None else None
        data = self.data
        if entry is None or data is None:
            self.preview.setPlainText("")
            self.restore_button.setEnabled(False)
            return
        self.preview.setPlainText(self.describe(entry.field, entry.old))
        allowed = data.can_restore(entry)
        self.restore_button.setEnabled(allowed)
        if allowed:
            self.status_label.setText("")
        elif not entry.restorable:
            self.status_label.setText(self.tr("This change cannot be undone from the history."))
        elif not data.exists or data.current.get("deleted_at") is not None:
            self.status_label.setText(self.tr("This record was deleted."))
        else:
            self.status_label.setText(self.tr("The field already has this value."))

    # --- restoring -------------------------------------------------------------------

    def restore_selected(self) -> None:
        entry = self.current_entry()
        if entry is None or self.data is None or not self.data.can_restore(entry):
            return
        self.restore_button.setEnabled(False)
        self.notice_label.clear()
        self.ctx.run(
            self.ctx.call(history.restore, entry.id),
            self._restored,
            self,
            self._restore_failed,
        )

    def _restored(self, _entry: history.HistoryItem) -> None:
        self.notice_label.setText(
            self.tr("Value restored. It will be sent at the next synchronisation.")
        )
        self.reload()
        self.restored.emit(self.table, self.record_id)

    def _restore_failed(self, err: BaseException) -> None:
        self.restore_button.setEnabled(True)
        show_error(self, err)


def _cell(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    if len(first) > CELL_TEXT or first != text:
        return first[: CELL_TEXT - 1].rstrip() + "…"
    return first


def open_history(
    ctx: UiContext,
    parent: QWidget,
    table: str,
    record_id: str,
    field: str | None = None,
    title: str = "",
) -> HistoryDialog:
    """Show the history dialog (window-modal); it is deleted when closed."""
    dialog = HistoryDialog(ctx, table, record_id, field, title, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
