"""Automatic sync for the desktop app: when the network comes back, every few minutes
while online, and on demand ("Synchroniser").

No widget here and no user-facing string of its own: the status bar and the dialogs
(ui/sync/sync_ui.py, ui/sync/sync_status.py) listen to `state_changed` and show `SyncUiState`;
error messages are the sync's own French messages.

Rounds run on their own thread, not on the database worker: a round waits on the
network for seconds, and autosaves must not queue behind it. SQLite takes care of the
rest (WAL; the sync's short write transactions begin IMMEDIATE and the app's writes
wait on the busy timeout). Reachability comes from QNetworkInformation when the
platform has a backend; in every case a probe of the server's /health decides whether
we are online, so a captive portal or a server that is down reads as "hors ligne".

Stopping (the window closes) never hangs: `stop()` asks the round to stop at its next
safe point (between pages, batches and file chunks: what was acknowledged stays
recorded, the rest goes at the next round) and waits a few seconds at most; a round
still waiting on the network then is left to its daemon thread.

The sync modules (httpx, pydantic) are imported by the round's thread, not at start-up:
building the main window does not pay for them.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from fieldvisit.services import Services

if TYPE_CHECKING:
    import httpx
    from PySide6.QtNetwork import QNetworkInformation

    from fieldvisit.sync.engine import SyncReport
    from fieldvisit.sync.status import SyncStatus

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_MS = 5 * 60 * 1000
STOP_WAIT_S = 3.0


class SyncPhase(StrEnum):
    UNCONFIGURED = "unconfigured"  # no server yet: offer the settings dialog
    SIGNED_OUT = "signed_out"  # a server, but no session (logged out, token refused)
    OFFLINE = "offline"  # « hors ligne »
    SYNCING = "syncing"  # « synchronisation… »
    UP_TO_DATE = "up_to_date"  # « à jour »
    ERROR = "error"  # the round failed: `message` says why (French)


@dataclass(frozen=True)
class SyncUiState:
    phase: SyncPhase
    status: SyncStatus | None = None  # pending count, open conflicts, last sync time
    message: str | None = None
    report: SyncReport | None = None

    @property
    def changed_data(self) -> bool:
        """The round changed local records (pulled, merged): pages showing them reload."""
        report = self.report
        return report is not None and bool(report.pulled or report.conflicts)


class SyncController(QObject):
    """Decides when to sync, runs the round off the UI thread, reports by signal."""

    state_changed = Signal(object)  # SyncUiState
    progress_changed = Signal(str, int, int)  # stage, done, total

    def __init__(
        self,
        services: Services,
        *,
        interval_ms: int = DEFAULT_INTERVAL_MS,
        http: httpx.Client | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self._http = http  # tests: an in-process client; the app: None (real HTTPS)
        self._running = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._cancel = threading.Event()
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.sync_now)
        self._network: QNetworkInformation | None = None
        self.state = SyncUiState(SyncPhase.OFFLINE)
        # Called on the round's thread after a round that went through (the backup
        # after each sync: ui/shell/data_safety.py); its errors are logged, never raised.
        self.after_round: Callable[[SyncReport], None] | None = None

    # --- life cycle ----------------------------------------------------------------

    def start(self) -> None:
        """Watch the network, sync now and then every few minutes."""
        if self._stopped:
            return
        self._network = self._load_network_information()
        if self._network is not None:
            self._network.reachabilityChanged.connect(self._on_reachability)
        self._timer.start()
        self.sync_now()

    def stop(self, wait_s: float = STOP_WAIT_S) -> bool:
        """No more rounds; ask a running one to stop and wait for it `wait_s` at most.

        True if no round is left running.
        """
        self._stopped = True
        self._timer.stop()
        if self._network is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # already gone at exit
                self._network.reachabilityChanged.disconnect(self._on_reachability)
            self._network = None
        self._cancel.set()
        finished = self._idle.wait(wait_s)
        if not finished:
            log.warning("sync round still waiting on the network at close: left behind")
        return finished

    @staticmethod
    def _load_network_information() -> QNetworkInformation | None:
        from PySide6.QtNetwork import QNetworkInformation

        try:
            if QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
                return QNetworkInformation.instance()
        except (RuntimeError, AttributeError):  # no backend on this platform
            pass
        return None

    @Slot(object)
    def _on_reachability(self, reachability: Any) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability == QNetworkInformation.Reachability.Online:
            self.sync_now()  # the network is back
        elif reachability == QNetworkInformation.Reachability.Disconnected:
            self._publish(SyncUiState(SyncPhase.OFFLINE, self.state.status))

    # --- a round -------------------------------------------------------------------

    @Slot()
    def sync_now(self) -> bool:
        """Start a round unless one is running (or the controller stopped); False then."""
        if self._stopped or self._running.is_set():
            return False
        self._running.set()
        self._idle.clear()
        # A daemon thread: a round stuck on the network never keeps the app from exiting.
        threading.Thread(target=self._round, name="fieldvisit-sync", daemon=True).start()
        return True

    @property
    def busy(self) -> bool:
        return self._running.is_set()

    def _round(self) -> None:
        try:
            state = self._run_round()
            if state is not None:
                self._publish(state)
            report = state.report if state is not None else None
            if report is not None and self.after_round is not None and not self._cancel.is_set():
                self.after_round(report)
        except Exception as err:  # a bug must not kill the sync thread silently
            log.exception("sync round failed")
            self._publish(SyncUiState(SyncPhase.ERROR, message=str(err)))
        finally:
            self._running.clear()
            self._idle.set()

    def _run_round(self) -> SyncUiState | None:
        from fieldvisit.core.errors import BadInput, FieldvisitError
        from fieldvisit.sync.client import NotAuthenticated, ServerUnreachable
        from fieldvisit.sync.engine import SyncCancelled, SyncEngine
        from fieldvisit.sync.session import configured_client
        from fieldvisit.sync.status import sync_status

        svc = self.services

        def outcome(phase: SyncPhase, err: Exception | None = None) -> SyncUiState | None:
            if self._cancel.is_set():
                return None  # the app is closing: the store may be closed already
            return SyncUiState(phase, sync_status(svc), str(err) if err else None)

        try:
            client = configured_client(svc, self._http)
        except NotAuthenticated as err:
            return outcome(SyncPhase.SIGNED_OUT, err)
        except BadInput:
            return outcome(SyncPhase.UNCONFIGURED)
        except FieldvisitError as err:
            return outcome(SyncPhase.ERROR, err)
        with client:
            try:
                client.health()  # the probe: reachable and really our server?
            except ServerUnreachable as err:
                return outcome(SyncPhase.OFFLINE, err)
            except FieldvisitError as err:
                return outcome(SyncPhase.ERROR, err)
            if self._cancel.is_set():
                return None
            self._publish(SyncUiState(SyncPhase.SYNCING, self.state.status))
            engine = SyncEngine(svc, client, self.progress_changed.emit, cancel=self._cancel)
            try:
                report = engine.run()
            except SyncCancelled:
                return None
            except NotAuthenticated as err:
                return outcome(SyncPhase.SIGNED_OUT, err)
            except ServerUnreachable as err:
                return outcome(SyncPhase.OFFLINE, err)
            except FieldvisitError as err:
                return outcome(SyncPhase.ERROR, err)
        return SyncUiState(SyncPhase.UP_TO_DATE, sync_status(svc), report=report)

    def _publish(self, state: SyncUiState) -> None:
        self.state = state
        if self._stopped:
            return  # the window is closing (or gone): nobody to tell
        self.state_changed.emit(state)  # queued to the UI thread's receivers
