"""Synchronisation → Serveur et compte… : the server's address, an optional certificate
authority file, the user name, and logging in with a password (or out).

Logging in runs off the UI thread (`sync/session.login`); what went wrong is said in
the dialog itself, in French: wrong password, server down, certificate not recognised,
address not valid. The token goes to the OS keyring (or the 0600 file) through the
existing credentials code; the password is never stored.
"""

from __future__ import annotations

import logging
import socket
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
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.services import Services
from fieldvisit.ui.icons import icon
from fieldvisit.ui.sync_tasks import run_in_background

log = logging.getLogger(__name__)


class ServerDialog(QDialog):
    #: logged in: (user name, server URL)
    signed_in = Signal(str, str)
    #: logged out (the token is forgotten)
    signed_out = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("serverDialog")
        self.setWindowTitle(self.tr("Sync server and account"))
        self.setWindowIcon(icon("server"))
        self._busy = False
        self._bound_server: str | None = None
        self._signed_in = False

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
        self.password_edit.returnPressed.connect(self.log_in)

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

        self.busy_bar = QProgressBar(self)
        self.busy_bar.setObjectName("serverBusy")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumHeight(10)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()

        self.login_button = QPushButton(self.tr("Sign &in"), self)
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.log_in)
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

    def log_in(self) -> None:
        if self._busy:
            return
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
            )

        self._set_busy(True)
        self.show_message(self.tr("Signing in…"), error=False)
        run_in_background(run, self._logged_in, self._login_failed, "fieldvisit-login")

    def _logged_in(self, user: Any) -> None:
        self._set_busy(False)
        self._signed_in = True
        self.password_edit.clear()
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
        self._set_busy(False)
        self.show_message(self.describe_failure(err))
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
