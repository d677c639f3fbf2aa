"""One date field for the whole app: French, typed as people type dates, calendar on hand.

Qt's QDateEdit moves on to the next part by itself once a part is full (« 30 » fills
the day), and then takes the « / » typed out of habit as "go to the next part": typing
30/09/2026 into a checklist date gave 30/12/2026, the month typed into the year, and
left the field in a state where further typing changed nothing. Here a separator
typed right after such a move is swallowed, so that « 30/09/2026 », « 30092026 » and
« 3/9/2026 » all give the date typed. The calendar opens on the field's date, else on
the date the caller gives (the visit's), else today.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QDateEdit, QWidget

#: the display format of every date edited in the app
DATE_FORMAT = "dd/MM/yyyy"
SEPARATORS = frozenset("/.-")


def python_date(day: QDate) -> date:
    """A QDate as a `date` (PySide6 types `toPython()` as a date, a time or a datetime)."""
    value = day.toPython()
    assert isinstance(value, date), value
    return value


def french_locale() -> QLocale:
    """Dates are always shown the French way, whatever the UI language."""
    return QLocale(QLocale.Language.French, QLocale.Country.France)


class FrenchDateEdit(QDateEdit):
    """dd/mm/yyyy with a calendar popup; see the module docstring for typing."""

    def __init__(self, parent: QWidget | None = None, day: QDate | None = None) -> None:
        super().__init__(parent)
        self.setLocale(french_locale())
        self.setDisplayFormat(DATE_FORMAT)
        self.setCalendarPopup(True)
        self.calendarWidget().setLocale(french_locale())
        self.calendarWidget().installEventFilter(self)
        self._moved_on_by_itself = False
        self._calendar_fallback: date | None = None
        if day is not None:
            self.setDate(day)

    def event(self, event: QEvent) -> bool:
        """Tab leaves the field, as in every other field: QDateEdit moves between the
        day, month and year parts, and an empty date field kept the focus for good (a
        keyboard trap). The parts are typed with their separators."""
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            QWidget.focusNextPrevChild(self, event.key() == Qt.Key.Key_Tab)
            return True
        return super().event(event)

    def set_calendar_fallback(self, day: date | None) -> None:
        """Where the calendar opens when the field has no date (None: today)."""
        self._calendar_fallback = day

    def is_empty(self) -> bool:
        """No date set: the special value (the minimum date) is shown."""
        return bool(self.specialValueText()) and self.date() == self.minimumDate()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        typed = event.text()
        if typed in SEPARATORS and typed and self._moved_on_by_itself:
            self._moved_on_by_itself = False
            event.accept()  # the part was already left when it was full
            return
        before = self.currentSectionIndex()
        super().keyPressEvent(event)
        self._moved_on_by_itself = typed.isdigit() and self.currentSectionIndex() > before

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._moved_on_by_itself = False
        super().focusInEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.calendarWidget() and event.type() == QEvent.Type.Show:
            if self.is_empty():
                opening = self._calendar_fallback or date.today()
                self.calendarWidget().setCurrentPage(opening.year, opening.month)
            else:
                day = self.date()
                self.calendarWidget().setCurrentPage(day.year(), day.month())
        return super().eventFilter(watched, event)
