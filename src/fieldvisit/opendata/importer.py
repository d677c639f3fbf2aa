"""Importing a published file, or one département of it sent by the sync server.

`import_file`: the dataset is recognised from the file's header, the file is streamed
into the store in one transaction that first removes the dataset's rows: the dataset is
replaced only if the whole file is good, otherwise a `DatasetError` names the file,
the line and the problem, and nothing changed. `import_part` does the same for one
département (what a laptop receives at sync), replacing only that département.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fieldvisit.core.errors import BadInput
from fieldvisit.opendata.loading import LOADERS, clear
from fieldvisit.opendata.store import ORIGIN_FILE, ORIGIN_SERVER, WHOLE_FILE, PublicDataStore
from fieldvisit.reference.datasets import (
    DATASETS,
    DatasetError,
    DatasetInfo,
    DatasetReader,
    open_published,
    recognise,
)
from fieldvisit.reference.datasets.gendarmerie import GendarmerieReader
from fieldvisit.reference.datasets.ssmsi import SsmsiReader

MAX_EDITION = 200


@dataclass(frozen=True)
class ImportResult:
    info: DatasetInfo
    file_name: str
    rows: int
    departements: tuple[str, ...]
    edition: str
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """One French line for the command line."""
        count = f"{self.rows:,}".replace(",", " ")
        where = (
            f"département {self.departements[0]}"
            if len(self.departements) == 1
            else f"{len(self.departements)} départements"
        )
        text = (
            f"{self.file_name} : {self.info.title}, {count} ligne(s) importée(s) ({where}), "
            f"édition « {self.edition} »."
        )
        return " ".join((text, *self.notes))


def _notes(reader: DatasetReader) -> tuple[str, ...]:
    if isinstance(reader, SsmsiReader) and reader.rows:
        hidden = reader.rows - reader.diffused
        share = round(100 * hidden / reader.rows)
        return (
            f"{share} % des lignes ne sont pas diffusées (ndiff : moins de 6 faits trois "
            "années de suite) : elles s'affichent « non diffusé », jamais 0.",
        )
    if isinstance(reader, GendarmerieReader) and reader.without_commune:
        return (
            f"{reader.without_commune} unité(s) sans code commune laissée(s) de côté "
            "(elles ne peuvent figurer sur la fiche d'aucune commune).",
        )
    return ()


def _edition(reader: DatasetReader, file_name: str, given: str | None) -> str:
    edition = " ".join((given or reader.edition(file_name)).split())
    if not edition:
        raise DatasetError(file_name, "édition vide")
    return edition[:MAX_EDITION]


def _load(
    store: PublicDataStore,
    reader: DatasetReader,
    *,
    file_name: str,
    only: str | None,
    origin: str,
    source: str,
    edition: str | None,
    now: datetime,
    received: tuple[str, str] | None = None,
) -> ImportResult:
    key = reader.info.key
    with store.writing() as db:
        clear(db, key, only)
        if received is not None:  # what the server sent, with what it replaced
            server, sha256 = received
            db.execute(
                "INSERT OR REPLACE INTO received VALUES (?, ?, ?, ?)",
                (server, key, only, sha256),
            )
        rows_of = LOADERS[key](db, reader, only)
        label = _edition(reader, file_name, edition)
        details = json.dumps(reader.summary(), ensure_ascii=False)
        # A national file is one part covering every département; a part from the
        # server covers its own (even empty: then the commune is known not to be listed).
        db.execute(
            "INSERT INTO parts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key, only or WHOLE_FILE, label, origin, source, now.isoformat(), reader.rows, details),
        )
    return ImportResult(
        reader.info, file_name, reader.rows, tuple(sorted(rows_of)), label, _notes(reader)
    )


def check_published(paths: Sequence[Path]) -> dict[str, Path]:
    """Every file's header read before any import (dataset key → file): an unknown or
    unreadable file, or two files of one dataset, raise in French and change nothing."""
    seen: dict[str, Path] = {}
    for path in paths:
        with open_published(path) as table:
            key = recognise(table).info.key
        if key in seen:
            raise BadInput(
                f"{seen[key].name} et {path.name} sont deux fichiers du même jeu de données "
                f"({DATASETS[key].title}) : importez-en un seul."
            )
        seen[key] = path
    return seen


def import_file(
    store: PublicDataStore, path: Path, *, now: datetime, edition: str | None = None
) -> ImportResult:
    """Replace the dataset of this published file with its content (all or nothing)."""
    with open_published(path) as table:
        reader = recognise(table)
        return _load(
            store,
            reader,
            file_name=path.name,
            only=None,
            origin=ORIGIN_FILE,
            source=path.name,
            edition=edition,
            now=now,
        )


def import_part(
    store: PublicDataStore,
    content: bytes,
    *,
    dataset: str,
    departement: str,
    name: str,
    edition: str,
    source: str,
    now: datetime,
    server: str,
    sha256: str,
) -> ImportResult:
    """Replace one département of a dataset with a part sent by `server` (the rows of
    that département in the published format), and remember its `sha256`."""
    with open_published(io.BytesIO(content), name) as table:
        reader = recognise(table)
        if reader.info.key != dataset:
            raise DatasetError(name, f"reçu comme « {dataset} », lu comme « {reader.info.key} »")
        reader.allow_empty = True
        return _load(
            store,
            reader,
            file_name=name,
            only=departement,
            origin=ORIGIN_SERVER,
            source=source,
            edition=edition,
            now=now,
            received=(server, sha256),
        )
