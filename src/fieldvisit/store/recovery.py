"""Integrity checks, restoring a backup, and what a damaged database still holds.

No Qt here: the CLI (`fieldvisit restore`, backup_commands.py) and the app's recovery
dialog (ui/dialogs/recovery_dialog.py) both call these functions.

**Checking.** `integrity_problems()` runs `PRAGMA quick_check` (every page read and
decrypted, b-tree structure, no index-to-table cross-check) through a keyed read-only
connection; an empty list means the file is sound.

**A backup is restorable** (`inspect_backup`) when it opens with this data dir's key
(backups are encrypted like the database, with the same key: a backup of another data
dir, or a plain SQLite file, is refused), passes `quick_check`, and was written by a
schema revision this app knows (an older one is migrated at the next open).

**Restoring** (`restore_backup`) never deletes anything: the backup is copied (it stays
in backups/), the changes worth keeping are added to that copy, then the current
database and its WAL are *moved aside* into `mis-de-cote/` under a timestamped name and
the copy takes the database's name in one rename. It refuses while another process
(another fieldvisit window, a `fieldvisit sync`) has the database open: an exclusive
lock is tried first, without waiting.

**What can still be read from a damaged database** (`read_pending`). SQLCipher checks
each page's MAC when it reads it: a damaged page is refused ("database disk image is
malformed"), and the connection refuses everything after that error, so the reader
opens a fresh connection after each failure. For each synced table (parents first) it
reads the rows still marked `pending` (changes this laptop made that the server has not
confirmed) with a full scan (`NOT INDEXED`: a damaged index does not matter); when the
scan fails, it splits the table's rowid range in halves and reads each half, down to
single rows, so that only the rows stored on damaged pages are lost. What cannot be
read: rows on a damaged page, a table whose root page is damaged, and everything when
the first page (the schema) or the key does not fit. Rows already confirmed by the
server are not read: the next sync brings them back from the server.

**Re-applying** (`reapply_pending`): a salvaged pending row goes into the restored copy
when the backup does not have the record, or has an older version of it (`updated_at`
earlier than the salvaged row's); it stays pending, so the next sync sends it. Its
merge base (`sync_base`) comes along when it is readable and newer. Foreign keys are
checked once all rows are in: a row whose parent is neither in the backup nor
salvaged is left out and listed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from fieldvisit.core.clock import utc_now
from fieldvisit.core.dates import moment_text
from fieldvisit.core.errors import BadInput
from fieldvisit.paths import DataDir
from fieldvisit.security.keyfile import fsync_folder
from fieldvisit.security.keys import DataKeys
from fieldvisit.store.backup import BACKUP_PREFIX, BACKUP_SUFFIX, backup_time
from fieldvisit.store.connection import SQLITE_HEADER, connect, remove_sidecars
from fieldvisit.store.errors import CorruptDatabase, StoreError
from fieldvisit.store.schema_version import KNOWN_REVISIONS

log = logging.getLogger(__name__)

SET_ASIDE_FOLDER = "mis-de-cote"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
#: the most queries spent reading one damaged table row range by row range
MAX_QUERIES_PER_TABLE = 4000
_MIN_ROWID, _MAX_ROWID = -(2**63), 2**63 - 1


class DamagedDatabase(CorruptDatabase):
    """The database opens, but some of its pages are damaged (`quick_check` fails)."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class BadBackup(BadInput):
    """A file that cannot be restored (French message says why)."""


class DatabaseInUse(StoreError, BadInput):
    """Another process has the database open: restoring now could lose its writes."""


def set_aside_folder(data_dir: DataDir) -> Path:
    """Where databases replaced by a restore are kept (never deleted by the app)."""
    return data_dir.root / SET_ASIDE_FOLDER


# --- checks ------------------------------------------------------------------------------


