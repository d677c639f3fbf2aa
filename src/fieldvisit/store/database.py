"""Opening a data dir's database: key, checks, migrations after a backup, engine.

The database is encrypted with SQLCipher (`sqlcipher3`), keyed with a raw 256-bit key
derived from the data dir's master key (security/), so that a connection costs no
PBKDF2. Opening an up-to-date database reads `alembic_version` through one keyed
connection and never imports Alembic; migrations run only when the file is behind, on
a copy that replaces the original only once every step succeeded (the original stays
untouched if a migration fails). A database written by a newer app is refused,
untouched. A plain database (from before encryption) is encrypted in place first
(store/encryption.py).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

# The dialect is otherwise imported inside the first create_engine(), on the start-up
# path that a person waits for; importing it here moves that cost to import time.
import sqlalchemy.dialects.sqlite.pysqlite  # noqa: F401
import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event, exc

from fieldvisit.core.errors import BadInput, FieldvisitError
from fieldvisit.core.ids import new_id
from fieldvisit.paths import DataDir
from fieldvisit.security.errors import KeyUnavailable
from fieldvisit.security.keyfile import KeyFile, read_key_file, write_key_file
from fieldvisit.security.keys import DataKeys
from fieldvisit.security.vault import FileVault, register, unregister
from fieldvisit.store.backup import backup_database, copy_database
from fieldvisit.store.backup_policy import DEFAULT_POLICY, BackupPolicy, prune_backups
from fieldvisit.store.schema_version import HEAD_REVISION, KNOWN_REVISIONS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from fieldvisit.security.keysource import KeySource
    from fieldvisit.store.files import AttachmentFiles

SQLITE_HEADER = b"SQLite format 3\x00"
# SQLCipher 4's defaults (AES-256-CBC, 4 KiB pages, a random IV and a MAC per page)
# except the page MAC: HMAC-SHA256 instead of HMAC-SHA512, which reads the database a
# third faster on CPUs with SHA extensions (docs/PERFORMANCE.md). Part of the file
# format: every connection, backup and export must use the same settings.
CIPHER_SETTINGS = (("cipher_hmac_algorithm", "HMAC_SHA256"),)
BUSY_TIMEOUT_MS = 5000


class StoreError(FieldvisitError):
    """A problem with the database file that the person must know about."""


class CorruptDatabase(StoreError, BadInput):
    pass


class DatabaseTooNew(StoreError, BadInput):
    pass


class DatabaseLocked(StoreError):
    pass


class DiskFull(StoreError):
    pass


class MigrationFailed(StoreError):
    pass


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


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _engine(path: Path, keys: DataKeys) -> Engine:
    """An engine whose connections are keyed SQLCipher connections (the pysqlite
    dialect over sqlcipher3's DB-API, which mirrors sqlite3's, errors included)."""
    return create_engine(
        f"sqlite+pysqlite:///{path}",
        module=sqlcipher,
        creator=lambda: connect(path, keys),
        # An error's message (logged with its traceback) must not carry the values of
        # the statement: they are what people typed, which the database keeps encrypted.
        hide_parameters=True,
    )


def make_engine(path: Path, keys: DataKeys) -> Engine:
    engine = _engine(path, keys)
    event.listen(engine, "connect", _set_pragmas)
    return engine


def run_migrations(path: Path, keys: DataKeys) -> None:
    """Bring the file at path to HEAD_REVISION with Alembic (imported only here)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    engine = _engine(path, keys)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


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


def _migrate(data_dir: DataDir, state: FileState, keys: DataKeys) -> None:
    path = data_dir.database
    work = path.with_name(path.name + ".migrating")
    work.unlink(missing_ok=True)
    if state.exists:
        checkpoint(path, keys)
        backup_database(path, data_dir.backups, f"avant-migration-{state.revision}", keys=keys)
        copy_database(path, work, keys)
    try:
        run_migrations(work, keys)
    except Exception as err:
        work.unlink(missing_ok=True)
        raise MigrationFailed(
            f"La mise à jour de la base {path} a échoué ({err}). La base n'a pas été "
            "modifiée ; signalez le problème en joignant le journal."
        ) from err
    remove_sidecars(path)
    os.replace(work, path)
    remove_sidecars(work)


