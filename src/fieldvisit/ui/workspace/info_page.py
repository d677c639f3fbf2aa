"""Informations: the visit's date, author, participants, summary, status and
signatures.

Date, author and summary are autosaved (debounced, and at once on focus-out). The
status buttons follow the visit's allowed transitions (core.domain.VISIT_TRANSITIONS).
Completing a visit with unanswered required items shows them in a dialog whose button
jumps to the first one (`jump_to_missing_requested`).

« Signatures »: one slot per signer (the author, the maire, the commandant de brigade)
with their signature drawn on screen (ui/dialogs/signature_dialog.py), their name and
when they signed; « Signer… » again replaces it. An issued visit is read-only: its
slots say to reopen it, the next issued report being a new version
(services/signatures.py).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.dates import day_text, moment_text
from fieldvisit.core.domain import VISIT_TRANSITIONS, SignerRole, VisitStatus, VisitType
from fieldvisit.core.errors import RuleViolation
from fieldvisit.screens.common import Person, VisitFacts
from fieldvisit.screens.commune_card import CommuneCardScreen, load_commune_card
from fieldvisit.screens.completion import CompletionCheck, load_completion_check
from fieldvisit.screens.info import SignatureSlot, VisitInfo, load_participants, load_visit_info
from fieldvisit.services import contacts, deletion, signatures, visits
from fieldvisit.store.limits import field_limit
from fieldvisit.store.models import Contact, Visit, natural_id
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import describe, show_error
from fieldvisit.ui.base.icons import icon
from fieldvisit.ui.dialogs.contact_dialog import ContactDialog, contact_text
from fieldvisit.ui.dialogs.signature_dialog import SignatureDialog
from fieldvisit.ui.widgets.commune_card_view import CommuneCardView
from fieldvisit.ui.widgets.date_edit import FrenchDateEdit
from fieldvisit.ui.widgets.signature_pad import SignaturePad
from fieldvisit.ui.widgets.text_limit import LimitedLineEdit, LimitedPlainTextEdit
from fieldvisit.ui.workspace.autosave import Debouncer
from fieldvisit.ui.workspace.completion_dialog import CompleteVisitDialog
from fieldvisit.ui.workspace.pages import KEEP_EDITABLE, WorkspacePage
from fieldvisit.ui.workspace.workspace_common import (
    ChoiceDialog,
    from_qdate,
    to_qdate,
)

log = logging.getLogger(__name__)


class MissingItemsDialog(QDialog):
    """Why the visit cannot be completed, and a way to the first unanswered item."""

    go_to_first = Signal()

    def __init__(self, err: RuleViolation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("missingItemsDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("The visit cannot be completed yet"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        message = QLabel(str(err.args[0]) if err.args else str(err), self)
        message.setWordWrap(True)
        layout.addWidget(message)
        layout.addWidget(QLabel(self.tr("Required items still without an answer:"), self))
        self.items = QListWidget(self)
        self.items.setAccessibleName(self.tr("Required items without an answer"))
        self.items.addItems(err.details)
        layout.addWidget(self.items)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.go_button = self.buttons.addButton(
            self.tr("Go to the first missing item"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.go_button.setDefault(True)
        self.buttons.accepted.connect(self._go)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _go(self) -> None:
        self.accept()
        self.go_to_first.emit()


class InfoPage(WorkspacePage):
    #: the person wants to see the first required item without an answer
    jump_to_missing_requested = Signal()
    #: the person clicked the link to the previous visit
    open_visit_requested = Signal(str)
    shows = frozenset({"visits", "visit_participants", "contacts", "signatures"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.visit: VisitFacts | None = None
        self._participants: tuple[Person, ...] = ()
        self._loading = False
        self.saver = Debouncer(ctx, self)

        content = QWidget(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        layout.addWidget(QLabel(f"<h2>{self.section_title()}</h2>", content))

        # Status and its actions
        status_box = QGroupBox(self.tr("Status"), content)
        status_box.setProperty(KEEP_EDITABLE, True)  # « Rouvrir » an issued visit
        status_row = QHBoxLayout(status_box)
        self.status_label = QLabel(status_box)
        self.status_label.setObjectName("statusLabel")
        self.start_button = QPushButton(self.tr("Start the visit"), status_box)
        self.complete_button = QPushButton(self.tr("Complete the visit"), status_box)
        self.reopen_button = QPushButton(self.tr("Reopen"), status_box)
        self.start_button.clicked.connect(self.start_visit)
        self.complete_button.clicked.connect(self.complete_visit)
        self.reopen_button.clicked.connect(self.reopen_visit)
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.start_button)
        status_row.addWidget(self.complete_button)
        status_row.addWidget(self.reopen_button)
        layout.addWidget(status_box)

        # The visit
        form = self._form = QFormLayout()
        self.commune_label = QLabel(content)
        self.commune_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.type_label = QLabel(content)
        self.previous_label = QLabel(content)
        self.previous_label.setObjectName("previousVisitLink")
        self.previous_label.linkActivated.connect(self._previous_clicked)
        self.forms_label = QLabel(content)
        self.forms_label.setWordWrap(True)
        self.date_edit = FrenchDateEdit(content)
        self.date_edit.setAccessibleName(self.tr("Visit date"))
        self.date_edit.setMaximumWidth(180)
        self.date_edit.dateChanged.connect(self._date_edited)
        self.date_edit.editingFinished.connect(self.saver.flush)
        author_limit = field_limit("visits", "author") or 200
        self.author_edit = LimitedLineEdit(parent=content, limit=author_limit)
        self.author_edit.setAccessibleName(self.tr("Author"))
        self.author_edit.textEdited.connect(self._author_edited)
        self.author_edit.editingFinished.connect(self.saver.flush)
        form.addRow(self.tr("Commune:"), self.commune_label)
        form.addRow(self.tr("Type:"), self.type_label)
        form.addRow(self.tr("Follow-up of:"), self.previous_label)
        form.addRow(self.tr("&Date:"), self.date_edit)
        form.addRow(self.tr("&Author:"), self.author_edit)
        form.addRow(self.tr("Forms:"), self.forms_label)
        layout.addLayout(form)

        # Participants
        people_box = QGroupBox(self.tr("Participants"), content)
        people = QVBoxLayout(people_box)
        self.participants_list = QListWidget(people_box)
        self.participants_list.setAccessibleName(self.tr("Participants"))
        self.participants_list.setMaximumHeight(140)
        self.participants_list.currentRowChanged.connect(self._participant_selected)
        self.participants_list.itemActivated.connect(lambda _item: self.edit_participant())
        self.participants_list.setToolTip(self.tr("Double-click or Enter: open the contact"))
        people.addWidget(self.participants_list)
        people_buttons = QHBoxLayout()
        self.add_participant_button = QPushButton(self.tr("Add a participant…"), people_box)
        self.new_contact_button = QPushButton(self.tr("New contact…"), people_box)
        self.edit_participant_button = QPushButton(self.tr("Edit…"), people_box)
        self.edit_participant_button.setAccessibleName(self.tr("Edit the selected participant"))
        self.remove_participant_button = QPushButton(icon("delete"), self.tr("Remove"), people_box)
        self.add_participant_button.clicked.connect(self.choose_participant)
        self.edit_participant_button.clicked.connect(self.edit_participant)
        self.new_contact_button.clicked.connect(self.new_contact)
        self.remove_participant_button.clicked.connect(self.remove_participant)
        people_buttons.addWidget(self.add_participant_button)
        people_buttons.addWidget(self.new_contact_button)
        people_buttons.addWidget(self.edit_participant_button)
        people_buttons.addWidget(self.remove_participant_button)
        people_buttons.addStretch(1)
        people.addLayout(people_buttons)
        layout.addWidget(people_box)

        # Summary
        summary_label = QLabel(self.tr("&Summary of the visit:"), content)
        self.summary_edit = LimitedPlainTextEdit(content)
        self.summary_edit.setAccessibleName(self.tr("Summary of the visit"))
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.setPlaceholderText(
            self.tr("What matters most: what was seen, heard and agreed.")
        )
        self.summary_edit.setMinimumHeight(160)
        self.summary_edit.textChanged.connect(self._summary_edited)
        self.summary_edit.installEventFilter(self)
        summary_label.setBuddy(self.summary_edit)
        layout.addWidget(summary_label)
        layout.addWidget(self.summary_edit, 1)

        # Signatures drawn on screen, one slot per signer
        self.signatures_box = QGroupBox(self.tr("Signatures"), content)
        self.signatures_box.setObjectName("signaturesBox")
        box = QVBoxLayout(self.signatures_box)
        slots_row = QHBoxLayout()
        self._slots: dict[SignerRole, _SignatureSlotView] = {}
        for role in SignerRole:
            view = _SignatureSlotView(role, self.signatures_box)
            view.sign_button.clicked.connect(partial(self.sign, role))
            view.remove_button.clicked.connect(partial(self.remove_signature, role))
            self._slots[role] = view
            slots_row.addWidget(view, 1)
        box.addLayout(slots_row)
        self.signatures_hint = QLabel(self.signatures_box)
        self.signatures_hint.setWordWrap(True)
        self.signatures_hint.setObjectName("signaturesHint")
        box.addWidget(self.signatures_hint)
        layout.addWidget(self.signatures_box)
        self._signature_slots: tuple[SignatureSlot, ...] = ()

        # The commune card (public data), below what the person types
        card_box = QGroupBox(self.tr("Commune card (public data)"), content)
        card_layout = QVBoxLayout(card_box)
        self.card_view = CommuneCardView(card_box)
        self.card_view.setMinimumHeight(340)
        card_layout.addWidget(self.card_view)
        layout.addWidget(card_box)
        self._card_code: str | None = None

        self.setTabOrder(self.date_edit, self.author_edit)
        self.setTabOrder(self.author_edit, self.participants_list)
        self.setTabOrder(self.participants_list, self.add_participant_button)
        self.setTabOrder(self.add_participant_button, self.new_contact_button)
        self.setTabOrder(self.new_contact_button, self.edit_participant_button)
        self.setTabOrder(self.edit_participant_button, self.remove_participant_button)
        self.setTabOrder(self.remove_participant_button, self.summary_edit)
        self._update_status(None)
        self._participant_selected(-1)

    def section_title(self) -> str:
        return self.tr("Information")

    # --- loading ---------------------------------------------------------------------

    def load_visit(self, visit_id: str) -> None:
        if visit_id != self.visit_id:
            self.saver.flush()
        super().load_visit(visit_id)
        self.ctx.run(self.ctx.call(load_visit_info, visit_id), self._loaded, self)

    def _loaded(self, info: VisitInfo) -> None:
        if info.visit.id != self.visit_id:
            return
        visit = info.visit
        self.visit = visit
        self._loading = True
        try:
            self.commune_label.setText(
                self.tr("{0} ({1}) — INSEE code {2}").format(
                    visit.commune_name, visit.departement, visit.commune_code
                )
            )
            self.type_label.setText(_label(VisitType, visit.visit_type))
            if info.previous is not None:
                self.previous_label.setText(
                    '<a href="{}">{}</a>'.format(
                        info.previous.id,
                        self.tr("the visit of {0}").format(day_text(info.previous.visit_date)),
                    )
                )
            self._form.setRowVisible(self.previous_label, info.previous is not None)
            self.forms_label.setText("\n".join(info.forms) or self.tr("—"))
            self.date_edit.setDate(to_qdate(visit.visit_date))
            self.author_edit.setText(visit.author)
            if self.summary_edit.toPlainText() != visit.summary:
                self.summary_edit.setPlainText(visit.summary)
            self._show_participants(info.participants)
            self._show_signatures(info.signatures)
            self._update_status(visit)
        finally:
            self._loading = False
        if self._card_code != visit.commune_code:
            self.reload_card()

    # --- commune card ----------------------------------------------------------------

    def reload_card(self) -> None:
        """Read the card of the visit's commune again (after an import, say)."""
        if self.visit is None:
            return
        code = self._card_code = self.visit.commune_code
        self.card_view.show_message(self.tr("Reading the commune card…"))
        self.ctx.run(
            self.ctx.call(load_commune_card, code),
            on_success=self._card_loaded,
            on_failure=self._card_failed,
            parent=self,
        )

    def _card_loaded(self, card: CommuneCardScreen) -> None:
        if card.code == self._card_code:
            self.card_view.show_card(card)

    def _card_failed(self, err: BaseException) -> None:
        log.warning("commune card not read: %s", err)
        self.card_view.show_message(describe(err)[1])

    # --- autosaved fields ------------------------------------------------------------

    def _date_edited(self) -> None:
        if self._loading or self.visit_id is None:
            return
        self.saver.schedule(
            ("date", self.visit_id),
            self.ctx.call(
                visits.update_visit, self.visit_id, visit_date=from_qdate(self.date_edit.date())
            ),
        )

    def _author_edited(self, text: str) -> None:
        if self._loading or self.visit_id is None:
            return
        self.saver.schedule(
            ("author", self.visit_id),
            self.ctx.call(visits.update_visit, self.visit_id, author=text.strip()),
        )

    def _summary_edited(self) -> None:
        if self._loading or self.visit_id is None:
            return
        self.saver.schedule(
            ("summary", self.visit_id),
            self.ctx.call(
                visits.update_visit, self.visit_id, summary=self.summary_edit.toPlainText()
            ),
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.summary_edit and event.type() == QEvent.Type.FocusOut:
            self.saver.flush()
        return super().eventFilter(watched, event)

    def flush(self) -> None:
        self.saver.flush()

    # --- status ----------------------------------------------------------------------

    def _update_status(self, visit: VisitFacts | Visit | None) -> None:
        allowed: frozenset[VisitStatus] = frozenset()
        if visit is not None:
            status = VisitStatus(visit.status)
            allowed = VISIT_TRANSITIONS[status]
            self.status_label.setText(f"<b>{status.label}</b>")
        else:
            self.status_label.setText("")
        self.start_button.setVisible(visit is not None and visit.status == VisitStatus.PLANIFIEE)
        self.complete_button.setVisible(VisitStatus.TERMINEE in allowed)
        self.reopen_button.setVisible(
            visit is not None
            and visit.status in (VisitStatus.TERMINEE, VisitStatus.RAPPORT_EMIS)
            and VisitStatus.EN_COURS in allowed
        )

    def start_visit(self) -> None:
        self._move(visits.start_visit)

    def reopen_visit(self) -> None:
        self._move(visits.reopen_visit)

    def complete_visit(self) -> None:
        """Say what is still empty first (CompleteVisitDialog), then complete."""
        if self.visit_id is None:
            return
        self.flush()
        self.ctx.run(
            self.ctx.call(load_completion_check, self.visit_id),
            self._confirm_completion,
            parent=self,
        )

    def _confirm_completion(self, check: CompletionCheck) -> None:
        if check.visit_id != self.visit_id:
            return
        dialog = self.completion_dialog = CompleteVisitDialog(check, self)
        dialog.confirmed.connect(partial(self._move, visits.complete_visit))
        dialog.go_to_first.connect(self.jump_to_missing_requested)
        dialog.open()

    def _move(self, transition: object) -> None:
        if self.visit_id is None:
            return
        self.flush()
        self.ctx.run(
            self.ctx.call(transition, self.visit_id),  # type: ignore[arg-type]
            on_success=self._status_changed,
            on_failure=self._status_failed,
            origin=self,
        )

    def _status_changed(self, visit: Visit) -> None:
        if visit.id != self.visit_id:
            return
        if self.visit is not None:
            self.visit = replace(self.visit, status=visit.status)  # only the status moved
        self._update_status(visit)

    def _status_failed(self, err: BaseException) -> None:
        if isinstance(err, RuleViolation) and err.details:
            dialog = MissingItemsDialog(err, self)
            dialog.go_to_first.connect(self.jump_to_missing_requested)
            dialog.open()
            return
        show_error(self, err)

    def _previous_clicked(self, previous_id: str) -> None:
        self.open_visit_requested.emit(previous_id)

    # --- signatures ------------------------------------------------------------------

    def _show_signatures(self, slots: tuple[SignatureSlot, ...]) -> None:
        self._signature_slots = slots
        for slot in slots:
            self._slots[slot.role].show_slot(slot)
        issued = self.visit is not None and self.visit.status == VisitStatus.RAPPORT_EMIS
        self.signatures_hint.setText(
            self.tr(
                "The report was issued: to sign it, reopen the visit (Status, « Reopen »); "
                "the report issued next will be a new version, the issued ones stay as "
                "they are."
            )
            if issued
            else self.tr("The signatures go into the signature block of the report.")
        )
        self.apply_read_only()

    def sign(self, role: SignerRole | None = None) -> SignatureDialog | None:
        """« Signer… » (Ctrl+Shift+G: the first signer who has not signed yet)."""
        if self.visit_id is None or self.read_only:
            return None
        slots = {slot.role: slot for slot in self._signature_slots}
        if role is None:
            role = next((s.role for s in self._signature_slots if not s.signed), SignerRole.AUTEUR)
        slot = slots.get(role)
        name = (slot.name or slot.suggested_name) if slot is not None else ""
        dialog = self.signature_dialog = SignatureDialog(role.label, name, self)
        dialog.setObjectName("signatureDialog")
        dialog.accepted.connect(partial(self._signed, role, dialog))
        dialog.open()
        return dialog

    def _signed(self, role: SignerRole, dialog: SignatureDialog) -> None:
        if self.visit_id is None:
            return
        self.ctx.run(
            self.ctx.call(signatures.sign, self.visit_id, role, dialog.name(), dialog.strokes()),
            on_success=self._reload_signatures,
            on_failure=partial(show_error, self),
            origin=self,
        )

    def remove_signature(self, role: SignerRole) -> None:
        if self.visit_id is None:
            return
        self.ctx.run(
            self.ctx.call(signatures.remove_signature, self.visit_id, role),
            on_success=self._reload_signatures,
            on_failure=partial(show_error, self),
            origin=self,
        )

    def _reload_signatures(self, _result: object = None) -> None:
        if self.visit_id is not None:
            self.ctx.run(self.ctx.call(load_visit_info, self.visit_id), self._loaded, self)

    # --- participants ----------------------------------------------------------------

    def _show_participants(self, people: tuple[Person, ...]) -> None:
        self._participants = people
        self.participants_list.clear()
        for contact in people:
            entry = QListWidgetItem(contact_text(contact))
            entry.setData(Qt.ItemDataRole.UserRole, contact.id)
            self.participants_list.addItem(entry)
        if not people:
            self.participants_list.addItem(self.tr("No participant yet."))
            self.participants_list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self._participant_selected(self.participants_list.currentRow())

    def _participant_selected(self, row: int) -> None:
        chosen = self.selected_participant_id() is not None
        self.edit_participant_button.setEnabled(chosen)
        self.remove_participant_button.setEnabled(chosen)

    def selected_participant_id(self) -> str | None:
        entry = self.participants_list.currentItem()
        if entry is None:
            return None
        value = entry.data(Qt.ItemDataRole.UserRole)
        return str(value) if value else None

    def _reload_participants(self, _result: object = None) -> None:
        if self.visit_id is not None:
            self.ctx.run(
                self.ctx.call(load_participants, self.visit_id), self._show_participants, self
            )

    def choose_participant(self) -> None:
        """Pick an existing contact (the commune's first); none yet → a new contact. Only
        contacts the server accepts as participants are offered (services/account.py)."""
        self.ctx.run(self.ctx.call(contacts.list_linkable_contacts), self._offer_contacts, self)

    def _offer_contacts(self, known: list[Contact]) -> None:
        if self.visit is None:
            return
        taken = {contact.id for contact in self._participants}
        commune = self.visit.commune_code
        free = [contact for contact in known if contact.id not in taken]
        if not free:
            self.new_contact()
            return
        free.sort(key=lambda contact: (contact.commune_code != commune, contact.name.casefold()))
        dialog = ChoiceDialog(
            self.tr("Add a participant"),
            self.tr("Person who took part in the visit:"),
            [(contact.id, contact_text(contact)) for contact in free],
            self,
        )
        dialog.setObjectName("participantChoice")
        dialog.accepted.connect(lambda: self.add_participant(str(dialog.chosen())))
        dialog.open()

    def add_participant(self, contact_id: str) -> None:
        if self.visit_id is None:
            return
        self.ctx.run(
            self.ctx.call(visits.add_participant, self.visit_id, contact_id),
            self._reload_participants,
            self,
        )

    def new_contact(self) -> ContactDialog:
        """Create a contact (saved by the dialog) and make it a participant."""
        commune = self.visit.commune_code if self.visit is not None else None
        dialog = ContactDialog(self.ctx, self, commune_code=commune)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.contact_created.connect(self._contact_created)
        dialog.open()
        return dialog

    def _contact_created(self, contact: Contact) -> None:
        self.add_participant(contact.id)

    def edit_participant(self) -> ContactDialog | None:
        """Open the selected participant's contact to correct it (phone, function…)."""
        contact_id = self.selected_participant_id()
        if contact_id is None:
            return None
        dialog = ContactDialog(self.ctx, self, contact_id=contact_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.contact_saved.connect(self._reload_participants)
        dialog.open()
        return dialog

    def remove_participant(self) -> None:
        contact_id = self.selected_participant_id()
        if contact_id is None or self.visit_id is None:
            return
        self.ctx.run(
            self.ctx.call(
                deletion.soft_delete,
                "participant",
                natural_id("participant", self.visit_id, contact_id),
            ),
            self._reload_participants,
            self,
        )


def _label(enum: type[VisitType] | type[VisitStatus], value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value


__all__ = ["InfoPage", "MissingItemsDialog"]


class _SignatureSlotView(QWidget):
    """One signer: who, their signature (read-only pad), name and date, « Signer… »."""

    def __init__(self, role: SignerRole, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(f"<b>{role.label}</b>", self)
        self.pad = SignaturePad(self, read_only=True)
        self.pad.setObjectName(f"signature_{role.value}")
        self.pad.setAccessibleName(self.tr("Signature: {0}").format(role.label))
        self.pad.setMaximumHeight(90)
        self.who = QLabel(self)
        self.who.setWordWrap(True)
        buttons = QHBoxLayout()
        self.sign_button = QPushButton(self.tr("Sign…"), self)
        self.sign_button.setAccessibleName(self.tr("Sign: {0}").format(role.label))
        self.remove_button = QPushButton(icon("delete"), self.tr("Remove"), self)
        self.remove_button.setAccessibleName(
            self.tr("Remove the signature: {0}").format(role.label)
        )
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.pad)
        layout.addWidget(self.who)
        layout.addLayout(buttons)

    def show_slot(self, slot: SignatureSlot) -> None:
        self.pad.set_strokes(slot.strokes)
        if slot.signed_at is not None:
            self.who.setText(
                self.tr("{0}, signed on {1}").format(slot.name, moment_text(slot.signed_at))
            )
            self.sign_button.setText(self.tr("Sign again…"))
        else:
            self.who.setText(self.tr("Not signed"))
            self.sign_button.setText(self.tr("Sign…"))
        self.remove_button.setEnabled(slot.signed)
