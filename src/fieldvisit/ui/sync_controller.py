"""Automatic sync for the desktop app: when the network comes back, every few minutes
while online, and on demand ("Synchroniser").

No widget here and no user-facing string of its own: the status bar and the dialogs
(owned by the UI) listen to `state_changed` and show `SyncUiState`; error messages are
the sync's own French messages.

Rounds run on their own thread, not on the database worker: a round waits on the
network for seconds, and autosaves must not queue behind it. SQLite takes care of the
rest (WAL; the sync's short write transactions begin IMMEDIATE and the app's writes
wait on the busy timeout). Reachability comes from QNetworkInformation when the
platform has a backend; in every case a probe of the server's /health decides whether
we are online, so a captive portal or a server that is down reads as "hors ligne".
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

import httpx
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QNetworkInformation

from fieldvisit.core.errors import BadInput, FieldvisitError
from fieldvisit.services import Services
from fieldvisit.sync.client import ServerUnreachable
from fieldvisit.sync.engine import SyncEngine, SyncReport
from fieldvisit.sync.session import configured_client
from fieldvisit.sync.status import SyncStatus, sync_status

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_MS = 5 * 60 * 1000
PROBE_TIMEOUT = httpx.Timeout(5.0, connect=3.0)


class SyncPhase(StrEnum):
    UNCONFIGURED = "unconfigured"  # no server yet: offer the settings dialog
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
        self._executor = ThreadPoolExecutor(1, "fieldvisit-sync")
        self._running = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.sync_now)
        self._network: QNetworkInformation | None = None
        self.state = SyncUiState(SyncPhase.OFFLINE)

    # --- life cycle ----------------------------------------------------------------

    def start(self) -> None:
        """Watch the network, sync now and then every few minutes."""
        self._network = self._load_network_information()
        if self._network is not None:
            self._network.reachabilityChanged.connect(self._on_reachability)
        self._timer.start()
        self.sync_now()

    def stop(self) -> None:
        self._timer.stop()
        self._executor.shutdown(wait=True)

    @staticmethod
    def _load_network_information() -> QNetworkInformation | None:
        try:
            if QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
                return QNetworkInformation.instance()
        except (RuntimeError, AttributeError):  # no backend on this platform
            pass
        return None

    @Slot(QNetworkInformation.Reachability)
    def _on_reachability(self, reachability: QNetworkInformation.Reachability) -> None:
        if reachability == QNetworkInformation.Reachability.Online:
            self.sync_now()  # the network is back
        elif reachability == QNetworkInformation.Reachability.Disconnected:
            self._publish(SyncUiState(SyncPhase.OFFLINE, self.state.status))

    # --- a round -------------------------------------------------------------------

    @Slot()
    def sync_now(self) -> bool:
        """Start a round unless one is running; False if one already was."""
        if self._running.is_set():
            return False
        self._running.set()
        self._executor.submit(self._round)
        return True

    @property
    def busy(self) -> bool:
        return self._running.is_set()

    def _round(self) -> None:
        try:
            self._publish(self._run_round())
        except Exception as err:  # a bug must not kill the sync thread silently
            log.exception("sync round failed")
            self._publish(SyncUiState(SyncPhase.ERROR, message=str(err)))
        finally:
            self._running.clear()

    def _run_round(self) -> SyncUiState:
        svc = self.services
        try:
            client = configured_client(svc, self._http)
        except BadInput:
            return SyncUiState(SyncPhase.UNCONFIGURED, sync_status(svc))
        except FieldvisitError as err:
            return SyncUiState(SyncPhase.ERROR, sync_status(svc), str(err))
        with client:
            try:
                client.health()  # the probe: reachable and really our server?
            except ServerUnreachable:
                return SyncUiState(SyncPhase.OFFLINE, sync_status(svc))
            except FieldvisitError as err:
                return SyncUiState(SyncPhase.ERROR, sync_status(svc), str(err))
            self._publish(SyncUiState(SyncPhase.SYNCING, self.state.status))
            try:
                report = SyncEngine(svc, client, self.progress_changed.emit).run()
            except ServerUnreachable as err:
                return SyncUiState(SyncPhase.OFFLINE, sync_status(svc), str(err))
            except FieldvisitError as err:
                return SyncUiState(SyncPhase.ERROR, sync_status(svc), str(err))
        return SyncUiState(SyncPhase.UP_TO_DATE, sync_status(svc), report=report)

    def _publish(self, state: SyncUiState) -> None:
        self.state = state
        self.state_changed.emit(state)  # queued to the UI thread's receivers