def unlock_data_dir(data_dir: DataDir, keys: KeySource | None = None) -> tuple[DataKeys, KeyFile]:
    """The keys of an existing data dir (asks the passphrase if needed); writes nothing."""
    from fieldvisit.security.keysource import default_key_source

    key_file = read_key_file(data_dir.key_file)
    if key_file is None:
        raise KeyUnavailable(
            f"Le dossier de données {data_dir.root} n'a pas de fichier de clé "
            "(fieldvisit.key) : ses données chiffrées ne peuvent pas être ouvertes. Rien "
            "n'a été modifié."
        )
    source = keys or default_key_source()
    return DataKeys(source.unlock(key_file, data_dir.root)), key_file


def _keys_for(data_dir: DataDir, kind: str, source: KeySource) -> tuple[DataKeys, KeyFile]:
    """Unlock the data dir's master key, or make one for a new or plain data dir.

    Nothing is written before the key is in hand, except a new key file (a new data
    dir, or a plain one about to be encrypted)."""
    key_file = read_key_file(data_dir.key_file)
    if key_file is None:
        if kind == "other":
            raise CorruptDatabase(
                f"Le fichier {data_dir.database} n'est pas une base de données SQLite "
                "lisible : fichier endommagé, d'un autre logiciel, ou base chiffrée dont le "
                "fichier de clé fieldvisit.key a disparu. Il n'a pas été modifié ; "
                "déplacez-le ou choisissez un autre dossier de données avec --data-dir."
            )
        master, key_file = source.create(data_dir.root)
        # A new key: whatever the folder already holds (a plain database, attachments
        # of an older app) is encrypted before the store opens (store/encryption.py).
        data_dir.encryption_marker.write_bytes(b"")
        write_key_file(data_dir.key_file, key_file)
        return DataKeys(master), key_file
    return DataKeys(source.unlock(key_file, data_dir.root)), key_file


def open_store(
    data_dir: DataDir,
    backup_policy: BackupPolicy = DEFAULT_POLICY,
    keys: KeySource | None = None,
) -> Store:
    """Open (creating, encrypting or migrating as needed) the database of a data dir.

    `keys` finds the master key (default: the OS keyring, else a passphrase from
    FIELDVISIT_PASSPHRASE or the terminal). Without the key, or with a wrong
    passphrase, nothing in the data dir is modified.
    """
    from fieldvisit.security.keysource import default_key_source

    data_dir.ensure()
    path = data_dir.database
    kind = file_kind(path)
    plain = inspect_plain_database(path) if kind == "plain" else None
    if plain is not None and plain.exists and plain.revision not in KNOWN_REVISIONS:
        raise _too_new(data_dir, plain)
    data_keys, key_file = _keys_for(data_dir, kind, keys or default_key_source())
    if plain is not None or data_dir.encryption_marker.exists():
        from fieldvisit.store import encryption

        if plain is not None and plain.exists:
            encryption.encrypt_plain_database(data_dir, data_keys, plain)
        elif plain is not None:
            path.unlink()  # a SQLite file without any table: made again below
            remove_sidecars(path)
        encryption.finish_encryption(data_dir, data_keys)
    state = inspect_database(path, data_keys)
    if state.revision != HEAD_REVISION:
        if state.exists and state.revision not in KNOWN_REVISIONS:
            raise _too_new(data_dir, state)
        _migrate(data_dir, state, data_keys)
        # The same retention as every other backup (store/backup_policy.py): the newest
        # ones stay whatever their age, manual ones their full term.
        prune_backups(data_dir.backups, backup_policy)
    store = Store(make_engine(path, data_keys), data_dir, data_keys, key_file)
    try:
        store.load_device_id()
    except BaseException:
        store.close()
        raise
    return store


