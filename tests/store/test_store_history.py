"""Revision 0004: the history table, on new and migrated databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldvisit.paths import DataDir
from fieldvisit.store import open_store
from fieldvisit.store.models import Answer, HistoryEntry

FIXTURES = Path(__file__).with_name("fixtures")


@pytest.mark.parametrize("revision", ["0001", "0002", "0003"])
def test_older_databases_get_an_empty_history_and_then_record_changes(
    revision: str, data_dir: DataDir
) -> None:
    data_dir.ensure()
    shutil.copyfile(FIXTURES / f"rev_{revision}.sqlite3", data_dir.database)
    store = open_store(data_dir)
    with store.reading() as session:
        assert session.scalars(select(HistoryEntry)).all() == []
    with store.transaction() as session:
        answer = session.scalars(select(Answer)).one()
        answer.value = ["b"]
        answer.updated_by = store.device_id
    with store.reading() as session:
        entry = session.scalars(select(HistoryEntry)).one()
    store.close()
    assert (entry.table_name, entry.field_name) == ("answers", "value")
    assert (entry.old_value, entry.new_value) == (["a", "b"], ["b"])
    assert entry.device_id == store.device_id


def test_the_history_written_by_revision_0004_reads_back(data_dir: DataDir) -> None:
    data_dir.ensure()
    shutil.copyfile(FIXTURES / "rev_0004.sqlite3", data_dir.database)
    store = open_store(data_dir)
    with store.reading() as session:
        last = session.scalars(select(HistoryEntry).order_by(HistoryEntry.id.desc())).first()
    store.close()
    assert last is not None
    assert (last.field_name, last.old_value, last.new_value) == (
        "comment",
        "commentaire",
        "commentaire corrigé",
    )
    assert (last.user_name, last.device_id, last.origin) == ("fixture", "fixture-device", "edit")
    assert last.changed_at.tzinfo is not None
