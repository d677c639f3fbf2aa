"""Content-addressed attachments and rotating online backups."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fieldvisit.paths import DataDir
from fieldvisit.store import open_store
from fieldvisit.store.backup import backup_database, rotate_backups
from fieldvisit.store.files import AttachmentFiles


def test_same_bytes_twice_are_stored_once(tmp_path: Path) -> None:
    store = AttachmentFiles(tmp_path / "attachments")
    first = tmp_path / "a.jpg"
    second = tmp_path / "copy of a.jpg"
    first.write_bytes(b"\xff\xd8photo bytes")
    second.write_bytes(b"\xff\xd8photo bytes")
    sha1, size1 = store.put_file(first)
    sha2, _ = store.put_file(second)
    assert sha1 == sha2 == hashlib.sha256(b"\xff\xd8photo bytes").hexdigest()
    assert size1 == len(b"\xff\xd8photo bytes")
    stored = [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]
    assert stored == [store.path_for(sha1)]
    assert store.path_for(sha1).parent.name == sha1[:2]
    assert store.put_bytes(b"\xff\xd8photo bytes") == sha1


def test_backup_is_a_consistent_copy_of_a_live_database(data_dir: DataDir) -> None:
    store = open_store(data_dir)
    target = backup_database(data_dir.database, data_dir.backups, "test")
    store.close()
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT value FROM local_meta WHERE key='device_id'").fetchone()[0] == (
        store.device_id
    )
    conn.close()


def test_rotation_drops_old_backups_but_keeps_the_newest(tmp_path: Path) -> None:
    source = tmp_path / "db.sqlite3"
    sqlite3.connect(source).close()
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    old = backup_database(source, tmp_path / "b", "start", now=now - timedelta(days=30))
    recent = backup_database(source, tmp_path / "b", "start", now=now - timedelta(days=2))
    foreign = tmp_path / "b" / "notes.txt"
    foreign.write_text("keep me")
    removed = rotate_backups(tmp_path / "b", keep_days=14, now=now)
    assert removed == [old]
    assert recent.exists() and foreign.exists()
    # Even a very old single backup is kept: it may be the only one.
    only = tmp_path / "c"
    kept = backup_database(source, only, "start", now=now - timedelta(days=300))
    assert rotate_backups(only, keep_days=14, now=now) == []
    assert kept.exists()
    assert os.listdir(only) == [kept.name]
