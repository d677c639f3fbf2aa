"""Sync speed against a real server on loopback, written to docs/PERFORMANCE.md.

A real `fieldvisit-server run` (uvicorn) on 127.0.0.1; the laptops are data dirs in
this process (their key in fieldvisit's test file keyring, `security/testing.py`: no
OS keyring needed). Measures, on PostgreSQL, each round on a fresh schema:

1. the first sync of a laptop holding 10,000 records (1,000 visits, 8 answers and a
   recommendation each: see `build`), against the floor: the very rows that sync wrote
   into the server's `records` table (read back from it), inserted again into a fresh
   copy of that table (same schema and indexes, same database) by psycopg alone, with
   `executemany` and with `COPY`, commit included;
2. 200 phone photos of about 3 MB (random bytes: JPEG does not compress) uploaded;
3. a second laptop pulling the 10,000 records.

Then the no-op round as the laptop's records grow (`--noop-records`, default 1k / 10k /
50k, on a PostgreSQL and a SQLite server, `--noop-servers`): a laptop whose records are
all synced runs `SyncEngine.run()` with nothing to send or receive, interleaved with its
floor, the bare pull request (the one HTTP request such a round must make, with the same
client and token, nothing read or written locally).

    FIELDVISIT_TEST_PG_URL=postgresql+psycopg://… .venv/bin/python benchmarks/bench_sync.py
    .venv/bin/python benchmarks/bench_sync.py --tiny     # does it still run? (CI)

Without FIELDVISIT_TEST_PG_URL it starts PostgreSQL itself with `.ci/postgres.sh`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import psycopg
from perf_report import (
    Load,
    bench_parser,
    machine_line,
    median_range,
    parse_args,
    sizes,
    write_section,
)
from sqlalchemy import insert

from fieldvisit.core.ids import new_id
from fieldvisit.paths import DataDir
from fieldvisit.security.testing import use_file_keyring
from fieldvisit.server.db import Database, make_server_engine, migrate
from fieldvisit.server.testing import ENV_TEST_PG_URL, add_user, fast_passwords, postgres_schema
from fieldvisit.services import Services
from fieldvisit.store.models import Answer, Attachment, Recommendation, Visit, natural_id
from fieldvisit.sync.client import SyncClient
from fieldvisit.sync.credentials import token_store
from fieldvisit.sync.engine import SyncEngine, SyncReport
from fieldvisit.sync.local import read_sync_state
from fieldvisit.sync.session import login
from fieldvisit.sync.wire import API_PREFIX

PASSWORD = "mot-de-passe-solide"
ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
SECTION = "Sync (server on loopback)"
SERVERS = ("postgresql", "sqlite")
TINY = {
    "records": 100,
    "photos": 2,
    "photo_mb": 0.2,
    "rounds": 1,
    "noop_records": [50],
    "noop_rounds": 3,
    "noop_servers": ["sqlite"],  # PostgreSQL's server_database is the rounds' above
}


def build(svc: Services, n_records: int) -> int:
    """Pending records as the app makes them: visits, their answers, recommendations."""
    common = {"created_at": STAMP, "updated_at": STAMP, "updated_by": svc.store.device_id}
    per_visit = 10  # 1 visit + 8 answers + 1 recommendation
    visits, answers, recs = [], [], []
    for n in range(n_records // per_visit):
        vid = new_id()
        visits.append(
            {
                "id": vid,
                "commune_code": "15187",
                "commune_name": "Saint-Flour",
                "departement": "15",
                "visit_date": date(2026, 1, 1),
                "visit_type": "premiere",
                "status": "en_cours",
                "author": "Bench",
                "summary": f"Visite {n}\nConstat général.\n",
                "checklist_form_id": "visite-centre-bourg",
                "checklist_form_version": 1,
                "diagnostic_form_id": "diagnostic-securite",
                "diagnostic_form_version": 1,
                **common,
            }
        )
        for item in range(8):
            answers.append(
                {
                    "id": natural_id("answer", vid, "visite-centre-bourg", f"item{item}"),
                    "visit_id": vid,
                    "form_id": "visite-centre-bourg",
                    "item_id": f"item{item}",
                    "value": "oui",
                    "comment": "RAS",
                    **common,
                }
            )
        recs.append(
            {
                "id": new_id(),
                "visit_id": vid,
                "text": "Renforcer l'éclairage de la place.",
                "theme_id": None,
                "priority": 2,
                "horizon": "court",
                "porteur": "commune",
                "dispositif": "aucun",
                "due_date": None,
                "status": "a_engager",
                "carried_from_id": None,
                **common,
            }
        )
    with svc.store.transaction() as session:
        session.execute(insert(Visit), visits)
        session.execute(insert(Answer), answers)
        session.execute(insert(Recommendation), recs)
    return len(visits) + len(answers) + len(recs)


def add_photos(svc: Services, count: int, size: int) -> int:
    files = svc.store.files  # encrypted with the data dir's key, as the app keeps them
    with svc.store.reading() as session:
        visit_id = session.scalars(Visit.__table__.select().with_only_columns(Visit.id)).first()
    rows = []
    for n in range(count):
        sha = files.put_bytes(os.urandom(size))
        rows.append(
            {
                "id": new_id(),
                "visit_id": visit_id,
                "sha256": sha,
                "filename": f"IMG_{n:04d}.jpg",
                "media_type": "image/jpeg",
                "size": size,
                "caption": "",
                "created_at": STAMP,
                "updated_at": STAMP,
                "updated_by": svc.store.device_id,
            }
        )
    with svc.store.transaction() as session:
        session.execute(insert(Attachment), rows)
    return count * size


RECORD_COLUMNS = (
    "table_name", "record_id", "version", "seq", "territory", "data", "deleted_at",
    "updated_at", "updated_by", "sha256",
)  # fmt: skip


def _driver_url(db_url: str) -> str:
    """A libpq URI for psycopg itself (the schema travels in `options`)."""
    return db_url.replace("postgresql+psycopg://", "postgresql://", 1)


def written_rows(db_url: str) -> list[tuple[object, ...]]:
    """The rows the first sync wrote into the server's `records` table, as stored."""
    with psycopg.connect(_driver_url(db_url)) as conn:
        return conn.execute(
            f"SELECT {', '.join(RECORD_COLUMNS)} FROM records ORDER BY seq"
        ).fetchall()


