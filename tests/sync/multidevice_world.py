"""The world the multi-device property test starts from: a server, three laptops and a
hostile account, built once per test process and copied for each example; the server
as the test drives it (restart, back up, restore); the laptops' network as it fails.

What keeps an example cheap (CI runs a thousand of them):

- copying the world (a few small files) instead of building it: opening, logging in
  and syncing three laptops takes half a second, a copy a few milliseconds;
- every example in the same folder (`World.example_root`), so that each laptop's and
  the server's database engine is made once per process and reused (`reused_engines`):
  an engine compiles each SQL statement once, and a new engine per example spent more
  time compiling than running them. Between examples the engines are disposed (no
  connection left open) before the files are replaced;
- one HTTP app and test client for the whole process (`World.http`), each server
  start putting its own context in it (`TestServer`): FastAPI prepares each route of
  an app on its first request, which cost a new app 30 ms per example.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
from fieldvisit.server import app as server_app
from fieldvisit.server.app import create_app, make_api
from fieldvisit.server.backup import backup_sqlite, restore_sqlite
from fieldvisit.server.testing import add_user, fast_passwords
from fieldvisit.services import Services
from fieldvisit.services.answers import answer_item
from fieldvisit.services.interviews import record_interview
from fieldvisit.services.repeats import add_occurrence
from fieldvisit.services.visits import plan_visit
from fieldvisit.store import database as store_database
from fieldvisit.store import open_store
from fieldvisit.sync.client import ConnectionLost, SyncClient
from fieldvisit.sync.session import configured_client, login, sync_once
from fieldvisit.sync.wire import PushBatch, PushResult, UploadStatus
from service_fixtures import CHECKLIST

PASSWORD = "mot-de-passe-solide"
GUIDE = "entretien-elu"  # an interview guide shipped with the app
REPEAT_FORM = "test-checklist"  # tests/service_fixtures.py
REPEAT_GROUP = "locaux"  # its repeatable group
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
    interview_id: str  # an interview of that visit, every laptop has it too
    # A visit of Cantal on the tests' checklist (tests/service_fixtures.py), whose
    # repeatable group « locaux » takes occurrences; every laptop has it and one of them.
    repeat_visit_id: str
    sessions: tuple[tuple[str, str], ...]  # each laptop's (server URL, token)
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
        # The shipped forms and the tests' checklist (a repeatable group); none published.
        forms_dir = Path(tempfile.mkdtemp(prefix="fv-forms-", dir=scratch_root()))
        atexit.register(shutil.rmtree, forms_dir, ignore_errors=True)
        (forms_dir / "test-checklist.v1.toml").write_text(CHECKLIST, encoding="utf-8")
        self.forms = FormCatalogue.load([shipped_forms_dir(), forms_dir])
        scratch = Path(tempfile.mkdtemp(prefix="fv-world-", dir=scratch_root()))
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        self.root = scratch / "world"
        self.example_root = scratch / "example"
        self.engines: dict[str, Any] = {}  # database path or URL -> its engine
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
            interview_id = record_interview(laptops[0], visit_id, GUIDE, title="Le maire").id
            repeat_visit_id = plan_visit(
                laptops[0], "15187", date(2026, 3, 15), checklist_form=REPEAT_FORM
            ).id
            answer_item(laptops[0], repeat_visit_id, REPEAT_FORM, "pm_presente", "oui")
            add_occurrence(laptops[0], repeat_visit_id, REPEAT_FORM, REPEAT_GROUP)
            hostile = HostileAccount.log_in(http, PASSWORD)
            hostile.plant_a_visit()
            hostile.plant_a_visit()
            for _ in range(2):
                for svc in laptops:
                    sync_once(svc, http=http)
            with ctx.db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            sessions = []
            for svc in laptops:  # read once: every example's copy holds the same tokens
                client = configured_client(svc, http=http)
                assert client.token is not None
                sessions.append((client.server_url, client.token))
        for svc in laptops:
            svc.close()  # the last connection folds the WAL into the file
        versions = [(table, record_id, v) for (table, record_id), v in hostile.versions.items()]
        self.facts = WorldFacts(
            visit_id,
            interview_id,
            repeat_visit_id,
            tuple(sessions),
            hostile.token,
            hostile.visits,
            versions,
        )
        # The server's HTTP side for every example: routes prepared once (module doc).
        self.front = make_api()
        self.http = TestClient(self.front, base_url=SERVER)
        self.http.__enter__()  # one event loop for the process, not one per request
        atexit.register(self.http.__exit__, None, None, None)

    def new_example(self) -> Path:
        """The example folder, a fresh copy of the world (the previous example closed
        every laptop and stopped its server: no connection is open on these files)."""
        shutil.rmtree(self.example_root, ignore_errors=True)
        shutil.copytree(self.root, self.example_root)
        return self.example_root

    def laptop_dir(self, root: Path, n: int) -> DataDir:
        return DataDir(root / f"laptop{n}")

    def open_laptop(self, root: Path, n: int, start: datetime) -> Services:
        """A laptop's services, sharing the communes and forms loaded once (read-only)."""
        data_dir = self.laptop_dir(root, n)
        with reused_engines(self.engines, store_database, "make_engine"):
            store = open_store(data_dir)
        return Services(
            store,
            self.forms,
            LaptopClock(start, laptop_offset(n)),
            self.communes,
            form_dirs=[shipped_forms_dir(), data_dir.forms],
        )


@contextmanager
def reused_engines(engines: dict[str, Any], module: Any, name: str) -> Iterator[None]:
    """`module.name(path or url, ...)` gives the engine it made for that path before,
    if any (disposed since: it opens new connections on the files now there)."""
    make: Callable[..., Any] = getattr(module, name)

    def reused(where: Any, *args: Any) -> Any:
        key = str(where)
        if key not in engines:
            engines[key] = make(where, *args)
        return engines[key]

    setattr(module, name, reused)
    try:
        yield
    finally:
        setattr(module, name, make)


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
    test restarts, backs up and restores as an operator would.

    Each start is `create_app` on the files (the epoch check included); its context is
    put in the process's HTTP app (`World.front`), and a stop runs the app's lifespan
    end (the stop mark, the database closed), as uvicorn would."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, world: World, root: Path) -> None:
        self.world = world
        self.http = world.http
        self.database = root / "server.sqlite3"
        self.files = root / "server-files"
        self.backup_dir = root / "server-backups"
        self.app = self._start()

    def _start(self) -> FastAPI:
        with reused_engines(self.world.engines, server_app, "make_server_engine"):
            app = create_app(
                self.url,
                self.files,
                passwords=fast_passwords(),
                run_migrations=False,  # the world's database is migrated already
            )
        self.world.front.state.ctx = app.state.ctx
        return app

    @property
    def db(self) -> Any:
        return self.app.state.ctx.db

    def stop(self) -> None:
        async def lifespan() -> None:  # what a server's shutdown runs
            async with self.app.router.lifespan_context(self.app):
                pass

        asyncio.run(lifespan())

    def restart(self) -> None:
        self.stop()
        self.app = self._start()

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
        self.app = self._start()


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