def integrity_problems(path: Path, keys: DataKeys, *, limit: int = 20) -> list[str]:
    """`PRAGMA quick_check` of an encrypted database file: [] when it is sound."""
    try:
        conn = connect(path, keys, readonly=True)
    except sqlcipher.Error as err:
        return [str(err)]
    try:
        rows = [str(row[0]) for row in conn.execute(f"PRAGMA quick_check({int(limit)})")]
    except sqlcipher.Error as err:
        return [str(err)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


def describe_problems(problems: Sequence[str]) -> str:
    """The first problem, on one line, for a message."""
    if not problems:
        return ""
    first = " ".join(problems[0].split())
    return first if len(first) <= 160 else first[:157] + "…"


@dataclass(frozen=True)
class BackupInfo:
    """A backup file that passed every check of `inspect_backup`."""

    path: Path
    taken_at: datetime  # from its name (fieldvisit-<time>-<reason>.sqlite3), else mtime
    revision: str
    size: int

    @property
    def reason(self) -> str:
        return backup_reason(self.path)


def backup_reason(path: Path) -> str:
    """The reason part of a backup's name ("demarrage", "synchro", …); "" if foreign."""
    name = path.name
    if not (name.startswith(BACKUP_PREFIX) and name.endswith(BACKUP_SUFFIX)):
        return ""
    middle = name[len(BACKUP_PREFIX) : -len(BACKUP_SUFFIX)]
    return middle.split("-", 1)[1] if "-" in middle else ""


def _taken_at(path: Path) -> datetime:
    taken = backup_time(path)
    if taken is not None:
        return taken
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def inspect_backup(path: Path, keys: DataKeys) -> BackupInfo:
    """Check that path can replace this data dir's database; BadBackup says why not."""
    if not path.is_file():
        raise BadBackup(f"Le fichier {path} n'existe pas (ou n'est pas un fichier).")
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
        size = path.stat().st_size
    except OSError as err:
        raise BadBackup(f"Le fichier {path} ne peut pas être lu : {err.strerror or err}.") from err
    if size == 0:
        raise BadBackup(f"Le fichier {path} est vide : ce n'est pas une sauvegarde.")
    if header == SQLITE_HEADER:
        raise BadBackup(
            f"Le fichier {path} est une base SQLite non chiffrée : ce n'est pas une "
            "sauvegarde de ce dossier de données (les sauvegardes sont chiffrées avec sa clé)."
        )
    try:
        conn = connect(path, keys, readonly=True)
        try:
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            revision_row = (
                conn.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables
                else None
            )
            problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(20)")]
        finally:
            conn.close()
    except sqlcipher.DatabaseError as err:
        if "not a database" in str(err):
            raise BadBackup(
                f"Le fichier {path} ne s'ouvre pas avec la clé de ce dossier de données : "
                "c'est la sauvegarde d'un autre dossier de données, un fichier endommagé ou "
                "autre chose qu'une sauvegarde. Rien n'a été modifié."
            ) from err
        raise BadBackup(
            f"La sauvegarde {path} est endommagée ({err}). Choisissez-en une autre ; "
            "rien n'a été modifié."
        ) from err
    if revision_row is None or not revision_row[0]:
        raise BadBackup(
            f"Le fichier {path} n'est pas une sauvegarde de fieldvisit (pas de version de "
            "schéma). Rien n'a été modifié."
        )
    revision = str(revision_row[0])
    if revision not in KNOWN_REVISIONS:
        raise BadBackup(
            f"La sauvegarde {path} a été faite par une version plus récente de fieldvisit "
            f"(schéma « {revision} ») : mettez l'application à jour pour la restaurer."
        )
    if problems != ["ok"]:
        raise BadBackup(
            f"La sauvegarde {path} ne passe pas la vérification d'intégrité "
            f"({describe_problems(problems)}). Choisissez-en une autre ; rien n'a été modifié."
        )
    return BackupInfo(path, _taken_at(path), revision, size)


def backup_files(folder: Path) -> list[Path]:
    """The backup files of a folder, newest first (by the time in their name)."""
    if not folder.is_dir():
        return []
    found = [
        p
        for p in folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}")
        if p.is_file() and backup_time(p) is not None
    ]
    return sorted(found, key=lambda p: (backup_time(p), p.name), reverse=True)


