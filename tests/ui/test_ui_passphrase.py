"""The passphrase in the app: asked at start where there is no keyring, changed from the
File menu; without the key, a French message and nothing modified."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QMessageBox

from fieldvisit.paths import DataDir
from fieldvisit.security.keyfile import FAST_TEST_KDF, read_key_file
from fieldvisit.security.keysource import KEYRING_SERVICE, KeySource, PassphraseRequest
from fieldvisit.store import open_store
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.dialogs.passphrase import app_key_source
from fieldvisit.ui.dialogs.passphrase_dialog import ChangePassphraseDialog, PassphraseDialog
from fieldvisit.ui.shell.app import build_main_window, open_services

PASSPHRASE = "phrase de passe du bureau"


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def no_keyring(source: KeySource) -> KeySource:
    """The app's source as on a computer without keyring, with cheap argon2 for tests."""
    source._keyring = None
    source.kdf = FAST_TEST_KDF
    return source


def typing(*answers: str | None) -> tuple[Callable[[QDialog], int], list[PassphraseDialog]]:
    """Runs the real dialog: types each answer (None: closes it) and presses OK."""
    shown: list[PassphraseDialog] = []
    replies = list(answers)

    def run(dialog: QDialog) -> int:
        assert isinstance(dialog, PassphraseDialog)
        shown.append(dialog)
        reply = replies.pop(0)
        if reply is None:
            dialog.reject()
            return QDialog.DialogCode.Rejected
        dialog.passphrase_edit.setText(reply)
        dialog.confirm_edit.setText(reply)
        dialog.accept()
        return dialog.result()

    return run, shown


@pytest.fixture
def locked_dir(data_dir: DataDir) -> DataDir:
    """A data dir encrypted by a passphrase only (made on a computer without keyring)."""
    run, _ = typing(PASSPHRASE)
    open_store(data_dir, keys=no_keyring(app_key_source(run=run))).close()
    return data_dir


def test_a_new_data_dir_without_keyring_asks_a_passphrase_with_its_confirmation(
    data_dir: DataDir, qapp
) -> None:  # type: ignore[no-untyped-def]
    run, shown = typing(PASSPHRASE)
    services, code = open_services(data_dir, keys=no_keyring(app_key_source(run=run)))
    assert code == 0 and services is not None
    services.close()
    assert shown[0].confirm_edit.isVisibleTo(shown[0])  # asked twice
    key_file = read_key_file(data_dir.key_file)
    assert key_file is not None and key_file.passphrase is not None


def test_the_dialog_refuses_a_short_or_mistyped_new_passphrase(data_dir: DataDir, qapp) -> None:  # type: ignore[no-untyped-def]
    dialog = PassphraseDialog(PassphraseRequest("create", data_dir.root))
    for typed, confirm, reason in [
        ("court", "court", "au moins 8 caractères"),
        (PASSPHRASE, PASSPHRASE + " ", "diffèrent"),
    ]:
        dialog.passphrase_edit.setText(typed)
        dialog.confirm_edit.setText(confirm)
        dialog.accept()
        assert dialog.result() != QDialog.DialogCode.Accepted
        assert reason in dialog.error_label.text() or "differ" in dialog.error_label.text()
    dialog.confirm_edit.setText(PASSPHRASE)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_wrong_passphrase_is_asked_again_with_the_reason(locked_dir: DataDir, qapp) -> None:  # type: ignore[no-untyped-def]
    run, shown = typing("pas la bonne phrase", PASSPHRASE)
    services, code = open_services(locked_dir, keys=no_keyring(app_key_source(run=run)))
    assert code == 0 and services is not None
    services.close()
    assert not shown[0].error_label.isVisibleTo(shown[0])
    assert shown[1].error_label.text().startswith("Phrase de passe incorrecte")
    assert not shown[1].confirm_edit.isVisibleTo(shown[1])  # opening: one field only


def test_closing_the_dialog_opens_nothing_and_changes_nothing(locked_dir: DataDir, qapp) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(locked_dir.root)
    boxes: list[QMessageBox] = []
    run, _ = typing("pas la bonne phrase", None)
    services, code = open_services(
        locked_dir, show=boxes.append, keys=no_keyring(app_key_source(run=run))
    )
    assert (services, code, boxes) == (None, 2, [])  # the person chose not to open it
    assert snapshot(locked_dir.root) == before


