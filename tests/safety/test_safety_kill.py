"""kill -9 during edits and syncs, 200 times: the database always passes
`PRAGMA integrity_check` and every acknowledged edit is in it.

The process killed is the app's data layer without its window: the services (where
every write happens) and the sync engine, talking to a real `fieldvisit-server`
(uvicorn) on 127.0.0.1 — see kill_child.py, which forks one worker per kill from a
process that imported everything once, so that 200 kills fit in CI time. A worker
announces each phase on a pipe (`phase open`, `phase edit`, `phase sync`, `phase
backup`), reports each edit before it writes (`try`) and once the service call
returned, committed (`ack`), each sync round once it is done (`ack sync`), and only
then goes on; it works until it is killed.

Where each kill lands is chosen from the seed before the run (`PLAN`, `Target`), and
reached through those events, not by the clock alone: so a seed covers the same moments
on a fast machine and on a loaded one, and the coverage asserted at the end follows by
construction. Out of every 20 kills: 4 at a random moment of the first 500 ms after the
fork (anywhere, between events too); 11 into a phase: the opening of the data dir, the
1st or 2nd editing phase, the 1st round (which replays a push batch a kill left in
flight) or the 2nd, a photo being written, a backup — at a random fraction of the
phase, as long as it lasted last time (`PhaseClock`; the opening: the shortest one); a
phase that ends first is aimed at again at its next occurrence, twice as early in it
(the worker is asked to write a photo or a backup early when the kill aims at one); 5
within 50 ms after the 1st or 3rd acknowledged edit or the 1st or 2nd acknowledged
round. A worker that does not reach its target within LINE_TIMEOUT_S fails the test,
with its last line (a phase that is no longer reached, a round that hangs). After each
kill, with no process left on the data dir:

- `PRAGMA integrity_check` says "ok";
- every acknowledged value is there: a summary or answer holds the last acknowledged
  value or one the worker tried to write after it (committed just before the kill);
  and the laptop has no sync conflict: only it edits its visits, so a conflict would be
  spurious (a kill after the server accepted a push and before the laptop recorded it
  used to make the next round see the laptop's own earlier version as a concurrent
  edit; the batch in flight is now re-sent first: tests/sync/test_sync_after_kill.py);
  an acknowledged note is there with its text (deleted only if a deletion was tried);
  an acknowledged deletion is there; an acknowledged photo's record is there and its
  encrypted file decrypts to bytes of the right SHA-256;
- the sync cursor never goes back before an acknowledged round's;
- every file of backups/ named as a backup passes the checks a restore makes.

The next worker goes on with the same data dir, as the app restarted after a crash
would. A colleague (another data dir, in this process) syncs changes of its own every
few kills, so that rounds pull and apply records too. At the end the laptop syncs once
more, and the colleague's copy holds every acknowledged value: nothing was lost on the
way to the server either. The test then checks that the kills landed where they were
aimed (at least half of those aimed into each phase died in it) and the coverage: at
least KILLS/10 kills during a sync round and as many during edits, KILLS/4
acknowledged rounds, KILLS acknowledgements in all.

FIELDVISIT_KILLS changes the number of kills (default 200), FIELDVISIT_KILL_SEED
replays a run (the seed is printed in the failure message).
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from hashlib import sha256
from pathlib import Path
from typing import Any

import httpx
import pytest

from fieldvisit.paths import DataDir
from fieldvisit.security.vault import FileVault
from fieldvisit.services import Services, visits
from fieldvisit.store.connection import connect
from fieldvisit.store.database import unlock_data_dir
from fieldvisit.store.files import AttachmentFiles
from fieldvisit.store.recovery import backup_files, inspect_backup
from fieldvisit.sync.conflicts import open_conflicts
from fieldvisit.sync.session import login, sync_once
from fieldvisit.sync.status import sync_status

CHILD = Path(__file__).with_name("kill_child.py")
BIN = Path(sys.executable).parent
PASSWORD = "mot-de-passe-solide"
KILLS = int(os.environ.get("FIELDVISIT_KILLS", "200"))
LINE_TIMEOUT_S = 60.0  # the longest a worker may take to reach its target
AGENT_OF_CANTAL = ("--role", "agent", "--territories", "15")

pytestmark = pytest.mark.slow  # about a minute on 2 cores (still run in CI)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`fieldvisit-server run` on 127.0.0.1, with two agents of the Cantal."""
    db = str(tmp_path / "server.sqlite3")
    env = {**os.environ, "FIELDVISIT_SERVER_PASSWORD": PASSWORD}
    for user in ("agent", "collegue"):
        done = subprocess.run(
            [str(BIN / "fieldvisit-server"), "users", "add", user, *AGENT_OF_CANTAL, "--db", db],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    port = _free_port()
    process = subprocess.Popen(
        [
            str(BIN / "fieldvisit-server"),
            "run",
            "--db",
            db,
            "--files",
            str(tmp_path / "files"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "server.log").open("ab"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Expected:
    """What the worker acknowledged, and what it tried since (per record)."""

    acked: dict[tuple[str, str], Any] = field(default_factory=dict)
    tried: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    deletes_tried: set[str] = field(default_factory=set)
    cursor: int = 0
    acks: Counter[str] = field(default_factory=Counter)

    def line(self, what: str, kind: str, key: str, value: Any) -> None:
        if what == "try":
            if kind == "deleted":
                self.deletes_tried.add(key)
            elif key != "-":
                self.tried.setdefault((kind, key), []).append(value)
            return
        self.acks[kind] += 1
        if kind == "sync":
            self.cursor = max(self.cursor, value["cursor"])
        elif kind in ("backup", "visit"):
            pass
        else:
            self.acked[(kind, key)] = value
            self.tried.pop((kind, key), None)

    def allowed(self, kind: str, key: str) -> list[Any]:
        return [self.acked[(kind, key)], *self.tried.get((kind, key), [])]


# What the kills aim at, for every 20 kills (shuffled with the seed): (how, what, nth).
# "time": anywhere in the first TIME_WINDOW_S after the fork, between events too;
# "phase": into the nth occurrence of a phase since the fork (open, edit, sync, photo,
# backup); "after": within AFTER_WINDOW_S after the nth acknowledged edit or sync round.
PLAN: tuple[tuple[str, str, int], ...] = (
    *[("time", "", 1)] * 4,
    ("phase", "open", 1),
    ("phase", "edit", 1),
    ("phase", "edit", 1),
    ("phase", "edit", 2),
    *[("phase", "sync", 1)] * 3,  # the first round also replays a batch left in flight
    *[("phase", "sync", 2)] * 2,
    ("phase", "photo", 1),
    ("phase", "backup", 1),
    ("after", "edit", 1),
    ("after", "edit", 3),
    ("after", "sync", 1),
    ("after", "sync", 1),
    ("after", "sync", 2),
)
SOON = ("photo", "backup")  # rare phases the worker is asked to reach early (kill_child)
TIME_WINDOW_S = 0.5
AFTER_WINDOW_S = 0.05
# How long a phase lasts before the parent has seen one end (then: see PhaseClock).
FIRST_GUESS_S = {"open": 0.1, "edit": 0.03, "photo": 0.02, "sync": 0.2, "backup": 0.2}


@dataclass(frozen=True)
class Target:
    """Where one kill lands: `at` is a fraction (0–1) of the time window of `how`:
    TIME_WINDOW_S from the fork, the length of the phase (as it lasted last time), or
    AFTER_WINDOW_S from the acknowledgement."""

    how: str
    what: str
    nth: int
    at: float

    def __str__(self) -> str:
        if self.how == "time":
            return f"{self.at * TIME_WINDOW_S * 1000:.0f} ms after the fork"
        if self.how == "phase":
            return f"{self.at:.0%} into {self.what} #{self.nth}"
        return (
            f"{self.at * AFTER_WINDOW_S * 1000:.0f} ms after acknowledged {self.what} #{self.nth}"
        )


def plan_targets(rng: random.Random, kills: int) -> list[Target]:
    """The same targets for a seed on any machine: the coverage the test asserts
    follows from them, not from how fast the worker runs."""
    plan = [Target(*PLAN[kill % len(PLAN)], at=rng.random()) for kill in range(kills)]
    rng.shuffle(plan)
    return plan


class PhaseClock:
    """How long each phase lasted the last time the parent saw it whole (this machine,
    this load): a phase target kills at a fraction of that, so that kills spread over
    the whole phase on a fast machine and on a loaded one alike. The opening, which an
    aim cannot try again, uses the shortest seen: any opening lasts at least that."""

    def __init__(self) -> None:
        self.lasted = dict(FIRST_GUESS_S)
        self.started: dict[str, float] = {}
        self.seen: set[str] = set()

    def saw(self, line: str, now: float) -> None:
        ended, began = _ends(line), _starts(line)
        if ended is not None and ended in self.started:
            took = now - self.started.pop(ended)
            if ended == "open" and ended in self.seen:
                took = min(took, self.lasted["open"])
            self.lasted[ended] = took
            self.seen.add(ended)
        if began is not None:
            self.started[began] = now

    def new_worker(self) -> None:
        self.started.clear()


class Aim:
    """Follows one worker's lines to its target; `deadline` is the moment to kill, set
    once the target is reached. A phase that ends before the deadline is aimed at
    again at its next occurrence, twice as early in it (`misses`); the opening, which
    happens once, is not: that kill lands just after it."""

    def __init__(self, target: Target, clock: PhaseClock) -> None:
        self.target = target
        self.clock = clock
        self.at = target.at
        self.seen = 0
        self.deadline: float | None = None
        self.misses = 0

    def forked(self, now: float) -> None:
        if self.target.how == "time":
            self.deadline = now + self.at * TIME_WINDOW_S

    def saw(self, line: str, phase: str, now: float) -> None:
        how, what = self.target.how, self.target.what
        if how == "phase":
            missed = phase != what or _ends(line) == what
            if self.deadline is not None and what != "open" and missed:
                self.deadline, self.at = None, self.at / 2
                self.misses += 1
            if _starts(line) == what:
                self.seen += 1
                if self.seen >= self.target.nth and self.deadline is None:
                    self.deadline = now + self.at * self.clock.lasted[what]
        elif how == "after" and _acknowledges(line) == what:
            self.seen += 1
            if self.seen == self.target.nth:
                self.deadline = now + self.at * AFTER_WINDOW_S


class Zygote:
    def __init__(self, data_dir: DataDir, scratch: Path, log: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), str(data_dir.root), str(scratch)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("ab"),
            text=True,
            env={**os.environ, "FIELDVISIT_CREDENTIALS": "file", "PYTHONUNBUFFERED": "1"},
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.worker: int | None = None  # forked and not yet reaped
        threading.Thread(target=self._pump, daemon=True).start()
        assert self.next_line() == "ready"

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, timeout: float = LINE_TIMEOUT_S) -> str:
        line = self.lines.get(timeout=timeout)
        if line is None:
            raise AssertionError("the zygote ended")
        head, _, rest = line.partition(" ")
        if head == "forked":
            self.worker = int(rest)
        elif head == "exited":
            self.worker = None
        return line

    def send(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def close(self) -> None:
        if self.worker is not None:  # a failed test: its worker would work on
            os.kill(self.worker, signal.SIGKILL)
        if self.process.poll() is None:
            self.send("quit")
            self.process.wait(timeout=30)


def verify(data_dir: DataDir, files: AttachmentFiles, expected: Expected, context: str) -> None:
    keys, _ = unlock_data_dir(data_dir)
    conn = connect(data_dir.database, keys)
    try:
        check = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        assert check == ["ok"], f"integrity_check: {check[:3]} {context}"
        for (kind, key), value in list(expected.acked.items()):
            if kind == "summary":
                sql = "SELECT summary FROM visits WHERE id = ?"
                (found,) = conn.execute(sql, (key,)).fetchone()
                assert found in expected.allowed(kind, key), f"summary of {key} lost {context}"
                expected.acked[(kind, key)] = found
            elif kind == "answer":
                visit_id, item = key.split("/")
                row = conn.execute(
                    "SELECT value, id FROM answers WHERE visit_id = ? AND item_id = ?",
                    (visit_id, item),
                ).fetchone()
                assert row is not None, f"answer {key} lost {context}"
                found = json.loads(row[0])
                assert found in expected.allowed(kind, key), f"answer {key} lost {context}"
                expected.acked[(kind, key)] = found
            elif kind == "note":
                row = conn.execute(
                    "SELECT text, deleted_at FROM quick_notes WHERE id = ?", (key,)
                ).fetchone()
                assert row is not None and row[0] == value, f"note {key} lost {context}"
                assert row[1] is None or key in expected.deletes_tried, f"note {key} {context}"
            elif kind == "deleted":
                row = conn.execute(
                    "SELECT deleted_at FROM quick_notes WHERE id = ?", (key,)
                ).fetchone()
                assert row is not None and row[0] is not None, f"deletion {key} lost {context}"
            elif kind == "photo":
                row = conn.execute("SELECT sha256 FROM attachments WHERE id = ?", (key,)).fetchone()
                assert row is not None and row[0] == value, f"photo {key} lost {context}"
                assert sha256(files.read_bytes(value)).hexdigest() == value, context
        conflicts = conn.execute(
            "SELECT table_name, record_id, field_name FROM sync_conflicts"
        ).fetchall()
        assert conflicts == [], f"spurious sync conflicts {conflicts} {context}"
        (cursor,) = conn.execute("SELECT coalesce(max(cursor), 0) FROM sync_state").fetchone()
        assert cursor >= expected.cursor, f"cursor went back {context}"
    finally:
        conn.close()
    expected.tried.clear()
    for path in backup_files(data_dir.backups):
        inspect_backup(path, keys)  # raises BadBackup with the reason


def colleague_edits(colleague: Services, rng: random.Random, count: int) -> None:
    for visit in visits.list_visits(colleague):
        if visit.author == "Paul Durand" and rng.random() < 0.5:
            visits.update_visit(colleague, visit.id, summary=f"Visite du collègue {count}")
    if rng.random() < 0.5:
        visits.plan_visit(colleague, "15187", date(2026, 4, 2), author="Paul Durand")
    sync_once(colleague)


def test_kill_9_during_edits_and_syncs_loses_no_acknowledged_edit(
    tmp_path: Path, server: str, communes, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")  # never the OS keyring
    seed = int(os.environ.get("FIELDVISIT_KILL_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    laptop = DataDir(tmp_path / "laptop")
    svc = Services.open(laptop)
    svc.__dict__["communes"] = communes
    login(svc, server, "agent", PASSWORD)
    for _ in range(3):
        visits.plan_visit(svc, "15187", date(2026, 3, 12), author="Claire Martin")
    keys = svc.store.keys
    svc.close()
    colleague = Services.open(DataDir(tmp_path / "colleague"))
    colleague.__dict__["communes"] = communes
    login(colleague, server, "collegue", PASSWORD)
    files = AttachmentFiles(laptop.attachments, FileVault(keys.files, keys.names))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    zygote = Zygote(laptop, scratch, tmp_path / "zygote.log")
    expected = Expected()
    targets = plan_targets(rng, KILLS)
    clock = PhaseClock()
    phases: Counter[str] = Counter()
    aimed: Counter[str] = Counter()  # kills aimed into a phase…
    landed: Counter[str] = Counter()  # …that died in it
    misses = 0
    started = time.monotonic()
    try:
        for kill, target in enumerate(targets):
            context = (
                f"(kill {kill + 1} of {KILLS} aimed {target}, seed {seed}; logs in {tmp_path})"
            )
            if kill % 10 == 5:
                colleague_edits(colleague, rng, kill)
            aim = Aim(target, clock)
            clock.new_worker()
            soon = target.what if target.how == "phase" and target.what in SOON else ""
            zygote.send(f"run {seed + kill} {soon}")
            give_up = time.monotonic() + LINE_TIMEOUT_S
            phase, pid, last = "open", 0, "(none)"
            while True:
                now = time.monotonic()
                if pid and aim.deadline is not None and now >= aim.deadline:
                    os.kill(pid, signal.SIGKILL)
                    break
                if now >= give_up:
                    pytest.fail(
                        f"the worker did not reach its target within {LINE_TIMEOUT_S:.0f} s; "
                        f"its last line: {last!r} {context}"
                    )
                until = aim.deadline if pid and aim.deadline is not None else give_up
                try:
                    line = zygote.next_line(timeout=max(min(until, give_up) - now, 0.0))
                except queue.Empty:
                    continue
                now = time.monotonic()
                head, _, rest = line.partition(" ")
                if head == "forked":
                    pid = int(rest)
                    aim.forked(now)
                    continue
                if head == "exited":
                    pytest.fail(f"the worker ended before it was killed: {line} {context}")
                last = line
                phase = _record(line, expected, phase, context)
                clock.saw(line, now)
                aim.saw(line, phase, now)
            misses += aim.misses
            while True:  # what the worker wrote before it died, then its end
                line = zygote.next_line()
                if line.startswith("exited "):
                    _, exited_pid, status = line.split()
                    assert int(exited_pid) == pid
                    assert os.WIFSIGNALED(int(status)), context
                    assert os.WTERMSIG(int(status)) == signal.SIGKILL, context
                    break
                phase = _record(line, expected, phase, context)
            phases[phase] += 1  # where it died: after every line it wrote
            if target.how == "phase":
                aimed[target.what] += 1
                landed[target.what] += phase == target.what
            verify(laptop, files, expected, context)
    finally:
        zygote.close()
    elapsed = time.monotonic() - started

    # After all that, one more round: everything acknowledged reaches the colleague.
    svc = Services.open(laptop)
    try:
        assert open_conflicts(svc) == []
        sync_once(svc)
        sync_once(colleague)
        assert sync_status(svc).pending == 0
        for kind, key in expected.acked:
            if kind == "summary":
                mine = visits.get_visit(svc, key).summary
                assert visits.get_visit(colleague, key).summary == mine
    finally:
        svc.close()
        colleague.close()
    summary = (
        f"{KILLS} kills in {elapsed:.0f} s; killed while {dict(phases)}; "
        f"aimed into {dict(aimed)}, landed {dict(landed)}, {misses} re-aimed; "
        f"acknowledged {dict(expected.acks)}; seed {seed}"
    )
    print(summary)
    # The kills landed in every phase that writes, and after acknowledged syncs. The
    # targets make it so whatever the machine's speed; these prove they were reached
    # and hit (a phase no longer reached fails above, on LINE_TIMEOUT_S).
    for what, count in aimed.items():
        assert landed[what] >= count // 2, summary
    assert phases["sync"] >= KILLS // 10, summary
    assert phases["edit"] >= KILLS // 10, summary
    assert expected.acks["sync"] >= KILLS // 4, summary
    assert sum(expected.acks.values()) >= KILLS, summary


def _record(line: str, expected: Expected, phase: str, context: str) -> str:
    """Take one line of a worker into account; the worker's phase after it."""
    parts = line.split(" ", 4)
    if len(parts) >= 2 and parts[1] == "error":
        pytest.fail(f"the worker failed: {line} {context}")
    if len(parts) == 3 and parts[1] == "phase":
        return parts[2]
    if len(parts) == 5 and parts[1] in ("try", "ack"):
        expected.line(parts[1], parts[2], parts[3], json.loads(parts[4]))
        if parts[2] == "photo":  # a photo is written between its try and its ack
            return "photo" if parts[1] == "try" else "edit"
        return phase
    raise AssertionError(f"unexpected line from the worker: {line!r} {context}")


def _starts(line: str) -> str | None:
    """The phase a worker's line begins, if any."""
    parts = line.split(" ", 3)
    if len(parts) >= 3 and parts[1] == "phase":
        return parts[2]
    if len(parts) >= 3 and parts[1:3] == ["try", "photo"]:
        return "photo"
    return None


def _ends(line: str) -> str | None:
    """The phase a worker's line ends, if any (a worker edits after opening and
    before each sync round)."""
    parts = line.split(" ", 3)
    if len(parts) >= 3 and parts[1] == "ack" and parts[2] in ("sync", "backup", "photo"):
        return parts[2]
    if len(parts) >= 3 and parts[1] == "phase":
        return {"edit": "open", "sync": "edit"}.get(parts[2])
    return None


def _acknowledges(line: str) -> str | None:
    """What an `ack` line acknowledges: "sync" (a round), "edit" (any edit), or None."""
    parts = line.split(" ", 3)
    if len(parts) < 3 or parts[1] != "ack" or parts[2] == "backup":
        return None
    return "sync" if parts[2] == "sync" else "edit"
