"""The wire schema: strict documents, and a table description equal to the store's."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import Boolean, Date, Integer, Text, inspect

from fieldvisit.store.models import USER_RECORD_MODELS
from fieldvisit.store.types import JSONValue, UTCDateTime
from fieldvisit.sync.local import SYNC_COLUMNS
from fieldvisit.sync.wire import (
    REFERENCES,
    TABLES,
    Change,
    PushBatch,
    check_fields,
    departement_of_commune,
)


def _kind(column) -> str:  # type: ignore[no-untyped-def]
    t = column.type
    if isinstance(t, UTCDateTime):
        base = "datetime"
    elif isinstance(t, JSONValue):
        base = "json"
    elif isinstance(t, Date):
        base = "date"
    elif isinstance(t, Boolean):
        base = "bool"
    elif isinstance(t, Integer):
        base = "int"
    elif isinstance(t, Text):
        base = "text"
    else:
        base = "str"
    nullable = "?" if column.nullable else ""
    length = f":{t.length}" if base == "str" and t.length else ""
    return base + nullable + length


def test_wire_tables_describe_the_store_models_exactly() -> None:
    from_models = {
        m.__tablename__: {  # type: ignore[attr-defined]
            c.key: _kind(c) for c in inspect(m).columns if c.key not in SYNC_COLUMNS
        }
        for m in USER_RECORD_MODELS
    }
    assert from_models == TABLES


def test_wire_references_are_the_foreign_keys() -> None:
    for model in USER_RECORD_MODELS:
        fks = {
            (c.key, next(iter(c.foreign_keys)).column.table.name)
            for c in inspect(model).columns
            if c.foreign_keys
        }
        assert fks == set(REFERENCES[model.__tablename__])  # type: ignore[attr-defined]


def test_documents_refuse_unknown_keys_and_oversize() -> None:
    with pytest.raises(ValidationError):
        Change.model_validate(
            {"table": "visits", "id": "x", "base_version": 0, "fields": {}, "oops": 1}
        )
    with pytest.raises(ValidationError):
        Change.model_validate({"table": "x", "id": "x", "base_version": 0, "fields": {}})
    with pytest.raises(ValidationError):
        PushBatch.model_validate({"batch_id": "b", "device_id": "d", "changes": []})


def test_check_fields_explains_what_is_wrong() -> None:
    assert check_fields("quick_notes", {}) is not None
    fields = {
        "visit_id": "v",
        "text": "t",
        "noted_at": "2026-01-01T10:00:00",
        "moved_to": None,
        "created_at": "2026-01-01T10:00:00+00:00",
    }
    assert check_fields("quick_notes", fields) == "champ « noted_at » : date sans fuseau horaire"
    fields["noted_at"] = "2026-01-01T10:00:00+01:00"
    assert check_fields("quick_notes", fields) is None


@pytest.mark.parametrize(
    ("code", "dep"),
    [("15187", "15"), ("2A004", "2A"), ("2b033", "2B"), ("97411", "974"), ("x", None)],
)
def test_departement_of_commune(code: str, dep: str | None) -> None:
    assert departement_of_commune(code) == dep
