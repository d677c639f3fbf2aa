"""The visit workspace: a header, the list of sections, the current section's page, and
the quick-notes pad always visible on the right.

Sections: Informations · Checklist · Entretiens · Diagnostic · Plan d'actions ·
Observations · Photos · Rapport. Every page is a `WorkspacePage` (ui/workspace/pages.py)
whose class `SECTIONS` names; the signals between pages are connected by name in
`_wire_pages`, so a renamed one fails when the workspace is built. Opening a visit loads every page.

What changes the open visit arrives by the one change signal (ui/base/changes.py), whoever
made it: another page, the quick notes, a sync round, a resolved conflict. The header
reads the visit again when its facts or progress may have moved; a page whose tables
(`WorkspacePage.shows`) changed is refreshed at once if shown, when next shown
otherwise, and, if the person is typing in it, once the keyboard focus leaves it (a
sync never pulls a field out from under the cursor). Pending edits are written first.
The page that made a change shows it already and is left as it is.

Shortcuts (window-wide while the workspace is shown, ui/base/shortcuts.py): Alt+Left back
to the visit list, Ctrl+PgDown / Ctrl+PgUp next / previous section, Ctrl+Shift+N type a
quick note, Ctrl+Shift+A add a recommendation, Ctrl+Shift+O add an observation of the
walk, Ctrl+Shift+G sign the report on screen (whatever has the focus). When
the window around the workspace already has actions for some of these keys (the main
window's Go menu), the workspace's own shortcuts for those keys stand down: two
shortcuts on one key would both be ambiguous and neither would fire.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TypeVar

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.domain import VisitStatus, VisitType
from fieldvisit.screens.header import VisitHeader, load_header
from fieldvisit.store.changes import Changes
from fieldvisit.ui.base import shortcuts as keys
from fieldvisit.ui.base.changes import made_by
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.icons import icon
from fieldvisit.ui.workspace.actions_page import ActionsPage
from fieldvisit.ui.workspace.checklist_page import ChecklistPage
from fieldvisit.ui.workspace.diagnostic_page import DiagnosticPage
from fieldvisit.ui.workspace.info_page import InfoPage
from fieldvisit.ui.workspace.interviews_page import InterviewsPage
from fieldvisit.ui.workspace.notes_pad import NotesPad
from fieldvisit.ui.workspace.observations_page import ObservationsPage
from fieldvisit.ui.workspace.pages import ReadOnlyGuard, WorkspacePage, lock_editors
from fieldvisit.ui.workspace.photos_page import PhotosPage
from fieldvisit.ui.workspace.report_page import ReportPage
from fieldvisit.ui.workspace.workspace_common import ask_confirmation, long_date

SPLITTER_KEY = "workspace/splitter"
#: what the header shows: the visit's facts and its progress (screens/header.py)
HEADER_SHOWS = frozenset({"visits", "answers", "attachments", "theme_ratings"})
NOTES_VISIBLE_KEY = "workspace/notes_visible"


@dataclass(frozen=True)
class SectionSpec:
    key: str
    page_class: type[WorkspacePage]
    icon_name: str
    fallback_icon: QStyle.StandardPixmap


# The workspace's sections, in the order of the section list: one page class each.
SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("info", InfoPage, "section-info", QStyle.StandardPixmap.SP_FileDialogInfoView),
    SectionSpec(
        "checklist", ChecklistPage, "section-checklist", QStyle.StandardPixmap.SP_DialogApplyButton
    ),
    SectionSpec(
        "interviews",
        InterviewsPage,
        "section-interviews",
        QStyle.StandardPixmap.SP_MessageBoxQuestion,
    ),
    SectionSpec(
        "diagnostic",
        DiagnosticPage,
        "section-diagnostic",
        QStyle.StandardPixmap.SP_MessageBoxWarning,
    ),
    SectionSpec(
        "actions", ActionsPage, "section-actions", QStyle.StandardPixmap.SP_FileDialogListView
    ),
    SectionSpec(
        "observations",
        ObservationsPage,
        "section-observations",
        QStyle.StandardPixmap.SP_FileDialogDetailedView,
    ),
    SectionSpec("photos", PhotosPage, "section-photos", QStyle.StandardPixmap.SP_DirIcon),
    SectionSpec("report", ReportPage, "section-report", QStyle.StandardPixmap.SP_FileIcon),
)

Page = TypeVar("Page", bound=WorkspacePage)


def _label(enum: type[VisitType] | type[VisitStatus], value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value


class VisitWorkspace(QWidget):
    #: the person asked to go back to the visit list
    back_requested = Signal()
    #: a visit was opened (also from inside: the link to a follow-up's previous visit)
    visit_opened = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visit_id: str | None = None
        self.header: VisitHeader | None = None
        #: pages to refresh when next shown, with what changed meanwhile
        self._stale: dict[int, Changes] = {}
        self._current_row = -1
        #: pages (or the notes) being typed in, refreshed once the focus leaves them
        self._waiting_for_focus: dict[WorkspacePage | NotesPad, Changes] = {}
        self._focus_connected = False

        # Header
        self.back_button = QPushButton(icon("back"), self.tr("Visits"), self)
        self.back_button.setObjectName("backButton")
        self.back_button.setToolTip(self.tr("Back to the visit list (Alt+Left)"))
        self.back_button.setAccessibleName(self.tr("Back to the visit list"))
        self.back_button.clicked.connect(self.go_back)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("workspaceTitle")
        self.date_label = QLabel(self)
        self.date_label.setObjectName("workspaceDate")
        self.type_label = QLabel(self)
        self.type_label.setObjectName("workspaceType")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("workspaceStatus")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("workspaceProgress")
        self.progress.setAccessibleName(self.tr("Answered items"))
        self.progress.setMaximumWidth(220)
        # Wide enough for its text ("55/72 renseignés"), which would otherwise wrap.
        widest = self.tr("{0}/{1} answered").format(888, 888)
        self.progress.setMinimumWidth(min(220, self.fontMetrics().horizontalAdvance(widest) + 30))
        self.notes_button = QToolButton(self)
        self.notes_button.setText(self.tr("Quick notes"))
        self.notes_button.setToolTip(self.tr("Show or hide the quick notes (Ctrl+Shift+N)"))
        self.notes_button.setCheckable(True)
        self.notes_button.toggled.connect(self._notes_toggled)

        # Read-only once the report is issued: why, and how to edit again.
        self.issued_banner = QFrame(self)
        self.issued_banner.setObjectName("issuedBanner")
        self.issued_banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.issued_banner.setStyleSheet(
            "#issuedBanner { background: #fff4ce; border: 1px solid #d8b200; }"
        )
        banner = QHBoxLayout(self.issued_banner)
        banner.setContentsMargins(6, 2, 6, 2)
        self.issued_banner_label = QLabel(self.issued_banner)
        self.issued_banner_label.setObjectName("issuedBannerText")
        self.issued_banner_label.setWordWrap(False)  # two lines, each whole
        self.issued_banner_label.setText(
            self.tr(
                "<b>Report issued: the visit is read-only</b>, as the report sent.<br>"
                "To change it, reopen it: the next report will be a new version."
            )
        )
        self.reopen_button = QPushButton(self.tr("Reopen the visit…"), self.issued_banner)
        self.reopen_button.setObjectName("reopenIssuedVisit")
        self.reopen_button.clicked.connect(self.reopen_visit)
        banner.addWidget(self.issued_banner_label, 1)
        banner.addWidget(self.reopen_button)
        self.issued_banner.hide()
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title_label)
        facts = QHBoxLayout()
        facts.setSpacing(10)
        for label in (self.date_label, self.type_label, self.status_label):
            facts.addWidget(label)
        facts.addStretch(1)
        titles.addLayout(facts)
        header.addLayout(titles, 1)
        # In the header row, where it costs no height on a 768-pixel screen.
        header.addWidget(self.issued_banner)
        header.addWidget(self.progress)
        header.addWidget(self.notes_button)

        # Sections and pages
        self.sections = QListWidget(self)
        self.sections.setObjectName("sectionList")
        self.sections.setAccessibleName(self.tr("Sections of the visit"))
        self.sections.setIconSize(QSize(20, 20))
        self.sections.setMinimumWidth(150)
        self.stack = QStackedWidget(self)
        self.pages: dict[str, WorkspacePage] = {}
        for spec in SECTIONS:
            page = spec.page_class(ctx, self.stack)
            self.pages[spec.key] = page
            self.stack.addWidget(page)
            entry = QListWidgetItem(self._section_icon(spec), page.section_title())
            entry.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.sections.addItem(entry)
        self.sections.setMaximumWidth(self.sections.sizeHintForColumn(0) + 40)
        self.sections.currentRowChanged.connect(self._section_changed)
        self._wire_pages()

        self.notes = NotesPad(ctx, self)
        self.notes.observation_requested.connect(self.add_observation)
        ctx.changes.changed.connect(self._on_changes)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("workspaceSplitter")
        self.splitter.addWidget(self.sections)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.notes)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([170, 700, 280])
        state = ctx.settings.value(SPLITTER_KEY)
        if state is not None:
            self.splitter.restoreState(state)
        self.splitter.splitterMoved.connect(self._remember_splitter)

        self.read_only_guard = ReadOnlyGuard(list(self.pages.values()), self)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.splitter, 1)

        notes_visible = str(ctx.settings.value(NOTES_VISIBLE_KEY, "true")).lower() != "false"
        self.notes_button.setChecked(notes_visible)
        self.notes.setVisible(notes_visible)

        self.shortcuts = [
            # Alt+Left only: in a workspace on its own, Esc stays the editors' (cancel an edit).
            *self._shortcuts(keys.BACK.sequences()[:1], self.go_back),
            *self._shortcuts(keys.NEXT_SECTION.sequences(), self.next_section),
            *self._shortcuts(keys.PREVIOUS_SECTION.sequences(), self.previous_section),
            *self._shortcuts(keys.QUICK_NOTE.sequences(), self.focus_notes),
            *self._shortcuts(keys.ADD_RECOMMENDATION.sequences(), self.add_recommendation),
            *self._shortcuts(keys.ADD_OBSERVATION.sequences(), self.add_observation),
            *self._shortcuts(keys.SIGN.sequences(), self.sign),
        ]
        self.sections.setCurrentRow(0)

    # --- building --------------------------------------------------------------------

    def _section_icon(self, spec: SectionSpec) -> QIcon:
        drawn = icon(spec.icon_name)
        return drawn if not drawn.isNull() else self.style().standardIcon(spec.fallback_icon)

    def _shortcuts(self, sequences: list[QKeySequence], slot: object) -> list[QShortcut]:
        """Window-wide while the workspace is shown: from the list of sections too."""
        made = []
        for sequence in sequences:
            shortcut = QShortcut(sequence, self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            made.append(shortcut)
        return made

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._stand_down_for_window_actions()

    def _stand_down_for_window_actions(self) -> None:
        """Disable a shortcut whose key an action of the enclosing window already has."""
        window = self.window()
        taken: set[str] = set()
        if window is not self:
            for action in window.findChildren(QAction):
                owner = action.parent()
                if isinstance(owner, QWidget) and (owner is self or self.isAncestorOf(owner)):
                    continue  # the workspace's own
                taken.update(key.toString() for key in action.shortcuts())
        for shortcut in self.shortcuts:
            shortcut.setEnabled(shortcut.key().toString() not in taken)

    def page(self, page_class: type[Page]) -> Page:
        """The workspace's page of that class (one per section)."""
        for page in self.pages.values():
            if isinstance(page, page_class):
                return page
        raise KeyError(page_class.__name__)

    def _wire_pages(self) -> None:
        """Connections between pages that know of each other only through the workspace.

        Each is made by name on the page's class: a signal renamed fails here, at once,
        instead of leaving a button that does nothing."""
        info = self.page(InfoPage)
        info.jump_to_missing_requested.connect(self.next_unanswered_required)
        info.open_visit_requested.connect(self.open_visit)
        self.page(ChecklistPage).photo_requested.connect(self.request_photos)
        self.page(DiagnosticPage).photo_requested.connect(self.request_photos)

    # --- visits ----------------------------------------------------------------------

    def open_visit(self, visit_id: str) -> None:
        """Show a visit (flushing the previous one's pending edits first)."""
        self.flush()
        self._stop_waiting_for_focus()
        self.visit_id = visit_id
        self.header = None
        self._stale.clear()
        self._load_header()
        for page in self.pages.values():
            page.load_visit(visit_id)
        self.notes.load_visit(visit_id)
        self.visit_opened.emit(visit_id)

    def public_data_changed(self) -> None:
        """Public data was imported: the commune card and the diagnostic's proposal of
        the open visit are read again."""
        if self.visit_id is None:
            return
        self.page(InfoPage).reload_card()
        self.page(DiagnosticPage).reload_proposal()

    # --- changes ---------------------------------------------------------------------

    def _on_changes(self, changes: Changes, origin: object) -> None:
        """Show what an operation changed of the open visit (ui/base/changes.py)."""
        visit_id = self.visit_id
        if visit_id is None:
            return
        if changes.touches(visit_id, HEADER_SHOWS):
            self._load_header()
        current = self.current_page()
        for row, page in enumerate(self.pages.values()):
            if made_by(page, origin) or not changes.touches(visit_id, page.shows):
                continue
            if page is current:
                self._refresh_unless_focused(page, changes)
            else:
                self._stale[row] = self._stale.get(row, Changes()) | changes
        if not made_by(self.notes, origin) and changes.touches(visit_id, self.notes.shows):
            self._refresh_unless_focused(self.notes, changes)

    def _refresh_unless_focused(self, widget: WorkspacePage | NotesPad, changes: Changes) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and (focus is widget or widget.isAncestorOf(focus)):
            waiting = self._waiting_for_focus.get(widget, Changes())
            self._waiting_for_focus[widget] = waiting | changes
            app = QApplication.instance()
            if isinstance(app, QApplication) and not self._focus_connected:
                app.focusChanged.connect(self._focus_moved)
                self._focus_connected = True
        else:
            widget.flush()  # its pending edits are written before it reads again
            widget.refresh(changes)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        for widget, changes in list(self._waiting_for_focus.items()):
            if new is None or not (new is widget or widget.isAncestorOf(new)):
                del self._waiting_for_focus[widget]
                if self.visit_id is not None:
                    widget.flush()
                    widget.refresh(changes)
        if not self._waiting_for_focus:
            self._stop_waiting_for_focus()

    def _stop_waiting_for_focus(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._focus_connected:
            app.focusChanged.disconnect(self._focus_moved)
        self._focus_connected = False
        self._waiting_for_focus.clear()

    def _load_header(self) -> None:
        if self.visit_id is not None:
            self.ctx.run(self.ctx.call(load_header, self.visit_id), self._show_header, self)

    def _show_header(self, header: VisitHeader) -> None:
        if header.visit.id != self.visit_id:
            return
        self.header = header
        visit = header.visit
        self.title_label.setText(f"<h2>{escape(visit.commune_name)} ({visit.departement})</h2>")
        self.date_label.setText(long_date(visit.visit_date))
        self.type_label.setText(f"· {_label(VisitType, visit.visit_type)}")
        self.status_label.setText(f"· <b>{_label(VisitStatus, visit.status)}</b>")
        self.progress.setRange(0, max(header.total, 1))
        self.progress.setValue(header.answered)
        self.progress.setFormat(self.tr("{0}/{1} answered").format(header.answered, header.total))
        tip = self.tr("{0} of the {1} items shown in the checklist and diagnostic are answered")
        tip = tip.format(header.answered, header.total)
        if header.progress.themes:
            tip += "\n" + self.tr("{0} of the {1} themes of the diagnostic are rated").format(
                header.progress.themes_rated, header.progress.themes
            )
        self.progress.setToolTip(tip)
        self._show_read_only(visit.status == VisitStatus.RAPPORT_EMIS)

    def _show_read_only(self, read_only: bool) -> None:
        """The banner and every page's editors follow the visit's status."""
        self.issued_banner.setVisible(read_only)
        self.read_only_guard.set_active(read_only)
        lock_editors(self.notes, read_only)  # a quick note is a record of the visit too
        for page in self.pages.values():
            if page.read_only != read_only:
                page.set_read_only(read_only)
            else:
                page.apply_read_only()

    def reopen_visit(self) -> None:
        """« Rouvrir » an issued visit, once confirmed (the issued PDFs stay)."""
        if self.visit_id is None:
            return
        from fieldvisit.services import visits

        visit_id = self.visit_id

        def reopen() -> None:
            self.ctx.run(self.ctx.call(visits.reopen_visit, visit_id), None, self)

        self.reopen_box = ask_confirmation(
            self,
            self.tr("Reopen the visit"),
            self.tr(
                "The visit becomes editable again (« in progress »). The report already "
                "issued stays exactly as it was issued; the next one will be a new "
                "version."
            ),
            self.tr("Reopen"),
            reopen,
        )

    def flush(self) -> None:
        """Write every pending edit of every page now (autosave on leave/close)."""
        for page in self.pages.values():
            page.flush()
        self.notes.flush()

    def go_back(self) -> None:
        self.flush()
        self.back_requested.emit()

    # --- sections --------------------------------------------------------------------

    def current_page(self) -> WorkspacePage:
        page = self.stack.currentWidget()
        assert isinstance(page, WorkspacePage)
        return page

    def current_section(self) -> str:
        return SECTIONS[max(self.sections.currentRow(), 0)].key

    def show_section(self, key: str) -> None:
        for row, spec in enumerate(SECTIONS):
            if spec.key == key:
                self.sections.setCurrentRow(row)
                return
        raise KeyError(key)

    def _section_changed(self, row: int) -> None:
        if row < 0:
            return
        if 0 <= self._current_row < self.stack.count() and self._current_row != row:
            page = self.stack.widget(self._current_row)
            if isinstance(page, WorkspacePage):
                page.flush()
        self._current_row = row
        self.stack.setCurrentIndex(row)
        changes = self._stale.pop(row, None)
        if changes is not None and self.visit_id is not None:
            self.current_page().refresh(changes)
        self.current_page().apply_read_only()

    def next_section(self) -> None:
        row = self.sections.currentRow()
        if row < self.sections.count() - 1:
            self.sections.setCurrentRow(row + 1)

    def previous_section(self) -> None:
        row = self.sections.currentRow()
        if row > 0:
            self.sections.setCurrentRow(row - 1)

    def next_unanswered_required(self) -> None:
        """Show the next required item without an answer: the checklist's, else the
        diagnostic grid's (completing a visit needs both)."""
        for key, page in (
            ("checklist", self.page(ChecklistPage)),
            ("diagnostic", self.page(DiagnosticPage)),
        ):
            self.show_section(key)
            if page.next_unanswered_required():
                return
        self.show_section("checklist")  # nothing missing: the checklist says so

    # --- between pages -----------------------------------------------------------------

    def request_photos(self, form_id: str, item_id: str) -> None:
        """A form's photo item asked for photos: choose files, import them linked to it."""
        self.page(PhotosPage).choose_and_import(form_id, item_id)

    def add_observation(self, comment: str = "") -> None:
        """Ctrl+Shift+O from anywhere in the visit (or a quick note turned into one): the
        Observations section, a new observation selected."""
        self.show_section("observations")
        self.page(ObservationsPage).add_observation(comment)

    def sign(self) -> None:
        """Ctrl+Shift+G from anywhere in the visit: Informations, the signature dialog of
        the first signer who has not signed yet."""
        self.show_section("info")
        self.page(InfoPage).sign()

    def add_recommendation(self) -> None:
        """Ctrl+Shift+A from anywhere in the visit: the action plan, a new row."""
        self.show_section("actions")
        self.page(ActionsPage).add_recommendation()

    # --- quick notes -----------------------------------------------------------------

    def focus_notes(self) -> None:
        if not self.notes_button.isChecked():
            self.notes_button.setChecked(True)
        self.notes.focus_input()

    def _notes_toggled(self, visible: bool) -> None:
        self.notes.setVisible(visible)
        self.ctx.settings.setValue(NOTES_VISIBLE_KEY, "true" if visible else "false")

    def _remember_splitter(self, _position: int, _index: int) -> None:
        self.ctx.settings.setValue(SPLITTER_KEY, self.splitter.saveState())
