"""Writing what a dataset reader reads into the public data store, in batches.

Each loader runs inside the caller's write transaction: it first deletes what it
replaces (the whole dataset, or one département of it), then inserts the rows as they
stream in, and returns how many rows each département got. The SSMSI loader also sums,
per département × year × indicator, the communes whose figures are published (the
département comparison of the commune card) and keeps the departmental figure the file
gives with its rows (`complement_info_*`), apart from every commune's.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic_core import to_json

from fieldvisit.opendata.store import TABLES, where_args
from fieldvisit.reference.datasets import DatasetReader
from fieldvisit.reference.datasets.ssmsi import SsmsiReader

BATCH = 20_000
Loader = Callable[[sqlite3.Connection, DatasetReader, str | None], Counter[str]]


def clear(db: sqlite3.Connection, dataset: str, departement: str | None) -> None:
    """Delete a dataset's rows (of one département, or all) and their parts."""
    for table, condition in TABLES[dataset]:
        if departement is None:
            db.execute(f"DELETE FROM {table}")
        else:
            db.execute(f"DELETE FROM {table} WHERE {condition}", where_args(condition, departement))
    if departement is None:
        db.execute("DELETE FROM parts WHERE dataset = ?", (dataset,))
    else:
        db.execute(
            "DELETE FROM parts WHERE dataset = ? AND departement = ?", (dataset, departement)
        )


def _outside(reader: DatasetReader, departement: str, only: str) -> Exception:
    return reader.table.error(
        f"ligne du département {departement} dans les données du département {only}"
    )


def load_ssmsi(db: sqlite3.Connection, reader: DatasetReader, only: str | None) -> Counter[str]:
    """One row per commune × indicator, its years as JSON `{"2016": [count, rate,
    published], …}` (count and rate null when not published), and one per commune for
    its inhabitants and dwellings by year: 10 times fewer rows to write than the file
    has, and a commune's card is 15 rows. A file is written commune by commune; one
    whose communes come back later (not sorted) is merged with what was written."""
    assert isinstance(reader, SsmsiReader)
    rows_of: Counter[str] = Counter()
    # (département, year, indicator id) → [communes, diffused, facts, denominator,
    # departmental count, departmental rate]
    totals: dict[tuple[str, int, int], list[Any]] = {}
    ids: list[int] = []  # the reader's indicator numbers → the store's ids
    per_dwelling: list[bool] = []
    series: dict[int, dict[int, tuple[Any, ...]]] = {}  # of the current commune
    people: dict[int, tuple[Any, ...]] = {}
    current = ""
    written: set[str] = set()
    batch: list[tuple[str, int, str]] = []
    commune_batch: list[tuple[str, str]] = []

    def flush_commune() -> None:
        if current in written:  # an unsorted file: merge with what is stored
            write()
            _merge_commune(db, current, series, people)
        else:
            written.add(current)
            batch.extend((current, ind, dumps(years)) for ind, years in series.items())
            commune_batch.append((current, dumps(people)))
        series.clear()
        people.clear()
        if len(batch) >= BATCH:
            write()

    def write() -> None:
        db.executemany("INSERT INTO ssmsi_series VALUES (?, ?, ?)", batch)
        db.executemany("INSERT INTO ssmsi_communes VALUES (?, ?)", commune_batch)
        batch.clear()
        commune_batch.clear()

    for departement, _row, record in reader:
        if only is not None and departement != only:
            raise _outside(reader, departement, only)
        code, number, year, count, rate, published, pop, pop_year, log, log_year, dep_n, dep_t = (
            record
        )
        if code != current:
            if current:
                flush_commune()
            current = code
        while len(ids) <= number:
            indicator = reader.indicators[len(ids)]
            ids.append(_indicator_id(db, indicator.label, indicator.unit, indicator.per_dwelling))
            per_dwelling.append(indicator.per_dwelling)
        indicator_id = ids[number]
        years = series.get(indicator_id)
        if years is None:
            years = series[indicator_id] = {}
        years[year] = (count, rate, 1 if published else 0)
        if year not in people:
            people[year] = (pop, pop_year, log, log_year)
        key = (departement, year, indicator_id)
        total = totals.get(key)
        if total is None:
            total = totals[key] = [0, 0, 0, 0.0, None, None]
        total[0] += 1
        if published:
            denominator = log if per_dwelling[number] else pop
            if denominator:
                total[1] += 1
                total[2] += count
                total[3] += denominator
        if dep_n is not None and total[4] is None:
            total[4] = dep_n
        if dep_t is not None and total[5] is None:
            total[5] = dep_t
        rows_of[departement] += 1
    if current:
        flush_commune()
    write()
    db.executemany(
        "INSERT INTO ssmsi_departements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(dep, year, ind, *total) for (dep, year, ind), total in totals.items()],
    )
    return rows_of