def bare_inserts(
    base_url: str, rows: list[tuple[object, ...]], tries: int = 3
) -> tuple[float, float]:
    """The floor: the very rows the sync wrote, into a fresh `records` table (same
    schema and indexes, same database), with psycopg alone, one transaction each,
    commit included: (executemany, COPY), best of `tries`."""
    names = ", ".join(RECORD_COLUMNS)
    insert = f"INSERT INTO records ({names}) VALUES ({', '.join(['%s'] * len(RECORD_COLUMNS))})"
    best = {"executemany": float("inf"), "copy": float("inf")}
    with postgres_schema(base_url) as db_url:
        engine = make_server_engine(db_url)
        migrate(engine)
        engine.dispose()
        with psycopg.connect(_driver_url(db_url)) as conn:
            for _ in range(tries):
                for method in best:
                    conn.execute("TRUNCATE records")
                    conn.commit()
                    start = time.perf_counter()
                    with conn.cursor() as cursor:
                        if method == "executemany":
                            cursor.executemany(insert, rows)
                        else:
                            with cursor.copy(f"COPY records ({names}) FROM STDIN") as copy:
                                for row in rows:
                                    copy.write_row(row)
                    conn.commit()
                    best[method] = min(best[method], time.perf_counter() - start)
    return best["executemany"], best["copy"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def running_server(db_url: str, files: Path) -> Iterator[tuple[str, int]]:
    """The server's URL and process id."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "fieldvisit-server"), "run", "--db", db_url, "--files", str(files),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def laptop(root: Path, url: str) -> Services:
    """A new data dir logged in to the server (its key in the test file keyring)."""
    svc = Services.open(DataDir(root))
    login(svc, url, "bench", PASSWORD)
    return svc


def _token(svc: Services, url: str) -> str:
    """The device token login kept (sealed with the data dir's keys)."""
    token = token_store(svc.data_dir.root, svc.store.keys).get(url, "bench")
    if token is None:
        raise SystemExit(f"no token kept for bench@{url} after login")
    return token


@contextmanager
def server_database(kind: str, base_url: str, tmp: Path) -> Iterator[str]:
    """A fresh, migrated server database with the user `bench`: a PostgreSQL schema or
    a SQLite file; yields its URL."""
    with (
        postgres_schema(base_url)
        if kind == "postgresql"
        else _sqlite_file(tmp / f"server-{new_id()}.sqlite3")
    ) as db_url:
        db = Database(make_server_engine(db_url))
        migrate(db.engine)
        add_user(db, fast_passwords(), "bench", PASSWORD, "agent", ("15",))
        db.close()
        yield db_url


@contextmanager
def _sqlite_file(path: Path) -> Iterator[str]:
    yield f"sqlite:///{path}"


def timed(engine: SyncEngine) -> tuple[float, SyncReport]:
    start = time.perf_counter()
    report = engine.run()
    return time.perf_counter() - start, report


@dataclass
class Round:
    made: int
    floor: float  # bare executemany of the rows the first sync wrote
    copy_floor: float  # COPY of the same rows
    first_sync: float
    laptop_cpu: float  # CPU time of the first sync in the laptop's process
    server_cpu: float  # … and in the server's (PostgreSQL's own not counted)
    upload_mb: float
    upload: float
    second_pull: float


def measure(base_url: str, n_records: int, photos: int, photo_mb: float) -> Round:
    """One full measurement on a fresh schema."""
    tmp = Path(tempfile.mkdtemp(prefix="fv-bench-"))
    try:
        with (
            server_database("postgresql", base_url, tmp) as db_url,
            running_server(db_url, tmp / "server-files") as (url, pid),
        ):
            first = laptop(tmp / "first", url)
            made = build(first, n_records)
            client = SyncClient(url, _token(first, url))
            server_cpu, laptop_cpu = cpu_seconds(pid), time.process_time()
            first_sync, report = timed(SyncEngine(first, client))
            laptop_cpu = time.process_time() - laptop_cpu
            server_cpu = cpu_seconds(pid) - server_cpu
            if report.pushed != made:
                raise SystemExit(f"first sync pushed {report.pushed} of {made} records")
            rows = written_rows(db_url)
            if len(rows) != made:
                raise SystemExit(f"the server holds {len(rows)} records, not {made}")

            total = add_photos(first, photos, int(photo_mb * 2**20))
            start = time.perf_counter()
            SyncEngine(first, client).upload_attachments(SyncReport())
            upload = time.perf_counter() - start
            SyncEngine(first, client).run()  # push the photo records too

            second = laptop(tmp / "second", url)
            second_client = SyncClient(url, _token(second, url))
            second_pull, report2 = timed(SyncEngine(second, second_client))
            if report2.pulled != made + photos:
                raise SystemExit(f"second laptop pulled {report2.pulled}, not {made + photos}")
            client.close()
            second_client.close()
            first.close()
            second.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    floor, copy_floor = bare_inserts(base_url, rows)
    return Round(
        made, floor, copy_floor, first_sync, laptop_cpu, server_cpu, total / 2**20, upload,
        second_pull,
    )  # fmt: skip


# -- the no-op round as the laptop's records grow ----------------------------------------


@dataclass
class Noop:
    server: str  # postgresql or sqlite
    records: int
    rounds: list[float]  # seconds per no-op SyncEngine.run()
    floors: list[float]  # seconds per bare pull request, interleaved with the rounds


def bare_pull(client: SyncClient, cursor: int, limit: int) -> None:
    """The floor of a no-op round: the pull request itself (same connection pool and
    token), its answer read; nothing parsed into models, nothing local."""
    response = client.http.get(
        f"{client.server_url}{API_PREFIX}/changes",
        params={"after": cursor, "limit": limit},
        headers={"Authorization": f"Bearer {client.token}"},
    )
    if response.status_code != 200 or not response.content:
        raise SystemExit(f"bare pull request: HTTP {response.status_code}")


def noop_rounds(kind: str, base_url: str, n_records: int, rounds: int) -> Noop:
    """A laptop holding n_records, all synced: no-op rounds against their floor."""
    tmp = Path(tempfile.mkdtemp(prefix="fv-bench-noop-"))
    try:
        with (
            server_database(kind, base_url, tmp) as db_url,
            running_server(db_url, tmp / "server-files") as (url, _pid),
        ):
            svc = laptop(tmp / "laptop", url)
            made = build(svc, n_records)
            client = SyncClient(url, _token(svc, url))
            engine = SyncEngine(svc, client)
            first = engine.run()
            if first.pushed != made:
                raise SystemExit(f"{kind}: first sync pushed {first.pushed} of {made}")
            engine.run()  # warm: connection open, forms digest saved
            with svc.store.reading() as session:
                cursor = read_sync_state(session).cursor
            times, floors = [], []
            for _ in range(rounds):
                start = time.perf_counter()
                report = engine.run()
                times.append(time.perf_counter() - start)
                if report.pushed or report.pulled or report.uploaded_files:
                    raise SystemExit(f"{kind}: a no-op round exchanged something: {report}")
                start = time.perf_counter()
                bare_pull(client, cursor, engine.page_size)
                floors.append(time.perf_counter() - start)
            client.close()
            svc.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Noop(kind, made, times, floors)


# -- the section ------------------------------------------------------------------------


def report_text(
    rounds: list[Round], noops: list[Noop], photos: int, photo_mb: float, load: Load
) -> str:
    def med(values: list[float]) -> float:
        return statistics.median(values)

    def met(ok: bool) -> str:
        return "met" if ok else "**not met**"

    made = rounds[0].made
    first = [r.first_sync for r in rounds]
    floor = [r.floor for r in rounds]
    copy_floor = [r.copy_floor * 1000 for r in rounds]
    laptop_cpu = [r.laptop_cpu for r in rounds]
    server_cpu = [r.server_cpu for r in rounds]
    ratio = [r.first_sync / r.floor for r in rounds]
    rate = [r.upload_mb / r.upload for r in rounds]
    pull = [r.second_pull for r in rounds]
    lines = [
        f"{machine_line()} During the run: {load.text()}.",
        "",
        "PostgreSQL 15 on 127.0.0.1, `fieldvisit-server run` (uvicorn, one process); laptops "
        f"in the benchmark's process. {made:,} records (visits, 8 answers each, a "
        f"recommendation each). `python benchmarks/bench_sync.py`: {len(rounds)} round(s), "
        "each on a fresh schema; median (min–max).",
        "",
        "| measure | result | target | |",
        "|---|---:|---|---|",
        f"| first sync of {made:,} records (push, batches of 1000) "
        f"| {median_range(first, '.2f')} s | < 2 s | {met(med(first) < 2)} |",
        f"| CPU time of that first sync: laptop process / server process "
        f"| {median_range(laptop_cpu, '.2f')} s / {median_range(server_cpu, '.2f')} s | — | |",
        f"| floor: bare `executemany` of the same {made:,} rows into the server table "
        f"| {median_range(floor, '.2f')} s | — | |",
        f"| floor: bare `COPY` of the same {made:,} rows "
        f"| {median_range(copy_floor, '.0f')} ms | — | |",
        f"| first sync ÷ bare executemany | {median_range(ratio, '.1f')}× | ≤ 15× "
        f"| {met(med(ratio) <= 15)} |",
        f"| upload of {photos} photos of {photo_mb:g} MB ({rounds[0].upload_mb:,.0f} MB) "
        f"| {median_range(rate, '.0f')} MB/s | ≥ 100 MB/s | {met(med(rate) >= 100)} |",
        f"| second laptop pulling the {made + photos:,} records "
        f"| {median_range(pull, '.2f')} s | < 2 s | {met(med(pull) < 2)} |",
        "",
    ]
    if noops:
        lines += noop_table(noops)
    lines.append(
        "Where the time goes. First sync: the server parses and checks each batch "
        "(pydantic, field kinds, territories, references: it loads the batch's records "
        "and the parents they refer to), writes the new records with COPY (multi-row "
        "INSERTs on SQLite) and commits. The laptop groups children by visit (a batch of "
        "1,000 answers refers to 125 visits, not 1,000), reads the next batch while one "
        "is on the wire and records each answer while the next is on the wire, so most of "
        "its own work (reading the pending rows, acknowledging them in bulk through the "
        "driver, one fsync per batch) hides behind the server's. Pushes are serialised "
        "on purpose (the sequence lock, see ARCHITECTURE.md), so the server side cannot "
        "be spread over cores. The floor is what that sync wrote: the same rows, read "
        "back from `records` and inserted into a fresh copy of the table by psycopg "
        "alone (prepared statements, pipeline), index upkeep included. Upload: six files "
        "at a time; each is one request, appended, fsynced and hashed on the server. "
        "Pull: pages of 1,000 records, applied in one local transaction through the "
        "driver. No-op round: one pull request (the forms list is fetched only when the "
        "pull's forms digest changes), the local look for pending records, and one local "
        "write (the last-sync time). Wall times follow the machine's load (see the load "
        "average above); the CPU times and the floors, measured in the same run, are the "
        "steadier yardsticks."
    )
    return "\n".join(lines) + "\n"


def noop_table(noops: list[Noop]) -> list[str]:
    """The no-op round by server and local record count, against the bare pull."""
    lines = [
        "No-op sync round: a laptop whose records are all synced (each size a fresh server "
        f"database and laptop); {len(noops[0].rounds)} rounds, each followed by its floor, "
        "the bare pull request with the same client; median (min–max).",
        "",
        "| server | local records | no-op round | floor: bare pull request | round ÷ floor "
        "| goal: ≤ 3× at every size |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for noop in noops:
        ratio = statistics.median(noop.rounds) / statistics.median(noop.floors)
        lines.append(
            f"| {noop.server} | {noop.records:,} "
            f"| {median_range([t * 1000 for t in noop.rounds])} ms "
            f"| {median_range([t * 1000 for t in noop.floors])} ms | {ratio:.1f}× "
            f"| {'met' if ratio <= 3 else '**not met**'} |"
        )
    lines.append("")
    growths = []
    for server in dict.fromkeys(noop.server for noop in noops):
        mine = [noop for noop in noops if noop.server == server]
        if len(mine) > 1:
            small, large = mine[0], mine[-1]
            growth = statistics.median(large.rounds) / statistics.median(small.rounds)
            growths.append(
                f"On {server}, the round at {large.records:,} records takes {growth:.1f}× its "
                f"time at {small.records:,} (the goal: flat in the record count)."
            )
    return [*lines, *([" ".join(growths), ""] if growths else [])]


def build_parser() -> argparse.ArgumentParser:
    parser = bench_parser(__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--photo-mb", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--noop-records", type=sizes, default=[1_000, 10_000, 50_000], metavar="N,N,…",
        help="local record counts of the no-op round table",
    )  # fmt: skip
    parser.add_argument("--noop-rounds", type=int, default=30)
    parser.add_argument(
        "--noop-servers", type=lambda text: text.split(","), default=list(SERVERS),
        metavar="postgresql,sqlite",
    )  # fmt: skip
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parse_args(build_parser(), TINY, argv)
    if unknown := set(args.noop_servers) - set(SERVERS):
        print(f"bench_sync.py : serveur inconnu : {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="fv-bench-keys-") as keys:
        os.environ.update(use_file_keyring(Path(keys) / "keyring.json"))
        os.environ["FIELDVISIT_CREDENTIALS"] = "file"  # tokens sealed in the data dir
        base = (
            os.environ.get(ENV_TEST_PG_URL)
            or subprocess.run(
                ["bash", str(ROOT / ".ci" / "postgres.sh")],
                capture_output=True, text=True, check=True,
            ).stdout.strip()
        )  # fmt: skip
        load = Load()
        rounds = [
            measure(base, args.records, args.photos, args.photo_mb) for _ in range(args.rounds)
        ]
        noops = [
            noop_rounds(kind, base, n, args.noop_rounds)
            for kind in args.noop_servers
            for n in args.noop_records
        ]
        body = report_text(rounds, noops, args.photos, args.photo_mb, load)
    print(body)
    write_section(SECTION, body, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
