"""The start-up hooks of the passphrase: the app's key source and the menu entry.

Kept apart from the dialogs (`ui/dialogs/passphrase_dialog.py`), which are imported only when
one is shown: where the OS keyring keeps the data key, a start shows none.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QWidget

from fieldvisit.security.errors import UnlockCancelled

if TYPE_CHECKING:
    from fieldvisit.security.keysource import KeySource, PassphraseRequest
    from fieldvisit.ui.base.context import UiContext


def _exec(dialog: QDialog) -> int:
    return dialog.exec()


def app_key_source(
    parent: QWidget | None = None, run: Callable[[QDialog], int] = _exec
) -> KeySource:
    """The app's key source: the OS keyring, else FIELDVISIT_PASSPHRASE (once), else the
    dialog. Closing the dialog raises UnlockCancelled: nothing is opened or changed."""
    from fieldvisit.security.keysource import ENV_PASSPHRASE, KeySource

    def ask(request: PassphraseRequest) -> str | None:
        from_env = os.environ.get(ENV_PASSPHRASE)
        if from_env is not None and request.attempt == 1 and request.purpose != "change":
            return from_env
        from fieldvisit.ui.dialogs.passphrase_dialog import PassphraseDialog

        dialog = PassphraseDialog(request, parent)
        if run(dialog) != QDialog.DialogCode.Accepted:
            raise UnlockCancelled(
                "Aucune phrase de passe n'a été donnée : le dossier de données n'a été ni "
                "ouvert ni modifié."
            )
        return dialog.passphrase()

    return KeySource(ask)


def passphrase_action(window: QWidget, ctx: UiContext) -> QAction:
    """« Changer la phrase de passe… » for the File menu."""
    action = QAction(QCoreApplication.translate("PassphraseDialog", "&Change passphrase…"), window)
    action.setObjectName("changePassphraseAction")

    def open_dialog() -> None:
        from fieldvisit.ui.dialogs.passphrase_dialog import ChangePassphraseDialog

        dialog = ChangePassphraseDialog(ctx, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    action.triggered.connect(open_dialog)
    return action