def test_without_the_key_a_french_message_and_nothing_modified(data_dir: DataDir, qapp) -> None:  # type: ignore[no-untyped-def]
    store = open_store(data_dir)  # key in the (test) keyring, no passphrase
    store.close()
    keyring.get_keyring().delete_password(KEYRING_SERVICE, store.key_file.key_id)
    before = snapshot(data_dir.root)
    boxes: list[QMessageBox] = []
    services, code = open_services(data_dir, show=boxes.append)
    assert (services, code) == (None, 2)
    (box,) = boxes
    assert "clé de chiffrement" in box.text() and "introuvable" in box.text()
    assert "Traceback" not in box.text() + box.informativeText()
    assert snapshot(data_dir.root) == before


def _change_dialog(ctx: UiContext) -> ChangePassphraseDialog:
    return ChangePassphraseDialog(ctx, kdf=FAST_TEST_KDF)


def _fill(dialog: ChangePassphraseDialog, current: str, new: str, confirm: str) -> None:
    dialog.current_edit.setText(current)
    dialog.new_edit.setText(new)
    dialog.confirm_edit.setText(confirm)
    dialog.accept()


def test_changing_the_passphrase_from_the_menu(
    locked_dir: DataDir, tmp_path: Path, communes, qapp
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from fieldvisit.ui.base.worker import DatabaseWorker

    run, _ = typing(PASSPHRASE)
    services, _code = open_services(locked_dir, keys=no_keyring(app_key_source(run=run)))
    assert services is not None
    ctx = UiContext(
        services,
        DatabaseWorker(inline=True),
        QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
    )
    window = build_main_window(ctx)
    try:
        action = next(
            a
            for a in window.menuBar().actions()[0].menu().actions()
            if a.objectName() == "changePassphraseAction"
        )
        assert action.text() == "&Change passphrase…" or "phrase de passe" in action.text()
        dialog = _change_dialog(ctx)
        assert dialog.current_edit.isVisibleTo(dialog)  # a passphrase is set: asked first
        _fill(dialog, PASSPHRASE, "nouvelle phrase", "nouvelle phrase!")
        assert "diffèrent" in dialog.error_label.text() or "differ" in dialog.error_label.text()
        _fill(dialog, "pas la bonne", "nouvelle phrase", "nouvelle phrase")
        assert (
            dialog.error_label.isVisibleTo(dialog)
            and dialog.result() != QDialog.DialogCode.Accepted
        )
        assert read_key_file(locked_dir.key_file) == services.store.key_file  # unchanged
        _fill(dialog, PASSPHRASE, "nouvelle phrase", "nouvelle phrase")
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert dialog.done_box is not None
        dialog.done_box.close()
    finally:
        window.close()
        ctx.worker.shutdown()
        services.close()
    run, shown = typing(PASSPHRASE, "nouvelle phrase")
    services, code = open_services(locked_dir, keys=no_keyring(app_key_source(run=run)))
    assert code == 0 and services is not None  # the old one was refused, the new one opens
    services.close()
    assert shown[1].error_label.text().startswith("Phrase de passe incorrecte")


def test_with_the_keyring_the_dialog_sets_a_passphrase_without_asking_a_current_one(
    ui_ctx: UiContext,
) -> None:
    dialog = _change_dialog(ui_ctx)
    assert not dialog.current_edit.isVisibleTo(dialog)
    assert any(
        "trousseau" in label.text() or "keyring" in label.text()
        for label in dialog.findChildren(QLabel)
    )
    _fill(dialog, "", "phrase de secours", "phrase de secours")
    assert dialog.result() == QDialog.DialogCode.Accepted
    key_file = read_key_file(ui_ctx.services.data_dir.key_file)
    assert key_file is not None and key_file.in_keyring and key_file.passphrase is not None
    assert isinstance(dialog.new_edit, QLineEdit)
    assert dialog.new_edit.echoMode() == QLineEdit.EchoMode.Password
