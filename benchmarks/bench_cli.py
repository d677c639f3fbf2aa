"""The command line as whole processes, each command against its floor, with the data
dir's key wrapped by a passphrase (no keyring, as on a machine without one).

    .venv/bin/python benchmarks/bench_cli.py [--visits 10000] [--runs 10] [--no-write]
    .venv/bin/python benchmarks/bench_cli.py --tiny            # does it still run? (CI)
    .venv/bin/python benchmarks/bench_cli.py --keep DIR        # set up, print, wait

Set-up (not timed): a `fieldvisit-server run` on 127.0.0.1 (SQLite); a data dir created
with a passphrase (production argon2id parameters; the keyring is keyring's own `fail`
backend, so none is found), holding `--visits` synced visits (bench_open_data_dir's
`build`, 30 answers each) and one typical visit with `--report-photos` phone photos
(bench_report's `build_visit`), logged in and synced once: `fieldvisit sync` then has
nothing to do.

Timed, each pair in turn (A B A B …, one warm-up pair first, then `--runs` pairs); the
floors are benchmarks/cli_floor.py's:

| command (A) | floor (B) |
|---|---|
| `fieldvisit visits list` | sqlcipher3 read + print: the same visits and answer counts, raw key |
| `fieldvisit sync` (nothing to do) | urllib pull + commit: the pull, the last-sync time |
| `fieldvisit report ID -o FILE` | reportlab: a one-page PDF |
| `fieldvisit --version` | `python -c pass` |

Every command that opens the data dir unwraps its key with the passphrase (argon2id,
64 MiB): by design, and measured apart in the same run. Each run is spawned and reaped
by this process with `os.wait4`, which gives the kernel's own accounting of the finished
process: its user and system CPU time and its peak resident memory; the wall time runs
from the spawn to the reaping. This process imports nothing but the standard library
(the set-up runs in a child), so that a child's peak memory, which counts the pages it
was forked with, is not inflated by it; the figures are medians, and the ratio A ÷ B is
the median of each pair's ratio, which holds when the machine's speed drifts. Output
goes to a file (read back to check what each command did).

Other whole-process timers: `--keep DIR` does the set-up in DIR, prints each pair as
shell commands with the environment they need, and keeps the server running until
Enter is pressed (or stdin ends), so that the same pairs can be timed with any tool
that times whole commands (`/usr/bin/time -v`, hyperfine, …).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from perf_report import Load, bench_parser, machine_line, median_range, parse_args, write_section

HERE = Path(__file__).resolve().parent
FLOOR = HERE / "cli_floor.py"
BIN = Path(sys.executable).parent
SECTION = "Command line (whole processes)"
PASSPHRASE = "phrase de passe du banc d'essai"
PASSWORD = "mot-de-passe-solide"
GOALS = {"visits list": 0.5, "sync": 0.7, "--version": 0.06}  # seconds, median wall
TINY = {
    "visits": 50,
    "runs": 1,
    "warmup": 0,
    "report_photos": 1,
    "photo_size": (640, 480),
    "unlock_runs": 1,
}

# --- set-up, in a child process (it imports fieldvisit) ----------------------------------


def prepare(argv: Sequence[str]) -> int:
    """`--prepare DATA_DIR SERVER_URL SERVER_DB VISITS PHOTOS WxH PHOTO_DIR UNLOCKS`:
    build, log in, sync; print what the timed commands and floors need, as JSON."""
    import random

    sys.path.insert(0, str(HERE))
    from bench_open_data_dir import build
    from bench_report import base_images, build_visit, photo_size, write_photos

    from fieldvisit.paths import DataDir
    from fieldvisit.security.keyfile import unwrap_master_key
    from fieldvisit.server.db import Database, make_server_engine, migrate
    from fieldvisit.server.testing import add_user, fast_passwords
    from fieldvisit.services import Services
    from fieldvisit.sync.credentials import token_store
    from fieldvisit.sync.engine import SyncEngine
    from fieldvisit.sync.local import read_sync_state
    from fieldvisit.sync.session import configured_client, login

    root, url, server_db = Path(argv[0]), argv[1], argv[2]
    visits, photos, size = int(argv[3]), int(argv[4]), photo_size(argv[5])
    photo_dir, unlocks = Path(argv[6]), int(argv[7])
    db = Database(make_server_engine(server_db))
    migrate(db.engine)
    add_user(db, fast_passwords(), "bench", PASSWORD, "admin", ())
    db.close()

    data_dir = DataDir(root)
    build(data_dir, visits, 30)  # synced rows: a no-op round has them to look through
    rng = random.Random(3)
    photo_dir.mkdir(parents=True, exist_ok=True)
    pictures = write_photos(photo_dir, photos, base_images(1, rng, size), rng)
    svc = Services.open(data_dir)
    try:
        visit_id = build_visit(svc, "cli", pictures, 60, 12, 10, None, rng)
        login(svc, url, "bench", PASSWORD)
        with configured_client(svc) as client:
            report = SyncEngine(svc, client).run()
            SyncEngine(svc, client).run()  # pulls back what it pushed: the cursor moves on
        if report.pushed == 0:
            raise SystemExit("the first sync pushed nothing")
        with svc.store.reading() as session:
            cursor = read_sync_state(session).cursor
        token = token_store(svc.data_dir.root, svc.store.keys).get(url, "bench")
        argon2 = []
        for _ in range(unlocks):
            start = time.perf_counter()
            unwrap_master_key(svc.store.key_file, PASSPHRASE, data_dir.root)
            argon2.append((time.perf_counter() - start) * 1000)
        facts = {
            "visit": visit_id,
            "visits": visits + 1,
            "key": svc.store.keys.database.hex(),
            "token": token,
            "cursor": cursor,
            "argon2_ms": argon2,
        }
    finally:
        svc.close()
    print(json.dumps(facts))
    return 0


# --- timing whole processes --------------------------------------------------------------


@dataclass
class Run:
    wall: float
    cpu: float  # user + system, the kernel's accounting of the finished process
    peak_mb: float  # its maximum resident set size
    stdout: str = ""
    stderr: str = ""


def run_once(argv: Sequence[str], env: dict[str, str]) -> Run:
    """Spawn argv, reap it with wait4; SystemExit with its stderr if it failed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(argv), env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        shown = shlex.join(word if len(word) < 80 else word[:60] + "…" for word in argv)
        raise SystemExit(f"{shown}: exit code {process.returncode}\n{stderr[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout, stderr)


@dataclass
class Pair:
    name: str  # the command's short name ("visits list")
    label: str
    floor_label: str
    command: list[str]
    floor: list[str]
    check: str  # what the command's output must show (see `checked`)
    runs: list[Run] = field(default_factory=list)
    floors: list[Run] = field(default_factory=list)


def checked(pair: Pair, run: Run, facts: dict[str, object], output: Path) -> None:
    """Did the command do its job? A benchmark of a command that fails fast is no use."""
    if pair.check == "list":
        lines = run.stdout.count("\n")
        if lines != facts["visits"]:
            raise SystemExit(f"{pair.label}: {lines} lines, not {facts['visits']} visits")
    elif pair.check == "noop" and "0 reçu(s), 0 envoyé(s)" not in run.stderr:
        raise SystemExit(f"{pair.label} was not a no-op: {run.stderr.strip()}")
    elif pair.check == "pdf" and not output.read_bytes().startswith(b"%PDF"):
        raise SystemExit(f"{pair.label}: no PDF written")
    elif pair.check == "version" and not run.stdout.startswith("fieldvisit "):
        raise SystemExit(f"{pair.label}: printed {run.stdout!r}")


def pairs_for(data_dir: Path, url: str, facts: dict[str, object], output: Path) -> list[Pair]:
    app = [str(BIN / "fieldvisit"), "--data-dir", str(data_dir)]
    database = str(data_dir / "fieldvisit.sqlite3")
    python = sys.executable
    floor = [python, str(FLOOR)]
    key = str(facts["key"])
    return [
        Pair(
            "visits list", "`fieldvisit visits list`", "sqlcipher3 read + print",
            [*app, "visits", "list"], [*floor, "list", database, key], "list",
        ),
        Pair(
            "sync", "`fieldvisit sync`, nothing to do", "urllib pull + commit",
            [*app, "sync"],
            [*floor, "sync", url, str(facts["token"]), str(facts["cursor"]), database, key],
            "noop",
        ),
        Pair(
            "report", "`fieldvisit report ID -o FILE`", "reportlab 1-page PDF",
            [*app, "report", str(facts["visit"]), "-o", str(output)],
            [*floor, "pdf", str(output.with_suffix(".floor.pdf"))], "pdf",
        ),
        Pair(
            "--version", "`fieldvisit --version`", "`python -c pass`",
            [str(BIN / "fieldvisit"), "--version"], [python, "-c", "pass"], "version",
        ),
    ]  # fmt: skip


def measure(
    pairs: list[Pair], env: dict[str, str], runs: int, warmup: int, facts: dict[str, object],
    output: Path,
) -> None:  # fmt: skip
    for pair in pairs:
        for n in range(warmup + runs):
            run = run_once(pair.command, env)
            checked(pair, run, facts, output)
            floor = run_once(pair.floor, env)
            if n >= warmup:
                pair.runs.append(run)
                pair.floors.append(floor)


# --- set-up, in this process: server, environment -----------------------------------------


def bench_env(scratch: Path) -> dict[str, str]:
    """No keyring (keyring's fail backend): the key is wrapped by the passphrase."""
    env = dict(os.environ)
    env.update(
        {
            "FIELDVISIT_PASSPHRASE": PASSPHRASE,
            "FIELDVISIT_PASSWORD": PASSWORD,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "FIELDVISIT_CREDENTIALS": "file",
            "FIELDVISIT_LOG_DIR": str(scratch / "logs"),
            "XDG_CONFIG_HOME": str(scratch / "config"),
            "XDG_CACHE_HOME": str(scratch / "cache"),
            "XDG_DATA_HOME": str(scratch / "share"),
            "XDG_STATE_HOME": str(scratch / "state"),
        }
    )
    env.pop("FIELDVISIT_TEST_KEYRING", None)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(port: int) -> bool:
    """GET /health over a bare socket (urllib's import would weigh on this process)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            return sock.recv(64).split(b" ")[1:2] == [b"200"]
    except OSError:
        return False


def own_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def running_server(db_url: str, files: Path, env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "fieldvisit-server"), "run", "--db", db_url, "--files", str(files),
         "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if healthy(port):
                break
            time.sleep(0.1)
        else:
            raise SystemExit("fieldvisit-server did not answer /health")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def set_up(
    scratch: Path, args: argparse.Namespace
) -> Iterator[tuple[list[Pair], dict[str, object], dict[str, str], Path]]:
    env = bench_env(scratch)
    server_db = f"sqlite:///{scratch / 'server.sqlite3'}"
    data_dir = scratch / "data"
    output = scratch / "report.pdf"
    with running_server(server_db, scratch / "server-files", env) as url:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--prepare", str(data_dir), url,
             server_db, str(args.visits), str(args.report_photos),
             "x".join(str(n) for n in args.photo_size), str(scratch / "photos"),
             str(args.unlock_runs)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"set-up failed (exit code {done.returncode})")
        facts = json.loads(done.stdout.splitlines()[-1])
        yield pairs_for(data_dir, url, facts, output), facts, env, output


# --- the section ---------------------------------------------------------------------------


def report(
    pairs: list[Pair], facts: dict[str, object], visits: int, warmup: int, load: Load
) -> str:
    rows = []
    for pair in pairs:
        wall = statistics.median(r.wall for r in pair.runs)
        ratios = [a.wall / b.wall for a, b in zip(pair.runs, pair.floors, strict=True)]
        goal = GOALS.get(pair.name)
        verdict = (
            f"< {goal * 1000:.0f} ms: {'met' if wall < goal else '**not met**'}" if goal else "—"
        )
        rows.append(
            f"| {pair.label} | {median_range([r.wall * 1000 for r in pair.runs], '.0f')} ms "
            f"| {statistics.median(r.cpu for r in pair.runs) * 1000:.0f} ms "
            f"| {max(r.peak_mb for r in pair.runs):.0f} MB "
            f"| {pair.floor_label}: {median_range([r.wall * 1000 for r in pair.floors], '.0f')}"
            f" ms, CPU {statistics.median(r.cpu for r in pair.floors) * 1000:.0f} ms, "
            f"{max(r.peak_mb for r in pair.floors):.0f} MB "
            f"| {statistics.median(ratios):.1f}× | {verdict} |"
        )
    argon2 = facts["argon2_ms"]
    return "\n".join(
        [
            f"`python benchmarks/bench_cli.py`: a data dir of {visits:,} synced visits (30 "
            "answers each) and one typical visit with photos, its key wrapped by a "
            "passphrase (no keyring); a `fieldvisit-server run` on loopback (SQLite) with "
            f"nothing new for it. {len(pairs[0].runs)} run(s) of each command, each followed "
            f"by its floor, after {warmup} warm-up pair(s); each a whole process spawned and "
            "reaped here (`os.wait4`: CPU and peak memory are the kernel's accounting; a "
            "peak counts at least the pages the child was spawned with, this process's "
            f"{own_peak_mb():.0f} MB). Median (min–max) wall time; {load.text()}.",
            "",
            "| command | wall | CPU | peak RSS | floor: wall, CPU, peak RSS | ÷ floor (pairs' "
            "median) | goal |",
            "|---|---:|---:|---:|---|---:|---|",
            *rows,
            "",
            "Unwrapping the key with the passphrase (argon2id, production parameters), "
            f"measured alone in the set-up process: {median_range(argon2, '.0f')} ms "  # type: ignore[arg-type]
            "(by design, in every command that opens the data dir; the goals include it).",
            "",
            HOW,
        ]
    )


#: How each command gets to its figure (the design these numbers measure).
HOW = (
    "How. `visits list` (and `--json`) reads through the DB-API driver with plain SQL "
    "when the data dir needs nothing done first (store/reading.py, "
    "services/visit_list.py): the key found and the schema checked by the store's own "
    "functions, every visit from the list's index, what progress reads from the covering "
    "index of the given answers (revision 0011), the forms' shapes from the "
    "validated-forms cache; neither SQLAlchemy, its ORM, pydantic, the keyring nor httpx "
    "is imported (tests/cli/test_cli_imports.py); a data dir to create, encrypt or "
    "migrate goes through the store as before. `sync` with nothing to do is found out "
    "by sync/quick.py: no pending row (the partial indexes of revision 0009), no batch "
    "in flight, no refusal held, and the server's pull page after the stored cursor "
    "with nothing new (same cursor, epoch, scope, digests), through one GET of the "
    "standard library's HTTP client; the last-sync time is then written in a write "
    "transaction that looks again for pending rows. Anything else, an error included, "
    "is the full round from the start (sync/engine.py: the ORM, the pydantic wire "
    "models, httpx), which alone moves the cursor: a round after a push (the pull "
    "brings the laptop's own records back) or after other territories' records moved "
    "the server's sequence takes the full round. `--version` answers before the parser "
    "is built, and cli.py imports nothing at its top. `report` opens the store and "
    "imports reportlab and Pillow: no goal."
)


def shell_lines(pairs: list[Pair], env: dict[str, str]) -> str:
    keep = ("FIELDVISIT_PASSPHRASE", "PYTHON_KEYRING_BACKEND", "FIELDVISIT_CREDENTIALS",
            "FIELDVISIT_LOG_DIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME",
            "XDG_STATE_HOME")  # fmt: skip
    lines = ["export " + " ".join(f"{name}={shlex.quote(env[name])}" for name in keep)]
    for pair in pairs:
        lines += [f"# {pair.name}", shlex.join(pair.command), shlex.join(pair.floor)]
    return "\n".join(lines)


def _photo_size(text: str) -> tuple[int, int]:
    sys.path.insert(0, str(HERE))
    from bench_report import photo_size

    return photo_size(text)


def build_parser() -> argparse.ArgumentParser:
    parser = bench_parser(__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--report-photos", type=int, default=10)
    parser.add_argument("--photo-size", type=_photo_size, default=(4000, 3000), metavar="WxH")
    parser.add_argument("--unlock-runs", type=int, default=5, help="argon2id alone, n times")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="set up in DIR and wait")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--prepare"]:
        return prepare(argv[1:])
    args = parse_args(build_parser(), TINY, argv)
    # Stopped by a signal, the server is stopped too (the `with` blocks unwind).
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        with set_up(args.keep.resolve(), args) as (pairs, _f, env, _o):
            print(shell_lines(pairs, env))
            print("\n(server running: press Enter to stop it)", flush=True)
            sys.stdin.readline()
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        with set_up(Path(tmp), args) as (pairs, facts, env, output):
            load = Load()
            measure(pairs, env, args.runs, args.warmup, facts, output)
        text = report(pairs, facts, args.visits, args.warmup, load)
    print(text)
    write_section(SECTION, machine_line() + "\n\n" + text, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
