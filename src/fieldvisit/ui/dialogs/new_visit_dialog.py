"""Plan a new visit: commune (autocomplete from the reference), date, type, author, forms.

The communes reference (37,000 entries) and the Petites Villes de demain towns of the
imported list are loaded on the worker when the dialog opens; once they are there, each
keystroke searches them in memory (well under a millisecond), so typing never waits.
`st fl` lists Saint-Flour (15). A PVD town is marked in the suggestions, and a check box
limits them to PVD towns. The chosen commune's card (screens/commune_card.py) is read on
the worker and shown beside the form.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QDate, QModelIndex, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.domain import VisitType
from fieldvisit.forms import FormDefinition, FormKind
from fieldvisit.opendata.search import CommuneMatch, PvdTowns, search_communes
from fieldvisit.opendata.store import PublicDataError
from fieldvisit.reference import Commune, CommuneIndex, normalise
from fieldvisit.screens.commune_card import CommuneCardScreen, load_commune_card
from fieldvisit.services import visits
from fieldvisit.services.context import Services
from fieldvisit.store.models import Visit
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import describe
from fieldvisit.ui.dialogs.preferences import AUTHOR_KEY, author_setting
from fieldvisit.ui.widgets.commune_card_view import CommuneCardView
from fieldvisit.ui.widgets.date_edit import FrenchDateEdit, python_date

log = logging.getLogger(__name__)

SUGGESTIONS = 12


def load_communes(svc: Services) -> tuple[CommuneIndex, PvdTowns]:
    """Load the communes reference and build its search indexes, and the PVD towns of
    the imported list (none when it is not imported); run on the worker."""
    index = svc.communes
    index.search("saint", limit=1)  # name index
    index.search("15100", limit=1)  # postal codes and INSEE codes
    try:
        towns = PvdTowns(index, svc.public_data)
    except PublicDataError as err:  # a damaged public data file never stops planning
        log.warning("PVD towns not read: %s", err)
        towns = PvdTowns(index, None)
    return index, towns


class NewVisitDialog(QDialog):
    #: the id of the visit just planned
    visit_created = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("newVisitDialog")
        self.setWindowTitle(self.tr("New visit"))
        self._communes: CommuneIndex | None = None
        self._towns: PvdTowns | None = None
        self._suggestions: list[CommuneMatch] = []
        self._chosen: Commune | None = None
        self._creating = False
        self.created_visit_id: str | None = None

        self.commune_edit = QLineEdit(self)
        self.commune_edit.setObjectName("communeEdit")
        self.commune_edit.setAccessibleName(self.tr("Commune"))
        self.commune_edit.setPlaceholderText(self.tr("Name, postal code or INSEE code"))
        self.commune_edit.setClearButtonEnabled(True)
        self.suggestion_model = QStringListModel(self)
        self.completer = QCompleter(self.suggestion_model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(SUGGESTIONS)
        self.completer.setWidget(self.commune_edit)
        # activated is overloaded (str, QModelIndex); PySide6's stubs do not type its [] choice
        activated = self.completer.activated[QModelIndex]  # type: ignore[index]
        activated.connect(self._suggestion_activated)
        self.commune_edit.textEdited.connect(self._commune_text_edited)
        self.commune_hint = QLabel(self)
        self.commune_hint.setObjectName("communeHint")
        self.commune_hint.setWordWrap(True)
        self.commune_hint.hide()
        self.pvd_only = QCheckBox(self.tr("Petites Villes de demain only"), self)
        self.pvd_only.setObjectName("pvdOnly")
        self.pvd_only.toggled.connect(self._pvd_only_toggled)
        self.card_view = CommuneCardView(self)
        self.card_view.setMinimumWidth(460)

        self.date_edit = FrenchDateEdit(self, QDate.currentDate())
        self.date_edit.setAccessibleName(self.tr("Date of the visit"))

        self.type_combo = QComboBox(self)
        self.type_combo.setAccessibleName(self.tr("Type of visit"))
        for kind in VisitType:
            self.type_combo.addItem(kind.label, kind.value)

        self.author_edit = QLineEdit(author_setting(ctx.settings), self)
        self.author_edit.setAccessibleName(self.tr("Author"))
        self.author_edit.setPlaceholderText(self.tr("Your name (shown in the report)"))

        self.checklist_combo = self._form_combo(
            FormKind.checklist, visits.DEFAULT_CHECKLIST, self.tr("Checklist form")
        )
        self.diagnostic_combo = self._form_combo(
            FormKind.diagnostic, visits.DEFAULT_DIAGNOSTIC, self.tr("Diagnostic form")
        )

        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setWordWrap(True)
        self.problem_label.setAccessibleName(self.tr("Problem"))
        font = self.problem_label.font()
        font.setBold(True)
        self.problem_label.setFont(font)
        self.problem_label.hide()

        form = QFormLayout()
        commune_label = QLabel(self.tr("&Commune:"), self)
        commune_label.setBuddy(self.commune_edit)
        commune_field = QVBoxLayout()
        commune_field.setSpacing(2)
        commune_field.addWidget(self.commune_edit)
        commune_field.addWidget(self.commune_hint)
        commune_field.addWidget(self.pvd_only)
        form.addRow(commune_label, commune_field)
        form.addRow(self.tr("&Date:"), self.date_edit)
        form.addRow(self.tr("&Type:"), self.type_combo)
        form.addRow(self.tr("&Author:"), self.author_edit)
        form.addRow(self.tr("C&hecklist:"), self.checklist_combo)
        form.addRow(self.tr("D&iagnostic:"), self.diagnostic_combo)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Create the visit"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.problem_label)
        left.addStretch(1)
        columns.addLayout(left, 2)
        columns.addWidget(self.card_view, 3)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(960)
        self.resize(1160, 640)  # fits 1366×768 with the card beside the form
        self.commune_edit.setFocus()

        self._set_hint(self.tr("Loading the list of communes…"))
        ctx.run(
            ctx.call(load_communes),
            on_success=self._communes_loaded,
            on_failure=self._communes_failed,
            parent=self,
        )

    # -- forms -----------------------------------------------------------------------

    def _form_combo(self, kind: FormKind, default_id: str, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        forms: list[FormDefinition] = self.ctx.services.forms.latest_of_kind(kind)
        for definition in forms:
            combo.addItem(
                self.tr("{0} (version {1})").format(definition.title, definition.version),
                definition.id,
            )
        index = combo.findData(default_id)
        combo.setCurrentIndex(index if index >= 0 else 0)
        return combo

    # -- commune autocomplete --------------------------------------------------------

    @property
    def chosen_commune(self) -> Commune | None:
        return self._chosen

    def _set_hint(self, text: str) -> None:
        self.commune_hint.setText(text)
        self.commune_hint.setVisible(bool(text))

    def _communes_loaded(self, loaded: tuple[CommuneIndex, PvdTowns]) -> None:
        self._communes, self._towns = loaded
        self._set_hint("")
        if not self._towns.signed:
            self.pvd_only.setEnabled(False)
            self.pvd_only.setToolTip(
                self.tr(
                    "No list of Petites Villes de demain is imported (File › Import public data…)."
                )
            )
        if self.commune_edit.text().strip() and self._chosen is None:
            self._refresh_suggestions(self.commune_edit.text())

    def _communes_failed(self, err: BaseException) -> None:
        log.error("communes reference not loaded", exc_info=err)
        self._set_hint(describe(err)[1])

    def _commune_text_edited(self, text: str) -> None:
        self._chosen = None
        if self.card_view.card is not None:
            self.card_view.show_message(self.tr("Choose a commune to see its card."))
        self.problem_label.hide()
        if self._communes is not None:
            self._set_hint("")
        self._refresh_suggestions(text)

    def _pvd_only_toggled(self, _checked: bool) -> None:
        if self._chosen is None:
            self.commune_edit.setFocus()
            self._refresh_suggestions(self.commune_edit.text())

    def _suggestion_label(self, match: CommuneMatch) -> str:
        if match.pvd:
            return self.tr("{0} — Petites Villes de demain").format(match.commune.label)
        return match.commune.label

    def _refresh_suggestions(self, text: str) -> None:
        if self._communes is None or self._towns is None:
            return  # shown as soon as the reference is loaded
        pvd_only = self.pvd_only.isChecked()
        self._suggestions = (
            search_communes(self._communes, self._towns, text, limit=SUGGESTIONS, pvd_only=pvd_only)
            if text.strip() or pvd_only
            else []
        )
        self.suggestion_model.setStringList(
            [self._suggestion_label(match) for match in self._suggestions]
        )
        if self._suggestions:
            self.completer.complete()
        elif (popup := self.completer.popup()) is not None:
            popup.hide()
            if text.strip():
                self._set_hint(self.tr("No commune matches this text."))

    def _suggestion_activated(self, index: QModelIndex) -> None:
        label = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        for match in self._suggestions:
            if self._suggestion_label(match) == label:
                self.choose_commune(match.commune)
                return

    def choose_commune(self, commune: Commune) -> None:
        self._chosen = commune
        self.commune_edit.setText(commune.label)
        self._set_hint(self._describe_commune(commune))
        self.problem_label.hide()
        self.card_view.show_message(self.tr("Reading the commune card…"))
        self.ctx.run(
            self.ctx.call(load_commune_card, commune.code),
            on_success=self._card_loaded,
            on_failure=self._card_failed,
            parent=self,
        )

    def _card_loaded(self, card: CommuneCardScreen) -> None:
        if self._chosen is not None and card.code == self._chosen.code:
            self.card_view.show_card(card)

    def _card_failed(self, err: BaseException) -> None:
        log.warning("commune card not read: %s", err, exc_info=err)
        self.card_view.show_message(describe(err)[1])

    def _describe_commune(self, commune: Commune) -> str:
        parts = [self.tr("INSEE {0}").format(commune.code), commune.departement_nom]
        if commune.population:
            parts.append(
                self.tr("{0} inhabitants").format(f"{commune.population:,}".replace(",", "\u202f"))
            )
        return " · ".join(parts)

    def _resolve_typed_commune(self) -> Commune | None:
        """The commune meant by the text when none was picked from the list."""
        text = self.commune_edit.text().strip()
        if not text or self._communes is None:
            return None
        exact = self._communes.get(text) if len(text) == 5 else None
        if exact is not None:
            return exact
        wanted = normalise(text)
        candidates = [
            commune
            for commune in self._communes.search(text, limit=SUGGESTIONS)
            if commune.label == text or normalise(commune.nom) == wanted
        ]
        return candidates[0] if len(candidates) == 1 else None

    # -- creating --------------------------------------------------------------------

    def show_problem(self, message: str) -> None:
        self.problem_label.setText(message)
        self.problem_label.show()

    def accept(self) -> None:
        if self._creating:
            return
        commune = self._chosen or self._resolve_typed_commune()
        text = self.commune_edit.text().strip()
        if commune is None:
            if not text:
                self.show_problem(self.tr("Choose the commune of the visit."))
            elif self._communes is None:
                self.show_problem(
                    self.tr("The list of communes is still loading: wait a moment, then pick it.")
                )
            else:
                self.show_problem(
                    self.tr(
                        "Unknown commune: “{0}”. Type a few letters of its name and pick it "
                        "from the list."
                    ).format(text)
                )
            self.commune_edit.setFocus()
            return
        if self.checklist_combo.count() == 0 or self.diagnostic_combo.count() == 0:
            self.show_problem(
                self.tr(
                    "No checklist or diagnostic form is available. Check the forms folder "
                    "(fieldvisit forms check)."
                )
            )
            return
        self._chosen = commune
        author = self.author_edit.text().strip()
        self.ctx.settings.setValue(AUTHOR_KEY, author)
        self._creating = True
        self.ok_button.setEnabled(False)
        self.ctx.run(
            self.ctx.call(
                visits.plan_visit,
                commune.code,
                self.visit_date(),
                VisitType(self.type_combo.currentData()),
                author=author,
                checklist_form=self.checklist_combo.currentData(),
                diagnostic_form=self.diagnostic_combo.currentData(),
            ),
            on_success=self._created,
            on_failure=self._creation_failed,
            parent=self,
        )

    def visit_date(self) -> date:
        return python_date(self.date_edit.date())

    def _created(self, visit: Visit) -> None:
        self._creating = False
        self.created_visit_id = visit.id
        self.visit_created.emit(visit.id)
        super().accept()

    def _creation_failed(self, err: BaseException) -> None:
        self._creating = False
        self.ok_button.setEnabled(True)
        log.warning("visit not created: %s", err, exc_info=err)
        self.show_problem(describe(err)[1])
