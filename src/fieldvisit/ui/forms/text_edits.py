"""Small editing widgets shared by the form view and the pages.

`GrowingTextEdit` is a plain-text editor that grows with its text (no inner scroll bar
inside a scrolling form), stops at the sync's length limit (`ui/widgets/text_limit.py`) and
reports focus-out, when pending autosaves are flushed.
`WheelGuard` stops combo boxes and date edits from changing value when the mouse wheel
scrolls the page past them.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QWidget

from fieldvisit.ui.widgets.text_limit import LimitedPlainTextEdit

MIN_LINES = 2
MAX_LINES = 16


class GrowingTextEdit(LimitedPlainTextEdit):
    """Multi-line plain text whose height follows its content (between min and max lines)."""

    focus_left = Signal()

    def __init__(
        self, parent: QWidget | None = None, min_lines: int = MIN_LINES, max_lines: int = MAX_LINES
    ) -> None:
        super().__init__(parent)
        self._min_lines = min_lines
        self._max_lines = max_lines
        self._lines: tuple[int, int] = (-1, 0)
        self.setTabChangesFocus(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self._fit_height()

    def _fit_height(self, *_args: object) -> None:
        # QPlainTextDocumentLayout measures its height in lines (wrapped lines included).
        lines = int(self.document().documentLayout().documentSize().height())
        lines = max(self._min_lines, min(self._max_lines, lines))
        if (lines, self.notice_height) == self._lines:
            return
        self._lines = (lines, self.notice_height)
        margins = self.contentsMargins()
        frame = 2 * self.frameWidth() + margins.top() + margins.bottom()
        document_margin = 2 * int(self.document().documentMargin())
        height = lines * self.fontMetrics().lineSpacing() + frame + document_margin + 2
        self.setFixedHeight(height + self.notice_height)

    def notice_resized(self, height: int) -> None:
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_left.emit()

    def set_text_quietly(self, text: str) -> None:
        """Replace the text without emitting textChanged (loading, not typing)."""
        if text == self.toPlainText():
            return
        blocked = self.blockSignals(True)
        try:
            self.setPlainText(text)
        finally:
            self.blockSignals(blocked)
        self._fit_height()


class WheelGuard(QObject):
    """Event filter: a widget only takes wheel events when it has the keyboard focus."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            area = _scroll_area_of(watched)
            if area is not None:
                QCoreApplication.sendEvent(area.verticalScrollBar(), event)
            return True
        return super().eventFilter(watched, event)


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


_wheel_guard: WheelGuard | None = None


def guard_wheel(widget: QWidget) -> None:
    """Let the page scroll over this widget instead of changing its value."""
    global _wheel_guard
    if _wheel_guard is None:
        _wheel_guard = WheelGuard()
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_wheel_guard)
