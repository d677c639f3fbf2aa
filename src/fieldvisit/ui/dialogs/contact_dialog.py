"""Contacts: a small "new contact" dialog and a checklist to pick people from.

Used for interviewees (Entretiens) and visit participants (Informations). Both open
with `open()` (never a blocking `exec()`): results come back by signal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.domain import ContactRole
from fieldvisit.core.errors import FieldvisitError
from fieldvisit.services import contacts as contact_service
from fieldvisit.services.account import contact_refusal
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import show_error
from fieldvisit.ui.widgets.text_limit import LimitedLineEdit

if TYPE_CHECKING:
    from fieldvisit.store.models import Contact

CONTACT_ID_ROLE = Qt.ItemDataRole.UserRole


def _limit(name: str) -> int:
    from fieldvisit.store.limits import field_limit

    return field_limit("contacts", name) or 200


class Described(Protocol):
    """A contact as a record, or as a screen shows it (screens/common.py: Person)."""

    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def organisation(self) -> str: ...


def contact_text(contact: Described) -> str:
    """« Nom — Fonction, organisation » as shown in lists."""
    try:
        role = ContactRole(contact.role).label
    except ValueError:
        role = contact.role
    details = ", ".join(part for part in (role, contact.organisation) if part)
    return f"{contact.name} — {details}" if details else contact.name


class ContactDialog(QDialog):
    """Create a contact (name, function, organisation, phone, email), or correct one
    (`contact_id`: opened from a list of participants or interviewees)."""

    contact_created = Signal(object)  # the new Contact
    contact_saved = Signal(object)  # the corrected Contact

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        commune_code: str | None = None,
        role: ContactRole | None = None,
        contact_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.commune_code = commune_code
        self.contact_id = contact_id
        self.created: Contact | None = None
        self.setObjectName("contactDialog")
        self.setWindowTitle(self.tr("Edit the contact") if contact_id else self.tr("New contact"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = LimitedLineEdit(parent=self, limit=_limit("name"))
        self.name_edit.setAccessibleName(self.tr("Name"))
        form.addRow(self.tr("&Name:"), self.name_edit)
        self.role_combo = QComboBox(self)
        self.role_combo.setAccessibleName(self.tr("Function"))
        for member in ContactRole:
            self.role_combo.addItem(member.label, member.value)
        if role is not None:
            self.role_combo.setCurrentIndex(self.role_combo.findData(role.value))
        form.addRow(self.tr("&Function:"), self.role_combo)
        self.organisation_edit = LimitedLineEdit(parent=self, limit=_limit("organisation"))
        self.organisation_edit.setAccessibleName(self.tr("Organisation"))
        self.organisation_edit.setPlaceholderText(self.tr("e.g. Mairie, Brigade de Saint-Flour"))
        form.addRow(self.tr("&Organisation:"), self.organisation_edit)
        self.phone_edit = LimitedLineEdit(parent=self, limit=_limit("phone"))
        self.phone_edit.setAccessibleName(self.tr("Phone"))
        form.addRow(self.tr("&Phone:"), self.phone_edit)
        self.email_edit = LimitedLineEdit(parent=self, limit=_limit("email"))
        self.email_edit.setAccessibleName(self.tr("Email"))
        form.addRow(self.tr("&Email:"), self.email_edit)
        layout.addLayout(form)
        self.message = QLabel(self)
        self.message.setObjectName("contactDialogMessage")
        self.message.setStyleSheet("color: #e53935;")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Save") if contact_id else self.tr("Create the contact"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.refusal: str | None = None
        if contact_id is not None:
            self.buttons.setEnabled(False)  # until the contact is read
            self.ctx.run(
                self.ctx.call(contact_service.get_contact, contact_id), self._show_contact, self
            )
        elif commune_code:  # the server's territory rule, said before anything is typed
            self.ctx.run(self.ctx.call(contact_refusal, commune_code), self._on_refusal_read, self)

    def _on_refusal_read(self, refusal: str | None) -> None:
        self.refusal = refusal
        if refusal is None:
            return
        self.message.setText(refusal)
        self.message.show()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def _show_contact(self, contact: Contact) -> None:
        self.name_edit.setText(contact.name)
        position = self.role_combo.findData(contact.role)
        if position < 0:  # a code this version does not know: kept as it is
            self.role_combo.addItem(contact.role, contact.role)
            position = self.role_combo.count() - 1
        self.role_combo.setCurrentIndex(position)
        self.organisation_edit.setText(contact.organisation)
        self.phone_edit.setText(contact.phone or "")
        self.email_edit.setText(contact.email or "")
        self.buttons.setEnabled(True)
        self.name_edit.setFocus()

    def _save(self, name: str) -> None:
        assert self.contact_id is not None
        self.ctx.run(
            self.ctx.call(
                contact_service.update_contact,
                self.contact_id,
                name=name,
                role=self.role_combo.currentData(),
                organisation=self.organisation_edit.text(),
                phone=self.phone_edit.text(),
                email=self.email_edit.text(),
            ),
            self._on_saved,
            self,
            self._on_failed,
        )

    def _on_saved(self, contact: Contact) -> None:
        self.buttons.setEnabled(True)
        self.contact_saved.emit(contact)
        super().accept()

    def accept(self) -> None:
        """Save the contact on the worker; the dialog closes once it is saved."""
        if self.refusal is not None:
            return
        name = self.name_edit.text().strip()
        if not name:
            self.message.setText(self.tr("Enter the person's name."))
            self.message.show()
            self.name_edit.setFocus()
            return
        self.message.hide()
        self.buttons.setEnabled(False)
        if self.contact_id is not None:
            self._save(name)
            return
        self.ctx.run(
            self.ctx.call(
                contact_service.add_contact,
                name,
                self.role_combo.currentData(),
                self.organisation_edit.text(),
                self.phone_edit.text().strip() or None,
                self.email_edit.text().strip() or None,
                self.commune_code,
            ),
            self._on_created,
            self,
            self._on_failed,
        )

    def _on_created(self, contact: Contact) -> None:
        self.created = contact
        self.buttons.setEnabled(True)
        self.contact_created.emit(contact)
        super().accept()

    def _on_failed(self, err: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.refusal is None)
        if not isinstance(err, FieldvisitError):
            show_error(self, err)
            return
        # The service's French message (e.g. an invalid email), shown in the dialog itself.
        self.message.setText(str(err))
        self.message.show()


class ContactChecklist(QWidget):
    """Known contacts with a check box each, a filter, and "New contact…"."""

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        commune_code: str | None = None,
        exclude_ids: Iterable[str] = (),
        checked_ids: Iterable[str] = (),
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.commune_code = commune_code
        self._excluded = set(exclude_ids)
        self._checked_at_start = set(checked_ids)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter contacts…"))
        self.filter_edit.setAccessibleName(self.tr("Filter contacts"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._apply_filter)
        layout.addWidget(self.filter_edit)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Contacts"))
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.empty_label = QLabel(self.tr("No contact yet."), self)
        row.addWidget(self.empty_label, 1)
        self.new_button = QPushButton(self.tr("New contact…"), self)
        self.new_button.clicked.connect(self.new_contact)
        row.addWidget(self.new_button)
        layout.addLayout(row)
        self.contact_dialog: ContactDialog | None = None
        # Only the contacts the server will accept a link to (services/account.py).
        self.ctx.run(self.ctx.call(contact_service.list_linkable_contacts), self._on_loaded, self)

    def _on_loaded(self, contacts: list[Contact]) -> None:
        for contact in contacts:
            if contact.id not in self._excluded and self._find(contact.id) is None:
                self._add(contact, checked=contact.id in self._checked_at_start)
        self._update_empty()

    def _add(self, contact: Contact, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(contact_text(contact), self.list)
        item.setData(CONTACT_ID_ROLE, contact.id)
        item.setData(Qt.ItemDataRole.UserRole + 1, contact)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return item

    def _find(self, contact_id: str) -> QListWidgetItem | None:
        for index in range(self.list.count()):
            item = self.list.item(index)
            if item.data(CONTACT_ID_ROLE) == contact_id:
                return item
        return None

    def _update_empty(self) -> None:
        self.empty_label.setVisible(self.list.count() == 0)

    def _apply_filter(self, text: str) -> None:
        wanted = text.strip().casefold()
        for index in range(self.list.count()):
            item = self.list.item(index)
            item.setHidden(bool(wanted) and wanted not in item.text().casefold())

    def set_checked(self, contact_id: str, checked: bool = True) -> None:
        item = self._find(contact_id)
        if item is not None:
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def checked_contacts(self) -> list[Contact]:
        chosen = []
        for index in range(self.list.count()):
            item = self.list.item(index)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(item.data(Qt.ItemDataRole.UserRole + 1))
        return chosen

    def checked_ids(self) -> list[str]:
        return [contact.id for contact in self.checked_contacts()]

    def new_contact(self) -> ContactDialog:
        """Open the "new contact" dialog; the contact made is added here, checked."""
        dialog = ContactDialog(self.ctx, self, self.commune_code)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.contact_created.connect(self._on_contact_created)
        self.contact_dialog = dialog
        dialog.open()
        return dialog

    def _on_contact_created(self, contact: Contact) -> None:
        item = self._find(contact.id) or self._add(contact, checked=True)
        item.setCheckState(Qt.CheckState.Checked)
        self.list.scrollToItem(item)
        self._update_empty()


class ContactPickerDialog(QDialog):
    """Choose one or more contacts (or create one): e.g. interviewees, participants."""

    contacts_chosen = Signal(list)  # list[Contact]

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        title: str = "",
        commune_code: str | None = None,
        exclude_ids: Iterable[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contactPicker")
        self.setWindowTitle(title or self.tr("Choose contacts"))
        self.resize(480, 420)
        layout = QVBoxLayout(self)
        self.checklist = ContactChecklist(ctx, self, commune_code, exclude_ids)
        layout.addWidget(self.checklist, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        self.contacts_chosen.emit(self.checklist.checked_contacts())
        super().accept()
