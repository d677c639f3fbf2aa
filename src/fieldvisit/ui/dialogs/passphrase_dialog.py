"""The passphrase dialogs: asked at start, changed from the File menu.

Where the OS keyring keeps the data key, nothing is asked at start and this module is
not even imported (`ui/dialogs/passphrase.py` holds the start-up hooks). Elsewhere
`PassphraseDialog` asks the passphrase to open the data, or a new one for a new data
dir. « Changer la phrase de passe… » opens `ChangePassphraseDialog`, which re-wraps the
key on the worker (argon2id takes a fraction of a second): the data itself is not
rewritten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.security.errors import PassphraseRefused, WrongPassphrase
from fieldvisit.security.keyfile import MIN_PASSPHRASE_CHARS, KdfParams, check_new_passphrase

if TYPE_CHECKING:
    from fieldvisit.security.keysource import PassphraseRequest
    from fieldvisit.ui.base.context import UiContext


class PassphraseDialog(QDialog):
    """Asks the passphrase of `request`: one field to open, two to choose a new one."""

    def __init__(self, request: PassphraseRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle(self.tr("fieldvisit — passphrase"))
        self.choosing = request.purpose in ("create", "change")
        layout = QVBoxLayout(self)
        where = str(request.data_root)
        if request.purpose == "create":
            text = self.tr(
                "There is no system keyring on this computer: your data in {0} will be "
                "encrypted with a passphrase, asked at each start. Choose one of at least "
                "{1} characters (several words are easier to remember). Without it the "
                "data cannot be read: keep it somewhere safe."
            ).format(where, MIN_PASSPHRASE_CHARS)
        elif request.purpose == "change":
            text = self.tr("Choose the new passphrase (at least {0} characters).").format(
                MIN_PASSPHRASE_CHARS
            )
        elif request.purpose == "current":
            text = self.tr("Type the current passphrase of the data in {0}.").format(where)
        else:
            text = self.tr("Your data in {0} is encrypted. Type its passphrase to open it.").format(
                where
            )
        intro = QLabel(text, self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setObjectName("passphraseEdit")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("&Passphrase:"), self.passphrase_edit)
        self.confirm_edit = QLineEdit(self)
        self.confirm_edit.setObjectName("confirmEdit")
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if self.choosing:
            form.addRow(self.tr("&Confirm:"), self.confirm_edit)
        else:
            self.confirm_edit.hide()
        layout.addLayout(form)
        self.error_label = QLabel(request.error, self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(bool(request.error))
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.passphrase_edit.setFocus()

    def passphrase(self) -> str:
        return self.passphrase_edit.text()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def accept(self) -> None:
        """Refuse an empty answer, and a new passphrase typed differently or too short."""
        if not self.passphrase():
            self.show_error(self.tr("Type the passphrase."))
            return
        if self.choosing:
            if self.confirm_edit.text() != self.passphrase():
                self.show_error(self.tr("The two passphrases differ: type them again."))
                return
            try:
                check_new_passphrase(self.passphrase())
            except PassphraseRefused as err:
                self.show_error(str(err))
                return
        super().accept()


class ChangePassphraseDialog(QDialog):
    """Changes the data dir's passphrase (sets one when the key is only in the keyring)."""

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, kdf: KdfParams | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kdf = kdf
        self.setObjectName("changePassphraseDialog")
        self.setWindowTitle(self.tr("Change passphrase"))
        store = ctx.services.store
        self.has_passphrase = store.key_file.passphrase is not None
        layout = QVBoxLayout(self)
        if self.has_passphrase:
            text = self.tr(
                "The new passphrase replaces the current one, which will no longer open "
                "your data. Your data is not rewritten: only its key is."
            )
        else:
            text = self.tr(
                "The key of your data is kept in this computer's keyring, so no "
                "passphrase is asked at start. A passphrase also opens your data where "
                "the keyring is not available (another session, a reinstalled system)."
            )
        intro = QLabel(text, self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.current_edit = self._secret("currentEdit")
        if self.has_passphrase:
            form.addRow(self.tr("C&urrent passphrase:"), self.current_edit)
        else:
            self.current_edit.hide()
        self.new_edit = self._secret("newEdit")
        form.addRow(self.tr("&New passphrase:"), self.new_edit)
        self.confirm_edit = self._secret("confirmEdit")
        form.addRow(self.tr("&Confirm:"), self.confirm_edit)
        layout.addLayout(form)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.done_box: QMessageBox | None = None
        self.busy = False

    def _secret(self, name: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def accept(self) -> None:
        """Check the fields here, then re-wrap the key on the worker."""
        new = self.new_edit.text()
        if self.has_passphrase and not self.current_edit.text():
            self.show_error(self.tr("Type the current passphrase."))
            return
        if new != self.confirm_edit.text():
            self.show_error(self.tr("The two new passphrases differ: type them again."))
            return
        try:
            check_new_passphrase(new)
        except PassphraseRefused as err:
            self.show_error(str(err))
            return
        store = self.ctx.services.store
        current = self.current_edit.text() if self.has_passphrase else None
        kdf = self.kdf

        def change() -> bool:
            return store.change_passphrase(new=new, current=current, kdf=kdf)

        self.buttons.setEnabled(False)
        self.busy = True
        self.ctx.run(change, self._changed, self, on_failure=self._failed)

    def reject(self) -> None:
        if not self.busy:  # the worker answers this dialog: it stays until then
            super().reject()

    def _changed(self, _replaced: bool) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        message = (
            self.tr("Passphrase changed: the previous one no longer opens your data.")
            if self.has_passphrase
            else self.tr("Passphrase set: it opens your data where the keyring is not available.")
        )
        self.done_box = QMessageBox(
            QMessageBox.Icon.Information,
            self.windowTitle(),
            message,
            QMessageBox.StandardButton.Ok,
            self.parentWidget(),
        )
        self.done_box.setObjectName("passphraseChangedBox")
        self.done_box.open()
        super().accept()

    def _failed(self, err: BaseException) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        if isinstance(err, WrongPassphrase):
            self.show_error(self.tr("The current passphrase is not the right one."))
            self.current_edit.selectAll()
            self.current_edit.setFocus()
        else:
            from fieldvisit.ui.base.errors import describe

            self.show_error(describe(err)[1])
