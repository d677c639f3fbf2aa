"""« Visite de suivi »: the date, the author and the participants of the follow-up,
asked before it is made (carried from the previous visit, to be corrected).

Opened with `open()`; the visit made comes back by `visit_created`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.dates import day_text
from fieldvisit.services import visits
from fieldvisit.services.context import Services
from fieldvisit.store.models import Visit
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import describe
from fieldvisit.ui.dialogs.contact_dialog import ContactChecklist
from fieldvisit.ui.dialogs.preferences import AUTHOR_KEY, author_setting
from fieldvisit.ui.widgets.date_edit import FrenchDateEdit, python_date

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreviousVisit:
    visit: Visit
    participant_ids: list[str]


def read_previous(svc: Services, visit_id: str) -> PreviousVisit:
    """The visit followed up and its participants (run on the worker)."""
    return PreviousVisit(visits.get_visit(svc, visit_id), visits.participant_ids(svc, visit_id))


class FollowUpDialog(QDialog):
    #: the id of the follow-up visit just planned
    visit_created = Signal(str)

    def __init__(self, ctx: UiContext, previous_visit_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.previous_visit_id = previous_visit_id
        self.setObjectName("followUpDialog")
        self.setWindowTitle(self.tr("Follow-up visit"))
        self._creating = False
        self.checklist: ContactChecklist | None = None

        self.previous_label = QLabel(self)
        self.previous_label.setWordWrap(True)
        self.date_edit = FrenchDateEdit(self, QDate.currentDate())
        self.date_edit.setAccessibleName(self.tr("Date of the visit"))
        self.author_edit = QLineEdit(author_setting(ctx.settings), self)
        self.author_edit.setAccessibleName(self.tr("Author"))
        self.author_edit.setPlaceholderText(self.tr("Your name (shown in the report)"))
        self.form = QFormLayout()
        self.form.addRow(self.previous_label)
        self.form.addRow(self.tr("&Date:"), self.date_edit)
        self.form.addRow(self.tr("&Author:"), self.author_edit)
        self.participants_label = QLabel(self.tr("&Participants:"), self)

        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #e53935;")
        self.problem_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Create the follow-up visit"))
        self.ok_button.setEnabled(False)  # until the previous visit is read
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        self.main_layout = layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.participants_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.date_edit.setFocus()
        ctx.run(
            ctx.call(read_previous, previous_visit_id),
            on_success=self._show_previous,
            on_failure=self._failed,
            parent=self,
        )

    def _show_previous(self, previous: PreviousVisit) -> None:
        visit = previous.visit
        self.previous_label.setText(
            self.tr(
                "Follow-up of the visit of {0} on {1}; its open recommendations are carried over."
            ).format(visit.commune_name, day_text(visit.visit_date))
        )
        if visit.author:
            self.author_edit.setText(visit.author)
        self.checklist = ContactChecklist(
            self.ctx, self, visit.commune_code, checked_ids=previous.participant_ids
        )
        self.checklist.list.setAccessibleName(self.tr("Participants"))
        self.participants_label.setBuddy(self.checklist.list)
        self.main_layout.insertWidget(
            self.main_layout.indexOf(self.participants_label) + 1, self.checklist, 1
        )
        self.setTabOrder(self.author_edit, self.checklist.filter_edit)
        self.setTabOrder(self.checklist.filter_edit, self.checklist.list)
        self.setTabOrder(self.checklist.list, self.checklist.new_button)
        self.setTabOrder(self.checklist.new_button, self.buttons)
        self.ok_button.setEnabled(True)
        self.ok_button.setDefault(True)

    def accept(self) -> None:
        if self._creating or self.checklist is None:
            return
        author = self.author_edit.text().strip()
        if author:
            self.ctx.settings.setValue(AUTHOR_KEY, author)
        self._creating = True
        self.ok_button.setEnabled(False)
        self.ctx.run(
            self.ctx.call(
                visits.plan_follow_up,
                self.previous_visit_id,
                python_date(self.date_edit.date()),
                author,
                self.checklist.checked_ids(),
            ),
            on_success=self._created,
            on_failure=self._failed,
            parent=self,
        )

    def _created(self, visit: Visit) -> None:
        self._creating = False
        self.visit_created.emit(visit.id)
        super().accept()

    def _failed(self, err: BaseException) -> None:
        self._creating = False
        self.ok_button.setEnabled(self.checklist is not None)
        log.warning("follow-up not created: %s", err, exc_info=err)
        self.problem_label.setText(describe(err)[1])
        self.problem_label.show()
