"""One editor widget per form item type, each reporting a normalised answer value.

Editors emit `value_changed` only for what the person does (never while loading), with
the value the form conventions expect (see `fieldvisit.forms`): "oui"/"non"/"na", a
choice id, a list of choice ids in the form's order, text, a number, an ISO date, an
integer rating; None clears the answer. Photo items have no value of their own: they
show how many photos are linked and ask for one through `photo_requested`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, Qt, Signal
from PySide6.QtGui import QDoubleValidator, QKeyEvent, QPalette, QValidator
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.forms import FormItem, ItemType
from fieldvisit.ui.forms.text_edits import GrowingTextEdit, guard_wheel
from fieldvisit.ui.widgets.date_edit import FrenchDateEdit, python_date
from fieldvisit.ui.widgets.text_limit import LimitedLineEdit

#: single_choice items with more choices than this get a combo box instead of radios
MAX_RADIO_CHOICES = 5
FRENCH = QLocale("fr_FR")
_NO_DATE = QDate(1900, 1, 1)
_PARTIAL_NUMBER = re.compile(r"^[+-]?\d*([.,]\d*)?$")


class ItemEditor(QWidget):
    """Base of the editors: the value API every item row relies on."""

    value_changed = Signal(object)
    #: a text editor lost the focus: pending autosaves should be written now
    editing_finished = Signal()

    def __init__(self, item: FormItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item

    def value(self) -> object:
        raise NotImplementedError

    def set_value(self, value: object) -> None:
        """Show a stored value without emitting value_changed."""
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        """The widget that takes the keyboard focus for this item."""
        return self

    def _describe(self, widget: QWidget, name: str | None = None) -> None:
        widget.setAccessibleName(name or self.item.label)
        if self.item.help:
            widget.setAccessibleDescription(self.item.help)


def _box(parent: QWidget, vertical: bool) -> QVBoxLayout | QHBoxLayout:
    layout = QVBoxLayout(parent) if vertical else QHBoxLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2 if vertical else 6)
    return layout


class ExclusiveButtons(ItemEditor):
    """One of several buttons, or none: clicking the checked one (or Delete) clears it.

    Arrow keys move between the buttons, Space picks; only one button is a Tab stop
    (the checked one, else the first), as with a native radio group.
    """

    def __init__(self, item: FormItem, vertical: bool, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        self._values: list[object] = []
        self._value: object = None
        self._vertical = vertical
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)  # exclusive by hand, so the choice can be cleared
        self._layout = _box(self, vertical)
        self.buttons: list[QAbstractButton] = []
        self._group.idClicked.connect(self._on_clicked)

    def _add_options(
        self, options: Sequence[tuple[object, str]], button_type: type[QAbstractButton]
    ) -> None:
        for value, text in options:
            button = button_type(self)
            button.setText(text)
            button.setCheckable(True)
            if isinstance(button, QRadioButton):
                button.setAutoExclusive(False)
            button.setAccessibleName(f"{self.item.label} : {text}")
            button.installEventFilter(self)
            self._group.addButton(button, len(self.buttons))
            self._layout.addWidget(button)
            self.buttons.append(button)
            self._values.append(value)
        if not self._vertical:
            self._layout.addStretch(1)
        self._update_tab_stop()

    def value(self) -> object:
        return self._value

    def set_value(self, value: object) -> None:
        self._show(value if value in self._values else None)

    def focus_target(self) -> QWidget:
        return self._tab_stop()

    def button_for(self, value: object) -> QAbstractButton:
        """The button of one value (e.g. a choice id, "oui", a rating)."""
        return self.buttons[self._values.index(value)]

    def select(self, value: object) -> None:
        """Pick a value as the person would (emits value_changed)."""
        self._show(value)
        self.value_changed.emit(value)

    def _show(self, value: object) -> None:
        self._value = value
        for option, button in zip(self._values, self.buttons, strict=True):
            button.setChecked(value is not None and option == value)
        self._update_tab_stop()
        self._emphasise_choice()

    def _emphasise_choice(self) -> None:
        """Push buttons: the chosen one in bold on the highlight colour.

        Without it, some styles (and most dark palettes) hardly show a checked push
        button. A palette rather than a style sheet: style sheets make a 60-item form
        several times slower to build.
        """
        for button in self.buttons:
            if not isinstance(button, QPushButton):
                continue
            font = button.font()
            if button.isChecked():
                palette = QPalette(self.palette())
                palette.setColor(
                    QPalette.ColorRole.Button, palette.color(QPalette.ColorRole.Highlight)
                )
                palette.setColor(
                    QPalette.ColorRole.ButtonText,
                    palette.color(QPalette.ColorRole.HighlightedText),
                )
                button.setPalette(palette)
                font.setBold(True)
            elif button.testAttribute(Qt.WidgetAttribute.WA_SetPalette):
                button.setPalette(QPalette())  # back to the inherited palette
                font.setBold(False)
            else:
                continue
            button.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._emphasise_choice()  # e.g. the OS switched between light and dark

    def _on_clicked(self, index: int) -> None:
        button = self.buttons[index]
        self.select(self._values[index] if button.isChecked() else None)

    def _tab_stop(self) -> QAbstractButton:
        for button in self.buttons:
            if button.isChecked():
                return button
        return self.buttons[0]

    def _update_tab_stop(self) -> None:
        stop = self._tab_stop()
        for button in self.buttons:
            policy = Qt.FocusPolicy.StrongFocus if button is stop else Qt.FocusPolicy.ClickFocus
            button.setFocusPolicy(policy)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and watched in self.buttons:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            index = self.buttons.index(watched)  # type: ignore[arg-type]
            if key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
                self.buttons[(index - 1) % len(self.buttons)].setFocus(
                    Qt.FocusReason.TabFocusReason
                )
                return True
            if key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
                self.buttons[(index + 1) % len(self.buttons)].setFocus(
                    Qt.FocusReason.TabFocusReason
                )
                return True
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                if self._value is not None:
                    self.select(None)
                return True
        return super().eventFilter(watched, event)


class YesNoNaEditor(ExclusiveButtons):
    def __init__(self, item: FormItem, parent: QWidget | None = None) -> None:
        super().__init__(item, vertical=False, parent=parent)
        options = [
            ("oui", self.tr("Yes")),
            ("non", self.tr("No")),
            ("na", self.tr("Not applicable")),
        ]
        self._add_options(options, QPushButton)
        for button in self.buttons:
            button.setMinimumWidth(64)
        self.setToolTip(self.tr("Click the selected answer again, or press Delete, to clear it."))


class RadioChoiceEditor(ExclusiveButtons):
    def __init__(self, item: FormItem, parent: QWidget | None = None) -> None:
        options = [(choice.id, choice.label) for choice in item.choices]
        short = sum(len(label) for _, label in options) <= 60
        super().__init__(item, vertical=not short, parent=parent)
        self._add_options(options, QRadioButton)


class RatingEditor(ExclusiveButtons):
    def __init__(self, item: FormItem, parent: QWidget | None = None) -> None:
        super().__init__(item, vertical=False, parent=parent)
        self._add_options([(n, str(n)) for n in range(1, item.scale + 1)], QPushButton)
        for number, button in enumerate(self.buttons, start=1):
            button.setFixedWidth(max(32, button.sizeHint().height() + 8))
            button.setAccessibleName(
                self.tr("{0}: {1} out of {2}").format(item.label, number, item.scale)
            )
        scale = QLabel(self.tr("(1 = lowest, {0} = highest)").format(item.scale), self)
        scale.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._layout.insertWidget(len(self.buttons), scale)


class ComboChoiceEditor(ItemEditor):
    """A long list of choices: a combo box whose first, empty entry means no answer."""

    def __init__(self, item: FormItem, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = _box(self, vertical=False)
        self.combo = QComboBox(self)
        self.combo.addItem(self.tr("(no answer)"), None)
        for choice in item.choices:
            self.combo.addItem(choice.label, choice.id)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        guard_wheel(self.combo)
        self._describe(self.combo)
        layout.addWidget(self.combo)
        layout.addStretch(1)
        self.combo.activated.connect(self._on_activated)

    def value(self) -> object:
        return self.combo.currentData()

    def set_value(self, value: object) -> None:
        index = self.combo.findData(value) if value is not None else 0
        blocked = self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(blocked)

    def focus_target(self) -> QWidget:
        return self.combo

    def select(self, value: object) -> None:
        self.set_value(value)
        self.value_changed.emit(self.value())

    def _on_activated(self, _index: int) -> None:
        self.value_changed.emit(self.value())


class MultiChoiceEditor(ItemEditor):
    def __init__(self, item: FormItem, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(16)
        layout.setVerticalSpacing(2)
        two_columns = len(item.choices) > 5 and all(len(c.label) <= 32 for c in item.choices)
        rows = math.ceil(len(item.choices) / 2) if two_columns else len(item.choices)
        self.boxes: dict[str, QCheckBox] = {}
        for index, choice in enumerate(item.choices):
            box = QCheckBox(choice.label, self)
            box.setAccessibleName(f"{item.label} : {choice.label}")
            box.toggled.connect(self._on_toggled)
            layout.addWidget(box, index % rows, index // rows)
            self.boxes[choice.id] = box
        layout.setColumnStretch(2, 1)

    def value(self) -> object:
        return [choice_id for choice_id, box in self.boxes.items() if box.isChecked()]

    def set_value(self, value: object) -> None:
        chosen = set(value) if isinstance(value, list | tuple | set | frozenset) else set()
        for choice_id, box in self.boxes.items():
            blocked = box.blockSignals(True)
            box.setChecked(choice_id in chosen)
            box.blockSignals(blocked)

    def focus_target(self) -> QWidget:
        return next(iter(self.boxes.values()))

    def _on_toggled(self, _checked: bool) -> None:
        self.value_changed.emit(self.value())


class TextEditor(ItemEditor):
    def __init__(self, item: FormItem, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = _box(self, vertical=False)
        self.edit = LimitedLineEdit(parent=self)
        self.edit.setClearButtonEnabled(True)
        self._describe(self.edit)
        layout.addWidget(self.edit)
        self.edit.textChanged.connect(self._on_text_changed)
        self.edit.editingFinished.connect(self.editing_finished)
        self._loading = False

    def value(self) -> object:
        return self.edit.text()

    def set_value(self, value: object) -> None:
        text = value if isinstance(value, str) else ""
        if text != self.edit.text():
            self._loading = True
            try:
                self.edit.setText(text)
            finally:
                self._loading = False

    def focus_target(self) -> QWidget:
        return self.edit

    def _on_text_changed(self, text: str) -> None:
        if not self._loading:
            self.value_changed.emit(text)


class LongTextEditor(ItemEditor):
    def __init__(self, item: FormItem, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = _box(self, vertical=False)
        self.edit = GrowingTextEdit(self, min_lines=3)
        self._describe(self.edit)
        layout.addWidget(self.edit)
        self.edit.textChanged.connect(self._on_text_changed)
        self.edit.focus_left.connect(self.editing_finished)

    def value(self) -> object:
        return self.edit.toPlainText()

    def set_value(self, value: object) -> None:
        self.edit.set_text_quietly(value if isinstance(value, str) else "")

    def focus_target(self) -> QWidget:
        return self.edit

    def _on_text_changed(self) -> None:
        self.value_changed.emit(self.edit.toPlainText())


def parse_number(text: str) -> int | float | None:
    """French or English decimal notation ("2,5", "2.5", "1 200"); None if not a number."""
    cleaned = text.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if not cleaned or not re.fullmatch(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)", cleaned):
        return None
    cleaned = cleaned.replace(",", ".")
    return float(cleaned) if "." in cleaned else int(cleaned)


def format_number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    if isinstance(value, float):
        return format(value, ".12g").replace(".", ",")
    return str(value)


class NumberValidator(QDoubleValidator):
    """Accepts a decimal comma or point; out-of-range values stay typeable (Intermediate)."""

    def __init__(self, minimum: float | None, maximum: float | None, parent: QObject) -> None:
        super().__init__(parent)
        self.setLocale(FRENCH)
        self.setNotation(QDoubleValidator.Notation.StandardNotation)
        if minimum is not None:
            self.setBottom(minimum)
        if maximum is not None:
            self.setTop(maximum)
        self.minimum = minimum
        self.maximum = maximum

    def validate(self, text: str, pos: int) -> object:
        cleaned = text.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
        if not _PARTIAL_NUMBER.match(cleaned):
            return QValidator.State.Invalid, text, pos
        if cleaned.startswith("-") and self.minimum is not None and self.minimum >= 0:
            return QValidator.State.Invalid, text, pos
        if cleaned == "":
            return QValidator.State.Acceptable, text, pos
        number = parse_number(cleaned)
        if number is None or not self.in_range(number):
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos

    def in_range(self, number: float) -> bool:
        if self.minimum is not None and number < self.minimum:
            return False
        return not (self.maximum is not None and number > self.maximum)


class NumberEditor(ItemEditor):
    """A number typed with a comma or a point, its unit after it, its range in a hint."""

    def __init__(self, item: FormItem, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = _box(self, vertical=False)
        self.edit = QLineEdit(self)
        self.edit.setMaximumWidth(140)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.validator = NumberValidator(item.min, item.max, self.edit)
        self.edit.setValidator(self.validator)
        self._describe(self.edit)
        layout.addWidget(self.edit)
        if item.unit:
            unit = QLabel(item.unit, self)
            unit.setBuddy(self.edit)
            layout.addWidget(unit)
        self.range_hint = QLabel(self._range_text(), self)
        self.range_hint.setObjectName("numberRangeHint")
        self.range_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.range_hint.setVisible(bool(self.range_hint.text()))
        layout.addWidget(self.range_hint)
        layout.addStretch(1)
        self._loading = False
        self.edit.textChanged.connect(self._on_text_changed)
        self.edit.editingFinished.connect(self.editing_finished)

    def _range_text(self) -> str:
        low, high = self.item.min, self.item.max
        if low is not None and high is not None:
            return self.tr("between {0} and {1}").format(format_number(low), format_number(high))
        if low is not None and low != 0:
            return self.tr("at least {0}").format(format_number(low))
        if high is not None:
            return self.tr("at most {0}").format(format_number(high))
        return ""

    def value(self) -> object:
        return parse_number(self.edit.text())

    def set_value(self, value: object) -> None:
        text = format_number(value)
        if parse_number(self.edit.text()) == value and self.edit.text():
            return
        self._loading = True
        try:
            self.edit.setText(text)
        finally:
            self._loading = False
        self._show_range_state(text)

    def focus_target(self) -> QWidget:
        return self.edit

    def _show_range_state(self, text: str) -> None:
        number = parse_number(text)
        wrong = number is not None and not self.validator.in_range(number)
        if wrong == bool(self.edit.property("invalid")):
            return
        self.edit.setProperty("invalid", wrong)
        self.edit.setStyleSheet("QLineEdit { border: 2px solid #d32f2f; }" if wrong else "")
        self.range_hint.setForegroundRole(
            QPalette.ColorRole.Text if wrong else QPalette.ColorRole.PlaceholderText
        )

    def _on_text_changed(self, text: str) -> None:
        self._show_range_state(text)
        if self._loading:
            return
        if not text.strip():
            self.value_changed.emit(None)
            return
        number = parse_number(text)
        if number is not None:
            # Out of range still goes to the service, whose French message says why.
            self.value_changed.emit(number)


class DateEditor(ItemEditor):
    """A French date with a calendar; it may stay empty (shown as "not set")."""

    def __init__(self, item: FormItem, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = _box(self, vertical=False)
        self.edit = FrenchDateEdit(self)
        self.edit.setMinimumDate(_NO_DATE)
        self.edit.setSpecialValueText(self.tr("not set"))
        self.edit.setDate(_NO_DATE)
        self.edit.installEventFilter(self)
        guard_wheel(self.edit)
        self._describe(self.edit)
        layout.addWidget(self.edit)
        self.clear_button = QToolButton(self)
        self.clear_button.setText(self.tr("Clear"))
        self.clear_button.setAccessibleName(self.tr("Clear the date: {0}").format(item.label))
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.clear_button.setToolTip(self.tr("Ctrl+Delete also clears the date."))
        self.clear_button.clicked.connect(self.clear)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self._loading = False
        self.edit.dateChanged.connect(self._on_date_changed)
        self._update_clear_button()

    def value(self) -> object:
        current = self.edit.date()
        return None if current == _NO_DATE else python_date(current).isoformat()

    def set_value(self, value: object) -> None:
        wanted = _NO_DATE
        if isinstance(value, str):
            try:
                day = date.fromisoformat(value)
                wanted = QDate(day.year, day.month, day.day)
            except ValueError:
                wanted = _NO_DATE
        self._loading = True
        try:
            self.edit.setDate(wanted)
        finally:
            self._loading = False
        self._update_clear_button()

    def set_date(self, day: date) -> None:
        """Pick a date as the person would (emits value_changed)."""
        self.edit.setDate(QDate(day.year, day.month, day.day))

    def clear(self) -> None:
        self.edit.setDate(_NO_DATE)

    def focus_target(self) -> QWidget:
        return self.edit

    def _update_clear_button(self) -> None:
        self.clear_button.setEnabled(self.edit.date() != _NO_DATE)

    def _on_date_changed(self, _date: QDate) -> None:
        self._update_clear_button()
        if not self._loading:
            self.value_changed.emit(self.value())

    def set_calendar_fallback(self, day: date | None) -> None:
        """Where the calendar opens while the item has no date: the visit's date."""
        self.edit.set_calendar_fallback(day)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        empty = self.edit.date() == _NO_DATE
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._on_key(event, empty)
        return super().eventFilter(watched, event)

    def _on_key(self, event: QKeyEvent, empty: bool) -> bool:
        """Keys on the date: an empty date starts from today, not from 1900."""
        key = event.key()
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_Delete and control:
            self.clear()
            return True
        if not empty:
            return False
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.set_date(date.today())
            return True
        if event.text().isdigit():
            self.set_date(date.today())
            self.edit.setSelectedSection(QDateEdit.Section.DaySection)
        return False  # the digit is then typed into the day


