"""Every past schema revision has a fixture database that the current app opens intact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldvisit.paths import DataDir
from fieldvisit.store import open_store
from fieldvisit.store.models import Answer, Recommendation, Visit
from fieldvisit.store.schema_version import HEAD_REVISION, KNOWN_REVISIONS

FIXTURES = Path(__file__).with_name("fixtures")


def test_every_known_revision_has_a_fixture_database() -> None:
    missing = [r for r in KNOWN_REVISIONS if not (FIXTURES / f"rev_{r}.sqlite3").is_file()]
    assert missing == [], "run scripts/make_schema_fixture.py after adding a revision"


@pytest.mark.parametrize("revision", KNOWN_REVISIONS)
def test_fixture_of_each_revision_opens_at_head_with_its_data(
    revision: str, data_dir: DataDir
) -> None:
    data_dir.ensure()
    shutil.copyfile(FIXTURES / f"rev_{revision}.sqlite3", data_dir.database)
    store = open_store(data_dir)
    with store.reading() as session:
        visit = session.scalars(select(Visit)).one()
        answer = session.scalars(select(Answer)).one()
        rec = session.scalars(select(Recommendation)).one()
        version = (
            session.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        )
    store.close()
    assert version == HEAD_REVISION
    assert visit.summary == "Visite « fixture » : accents é è ç œ."
    assert visit.created_at.tzinfo is not None
    assert answer.value == ["a", "b"]
    assert rec.text == "Relancer la participation citoyenne."
    if revision != HEAD_REVISION:
        assert list(data_dir.backups.glob(f"*avant-migration-{revision}*"))


@pytest.mark.parametrize("revision", ["0001", "0011", "0014"])
def test_an_older_single_dispositif_becomes_the_actions_list(
    revision: str, data_dir: DataDir
) -> None:
    """Revision 0015: the single dispositif of an action is the first of its list; the
    new texts are empty, no cost, no funding; the single one stays for older apps."""
    data_dir.ensure()
    shutil.copyfile(FIXTURES / f"rev_{revision}.sqlite3", data_dir.database)
    store = open_store(data_dir)
    with store.reading() as session:
        rec = session.scalars(select(Recommendation)).one()
    store.close()
    assert rec.dispositifs == ["participation_citoyenne"]
    assert rec.dispositif == "participation_citoyenne"
    assert (rec.description, rec.success_indicator) == ("", "")
    assert (rec.estimated_cost, rec.funding, rec.review_date, rec.porteur_contact_id) == (
        None,
        None,
        None,
        None,
    )


def test_the_head_fixture_keeps_the_contract_fields(data_dir: DataDir) -> None:
    data_dir.ensure()
    shutil.copyfile(FIXTURES / "rev_0015.sqlite3", data_dir.database)
    store = open_store(data_dir)
    with store.reading() as session:
        rec = session.scalars(select(Recommendation)).one()
    store.close()
    assert rec.dispositifs == ["participation_citoyenne", "fipd"]
    assert rec.funding == [
        {"source": "fipd", "amount": 2400},
        {"source": "commune", "amount": 1600},
    ]
    assert rec.estimated_cost == 4000


@pytest.mark.parametrize("revision", ["0001", "0002", "0010"])
def test_older_databases_get_the_covering_index_of_given_answers(
    revision: str, data_dir: DataDir
) -> None:
    """Revision 0011 (after 0003's index of the visit id): the visit list reads every
    visit's given answers, items and values, from a partial index of those rows."""
    data_dir.ensure()
    shutil.copyfile(FIXTURES / f"rev_{revision}.sqlite3", data_dir.database)
    store = open_store(data_dir)
    indexes = _indexes(store)
    store.close()
    assert indexes.get("ix_answers_given") == (
        "CREATE INDEX ix_answers_given ON answers (visit_id, form_id, item_id, value, deleted_at) "
        "WHERE deleted_at IS NULL AND value IS NOT NULL"
    )
    assert "ix_answers_given_visit_id" not in indexes  # replaced: one index to keep up


def _indexes(store) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with store.connection() as connection:
        rows = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).all()
    return {name: sql for name, sql in rows}


@pytest.mark.parametrize("revision", ["new", "0001", "0008"])
def test_every_synced_table_has_an_index_of_its_pending_rows(
    revision: str, data_dir: DataDir
) -> None:
    """Revision 0009: a sync round reads the pending rows of every synced table from a
    partial index of those rows, in a new database and in a migrated one."""
    from fieldvisit.sync.wire import TABLES

    if revision != "new":
        data_dir.ensure()
        shutil.copyfile(FIXTURES / f"rev_{revision}.sqlite3", data_dir.database)
    store = open_store(data_dir)
    indexes = _indexes(store)
    store.close()
    for table in TABLES:
        sql = indexes.get(f"ix_{table}_pending", "")
        assert f"ON {table} (pending) WHERE pending = 1" in sql, table


@pytest.mark.parametrize("revision", ["new", "0008"])
def test_the_visit_list_has_its_covering_index(revision: str, data_dir: DataDir) -> None:
    """Revision 0009: the list's columns of the live visits, newest first."""
    if revision != "new":
        data_dir.ensure()
        shutil.copyfile(FIXTURES / f"rev_{revision}.sqlite3", data_dir.database)
    store = open_store(data_dir)
    sql = _indexes(store).get("ix_visits_list", "")
    store.close()
    assert sql.startswith("CREATE INDEX ix_visits_list ON visits (visit_date, id, ")
    assert sql.endswith("WHERE deleted_at IS NULL")
