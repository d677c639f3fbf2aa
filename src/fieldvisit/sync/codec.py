"""One codec per synced table: its records as wire fields and as stored rows.

Built once from `wire.TABLES` (the fields and their kinds) and the table's columns.
The wire form of a record is its JSON: dates as ISO text, moments as canonical UTC
text (microseconds, "+00:00": what `UTCDateTime` stores), answer values as JSON values.
The stored form is what SQLite holds: the same text for dates and moments, JSON text
for the JSON columns. So a pulled record is parsed once — its dates and moments brought
to that canonical text (`decode`) — and is compared, merged and written as text through
the driver (`stored`); a local row is read through the driver (`read`) with only its
JSON columns decoded. `to_columns` gives the Python values of the ORM's columns, for
the few writers that go through it (an archive's merge, a refused change discarded).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from pydantic_core import to_json
from sqlalchemy import Connection, Date, Table

from fieldvisit.store.history import plain
from fieldvisit.store.models import USER_RECORD_MODELS
from fieldvisit.store.types import JSONValue, UTCDateTime
from fieldvisit.sync.wire import TABLES

CHUNK = 500  # ids per IN (…) of a read: under SQLite's limit of bound parameters
TABLE_OBJECTS: dict[str, Table] = {
    m.__tablename__: cast(Table, m.__table__)  # type: ignore[attr-defined]
    for m in USER_RECORD_MODELS
}
#: what every row carries besides its wire fields, as read for a sync
_BOOKKEEPING = ("id", "server_version", "pending", "updated_at", "deleted_at")


def json_text(value: Any) -> str:
    """As JSONValue stores it (compact, UTF-8 unescaped): pydantic-core's encoder,
    several times faster than json.dumps on 10,000 records."""
    return to_json(value, inf_nan_mode="constants").decode("utf-8")


def canonical_moment(text: str) -> str:
    """A wire moment in the canonical form of `plain` (text that is not one: as is)."""
    try:
        return str(plain(datetime.fromisoformat(text)))
    except ValueError:
        return text


def canonical_day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return text


@dataclass(frozen=True)
class StoredRow:
    """A local row as a sync round reads it: wire fields, and its bookkeeping as stored."""

    id: str
    fields: dict[str, Any]
    server_version: int
    pending: bool
    updated_at: str
    deleted_at: str | None  # canonical text, as stored

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    def as_history(self) -> dict[str, Any]:
        """The values the history compares a write with (store/history.py: ChangeLog)."""
        return {**self.fields, "deleted_at": self.deleted_at}


class TableCodec:
    """The wire fields of one table, their kinds, and its columns (see the module)."""

    def __init__(self, table: Table, spec: Mapping[str, str]) -> None:
        self.table = table
        self.name = table.name
        self.names = tuple(spec)
        self.temporal = tuple(name for name, kind in spec.items() if kind.startswith("date"))
        self.json_names = frozenset(c.key for c in table.columns if isinstance(c.type, JSONValue))
        self.columns = tuple(c.key for c in table.columns)
        self._typed_days = frozenset(c.key for c in table.columns if isinstance(c.type, Date))
        self._typed_moments = frozenset(
            c.key for c in table.columns if isinstance(c.type, UTCDateTime)
        )
        self._select = (
            f"SELECT {', '.join((*_BOOKKEEPING, *self.names))} FROM {self.name} WHERE id IN "
        )

    # --- wire fields --------------------------------------------------------------------

    def decode(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Wire fields (pulled, or kept as a merge base) in the canonical wire form: the
        one parse of their dates and moments."""
        out = {name: fields.get(name) for name in self.names}
        for name in self.temporal:  # dates and moments, told apart by their length
            value = out[name]
            if isinstance(value, str):
                out[name] = canonical_moment(value) if len(value) > 10 else canonical_day(value)
        return out

    def from_row(self, row: Any) -> dict[str, Any]:
        """A row read through the models' types (dates and moments as Python values)
        as wire fields."""
        mapping = row._mapping
        return {name: plain(mapping[name]) for name in self.names}

    # --- stored rows ----------------------------------------------------------------------

    def read(self, connection: Connection, ids: Sequence[str]) -> dict[str, StoredRow]:
        """The rows with these ids, through the driver: {id: row}."""
        found: dict[str, StoredRow] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = tuple(ids[start : start + CHUNK])
            sql = self._select + f"({', '.join('?' * len(chunk))})"
            for values in connection.exec_driver_sql(sql, chunk):
                fields = dict(zip(self.names, values[len(_BOOKKEEPING) :], strict=True))
                for name in self.json_names:
                    if fields[name] is not None:
                        fields[name] = json.loads(fields[name])
                record_id, version, pending, updated_at, deleted_at = values[: len(_BOOKKEEPING)]
                found[record_id] = StoredRow(
                    record_id, fields, version, bool(pending), updated_at, deleted_at
                )
        return found

    def stored(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Wire fields as SQLite stores them (JSON columns as text)."""
        return {
            name: json_text(value) if name in self.json_names and value is not None else value
            for name, value in fields.items()
        }

    def insert(self, connection: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        """New rows, every column given as stored, in one executemany."""
        values = [tuple(row[name] for name in self.columns) for row in rows]
        if values:
            marks = ", ".join("?" * len(self.columns))
            connection.exec_driver_sql(
                f"INSERT INTO {self.name} ({', '.join(self.columns)}) VALUES ({marks})", values
            )

    def update(self, connection: Connection, record_id: str, values: Mapping[str, Any]) -> None:
        """Columns of one row, given as stored."""
        names = [name for name in values if name != "id"]
        connection.exec_driver_sql(
            f"UPDATE {self.name} SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
            (*(values[n] for n in names), record_id),
        )

    def to_columns(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Wire fields as the Python values of the models' columns (for ORM writes)."""
        out = dict(fields)
        for name, value in fields.items():
            if isinstance(value, str):
                if name in self._typed_moments:
                    out[name] = datetime.fromisoformat(value)
                elif name in self._typed_days:
                    out[name] = date.fromisoformat(value)
        return out


CODECS: dict[str, TableCodec] = {
    name: TableCodec(TABLE_OBJECTS[name], spec) for name, spec in TABLES.items()
}


def row_fields(table: str, row: Any) -> dict[str, Any]:
    """A row read through the models' types as wire fields (tests, the account's scan)."""
    return CODECS[table].from_row(row)
