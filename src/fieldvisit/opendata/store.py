"""Where a laptop keeps the public datasets: a plain SQLite file of its own.

`cache/reference/public-data.sqlite3` in the data dir, not tables of the encrypted
store: the data is public (no encryption needed), large (the SSMSI base has 5.2 M rows)
and rebuilt from a published file or the server at any time, so keeping it out of the
store keeps the store's backups, its encryption work and its migrations
small. It holds, per dataset and département (a *part*), what was imported from where
(`parts`), and what the sync server last sent of each part (`received`, `digests`), so
that a sync downloads a part only when it changed there (`sync/public_data.py`).

Replacing a dataset, or one département of it, is one transaction: a file or a part
that turns out damaged half-way leaves the data as it was.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldvisit.core.errors import FieldvisitError
from fieldvisit.paths import DataDir

FORMAT = 1
FILE_NAME = "public-data.sqlite3"
BUSY_TIMEOUT_MS = 30_000
SCHEMA = """
CREATE TABLE parts (
    dataset TEXT NOT NULL, departement TEXT NOT NULL, edition TEXT NOT NULL,
    origin TEXT NOT NULL, source TEXT NOT NULL, imported_at TEXT NOT NULL,
    rows INTEGER NOT NULL, details TEXT NOT NULL,
    PRIMARY KEY (dataset, departement)) WITHOUT ROWID;
CREATE TABLE received (
    server TEXT NOT NULL, dataset TEXT NOT NULL, departement TEXT NOT NULL,
    sha256 TEXT NOT NULL, PRIMARY KEY (server, dataset, departement)) WITHOUT ROWID;
CREATE TABLE digests (server TEXT PRIMARY KEY, digest TEXT NOT NULL);
CREATE TABLE ssmsi_indicators (
    id INTEGER PRIMARY KEY, label TEXT NOT NULL, unit TEXT NOT NULL,
    per_dwelling INTEGER NOT NULL, UNIQUE (label, unit));
CREATE TABLE ssmsi_series (
    code TEXT NOT NULL, indicator INTEGER NOT NULL, years TEXT NOT NULL,
    PRIMARY KEY (code, indicator)) WITHOUT ROWID;
