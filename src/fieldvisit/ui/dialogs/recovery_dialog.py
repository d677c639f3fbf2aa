"""The offer made when the database is damaged: « Restaurer la dernière sauvegarde ».

Two moments (the logic is in store/recovery.py; nothing here touches files itself):

- **At start**, when the database cannot be opened because it is damaged or unreadable
  (`CorruptDatabase` from `open_store`): `recover_at_start` finds the newest good
  backup and counts the changes not yet sent that the damaged file still gives back,
  shows `RecoveryDialog`, and if the person accepts, sets the damaged file aside (kept,
  never deleted), restores, re-applies, opens the restored database and says what was
  done. Declined: nothing is changed and the app quits.
- **While the app runs**, when the background check (the start backup, ui/shell/data_safety.py)
  finds damaged pages: the same dialog, non-modal. Accepting asks for the restore at
  the next start (`request_restore`: a marker file in the data dir), closes the window
  (pending edits are written first) and starts the app again; `restore_if_requested`,
  called before the database is opened, then restores without asking again.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from fieldvisit.core.dates import moment_text
from fieldvisit.core.errors import FieldvisitError
from fieldvisit.paths import DataDir

if TYPE_CHECKING:
    from fieldvisit.security.keys import DataKeys
    from fieldvisit.security.keysource import KeySource, PassphraseRequest
    from fieldvisit.services import Services
    from fieldvisit.store.recovery import RecoveryPlan, RestoreResult

log = logging.getLogger(__name__)

EXIT_OK, EXIT_BAD_INPUT = 0, 2
RESTORE_MARKER = ".restauration-demandee"
Show = Callable[[QMessageBox], None]


# Called as translate("recovery", "…") so that pyside6-lupdate finds the strings.
translate = QCoreApplication.translate


class RecoveryDialog(QMessageBox):
    """Damaged database: restore the newest good backup, or leave everything as it is."""

    def __init__(
        self,
        plan: RecoveryPlan,
        data_dir: DataDir,
        *,
        at_start: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setObjectName("recoveryDialog")
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(self.tr("Damaged database"))
        self.setText(
            self.tr("The database of this data folder is damaged or unreadable.")
            + "\n\n"
            + plan.damage
        )
        self.restore_button = None
        if plan.backup is not None:
            when = moment_text(plan.backup.taken_at)
            self.setInformativeText(
                self.tr("The newest good backup was made on {0}.").format(when)
                + " "
                + self.tr(
                    "Restoring it sets the damaged file aside (renamed and kept, never "
                    "deleted) and adds back %n change(s) made since then, not yet sent to "
                    "the server, that can still be read from the damaged file.",
                    "",
                    plan.changes,
                )
                + " "
                + self.tr("Changes already sent to the server come back at the next sync.")
            )
            self.restore_button = self.addButton(
                self.tr("Restore the latest backup ({0})").format(when),
                QMessageBox.ButtonRole.AcceptRole,
            )
            self.restore_button.setObjectName("restoreButton")
            self.setDefaultButton(self.restore_button)
            details = [str(plan.backup.path)]
            if plan.salvage is not None and plan.salvage.describe():
                details.append(plan.salvage.describe())
            self.setDetailedText("\n".join(details))
        else:
            self.setInformativeText(
                self.tr(
                    "No usable backup was found in {0}. Nothing was changed: keep the data "
                    "folder as it is and send the log file to the support team."
                ).format(data_dir.backups)
            )
        self.leave_button = self.addButton(
            self.tr("Quit without changing anything") if at_start else self.tr("Not now"),
            QMessageBox.ButtonRole.RejectRole,
        )
        self.leave_button.setObjectName("leaveButton")

    def chose_restore(self) -> bool:
        return self.restore_button is not None and self.clickedButton() is self.restore_button


def _box(icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok)
    box.setObjectName("recoveryResultBox")
    return box


def restored_box(result: RestoreResult) -> QMessageBox:
    """What was done, in French (the result's own sentences)."""
    return _box(
        QMessageBox.Icon.Information, translate("recovery", "Backup restored"), result.describe()
    )


def failed_box(err: BaseException) -> QMessageBox:
    from fieldvisit.ui.base.errors import describe

    _title, message = describe(err)
    box = _box(
        QMessageBox.Icon.Critical,
        translate("recovery", "The backup could not be restored"),
        message,
    )
    box.setInformativeText(
        translate("recovery", "The damaged database is still in place, unchanged.")
    )
    return box


class _KnownKey:
    """Opens the restored database with the key already in hand (no second question)."""

    def __init__(self, keys: DataKeys) -> None:
        self._master = keys.master

    def unlock(self, _key_file: object, _data_root: Path) -> bytes:
        return self._master


def _unlock(data_dir: DataDir, keys: KeySource) -> DataKeys:
    """The data dir's keys, reusing a passphrase already given at this start."""
    from fieldvisit.security.keysource import KeySource as Source
    from fieldvisit.store.database import unlock_data_dir

    given = keys.passphrase_used
    source = keys
    if given is not None:

        def ask(request: PassphraseRequest) -> str | None:
            if request.attempt == 1:
                return given
            return keys.ask(request) if keys.ask is not None else None

        source = Source(ask, keyring=keys.keyring)
    data_keys, _key_file = unlock_data_dir(data_dir, source)
    return data_keys


@contextmanager
def _busy() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def _restore(
    data_dir: DataDir, data_keys: DataKeys, plan: RecoveryPlan, show: Show
) -> tuple[Services | None, int]:
    from fieldvisit.services import Services
    from fieldvisit.store.recovery import recover

    try:
        with _busy():
            result = recover(data_dir, data_keys, plan)
        services = Services.open(data_dir, keys=_KnownKey(data_keys))  # type: ignore[arg-type]
    except FieldvisitError as err:
        log.warning("restore failed: %s", err)
        show(failed_box(err))
        return None, EXIT_BAD_INPUT
    log.info("restored %s: %s", data_dir.root, result.describe())
    show(restored_box(result))
    return services, EXIT_OK


def recover_at_start(
    data_dir: DataDir,
    damage: BaseException,
    keys: KeySource,
    show: Show,
    error_box: Callable[[BaseException], QMessageBox],
) -> tuple[Services | None, int]:
    """The database did not open because it is damaged: offer the newest good backup.

    Returns (services, 0) once restored, or (None, 2): declined, or nothing to offer
    (no key to read the backups with, no good backup: `error_box` says what is wrong,
    as any start-up error). Nothing is changed unless the person accepts."""
    from fieldvisit.store.recovery import plan_recovery

    try:
        data_keys = _unlock(data_dir, keys)
        with _busy():  # checking the backups and reading the damaged file: seconds
            plan = plan_recovery(data_dir, data_keys, str(damage))
    except FieldvisitError as err:
        log.warning("no recovery possible for %s: %s", data_dir.root, err)
        show(error_box(damage))
        return None, EXIT_BAD_INPUT
    if plan.backup is None:
        log.warning("no good backup in %s", data_dir.backups)
        show(error_box(damage))
        return None, EXIT_BAD_INPUT
    dialog = RecoveryDialog(plan, data_dir, at_start=True)
    show(dialog)
    if not dialog.chose_restore():
        log.info("restore declined for %s: nothing changed", data_dir.root)
        return None, EXIT_BAD_INPUT
    return _restore(data_dir, data_keys, plan, show)


# --- a restore asked for while the app was running -------------------------------------


def marker(data_dir: DataDir) -> Path:
    return data_dir.root / RESTORE_MARKER


def request_restore(data_dir: DataDir, plan: RecoveryPlan) -> None:
    """Remember that the person chose to restore (done at the next start)."""
    assert plan.backup is not None
    target = marker(data_dir)
    partial = target.with_name(target.name + ".tmp")
    partial.write_text(
        json.dumps({"backup": str(plan.backup.path), "damage": plan.damage}), encoding="utf-8"
    )
    os.replace(partial, target)


def restore_if_requested(
    data_dir: DataDir, keys: KeySource, show: Show
) -> tuple[Services | None, int] | None:
    """Called before the database is opened: None when no restore was asked for (the
    usual case: one `stat`); else the restore is done and its outcome returned."""
    path = marker(data_dir)
    if not path.exists():
        return None
    from fieldvisit.store.recovery import plan_recovery

    try:
        request = json.loads(path.read_text(encoding="utf-8"))
        damage = str(request.get("damage", ""))
    except (OSError, ValueError, AttributeError):
        damage = ""
    path.unlink(missing_ok=True)  # asked once: a failure below is shown, not retried
    try:
        data_keys = _unlock(data_dir, keys)
        plan = plan_recovery(data_dir, data_keys, damage)
    except FieldvisitError as err:
        show(failed_box(err))
        return None, EXIT_BAD_INPUT
    if plan.backup is None:
        show(failed_box(FieldvisitError(translate("recovery", "No usable backup was found."))))
        return None, EXIT_BAD_INPUT
    _wait_until_free(data_dir, data_keys)
    return _restore(data_dir, data_keys, plan, show)


def _wait_until_free(data_dir: DataDir, data_keys: DataKeys, wait_s: float = 20.0) -> None:
    """The window that asked for the restore may still be closing (writing the last
    edits): wait for it to let the database go (restore_backup refuses otherwise)."""
    import time

    from fieldvisit.store.recovery import database_in_use

    deadline = time.monotonic() + wait_s
    while database_in_use(data_dir.database, data_keys) and time.monotonic() < deadline:
        time.sleep(0.2)
