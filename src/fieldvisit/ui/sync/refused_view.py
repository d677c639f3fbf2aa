"""Refused changes: what the server refused for good, why, and a way out.

A change refused for good (an invalid value, a territory the account may not write, a
text too long to travel) is not sent again as it is (sync/refusals.py). This view lists
them with the server's reason and offers the ways out: « Corriger » opens the record
(any edit sends it again), « Garder une copie… » writes every field to a text file,
« Renvoyer tel quel » (e.g. once an administrator granted the territory), « Abandonner… »
(back to the server's version; a record the server never had leaves this computer).
Below, the records received from the server that this computer set aside (they cannot
be applied here), with why: nothing to do but tell an administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.dates import day_text, moment_text
from fieldvisit.services.context import Services
from fieldvisit.services.describe import field_name, table_name
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.i18n import shown_language
from fieldvisit.ui.base.icons import icon

if TYPE_CHECKING:
    from fieldvisit.sync.refusals import RefusedChange
    from fieldvisit.sync.vetting import SetAsideEntry

translate = QCoreApplication.translate
PREVIEW_CHARS = 4000


@dataclass(frozen=True)
class RefusedView:
    refused: list[RefusedChange]
    set_aside: list[SetAsideEntry]


def load_refused_view(svc: Services) -> RefusedView:
    """Runs on the worker: one read of both lists."""
    from fieldvisit.sync.refusals import refused_changes
    from fieldvisit.sync.vetting import set_aside_entries

    refused = refused_changes(svc)
    with svc.store.reading() as session:
        aside = set_aside_entries(session)
    return RefusedView(refused, aside)


class RefusedDialog(QDialog):
    #: the person wants to fix a record: (visit id, workspace section)
    record_requested = Signal(str, str)
    #: a change was discarded or sent again: the visit it belongs to ("" if none)
    changed = Signal(str)
    #: the lists were (re)loaded: (refused changes, set-aside records)
    loaded = Signal(int, int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("refusedDialog")
        self.setWindowTitle(self.tr("Refused changes"))
        self.setWindowIcon(icon("sync-conflict"))
        self.refused: list[RefusedChange] = []
        self.set_aside: list[SetAsideEntry] = []
        self._working = False
        # Asked of the person; tests answer instead (the real dialogs are modal).
        self.choose_copy_path: Callable[[str], str] = self._ask_copy_path
        self.confirm: Callable[[str, str], bool] = self._ask_confirmation

        intro = QLabel(
            self.tr(
                "The server refused these changes for good: they are not sent again as "
                "they are. Fix the record (any change sends it again), keep a copy, send "
                "it again as it is, or give it up."
            ),
            self,
        )
        intro.setWordWrap(True)

        self.list = QListWidget(self)
        self.list.setObjectName("refusedList")
        self.list.setAccessibleName(self.tr("Refused changes"))
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._show_current)
        self.empty_label = QLabel(self.tr("No refused change: everything can be sent."), self)
        self.empty_label.setObjectName("noRefusedLabel")
        self.empty_label.setWordWrap(True)

        detail = QWidget(self)
        self.reason_label = QLabel(detail)
        self.reason_label.setObjectName("refusedReasonLabel")
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.values_view = QPlainTextEdit(detail)
        self.values_view.setObjectName("refusedValues")
        self.values_view.setReadOnly(True)
        self.values_view.setAccessibleName(self.tr("The refused values"))
        self.fix_button = QPushButton(icon("open"), self.tr("&Fix…"), detail)
        self.fix_button.setObjectName("fixRefusedButton")
        self.fix_button.setToolTip(self.tr("Open the record: any change sends it again"))
        self.fix_button.clicked.connect(self.fix)
        self.copy_button = QPushButton(self.tr("Keep a &copy…"), detail)
        self.copy_button.setObjectName("copyRefusedButton")
        self.copy_button.clicked.connect(self.keep_copy)
        self.retry_button = QPushButton(self.tr("Send &again as it is"), detail)
        self.retry_button.setObjectName("retryRefusedButton")
        self.retry_button.clicked.connect(self.retry)
        self.discard_button = QPushButton(icon("delete"), self.tr("&Give it up…"), detail)
        self.discard_button.setObjectName("discardRefusedButton")
        self.discard_button.clicked.connect(self.discard)
        actions = QHBoxLayout()
        for button in (self.fix_button, self.copy_button, self.retry_button, self.discard_button):
            actions.addWidget(button)
        actions.addStretch(1)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.reason_label)
        detail_layout.addWidget(self.values_view, 1)
        detail_layout.addLayout(actions)
        self.detail = detail

        splitter = QSplitter(self)
        splitter.addWidget(self.list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([320, 580])

        self.aside_box = QGroupBox(self.tr("Received from the server, set aside here"), self)
        self.aside_list = QListWidget(self.aside_box)
        self.aside_list.setObjectName("setAsideList")
        self.aside_list.setAccessibleName(self.tr("Records set aside"))
        self.aside_list.setWordWrap(True)
        aside_note = QLabel(
            self.tr(
                "This computer cannot apply these records (a value it does not know, a "
                "missing visit…); everything else was applied. They are tried again at "
                "each sync. Tell your administrator if they stay."
            ),
            self.aside_box,
        )
        aside_note.setWordWrap(True)
        aside_layout = QVBoxLayout(self.aside_box)
        aside_layout.addWidget(aside_note)
        aside_layout.addWidget(self.aside_list)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("refusedErrorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()
        self.done_label = QLabel(self)
        self.done_label.setObjectName("refusedDoneLabel")
        self.done_label.setWordWrap(True)
        self.done_label.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.empty_label)
        layout.addWidget(splitter, 3)
        layout.addWidget(self.aside_box, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.done_label)
        layout.addWidget(buttons)
        self.resize(900, 600)
        self.reload()

    # --- loading -----------------------------------------------------------------------

    def reload(self) -> None:
        self.ctx.run(self.ctx.call(load_refused_view), self._loaded, self, on_failure=self._failed)

    def _loaded(self, view: RefusedView) -> None:
        if not shiboken6.isValid(self):
            return
        current = self.current_change()
        self.refused, self.set_aside = view.refused, view.set_aside
        self.list.blockSignals(True)
        self.list.clear()
        for change in view.refused:
            item = QListWidgetItem(self.entry_title(change))
            item.setToolTip(change.reason)
            self.list.addItem(item)
        self.list.blockSignals(False)
        keys = [c.key for c in view.refused]
        row = keys.index(current.key) if current is not None and current.key in keys else 0
        self.empty_label.setVisible(not view.refused)
        self.detail.setEnabled(bool(view.refused))
        if view.refused:
            self.list.setCurrentRow(row)
            self._show_current(row)
        else:
            self.reason_label.clear()
            self.values_view.clear()
        self.aside_list.clear()
        for entry in view.set_aside:
            self.aside_list.addItem(self.aside_title(entry))
        self.aside_box.setVisible(bool(view.set_aside))
        self.setWindowTitle(self.tr("Refused changes (%n)", "", len(view.refused)))
        self.loaded.emit(len(view.refused), len(view.set_aside))

    def _failed(self, err: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._working = False
        self._set_buttons_enabled(True)
        self.error_label.setText(str(err))
        self.error_label.show()

    def entry_title(self, change: RefusedChange) -> str:
        parts = []
        if change.visit_id:
            when = day_text(change.visit_date) if change.visit_date else ""
            parts.append(
                self.tr("{0} ({1}), {2}").format(change.commune_name, change.departement, when)
            )
        what = table_name(change.table, shown_language())
        if change.record_label:
            what = f"{what} « {change.record_label} »"
        parts.append(what)
        return " — ".join(parts)

    def aside_title(self, entry: SetAsideEntry) -> str:
        text = self.tr("{0} {1} (version {2}): {3}").format(
            table_name(entry.table, shown_language()), entry.record_id, entry.version, entry.reason
        )
        if entry.updated_by_user:
            text += " " + self.tr("— sent by {0}").format(entry.updated_by_user)
        return text

    # --- the change shown --------------------------------------------------------------

    def current_change(self) -> RefusedChange | None:
        row = self.list.currentRow()
        return self.refused[row] if 0 <= row < len(self.refused) else None

    def _show_current(self, row: int) -> None:
        change = self.refused[row] if 0 <= row < len(self.refused) else None
        self.error_label.hide()
        if change is None:
            return
        if change.refused_by == "local":
            who = self.tr("Kept back by this computer on {0} (the server would refuse it):")
        else:
            who = self.tr("Refused by the server on {0}:")
        self.reason_label.setText(who.format(moment_text(change.refused_at)) + "\n" + change.reason)
        self.values_view.setPlainText(self.values_text(change))
        self.fix_button.setEnabled(bool(change.visit_id and change.section) and not change.deleted)
        self.discard_button.setToolTip(
            self.tr(
                "This record never reached the server: it is removed from this computer, "
                "with %n record(s) that depend on it.",
                "",
                change.dependents,
            )
            if change.never_sent
            else self.tr("Back to the server's version of the record")
        )

    def values_text(self, change: RefusedChange) -> str:
        if change.deleted:
            return self.tr("(deletion of the record)")
        lines = []
        for name, value in change.fields.items():
            if name == "created_at" or value in (None, ""):
                continue
            shown = value if isinstance(value, str) else str(value)
            if len(shown) > PREVIEW_CHARS:
                shown = (
                    shown[:PREVIEW_CHARS]
                    + " "
                    + self.tr(
                        "… (%n character(s) in all: keep a copy to have everything)", "", len(value)
                    )
                )
            lines.append(f"{field_name(change.table, name, shown_language())} : {shown}")
        return "\n".join(lines)

    # --- the ways out ------------------------------------------------------------------

    def fix(self) -> None:
        change = self.current_change()
        if change is None or not change.visit_id:
            return
        self.record_requested.emit(change.visit_id, change.section)

    def keep_copy(self) -> None:
        from fieldvisit.sync.refusals import export_copy

        change = self.current_change()
        if change is None or self._working:
            return
        suggested = str(Path.home() / f"modification-refusee-{change.record_id[:8]}.txt")
        path = self.choose_copy_path(suggested)
        if not path:
            return
        self._run(
            change,
            self.ctx.call(export_copy, change.table, change.record_id, Path(path)),
            self.tr("Copy written: {0}"),
        )

    def retry(self) -> None:
        from fieldvisit.sync.refusals import retry

        change = self.current_change()
        if change is None or self._working:
            return
        self._run(
            change,
            self.ctx.call(retry, change.table, change.record_id),
            self.tr("It will be sent again at the next sync."),
            reload=True,
        )

    def discard(self) -> None:
        from fieldvisit.sync.refusals import discard

        change = self.current_change()
        if change is None or self._working:
            return
        if change.never_sent:
            question = self.tr(
                "The server never had this record: giving the change up removes it from "
                "this computer, with %n record(s) that depend on it. Keep a copy first if "
                "you may need what it says.",
                "",
                change.dependents,
            )
        else:
            question = self.tr(
                "The record goes back to the server's version; your change is lost. Keep "
                "a copy first if you may need it."
            )
        if not self.confirm(self.tr("Give the change up?"), question):
            return
        self._run(
            change,
            self.ctx.call(discard, change.table, change.record_id),
            self.tr("Change given up."),
            reload=True,
        )

    def _run(self, change: RefusedChange, operation: Any, done: str, reload: bool = False) -> None:
        self._working = True
        self._set_buttons_enabled(False)

        def finished(result: object) -> None:
            if not shiboken6.isValid(self):
                return
            self._working = False
            self._set_buttons_enabled(True)
            self.done_label.setText(done.format(result))
            self.done_label.show()
            if reload:
                self.changed.emit(change.visit_id or "")
                self.reload()

        self.ctx.run(operation, finished, self, on_failure=self._failed)

    def _set_buttons_enabled(self, enabled: bool) -> None:
        for button in (self.copy_button, self.retry_button, self.discard_button):
            button.setEnabled(enabled)

    # --- asking ------------------------------------------------------------------------

    def _ask_copy_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Keep a copy of the refused change"), suggested,
            self.tr("Text (*.txt)"),
        )  # fmt: skip
        return path

    def _ask_confirmation(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes
