"""Sync speed against PostgreSQL on loopback, written to docs/PERFORMANCE.md.

A real `fieldvisit-server run` (uvicorn) on 127.0.0.1 with PostgreSQL; the laptops are
data dirs in this process. Measures:

1. the first sync of a laptop holding 10,000 records (1,000 visits, 8 answers and a
   recommendation each: see `build`), against the floor: the very rows that sync wrote
   into the server's `records` table (read back from it), inserted again into a fresh
   copy of that table (same schema and indexes, same database) by psycopg alone, with
   `executemany` and with `COPY`, commit included;
2. 200 phone photos of about 3 MB (random bytes: JPEG does not compress) uploaded;
3. a no-op sync round with the server in-process (median of 30);
4. a second laptop pulling the 10,000 records.

    FIELDVISIT_TEST_PG_URL=postgresql+psycopg://… .venv/bin/python benchmarks/bench_sync.py

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
from perf_report import machine_line, write_section
from sqlalchemy import insert

from fieldvisit.core.ids import new_id
from fieldvisit.paths import DataDir
from fieldvisit.server.db import Database, make_server_engine, migrate
from fieldvisit.server.testing import ENV_TEST_PG_URL, add_user, fast_passwords, postgres_schema
from fieldvisit.services import Services
from fieldvisit.store.files import AttachmentFiles
from fieldvisit.store.models import Answer, Attachment, Recommendation, Visit, natural_id
from fieldvisit.sync.client import SyncClient
from fieldvisit.sync.engine import SyncEngine
from fieldvisit.sync.session import login

PASSWORD = "mot-de-passe-solide"
ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


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
    files = AttachmentFiles(svc.data_dir.attachments)
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
    svc = Services.open(DataDir(root))
    login(svc, url, "bench", PASSWORD)
    return svc


def timed(engine: SyncEngine) -> tuple[float, object]:
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
    noop: float


def measure(base_url: str, n_records: int, photos: int, photo_mb: float) -> Round:
    """One full measurement on a fresh schema."""
    with postgres_schema(base_url) as db_url:
        db = Database(make_server_engine(db_url))
        migrate(db.engine)
        add_user(db, fast_passwords(), "bench", PASSWORD, "agent", ("15",))
        db.close()
        tmp = Path(tempfile.mkdtemp(prefix="fv-bench-"))
        try:
            with running_server(db_url, tmp / "server-files") as (url, pid):
                first = laptop(tmp / "first", url)
                made = build(first, n_records)
                client = SyncClient(url, _token(first, url))
                server_cpu, laptop_cpu = cpu_seconds(pid), time.process_time()
                first_sync, report = timed(SyncEngine(first, client))
                laptop_cpu = time.process_time() - laptop_cpu
                server_cpu = cpu_seconds(pid) - server_cpu
                assert report.pushed == made, report  # type: ignore[attr-defined]
                rows = written_rows(db_url)
                assert len(rows) == made, len(rows)

                total = add_photos(first, photos, int(photo_mb * 2**20))
                start = time.perf_counter()
                SyncEngine(first, client).upload_attachments(_report())
                upload = time.perf_counter() - start
                SyncEngine(first, client).run()  # push the photo records too

                second = laptop(tmp / "second", url)
                second_client = SyncClient(url, _token(second, url))
                second_pull, report2 = timed(SyncEngine(second, second_client))
                assert report2.pulled == made + photos, report2  # type: ignore[attr-defined]
                client.close()
                second_client.close()
            noop = noop_rounds(db_url, tmp, second)
            first.close()
            second.close()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    floor, copy_floor = bare_inserts(base_url, rows)
    return Round(
        made, floor, copy_floor, first_sync, laptop_cpu, server_cpu, total / 2**20, upload,
        second_pull, noop,
    )  # fmt: skip


def report_text(rounds: list[Round], photos: int, photo_mb: float) -> str:
    def med(values: list[float]) -> float:
        return statistics.median(values)

    def spread(values: list[float], fmt: str) -> str:
        return f"{format(med(values), fmt)} ({format(min(values), fmt)}–{format(max(values), fmt)})"

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
    noop = [r.noop * 1000 for r in rounds]
    load = os.getloadavg()[0]
    return (
        f"{machine_line()} Load average {load:.1f} at the end of the run (the machine is "
        "shared with other work).\n\n"
        f"PostgreSQL 15 on 127.0.0.1, `fieldvisit-server run` (uvicorn, one process); laptops "
        f"in the benchmark's process. {made} records (visits, 8 answers each, a "
        f"recommendation each). `python benchmarks/bench_sync.py`: {len(rounds)} rounds, "
        "each on a fresh schema; median (min–max).\n\n"
        "| measure | result | target | |\n|---|---:|---|---|\n"
        f"| first sync of {made} records (push, batches of 1000) | {spread(first, '.2f')} s "
        f"| < 2 s | {met(med(first) < 2)} |\n"
        f"| CPU time of that first sync: laptop process / server process "
        f"| {spread(laptop_cpu, '.2f')} s / {spread(server_cpu, '.2f')} s | — | |\n"
        f"| bare `executemany` of the same {made} rows into the server table "
        f"| {spread(floor, '.2f')} s | — | |\n"
        f"| bare `COPY` of the same {made} rows | {spread(copy_floor, '.0f')} ms | — | |\n"
        f"| first sync ÷ bare executemany | {spread(ratio, '.1f')}× | ≤ 15× "
        f"| {met(med(ratio) <= 15)} |\n"
        f"| upload of {photos} photos of {photo_mb:g} MB ({rounds[0].upload_mb:.0f} MB) "
        f"| {spread(rate, '.0f')} MB/s | ≥ 100 MB/s | {met(med(rate) >= 100)} |\n"
        f"| second laptop pulling the {made + photos} records | {spread(pull, '.2f')} s "
        f"| < 2 s | {met(med(pull) < 2)} |\n"
        f"| no-op sync round, server in-process (median of 30) | {spread(noop, '.1f')} ms "
        f"| < 50 ms | {met(med(noop) < 50)} |\n\n"
        "Where the time goes. First sync: the server parses and checks each batch "
        "(pydantic, field kinds, territories, references: it loads the batch's records "
        "and the parents they refer to), writes the new records with COPY (multi-row "
        "INSERTs on SQLite) and commits; about 0.5 s of CPU for 10,000 records, a third "
        "of it in loading. The laptop groups children by visit (a batch of 1,000 "
        "answers refers to 125 visits, not 1,000), reads the next batch while one is on "
        "the wire and records each answer while the next is on the wire, so most of its "
        "own work (reading the pending rows, acknowledging them in bulk through the "
        "driver, one fsync per batch) hides behind the server's. Pushes are serialised "
        "on purpose (the sequence lock, see ARCHITECTURE.md), so the server side cannot "
        "be spread over cores. The floor is what that sync wrote: the same rows, read "
        "back from `records` and inserted into a fresh copy of the table by psycopg "
        "alone (prepared statements, pipeline), index upkeep included. Upload: six files "
        "at a time; each is one request, appended, fsynced and hashed on the server. "
        "Pull: pages of 1,000 records, applied in one local transaction through the "
        "driver. No-op round: one request (the forms list is fetched only when the "
        "pull's forms digest changes) and one local write (the last-sync time). Wall "
        "times follow the machine's load (this one is shared with other work: see the "
        "load average above); the CPU times and the floor, measured in the same round, "
        "are the steadier yardsticks.\n"
    )


def _report():  # type: ignore[no-untyped-def]
    from fieldvisit.sync.engine import SyncReport

    return SyncReport()


def _token(svc: Services, url: str) -> str:
    from fieldvisit.sync.credentials import token_store

    token = token_store(svc.data_dir.root).get(url, "bench")
    assert token is not None
    return token


def noop_rounds(db_url: str, tmp: Path, svc: Services) -> float:
    """A sync round with nothing to do, against the same server in-process."""
    from fastapi.testclient import TestClient

    from fieldvisit.server.app import create_app

    app = create_app(db_url, tmp / "server-files")
    http = TestClient(app)
    from fieldvisit.sync.credentials import token_store
    from fieldvisit.sync.local import sync_state

    with svc.store.reading() as session:
        url = sync_state(session).server_url or ""
    token = token_store(svc.data_dir.root).get(url, "bench")
    engine = SyncEngine(svc, SyncClient("http://testserver", token, http=http))
    engine.run()
    times = []
    for _ in range(30):
        start = time.perf_counter()
        engine.run()
        times.append(time.perf_counter() - start)
    app.state.ctx.db.close()
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--photo-mb", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print, do not update the doc")
    args = parser.parse_args()
    os.environ["FIELDVISIT_CREDENTIALS"] = "file"
    base = (
        os.environ.get(ENV_TEST_PG_URL)
        or subprocess.run(
            ["bash", str(ROOT / ".ci" / "postgres.sh")], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    rounds = [measure(base, args.records, args.photos, args.photo_mb) for _ in range(args.rounds)]
    body = report_text(rounds, args.photos, args.photo_mb)
    print(body)
    if not args.no_write:
        write_section("Sync (PostgreSQL on loopback)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
