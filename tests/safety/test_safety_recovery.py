"""Restoring backups and recovering a damaged database: nothing is ever deleted, the
changes not yet sent that the damaged file still holds come back."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from safety_support import HandClock, damage_page, page_count, page_of, plan

from fieldvisit.paths import DataDir
from fieldvisit.services import Services, backups, notes, visits
from fieldvisit.services.deletion import soft_delete
from fieldvisit.store import CorruptDatabase, open_store
from fieldvisit.store.connection import connect
from fieldvisit.store.database import unlock_data_dir
from fieldvisit.store.recovery import (
    BadBackup,
    DatabaseInUse,
    Salvage,
    TableSalvage,
    inspect_backup,
    integrity_problems,
    newest_good_backup,
    plan_recovery,
    read_pending,
    reapply_pending,
    recover,
    restore_backup,
    set_aside_folder,
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(data_dir: DataDir, sql: str, *params: object) -> list[tuple]:
    keys, _ = unlock_data_dir(data_dir)
    conn = connect(data_dir.database, keys, readonly=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def backed_up(svc: Services, clock: HandClock) -> tuple[Services, str, Path]:
    """A visit and a backup of it; the clock then moves on."""
    visit_id = plan(svc, "Résumé avant la sauvegarde")
    outcome = backups.backup_at_start(svc)
    assert outcome.path is not None
    clock.advance(minutes=30)
    return svc, visit_id, outcome.path


# --- checking a file before restoring it ---------------------------------------------------


def test_a_good_backup_passes_inspection(backed_up) -> None:  # type: ignore[no-untyped-def]
    svc, _visit_id, path = backed_up
    info = inspect_backup(path, svc.store.keys)
    assert info.path == path
    assert info.reason == backups.REASON_START
    assert info.revision == rows(svc.data_dir, "SELECT version_num FROM alembic_version")[0][0]


def test_files_that_are_not_backups_of_this_data_dir_are_refused(
    backed_up, tmp_path: Path, communes
) -> None:  # type: ignore[no-untyped-def]
    svc, _visit_id, path = backed_up
    keys = svc.store.keys
    with pytest.raises(BadBackup, match="n'existe pas"):
        inspect_backup(tmp_path / "absent.sqlite3", keys)
    empty = tmp_path / "vide.sqlite3"
    empty.write_bytes(b"")
    with pytest.raises(BadBackup, match="vide"):
        inspect_backup(empty, keys)
    plain = tmp_path / "plain.sqlite3"
    import sqlite3

    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(BadBackup, match="non chiffrée"):
        inspect_backup(plain, keys)
    text = tmp_path / "notes.txt"
    text.write_text("pas une base" * 100)
    with pytest.raises(BadBackup, match="clé de ce dossier"):
        inspect_backup(text, keys)
    other = Services.open(DataDir(tmp_path / "autre"))
    other_backup = backups.backup_at_start(other).path
    other.close()
    assert other_backup is not None
    with pytest.raises(BadBackup, match="autre dossier de données"):
        inspect_backup(other_backup, keys)
    damaged = tmp_path / "damaged.sqlite3"
    shutil.copyfile(path, damaged)
    damage_page(damaged, page_count(damaged, keys) - 2)
    with pytest.raises(BadBackup, match=r"endommagée|intégrité"):
        inspect_backup(damaged, keys)
    newer = tmp_path / "newer.sqlite3"
    shutil.copyfile(path, newer)
    conn = connect(newer, keys)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    with pytest.raises(BadBackup, match="plus récente"):
        inspect_backup(newer, keys)


def test_the_newest_good_backup_skips_damaged_ones(backed_up, clock: HandClock) -> None:  # type: ignore[no-untyped-def]
    svc, _visit_id, first = backed_up
    second = backups.backup_at_start(svc).path
    assert second is not None
    damage_page(second, page_count(second, svc.store.keys) - 2)
    found = newest_good_backup(svc.data_dir, svc.store.keys)
    assert found is not None and found.path == first


# --- restoring ----------------------------------------------------------------------------


def test_restore_puts_the_backup_back_and_keeps_the_current_database_aside(
    backed_up, clock: HandClock
) -> None:  # type: ignore[no-untyped-def]
    svc, visit_id, path = backed_up
    visits.update_visit(svc, visit_id, summary="Résumé après la sauvegarde")
    later_visit = plan(svc)
    data_dir, keys = svc.data_dir, svc.store.keys
    svc.close()
    before = digest(data_dir.database)

    result = restore_backup(data_dir, path, keys, reapply=False)

    assert result.set_aside is not None
    assert result.set_aside.parent == set_aside_folder(data_dir)
    assert "avant-restauration" in result.set_aside.name
    assert digest(result.set_aside) == before  # the replaced database, untouched
    assert rows(data_dir, "SELECT summary FROM visits WHERE id = ?", visit_id) == [
        ("Résumé avant la sauvegarde",)
    ]
    assert rows(data_dir, "SELECT id FROM visits WHERE id = ?", later_visit) == []
    assert path.exists()  # the backup stays in backups/
    store = open_store(data_dir)
    store.close()
    assert "restaurée" in result.describe()


def test_restore_brings_back_the_changes_not_yet_sent(backed_up, clock: HandClock) -> None:  # type: ignore[no-untyped-def]
    svc, visit_id, path = backed_up
    visits.update_visit(svc, visit_id, summary="Résumé après la sauvegarde")
    later_visit = plan(svc)
    note = notes.add_quick_note(svc, later_visit, "Tags sur le lavoir")
    data_dir, keys = svc.data_dir, svc.store.keys
    svc.close()

    result = restore_backup(data_dir, path, keys)

    assert result.reapplied.reapplied >= 3
    assert not result.reapplied.left_out
    assert rows(data_dir, "SELECT summary, pending FROM visits WHERE id = ?", visit_id) == [
        ("Résumé après la sauvegarde", 1)
    ]
    assert rows(data_dir, "SELECT text, pending FROM quick_notes WHERE id = ?", note.id) == [
        ("Tags sur le lavoir", 1)
    ]
    assert integrity_problems(data_dir.database, keys) == []


def test_restore_is_refused_while_the_database_is_open(backed_up) -> None:  # type: ignore[no-untyped-def]
    svc, visit_id, path = backed_up
    visits.get_visit(svc, visit_id)  # the engine keeps a connection open
    before = digest(svc.data_dir.database)
    with pytest.raises(DatabaseInUse, match="ouverte par un autre programme"):
        restore_backup(svc.data_dir, path, svc.store.keys)
    assert digest(svc.data_dir.database) == before
    assert not set_aside_folder(svc.data_dir).exists()


# --- a damaged database -------------------------------------------------------------------


def test_a_damaged_table_is_read_around_its_bad_page(
    data_dir: DataDir, communes, clock: HandClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    svc = Services.open(data_dir, clock=clock)
    visit_id = plan(svc)
    written = [
        notes.add_quick_note(svc, visit_id, f"Note {n} : " + "rodéos motorisés le soir " * 30).id
        for n in range(150)
    ]
    keys = svc.store.keys
    svc.close()
    bad_page = page_of(data_dir.database, keys, "quick_notes", tmp_path / "scratch.sqlite3")
    damage_page(data_dir.database, bad_page)

    salvage = read_pending(data_dir.database, keys)

    found = {row["id"] for row in salvage.tables["quick_notes"].rows}
    assert not salvage.tables["quick_notes"].complete
    assert salvage.tables["quick_notes"].lost_ranges >= 1
    assert found < set(written)
    assert len(found) >= len(written) - 8  # a 4 KiB page holds a few of these notes
    assert {row["id"] for row in salvage.tables["visits"].rows} == {visit_id}
    assert "quick_notes" in salvage.describe()


def test_a_damaged_database_is_recovered_from_the_newest_good_backup(
    backed_up, clock: HandClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    svc, visit_id, path = backed_up
    visits.update_visit(svc, visit_id, summary="Réunion avec la brigade fixée au 3 juin")
    follow = plan(svc, "Deuxième visite")
    written = [
        notes.add_quick_note(svc, follow, f"Note {n} : " + "éclairage rue des Lacs " * 30).id
        for n in range(150)
    ]
    gone = plan(svc)
    soft_delete(svc, "visit", gone)
    data_dir, keys = svc.data_dir, svc.store.keys
    svc.close()
    bad_page = page_of(data_dir.database, keys, "quick_notes", tmp_path / "scratch.sqlite3")
    damage_page(data_dir.database, bad_page)
    assert integrity_problems(data_dir.database, keys)
    damaged = digest(data_dir.database)

    offer = plan_recovery(data_dir, keys, "endommagée")
    assert offer.backup is not None and offer.backup.path == path
    assert len(written) - 8 <= offer.changes - 3 < len(written)  # 3: visits

    result = recover(data_dir, keys, offer)

    assert result.set_aside is not None and "endommagee" in result.set_aside.name
    assert digest(result.set_aside) == damaged  # kept as it was
    assert result.reapplied.reapplied == offer.changes
    assert integrity_problems(data_dir.database, keys) == []
    svc = Services.open(data_dir, clock=clock)
    try:
        assert visits.get_visit(svc, visit_id).summary == "Réunion avec la brigade fixée au 3 juin"
        assert visits.get_visit(svc, follow).summary == "Deuxième visite"
        kept = {n.id for n in notes.list_quick_notes(svc, follow)}
        assert len(kept) == offer.changes - 3
        assert kept < set(written)
    finally:
        svc.close()
    assert rows(data_dir, "SELECT deleted_at IS NOT NULL FROM visits WHERE id = ?", gone) == [(1,)]
    assert rows(data_dir, "SELECT count(*) FROM quick_notes WHERE pending = 0") == [(0,)]


def test_an_unreadable_first_page_still_gets_the_backup(backed_up) -> None:  # type: ignore[no-untyped-def]
    svc, visit_id, _path = backed_up
    plan(svc, "Après la sauvegarde")
    data_dir, keys = svc.data_dir, svc.store.keys
    svc.close()
    damage_page(data_dir.database, 1)
    with pytest.raises(CorruptDatabase):
        open_store(data_dir)

    offer = plan_recovery(data_dir, keys, "illisible")
    assert offer.backup is not None
    assert offer.changes == 0
    assert offer.salvage is not None and not offer.salvage.schema_readable
    assert "Rien n'a pu être lu" in offer.salvage.describe()
    result = recover(data_dir, keys, offer)
    assert "Rien n'a pu être lu" in result.describe()
    store = open_store(data_dir)
    store.close()
    assert rows(data_dir, "SELECT count(*) FROM visits") == [(1,)]
    assert rows(data_dir, "SELECT id FROM visits") == [(visit_id,)]


def test_without_any_backup_nothing_is_offered_and_nothing_moves(svc: Services) -> None:
    plan(svc)
    data_dir, keys = svc.data_dir, svc.store.keys
    svc.close()
    damage_page(data_dir.database, 1)
    before = digest(data_dir.database)
    offer = plan_recovery(data_dir, keys, "illisible")
    assert not offer.possible
    with pytest.raises(BadBackup):
        recover(data_dir, keys, offer)
    assert digest(data_dir.database) == before


def test_older_and_orphan_rows_are_not_reapplied(backed_up, clock: HandClock) -> None:  # type: ignore[no-untyped-def]
    svc, visit_id, path = backed_up
    keys = svc.store.keys
    (current,) = rows(svc.data_dir, "SELECT * FROM visits WHERE id = ?", visit_id)
    names = [r[1] for r in rows(svc.data_dir, "PRAGMA table_info(visits)")]
    row = dict(zip(names, current, strict=True))
    older = {**row, "summary": "ancienne version", "updated_at": "2020-01-01T00:00:00.000000+00:00"}
    orphan_note = {
        "id": "0193f1a2-0000-7000-8000-000000000001",
        "visit_id": "0193f1a2-0000-7000-8000-00000000dead",
        "text": "note d'une visite perdue",
        "noted_at": row["updated_at"],
        "moved_to": None,
        "created_at": row["updated_at"],
        "updated_at": row["updated_at"],
        "updated_by": row["updated_by"],
        "server_version": 0,
        "pending": 1,
        "deleted_at": None,
    }
    salvage = Salvage(path, True)
    salvage.tables["visits"] = TableSalvage("visits", [older])
    salvage.tables["quick_notes"] = TableSalvage("quick_notes", [orphan_note])
    target = svc.data_dir.root / "copie.sqlite3"
    shutil.copyfile(path, target)

    result = reapply_pending(target, keys, salvage)

    assert result.reapplied == 0 and result.older == 1
    assert result.left_out == [f"quick_notes {orphan_note['id']} : élément parent absent"]
    conn = connect(target, keys, readonly=True)
    try:
        assert conn.execute("SELECT summary FROM visits").fetchall() == [
            ("Résumé avant la sauvegarde",)
        ]
        assert conn.execute("SELECT count(*) FROM quick_notes").fetchone() == (0,)
    finally:
        conn.close()
