"""Content-addressed encrypted attachments and rotating encrypted online backups."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fieldvisit.paths import DataDir
from fieldvisit.security.keys import DataKeys, new_master_key
from fieldvisit.security.vault import FileVault, is_encrypted
from fieldvisit.store import open_store
from fieldvisit.store.backup import backup_database, rotate_backups
from fieldvisit.store.database import SQLITE_HEADER, connect
from fieldvisit.store.files import AttachmentFiles


def _vault() -> FileVault:
    keys = DataKeys(new_master_key())
    return FileVault(keys.files, keys.names)


def test_same_bytes_twice_are_stored_once(tmp_path: Path) -> None:
    store = AttachmentFiles(tmp_path / "attachments", _vault())
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
    assert store.path_for(sha1).parent.name == store.path_for(sha1).name[:2]
    assert store.path_for(sha1).name != sha1  # a keyed name, not the plain hash
    assert is_encrypted(stored[0]) and b"photo bytes" not in stored[0].read_bytes()
    assert store.read_bytes(sha1) == b"\xff\xd8photo bytes"
    assert store.size(sha1) == size1
    assert store.put_bytes(b"\xff\xd8photo bytes") == sha1


def test_the_same_content_gets_another_name_under_another_key(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"the same photo on two laptops")
    one, two = AttachmentFiles(tmp_path / "a", _vault()), AttachmentFiles(tmp_path / "b", _vault())
    sha, _ = one.put_file(photo)
    assert two.put_file(photo)[0] == sha  # the content address is the same
    assert one.path_for(sha).name != two.path_for(sha).name


def test_backup_is_an_encrypted_consistent_copy_of_a_live_database(data_dir: DataDir) -> None:
    store = open_store(data_dir)
    target = backup_database(data_dir.database, data_dir.backups, "test", keys=store.keys)
    assert store.backup("again").is_file()
    store.close()
    assert not target.read_bytes().startswith(SQLITE_HEADER)
    conn = connect(target, store.keys)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT value FROM local_meta WHERE key='device_id'").fetchone()[0] == (
        store.device_id
    )
    conn.close()


def test_rotation_drops_old_backups_but_keeps_the_newest(data_dir: DataDir, tmp_path: Path) -> None:
    store = open_store(data_dir)
    source, keys = data_dir.database, store.keys
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    old = backup_database(source, tmp_path / "b", "start", now=now - timedelta(days=30), keys=keys)
    recent = backup_database(
        source, tmp_path / "b", "start", now=now - timedelta(days=2), keys=keys
    )
    foreign = tmp_path / "b" / "notes.txt"
    foreign.write_text("keep me")
    removed = rotate_backups(tmp_path / "b", keep_days=14, now=now)
    assert removed == [old]
    assert recent.exists() and foreign.exists()
    # Even a very old single backup is kept: it may be the only one.
    only = tmp_path / "c"
    kept = backup_database(source, only, "start", now=now - timedelta(days=300), keys=keys)
    store.close()
    assert rotate_backups(only, keep_days=14, now=now) == []
    assert kept.exists()
    assert os.listdir(only) == [kept.name]
