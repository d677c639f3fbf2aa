"""The world the multi-device property test starts from: a server, three laptops and a
hostile account, built once per test process and copied for each example; the server
as the test drives it (restart, back up, restore); the laptops' network as it fails.

Copying the world (a few small files) is what keeps an example cheap: opening, logging
in and syncing three laptops takes half a second, a copy a few milliseconds.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hostile_account import HostileAccount

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.core.clock import utc_now
from fieldvisit.forms import FormCatalogue
from fieldvisit.paths import DataDir
from fieldvisit.server.app import create_app
from fieldvisit.server.backup import backup_sqlite, restore_sqlite
from fieldvisit.server.testing import add_user, fast_passwords
from fieldvisit.services import Services
from fieldvisit.services.visits import plan_visit
from fieldvisit.store import open_store
from fieldvisit.sync.client import ConnectionLost, SyncClient
from fieldvisit.sync.session import login, sync_once
from fieldvisit.sync.wire import PushBatch, PushResult, UploadStatus

PASSWORD = "mot-de-passe-solide"
SERVER = "http://testserver"
# Two laptops of one agent of Cantal, and a coordinator of Cantal and Haute-Loire.
USERS = ("agent15", "coord", "agent15")
TERRITORIES = {"agent15": frozenset({"15"}), "coord": frozenset({"15", "43"})}
LAPTOP_NAMES = ("portable A de agent15", "portable de coord", "portable B de agent15")
WORLD_START = datetime(2026, 11, 25, 9, tzinfo=UTC)
EXAMPLE_START = WORLD_START + timedelta(days=1)  # after every stamp of the world
# A round of a laptop makes a few requests per batch and file; far more means that
# something is retried for ever (an upload loop, a batch refused every time).
ROUND_REQUEST_BUDGET = 300


def scratch_root() -> Path:
    """Examples write many small files and fsync them: in memory where available."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and shm.stat().st_mode & 0o002 else Path(tempfile.gettempdir())


class LaptopClock:
    """A laptop's wall clock: one second per call, some laptops hours off."""

    def __init__(self, start: datetime, offset: timedelta) -> None:
        self.now = start + offset

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def laptop_offset(n: int) -> timedelta:
    return timedelta(hours=-6 * n)


@dataclass(frozen=True)
class WorldFacts:
    visit_id: str  # the visit of Cantal every laptop has at the start
    hostile_token: str
    hostile_visits: list[str]
    hostile_versions: list[tuple[str, str, int]]  # (table, id, version) it pushed

    def hostile(self, http: httpx.Client) -> HostileAccount:
        versions = {(table, record_id): v for table, record_id, v in self.hostile_versions}
        return HostileAccount(http, self.hostile_token, list(self.hostile_visits), versions)


class World:
    """Made once per process (the test keyring of the session holds the laptops' keys)."""

    def __init__(self, communes: Any) -> None:
        self.communes = communes
        self.forms = FormCatalogue.load([shipped_forms_dir()])  # no form is published
        self.root = Path(tempfile.mkdtemp(prefix="fv-world-", dir=scratch_root()))
        app = create_app(
            f"sqlite+pysqlite:///{self.root / 'server.sqlite3'}",
            self.root / "server-files",
            passwords=fast_passwords(),
        )
        ctx = app.state.ctx
        add_user(ctx.db, ctx.passwords, "agent15", PASSWORD, "agent", ("15",))
        add_user(ctx.db, ctx.passwords, "agent43", PASSWORD, "agent", ("43",))
        add_user(ctx.db, ctx.passwords, "coord", PASSWORD, "coordinateur", ("15", "43"))
        laptops = []
        with TestClient(app, base_url=SERVER) as http:
            for n, user in enumerate(USERS):
                svc = self.open_laptop(self.root, n, WORLD_START)
                login(svc, SERVER, user, PASSWORD, http=http)
                laptops.append(svc)
            visit_id = plan_visit(laptops[0], "15187", date(2026, 3, 14)).id
            hostile = HostileAccount.log_in(http, PASSWORD)
            hostile.plant_a_visit()
            hostile.plant_a_visit()
            for _ in range(2):
                for svc in laptops:
                    sync_once(svc, http=http)
            with ctx.db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        for svc in laptops:
            svc.close()  # the last connection folds the WAL into the file
        versions = [(table, record_id, v) for (table, record_id), v in hostile.versions.items()]
        self.facts = WorldFacts(visit_id, hostile.token, hostile.visits, versions)

    def laptop_dir(self, root: Path, n: int) -> DataDir:
        return DataDir(root / f"laptop{n}")

    def open_laptop(self, root: Path, n: int, start: datetime) -> Services:
        """A laptop's services, sharing the communes and forms loaded once (read-only)."""
        data_dir = self.laptop_dir(root, n)
        return Services(
            open_store(data_dir),
            self.forms,
            LaptopClock(start, laptop_offset(n)),
            self.communes,
            form_dirs=[shipped_forms_dir(), data_dir.forms],
        )

    def copy_to(self, target: Path) -> None:
        shutil.copytree(self.root, target)