def newest_good_backup(
    data_dir: DataDir, keys: DataKeys, *, exclude: Iterable[Path] = ()
) -> BackupInfo | None:
    """The newest backup of backups/ that passes `inspect_backup` (the others are
    skipped, with a line in the log)."""
    skip = {p.resolve() for p in exclude}
    for path in backup_files(data_dir.backups):
        if path.resolve() in skip:
            continue
        try:
            return inspect_backup(path, keys)
        except BadBackup as err:
            log.warning("backup not usable: %s", err)
    return None


# --- is the database in use? --------------------------------------------------------------


def database_in_use(path: Path, keys: DataKeys) -> bool:
    """True when another connection (this process or another) has the database open.

    An exclusive lock is tried without waiting: in WAL mode every open connection
    keeps a shared lock, idle or not. A file that does not open (damaged, not ours)
    cannot be locked this way and reads as not in use.
    """
    if not path.exists():
        return False
    try:
        conn = connect(path, keys, timeout_s=0)
    except sqlcipher.Error:
        return False
    try:
        conn.isolation_level = None
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("ROLLBACK")
    except sqlcipher.OperationalError as err:
        text = str(err)
        return "locked" in text or "busy" in text
    except sqlcipher.DatabaseError:
        return False
    finally:
        conn.close()
    return False


# --- reading a damaged database -----------------------------------------------------------


@dataclass
class TableSalvage:
    """What was read of one table: pending rows (column name -> stored value)."""

    table: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = True  # every page of the table was read
    lost_ranges: int = 0  # rowid ranges that could not be read
    error: str = ""  # why the table could not be read at all ("" if it was)


@dataclass
class Salvage:
    """The pending changes read from a (possibly damaged) database file."""

    source: Path
    schema_readable: bool
    tables: dict[str, TableSalvage] = field(default_factory=dict)
    bases: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    error: str = ""

    @property
    def rows(self) -> int:
        return sum(len(t.rows) for t in self.tables.values())

    @property
    def complete(self) -> bool:
        return self.schema_readable and all(t.complete for t in self.tables.values())

    def describe(self) -> str:
        """A French sentence on what could not be read ("" when everything was)."""
        if not self.schema_readable:
            return (
                "Rien n'a pu être lu dans la base endommagée (son en-tête ou sa clé ne "
                f"convient pas : {self.error})."
            )
        lost = [t.table for t in self.tables.values() if not t.complete]
        if not lost:
            return ""
        return "Parties illisibles dans la base endommagée : " + ", ".join(lost) + "."


def user_tables() -> tuple[str, ...]:
    """The synced tables, parents first (the models' order)."""
    from fieldvisit.store.models import USER_RECORD_MODELS

    return tuple(m.__tablename__ for m in USER_RECORD_MODELS)  # type: ignore[attr-defined]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Reader:
    """Queries on a damaged file: a fresh connection after each failure (SQLCipher's
    refuses everything once a page failed its check)."""

    def __init__(self, path: Path, keys: DataKeys) -> None:
        self.path = path
        self.keys = keys
        self._conn: Any = None
        self.queries = 0

    def query(
        self, sql: str, params: Sequence[Any] = ()
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        self.queries += 1
        if self._conn is None:
            self._conn = connect(self.path, self.keys, readonly=True)
        try:
            cursor = self._conn.execute(sql, params)
            rows = cursor.fetchall()
            names = [d[0] for d in cursor.description or ()]
            return names, rows
        except sqlcipher.DatabaseError:
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlcipher.Error):
                self._conn.close()
            self._conn = None


