"""Kill the app mid-typing: the database opens cleanly and at most the last second is lost.

A child process (tests/ui/crash_child.py) runs the real app window offscreen, with the
real worker thread, on a data dir holding one visit, and types into the visit summary
(autosaved) a character every 30 ms, printing how many characters it has typed and
when (`time.monotonic()`, CLOCK_MONOTONIC: one clock for every process of the machine,
so the parent's kill time and the child's timestamps compare directly). The parent
blocks on those lines and sends SIGKILL at a pseudo-random point after at least 80
characters. Then:

- `PRAGMA integrity_check` says "ok" and the store opens through `open_store`;
- the saved summary is a prefix of the text typed (never garbage, never a jumble);
- every character typed more than LOSS_ALLOWED_S before the kill is in it.

LOSS_ALLOWED_S is the promise of the issue (1 s: "at most the last second of typing is
lost") plus 0.5 s for scheduling on a busy machine: the child's Qt timer, the worker
thread and the parent compete for the CPU (2 cores here, with pytest and the other
tests' leftovers), and the parent notices a line only after the child wrote it.

Two quick tests go with it: the autosave mechanism behind the promise (a steady stream
of edits is written while it goes on, ui/workspace/autosave.py's deadline), and the Qt binding's
reference counting, whose fault in PySide6 6.12.0 on Python 3.11 kills the app.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from fieldvisit.paths import DataDir
from fieldvisit.services import Services, visits
from fieldvisit.store import open_store
from fieldvisit.store.connection import connect
from fieldvisit.store.database import unlock_data_dir
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.workspace.autosave import Debouncer

CHILD = Path(__file__).with_name("crash_child.py")
INTERVAL_MS = 30
LOSS_ALLOWED_S = 1.5
LINE_TIMEOUT_S = 60.0  # a safety net only: a healthy child prints a line every 30 ms
TEXT = (
    "Centre-bourg calme le matin, plus anime a la sortie des ecoles. "
    "Eclairage a revoir rue des Lacs et sous la halle; tags recents sur le lavoir. "
    "Le maire souhaite une reunion avec la brigade avant l'ete. "
) * 3


@dataclass(frozen=True)
class Keystroke:
    count: int  # characters typed so far
    at: float  # time.monotonic() in the child, just after the key event


class ChildOutput:
    """The child's stdout, line by line, read by a thread so that waits can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(process,), daemon=True)
        self._thread.start()

    def _pump(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)  # end of output

    def next_line(self) -> str:
        try:
            line = self.lines.get(timeout=LINE_TIMEOUT_S)
        except queue.Empty:
            pytest.fail(f"the child printed nothing for {LINE_TIMEOUT_S:.0f} s")
        if line is None:
            pytest.fail("the child ended before it was killed")
        return line


@pytest.fixture
def one_visit(data_dir: DataDir, communes) -> str:  # type: ignore[no-untyped-def]
    services = Services.open(data_dir)
    services.__dict__["communes"] = communes
    visit = visits.plan_visit(services, "15187", date(2026, 3, 12), author="Claire Martin")
    services.close()
    return visit.id


def run_and_kill(data_dir: DataDir, tmp_path: Path, visit_id: str, kill_after: int):  # type: ignore[no-untyped-def]
    """Start the child, read its keystrokes, SIGKILL it after `kill_after` characters.

    Returns (keystrokes seen, the parent's monotonic time of the kill, child's stderr).
    """
    text_file = tmp_path / "typed.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            str(CHILD),
            str(data_dir.root),
            str(tmp_path / "child-settings.ini"),
            visit_id,
            str(text_file),
            str(INTERVAL_MS),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    stderr_chunks: list[str] = []
    stderr_reader = threading.Thread(
        target=lambda: stderr_chunks.append(process.stderr.read() if process.stderr else ""),
        daemon=True,
    )
    stderr_reader.start()
    keystrokes: list[Keystroke] = []
    killed_at = 0.0
    try:
        output = ChildOutput(process)
        while True:
            line = output.next_line()
            kind, _, rest = line.partition(" ")
            if kind == "error":
                pytest.fail(f"the child reported an error: {rest}")
            if kind != "typed":
                continue
            count, at = rest.split()
            keystrokes.append(Keystroke(int(count), float(at)))
            if int(count) >= kill_after:
                killed_at = time.monotonic()
                os.kill(process.pid, signal.SIGKILL)
                break
    finally:
        if process.poll() is None and not killed_at:
            process.kill()
        process.wait(timeout=LINE_TIMEOUT_S)
        stderr_reader.join(timeout=LINE_TIMEOUT_S)
    assert process.returncode == -signal.SIGKILL
    return keystrokes, killed_at, "".join(stderr_chunks)


