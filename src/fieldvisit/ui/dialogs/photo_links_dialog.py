"""After an import: which checklist item each new photo belongs to, as proposed.

The proposals come from screens/photos.py (`load_link_proposals`: the item whose answer
was saved closest to when the photo was taken). Nothing is linked until the person
confirms: each row can be unticked or pointed at another item, and « Ne rien lier »
leaves every photo unlinked.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.dates import moment_text
from fieldvisit.screens.common import ItemChoice
from fieldvisit.screens.photos import LinkProposal, link_key


class PhotoLinksDialog(QDialog):
    """Confirm the proposed links; `links()` gives (attachment id, "form/item")."""

    def __init__(
        self,
        proposals: Sequence[LinkProposal],
        choices: Sequence[ItemChoice],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("photoLinksDialog")
        self.setWindowTitle(self.tr("Link the new photos to checklist items"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.proposals = list(proposals)
        intro = QLabel(
            self.tr(
                "These photos were taken while an item of the checklist was being answered "
                "(its answer was saved within 10 minutes of the photo). Check the proposals: "
                "untick a photo or choose another item, then link them."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.proposals), 3, self)
        self.table.setObjectName("photoLinksTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Photo"), self.tr("Taken at"), self.tr("Proposed item")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.combos: list[QComboBox] = []
        for row, proposal in enumerate(self.proposals):
            name = QTableWidgetItem(proposal.photo.filename)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            name.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(row, 0, name)
            taken = proposal.photo.taken_at
            when = QTableWidgetItem(moment_text(taken) if taken is not None else "")
            when.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 1, when)
            combo = QComboBox(self.table)
            combo.setAccessibleName(self.tr("Item for {0}").format(proposal.photo.filename))
            for choice in choices:
                combo.addItem(choice.label, link_key(choice.form_id, choice.item_id))
            combo.setCurrentIndex(
                max(0, combo.findData(link_key(proposal.form_id, proposal.item_id)))
            )
            self.table.setCellWidget(row, 2, combo)
            self.combos.append(combo)
        buttons = QDialogButtonBox(self)
        self.link_button = buttons.addButton(
            self.tr("&Link the ticked photos"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(self.tr("&Link nothing"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(860, min(620, 200 + 34 * len(self.proposals)))

    def links(self) -> list[tuple[str, str]]:
        """The ticked photos and the item chosen for each."""
        chosen = []
        for row, proposal in enumerate(self.proposals):
            entry = self.table.item(row, 0)
            if entry is not None and entry.checkState() == Qt.CheckState.Checked:
                chosen.append((proposal.photo.id, str(self.combos[row].currentData())))
        return chosen
