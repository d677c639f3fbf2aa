"""Text editors that stop at the sync's length limit and say so, losing nothing typed.

Every long text a person types (interview notes, a visit's summary, comments,
observations, a recommendation, a quick note, a caption) travels to the server in one
record, which has a size limit: `core.limits.LONG_TEXT_CHARS` characters per text (the
store refuses more, `store/limits.py`). These editors keep a person inside it:

- near the limit (90 %), a counter at the bottom of the editor: « 45 210 / 50 000 » ;
- at the limit, a key that would add text adds nothing and says why;
- a paste (or a drop) that would go over adds *nothing* — never a silently truncated
  half — and says how much too long it is; the text stays on the clipboard;
- a text already over the limit (typed before it existed) is shown whole, with a
  warning; deleting is always possible, adding is not.

`LimitedPlainTextEdit` shows its notice inside its own frame (no page layout changes);
`LimitedLineEdit` (one line: a caption, a quick note, a title) as a tooltip by the field.
Both expose the current `notice` for tests and screen readers.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent, QResizeEvent, QValidator
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QToolTip, QWidget

from fieldvisit.core.limits import LONG_TEXT_CHARS, NEAR_LIMIT_SHARE, french_number

WARNING_STYLE = "color: #b00020;"
translate = QCoreApplication.translate


def _typed(text: str, tabs: bool) -> str:
    """What a key press inserts (control keys and shortcuts insert nothing)."""
    return "".join(ch for ch in text if ch.isprintable() or ch in "\r\n" or (tabs and ch == "\t"))


class LimitMessages:
    """The French notices (English source strings, translated by Qt's catalogue)."""

    def counter(self, length: int, limit: int) -> str:
        return translate("TextLimit", "{0} / {1} characters").format(
            french_number(length), french_number(limit)
        )

    def full(self, limit: int) -> str:
        return translate(
            "TextLimit",
            "Limit of {0} characters reached: nothing more is added. Shorten the text to "
            "add to it.",
        ).format(french_number(limit))

    def paste_refused(self, pasted: int, over: int, limit: int) -> str:
        return translate(
            "TextLimit",
            "Paste refused: these {0} characters would take the text {1} characters over "
            "the limit of {2}. Nothing was pasted; it is still on the clipboard.",
        ).format(french_number(pasted), french_number(over), french_number(limit))

    def over(self, length: int, limit: int) -> str:
        return translate(
            "TextLimit",
            "This text has {0} characters, more than the limit of {1}: it cannot be "
            "synced until it is shortened. Nothing of it is lost.",
        ).format(french_number(length), french_number(limit))


class LimitedPlainTextEdit(QPlainTextEdit):
    """A plain-text editor that never takes its text past `limit` characters."""

    #: the notice shown ("" when none)
    notice_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, limit: int = LONG_TEXT_CHARS) -> None:
        super().__init__(parent)
        self._limit = limit
        self._messages = LimitMessages()
        self._notice = QLabel(self)
        self._notice.setObjectName("textLimitNotice")
        self._notice.setWordWrap(True)
        self._notice.setTextFormat(Qt.TextFormat.PlainText)
        self._notice.setContentsMargins(4, 1, 4, 1)
        self._notice.setAutoFillBackground(True)
        self._notice.hide()
        self._refusal = ""  # a refusal stays said until the text changes
        self._shown = ""
        self._notice_height = 0
        self.textChanged.connect(self._text_changed)

    # --- the limit ---------------------------------------------------------------------

    @property
    def limit(self) -> int:
        return self._limit

    @property
    def notice(self) -> str:
        return self._shown

    @property
    def notice_height(self) -> int:
        return self._notice_height

    def _length(self) -> int:
        # characterCount (cheap) counts one more than the text; exact only near the limit.
        rough = self.document().characterCount() - 1
        if rough < self._limit * NEAR_LIMIT_SHARE:
            return rough
        return len(self.toPlainText())

    def _room(self) -> int:
        selected = len(self.textCursor().selectedText())
        return self._limit - (self._length() - selected)

    def _refuse(self, message: str) -> None:
        self._refusal = message
        self._show_notice()

    # --- what inserts text -------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        typed = _typed(event.text(), tabs=not self.tabChangesFocus())
        if typed and not self.isReadOnly() and len(typed) > self._room():
            event.accept()  # nothing inserted
            self._refuse(self._messages.full(self._limit))
            return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:
        text = source.text() if source.hasText() else ""
        room = self._room()
        if len(text) > room:
            self._refuse(
                self._messages.paste_refused(len(text), len(text) - room, self._limit)
                if room > 0 or len(text) > 1
                else self._messages.full(self._limit)
            )
            return
        super().insertFromMimeData(source)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        if len(event.commitString()) > self._room():
            event.accept()
            self._refuse(self._messages.full(self._limit))
            return
        super().inputMethodEvent(event)

    # --- the notice --------------------------------------------------------------------

    def _text_changed(self) -> None:
        self._refusal = ""
        self._show_notice()

    def _show_notice(self) -> None:
        length = self._length()
        if self._refusal:
            text, warning = self._refusal, True
        elif length > self._limit:
            text, warning = self._messages.over(length, self._limit), True
        elif length >= self._limit * NEAR_LIMIT_SHARE:
            text, warning = self._messages.counter(length, self._limit), length >= self._limit
        else:
            text, warning = "", False
        if text == self._shown:
            return
        self._shown = text
        self._notice.setText(text)
        self._notice.setStyleSheet(WARNING_STYLE if warning else "")
        self._notice.setVisible(bool(text))
        self.setAccessibleDescription(text)
        self._place_notice()
        self.notice_changed.emit(text)

    def _place_notice(self) -> None:
        frame = self.frameWidth()
        scroll_bar = self.verticalScrollBar()
        beside = scroll_bar.width() if scroll_bar.isVisible() else 0
        width = max(self.width() - 2 * frame - beside, 10)
        height = 0
        if self._shown:
            height = max(self._notice.heightForWidth(width), self._notice.sizeHint().height())
        self._notice_height = height
        self.setViewportMargins(0, 0, 0, height)
        if height:
            self._notice.setGeometry(frame, self.height() - frame - height, width, height)
            self._notice.raise_()
        self.notice_resized(height)

    def notice_resized(self, height: int) -> None:
        """The notice took `height` pixels at the bottom (0: none); subclasses resize."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._shown:
            self._place_notice()


class _LengthValidator(QValidator):
    """Refuses (whole) any edit that would take the text past the limit and make it
    longer than it was: typing, a paste from the menu or the keyboard, a drop."""

    def __init__(self, edit: LimitedLineEdit) -> None:
        super().__init__(edit)
        self.edit = edit
        self.accepted = 0

    def validate(self, text: str, pos: int) -> QValidator.State:  # type: ignore[override]
        edit = self.edit
        if len(text) > edit.limit and len(text) > self.accepted and not edit.loading:
            edit.refused(len(text) - self.accepted, len(text) - edit.limit)
            return QValidator.State.Invalid
        return QValidator.State.Acceptable


class LimitedLineEdit(QLineEdit):
    """A one-line field that never takes its text past `limit` characters."""

    notice_changed = Signal(str)

    def __init__(
        self, text: str = "", parent: QWidget | None = None, limit: int = LONG_TEXT_CHARS
    ) -> None:
        super().__init__(parent)
        self.limit = limit
        self.loading = False
        self._messages = LimitMessages()
        self._validator = _LengthValidator(self)
        self.notice = ""
        self.textChanged.connect(self._text_changed)
        self.setValidator(self._validator)
        # Qt's own cap (32,767 by default) would cut a longer text silently, typed or
        # loaded: the validator is the only limit.
        self.setMaxLength(2**31 - 1)
        if text:
            self.setText(text)

    def setText(self, text: str | None) -> None:
        """Show a stored text, even one over the limit (loading, not typing)."""
        self.loading = True
        try:
            super().setText(text)
        finally:
            self.loading = False
        self._validator.accepted = len(self.text())

    def refused(self, added: int, over: int) -> None:
        if added > 1:
            self._say(self._messages.paste_refused(added, over, self.limit))
        else:
            self._say(self._messages.full(self.limit))

    def _text_changed(self, text: str) -> None:
        self._validator.accepted = len(text)
        if len(text) > self.limit:
            self._say(self._messages.over(len(text), self.limit))
        elif self.notice:
            self._say("")

    def _say(self, message: str) -> None:
        self.notice = message
        self.setAccessibleDescription(message)
        self.setToolTip(message)
        if message and self.isVisible():
            QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), message, self)
        self.notice_changed.emit(message)
