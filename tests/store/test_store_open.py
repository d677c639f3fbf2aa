"""Opening a data dir: creation, fast path, refusal of foreign, corrupt or newer files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from fieldvisit.paths import DataDir, DataDirError
from fieldvisit.store import CorruptDatabase, DatabaseTooNew, open_store
from fieldvisit.store import database as database_module
from fieldvisit.store.errors import MigrationFailed
from fieldvisit.store.schema_version import HEAD_REVISION, KNOWN_REVISIONS


def test_first_open_creates_schema_at_head_with_a_device_id(data_dir: DataDir) -> None:
    store = open_store(data_dir)
    with store.reading() as session:
        version = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        tables = set(session.execute(text("SELECT name FROM sqlite_master")).scalars())
    store.close()
    assert version == HEAD_REVISION
    assert {"visits", "answers", "recommendations", "attachments", "quick_notes"} <= tables
    assert len(store.device_id) == 36
    assert open_store(data_dir).device_id == store.device_id


def test_connections_use_wal_and_foreign_keys(data_dir: DataDir) -> None:
    store = open_store(data_dir)
    with store.reading() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    store.close()


def test_opening_an_up_to_date_database_does_not_import_alembic(data_dir: DataDir) -> None:
    open_store(data_dir).close()
    code = (
        "import sys; from pathlib import Path; from fieldvisit.paths import DataDir;"
        "from fieldvisit.store import open_store;"
        f"open_store(DataDir(Path({str(data_dir.root)!r}))).close();"
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_known_revisions_match_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option(
        "script_location", str(Path(database_module.__file__).with_name("migrations"))
    )
    scripts = ScriptDirectory.from_config(config)
    chain = [rev.revision for rev in scripts.walk_revisions()][::-1]
    assert tuple(chain) == KNOWN_REVISIONS
    assert scripts.get_current_head() == HEAD_REVISION


def test_models_and_migrations_describe_the_same_schema(data_dir: DataDir) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from fieldvisit.store.models import Base

    store = open_store(data_dir)
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    store.close()
    assert diff == []


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_a_file_that_is_not_sqlite_is_refused_untouched(data_dir: DataDir) -> None:
    data_dir.ensure()
    data_dir.database.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 10)
    before = _bytes(data_dir.database)
    with pytest.raises(CorruptDatabase, match="n'est pas une base de données SQLite"):
        open_store(data_dir)
    assert _bytes(data_dir.database) == before
    assert not data_dir.key_file.exists()


def test_a_damaged_encrypted_database_is_refused_untouched(data_dir: DataDir) -> None:
    open_store(data_dir).close()
    raw = bytearray(_bytes(data_dir.database))
    raw[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page
    data_dir.database.write_bytes(bytes(raw))
    with pytest.raises(CorruptDatabase, match="ne s'ouvre pas avec la clé"):
        open_store(data_dir)
    assert _bytes(data_dir.database) == bytes(raw)


def test_a_damaged_plain_sqlite_file_is_refused_untouched(data_dir: DataDir) -> None:
    data_dir.ensure()
    conn = sqlite3.connect(data_dir.database)
    conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
    conn.commit()
    conn.close()
    raw = bytearray(_bytes(data_dir.database))
    raw[100:] = b"\xff" * (len(raw) - 100)
    data_dir.database.write_bytes(bytes(raw))
    with pytest.raises(CorruptDatabase):
        open_store(data_dir)
    assert _bytes(data_dir.database) == bytes(raw)
    assert not data_dir.key_file.exists()  # nothing written, not even a key


def test_another_programs_sqlite_database_is_refused_untouched(data_dir: DataDir) -> None:
    data_dir.ensure()
    conn = sqlite3.connect(data_dir.database)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    before = _bytes(data_dir.database)
    with pytest.raises(CorruptDatabase, match="pas été créée par fieldvisit"):
        open_store(data_dir)
    assert _bytes(data_dir.database) == before
    assert not data_dir.key_file.exists()


def _set_revision(data_dir: DataDir, revision: str) -> None:
    store = open_store(data_dir)
    conn = store.raw_connection()
    conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.commit()
    conn.close()
    store.close()


def test_a_database_from_a_newer_app_is_refused_untouched(data_dir: DataDir) -> None:
    _set_revision(data_dir, "9999")
    before = _bytes(data_dir.database)
    with pytest.raises(DatabaseTooNew, match="version plus récente"):
        open_store(data_dir)
    assert _bytes(data_dir.database) == before


def test_a_failed_migration_leaves_the_file_untouched_and_a_backup(
    data_dir: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_revision(data_dir, "0000")
    before = _bytes(data_dir.database)
    # Pretend '0000' is an old revision this app knows: Alembic cannot migrate from it.
    monkeypatch.setattr(database_module, "KNOWN_REVISIONS", ("0000", *KNOWN_REVISIONS))
    with pytest.raises(MigrationFailed, match="n'a pas été modifiée"):
        open_store(data_dir)
    assert _bytes(data_dir.database) == before
    backups = list(data_dir.backups.glob("*avant-migration-0000*"))
    assert len(backups) == 1
    assert not list(data_dir.root.glob("*.migrating"))


def test_an_unusable_data_dir_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DataDirError, match="n'est pas utilisable"):
        open_store(DataDir(blocker / "data"))
