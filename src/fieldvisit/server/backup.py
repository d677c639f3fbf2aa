"""Backing up and restoring the server's database (`fieldvisit-server backup|restore`).

SQLite: `backup FILE` copies the live database with SQLite's online backup (a
consistent snapshot while the server runs) and marks the copy `renew_on_start`: a copy
put back in service, by `restore` or by hand, starts a new epoch (server/epoch.py), so
laptops re-offer what it lost. `restore FILE` (server stopped) keeps the current
database aside, copies the backup in, migrates it and renews the epoch.

PostgreSQL: pg_dump / pg_restore do the copying (README, "Server backups"); then
`fieldvisit-server restored` renews the epoch. The attachments folder is not part of
either: it only grows (files are named by their hash), so the current one is kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from fieldvisit.core.errors import BadInput
from fieldvisit.server import epoch
from fieldvisit.server.db import Database, make_server_engine, migrate, normalise_url

SERVER_TABLES = {"alembic_version", "records", "users", "counters"}


def sqlite_path(db: str, action: str) -> Path:
    """The file of a SQLite --db; PostgreSQL gets the procedure to follow instead."""
    url = make_url(normalise_url(db))
    if url.get_backend_name() != "sqlite" or not url.database:
        if action == "backup":
            hint = "sauvegardez-la avec pg_dump (pg_dump -Fc -f fieldvisit.dump NOM_DE_LA_BASE)"
        else:
            hint = (
                "restaurez-la avec pg_restore (pg_restore --clean --if-exists -d "
                "NOM_DE_LA_BASE fieldvisit.dump), puis lancez « fieldvisit-server restored »"
            )
        raise BadInput(f"Base PostgreSQL : {hint} ; voir le README, « Server backups ».")
    return Path(url.database).expanduser().resolve()


@contextmanager
def _connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    with closing(sqlite3.connect(uri, uri=True, timeout=30)) as connection:
        yield connection


def backup_sqlite(db: str, target: Path) -> Path:
    """A consistent copy of the live database in `target` (which must not exist)."""
    source = sqlite_path(db, "backup")
    if not source.is_file():
        raise BadInput(f"Base introuvable : {source}.")
    target = target.expanduser().resolve()
    if target.exists():
        raise BadInput(f"{target} existe déjà : choisissez un autre nom de sauvegarde.")
    if target == source:
        raise BadInput("La sauvegarde ne peut pas remplacer la base elle-même.")
    migrate_in_place(db)  # the copy then has server_state, whatever the version it came from
    partial = target.with_name(f".{target.name}.partiel")
    try:
        with _connect(source) as src, _connect(partial) as dst:
            src.backup(dst)
            dst.execute("UPDATE server_state SET renew_on_start = 1")
            dst.commit()
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            problem = dst.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise BadInput(f"Copie de la base incohérente ({problem}) : rien n'est écrit.")
        partial.replace(target)
    except (sqlite3.Error, OSError) as err:
        raise BadInput(f"Sauvegarde impossible vers {target} : {err}.") from err
    finally:
        partial.unlink(missing_ok=True)
    return target


def migrate_in_place(db: str) -> None:
    engine = make_server_engine(db)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def check_backup(path: Path) -> None:
    """A readable, intact fieldvisit server database, or BadInput saying what it is not."""
    if not path.is_file():
        raise BadInput(f"Sauvegarde introuvable : {path}.")
    try:
        with _connect(path, read_only=True) as connection:
            problem = connection.execute("PRAGMA quick_check").fetchone()[0]
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
    except sqlite3.Error as err:
        raise BadInput(f"{path} n'est pas une base SQLite lisible ({err}).") from err
    if problem != "ok":
        raise BadInput(f"{path} est endommagée ({problem}) : rien n'est restauré.")
    if not tables >= SERVER_TABLES:
        raise BadInput(f"{path} n'est pas une sauvegarde du serveur fieldvisit.")


def restore_sqlite(db: str, backup: Path, now: datetime) -> tuple[Path, str]:
    """Put `backup` in place of the database (kept aside first); (aside copy, epoch)."""
    target = sqlite_path(db, "restore")
    backup = backup.expanduser().resolve()
    check_backup(backup)
    if backup == target:
        raise BadInput("La sauvegarde est la base elle-même : rien à restaurer.")
    aside = target.with_name(f"{target.stem}.avant-restauration-{now:%Y%m%d-%H%M%S}.sqlite3")
    try:
        if target.is_file():
            with _connect(target) as current, _connect(aside) as copy:
                current.backup(copy)  # nothing is lost: the database as it was
        target.parent.mkdir(parents=True, exist_ok=True)
        with _connect(backup, read_only=True) as src, _connect(target) as dst:
            src.backup(dst)
    except sqlite3.Error as err:
        raise BadInput(f"Restauration impossible : {err} (le serveur est-il arrêté ?).") from err
    return aside, renew_after_restore(db, now)


def renew_after_restore(db: str, now: datetime) -> str:
    """Migrate the restored database and start a new epoch; the new epoch."""
    engine = make_server_engine(db)
    migrate(engine)
    database = Database(engine)
    try:
        with database.transaction() as session:
            return epoch.renew(session, now)
    finally:
        database.close()
