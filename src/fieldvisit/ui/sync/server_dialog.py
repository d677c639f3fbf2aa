"""Synchronisation → Serveur et compte… : the server's address, an optional certificate
authority file, the user name, and logging in with a password (or out).

Logging in runs off the UI thread (`sync/session.login`); what went wrong is said in
the dialog itself, in French: wrong password, server down, certificate not recognised,
address not valid. The token goes to the OS keyring (or the 0600 file) through the
existing credentials code; the password is never stored.

A data dir belongs to one account (sync/account.py): signing in as another one is
refused while changes of the first are unsent (the dialog says how many and what to
do); once everything is sent, it offers « Effacer les données de … » (after a
confirmation) or « Dossier de données séparé… » (a new fieldvisit window on another
folder, where the other account signs in).
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.services import Services
from fieldvisit.ui.base.icons import icon
from fieldvisit.ui.sync.sync_tasks import run_in_background

log = logging.getLogger(__name__)


def launch_with_data_dir(folder: Path) -> bool:
    """Start another fieldvisit window on `folder` (a new process); False if impossible."""
    frozen = getattr(sys, "frozen", False)
    command = [sys.executable] if frozen else [sys.executable, "-m", "fieldvisit"]
    try:
        subprocess.Popen(
            [*command, "--data-dir", str(folder)], start_new_session=True, close_fds=True
        )
    except OSError:
        log.exception("could not start fieldvisit on %s", folder)
        return False
    return True


class ServerDialog(QDialog):
    #: logged in: (user name, server URL)
    signed_in = Signal(str, str)
    #: logged out (the token is forgotten)
    signed_out = Signal()
    #: the previous account's data was cleared from this data dir (then signed_in)
    account_cleared = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("serverDialog")
        self.setWindowTitle(self.tr("Sync server and account"))
        self.setWindowIcon(icon("server"))
        self._busy = False
        self._bound_server: str | None = None
        self._signed_in = False
        self._clearing = False
        self.previous_account: str | None = None
        # Asked of the person; tests answer instead (the real dialogs are modal).
        self.confirm: Callable[[str, str], bool] = self._ask_confirmation
        self.choose_folder: Callable[[], str] = self._ask_folder
        self.launch: Callable[[Path], bool] = launch_with_data_dir

        intro = QLabel(
            self.tr(
                "Your visits are kept on this computer and exchanged with your "
                "organisation's server when a network is available."
            ),
            self,
        )
        intro.setWordWrap(True)

        self.state_label = QLabel(self)
        self.state_label.setObjectName("serverStateLabel")
        self.state_label.setWordWrap(True)
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)

        self.server_edit = QLineEdit(self)
        self.server_edit.setObjectName("serverUrlEdit")
        self.server_edit.setPlaceholderText(self.tr("https://sync.example.org"))
        self.server_edit.setAccessibleName(self.tr("Server address"))

        self.ca_edit = QLineEdit(self)
        self.ca_edit.setObjectName("caFileEdit")
        self.ca_edit.setPlaceholderText(self.tr("Only if your organisation gave you one"))
        self.ca_edit.setAccessibleName(self.tr("Certificate authority file"))
        self.ca_edit.setClearButtonEnabled(True)
        self.ca_button = QPushButton(self.tr("Browse…"), self)
        self.ca_button.setObjectName("caFileButton")
        self.ca_button.clicked.connect(self.choose_ca_file)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(self.ca_button)

        self.user_edit = QLineEdit(self)
        self.user_edit.setObjectName("userNameEdit")
        self.user_edit.setAccessibleName(self.tr("User name"))

        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(self.tr("Password"))
        self.password_edit.returnPressed.connect(self._sign_in_asked)

        form = QFormLayout()
        form.addRow(self.tr("&Server:"), self.server_edit)
        ca_label = QLabel(self.tr("&Certificate authority (CA):"), self)
        ca_label.setBuddy(self.ca_edit)  # a row of two widgets: the label needs its buddy
        form.addRow(ca_label, ca_row)
        form.addRow(self.tr("&User name:"), self.user_edit)
        form.addRow(self.tr("&Password:"), self.password_edit)

        self.message_label = QLabel(self)
        self.message_label.setObjectName("serverMessageLabel")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        # Shown when another account's data is here and everything of it is sent.
        self.account_box = QWidget(self)
        self.account_box.setObjectName("accountChoice")
        self.clear_button = QPushButton(icon("delete"), "", self.account_box)
        self.clear_button.setObjectName("clearPreviousAccountButton")
        self.clear_button.clicked.connect(self.clear_previous_account)
        self.separate_button = QPushButton(
            self.tr("Use a &separate data folder…"), self.account_box
        )
        self.separate_button.setObjectName("separateDataDirButton")
        self.separate_button.clicked.connect(self.use_separate_data_dir)
        account_row = QHBoxLayout(self.account_box)
        account_row.setContentsMargins(0, 0, 0, 0)
        account_row.addWidget(self.clear_button)
        account_row.addWidget(self.separate_button)
        account_row.addStretch(1)
        self.account_box.hide()

        self.busy_bar = QProgressBar(self)
        self.busy_bar.setObjectName("serverBusy")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumHeight(10)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()

        self.login_button = QPushButton(self.tr("Sign &in"), self)
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self._sign_in_asked)
        self.logout_button = QPushButton(self.tr("Sign &out"), self)
        self.logout_button.setObjectName("logoutButton")
        self.logout_button.clicked.connect(self.log_out)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.logout_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.state_label)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.account_box)
        layout.addWidget(self.busy_bar)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

        self._set_busy(True)
        self.state_label.setText(self.tr("Reading the current settings…"))
        run_in_background(self._read_session, self._session_read, self._session_unreadable)

    # --- current settings --------------------------------------------------------------

    def _read_session(self) -> Any:
        from fieldvisit.sync.session import session_info

        return session_info(self.services)

    def _session_read(self, info: Any) -> None:
        self._set_busy(False)
        self._bound_server = info.server_url
        self._signed_in = info.signed_in
        if info.server_url:
            self.server_edit.setText(info.server_url)
            # A data dir is tied to one server: its versions mean nothing elsewhere.
            self.server_edit.setReadOnly(True)
            self.server_edit.setToolTip(
                self.tr(
                    "This data folder is tied to this server. To use another server, "
                    "start fieldvisit with another data folder."
                )
            )
        if info.username:
            self.user_edit.setText(info.username)
        if info.ca_file:
            self.ca_edit.setText(info.ca_file)
        self._show_connection(info.username, info.server_url)
        focus = self.password_edit if self.server_edit.text() else self.server_edit
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def _session_unreadable(self, err: BaseException) -> None:
        self._set_busy(False)
        log.warning("sync settings not readable: %s", err)
        self._show_connection(None, None)
        self.show_message(str(err))

    def _show_connection(self, username: str | None, server_url: str | None) -> None:
        if self._signed_in and username and server_url:
            self.state_label.setText(
                self.tr("Signed in as {0} on {1}.").format(username, server_url)
            )
        elif username and server_url:
            self.state_label.setText(
                self.tr("Not signed in ({0} on {1}): type your password to sign in again.").format(
                    username, server_url
                )
            )
        else:
            self.state_label.setText(self.tr("Not signed in to any server yet."))
        self.logout_button.setEnabled(self._signed_in and not self._busy)

    @property
    def is_signed_in(self) -> bool:
        return self._signed_in

    @property
    def busy(self) -> bool:
        return self._busy

    # --- commands ----------------------------------------------------------------------

    def choose_ca_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Certificate authority file"),
            self.ca_edit.text() or str(Path.home()),
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path:
            self.ca_edit.setText(path)

    def _sign_in_asked(self) -> None:
        self.log_in()

    def log_in(self, clear_previous_account: bool = False) -> None:
        if self._busy:
            return
        self.account_box.hide()
        self._clearing = clear_previous_account
        url = self.server_edit.text().strip()
        username = self.user_edit.text().strip()
        password = self.password_edit.text()
        ca_text = self.ca_edit.text().strip()
        if not url:
            self.show_message(self.tr("Type the server's address, e.g. https://sync.example.org."))
            self.server_edit.setFocus()
            return
        if not username:
            self.show_message(self.tr("Type your user name."))
            self.user_edit.setFocus()
            return
        if not password:
            self.show_message(self.tr("Type your password."))
            self.password_edit.setFocus()
            return
        ca_file = Path(ca_text).expanduser() if ca_text else None
        services = self.services

        def run() -> Any:
            from fieldvisit.sync.session import login

            return login(
                services,
                url,
                username,
                password,
                device_name=socket.gethostname(),
                ca_file=ca_file,
                clear_previous_account=clear_previous_account,
            )

        self._set_busy(True)
        self.show_message(self.tr("Signing in…"), error=False)
        run_in_background(run, self._logged_in, self._login_failed, "fieldvisit-login")

    def _logged_in(self, user: Any) -> None:
        self._set_busy(False)
        self._signed_in = True
        self.password_edit.clear()
        self.account_box.hide()
        if self._clearing:
            self._clearing = False
            self.account_cleared.emit()
        url = self.server_edit.text().strip().rstrip("/")
        self._bound_server = url
        self.server_edit.setReadOnly(True)
        self._show_connection(user.username, url)
        if user.role == "admin":
            where = self.tr("all territories")
        else:
            where = ", ".join(user.territories) or self.tr("no territory")
        self.show_message(
            self.tr("Signed in as {0} ({1}; {2}). The first sync starts now.").format(
                user.username, user.role, where
            ),
            error=False,
        )
        self.signed_in.emit(user.username, url)

    def _login_failed(self, err: BaseException) -> None:
        from fieldvisit.sync.account import AccountInUse

        self._set_busy(False)
        self._clearing = False
        self.show_message(self.describe_failure(err))
        if isinstance(err, AccountInUse) and not err.unsent.total:
            # Everything of the previous account is sent: offer the two ways on.
            self.previous_account = err.previous
            self.clear_button.setText(
                self.tr("&Clear {0}'s data from this computer…").format(err.previous)
            )
            self.account_box.show()
            return
        self.password_edit.selectAll()
        self.password_edit.setFocus()

    def describe_failure(self, err: BaseException) -> str:
        """What went wrong, in words a person can act on."""
        from fieldvisit.core.errors import FieldvisitError
        from fieldvisit.sync.client import (
            CertificateRejected,
            NotAuthenticated,
            RequestRefused,
            ServerUnreachable,
        )

        where = self.server_edit.text().strip()
        if isinstance(err, CertificateRejected):
            return self.tr(
                "The server's certificate is not recognised: the connection was refused to "
                "protect your password. Check the address; if your organisation uses its "
                "own certificate authority, choose its file (CA) above."
            )
        if isinstance(err, ServerUnreachable):
            return self.tr(
                "Cannot reach the server at {0}. Check the address and the network "
                "connection, then try again."
            ).format(where)
        if isinstance(err, NotAuthenticated):
            return str(err)  # the server's own words: wrong password, account disabled
        if isinstance(err, RequestRefused) and err.status == 404:
            return self.tr(
                "No fieldvisit server answers at {0}: check the address (ask your "
                "administrator for it)."
            ).format(where)
        if isinstance(err, FieldvisitError):
            return str(err)  # already French: address not valid, CA file missing…
        log.error("login failed unexpectedly", exc_info=err)
        return self.tr("Signing in failed unexpectedly: {0}").format(err)

    def clear_previous_account(self) -> None:
        """After a confirmation: sign in again, clearing the previous account's data."""
        previous = self.previous_account or ""
        question = self.tr(
            "The visits, photos, history and backups of {0} will be removed from this "
            "computer (they stay on the server: everything was sent). Then {1} signs in "
            "and gets their own visits. Clear {0}'s data?"
        ).format(previous, self.user_edit.text().strip())
        if not self.confirm(self.tr("Clear the previous account's data?"), question):
            return
        self.log_in(clear_previous_account=True)

    def use_separate_data_dir(self) -> None:
        """Start fieldvisit on another (new) data folder for the other account."""
        chosen = self.choose_folder()
        if not chosen:
            return
        folder = Path(chosen).expanduser().resolve()
        if folder == self.services.data_dir.root.resolve():
            self.show_message(
                self.tr("This is the data folder in use: choose another (new, empty) one.")
            )
            return
        if not self.launch(folder):
            self.show_message(self.tr("fieldvisit could not be started on {0}.").format(folder))
            return
        self.account_box.hide()
        self.show_message(
            self.tr(
                "A new fieldvisit window opens on {0}: sign in there as {1}. Start "
                "fieldvisit with --data-dir {0} to use it again."
            ).format(folder, self.user_edit.text().strip()),
            error=False,
        )

    def _ask_confirmation(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _ask_folder(self) -> str:
        return QFileDialog.getExistingDirectory(
            self, self.tr("A separate data folder for this account"), str(Path.home())
        )

    def log_out(self) -> None:
        if self._busy or not self._signed_in:
            return
        services = self.services

        def run() -> None:
            from fieldvisit.sync.session import logout

            logout(services)

        self._set_busy(True)
        self.show_message(self.tr("Signing out…"), error=False)
        run_in_background(run, self._logged_out, self._logout_failed, "fieldvisit-logout")

    def _logged_out(self, _result: object) -> None:
        self._set_busy(False)
        self._signed_in = False
        self._show_connection(self.user_edit.text().strip(), self._bound_server)
        self.show_message(
            self.tr(
                "Signed out: this computer no longer holds a session. Your data stays here; "
                "changes not yet sent will go at your next sign in."
            ),
            error=False,
        )
        self.signed_out.emit()

    def _logout_failed(self, err: BaseException) -> None:
        self._set_busy(False)
        self.show_message(str(err))

    # --- display -----------------------------------------------------------------------

    def show_message(self, text: str, error: bool = True) -> None:
        self.message_label.setText(text)
        self.message_label.setProperty("error", error)
        self.message_label.setStyleSheet("color: #b00020;" if error else "")
        self.message_label.setVisible(bool(text))

    @property
    def message(self) -> str:
        return "" if self.message_label.isHidden() else self.message_label.text()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_bar.setVisible(busy)
        for widget in (self.user_edit, self.password_edit, self.ca_edit, self.ca_button):
            widget.setEnabled(not busy)
        self.server_edit.setEnabled(not busy)
        self.login_button.setEnabled(not busy)
        self.logout_button.setEnabled(not busy and self._signed_in)
