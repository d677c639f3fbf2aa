"""Records as plain JSON-able dicts and back, for archives (and later the sync wire)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Integer, inspect

from fieldvisit.store.models import USER_RECORD_MODELS, SyncColumns
from fieldvisit.store.types import JSONValue, UTCDateTime

MODELS_BY_TABLE: dict[str, type[SyncColumns]] = {m.__tablename__: m for m in USER_RECORD_MODELS}


# Nullable columns added after the first archive format: missing from older archives.
LATER_COLUMNS = frozenset({"deletion_id"})


def column_names(model: type[SyncColumns]) -> list[str]:
    return [column.key for column in inspect(model).columns]


def record_to_dict(record: SyncColumns) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in column_names(type(record)):
        value = getattr(record, name)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        data[name] = value
    return data


def dict_to_fields(model: type[SyncColumns], data: dict[str, Any]) -> dict[str, Any]:
    """Check and convert a dict made by record_to_dict; raise ValueError if malformed."""
    columns = {column.key: column for column in inspect(model).columns}
    missing = set(columns) - set(data) - LATER_COLUMNS
    if missing:
        raise ValueError(f"champs manquants : {', '.join(sorted(missing))}")
    fields: dict[str, Any] = {}
    for name, column in columns.items():
        value = data.get(name)
        if value is None:
            if not column.nullable and not isinstance(column.type, JSONValue):
                raise ValueError(f"champ « {name} » vide")
            fields[name] = None
            continue
        kind = column.type
        if isinstance(kind, UTCDateTime):
            parsed = datetime.fromisoformat(str(value))
            if parsed.tzinfo is None:
                raise ValueError(f"champ « {name} » : date sans fuseau horaire")
            fields[name] = parsed
        elif isinstance(kind, Date):
            fields[name] = date.fromisoformat(str(value))
        elif isinstance(kind, Boolean):
            if not isinstance(value, bool):
                raise ValueError(f"champ « {name} » : booléen attendu")
            fields[name] = value
        elif isinstance(kind, Integer):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"champ « {name} » : entier attendu")
            fields[name] = value
        elif isinstance(kind, JSONValue):
            fields[name] = value
        else:
            if not isinstance(value, str):
                raise ValueError(f"champ « {name} » : texte attendu")
            length = getattr(kind, "length", None)
            if length is not None and len(value) > length:
                raise ValueError(f"champ « {name} » : plus de {length} caractères")
            fields[name] = value
    return fields
