"""The conflict view: what two people changed differently, side by side, and a choice.

A conflict is a field that was changed here and on the server since the last sync
(or a record edited on one side and deleted on the other: the deletion was undone
whole, and the view says who deleted what and why it came back), or a field an archive
import could not merge. The record already shows the server's value (for an import,
this laptop's); the other one was kept in the conflict. The person keeps « Votre
version », « Version du serveur » (« Version de l'archive »), or types a merged text;
the choice is an ordinary local change (`sync/conflicts.resolve_conflict`), sent at the
next sync. A conflict that changed since it was shown (a newer version arrived) refuses
the choice, says so, and is shown again.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.dates import day_text, moment_text, stored_text
from fieldvisit.core.readable import readable_object
from fieldvisit.services.describe import field_name, table_name
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.i18n import shown_language
from fieldvisit.ui.base.icons import icon
from fieldvisit.ui.widgets.text_limit import LimitedPlainTextEdit

if TYPE_CHECKING:
    from fieldvisit.sync.conflicts import ConflictEntry

translate = QCoreApplication.translate
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


def format_value(entry: ConflictEntry, value: Any) -> str:
    """A stored value as a person reads it (labels for codes, French dates)."""
    if entry.conflict_kind == "delete":
        if value:
            return translate("SyncConflicts", "Deleted")
        return translate("SyncConflicts", "Kept (and changed)")
    if value is None or value == "" or value == []:
        return translate("SyncConflicts", "(empty)")
    if isinstance(value, bool):
        return translate("SyncConflicts", "Yes") if value else translate("SyncConflicts", "No")
    if isinstance(value, list):
        return "\n".join(format_value(entry, item) for item in value)
    if str(value) in entry.value_labels:
        return entry.value_labels[str(value)]
    if isinstance(value, dict):
        return readable_object(value) or json.dumps(value, ensure_ascii=False, indent=1)
    if isinstance(value, str) and entry.field_kind.startswith(("date", "datetime")):
        return stored_text(value)
    return str(value)


class ConflictsDialog(QDialog):
    #: a conflict was resolved; the visit it belongs to ("" if none)
    conflict_resolved = Signal(str)
    #: the list was (re)loaded: how many conflicts are open
    conflicts_loaded = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("conflictsDialog")
        self.setWindowTitle(self.tr("Sync conflicts"))
        self.setWindowIcon(icon("sync-conflict"))
        self.entries: list[ConflictEntry] = []
        self._working = False
        # A refusal's message, shown again once the list has reloaded.
        self._refusal = ""

        intro = QLabel(
            self.tr(
                "You and someone else changed the same thing before syncing. The server's "
                "version is shown in the app for now; choose what to keep. Your choice is "
                "sent at the next sync."
            ),
            self,
        )
        intro.setWordWrap(True)

        self.list = QListWidget(self)
        self.list.setObjectName("conflictList")
        self.list.setAccessibleName(self.tr("Conflicts to review"))
        self.list.currentRowChanged.connect(self._show_current)

        self.pages = QStackedWidget(self)
        self.empty_label = QLabel(self.tr("No conflict to review: everything is in order."), self)
        self.empty_label.setObjectName("noConflictLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.pages.addWidget(self.empty_label)
        self.pages.addWidget(self._build_detail())

        splitter = QSplitter(self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([320, 640])
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("conflictErrorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(980, 580)
        self.reload()

    def _build_detail(self) -> QWidget:
        page = QWidget(self)
        self.where_label = QLabel(page)
        self.where_label.setObjectName("conflictWhereLabel")
        self.where_label.setWordWrap(True)
        self.where_label.setTextFormat(Qt.TextFormat.RichText)
        self.when_label = QLabel(page)
        self.when_label.setObjectName("conflictWhenLabel")
        self.when_label.setWordWrap(True)
        # What happened, from the sync layer (French): who deleted what and why it came
        # back, or which archive the other value comes from.
        self.explanation_label = QLabel(page)
        self.explanation_label.setObjectName("conflictExplanationLabel")
        self.explanation_label.setWordWrap(True)

        self.local_view, self.keep_local_button, self.local_box = self._side(
            page, self.tr("Your version"), self.tr("Keep &my version"), "local"
        )
        self.remote_view, self.keep_remote_button, self.remote_box = self._side(
            page, self.tr("Server version"), self.tr("Keep the &server version"), "remote"
        )
        sides = QHBoxLayout()
        sides.addWidget(self.local_box)
        sides.addWidget(self.remote_box)

        self.merged_box = QGroupBox(self.tr("Or write the text to keep"), page)
        self.merged_edit = LimitedPlainTextEdit(self.merged_box)
        self.merged_edit.setObjectName("mergedEdit")
        self.merged_edit.setAccessibleName(self.tr("Text to keep"))
        self.keep_merged_button = QPushButton(self.tr("Keep &this text"), self.merged_box)
        self.keep_merged_button.setObjectName("keepMergedButton")
        self.keep_merged_button.clicked.connect(self.keep_merged)
        merged_layout = QVBoxLayout(self.merged_box)
        merged_layout.addWidget(self.merged_edit)
        merged_layout.addWidget(self.keep_merged_button, 0, Qt.AlignmentFlag.AlignRight)

        layout = QVBoxLayout(page)
        layout.addWidget(self.where_label)
        layout.addWidget(self.when_label)
        layout.addWidget(self.explanation_label)
        layout.addLayout(sides, 2)
        layout.addWidget(self.merged_box, 1)
        return page

    def _side(
        self, parent: QWidget, title: str, button_text: str, choice: str
    ) -> tuple[QPlainTextEdit, QPushButton, QGroupBox]:
        box = QGroupBox(title, parent)
        view = QPlainTextEdit(box)
        view.setObjectName(f"{choice}Value")
        view.setReadOnly(True)
        view.setAccessibleName(title)
        button = QPushButton(button_text, box)
        button.setObjectName(f"keep{choice.capitalize()}Button")
        button.clicked.connect(lambda: self.keep(choice))
        layout = QVBoxLayout(box)
        layout.addWidget(view)
        layout.addWidget(button)
        return view, button, box

    # --- loading -----------------------------------------------------------------------

    def reload(self) -> None:
        from fieldvisit.sync.conflicts import conflict_entries

        self.ctx.run(self.ctx.call(conflict_entries), self._loaded, self, on_failure=self._failed)

    def _loaded(self, entries: list[ConflictEntry]) -> None:
        if not shiboken6.isValid(self):
            return  # closed while the worker read them
        current = self.current_entry()
        self.entries = entries
        self.list.blockSignals(True)
        self.list.clear()
        for entry in entries:
            item = QListWidgetItem(self._entry_title(entry))
            item.setData(ENTRY_ROLE, entry.id)
            item.setToolTip(self._entry_title(entry))
            self.list.addItem(item)
        self.list.blockSignals(False)
        row = next(
            (n for n, e in enumerate(entries) if current is not None and e.id == current.id), 0
        )
        if entries:
            self.list.setCurrentRow(row)
            self._show_current(row)
        else:
            self.pages.setCurrentIndex(0)
        if self._refusal:
            self.error_label.setText(self._refusal)
            self.error_label.show()
            self._refusal = ""
        self.setWindowTitle(self.tr("Sync conflicts (%n)", "", len(entries)))
        self.conflicts_loaded.emit(len(entries))

    def _failed(self, err: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._working = False
        self._set_buttons_enabled(True)
        self.error_label.setText(str(err))
        self.error_label.show()

    def _entry_title(self, entry: ConflictEntry) -> str:
        parts = [self._visit_text(entry)] if entry.visit_id else []
        what = table_name(entry.table, shown_language())
        if entry.record_label:
            what = f"{what} « {entry.record_label} »"
        parts.append(what)
        if entry.conflict_kind == "delete":
            parts.append(self.tr("deleted on one side"))
        else:
            parts.append(field_name(entry.table, entry.field_name, shown_language()))
        return " — ".join(parts)

    def _visit_text(self, entry: ConflictEntry) -> str:
        when = day_text(entry.visit_date) if entry.visit_date else ""
        return self.tr("{0} ({1}), {2}").format(entry.commune_name, entry.departement, when)

    # --- the conflict shown ------------------------------------------------------------

    def current_entry(self) -> ConflictEntry | None:
        row = self.list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _show_current(self, row: int) -> None:
        entry = self.entries[row] if 0 <= row < len(self.entries) else None
        if entry is None:
            self.pages.setCurrentIndex(0)
            return
        self.pages.setCurrentIndex(1)
        self.error_label.hide()
        lines = []
        if entry.visit_id:
            lines.append(self.tr("<b>Visit:</b> {0}").format(_html(self._visit_text(entry))))
        what = table_name(entry.table, shown_language())
        if entry.record_label:
            what = f"{what} « {entry.record_label} »"
        lines.append(self.tr("<b>Record:</b> {0}").format(_html(what)))
        if entry.conflict_kind == "delete":
            lines.append(self.tr("<b>Change:</b> deleted on one side, changed on the other"))
        else:
            lines.append(
                self.tr("<b>Field:</b> {0}").format(
                    _html(field_name(entry.table, entry.field_name, shown_language()))
                )
            )
        self.where_label.setText("<br>".join(lines))
        found = moment_text(entry.created_at)
        when = self.tr("Conflict found on {0}.").format(found)
        if entry.remote_updated_at is not None:
            server_time = moment_text(entry.remote_updated_at)
            when += " " + self.tr("The server version was saved on {0}.").format(server_time)
        self.when_label.setText(when)
        self.explanation_label.setText(entry.explanation)
        self.explanation_label.setVisible(bool(entry.explanation))
        self._label_sides(entry)
        self.local_view.setPlainText(format_value(entry, entry.local))
        self.remote_view.setPlainText(format_value(entry, entry.remote))
        self.merged_box.setVisible(entry.editable)
        if entry.editable:
            self.merged_edit.setPlainText(entry.local if isinstance(entry.local, str) else "")

    def _label_sides(self, entry: ConflictEntry) -> None:
        """Where each value comes from, and what keeping it means."""
        if entry.conflict_kind == "delete":
            for value, button in (
                (entry.local, self.keep_local_button),
                (entry.remote, self.keep_remote_button),
            ):
                button.setText(
                    self.tr("Con&firm the deletion") if value else self.tr("&Keep what came back")
                )
            self.local_box.setTitle(self.tr("Your version"))
            self.remote_box.setTitle(self.tr("Server version"))
            return
        self.keep_local_button.setText(self.tr("Keep &my version"))
        self.local_box.setTitle(self.tr("Your version"))
        if entry.source == "import":
            self.remote_box.setTitle(self.tr("Archive version"))
            self.keep_remote_button.setText(self.tr("Keep the &archive version"))
        else:
            self.remote_box.setTitle(self.tr("Server version"))
            self.keep_remote_button.setText(self.tr("Keep the &server version"))

    # --- choosing ----------------------------------------------------------------------

    def keep(self, choice: str, value: Any = None) -> None:
        """Resolve the conflict shown: "local", "remote" or "value" (the typed text)."""
        from fieldvisit.sync.conflicts import resolve_conflict

        entry = self.current_entry()
        if entry is None or self._working:
            return
        self._working = True
        self._set_buttons_enabled(False)
        self.ctx.run(
            self.ctx.call(resolve_conflict, entry.id, choice, value),
            lambda _result: self._resolved(entry),
            self,
            on_failure=self._refused,
        )

    def _refused(self, err: BaseException) -> None:
        """A decision refused: said, and the list reloaded (a conflict that changed
        since it was shown is shown again, with the newer version)."""
        self._failed(err)
        if shiboken6.isValid(self):
            self._refusal = str(err)
            self.reload()

    def keep_merged(self) -> None:
        self.keep("value", self.merged_edit.toPlainText())

    def _resolved(self, entry: ConflictEntry) -> None:
        if not shiboken6.isValid(self):
            return  # closed meanwhile: the choice is saved; the status bar catches up
        self._working = False
        self._set_buttons_enabled(True)
        self.conflict_resolved.emit(entry.visit_id or "")
        self.reload()

    def _set_buttons_enabled(self, enabled: bool) -> None:
        for button in (self.keep_local_button, self.keep_remote_button, self.keep_merged_button):
            button.setEnabled(enabled)


def _html(text: str) -> str:
    import html

    return html.escape(text)