def _too_new(data_dir: DataDir, state: FileState) -> DatabaseTooNew:
    return DatabaseTooNew(
        f"La base {data_dir.database} a été créée par une version plus récente de "
        f"fieldvisit (schéma « {state.revision} », cette version connaît jusqu'à "
        f"« {HEAD_REVISION} »). Elle n'a pas été modifiée : mettez l'application à jour."
    )


def translate_error(err: exc.DBAPIError, path: Path) -> StoreError:
    message = str(err.orig)
    if "locked" in message or "busy" in message:
        return DatabaseLocked(
            f"La base {path} est occupée par un autre programme (peut-être fieldvisit "
            "ouvert deux fois). Fermez l'autre fenêtre et réessayez."
        )
    if "disk is full" in message or "disk I/O" in message:
        return DiskFull(
            "Le disque est plein : la dernière modification n'a pas pu être enregistrée. "
            "Libérez de la place puis réessayez ; rien d'autre n'a été perdu."
        )
    if "not a database" in message or "malformed" in message:
        return CorruptDatabase(
            f"La base {path} est endommagée ({message}). Restaurez une sauvegarde."
        )
    return StoreError(f"Erreur de la base de données : {message}")


class Store:
    """The opened database of one data dir. One Session per unit of work.

    The ORM (sqlalchemy.orm and the models, about 100 ms of imports) is loaded by the
    first session, not by opening the store: the visit list of a cold start reads
    through `connection()` with Core statements (services/listing.py) and shows its
    first rows before any ORM import.
    """

    def __init__(
        self, engine: Engine, data_dir: DataDir, keys: DataKeys, key_file: KeyFile
    ) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self.keys = keys
        self.key_file = key_file
        self.vault = FileVault(keys.files, keys.names)
        register(data_dir.root, self.vault)  # report renditions find it by path
        self.device_id = ""
        self._session_factory: sessionmaker[Session] | None = None
        self._files: AttachmentFiles | None = None

    @property
    def files(self) -> AttachmentFiles:
        """The data dir's encrypted attachment files."""
        if self._files is None:
            from fieldvisit.store.files import AttachmentFiles

            self._files = AttachmentFiles(self.data_dir.attachments, self.vault)
        return self._files

    def backup(self, reason: str) -> Path:
        """An encrypted online backup of the database in the data dir's backups/."""
        return backup_database(
            self.data_dir.database, self.data_dir.backups, reason, keys=self.keys
        )

    def raw_connection(self, *, readonly: bool = False) -> sqlcipher.Connection:
        """A keyed DB-API connection (integrity checks, tests); the caller closes it."""
        return connect(self.data_dir.database, self.keys, readonly=readonly)

    @property
    def _sessions(self) -> sessionmaker[Session]:
        if self._session_factory is None:
            from sqlalchemy.orm import sessionmaker

            self._session_factory = sessionmaker(self.engine, expire_on_commit=False)
        return self._session_factory

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on error."""
        try:
            with self._sessions.begin() as session:
                yield session
        except exc.OperationalError as err:
            raise translate_error(err, self.data_dir.database) from err
        except exc.DatabaseError as err:
            raise translate_error(err, self.data_dir.database) from err

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only; nothing is committed."""
        try:
            with self._sessions() as session:
                yield session
        except exc.DatabaseError as err:
            raise translate_error(err, self.data_dir.database) from err

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A Core connection for reads (no ORM); nothing is committed."""
        try:
            with self.engine.connect() as connection:
                yield connection
        except exc.DatabaseError as err:
            raise translate_error(err, self.data_dir.database) from err

    def load_device_id(self) -> str:
        """This database's device id, made on first open (plain SQL: start-up path)."""
        with self.engine.begin() as conn:
            row = conn.exec_driver_sql(
                "SELECT value FROM local_meta WHERE key = 'device_id'"
            ).first()
            if row is None:
                device_id = new_id()
                conn.exec_driver_sql(
                    "INSERT INTO local_meta (key, value) VALUES ('device_id', ?)", (device_id,)
                )
            else:
                device_id = row[0]
        self.device_id = device_id
        return device_id

    def close(self) -> None:
        self.engine.dispose()
        unregister(self.data_dir.root, self.vault)
