"""Encrypting a plain data dir in place (one made before encryption at rest).

Every step can be interrupted (power cut, kill) and is resumed at the next open:

1. the marker `.chiffrement-en-cours` is written: while it exists, every open goes on
   with the steps below before anything else;
2. the plain database's WAL is folded into it;
3. backup first: `sqlcipher_export` of the plain database into
   `backups/fieldvisit-…-avant-chiffrement.sqlite3`, encrypted with the database key,
   then compared with the plain file (schema, and every table row by row);
4. a copy of that checked file, checked again (`quick_check`), replaces the database in
   one rename: the plain database is gone, the encrypted one is whole;
5. attachments, one by one: encrypted under their keyed name, synced to disk, then the
   plain file is deleted (a file already encrypted is skipped);
6. older backups still plain are encrypted the same way, one by one;
7. thumbnails, report renditions and viewer copies (rebuildable caches) are deleted:
   they are made again, encrypted, when needed;
8. the marker is removed.

Deleting a file does not wipe its sectors (SSDs remap them): docs/SECURITY.md says so.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from fieldvisit.paths import DataDir
from fieldvisit.security.keyfile import fsync_folder
from fieldvisit.security.keys import DataKeys
from fieldvisit.security.vault import FileVault, is_encrypted, iter_files
from fieldvisit.store.backup import BACKUP_SUFFIX, backup_path
from fieldvisit.store.connection import (
    CIPHER_SETTINGS,
    SQLITE_HEADER,
    FileState,
    connect,
    remove_sidecars,
)
from fieldvisit.store.errors import MigrationFailed
from fieldvisit.store.files import AttachmentFiles, attachment_context

log = logging.getLogger(__name__)

_SHA_NAME = re.compile(r"[0-9a-f]{64}")
PLAIN_CACHES = ("thumbnails", "report-images", "open")


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _is_plain_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _checkpoint_plain(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _schema(conn: Any) -> list[tuple[Any, ...]]:
    return list(
        conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        )
    )


def _table_digest(conn: Any, table: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    quoted = '"' + table.replace('"', '""') + '"'
    try:
        rows = conn.execute(f"SELECT * FROM {quoted} ORDER BY rowid")
    except (sqlite3.OperationalError, sqlcipher.OperationalError):  # WITHOUT ROWID
        rows = conn.execute(f"SELECT * FROM {quoted} ORDER BY 1")
    for row in rows:
        digest.update(repr(tuple(row)).encode("utf-8"))
        count += 1
    return count, digest.hexdigest()


def _check_same(plain: Path, encrypted: Path, keys: DataKeys) -> None:
    """Raise MigrationFailed unless encrypted holds exactly what plain holds."""
    source = sqlite3.connect(f"file:{plain}?mode=ro", uri=True)
    copy = connect(encrypted, keys, readonly=True)
    try:
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise MigrationFailed(f"copie chiffrée incohérente ({problems[0]})")
        schema = _schema(source)
        if _schema(copy) != schema:
            raise MigrationFailed("le schéma de la copie chiffrée diffère")
        for kind, name, *_rest in schema:
            if kind == "table" and _table_digest(source, name) != _table_digest(copy, name):
                raise MigrationFailed(f"la table {name} de la copie chiffrée diffère")
        for pragma in ("user_version", "application_id"):
            if list(source.execute(f"PRAGMA {pragma}")) != list(copy.execute(f"PRAGMA {pragma}")):
                raise MigrationFailed(f"{pragma} de la copie chiffrée diffère")
    finally:
        copy.close()
        source.close()


def export_encrypted(plain: Path, target: Path, keys: DataKeys) -> None:
    """Write an encrypted copy of the plain database file to target, checked."""
    partial = target.with_name(target.name + ".partiel")
    partial.unlink(missing_ok=True)
    remove_sidecars(partial)
    conn = sqlcipher.connect(os.fspath(plain))  # no key: reads the plain file
    try:
        user_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        conn.execute(
            "ATTACH DATABASE ? AS encrypted KEY ?",
            (os.fspath(partial), f"x'{keys.database.hex()}'"),
        )
        for name, value in CIPHER_SETTINGS:
            conn.execute(f"PRAGMA encrypted.{name} = {value}")
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {user_version}")
        conn.execute(f"PRAGMA encrypted.application_id = {application_id}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    try:
        _fsync_file(partial)
        _check_same(plain, partial, keys)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    fsync_folder(target.parent)


def encrypt_plain_database(data_dir: DataDir, keys: DataKeys, state: FileState) -> None:
    """Steps 1–4: back up (encrypted), then replace the plain database atomically."""
    path = data_dir.database
    log.info("encrypting the plain database of %s (schema %s)", data_dir.root, state.revision)
    data_dir.encryption_marker.write_bytes(b"")
    fsync_folder(data_dir.root)
    try:
        _checkpoint_plain(path)
        data_dir.backups.mkdir(parents=True, exist_ok=True)
        backup = backup_path(data_dir.backups, "avant-chiffrement")
        export_encrypted(path, backup, keys)
        work = path.with_name(path.name + ".chiffrement")
        work.unlink(missing_ok=True)
        shutil.copyfile(backup, work)
        _fsync_file(work)
        check = connect(work, keys)
        try:
            if [row[0] for row in check.execute("PRAGMA quick_check")] != ["ok"]:
                raise MigrationFailed("la copie chiffrée ne passe pas quick_check")
        finally:
            check.close()
    except MigrationFailed as err:
        raise MigrationFailed(
            f"Le chiffrement de la base {path} a échoué ({err}). La base n'a pas été "
            "modifiée ; signalez le problème en joignant le journal."
        ) from err
    except (OSError, sqlite3.Error, sqlcipher.Error) as err:
        raise MigrationFailed(
            f"Le chiffrement de la base {path} a échoué ({err}). La base n'a pas été "
            "modifiée ; libérez de la place sur le disque ou signalez le problème."
        ) from err
    remove_sidecars(path)  # empty after the checkpoint; must not meet the new file
    os.replace(work, path)
    fsync_folder(path.parent)


def finish_encryption(data_dir: DataDir, keys: DataKeys) -> None:
    """Steps 5–8 (the database is already encrypted); safe to run again."""
    try:
        _finish_encryption(data_dir, keys)
    except (OSError, sqlite3.Error, sqlcipher.Error) as err:
        raise MigrationFailed(
            f"Le chiffrement des fichiers de {data_dir.root} a été interrompu ({err}). "
            "Rien n'a été perdu : il reprendra au prochain démarrage. Libérez de la "
            "place sur le disque si celui-ci est plein."
        ) from err


def _finish_encryption(data_dir: DataDir, keys: DataKeys) -> None:
    vault = FileVault(keys.files, keys.names)
    files = AttachmentFiles(data_dir.attachments, vault)
    moved = 0
    for path in sorted(iter_files(data_dir.attachments)):
        if path.name.startswith(".incoming-"):
            path.unlink(missing_ok=True)  # left by a crash mid-write; never a valid file
            continue
        if not _SHA_NAME.fullmatch(path.name) or is_encrypted(path):
            continue
        target = files.path_for(path.name)
        if not target.is_file():
            with path.open("rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                vault.write_file(target, fh, size, attachment_context(path.name))
            fsync_folder(target.parent)
        path.unlink()
        moved += 1
    for folder in data_dir.attachments.glob("*"):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    encrypted_backups = 0
    for backup in sorted(data_dir.backups.glob(f"*{BACKUP_SUFFIX}")):
        if backup.is_file() and _is_plain_sqlite(backup):
            _checkpoint_plain(backup)
            export_encrypted(backup, backup, keys)  # checked, then renamed over it
            remove_sidecars(backup)
            encrypted_backups += 1
    for cache in PLAIN_CACHES:
        shutil.rmtree(data_dir.cache / cache, ignore_errors=True)
    data_dir.encryption_marker.unlink(missing_ok=True)
    fsync_folder(data_dir.root)
    log.info(
        "encryption of %s finished: %d attachment files, %d backups",
        data_dir.root,
        moved,
        encrypted_backups,
    )


def export_plain(source: Path, target: Path, keys: DataKeys) -> None:
    """A plain (unencrypted) copy of an encrypted database: the schema fixtures of the
    tests (scripts/make_schema_fixture.py) are plain files, as older apps left them.
    Never used on a person's data."""
    target.unlink(missing_ok=True)
    conn = connect(source, keys)
    try:
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (os.fspath(target),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()
