"""The Checklist section: the visit's pinned checklist form, autosaved item by item."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fieldvisit.screens.visit_form import VisitFormData, load_photo_counts, load_visit_form
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import show_error
from fieldvisit.ui.forms.form_view import FormView
from fieldvisit.ui.workspace.pages import KEEP_EDITABLE
from fieldvisit.ui.workspace.visit_form_page import VisitFormPage


class ChecklistPage(VisitFormPage):
    #: the person asked to attach a photo to an item: (form id, item id)
    photo_requested = Signal(str, str)
    # visits: an empty date item's calendar opens on the visit's date
    # visit_participants: shown by an item bound to them (forms/bindings.py)
    shows = frozenset({"answers", "attachments", "visits", "visit_participants"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("checklistPage")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.setContentsMargins(8, 8, 8, 0)
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("checklistProgress")
        header.addWidget(self.progress_label)
        self.missing_label = QLabel(self)
        self.missing_label.setObjectName("checklistMissing")
        header.addWidget(self.missing_label, 1)
        self.next_button = QPushButton(self.tr("Next missing required item"), self)
        self.next_button.setToolTip(self.tr("Go to the next required item that has no answer yet."))
        self.next_button.clicked.connect(self.next_unanswered_required)
        self.next_button.setProperty(KEEP_EDITABLE, True)  # a way through, not an edit
        header.addWidget(self.next_button)
        layout.addLayout(header)

        self.form_view = FormView(ctx, self)
        self.form_view.answer_changed.connect(self._on_answer_changed)
        self.form_view.comment_changed.connect(self._on_comment_changed)
        self.form_view.bound_changed.connect(self._on_bound_changed)
        self.form_view.editing_finished.connect(self._on_editing_finished)
        self.form_view.photo_requested.connect(self.photo_requested)
        self.form_view.history_requested.connect(self.show_item_history)
        self.form_view.progress_changed.connect(self._show_progress)
        layout.addWidget(self.form_view, 1)
        self._show_progress(0, 0)

    def section_title(self) -> str:
        return self.tr("Checklist")

    # --- loading ----------------------------------------------------------------------

    def load_visit(self, visit_id: str) -> None:
        self.flush()  # pending saves of the previous visit go first (one ordered worker)
        super().load_visit(visit_id)
        self.ctx.run(
            self.ctx.call(load_visit_form, visit_id, "checklist"),
            self._on_loaded,
            self,
            self._on_load_failed,
        )

    def _on_loaded(self, data: VisitFormData) -> None:
        if data.visit_id != self.visit_id:
            return  # another visit was opened meanwhile
        same_visit = self._shown_visit == data.visit_id
        self._shown_visit = data.visit_id
        self.form_id = data.form.id
        self.form_view.set_form(
            data.form,
            data.answers,
            data.comments,
            data.photo_counts,
            keep_focused=same_visit,
            visit_date=data.visit_date,
            bound=data.bound,
        )

    def _on_load_failed(self, err: BaseException) -> None:
        self.form_id = None
        self._shown_visit = None
        self.form_view.set_form(None)
        self.progress_label.setText(self.tr("The checklist of this visit cannot be shown."))
        self.missing_label.clear()
        show_error(self, err)

    def refresh_photo_counts(self) -> None:
        """Re-read how many photos are linked to each item (after a photo import)."""
        if self.visit_id is None or self.form_id is None:
            return
        self.ctx.run(
            self.ctx.call(load_photo_counts, self.visit_id, self.form_id),
            self._on_photo_counts,
            self,
        )

    def _on_photo_counts(self, counts: dict[str, int]) -> None:
        self.form_view.set_photo_counts(counts)

    # --- progress and navigation ------------------------------------------------------

    def _show_progress(self, answered: int, visible: int) -> None:
        if self.form_view.form is None:
            self.progress_label.clear()
            self.missing_label.clear()
            self.next_button.setEnabled(False)
            return
        self.progress_label.setText(self.tr("{0}/{1} items answered").format(answered, visible))
        missing = len(self.form_view.missing_required())
        if missing:
            self.missing_label.setText(self.tr("Required items still missing: {0}").format(missing))
        else:
            self.missing_label.setText(self.tr("All required items are answered."))
        self.next_button.setEnabled(missing > 0)

    def next_unanswered_required(self) -> bool:
        """Focus the next required item without an answer; False if there is none."""
        return self.form_view.focus_next_unanswered_required()
