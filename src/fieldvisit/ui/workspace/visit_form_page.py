"""What the Checklist and Diagnostic pages share: autosaving a visit-level form's answers."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from fieldvisit.forms.bindings import VISIT_DATE, VISIT_SUMMARY
from fieldvisit.services import answers as answer_service
from fieldvisit.services import visits as visit_service
from fieldvisit.store.changes import Changes
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.workspace.autosave import Debouncer
from fieldvisit.ui.workspace.pages import WorkspacePage

if TYPE_CHECKING:
    from fieldvisit.forms import FormDefinition
    from fieldvisit.ui.dialogs.history_dialog import HistoryDialog


class VisitFormPage(WorkspacePage):
    """A workspace page showing one of the visit's own forms (`form_id`) in a FormView.

    Answers and comments are saved through a Debouncer keyed (kind, visit, item); what a
    save changed reaches the header and the list through the change signal
    (ui/base/changes.py). A change made elsewhere reloads the page; one that only linked or
    unlinked photos recounts them (the widgets stay as they are).
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.form_id: str | None = None
        self._shown_visit: str | None = None
        self._debouncer = Debouncer(ctx, self)

    def _on_answer_changed(self, item_id: str, value: object) -> None:
        if self.visit_id is None or self.form_id is None:
            return
        save = self.ctx.call(
            answer_service.answer_item, self.visit_id, self.form_id, item_id, value
        )
        self._debouncer.schedule(("value", self.visit_id, item_id), save)

    def _on_bound_changed(self, field: str, value: object) -> None:
        """A bound item edited: its visit's field is saved, as Informations saves it
        (so it is in the visit's history and synced as that field)."""
        if self.visit_id is None:
            return
        changes: dict[str, object] = {}
        if field == VISIT_DATE and isinstance(value, str):
            changes["visit_date"] = date.fromisoformat(value)
        elif field == VISIT_SUMMARY and isinstance(value, str):
            changes["summary"] = value
        if not changes:
            return  # a visit always has a date: clearing it changes nothing
        save = self.ctx.call(visit_service.update_visit, self.visit_id, **changes)
        self._debouncer.schedule(("bound", self.visit_id, field), save)

    def _on_comment_changed(self, item_id: str, text: str) -> None:
        if self.visit_id is None or self.form_id is None:
            return
        save = self.ctx.call(
            answer_service.answer_item, self.visit_id, self.form_id, item_id, comment=text
        )
        self._debouncer.schedule(("comment", self.visit_id, item_id), save)

    def _on_editing_finished(self, _item_id: str) -> None:
        self.flush()

    def flush(self) -> None:
        self._debouncer.flush()

    def refresh(self, changes: Changes) -> None:
        if changes.only({"attachments"}):
            self.refresh_photo_counts()
        else:
            super().refresh(changes)

    def refresh_photo_counts(self) -> None:
        """Re-read how many photos are linked to each item."""

    def form_view_form(self) -> FormDefinition | None:
        """The form the page shows (its FormView's)."""
        view = getattr(self, "form_view", None)
        return view.form if view is not None else None

    def show_item_history(self, item_id: str) -> HistoryDialog | None:
        """The history of an item's answer (value and comment), with restore."""
        if self.visit_id is None or self.form_id is None:
            return None
        from fieldvisit.services.history import answer_record_id
        from fieldvisit.ui.dialogs.history_dialog import open_history

        self.flush()  # what was just typed is in the history too
        form = self.form_view_form()
        if form is not None and item_id in form.bound_items():
            dialog = open_history(self.ctx, self, "visits", self.visit_id)  # the field's
        else:
            record_id = answer_record_id(self.visit_id, self.form_id, item_id)
            dialog = open_history(self.ctx, self, "answers", record_id)
        dialog.restored.connect(self._on_history_restored)
        return dialog

    def _on_history_restored(self, _table: str, _record_id: str) -> None:
        if self.visit_id is not None:
            self.load_visit(self.visit_id)
