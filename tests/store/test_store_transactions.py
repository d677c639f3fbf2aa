"""One unit of work: `Store.transaction()`, its options, and use cases made of use cases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import text

from fieldvisit.core.errors import BadInput
from fieldvisit.paths import DataDir
from fieldvisit.store import Store, open_store


@pytest.fixture
def store(data_dir: DataDir) -> Iterator[Store]:
    opened = open_store(data_dir)
    yield opened
    opened.close()


def _meta(store: Store, key: str) -> str | None:
    with store.connection() as conn:
        value = conn.exec_driver_sql("SELECT value FROM local_meta WHERE key = ?", (key,)).scalar()
    return None if value is None else str(value)


def _put(session, key: str, value: str) -> None:  # type: ignore[no-untyped-def]
    session.execute(
        text("INSERT INTO local_meta (key, value) VALUES (:k, :v)"), {"k": key, "v": value}
    )


def test_a_transaction_inside_another_is_committed_with_it(store: Store) -> None:
    with store.transaction() as outer:
        _put(outer, "outer-key", "1")
        with store.transaction() as inner:
            assert inner is outer  # joined: one session, one commit
            _put(inner, "inner-key", "2")
        assert _meta(store, "inner-key") is None  # not committed before the outer ends
    assert (_meta(store, "outer-key"), _meta(store, "inner-key")) == ("1", "2")


def test_an_inner_refusal_leaves_nothing_of_the_outer_work(store: Store) -> None:
    with pytest.raises(BadInput), store.transaction() as outer:
        _put(outer, "outer-key", "1")
        with store.transaction() as inner:
            _put(inner, "inner-key", "2")
            raise BadInput("refusé")
    assert (_meta(store, "outer-key"), _meta(store, "inner-key")) == (None, None)


def test_a_round_write_is_durable_and_checks_foreign_keys_at_the_commit(store: Store) -> None:
    """A pulled child may come before its parent: checked when the transaction ends."""
    visit_id = "0190b0c0-0000-7000-8000-000000000001"
    child = (
        "INSERT INTO quick_notes (id, visit_id, text, noted_at, created_at, updated_at, "
        "updated_by, server_version, pending) VALUES ('0190b0c0-0000-7000-8000-000000000002', "
        ":v, 'note', '2026-03-14T10:00:00.000000+00:00', '2026-03-14T10:00:00.000000+00:00', "
        "'2026-03-14T10:00:00.000000+00:00', 'x', 1, 0)"
    )
    parent = (
        "INSERT INTO visits (id, commune_code, commune_name, departement, visit_date, "
        "visit_type, status, author, summary, created_at, updated_at, updated_by, "
        "server_version, pending) VALUES (:v, '15187', 'Saint-Flour', '15', :d, 'premiere', "
        "'planifiee', '', '', '2026-03-14T10:00:00.000000+00:00', "
        "'2026-03-14T10:00:00.000000+00:00', 'x', 1, 0)"
    )
    options = {"immediate": True, "durable": True, "defer_foreign_keys": True}
    with store.transaction(**options) as session:
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        session.execute(text(child), {"v": visit_id})  # before its visit: allowed until the end
        session.execute(text(parent), {"v": visit_id, "d": date(2026, 3, 14).isoformat()})
    with store.reading() as session:
        assert session.execute(text("SELECT count(*) FROM quick_notes")).scalar() == 1
        assert session.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL again
    with pytest.raises(Exception, match="FOREIGN KEY"), store.transaction(**options) as session:
        session.execute(text(child.replace("0002'", "0003'")), {"v": "no-such-visit"})
    with store.reading() as session:
        assert session.execute(text("SELECT count(*) FROM quick_notes")).scalar() == 1


def test_a_round_write_cannot_join_a_plain_transaction(store: Store) -> None:
    with store.transaction(), pytest.raises(RuntimeError):  # noqa: SIM117
        with store.transaction(immediate=True):
            pass