CREATE TABLE ssmsi_communes (code TEXT PRIMARY KEY, years TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE ssmsi_departements (
    departement TEXT NOT NULL, annee INTEGER NOT NULL, indicator INTEGER NOT NULL,
    communes INTEGER NOT NULL, diffusees INTEGER NOT NULL, nombre INTEGER NOT NULL,
    denominateur REAL NOT NULL, fichier_nombre REAL, fichier_taux REAL,
    PRIMARY KEY (departement, annee, indicator)) WITHOUT ROWID;
CREATE TABLE pvd (
    code TEXT PRIMARY KEY, departement TEXT NOT NULL, nom TEXT NOT NULL, id_pvd TEXT,
    date_signature TEXT);
CREATE TABLE frr (
    code TEXT PRIMARY KEY, departement TEXT NOT NULL, departement_texte TEXT, nom TEXT,
    classement TEXT);
CREATE TABLE gendarmerie (
    identifiant TEXT PRIMARY KEY, code TEXT NOT NULL, departement TEXT NOT NULL,
    service TEXT, adresse TEXT, telephone TEXT, code_postal TEXT, latitude REAL,
    longitude REAL, horaires TEXT, url TEXT);
CREATE INDEX gendarmerie_code ON gendarmerie (code);
"""
# The tables of each dataset, and how one département's rows are found in them.
BY_CODE = "code >= ? AND code < ?"
BY_DEPARTEMENT = "departement = ?"
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "ssmsi": (
        ("ssmsi_series", BY_CODE),
        ("ssmsi_communes", BY_CODE),
        ("ssmsi_departements", BY_DEPARTEMENT),
    ),
    "pvd": (("pvd", BY_DEPARTEMENT),),
    "frr": (("frr", BY_DEPARTEMENT),),
    "gendarmerie": (("gendarmerie", BY_DEPARTEMENT),),
}
ORIGIN_FILE = "fichier"
ORIGIN_SERVER = "serveur"
# The part of a dataset imported from a national file: it covers every département
# that has no part of its own (one received from the server later).
WHOLE_FILE = "*"


class PublicDataError(FieldvisitError):
    """The public data file of this data dir cannot be used."""


@dataclass(frozen=True)
class Part:
    """One département of one dataset, as this laptop holds it."""

    dataset: str
    departement: str
    edition: str
    origin: str  # ORIGIN_FILE or ORIGIN_SERVER
    source: str  # the file's name, or the server's file name and address
    imported_at: str  # ISO, UTC
    rows: int
    details: dict[str, Any]


def code_range(departement: str) -> tuple[str, str]:
    """The INSEE codes of a département as a range of the primary keys: 15 → [15, 16)."""
    return departement, departement[:-1] + chr(ord(departement[-1]) + 1)


def where_args(condition: str, departement: str) -> tuple[str, ...]:
    return code_range(departement) if condition == BY_CODE else (departement,)


def default_path(data_dir: DataDir) -> Path:
    return data_dir.cache / "reference" / FILE_NAME


class PublicDataStore:
    """The public data of one data dir. Reads share one connection (any thread, one at a
    time); each import writes through its own, so reads go on from the data as it was
    until the import commits (WAL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._reader: sqlite3.Connection | None = None

    @classmethod
    def of(cls, data_dir: DataDir) -> PublicDataStore:
        return cls(default_path(data_dir))

    def close(self) -> None:
        with self._lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    # --- connections -------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
        except (OSError, sqlite3.Error) as err:
            raise PublicDataError(
                f"Données publiques inutilisables ({self.path}) : {err}. Vérifiez les droits "
                "du dossier de données."
            ) from err
        try:
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._ensure_schema(connection)
        except sqlite3.DatabaseError as err:
            connection.close()
            raise PublicDataError(
                f"Le fichier des données publiques {self.path} est illisible ({err}). Il se "
                "reconstruit : supprimez-le, puis réimportez les fichiers (fieldvisit "
                "reference import) ou synchronisez."
            ) from err
        return connection

    def _ensure_schema(self, connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == FORMAT:
            return
        if version > FORMAT:
            raise PublicDataError(
                f"Les données publiques ({self.path}) ont été écrites par une version plus "
                "récente de fieldvisit : mettez l'application à jour, ou supprimez ce "
                "fichier et réimportez."
            )
        # Nothing yet, or an older format: the data is rebuilt from the files or the
        # server, so an older file is simply started again.
        connection.execute("BEGIN IMMEDIATE")
        try:
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            ]
            for name in tables:
                connection.execute(f'DROP TABLE "{name}"')
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version={FORMAT}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._reader is None:
                self._reader = self._open()
            try:
                yield self._reader
            except sqlite3.DatabaseError as err:
                raise PublicDataError(
                    f"Lecture des données publiques impossible ({self.path}) : {err}."
                ) from err

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on a connection of its own: committed when the block
        ends, rolled back (nothing changed) if it raises."""
        connection = self._open()
        try:
            connection.execute("PRAGMA cache_size=-65536")  # 64 MiB while loading
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError as err:
            if "full" in str(err).lower():
                raise PublicDataError(
                    "Le disque est plein : les données publiques n'ont pas été remplacées "
                    "(elles restent comme avant). Libérez de la place puis recommencez."
                ) from err
            raise PublicDataError(f"Écriture des données publiques impossible : {err}.") from err
        finally:
            connection.close()

    # --- parts -------------------------------------------------------------------------

    def parts(self, dataset: str | None = None) -> list[Part]:
        query = "SELECT * FROM parts"
        args: tuple[str, ...] = ()
        if dataset is not None:
            query += " WHERE dataset = ?"
            args = (dataset,)
        with self.reading() as db:
            rows = db.execute(query + " ORDER BY dataset, departement", args).fetchall()
        return [part_of_row(row) for row in rows]

    def covering(self, dataset: str, departement: str) -> Part | None:
        """The part that holds a département's rows of a dataset, if any."""
        with self.reading() as db:
            return covering_part(db, dataset, departement)

    # --- what the server sent ----------------------------------------------------------

    def digest(self, server: str) -> str | None:
        with self.reading() as db:
            row = db.execute("SELECT digest FROM digests WHERE server = ?", (server,)).fetchone()
        return row[0] if row is not None else None

    def set_digest(self, server: str, digest: str) -> None:
        with self.writing() as db:
            db.execute("INSERT OR REPLACE INTO digests VALUES (?, ?)", (server, digest))

    def received(self, server: str) -> dict[tuple[str, str], str]:
        """(dataset, département) → the SHA-256 of the part last received from `server`."""
        with self.reading() as db:
            rows = db.execute(
                "SELECT dataset, departement, sha256 FROM received WHERE server = ?", (server,)
            ).fetchall()
        return {(dataset, dep): sha for dataset, dep, sha in rows}


def covering_part(db: sqlite3.Connection, dataset: str, departement: str) -> Part | None:
    """A département's own part (received from the server), else the national file's."""
    row = db.execute(
        "SELECT * FROM parts WHERE dataset = ? AND departement IN (?, ?) "
        "ORDER BY departement = ? LIMIT 1",  # its own part first
        (dataset, departement, WHOLE_FILE, WHOLE_FILE),
    ).fetchone()
    return part_of_row(row) if row is not None else None


def part_of_row(row: Sequence[Any]) -> Part:
    dataset, departement, edition, origin, source, imported_at, rows, details = row
    return Part(
        dataset, departement, edition, origin, source, imported_at, rows, json.loads(details)
    )
