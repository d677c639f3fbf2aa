"""The process the kill test shoots (run by test_safety_kill.py; not a test module).

    python kill_child.py DATA_DIR SCRATCH_DIR

Starting Python and importing the app's services and sync costs about half a second;
200 kills of fresh processes would spend most of their time there. So this process
is a *zygote*: it imports everything once, then waits on stdin for `run SEED [SOON]`
lines and for each one forks a worker (a real separate process with its own SQLite
connections, which is what SIGKILL hits). The zygote itself never opens the database
and has no thread, so a fork is safe. It prints `forked PID` when a worker starts and `exited PID
STATUS` once the worker died (it reaps it with waitpid).

A worker opens the data dir (`Services.open`) and works like a person and the app:
edits (visit summaries, checklist answers, quick notes added and deleted, photos, new
visits) through the services, sync rounds against the real server (`sync_once`), and
now and then the automatic backup. Before each write it prints `PID try KIND KEY
VALUE`; once the service call returned (committed) it prints `PID ack KIND KEY VALUE`,
then goes on. Before a sync round `PID phase sync`, after it `PID ack sync - CURSOR`;
`PID phase open`, `PID phase edit` and `PID phase backup` likewise. Lines are written
with one `os.write` each (shorter than PIPE_BUF: never interleaved with the zygote's).

A worker works until it is killed: the parent aims each kill at a moment these lines
announce (the n-th sync round, a photo being written…), however long the machine takes
to get there. SOON asks for a rare moment early: `photo` makes the first edit a photo,
`backup` has a backup follow the first round (otherwise a photo is 7 % of the edits and
a backup follows 15 % of the rounds: a kill aimed at them would wait many rounds).
MAX_WORK_S is only a backstop for a parent that died without killing it; it is well
above the parent's own LINE_TIMEOUT_S, so a worker that never reaches its target fails
the test with the parent's message, not by ending on its own.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

# Everything a worker uses is imported here, once, before any fork.
import httpx  # noqa: F401
import PIL.Image

from fieldvisit.paths import DataDir
from fieldvisit.services import Services, answers, attachments, backups, notes, visits
from fieldvisit.services.deletion import soft_delete
from fieldvisit.store import models  # noqa: F401
from fieldvisit.sync import engine  # noqa: F401
from fieldvisit.sync.session import sync_once

CHECKLIST = "visite-centre-bourg"
TEXT_ITEMS = ("parcours", "angles_morts_lieux", "rassemblements_lieux")
MAX_WORK_S = 180.0  # the parent gives up after LINE_TIMEOUT_S (60 s) and kills it


def say(line: str) -> None:
    os.write(1, (line + "\n").encode("utf-8"))


class Worker:
    def __init__(self, data_dir: DataDir, scratch: Path, seed: int, soon: str = "") -> None:
        self.pid = os.getpid()
        self.soon = soon  # "photo" or "backup": see the module docstring
        self.rng = random.Random(seed)
        self.scratch = scratch
        say(f"{self.pid} phase open")  # before: opening is what a kill here interrupts
        self.svc = Services.open(data_dir)
        self.counter = seed * 1000

    def tell(self, what: str, kind: str, key: str, value: object) -> None:
        say(f"{self.pid} {what} {kind} {key} {json.dumps(value, ensure_ascii=False)}")

    def visit_ids(self) -> list[str]:
        return [v.id for v in visits.list_visits(self.svc) if v.author == "Claire Martin"]

    def edit(self) -> None:
        svc, rng = self.svc, self.rng
        self.counter += 1
        stamp = f"{self.counter}"
        ids = self.visit_ids()
        choice = rng.random()
        if self.soon == "photo":
            choice, self.soon = 1.0, ""
        if not ids or choice < 0.04:
            self.tell("try", "visit", "-", stamp)
            visit = visits.plan_visit(svc, "15187", date(2026, 3, 12), author="Claire Martin")
            visits.update_visit(svc, visit.id, summary=f"visite {stamp}")
            self.tell("ack", "summary", visit.id, f"visite {stamp}")
            return
        visit_id = rng.choice(ids)
        if choice < 0.35:
            text = f"Résumé {stamp} : éclairage à revoir rue des Lacs " * rng.randint(1, 20)
            self.tell("try", "summary", visit_id, text)
            visits.update_visit(svc, visit_id, summary=text)
            self.tell("ack", "summary", visit_id, text)
        elif choice < 0.65:
            item = rng.choice(TEXT_ITEMS)
            text = f"Réponse {stamp} : tags sur le lavoir, rodéos le soir"
            key = f"{visit_id}/{item}"
            self.tell("try", "answer", key, text)
            answers.answer_item(svc, visit_id, CHECKLIST, item, text)
            self.tell("ack", "answer", key, text)
        elif choice < 0.85:
            text = f"Note {stamp} : le maire souhaite une réunion avec la brigade"
            self.tell("try", "note", "-", text)
            note = notes.add_quick_note(svc, visit_id, text)
            self.tell("ack", "note", note.id, text)
        elif choice < 0.93:
            alive = notes.list_quick_notes(svc, visit_id)
            if alive:
                note_id = rng.choice(alive).id
                self.tell("try", "deleted", note_id, True)
                soft_delete(svc, "note", note_id)
                self.tell("ack", "deleted", note_id, True)
        else:
            caption = f"Photo {stamp}"
            photo = self.scratch / f"photo-{self.pid}-{stamp}.png"
            shade = (self.counter * 37 % 256, self.counter * 91 % 256, 120)
            PIL.Image.new("RGB", (64, 48), shade).save(photo)
            self.tell("try", "photo", "-", caption)
            attachment = attachments.attach_photo(svc, visit_id, photo, caption=caption)
            self.tell("ack", "photo", attachment.id, attachment.sha256)

    def sync(self) -> None:
        say(f"{self.pid} phase sync")
        report = sync_once(self.svc)
        from fieldvisit.sync.local import read_sync_state

        with self.svc.store.reading() as session:
            cursor = read_sync_state(session).cursor
        self.tell("ack", "sync", "-", {"cursor": cursor, "pushed": report.pushed})

    def backup(self) -> None:
        say(f"{self.pid} phase backup")
        always = backups.BackupPolicy(min_interval=timedelta(0))
        outcome = backups.automatic_backup(self.svc.store, backups.REASON_SYNC, policy=always)
        self.tell("ack", "backup", "-", outcome.kind)

    def run(self) -> None:
        started = time.monotonic()
        while time.monotonic() - started < MAX_WORK_S:
            say(f"{self.pid} phase edit")
            for _ in range(self.rng.randint(1, 4)):
                self.edit()
            self.sync()
            if self.rng.random() < 0.15 or self.soon == "backup":
                self.soon = ""
                self.backup()


def worker(data_root: str, scratch: str, seed: int, soon: str) -> None:
    try:
        Worker(DataDir(Path(data_root)), Path(scratch), seed, soon).run()
    except BaseException as err:  # reported: the parent fails the test with it
        say(f"{os.getpid()} error {type(err).__name__}: {err}".replace("\n", " "))
        os._exit(3)
    os._exit(0)


def main(argv: list[str]) -> int:
    data_root, scratch = argv[1], argv[2]
    say("ready")
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "quit":
            return 0
        if command != "run":
            continue
        pid = os.fork()
        if pid == 0:
            seed, _, soon = arg.partition(" ")
            worker(data_root, scratch, int(seed), soon)
        say(f"forked {pid}")
        _pid, status = os.waitpid(pid, 0)
        say(f"exited {pid} {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