def _read_table(reader: _Reader, table: str, where: str) -> TableSalvage:
    result = TableSalvage(table)
    sql = f"SELECT * FROM {_quote(table)} NOT INDEXED WHERE {where}"
    try:
        names, rows = reader.query(sql)
    except sqlcipher.DatabaseError as err:
        log.warning("table %s of the damaged database: %s; reading it range by range", table, err)
    else:
        result.rows = [dict(zip(names, row, strict=True)) for row in rows]
        return result
    result.complete = False
    start = reader.queries
    stack = [(_bound(reader, table, "min", _MIN_ROWID), _bound(reader, table, "max", _MAX_ROWID))]
    while stack:
        low, high = stack.pop()
        if reader.queries - start > MAX_QUERIES_PER_TABLE:
            result.lost_ranges += 1 + len(stack)
            break
        try:
            names, rows = reader.query(f"{sql} AND rowid BETWEEN ? AND ?", (low, high))
        except sqlcipher.DatabaseError as err:
            if low == high:
                result.lost_ranges += 1
                result.error = str(err)
                continue
            middle = low + (high - low) // 2
            stack.append((middle + 1, high))
            stack.append((low, middle))
            continue
        result.rows.extend(dict(zip(names, row, strict=True)) for row in rows)
    if not result.rows and result.lost_ranges and not result.error:
        result.error = "illisible"
    return result


def _bound(reader: _Reader, table: str, which: str, default: int) -> int:
    """The table's smallest or largest rowid (its first or last leaf page), so that
    halving starts from the rows rather than from the whole 64-bit range."""
    try:
        _names, rows = reader.query(f"SELECT {which}(rowid) FROM {_quote(table)}")
    except sqlcipher.DatabaseError:
        return default
    value = rows[0][0] if rows else None
    return int(value) if value is not None else default


def read_pending(path: Path, keys: DataKeys, tables: Sequence[str] | None = None) -> Salvage:
    """Read the pending rows (and their merge bases) still readable in a database."""
    reader = _Reader(path, keys)
    try:
        try:
            _names, rows = reader.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        except sqlcipher.DatabaseError as err:
            return Salvage(path, schema_readable=False, error=str(err))
        present = {row[0] for row in rows}
        salvage = Salvage(path, schema_readable=True)
        for table in tables if tables is not None else user_tables():
            if table not in present:
                continue
            salvage.tables[table] = _read_table(reader, table, "pending = 1")
        if "sync_base" in present:
            wanted = {(table, row["id"]) for table, t in salvage.tables.items() for row in t.rows}
            if wanted:
                bases = _read_table(reader, "sync_base", "1")
                for row in bases.rows:
                    key = (row.get("table_name"), row.get("record_id"))
                    if key in wanted:
                        salvage.bases[key] = row  # type: ignore[index]
        return salvage
    finally:
        reader.close()


# --- re-applying salvaged rows ------------------------------------------------------------


@dataclass
class ReapplyResult:
    reapplied: int = 0  # rows added or brought up to date in the restored database
    older: int = 0  # rows the backup already has in the same or a newer version
    left_out: list[str] = field(default_factory=list)  # "table id: why"

    def describe(self) -> str:
        text = f"{self.reapplied} modification(s) reprise(s) de la base précédente"
        if self.left_out:
            text += f", {len(self.left_out)} laissée(s) de côté (élément lié absent)"
        return text + "."


def _stamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _is_newer(salvaged: Any, existing: Any) -> bool:
    new, old = _stamp(salvaged), _stamp(existing)
    if new is None:
        return False
    return old is None or new > old


