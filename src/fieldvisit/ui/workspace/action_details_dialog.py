"""« Détails de l'action… »: what a contrat de sécurité needs of one action of the plan.

The table shows an action on one line; its dispositifs, the person who carries it
besides the organisation (a contact of the visit's commune, or « Aucun »), a
description, the estimated cost, the funding lines (one per financeur, with its
amount), the success indicator and the review date are edited here. Opened without
blocking (`open()`), so that a test drives it like a person; OK hands the changed
fields to the page (`changes()`), which writes them through the services in one
update. OK stays disabled, with a line saying why, while two funding lines name the
same financeur (the services would refuse it).

Sized for a 1366×768 screen: two columns, nothing taller than the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.action_plan import MAX_EUROS, NO_DISPOSITIF
from fieldvisit.core.domain import Dispositif, FundingSource
from fieldvisit.screens.common import Person
from fieldvisit.ui.dialogs.contact_dialog import contact_text
from fieldvisit.ui.widgets.date_edit import FrenchDateEdit, french_locale, python_date
from fieldvisit.ui.widgets.text_limit import LimitedLineEdit, LimitedPlainTextEdit
from fieldvisit.ui.workspace.actions_model import RecommendationRow
from fieldvisit.ui.workspace.pages import KEEP_EDITABLE, lock_editors
from fieldvisit.ui.workspace.workspace_common import to_qdate

#: the "no review date" value of the date field, shown with a special text
NO_DATE = QDate(2000, 1, 1)
SOURCE_COLUMN, AMOUNT_COLUMN = 0, 1


def euro_spin(parent: QWidget, accessible_name: str) -> QSpinBox:
    """Whole euros, grouped the French way (« 12 500 € »)."""
    spin = QSpinBox(parent)
    spin.setLocale(french_locale())
    spin.setRange(0, MAX_EUROS)
    spin.setGroupSeparatorShown(True)
    spin.setSuffix("\u00a0€")
    spin.setSingleStep(500)
    spin.setAccessibleName(accessible_name)
    spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("1 000 000 000 €") + 32)
    return spin


class ActionDetailsDialog(QDialog):
    """The details of one saved action (`rec`), among the visit's commune `contacts`."""

    def __init__(
        self,
        rec: RecommendationRow,
        contacts: Sequence[Person],
        parent: QWidget | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.rec = rec
        self.setObjectName("actionDetailsDialog")
        self.setWindowTitle(self.tr("Details of the action"))
        title = QLabel(self)
        title.setObjectName("actionDetailsTitle")
        title.setWordWrap(True)
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setText(rec.text)

        # -- left: dispositifs, porteur, description
        self.dispositif_boxes: dict[str, QCheckBox] = {}
        schemes = QGroupBox(self.tr("Schemes (dispositifs)"), self)
        # One column: some labels are long (« Convention de coordination police
        # municipale / forces de l'État »), two would be wider than the screen.
        ticks = QVBoxLayout(schemes)
        ticks.setSpacing(2)
        for member in Dispositif:
            if member.value == NO_DISPOSITIF:
                continue
            box = QCheckBox(member.label, schemes)
            box.setObjectName(f"dispositif_{member.value}")
            box.setChecked(member.value in rec.dispositifs)
            self.dispositif_boxes[member.value] = box
            ticks.addWidget(box)

        self.porteur_combo = QComboBox(self)
        self.porteur_combo.setObjectName("porteurContact")
        self.porteur_combo.setAccessibleName(self.tr("Named lead"))
        self.porteur_combo.addItem(self.tr("None"), None)
        for person in contacts:
            self.porteur_combo.addItem(contact_text(person), person.id)
        self.porteur_combo.setCurrentIndex(
            max(self.porteur_combo.findData(rec.porteur_contact_id), 0)
        )

        self.description_edit = LimitedPlainTextEdit(self)
        self.description_edit.setObjectName("actionDescription")
        self.description_edit.setAccessibleName(self.tr("Description"))
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setPlainText(rec.description)
        self.description_edit.setMinimumHeight(90)

        left = QFormLayout()
        left.addRow(schemes)
        left.addRow(self.tr("Named lead:"), self.porteur_combo)
        left.addRow(QLabel(self.tr("Description:"), self))
        left.addRow(self.description_edit)

        # -- right: cost, funding, indicator, review date
        self.cost_spin = euro_spin(self, self.tr("Estimated cost"))
        self.cost_spin.setObjectName("estimatedCost")
        self.cost_spin.setSpecialValueText(self.tr("not estimated"))
        self.cost_spin.setValue(rec.estimated_cost or 0)

        self.funding_table = QTableWidget(0, 2, self)
        self.funding_table.setObjectName("fundingTable")
        self.funding_table.setAccessibleName(self.tr("Funding"))
        self.funding_table.setHorizontalHeaderLabels([self.tr("Funder"), self.tr("Amount")])
        self.funding_table.verticalHeader().setVisible(False)
        self.funding_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.funding_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.funding_table.horizontalHeader()
        header.setSectionResizeMode(SOURCE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(AMOUNT_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.funding_table.setMinimumHeight(150)
        self.add_funding_button = QPushButton(self.tr("Add a funder"), self)
        self.add_funding_button.setObjectName("addFunding")
        self.add_funding_button.clicked.connect(lambda: self.add_funding_line())
        self.remove_funding_button = QPushButton(self.tr("Remove"), self)
        self.remove_funding_button.setObjectName("removeFunding")
        self.remove_funding_button.clicked.connect(self.remove_funding_line)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("fundingTotal")
        funding_buttons = QHBoxLayout()
        funding_buttons.addWidget(self.add_funding_button)
        funding_buttons.addWidget(self.remove_funding_button)
        funding_buttons.addStretch(1)
        funding_buttons.addWidget(self.total_label)

        self.indicator_edit = LimitedLineEdit(parent=self)
        self.indicator_edit.setObjectName("successIndicator")
        self.indicator_edit.setAccessibleName(self.tr("Success indicator"))
        self.indicator_edit.setText(rec.success_indicator)

        self.review_edit = FrenchDateEdit(self)
        self.review_edit.setObjectName("reviewDate")
        self.review_edit.setAccessibleName(self.tr("Review date"))
        self.review_edit.setMinimumDate(NO_DATE)
        self.review_edit.setSpecialValueText(self.tr("No review date"))
        self.review_edit.setDate(to_qdate(rec.review_date) if rec.review_date else NO_DATE)
        self.review_edit.installEventFilter(self)
        self.clear_review_button = QToolButton(self)
        self.clear_review_button.setText(self.tr("Clear"))
        self.clear_review_button.setAccessibleName(self.tr("Clear the review date"))
        self.clear_review_button.clicked.connect(lambda: self.review_edit.setDate(NO_DATE))
        review = QHBoxLayout()
        review.addWidget(self.review_edit)
        review.addWidget(self.clear_review_button)
        review.addStretch(1)

        right = QFormLayout()
        right.addRow(self.tr("Estimated cost:"), self.cost_spin)
        right.addRow(QLabel(self.tr("Funding:"), self))
        right.addRow(self.funding_table)
        right.addRow(funding_buttons)
        right.addRow(self.tr("Success indicator:"), self.indicator_edit)
        right.addRow(self.tr("Review date:"), review)

        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(12)
        columns.addLayout(right, 1)

        self.hint = QLabel(self)
        self.hint.setObjectName("actionDetailsHint")
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(columns, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)

        for source, amount in rec.funding:
            self.add_funding_line(source, amount)
        self.cost_spin.valueChanged.connect(self._update)
        # A page's widgets are locked once its visit's report is issued (pages.py), and
        # this dialog is one of the page's: its buttons stay usable, to close it.
        self.buttons.setProperty(KEEP_EDITABLE, True)
        self.read_only = read_only
        if read_only:  # the visit's report was issued: shown, not edited
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
            lock_editors(self, True)
        self._update()
        self.resize(self.sizeHint().boundedTo(self.maximumSize()))

    # --- funding lines ------------------------------------------------------------------

    def add_funding_line(self, source: str | None = None, amount: int = 0) -> int:
        """A new line (a financeur not yet listed, unless `source` says which)."""
        used = {code for code, _ in self.funding_lines()}
        if source is None:
            source = next(
                (m.value for m in FundingSource if m.value not in used), FundingSource.AUTRE.value
            )
        row = self.funding_table.rowCount()
        self.funding_table.insertRow(row)
        combo = QComboBox(self.funding_table)
        combo.setAccessibleName(self.tr("Funder"))
        for member in FundingSource:
            combo.addItem(member.label, member.value)
        combo.setCurrentIndex(max(combo.findData(source), 0))
        combo.currentIndexChanged.connect(self._update)
        spin = euro_spin(self.funding_table, self.tr("Amount"))
        spin.setValue(amount)
        spin.valueChanged.connect(self._update)
        self.funding_table.setCellWidget(row, SOURCE_COLUMN, combo)
        self.funding_table.setCellWidget(row, AMOUNT_COLUMN, spin)
        self.funding_table.resizeRowsToContents()
        self.funding_table.setCurrentCell(row, SOURCE_COLUMN)
        self._update()
        return row

    def remove_funding_line(self) -> None:
        row = self.funding_table.currentRow()
        if row < 0:
            row = self.funding_table.rowCount() - 1
        if row >= 0:
            self.funding_table.removeRow(row)
        self._update()

    def source_combo(self, row: int) -> QComboBox:
        widget = self.funding_table.cellWidget(row, SOURCE_COLUMN)
        assert isinstance(widget, QComboBox)
        return widget

    def amount_spin(self, row: int) -> QSpinBox:
        widget = self.funding_table.cellWidget(row, AMOUNT_COLUMN)
        assert isinstance(widget, QSpinBox)
        return widget

    def funding_lines(self) -> list[tuple[str, int]]:
        return [
            (str(self.source_combo(row).currentData()), self.amount_spin(row).value())
            for row in range(self.funding_table.rowCount())
        ]

    # --- what was edited ------------------------------------------------------------------

    def dispositifs(self) -> tuple[str, ...]:
        """The ticked dispositifs: those the action had, in their order, then the new
        ones in the list's order (the first is the one older apps show)."""
        ticked = {code for code, box in self.dispositif_boxes.items() if box.isChecked()}
        kept = [code for code in self.rec.dispositifs if code in ticked]
        return tuple(kept + [code for code in self.dispositif_boxes if code in ticked - set(kept)])

    def review_date(self) -> date | None:
        chosen = self.review_edit.date()
        return None if chosen == NO_DATE else python_date(chosen)

    def values(self) -> dict[str, Any]:
        """The fields as the dialog shows them, as the row holds them."""
        return {
            "dispositifs": self.dispositifs(),
            "porteur_contact_id": self.porteur_combo.currentData(),
            "description": self.description_edit.toPlainText().strip(),
            "estimated_cost": self.cost_spin.value() or None,
            "funding": tuple(self.funding_lines()),
            "success_indicator": self.indicator_edit.text().strip(),
            "review_date": self.review_date(),
        }

    def changes(self) -> dict[str, Any]:
        """Only the fields changed in the dialog (nothing: nothing to write)."""
        return {
            name: value for name, value in self.values().items() if getattr(self.rec, name) != value
        }

    def problem(self) -> str | None:
        sources = [code for code, _ in self.funding_lines()]
        doubled = next((code for code in sources if sources.count(code) > 1), None)
        if doubled is not None:
            label = FundingSource(doubled).label
            return self.tr("{0} is listed twice: one line per funder.").format(label)
        return None

    def _update(self) -> None:
        lines = self.funding_lines()
        total = sum(amount for _, amount in lines)
        text = ""
        if lines:
            shown = french_locale().toString(total)
            text = self.tr("Total: {0} €").format(shown)
            cost = self.cost_spin.value()
            if cost and total < cost:
                left = french_locale().toString(cost - total)
                text += " · " + self.tr("left to fund: {0} €").format(left)
        # French thousands: a no-break space (Qt's French locale may give a narrow one)
        self.total_label.setText(text.replace("\u202f", "\u00a0").replace(" €", "\u00a0€"))
        self.remove_funding_button.setEnabled(bool(lines))
        problem = self.problem()
        self.hint.setText(problem or "")
        self.hint.setVisible(problem is not None)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setEnabled(problem is None)

    def _accept_if_valid(self) -> None:
        if self.problem() is None and not self.read_only:
            self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # An empty review date starts from today at the first digit typed (from its
        # day part), not from the year 2000 the field holds to mean "none".
        if (
            watched is self.review_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and self.review_edit.date() == NO_DATE
            and event.text().isdigit()
        ):
            self.review_edit.setDate(QDate.currentDate())
            self.review_edit.setSelectedSection(QDateEdit.Section.DaySection)
        return super().eventFilter(watched, event)


__all__ = ["ActionDetailsDialog"]
