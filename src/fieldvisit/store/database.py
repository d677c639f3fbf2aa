"""Opening a data dir's database: key, checks, migrations after a backup, the store.

Opening an up-to-date database reads `alembic_version` through one keyed connection
(store/connection.py) and never imports Alembic; migrations run only when the file is
behind, on a copy that replaces the original only once every step succeeded (the
original stays untouched if a migration fails). A database written by a newer app is
refused, untouched. A plain database (from before encryption) is encrypted in place
first (store/encryption.py).

`Store` is the opened database: one unit of work per `transaction()`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, exc

from fieldvisit.core.ids import new_id
from fieldvisit.paths import DataDir
from fieldvisit.security.keyfile import KeyFile, read_key_file, write_key_file
from fieldvisit.security.keys import DataKeys
from fieldvisit.security.vault import FileVault, register, unregister
from fieldvisit.store.backup import backup_database, copy_database
from fieldvisit.store.backup_policy import DEFAULT_POLICY, BackupPolicy, prune_backups
from fieldvisit.store.changes import ChangeRecorder
from fieldvisit.store.connection import (
    FileState,
    checkpoint,
    connect,
    file_kind,
    inspect_database,
    inspect_plain_database,
    remove_sidecars,
)
from fieldvisit.store.engine import keyed_engine, make_engine
from fieldvisit.store.errors import (
    CorruptDatabase,
    DatabaseTooNew,
    MigrationFailed,
    translate_error,
)
from fieldvisit.store.reading import unlock_data_dir
from fieldvisit.store.schema_version import HEAD_REVISION, KNOWN_REVISIONS

__all__ = ["Store", "open_store", "run_migrations", "unlock_data_dir"]

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from fieldvisit.security.keyfile import KdfParams
    from fieldvisit.security.keysource import KeySource
    from fieldvisit.store.files import AttachmentFiles


def run_migrations(path: Path, keys: DataKeys) -> None:
    """Bring the file at path to HEAD_REVISION with Alembic (imported only here)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    engine = keyed_engine(path, keys)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


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


@dataclass(frozen=True)
class _Options:
    immediate: bool = False
    durable: bool = False
    defer_foreign_keys: bool = False

    @property
    def plain(self) -> bool:
        return not (self.immediate or self.durable or self.defer_foreign_keys)

    def __le__(self, other: _Options) -> bool:
        """Whether a transaction with these options may join one with `other`'s."""
        return all(
            not mine or theirs
            for mine, theirs in (
                (self.immediate, other.immediate),
                (self.durable, other.durable),
                (self.defer_foreign_keys, other.defer_foreign_keys),
            )
        )


@dataclass(frozen=True)
class _Unit:
    session: Session
    options: _Options


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
        self._open = threading.local()  # the unit of work open on each thread
        #: what the operations' sessions change, for the screens (store/changes.py)
        self.changes = ChangeRecorder()
        self._files: AttachmentFiles | None = None

    @property
    def files(self) -> AttachmentFiles:
        """The data dir's encrypted attachment files."""
        if self._files is None:
            from fieldvisit.store.files import AttachmentFiles

            self._files = AttachmentFiles(self.data_dir.attachments, self.vault)
        return self._files

    def change_passphrase(
        self,
        *,
        new: str | None = None,
        current: str | None = None,
        source: KeySource | None = None,
        kdf: KdfParams | None = None,
    ) -> bool:
        """Set a new passphrase for the data dir's key (security/passphrase.py); whether
        it replaced one (False: the first passphrase was set, beside the keyring).

        The app's dialog gives `current` and `new`; the command line gives a `source`
        that asks for them. The store then holds the new key file.
        """
        from fieldvisit.security.passphrase import change_passphrase

        replaced = self.key_file.passphrase is not None
        self.key_file = change_passphrase(
            self.data_dir, self.keys, new=new, current=current, source=source, kdf=kdf
        )
        return replaced

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

            # The session hooks: every change's history (store/history.py) and the
            # limits of what a person types (store/limits.py), for every ORM write.
            from fieldvisit.store import history, limits  # noqa: F401

            self._session_factory = sessionmaker(self.engine, expire_on_commit=False)
            self.changes.watch(self._session_factory)
        return self._session_factory

    @contextmanager
    def transaction(
        self,
        *,
        immediate: bool = False,
        durable: bool = False,
        defer_foreign_keys: bool = False,
    ) -> Iterator[Session]:
        """One unit of work: a session committed at the end, or rolled back on error.

        A transaction opened inside another one on the same thread joins it: a use case
        made of other use cases (a conflict resolved through the edit services) is
        committed, or refused, whole. The options are for a sync round's writes:

        - `immediate`: BEGIN IMMEDIATE takes the write lock up front, so that the app
          writing meanwhile waits (busy timeout) instead of failing the round half-way;
        - `durable`: synchronous=FULL for this transaction (its commit survives a power
          cut, not only a crash of the app);
        - `defer_foreign_keys`: foreign keys checked at the commit (a pulled child may
          come before its parent).
        """
        options = _Options(immediate, durable, defer_foreign_keys)
        joined: _Unit | None = getattr(self._open, "unit", None)
        if joined is not None:
            if not options <= joined.options:
                raise RuntimeError("a transaction with more options cannot join this one")
            yield joined.session
            return
        try:
            if options.plain:
                with self._sessions.begin() as session, self._opened(session, options):
                    yield session
            else:
                with (
                    self._connection_for(options) as conn,
                    self._sessions(bind=conn) as session,
                    self._opened(session, options),
                ):
                    try:
                        yield session
                        session.flush()
                        conn.commit()
                    except BaseException:
                        conn.rollback()
                        # A COMMIT refused (a foreign key checked at the end) leaves
                        # SQLite's transaction open: end it, so that the refusal is
                        # what the person is told.
                        driver = conn.connection.driver_connection
                        if driver is not None and driver.in_transaction:
                            driver.rollback()
                        raise
        except exc.DatabaseError as err:
            raise translate_error(err, self.data_dir.database) from err

    def open_session(self) -> Session | None:
        """The session of the unit of work open on this thread, if any."""
        unit: _Unit | None = getattr(self._open, "unit", None)
        return unit.session if unit is not None else None

    @contextmanager
    def _opened(self, session: Session, options: _Options) -> Iterator[None]:
        """While the unit of work is open, transactions on this thread join it."""
        self._open.unit = _Unit(session, options)
        try:
            yield
        finally:
            self._open.unit = None

    @contextmanager
    def _connection_for(self, options: _Options) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if options.durable:
                conn.exec_driver_sql("PRAGMA synchronous=FULL")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE" if options.immediate else "BEGIN")
                if options.defer_foreign_keys:
                    conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
                yield conn
            finally:
                if options.durable:  # the connection goes back to the pool as it came
                    conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
                    conn.commit()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only, on one snapshot of the database; nothing is
        committed.

        The session's statements run in one read transaction (the DB-API driver would
        run each SELECT on its own otherwise): a screen read in one `reading()` shows
        one consistent state, never half of a sync round committed between two of its
        statements (screens/). In WAL mode a reader blocks no writer."""
        try:
            with self._sessions() as session:
                session.connection().exec_driver_sql("BEGIN")
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