def _columns(conn: Any, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({_quote(table)})")]


def _changes_to_apply(
    conn: Any, salvage: Salvage
) -> tuple[list[tuple[str, dict[str, Any], bool]], int]:
    """(table, row, exists in target) for rows newer than the target's; and how many
    were not (the target has them already)."""
    todo: list[tuple[str, dict[str, Any], bool]] = []
    older = 0
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table, found in salvage.tables.items():
        if table not in present:
            continue
        for row in found.rows:
            current = conn.execute(
                f"SELECT updated_at FROM {_quote(table)} WHERE id = ?", (row.get("id"),)
            ).fetchone()
            if current is None or _is_newer(row.get("updated_at"), current[0]):
                todo.append((table, row, current is not None))
            else:
                older += 1
    return todo, older


def count_reapplicable(target: Path, keys: DataKeys, salvage: Salvage) -> int:
    """How many salvaged rows `reapply_pending` would bring into target (read only)."""
    if not salvage.rows:
        return 0
    conn = connect(target, keys, readonly=True)
    try:
        return len(_changes_to_apply(conn, salvage)[0])
    finally:
        conn.close()


def reapply_pending(target: Path, keys: DataKeys, salvage: Salvage) -> ReapplyResult:
    """Write the salvaged rows newer than target's into target (one transaction).

    Rows go in parents first; each one in a savepoint with foreign keys checked at
    once: a row whose parent is not there yet waits for the next pass (a follow-up
    visit before the visit it follows), and rows still refused when a pass adds
    nothing are left out."""
    result = ReapplyResult()
    if not salvage.rows:
        return result
    conn = connect(target, keys)
    conn.isolation_level = None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        todo, result.older = _changes_to_apply(conn, salvage)
        columns = {table: set(_columns(conn, table)) for table in salvage.tables}
        written: list[tuple[str, dict[str, Any]]] = []
        while todo:
            waiting: list[tuple[str, dict[str, Any], bool]] = []
            for table, row, exists in todo:
                conn.execute("SAVEPOINT reapply")
                try:
                    _write_row(conn, table, row, exists, columns[table])
                except sqlcipher.IntegrityError as err:
                    conn.execute("ROLLBACK TO reapply")
                    conn.execute("RELEASE reapply")
                    if "FOREIGN KEY" in str(err):
                        waiting.append((table, row, exists))
                    else:
                        result.left_out.append(f"{table} {row.get('id')} : {err}")
                    continue
                conn.execute("RELEASE reapply")
                written.append((table, row))
            if len(waiting) == len(todo):
                result.left_out += [
                    f"{table} {row.get('id')} : élément parent absent" for table, row, _ in waiting
                ]
                break
            todo = waiting
        for table, row in written:
            base = salvage.bases.get((table, row["id"]))
            if base is not None:
                _reapply_base(conn, base)
        result.reapplied = len(written)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
    return result


def _write_row(conn: Any, table: str, row: dict[str, Any], exists: bool, columns: set[str]) -> None:
    values = {k: v for k, v in row.items() if k in columns}
    names = list(values)
    if exists:
        assignments = ", ".join(f"{_quote(n)} = ?" for n in names if n != "id")
        conn.execute(
            f"UPDATE {_quote(table)} SET {assignments} WHERE id = ?",
            [values[n] for n in names if n != "id"] + [values["id"]],
        )
    else:
        conn.execute(
            f"INSERT INTO {_quote(table)} ({', '.join(map(_quote, names))}) "
            f"VALUES ({', '.join('?' for _ in names)})",
            [values[n] for n in names],
        )


def _reapply_base(conn: Any, base: dict[str, Any]) -> None:
    current = conn.execute(
        "SELECT server_version FROM sync_base WHERE table_name = ? AND record_id = ?",
        (base["table_name"], base["record_id"]),
    ).fetchone()
    if current is not None and int(current[0] or 0) >= int(base.get("server_version") or 0):
        return
    names = [n for n in base if n in set(_columns(conn, "sync_base"))]
    conn.execute(
        f"INSERT OR REPLACE INTO sync_base ({', '.join(map(_quote, names))}) "
        f"VALUES ({', '.join('?' for _ in names)})",
        [base[n] for n in names],
    )


# --- moving aside and restoring -----------------------------------------------------------


def _stamp_now(now: datetime | None) -> str:
    return (now or utc_now()).astimezone(UTC).strftime(STAMP_FORMAT)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def set_aside(data_dir: DataDir, label: str, now: datetime | None = None) -> Path | None:
    """Move the database (and its WAL) into mis-de-cote/ under a timestamped name.

    The file keeps its name as long as possible: it is linked (or copied) to the new
    name first, then the WAL, and only then are the originals removed by the caller's
    rename over them (`restore_backup`). Returns the new path (None: no database).
    """
    path = data_dir.database
    if not path.exists():
        return None
    folder = set_aside_folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"fieldvisit-{label}-{_stamp_now(now)}{BACKUP_SUFFIX}"
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"fieldvisit-{label}-{_stamp_now(now)}-{counter}{BACKUP_SUFFIX}"
    _link_or_copy(path, target)
    wal = Path(f"{path}-wal")
    if wal.exists():
        _link_or_copy(wal, Path(f"{target}-wal"))
    fsync_folder(folder)
    return target


@dataclass(frozen=True)
class RestoreResult:
    backup: BackupInfo
    set_aside: Path | None  # where the replaced database went (None: there was none)
    reapplied: ReapplyResult
    salvage: Salvage | None

    def describe(self) -> str:
        when = moment_text(self.backup.taken_at, " à ")
        lines = [f"Sauvegarde du {when} restaurée ({self.backup.path.name})."]
        if self.salvage is not None:
            lines.append(self.reapplied.describe())
            unreadable = self.salvage.describe()
            if unreadable:
                lines.append(unreadable)
        if self.set_aside is not None:
            lines.append(f"L'ancienne base est gardée dans {self.set_aside}.")
        return "\n".join(lines)


def restore_backup(
    data_dir: DataDir,
    backup: Path,
    keys: DataKeys,
    *,
    reapply: bool = True,
    damaged: bool = False,
    now: datetime | None = None,
) -> RestoreResult:
    """Put a backup in place of the database, keeping the current one aside.

    With `reapply`, the pending changes still readable in the current database that
    are newer than the backup's are added to it. `damaged` only names the file kept
    aside ("endommagee" rather than "avant-restauration").
    """
    info = inspect_backup(backup, keys)
    path = data_dir.database
    if database_in_use(path, keys):
        raise DatabaseInUse(
            f"La base {path} est ouverte par un autre programme (fieldvisit ouvert, ou une "
            "synchronisation en cours) : fermez-le puis recommencez. Rien n'a été modifié."
        )
    salvage = read_pending(path, keys) if reapply and path.exists() else None
    work = path.with_name(path.name + ".restauration")
    work.unlink(missing_ok=True)
    remove_sidecars(work)
    try:
        shutil.copyfile(info.path, work)
        with work.open("rb+") as fh:
            os.fsync(fh.fileno())
        result = reapply_pending(work, keys, salvage) if salvage is not None else ReapplyResult()
    except BaseException:
        work.unlink(missing_ok=True)
        remove_sidecars(work)
        raise
    aside = set_aside(data_dir, "endommagee" if damaged else "avant-restauration", now)
    remove_sidecars(path)  # kept under the set-aside name; must not meet the new file
    os.replace(work, path)
    remove_sidecars(work)
    fsync_folder(path.parent)
    log.info(
        "restored %s into %s (set aside: %s; %d changes re-applied)",
        info.path,
        path,
        aside,
        result.reapplied,
    )
    return RestoreResult(info, aside, result, salvage)


# --- the offer made when the database is damaged ------------------------------------------


@dataclass(frozen=True)
class RecoveryPlan:
    """What to offer when the database is damaged: the newest good backup and how many
    pending changes of the damaged file would come back with it."""

    damage: str  # French: what is wrong with the database
    backup: BackupInfo | None
    changes: int  # pending changes newer than the backup's, readable in the damaged file
    salvage: Salvage | None

    @property
    def possible(self) -> bool:
        return self.backup is not None


def plan_recovery(data_dir: DataDir, keys: DataKeys, damage: str) -> RecoveryPlan:
    """Find the newest good backup and count what the damaged file still gives back."""
    backup = newest_good_backup(data_dir, keys)
    if backup is None:
        return RecoveryPlan(damage, None, 0, None)
    salvage = read_pending(data_dir.database, keys) if data_dir.database.exists() else None
    changes = count_reapplicable(backup.path, keys, salvage) if salvage is not None else 0
    return RecoveryPlan(damage, backup, changes, salvage)


def recover(data_dir: DataDir, keys: DataKeys, plan: RecoveryPlan) -> RestoreResult:
    """Carry out a plan: restore its backup, re-apply what the damaged file gives back."""
    if plan.backup is None:
        raise BadBackup("Aucune sauvegarde utilisable : rien n'a été modifié.")
    return restore_backup(data_dir, plan.backup.path, keys, reapply=True, damaged=True)