def integrity(data_dir: DataDir) -> list[str]:
    keys, _ = unlock_data_dir(data_dir)  # the database is encrypted
    connection = connect(data_dir.database, keys)
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


def test_killing_the_app_mid_typing_loses_at_most_the_last_second(
    data_dir: DataDir, tmp_path: Path, one_visit: str
) -> None:
    seed = random.randrange(1_000_000)
    kill_after = random.Random(seed).randint(80, 180)
    keystrokes, killed_at, stderr = run_and_kill(data_dir, tmp_path, one_visit, kill_after)
    context = f"(seed {seed}, killed after {kill_after} characters; child stderr:\n{stderr})"
    assert keystrokes[-1].count == kill_after, context
    typing_s = keystrokes[-1].at - keystrokes[0].at
    assert typing_s > 1.5, f"typing lasted only {typing_s:.2f} s {context}"

    assert integrity(data_dir) == ["ok"], context
    store = open_store(data_dir)  # refuses a damaged file (CorruptDatabase)
    store.close()
    services = Services.open(data_dir)
    try:
        saved = visits.get_visit(services, one_visit).summary
    finally:
        services.close()

    assert TEXT.startswith(saved), f"saved {saved!r} is not what was typed {context}"
    deadline = killed_at - LOSS_ALLOWED_S
    must_be_saved = max((k.count for k in keystrokes if k.at <= deadline), default=0)
    assert must_be_saved >= 10, f"the kill came too early to judge anything {context}"
    assert len(saved) >= must_be_saved, (
        f"only {len(saved)} of the {must_be_saved} characters typed more than "
        f"{LOSS_ALLOWED_S} s before the kill were saved ({kill_after} typed) {context}"
    )


def test_steady_typing_is_written_while_it_goes_on(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    """The mechanism behind the promise, in-process: a change every 10 ms (far quicker
    than the debounce delay) is still written while the changes keep coming, each at
    most `max_delay_ms` after the first change not yet written."""
    written: list[int] = []
    debouncer = Debouncer(ui_ctx, delay_ms=300, max_delay_ms=100)
    keystrokes = 0

    def write(count: int) -> None:
        written.append(count)

    def keystroke() -> None:
        nonlocal keystrokes
        keystrokes += 1
        debouncer.schedule("summary", partial(write, keystrokes))

    typing = QTimer()
    typing.setInterval(10)
    typing.timeout.connect(keystroke)
    typing.start()
    try:
        qtbot.waitUntil(lambda: len(written) >= 3, timeout=3000)
    finally:
        typing.stop()
    assert written == sorted(written)  # the newest text each time, in order
    assert written[0] < written[-1] <= keystrokes  # written again and again while typing


def test_qt_calls_keep_their_references_to_none(qapp) -> None:  # type: ignore[no-untyped-def]
    """PySide6 6.12.0 on Python 3.11 drops a reference to None at every call of a method
    returning nothing (6.11 does not; from Python 3.12 on None is immortal): the app then
    dies with "Fatal Python error: none_dealloc" after a few hundred repaints of the
    visit list (each row's progress bar is painted by Python). Pin PySide6 below 6.12 or
    run on Python 3.12+."""
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("fieldvisit")
    assert sys.getrefcount(None) - before > -100, (
        "each Qt call lost a reference to None: this PySide6 will crash the app"
    )