class PhotoEditor(ItemEditor):
    """How many photos are linked to the item, and a button to add one."""

    photo_requested = Signal()

    def __init__(self, item: FormItem, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        layout = _box(self, vertical=False)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("photoCount")
        layout.addWidget(self.count_label)
        self.add_button = QPushButton(self.tr("Add a photo…"), self)
        self.add_button.setAccessibleName(self.tr("Add a photo: {0}").format(item.label))
        self.add_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.add_button.clicked.connect(self.photo_requested)
        layout.addWidget(self.add_button)
        layout.addStretch(1)
        self._count = 0
        self.set_photo_count(0)

    def value(self) -> object:
        return True if self._count > 0 else None

    def set_value(self, value: object) -> None:
        """A photo item's value follows its linked photos (see set_photo_count)."""

    @property
    def photo_count(self) -> int:
        return self._count

    def set_photo_count(self, count: int) -> None:
        self._count = count
        if count == 0:
            self.count_label.setText(self.tr("No photo linked"))
        elif count == 1:
            self.count_label.setText(self.tr("1 photo linked"))
        else:
            self.count_label.setText(self.tr("{0} photos linked").format(count))

    def focus_target(self) -> QWidget:
        return self.add_button


def make_editor(item: FormItem, parent: QWidget | None = None) -> ItemEditor:
    """The editor for an item's type."""
    if item.type == ItemType.yes_no_na:
        return YesNoNaEditor(item, parent)
    if item.type == ItemType.single_choice:
        if len(item.choices) <= MAX_RADIO_CHOICES:
            return RadioChoiceEditor(item, parent)
        return ComboChoiceEditor(item, parent)
    if item.type == ItemType.multi_choice:
        return MultiChoiceEditor(item, parent)
    if item.type == ItemType.text:
        return TextEditor(item, parent)
    if item.type == ItemType.long_text:
        return LongTextEditor(item, parent)
    if item.type == ItemType.number:
        return NumberEditor(item, parent)
    if item.type == ItemType.date:
        return DateEditor(item, parent)
    if item.type == ItemType.rating:
        return RatingEditor(item, parent)
    return PhotoEditor(item, parent)
