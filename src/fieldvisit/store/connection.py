"""Connections to an encrypted database file: the cipher, the header, the sidecars.

The database is encrypted with SQLCipher (`sqlcipher3`), keyed with a raw 256-bit key
derived from the data dir's master key (security/), so that a connection costs no
PBKDF2. Everything that opens the file goes through here: the store's engine
(store/engine.py), online backups (store/backup.py), encryption in place
(store/encryption.py), recovery (store/recovery.py), the checks that read a file's
schema revision without changing it and the command line's bare reads
(store/reading.py). Opening a data dir (key, checks, migrations) is store/database.py,
above this. No SQLAlchemy here: the bare reads import this module alone.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlcipher3.dbapi2 as sqlcipher

from fieldvisit.security.keys import DataKeys
from fieldvisit.store.errors import CorruptDatabase

SQLITE_HEADER = b"SQLite format 3\x00"
# SQLCipher 4's defaults (AES-256-CBC, 4 KiB pages, a random IV and a MAC per page)
# except the page MAC: HMAC-SHA256 instead of HMAC-SHA512, which reads the database a
# third faster on CPUs with SHA extensions (docs/PERFORMANCE.md). Part of the file
# format: every connection, backup and export must use the same settings.
CIPHER_SETTINGS = (("cipher_hmac_algorithm", "HMAC_SHA256"),)
BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class FileState:
    exists: bool
    revision: str | None


_quiet_lock = threading.Lock()
_quiet_done = False


def _quiet_sqlcipher() -> None:
    """SQLCipher writes its own errors to stderr (a wrong key, a damaged page): the
    French message says it better, and a CLI's stderr is the person's."""
    global _quiet_done
    with _quiet_lock:
        if not _quiet_done:
            conn = sqlcipher.connect(":memory:")
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.close()
            _quiet_done = True


def connect(
    path: Path, keys: DataKeys, *, readonly: bool = False, timeout_s: float | None = None
) -> sqlcipher.Connection:
    """A DB-API connection to the encrypted database at path, keyed."""
    _quiet_sqlcipher()
    uri = f"file:{quote(os.fspath(path))}" + ("?mode=ro" if readonly else "")
    conn = sqlcipher.connect(
        uri,
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000 if timeout_s is None else timeout_s,
        check_same_thread=False,
    )
    conn.execute(f"PRAGMA key = {keys.sqlcipher_key}")
    for name, value in CIPHER_SETTINGS:
        conn.execute(f"PRAGMA {name} = {value}")
    return conn


def file_kind(path: Path) -> str:
    """'missing' (absent or empty), 'plain' (an unencrypted SQLite file) or 'other'
    (an encrypted database, or anything else), read from the header."""
    if not path.exists() or path.stat().st_size == 0:
        return "missing"
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as err:
        raise CorruptDatabase(f"Impossible de lire la base {path} : {err.strerror}.") from err
    return "plain" if header == SQLITE_HEADER else "other"


def _read_revision(conn: Any, path: Path) -> FileState:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "alembic_version" not in tables:
        if tables:
            raise CorruptDatabase(
                f"La base {path} n'a pas été créée par fieldvisit (tables inconnues). "
                "Elle n'a pas été modifiée ; choisissez un autre dossier de données."
            )
        return FileState(exists=False, revision=None)
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return FileState(exists=True, revision=row[0] if row else None)


def inspect_plain_database(path: Path) -> FileState:
    """Read the schema revision of an unencrypted database file without modifying it."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            return _read_revision(conn, path)
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise CorruptDatabase(
            f"La base {path} est illisible ou endommagée ({err}). Elle n'a pas été "
            "modifiée ; restaurez une sauvegarde du dossier backups/."
        ) from err


def inspect_database(path: Path, keys: DataKeys) -> FileState:
    """Read the schema revision of the encrypted database file without modifying it."""
    if file_kind(path) == "missing":
        return FileState(exists=False, revision=None)
    try:
        conn = connect(path, keys, readonly=True)
        try:
            return _read_revision(conn, path)
        finally:
            conn.close()
    except sqlcipher.DatabaseError as err:
        if "not a database" in str(err):
            raise CorruptDatabase(
                f"La base {path} ne s'ouvre pas avec la clé de ce dossier de données : elle "
                "est endommagée, ou elle ne va pas avec le fichier de clé fieldvisit.key "
                "qui est à côté. Elle n'a pas été modifiée ; restaurez une sauvegarde du "
                "dossier backups/."
            ) from err
        raise CorruptDatabase(
            f"La base {path} est illisible ou endommagée ({err}). Elle n'a pas été "
            "modifiée ; restaurez une sauvegarde du dossier backups/."
        ) from err


def checkpoint(path: Path, keys: DataKeys) -> None:
    """Fold the WAL into the main file so that a file copy is the whole database."""
    conn = connect(path, keys)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def remove_sidecars(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
