"""The Diagnostic section: each theme's level of concern and observations, plus the
diagnostic form's own questions, in its three parts (constat, sentiment, adéquation).

Part 1 (« Constat de la délinquance ») starts with what the public data proposes for the
visit's commune (screens/commune_card.py): the sources and the period of the SSMSI
edition and a « constat » paragraph, trend by indicator; « Insert the proposal » puts it
into the answers without replacing anything typed (services/constat.py), then the
person edits it like any answer."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.dates import day_text
from fieldvisit.core.domain import CONCERN_LABELS
from fieldvisit.forms import Theme
from fieldvisit.opendata.diagnostic import ConstatProposal
from fieldvisit.screens.commune_card import CommuneCardScreen, load_commune_card
from fieldvisit.screens.visit_form import VisitFormData, load_photo_counts, load_visit_form
from fieldvisit.services import diagnostic as diagnostic_service
from fieldvisit.services.constat import SYNTHESIS, insert_constat_proposal, proposal_items
from fieldvisit.services.evolution import Evolution
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import describe, show_error
from fieldvisit.ui.forms.form_view import FormView
from fieldvisit.ui.forms.text_edits import GrowingTextEdit, guard_wheel
from fieldvisit.ui.workspace.evolution_panel import EvolutionPanel
from fieldvisit.ui.workspace.visit_form_page import VisitFormPage

# Mid-tone colours: they read as a cue on light and dark palettes alike; the level's
# number and label always say the same thing in words.
CONCERN_COLOURS: dict[int | None, str] = {
    None: "#9e9e9e",
    1: "#43a047",
    2: "#f9a825",
    3: "#ef6c00",
    4: "#d32f2f",
}


@cache
def concern_icon(level: int | None) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(CONCERN_COLOURS[level]))
    return QIcon(pixmap)


class ThemeRow(QFrame):
    """One theme: its level of concern (with a colour cue) and observations."""

    level_changed = Signal(str, object)  # theme id, level (None = non évalué)
    observations_changed = Signal(str, str)
    editing_finished = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setObjectName(f"theme_{theme.id}")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 4)
        outer.setSpacing(8)
        # A coloured bar along the theme: painted from a palette (no style sheet, cheap).
        self.cue = QFrame(self)
        self.cue.setObjectName("concernCue")
        self.cue.setFixedWidth(5)
        self.cue.setAutoFillBackground(True)
        outer.addWidget(self.cue)
        layout = QGridLayout()
        layout.setHorizontalSpacing(12)
        outer.addLayout(layout, 1)
        self.label = QLabel(theme.label, self)
        self.label.setWordWrap(True)
        font = QFont(self.label.font())
        font.setWeight(QFont.Weight.DemiBold)
        self.label.setFont(font)
        layout.addWidget(self.label, 0, 0)
        self.level_combo = QComboBox(self)
        for level, text in CONCERN_LABELS.items():
            self.level_combo.addItem(concern_icon(level), text, level)
        self.level_combo.setAccessibleName(self.tr("Level of concern: {0}").format(theme.label))
        guard_wheel(self.level_combo)
        self.level_combo.activated.connect(self._on_level_activated)
        layout.addWidget(self.level_combo, 0, 1, Qt.AlignmentFlag.AlignTop)
        # A follow-up: the level the previous visit gave, under the theme's name, with
        # its colour as a small square.
        self.previous_box = QWidget(self)
        previous_layout = QHBoxLayout(self.previous_box)
        previous_layout.setContentsMargins(0, 0, 0, 0)
        previous_layout.setSpacing(6)
        self.previous_dot = QLabel(self.previous_box)
        previous_layout.addWidget(self.previous_dot)
        self.previous_label = QLabel(self.previous_box)
        self.previous_label.setObjectName("previousLevel")
        self.previous_label.setTextFormat(Qt.TextFormat.PlainText)
        self.previous_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        previous_layout.addWidget(self.previous_label, 1)
        self.previous_box.hide()
        layout.addWidget(self.previous_box, 1, 0, 1, 2)
        row = 2
        if theme.help:
            help_label = QLabel(theme.help, self)
            help_label.setWordWrap(True)
            help_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            layout.addWidget(help_label, row, 0, 1, 2)
            row += 1
        self.observations = GrowingTextEdit(self, min_lines=2)
        self.observations.setPlaceholderText(self.tr("Observations…"))
        self.observations.setAccessibleName(self.tr("Observations: {0}").format(theme.label))
        self.observations.textChanged.connect(self._on_observations_changed)
        self.observations.focus_left.connect(self.editing_finished)
        layout.addWidget(self.observations, row, 0, 1, 2)
        layout.setColumnStretch(0, 1)
        self._show_colour(None)

    def level(self) -> int | None:
        data = self.level_combo.currentData()
        return data if isinstance(data, int) else None

    def set_rating(self, level: int | None, observations: str) -> None:
        """Show stored values without emitting."""
        index = self.level_combo.findData(level) if level is not None else 0
        blocked = self.level_combo.blockSignals(True)
        self.level_combo.setCurrentIndex(max(index, 0))
        self.level_combo.blockSignals(blocked)
        self.observations.set_text_quietly(observations)
        self._show_colour(self.level())

    def set_previous(self, visit_date: str | None, level: int | None = None) -> None:
        """« Visite du 12/03/2026 : 3 – Préoccupant »; None hides it (a first visit)."""
        if visit_date is None:
            self.previous_box.hide()
            self.previous_label.clear()
            return
        words = self.tr("Visit of {0}: {1}").format(visit_date, CONCERN_LABELS[level])
        self.previous_label.setText(words)
        self.previous_dot.setPixmap(concern_icon(level).pixmap(10, 10))
        self.previous_box.show()

    def previous_text(self) -> str:
        return self.previous_label.text() if self.previous_box.isVisibleTo(self) else ""

    def select_level(self, level: int | None) -> None:
        """Pick a level as the person would (emits level_changed)."""
        self.level_combo.setCurrentIndex(max(self.level_combo.findData(level), 0))
        self._on_level_activated(self.level_combo.currentIndex())

    def cue_colour(self) -> str:
        return self.cue.palette().color(QPalette.ColorRole.Window).name()

    def _show_colour(self, level: int | None) -> None:
        palette = self.cue.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(CONCERN_COLOURS[level]))
        self.cue.setPalette(palette)
        self.level_combo.setToolTip(CONCERN_LABELS[level])

    def _on_level_activated(self, _index: int) -> None:
        level = self.level()
        self._show_colour(level)
        self.level_changed.emit(self.theme.id, level)

    def _on_observations_changed(self) -> None:
        self.observations_changed.emit(self.theme.id, self.observations.toPlainText())


class ProposalPanel(QFrame):
    """What the public data proposes for part 1, with the one button that inserts it."""

    insert_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("constatProposal")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.proposal: ConstatProposal | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel(self.tr("Proposal from the public data"), self)
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.details = QLabel(self)
        self.details.setObjectName("proposalDetails")
        self.details.setWordWrap(True)
        layout.addWidget(self.details)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("proposalText")
        self.text.setReadOnly(True)
        self.text.setAccessibleName(self.tr("Proposed constat"))
        self.text.setMaximumHeight(150)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        self.insert_button = QPushButton(self.tr("Insert the proposal"), self)
        self.insert_button.setObjectName("insertProposal")
        self.insert_button.clicked.connect(self.insert_requested)
        row.addWidget(self.insert_button)
        hint = QLabel(
            self.tr(
                "Fills the empty items of this part and adds the paragraph after what is "
                "already written: nothing typed is replaced; edit it afterwards."
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        row.addWidget(hint, 1)
        layout.addLayout(row)

    def show_proposal(self, card: CommuneCardScreen) -> None:
        proposal = self.proposal = card.proposal
        if proposal is None:
            self.details.setText(
                card.how_to_import
                or self.tr("No recorded crime figures for this commune: {0}").format(
                    card.crime_missing or ""
                )
            )
            self.text.hide()
            self.insert_button.hide()
            return
        self.details.setText(
            self.tr("Sources: {0}. Period: {1}. Data up to {2}.").format(
                proposal.source_line,
                proposal.periode_analysee,
                proposal.date_donnees.strftime("%d/%m/%Y"),
            )
        )
        self.text.setPlainText(proposal.constat)
        self.text.show()
        self.insert_button.show()


class DiagnosticPage(VisitFormPage):
    photo_requested = Signal(str, str)
    # visits: an empty date item's calendar opens on the visit's date; recommendations:
    # a follow-up shows what became of the previous visit's plan
    shows = frozenset(
        {
            "answers",
            "attachments",
            "theme_ratings",
            "visits",
            "recommendations",
            "visit_participants",
        }
    )

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("diagnosticPage")
        self.theme_rows: dict[str, ThemeRow] = {}
        self.evolution_panel: EvolutionPanel | None = None
        self.proposal_panel: ProposalPanel | None = None
        self._proposal_code: str | None = None
        self._commune_code: str | None = None
        self._heading_font = QFont(self.font())
        self._heading_font.setBold(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("diagnosticSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setContentsMargins(8, 8, 8, 0)
        layout.addWidget(self.summary_label)
        self.form_view = FormView(ctx, self)
        self.form_view.answer_changed.connect(self._on_answer_changed)
        self.form_view.bound_changed.connect(self._on_bound_changed)
        self.form_view.comment_changed.connect(self._on_comment_changed)
        self.form_view.editing_finished.connect(self._on_editing_finished)
        self.form_view.photo_requested.connect(self.photo_requested)
        self.form_view.history_requested.connect(self.show_item_history)
        layout.addWidget(self.form_view, 1)

    def section_title(self) -> str:
        return self.tr("Diagnostic")

    # --- loading ----------------------------------------------------------------------

    def load_visit(self, visit_id: str) -> None:
        self.flush()
        super().load_visit(visit_id)
        self.ctx.run(
            self.ctx.call(load_visit_form, visit_id, "diagnostic"),
            self._on_loaded,
            self,
            self._on_load_failed,
        )

    def _on_loaded(self, data: VisitFormData) -> None:
        if data.visit_id != self.visit_id:
            return
        same_visit = self._shown_visit == data.visit_id
        self._shown_visit = data.visit_id
        self.form_id = data.form.id
        rated = {theme for theme, (level, _notes) in data.ratings.items() if level is not None}
        rebuilt = self.form_view.set_form(
            data.form,
            data.answers,
            data.comments,
            data.photo_counts,
            keep_focused=same_visit,
            rated_themes=rated,
            visit_date=data.visit_date,
            bound=data.bound,
        )
        self._commune_code = data.commune_code
        if rebuilt:
            self._build_proposal_panel()
            self._build_themes()
        if self.proposal_panel is not None and self._proposal_code != data.commune_code:
            self.reload_proposal()
        for theme_id, row in self.theme_rows.items():
            level, observations = data.ratings.get(theme_id, (None, ""))
            row.set_rating(level, observations)
        self._show_evolution(data.evolution)
        self._update_summary()

    def _show_evolution(self, evolution: Evolution | None) -> None:
        """A follow-up: each theme's level at the previous visit, and its plan now."""
        when = day_text(evolution.previous_visit_date) if evolution is not None else None
        for theme_id, row in self.theme_rows.items():
            row.set_previous(when, evolution.level_then(theme_id) if evolution else None)
        if self.evolution_panel is not None:
            self.evolution_panel.set_evolution(evolution)

    def _on_load_failed(self, err: BaseException) -> None:
        self.form_id = None
        self._shown_visit = None
        self.theme_rows.clear()
        self.evolution_panel = None
        self.form_view.set_form(None)
        self.summary_label.setText(self.tr("The diagnostic of this visit cannot be shown."))
        show_error(self, err)

    def refresh_photo_counts(self) -> None:
        """Re-read how many photos are linked to each item (after a photo import)."""
        if self.visit_id is None or self.form_id is None:
            return
        self.ctx.run(
            self.ctx.call(load_photo_counts, self.visit_id, self.form_id),
            self.form_view.set_photo_counts,
            self,
        )

    # --- the proposal of part 1 -------------------------------------------------------

    def _build_proposal_panel(self) -> None:
        self.proposal_panel = None
        self._proposal_code = None
        form = self.form_view.form
        if form is None or not proposal_items(form):
            return
        for section in form.sections:
            if any(item.id == SYNTHESIS for item in section.items):
                panel = ProposalPanel()
                panel.insert_requested.connect(self.insert_proposal)
                panel.hide()
                self.form_view.add_section_widget(section.id, panel)
                panel.hide()  # shown once the card is read
                self.proposal_panel = panel
                return

    def reload_proposal(self) -> None:
        """Read the commune's card again for the proposal (after an import, say)."""
        if self.proposal_panel is None or self._commune_code is None:
            return
        code = self._proposal_code = self._commune_code
        self.ctx.run(
            self.ctx.call(load_commune_card, code),
            on_success=self._proposal_loaded,
            on_failure=self._proposal_failed,
            parent=self,
        )

    def _proposal_loaded(self, card: CommuneCardScreen) -> None:
        if self.proposal_panel is None or card.code != self._proposal_code:
            return
        self.proposal_panel.show_proposal(card)
        self.proposal_panel.show()

    def _proposal_failed(self, err: BaseException) -> None:
        """Said in the panel, not in a box: part 1 can be filled in all the same."""
        panel = self.proposal_panel
        if panel is None:
            return
        panel.proposal = None
        panel.details.setText(describe(err)[1])
        panel.text.hide()
        panel.insert_button.hide()
        panel.show()

    def insert_proposal(self) -> None:
        panel = self.proposal_panel
        if panel is None or panel.proposal is None or self.visit_id is None:
            return
        if self.form_id is None:
            return
        self.flush()  # what was just typed is saved first, then kept
        visit_id = self.visit_id
        self.ctx.run(
            self.ctx.call(insert_constat_proposal, visit_id, self.form_id, panel.proposal),
            on_success=lambda _changed: self.load_visit(visit_id),
            parent=self,
        )

    def _build_themes(self) -> None:
        self.theme_rows.clear()
        self.evolution_panel = None
        form = self.form_view.form
        if form is None:
            return
        for section in form.sections:
            if not section.themes:
                continue
            panel = QWidget()
            panel_layout = QVBoxLayout(panel)
            panel_layout.setContentsMargins(0, 0, 0, 8)
            if self.evolution_panel is None:  # above the first themes
                self.evolution_panel = EvolutionPanel(panel)
                panel_layout.addWidget(self.evolution_panel)
            heading = QLabel(self.tr("Themes: level of concern and observations"), panel)
            heading.setObjectName("themesHeading")
            heading.setFont(self._heading_font)
            panel_layout.addWidget(heading)
            for theme in section.themes:
                row = ThemeRow(theme, panel)
                row.level_changed.connect(self._on_level_changed)
                row.observations_changed.connect(self._on_observations_changed)
                row.editing_finished.connect(self.flush)
                panel_layout.addWidget(row)
                self.theme_rows[theme.id] = row
            if section.items:
                questions = QLabel(self.tr("Questions"), panel)
                questions.setObjectName("questionsHeading")
                questions.setFont(self._heading_font)
                panel_layout.addWidget(questions)
            self.form_view.add_section_widget(section.id, panel)

    # --- saving -----------------------------------------------------------------------

    def _on_level_changed(self, theme_id: str, level: object) -> None:
        if self.visit_id is None:
            return
        save = self.ctx.call(diagnostic_service.rate_theme, self.visit_id, theme_id, level)
        self._debouncer.schedule(("level", self.visit_id, theme_id), save)
        self.form_view.set_rated_themes(self.rated_themes())
        self._update_summary()

    def _on_observations_changed(self, theme_id: str, text: str) -> None:
        if self.visit_id is None:
            return
        save = self.ctx.call(
            diagnostic_service.rate_theme, self.visit_id, theme_id, observations=text
        )
        self._debouncer.schedule(("observations", self.visit_id, theme_id), save)

    # --- summary ----------------------------------------------------------------------

    def rated_themes(self) -> set[str]:
        """The themes shown with a level of concern."""
        return {theme_id for theme_id, row in self.theme_rows.items() if row.level() is not None}

    def level_counts(self) -> dict[int | None, int]:
        counts: dict[int | None, int] = dict.fromkeys(CONCERN_LABELS, 0)
        for row in self.theme_rows.values():
            counts[row.level()] += 1
        return counts

    def _update_summary(self) -> None:
        counts = self.level_counts()
        total = len(self.theme_rows)
        evaluated = total - counts[None]
        text = self.tr("{0} of {1} themes evaluated").format(evaluated, total)
        details = [
            self.tr("{0}: {1}").format(CONCERN_LABELS[level], n)
            for level, n in counts.items()
            if level is not None and n
        ]
        if details:
            text = f"{text} — {' · '.join(details)}"
        self.summary_label.setText(text)

    def next_unanswered_required(self) -> bool:
        return self.form_view.focus_next_unanswered_required()
