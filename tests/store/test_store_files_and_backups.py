"""Content-addressed encrypted attachments, encrypted online backups, and the rotation
after a migration."""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from fieldvisit.core.clock import utc_now
from fieldvisit.paths import DataDir
from fieldvisit.security.keys import DataKeys, new_master_key
from fieldvisit.security.vault import FileVault, is_encrypted
from fieldvisit.store import open_store
from fieldvisit.store.backup import backup_database, backup_path
from fieldvisit.store.backup_policy import (
    DEFAULT_POLICY,
    REASON_MANUAL,
    REASON_START,
    REASON_SYNC,
    BackupPolicy,
    backups_to_remove,
    list_backups,
)
from fieldvisit.store.connection import SQLITE_HEADER, connect
from fieldvisit.store.files import AttachmentFiles

FIXTURES = Path(__file__).with_name("fixtures")


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


def _old_backup(folder: Path, reason: str, taken: datetime) -> Path:
    """A backup as an older app left it: a plain copy of the fixture database."""
    folder.mkdir(parents=True, exist_ok=True)
    path = backup_path(folder, reason, taken)
    shutil.copyfile(FIXTURES / "rev_0003.sqlite3", path)
    return path


def _older_schema(data_dir: DataDir) -> None:
    data_dir.ensure()
    shutil.copyfile(FIXTURES / "rev_0003.sqlite3", data_dir.database)


def _made_by_the_opening(names: list[str]) -> list[str]:
    """The two backups opening an older plain database makes: before encrypting it, and
    before migrating it."""
    made = [n for n in names if "avant-migration-0003" in n or "avant-chiffrement" in n]
    assert len(made) == 2
    return made


def test_a_laptop_left_in_a_drawer_keeps_its_last_backups_through_a_migration(
    data_dir: DataDir,
) -> None:
    """Two months unused, then updated: the newest backups stay whatever their age, as
    the policy promises, not only the one the migration just made."""
    _older_schema(data_dir)
    now = utc_now()
    folder = data_dir.backups
    drawer = [_old_backup(folder, REASON_START, now - timedelta(days=d)) for d in (60, 61)]
    manual = _old_backup(folder, REASON_MANUAL, now - timedelta(days=90))

    open_store(data_dir).close()

    names = sorted(p.name for p in folder.iterdir())
    assert sorted(set(names) - set(_made_by_the_opening(names))) == [drawer[0].name]
    assert not manual.exists() and not drawer[1].exists()


def test_a_migration_rotates_backups_by_the_one_policy(data_dir: DataDir) -> None:
    """Manual backups kept their 14 days, automatic ones thinned to one a day, files of
    the person untouched: what the migration leaves is what the policy keeps."""
    _older_schema(data_dir)
    now = utc_now()
    folder = data_dir.backups
    noon = (now - timedelta(days=3)).replace(hour=12, minute=0, second=0, microsecond=0)
    same_day = [_old_backup(folder, REASON_SYNC, noon + timedelta(minutes=m)) for m in (0, 10)]
    manual = _old_backup(folder, REASON_MANUAL, now - timedelta(days=13))
    too_old = _old_backup(folder, REASON_MANUAL, now - timedelta(days=20))
    foreign = folder / "notes.txt"
    foreign.write_text("un fichier de la personne")

    open_store(data_dir).close()

    names = sorted(p.name for p in folder.iterdir())
    kept = {same_day[1].name, manual.name, foreign.name}
    assert set(names) - set(_made_by_the_opening(names)) == kept
    assert not too_old.exists() and not same_day[0].exists()
    # Applying the policy again removes nothing: the migration used that policy.
    assert backups_to_remove(list_backups(folder), DEFAULT_POLICY, utc_now()) == []


def test_a_migration_applies_the_policy_it_is_given(data_dir: DataDir) -> None:
    _older_schema(data_dir)
    now = utc_now()
    old = [_old_backup(data_dir.backups, REASON_MANUAL, now - timedelta(days=d)) for d in (1, 2)]
    open_store(data_dir, BackupPolicy(keep_last=4, max_files=4)).close()
    assert all(p.exists() for p in old)
    open_store(data_dir).close()  # no migration now: nothing rotated
    assert len(list_backups(data_dir.backups)) == 4
