"""Errors as people understand them: a French message, details only in the log."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldvisit.core.errors import BadInput, FieldvisitError, RuleViolation

log = logging.getLogger("fieldvisit.ui")


# Called as translate("errors", "…") so that pyside6-lupdate finds the strings.
translate = QCoreApplication.translate


def describe(err: BaseException) -> tuple[str, str]:
    """(title, message) for an error; unexpected ones get a generic, honest message."""
    if isinstance(err, RuleViolation):
        return translate("errors", "Action not possible"), str(err)
    if isinstance(err, BadInput):
        return translate("errors", "Invalid input"), str(err)
    if isinstance(err, FieldvisitError):
        return translate("errors", "Problem"), str(err)
    if isinstance(err, OSError):
        if getattr(err, "errno", None) == 28:
            return translate("errors", "Disk full"), translate(
                "errors",
                "The disk is full: the last change could not be saved. Free some space "
                "and try again; nothing else was lost.",
            )
        return translate("errors", "File problem"), translate(
            "errors", "A file could not be read or written: {0}"
        ).format(err.strerror or err)
    return translate("errors", "Unexpected error"), translate(
        "errors",
        "Something unexpected went wrong. Your data already saved is safe. The details "
        "are in the log file; please send it to the support team.",
    )


def show_error(parent: QWidget | None, err: BaseException) -> None:
    """Log the error with its traceback and show a message box without one."""
    if isinstance(err, FieldvisitError):
        log.warning("%s", err)
    else:
        log.error("unexpected error", exc_info=err)
    title, message = describe(err)
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open_boxes.add(box)  # keep a parentless box alive until it is closed
    box.finished.connect(lambda _result: _open_boxes.discard(box))
    box.open()  # never blocks: autosaves and the worker keep running


_open_boxes: set[QMessageBox] = set()
