"""Helpers of the data safety tests (fixtures: conftest.py): a clock the test moves by
hand, damaging a page of an encrypted database file the way a failing disk would, and a
real small filesystem (tmpfs, mounted for the test) that can be filled up."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from fieldvisit.services import Services, visits
from fieldvisit.store.connection import connect

PAGE_SIZE = 4096  # SQLCipher's default, and the app's


class HandClock:
    """A wall clock the test sets: `now`, moved with `advance`."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def plan(svc: Services, summary: str = "") -> str:
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12), author="Claire Martin")
    if summary:
        visits.update_visit(svc, visit.id, summary=summary)
    return visit.id


def page_count(path: Path, keys) -> int:  # type: ignore[no-untyped-def]
    conn = connect(path, keys, readonly=True)
    try:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        conn.close()


def damage_page(path: Path, page: int) -> None:
    """Overwrite bytes in the middle of one page (1-based), as a bad sector would."""
    with path.open("r+b") as fh:
        fh.seek((page - 1) * PAGE_SIZE + 300)
        fh.write(b"\x00bad sector\xff" * 16)


@dataclass
class SmallDisk:
    """A real filesystem of a few megabytes (tmpfs) that the test fills and frees."""

    root: Path

    def fill(self) -> Path:
        """Write a filler file until the disk is full (ENOSPC); returns it."""
        filler = self.root / f"filler-{uuid.uuid4().hex}"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for size in (1 << 20, 1 << 14, 4096, 512, 1):  # down to the last byte
                chunk = b"\0" * size
                try:
                    while True:
                        os.write(fd, chunk)
                except OSError as err:
                    assert err.errno == 28, err
        finally:
            os.close(fd)
        return filler

    def free(self) -> int:
        return os.statvfs(self.root).f_bavail * os.statvfs(self.root).f_frsize


@contextmanager
def mount_small_disks(tmp_path: Path) -> Iterator[Callable[[int], SmallDisk]]:
    """Mount tmpfs filesystems of a given size under tmp_path; unmounted at the end.

    Needs root (CI runs as root: .ci/run); elsewhere the test fails and says so."""
    mounted: list[Path] = []

    def make(size_bytes: int) -> SmallDisk:
        root = tmp_path / f"disk-{len(mounted)}"
        root.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", str(root)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.fail(
                "these tests fill a real filesystem: they mount a tmpfs, which needs root "
                f"(CI runs as root): {done.stderr.strip()}"
            )
        mounted.append(root)
        return SmallDisk(root)

    try:
        yield make
    finally:
        for root in reversed(mounted):
            subprocess.run(["umount", "-l", str(root)], check=False)


def page_of(path: Path, keys, table: str, scratch: Path) -> int:  # type: ignore[no-untyped-def]
    """A page (from the end of the file) that holds rows of table and of no table a
    start reads: damaging it loses some of table's rows, and nothing else."""
    import shutil

    for page in range(page_count(path, keys), 1, -1):
        shutil.copyfile(path, scratch)
        damage_page(scratch, page)
        conn = connect(scratch, keys, readonly=True)
        try:
            try:
                conn.execute(f"SELECT count(*) FROM {table} NOT INDEXED").fetchone()
            except Exception:
                pass
            else:
                continue
        finally:
            conn.close()
        conn = connect(scratch, keys, readonly=True)
        try:
            try:
                for other in ("visits", "local_meta", "alembic_version", "sync_state"):
                    conn.execute(f"SELECT count(*) FROM {other} NOT INDEXED").fetchone()
                half = conn.execute(
                    f"SELECT count(*) FROM {table} NOT INDEXED WHERE rowid <= 3"
                ).fetchone()
            except Exception:
                continue
        finally:
            conn.close()
        if half[0]:
            scratch.unlink()
            return page
    raise AssertionError(f"no page of {table} alone found")
