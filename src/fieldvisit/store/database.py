"""Opening a data dir's database: checks, migrations after a backup, engine and sessions.

Opening an up-to-date database reads `alembic_version` with the sqlite3 module and
never imports Alembic; migrations run only when the file is behind, on a copy that
replaces the original only once every step succeeded (the original stays untouched if
a migration fails). A database written by a newer app is refused, untouched.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The dialect is otherwise imported inside the first create_engine(), on the start-up
# path that a person waits for; importing it here moves that cost to import time.
import sqlalchemy.dialects.sqlite.pysqlite  # noqa: F401
from sqlalchemy import Connection, Engine, create_engine, event, exc

from fieldvisit.core.errors import BadInput, FieldvisitError
from fieldvisit.core.ids import new_id
from fieldvisit.paths import DataDir
from fieldvisit.store.backup import backup_database, copy_database, rotate_backups
from fieldvisit.store.schema_version import HEAD_REVISION, KNOWN_REVISIONS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

SQLITE_HEADER = b"SQLite format 3\x00"
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


def inspect_database(path: Path) -> FileState:
    """Read the schema revision of a database file without modifying it."""
    if not path.exists() or path.stat().st_size == 0:
        return FileState(exists=False, revision=None)
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as err:
        raise CorruptDatabase(f"Impossible de lire la base {path} : {err.strerror}.") from err
    if header != SQLITE_HEADER:
        raise CorruptDatabase(
            f"Le fichier {path} n'est pas une base de données SQLite (fichier endommagé ou "
            "d'un autre logiciel). Il n'a pas été modifié ; déplacez-le ou choisissez un "
            "autre dossier de données avec --data-dir."
        )
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if "alembic_version" not in tables:
                if tables:
                    raise CorruptDatabase(
                        f"La base {path} n'a pas été créée par fieldvisit (tables inconnues). "
                        "Elle n'a pas été modifiée ; choisissez un autre dossier de données."
                    )
                return FileState(exists=False, revision=None)
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise CorruptDatabase(
            f"La base {path} est illisible ou endommagée ({err}). Elle n'a pas été "
            "modifiée ; restaurez une sauvegarde du dossier backups/."
        ) from err
    return FileState(exists=True, revision=row[0] if row else None)


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite+pysqlite:///{path}")
    event.listen(engine, "connect", _set_pragmas)
    return engine


def run_migrations(path: Path) -> None:
    """Bring the file at path to HEAD_REVISION with Alembic (imported only here)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    engine = create_engine(f"sqlite+pysqlite:///{path}")
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so that a file copy is the whole database."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _remove_sidecars(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _migrate(data_dir: DataDir, state: FileState) -> None:
    path = data_dir.database
    work = path.with_name(path.name + ".migrating")
    work.unlink(missing_ok=True)
    if state.exists:
        _checkpoint(path)
        backup_database(path, data_dir.backups, f"avant-migration-{state.revision}")
        copy_database(path, work)
    try:
        run_migrations(work)
    except Exception as err:
        work.unlink(missing_ok=True)
        raise MigrationFailed(
            f"La mise à jour de la base {path} a échoué ({err}). La base n'a pas été "
            "modifiée ; signalez le problème en joignant le journal."
        ) from err
    os.replace(work, path)
    _remove_sidecars(path)


def open_store(data_dir: DataDir, backup_keep_days: int = 14) -> Store:
    """Open (creating or migrating as needed) the database of a data dir."""
    data_dir.ensure()
    state = inspect_database(data_dir.database)
    if state.revision != HEAD_REVISION:
        if state.exists and state.revision not in KNOWN_REVISIONS:
            raise DatabaseTooNew(
                f"La base {data_dir.database} a été créée par une version plus récente de "
                f"fieldvisit (schéma « {state.revision} », cette version connaît jusqu'à "
                f"« {HEAD_REVISION} »). Elle n'a pas été modifiée : mettez l'application à jour."
            )
        _migrate(data_dir, state)
        rotate_backups(data_dir.backups, backup_keep_days)
    store = Store(make_engine(data_dir.database), data_dir)
    store.load_device_id()
    return store


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

    def __init__(self, engine: Engine, data_dir: DataDir) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self.device_id = ""
        self._session_factory: sessionmaker[Session] | None = None

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
