"""The sync part of the status bar: state, last sync, pending changes, conflicts, progress.

« À jour · dernière synchronisation aujourd'hui à 10:42 · 3 modifications en attente »,
a progress bar during a round, a « 2 conflits » button when the merge left some, and a
« 1 modification refusée » button when the server refused changes for good (or records
received were set aside).
Clicking the state syncs now (or opens the server settings when there is no session).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from fieldvisit.core.dates import day_text
from fieldvisit.ui.base.icons import icon
from fieldvisit.ui.sync.sync_controller import SyncPhase, SyncUiState

if TYPE_CHECKING:
    from fieldvisit.sync.engine import SyncReport
    from fieldvisit.sync.status import SyncStatus

REASON_LENGTH = 90


def _shorten(text: str, length: int = REASON_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class SyncStatusWidget(QWidget):
    #: the person clicked the state: sync now (or sign in)
    state_clicked = Signal()
    #: the person clicked the conflicts count
    conflicts_clicked = Signal()
    #: the person clicked the refused changes count
    refused_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.phase: SyncPhase | None = None
        self.status: SyncStatus | None = None
        self.message: str | None = None
        # What the last round wants the person to know (server restored, files not
        # sent): a short mark here, the sync's own French sentences in the tooltip.
        self.notices: list[str] = []
        self.marks: list[str] = []

        self.state_button = QToolButton(self)
        self.state_button.setObjectName("syncStateButton")
        self.state_button.setAutoRaise(True)
        self.state_button.setIcon(icon("sync"))
        self.state_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.state_button.clicked.connect(self.state_clicked)

        self.detail_label = QLabel(self)
        self.detail_label.setObjectName("syncDetailLabel")

        self.progress = QProgressBar(self)
        self.progress.setObjectName("syncProgress")
        self.progress.setMaximumWidth(140)
        self.progress.setMaximumHeight(14)
        self.progress.setAccessibleName(self.tr("Sync progress"))
        self.progress.hide()

        self.conflicts_button = QToolButton(self)
        self.conflicts_button.setObjectName("syncConflictsButton")
        self.conflicts_button.setAutoRaise(True)
        self.conflicts_button.setIcon(icon("sync-conflict"))
        self.conflicts_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.conflicts_button.setToolTip(
            self.tr("Both you and someone else changed the same thing: choose what to keep.")
        )
        self.conflicts_button.clicked.connect(self.conflicts_clicked)
        self.conflicts_button.hide()

        self.refused_button = QToolButton(self)
        self.refused_button.setObjectName("syncRefusedButton")
        self.refused_button.setAutoRaise(True)
        self.refused_button.setIcon(icon("sync-conflict"))
        self.refused_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.refused_button.setToolTip(
            self.tr(
                "The server refused these changes: they are not sent again as they are. "
                "Click to fix them, keep a copy or give them up."
            )
        )
        self.refused_button.clicked.connect(self.refused_clicked)
        self.refused_button.hide()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.state_button)
        layout.addWidget(self.progress)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.conflicts_button)
        layout.addWidget(self.refused_button)
        self.state_button.hide()  # until the first round says where things stand

    # --- what is shown ---------------------------------------------------------------

    def show_state(self, state: SyncUiState) -> None:
        self.state_button.show()
        self.phase = state.phase
        self.message = state.message
        if state.status is not None:
            self.status = state.status
        if state.report is not None:  # a round went through: its notices replace the last
            self.notices = list(state.report.notices)
            self.marks = self.notice_marks(state.report)
        syncing = state.phase == SyncPhase.SYNCING
        self.progress.setVisible(syncing)
        if syncing:
            self.progress.setRange(0, 0)  # busy until the first progress step
            self.detail_label.setText("")
        self.state_button.setText(self.phase_text(state.phase))
        self.state_button.setToolTip(self._tooltip(state))
        self._show_details()

    def show_status(self, status: SyncStatus) -> None:
        """Fresh counts between rounds (after local edits, after a conflict resolved)."""
        self.status = status
        self._show_details()

    def show_progress(self, stage: str, done: int, total: int) -> None:
        if self.phase != SyncPhase.SYNCING:
            return
        self.progress.setVisible(True)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.detail_label.setText(
            self.tr("{0}: {1}/{2}").format(self.stage_text(stage), done, total)
        )

    def phase_text(self, phase: SyncPhase) -> str:
        return {
            SyncPhase.UNCONFIGURED: self.tr("Sync not set up"),
            SyncPhase.SIGNED_OUT: self.tr("Not signed in"),
            SyncPhase.OFFLINE: self.tr("Offline"),
            SyncPhase.SYNCING: self.tr("Syncing…"),
            SyncPhase.UP_TO_DATE: self.tr("Up to date"),
            SyncPhase.ERROR: self.tr("Sync error"),
        }[phase]

    def notice_marks(self, report: SyncReport) -> list[str]:
        marks = []
        if report.server_restored:
            marks.append(self.tr("server restored from a backup: changes sent again"))
        if report.unsent_files:
            marks.append(self.tr("%n attached file(s) not sent", "", len(report.unsent_files)))
        return marks

    def stage_text(self, stage: str) -> str:
        return {
            "upload": self.tr("Sending attached files"),
            "pull": self.tr("Receiving changes"),
            "push": self.tr("Sending changes"),
        }.get(stage, stage)

    def _tooltip(self, state: SyncUiState) -> str:
        phase = state.phase
        if phase == SyncPhase.UNCONFIGURED:
            return self.tr("No sync server yet: Sync → Server and account…")
        if phase == SyncPhase.SIGNED_OUT:
            return self.tr("Sign in again: Sync → Server and account…")
        if phase == SyncPhase.OFFLINE:
            return self.tr(
                "The server cannot be reached. Your changes stay on this computer and "
                "will be sent at the next sync."
            )
        if phase == SyncPhase.ERROR and state.message:
            return state.message
        return self.tr("Click to sync now (Ctrl+Shift+S)")

    def _show_details(self) -> None:
        parts: list[str] = []
        if self.phase == SyncPhase.ERROR and self.message:
            parts.append(_shorten(self.message))
        status = self.status
        if status is not None and self.phase != SyncPhase.SYNCING:
            if status.last_sync_at is not None:
                parts.append(self.tr("last sync {0}").format(self.when(status.last_sync_at)))
            if status.pending:
                parts.append(self.tr("%n change(s) waiting to be sent", "", status.pending))
        if self.phase != SyncPhase.SYNCING:
            parts.extend(self.marks)
        if self.phase != SyncPhase.SYNCING:  # during a round: the progress text
            self.detail_label.setText(" · ".join(parts))
        self.detail_label.setToolTip("\n".join(filter(None, [self.message, *self.notices])))
        conflicts = status.conflicts if status is not None else 0
        self.conflicts_button.setVisible(conflicts > 0)
        self.conflicts_button.setText(self.tr("%n conflict(s)", "", conflicts))
        refused = status.refused if status is not None else 0
        set_aside = status.set_aside if status is not None else 0
        texts = []
        if refused:
            texts.append(self.tr("%n refused change(s)", "", refused))
        if set_aside:
            texts.append(self.tr("%n received record(s) set aside", "", set_aside))
        self.refused_button.setVisible(bool(texts))
        self.refused_button.setText(" · ".join(texts))

    def when(self, moment: datetime, today: date | None = None) -> str:
        """« aujourd'hui à 10:42 », « hier à 18:05 », « le 03/11/2026 à 09:12 »."""
        local = moment.astimezone()
        today = today or date.today()
        clock = local.strftime("%H:%M")
        if local.date() == today:
            return self.tr("today at {0}").format(clock)
        if local.date() == today - timedelta(days=1):
            return self.tr("yesterday at {0}").format(clock)
        return self.tr("on {0} at {1}").format(day_text(local.date()), clock)