def dumps(value: dict[int, tuple[Any, ...]]) -> str:
    # pydantic-core's encoder: compact JSON, several times faster than json.dumps.
    return to_json(value).decode()


def _merge_commune(
    db: sqlite3.Connection,
    code: str,
    series: dict[int, dict[int, tuple[Any, ...]]],
    people: dict[int, tuple[Any, ...]],
) -> None:
    """Add a commune's rows met again further down an unsorted file (the reader has
    checked that no commune × year × indicator comes twice)."""
    for indicator, years in series.items():
        row = db.execute(
            "SELECT years FROM ssmsi_series WHERE code = ? AND indicator = ?", (code, indicator)
        ).fetchone()
        merged = {**(json.loads(row[0]) if row else {}), **{str(y): v for y, v in years.items()}}
        db.execute(
            "INSERT OR REPLACE INTO ssmsi_series VALUES (?, ?, ?)",
            (code, indicator, json.dumps(merged, separators=(",", ":"))),
        )
    row = db.execute("SELECT years FROM ssmsi_communes WHERE code = ?", (code,)).fetchone()
    known = json.loads(row[0]) if row else {}
    merged_people = {**{str(y): v for y, v in people.items()}, **known}
    db.execute(
        "INSERT OR REPLACE INTO ssmsi_communes VALUES (?, ?)",
        (code, json.dumps(merged_people, separators=(",", ":"))),
    )


def _indicator_id(db: sqlite3.Connection, label: str, unit: str, per_dwelling: bool) -> int:
    db.execute(
        "INSERT OR IGNORE INTO ssmsi_indicators (label, unit, per_dwelling) VALUES (?, ?, ?)",
        (label, unit, per_dwelling),
    )
    row = db.execute(
        "SELECT id FROM ssmsi_indicators WHERE label = ? AND unit = ?", (label, unit)
    ).fetchone()
    return int(row[0])


def _as_stored(record: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(value.isoformat() if isinstance(value, date) else value for value in record)


def _simple(statement: str) -> Loader:
    """A loader that inserts each record as it is (dates in ISO), with its département."""

    def load(db: sqlite3.Connection, reader: DatasetReader, only: str | None) -> Counter[str]:
        rows_of: Counter[str] = Counter()
        batch: list[tuple[object, ...]] = []
        for departement, _row, record in reader:
            if only is not None and departement != only:
                raise _outside(reader, departement, only)
            batch.append((*_as_stored(record), departement))
            rows_of[departement] += 1
            if len(batch) >= BATCH:
                db.executemany(statement, batch)
                batch.clear()
        db.executemany(statement, batch)
        return rows_of

    return load


LOADERS: dict[str, Loader] = {
    "ssmsi": load_ssmsi,
    "pvd": _simple(
        "INSERT INTO pvd (code, nom, id_pvd, date_signature, departement) VALUES (?, ?, ?, ?, ?)"
    ),
    "frr": _simple(
        "INSERT INTO frr (code, departement_texte, nom, classement, departement) "
        "VALUES (?, ?, ?, ?, ?)"
    ),
    "gendarmerie": _simple(
        "INSERT INTO gendarmerie (identifiant, code, service, adresse, telephone, code_postal,"
        " latitude, longitude, horaires, url, departement) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ),
}
