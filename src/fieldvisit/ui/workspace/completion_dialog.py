"""« Terminer la visite » and « Émettre le rapport », confirmed in dialogs that never
block (`open()`): the keyboard reaches every button, the default one is the action.

`CompleteVisitDialog` says what is still empty (screens/completion.py): the required
items unanswered block, as the service does; the synthèse, the interviews without notes
and the optional items are listed without blocking. `IssueReportDialog` says which
version is issued and that the visit becomes read-only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.screens.completion import CompletionCheck

# Optional items listed by name; beyond, a count.
_LISTED = 40


class CompleteVisitDialog(QDialog):
    """What is still empty, and « Terminer la visite » (blocked by required items)."""

    confirmed = Signal()
    go_to_first = Signal()

    def __init__(self, check: CompletionCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("completeVisitDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Complete the visit"))
        self.setMinimumWidth(720)
        self.check = check
        layout = QVBoxLayout(self)
        self.message = QLabel(self)
        self.message.setObjectName("completionMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.items = QListWidget(self)
        self.items.setObjectName("completionItems")
        self.items.setWordWrap(True)  # long « Form › Section › Item » labels, whole
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.items, 1)
        self.buttons = QDialogButtonBox(self)
        self.go_button: QPushButton | None = None
        self.complete_button: QPushButton | None = None
        if check.blocked:
            self.message.setText(
                self.tr(
                    "The visit cannot be completed yet: {0} required item(s) without an answer."
                ).format(len(check.missing_required))
            )
            self.items.setAccessibleName(self.tr("Required items without an answer"))
            self.items.addItems(list(check.missing_required))
            self.go_button = self.buttons.addButton(
                self.tr("Go to the first missing item"), QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
            self.go_button.setDefault(True)
            self.buttons.accepted.connect(self._go)
        else:
            self.items.setAccessibleName(self.tr("What is still empty"))
            empty = self._empty_lines(check)
            if empty:
                self.message.setText(
                    self.tr(
                        "Still empty (nothing requires it): you may complete the visit now "
                        "or fill them in first."
                    )
                )
                self.items.addItems(empty)
            else:
                self.message.setText(self.tr("Everything is filled in."))
                self.items.hide()
            self.complete_button = self.buttons.addButton(
                self.tr("Complete the visit"), QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.complete_button.setObjectName("confirmComplete")
            self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            self.complete_button.setDefault(True)
            self.buttons.accepted.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        default = self.go_button or self.complete_button
        if default is not None:
            default.setFocus()

    def _empty_lines(self, check: CompletionCheck) -> list[str]:
        lines = []
        if check.summary_empty:
            lines.append(self.tr("The synthesis of the visit (Informations) is empty"))
        for title in check.interviews_without_notes:
            lines.append(self.tr("Interview « {0} »: no notes").format(title))
        optional = check.empty_optional
        if optional:
            lines.append(self.tr("{0} optional item(s) without an answer:").format(len(optional)))
            lines.extend(f"    {label}" for label in optional[:_LISTED])
            if len(optional) > _LISTED:
                lines.append(self.tr("    … and {0} more").format(len(optional) - _LISTED))
        return lines

    def _confirm(self) -> None:
        self.accept()
        self.confirmed.emit()

    def _go(self) -> None:
        self.accept()
        self.go_to_first.emit()


class IssueReportDialog(QDialog):
    """« Émettre le rapport » (version N): what it does, confirmed with the keyboard."""

    confirmed = Signal()

    def __init__(self, version: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("issueReportDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Issue the report"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        message = QLabel(
            self.tr(
                "The internal report will be generated and kept as issued document, "
                "version {0}, exactly as it is now. The visit then becomes read-only "
                "(« report issued »); to change it later, reopen it: the next report "
                "issued will be version {1}."
            ).format(version, version + 1),
            self,
        )
        message.setObjectName("issueMessage")
        message.setWordWrap(True)
        layout.addWidget(message)
        self.buttons = QDialogButtonBox(self)
        self.issue_button = self.buttons.addButton(
            self.tr("Issue version {0}").format(version), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.issue_button.setObjectName("confirmIssue")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.issue_button.setDefault(True)
        self.buttons.accepted.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.issue_button.setFocus()

    def _confirm(self) -> None:
        self.accept()
        self.confirmed.emit()