_world: World | None = None


def the_world() -> World:
    """The world of this process (read-only once built: every example copies it)."""
    global _world
    if _world is None:
        from fieldvisit.reference import CommuneIndex

        _world = World(CommuneIndex.load())
    return _world


class TestServer:
    """The server of one example: a SQLite file and its attachment files, which the
    test restarts, backs up and restores as an operator would."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, root: Path) -> None:
        self.database = root / "server.sqlite3"
        self.files = root / "server-files"
        self.backup_dir = root / "server-backups"
        self.app, self.http = self._start()

    def _start(self) -> tuple[FastAPI, TestClient]:
        app = create_app(
            self.url,
            self.files,
            passwords=fast_passwords(),
            run_migrations=False,  # the world's database is migrated already
        )
        http = TestClient(app, base_url=SERVER)
        http.__enter__()  # one event loop for the example, not one per request
        return app, http

    @property
    def db(self) -> Any:
        return self.app.state.ctx.db

    def stop(self) -> None:
        self.http.__exit__(None, None, None)  # the lifespan closes the database
        self.app.state.ctx.db.close()

    def restart(self) -> None:
        self.stop()
        self.app, self.http = self._start()

    @property
    def url(self) -> str:
        return f"sqlite+pysqlite:///{self.database}"

    @property
    def backup(self) -> Path:
        return self.backup_dir / "server-backup.sqlite3"

    def back_up(self) -> None:
        """`fieldvisit-server backup`: the live database copied (server/backup.py); the
        attachments folder is not part of it (it only grows, README "Server backups")."""
        shutil.rmtree(self.backup_dir, ignore_errors=True)
        self.backup_dir.mkdir()
        backup_sqlite(self.url, self.backup)

    def restore(self, by_hand: bool) -> None:
        """The server stopped, the backup put back (`fieldvisit-server restore`, or the
        file copied over the database by hand), the server started again."""
        self.stop()
        if by_hand:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.database}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.backup, self.database)
        else:
            restore_sqlite(self.url, self.backup, utc_now())
        self.app, self.http = self._start()


# --- the laptops' network ------------------------------------------------------------


class Observer(Protocol):
    """The test, told what the server took from a laptop."""

    def accepted(self, table: str, record_id: str, fields: dict[str, Any]) -> None: ...

    def uploaded(self, sha256: str) -> None: ...


class WatchedClient(SyncClient):
    """A laptop's client that tells the test what the server accepted (records, whole
    files), and stops a round that retries something for ever (a jammed upload, a batch
    refused each time).

    Counts per instance: each round gets a new client, each example its own counts."""

    def __init__(
        self, server_url: str, token: str | None, *, http: Any, observer: Observer
    ) -> None:
        super().__init__(server_url, token, http=http)
        self.observer = observer
        self.requests = 0

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self.requests += 1
        if self.requests > ROUND_REQUEST_BUDGET:
            raise AssertionError(
                f"a sync round made more than {ROUND_REQUEST_BUDGET} requests (last: "
                f"{method} {path}): something is retried for ever"
            )
        return super().request(method, path, **kwargs)

    def push(self, batch: PushBatch) -> PushResult:
        result = super().push(batch)
        changes = {(c.table, c.id): c for c in batch.changes}
        for answer in result.results:
            sent = changes.get((answer.table, answer.id))
            if answer.status == "accepted" and sent is not None:
                self.observer.accepted(sent.table, sent.id, sent.fields)
        return result

    def upload_chunk(self, sha256: str, offset: int, size: int, data: bytes) -> UploadStatus:
        status = super().upload_chunk(sha256, offset, size, data)
        if status.complete:
            self.observer.uploaded(sha256)
        return status


class Offline(WatchedClient):
    """No network at all."""

    def __init__(
        self, server_url: str, token: str | None, *, http: Any, observer: Observer
    ) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("réseau coupé", request=request)

        del http
        cut = httpx.Client(transport=httpx.MockTransport(refuse))
        super().__init__(server_url, token, http=cut, observer=observer)


class DropsAnswers(WatchedClient):
    """Every push reaches the server, but no answer comes back (the round fails)."""

    def push(self, batch: PushBatch) -> PushResult:
        super().push(batch)
        raise ConnectionLost("réponse perdue")


class Duplicates(WatchedClient):
    """Every push is sent twice (a proxy retrying): the second gets the replayed answer."""

    def push(self, batch: PushBatch) -> PushResult:
        super().push(batch)
        return super().push(batch)
