"""Backing up and restoring the server: every way a database goes back in time gives
it a new epoch, which laptops see on their next pull (the laptop side is in
tests/sync/test_sync_server_restore.py); the versions it lost are answered from what
it had at the restore.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from fieldvisit.server.app import create_app
from fieldvisit.server.cli import main as server_main
from fieldvisit.server.db import make_server_engine
from fieldvisit.server.testing import (
    add_user,
    change,
    fast_passwords,
    push_body,
    restore_server,
    snapshot_server,
    visit_fields,
)

PASSWORD = "mot-de-passe-solide"
Login = Callable[..., dict[str, str]]


def _page(client: TestClient, h: dict[str, str]) -> dict:
    return client.get("/api/v1/changes", headers=h).json()


def _push(client: TestClient, h: dict[str, str], *changes: dict) -> list[str]:
    body = push_body("dev-agent15", *changes)  # every test here pushes as agent15
    results = client.post("/api/v1/push", headers=h, json=body).json()["results"]
    return [r["status"] for r in results]


class Server:
    """A SQLite server whose app can be stopped and started again on the same files."""

    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "serveur.sqlite3"
        self.url = f"sqlite+pysqlite:///{self.path}"
        self.files = tmp_path / "server-files"
        self.app: FastAPI | None = None

    def start(self) -> TestClient:
        self.app = create_app(self.url, self.files, passwords=fast_passwords())
        return TestClient(self.app)

    def stop(self) -> None:
        assert self.app is not None
        self.app.state.ctx.db.close()
        self.app = None

    def login(self, client: TestClient, user: str = "agent15") -> dict[str, str]:
        body = {"username": user, "password": PASSWORD, "device_id": f"dev-{user}"}
        return {
            "Authorization": f"Bearer {client.post('/api/v1/login', json=body).json()['token']}"
        }


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Server:
    server = Server(tmp_path)
    server.start()
    assert server.app is not None
    ctx = server.app.state.ctx
    add_user(ctx.db, ctx.passwords, "agent15", PASSWORD, "agent", ("15",))
    server.stop()
    return server


def test_backup_then_restore_gives_a_new_epoch_and_keeps_the_database_aside(
    sqlite_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = sqlite_server
    client = server.start()
    h = server.login(client)
    assert _push(client, h, change("visits", "v1", visit_fields())) == ["accepted"]
    before = _page(client, h)
    backup = tmp_path / "sauvegardes" / "nuit.sqlite3"
    backup.parent.mkdir()
    assert server_main(["backup", "--db", server.url, str(backup)]) == 0
    assert "Sauvegarde écrite" in capsys.readouterr().err
    later = visit_fields(summary="Écrit après la sauvegarde")
    assert _push(client, h, change("visits", "v1", later, base=1)) == ["accepted"]
    assert _push(client, h, change("visits", "v2", visit_fields())) == ["accepted"]
    server.stop()

    assert server_main(["restore", "--db", server.url, str(backup)]) == 0
    said = capsys.readouterr().err
    assert "remise en place" in said and "renverront" in said
    [aside] = tmp_path.glob("serveur.avant-restauration-*.sqlite3")  # nothing is lost
    with make_server_engine(str(aside)).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM records")).scalar() == 2

    client = server.start()
    h = server.login(client)  # the token of before the backup still works
    page = _page(client, h)
    assert page["epoch"] != before["epoch"] and page["sequence"] == before["sequence"] == 1
    assert [r["id"] for r in page["records"]] == ["v1"]
    assert page["records"][0]["fields"]["summary"] == ""
    # Restarting keeps the epoch: the copy's mark was cleared by the restore.
    server.stop()
    client = server.start()
    assert _page(client, server.login(client))["epoch"] == page["epoch"]


def test_a_backup_copied_back_by_hand_changes_the_epoch_at_the_start(
    sqlite_server: Server, tmp_path: Path
) -> None:
    server = sqlite_server
    client = server.start()
    h = server.login(client)
    _push(client, h, change("visits", "v1", visit_fields()))
    epoch = _page(client, h)["epoch"]
    backup = tmp_path / "copie.sqlite3"
    assert server_main(["backup", "--db", server.url, str(backup)]) == 0
    server.stop()
    for suffix in ("-wal", "-shm"):
        Path(f"{server.path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, server.path)  # cp copie.sqlite3 serveur.sqlite3
    client = server.start()
    renewed = _page(client, server.login(client))["epoch"]
    assert renewed != epoch
    server.stop()
    client = server.start()
    assert _page(client, server.login(client))["epoch"] == renewed  # once


def test_bad_backups_and_postgresql_get_a_clear_answer(
    sqlite_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_server.url
    missing = tmp_path / "absente.sqlite3"
    assert server_main(["restore", "--db", url, str(missing)]) == 2
    assert "introuvable" in capsys.readouterr().err
    notes = tmp_path / "notes.txt"
    notes.write_text("pas une base de données " * 100, encoding="utf-8")
    assert server_main(["restore", "--db", url, str(notes)]) == 2
    assert "n'est pas une base SQLite lisible" in capsys.readouterr().err
    client_db = tmp_path / "autre.sqlite3"
    make_server_engine(str(client_db)).connect().execute(text("CREATE TABLE x (y)"))
    assert server_main(["restore", "--db", url, str(client_db)]) == 2
    assert "n'est pas une sauvegarde du serveur fieldvisit" in capsys.readouterr().err
    existing = tmp_path / "deja.sqlite3"
    existing.write_bytes(b"")
    assert server_main(["backup", "--db", url, str(existing)]) == 2
    assert "existe déjà" in capsys.readouterr().err
    pg = "postgresql+psycopg://fieldvisit@127.0.0.1/fieldvisit"
    assert server_main(["backup", "--db", pg, str(tmp_path / "x.dump")]) == 2
    assert "pg_dump" in capsys.readouterr().err
    assert server_main(["restore", "--db", pg, str(tmp_path / "x.dump")]) == 2
    said = capsys.readouterr().err
    assert "pg_restore" in said and "fieldvisit-server restored" in said


def test_restored_after_pg_restore_changes_the_epoch(
    db_url: str, client: TestClient, login_as: Login, capsys: pytest.CaptureFixture[str]
) -> None:
    h = login_as("agent15")
    epoch = _page(client, h)["epoch"]
    assert server_main(["restored", "--db", db_url]) == 0
    assert "nouvelle époque" in capsys.readouterr().err
    assert _page(client, h)["epoch"] != epoch


def test_a_database_behind_the_files_folders_mark_is_noticed_at_the_start(
    make_app: Callable[..., FastAPI],
) -> None:
    """pg_restore without `restored`: the server stopped cleanly at sequence 2 and
    starts on a database at sequence 1 with the same epoch."""
    app = make_app()
    ctx = app.state.ctx
    add_user(ctx.db, ctx.passwords, "agent15", PASSWORD, "agent", ("15",))
    with TestClient(app) as client:  # with its lifespan: a clean stop at the end
        body = {"username": "agent15", "password": PASSWORD, "device_id": "dev-agent15"}
        h = {"Authorization": f"Bearer {client.post('/api/v1/login', json=body).json()['token']}"}
        _push(client, h, change("visits", "v1", visit_fields()))
        backup = snapshot_server(ctx.db)
        _push(client, h, change("visits", "v2", visit_fields()))
        epoch = _page(client, h)["epoch"]
    restore_server(ctx.db, backup, renew=False)  # the rows only, as pg_restore does

    started = TestClient(make_app())
    page = _page(started, h)
    assert page["sequence"] == 1 and page["epoch"] != epoch
    again = TestClient(make_app())  # an ordinary restart changes nothing
    assert _page(again, h)["epoch"] == page["epoch"]


def test_lost_versions_are_based_on_the_version_the_server_had_at_the_restore(
    app: FastAPI, client: TestClient, login_as: Login
) -> None:
    h = login_as("agent15")
    _push(client, h, change("visits", "v1", visit_fields(summary="sauvegardé")))
    backup = snapshot_server(app.state.ctx.db)
    _push(client, h, change("visits", "v1", visit_fields(summary="perdu"), base=1))
    epoch = restore_server(app.state.ctx.db, backup)
    # After the restore a colleague changes it again: version 2 on the server, but
    # the laptop's version 2 ("perdu") is another one.
    _push(client, h, change("visits", "v1", visit_fields(summary="après"), base=1))
    held = [
        {"table": "visits", "id": "v1", "version": 2},
        {"table": "visits", "id": "absente", "version": 3},
    ]
    answer = client.post("/api/v1/lost-versions", headers=h, json={"epoch": epoch, "records": held})
    assert answer.status_code == 200, answer.text
    lost = answer.json()["records"]
    assert lost[0]["version"] == 1 and lost[0]["fields"]["summary"] == "sauvegardé"
    assert lost[1] == {
        "table": "visits",
        "id": "absente",
        "version": 0,
        "fields": None,
        "deleted": False,
    }
    # A version the server had at the restore is not lost.
    kept = {"epoch": epoch, "records": [{"table": "visits", "id": "v1", "version": 1}]}
    assert client.post("/api/v1/lost-versions", headers=h, json=kept).json()["records"] == []


def test_attachments_of_before_revision_0003_keep_their_readers_but_not_forged_ones(
    db_url: str, make_app: Callable[..., FastAPI]
) -> None:
    """The files a server already held: their first uploader holds them; a record of a
    territory the uploader could not write (the attack of before) serves nothing."""
    from alembic import command
    from alembic.config import Config

    import fieldvisit.server.db as server_db

    photo = b"\xff\xd8 photo de la mairie du Puy, avant la migration \xff\xd9"
    sha = hashlib.sha256(photo).hexdigest()
    app = make_app()  # users first, with the app's own password hashes
    ctx = app.state.ctx
    for name, role, territory in (
        ("agent15", "agent", "15"),
        ("agent43", "agent", "43"),
        ("coord43", "coordinateur", "43"),
    ):
        add_user(ctx.db, ctx.passwords, name, PASSWORD, role, (territory,))
    ctx.db.close()
    engine = make_server_engine(db_url)
    config = Config()
    config.set_main_option("script_location", str(Path(server_db.__file__).with_name("migrations")))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
        agent43 = connection.execute(text("SELECT id FROM users WHERE username = 'agent43'"))
        uploader = agent43.scalar()
        stamp = "2026-01-01 09:00:00.000000"
        connection.execute(
            text(
                "INSERT INTO blobs (sha256, size, received, complete, uploaded_by, created_at, "
                "completed_at) VALUES (:sha, :size, :size, :yes, :user, :stamp, :stamp)"
            ),
            {"sha": sha, "size": len(photo), "yes": True, "user": uploader, "stamp": stamp},
        )
        for record_id, territory in (("p43", "43"), ("p15", "15")):
            connection.execute(
                text(
                    "INSERT INTO records (table_name, record_id, version, seq, territory, "
                    "data, updated_at, updated_by, sha256) VALUES ('attachments', :id, 1, "
                    ":seq, :t, '{}', :stamp, 'vieil-appareil', :sha)"
                ),
                {
                    "id": record_id,
                    "seq": 1 if territory == "43" else 2,
                    "t": territory,
                    "stamp": stamp,
                    "sha": sha,
                },
            )
        connection.execute(text("UPDATE counters SET value = 2 WHERE name = 'seq'"))
    engine.dispose()
    app = make_app()  # migrates to 0003 and later
    objects = app.state.ctx.blobs.object_path(sha)
    objects.parent.mkdir(parents=True, exist_ok=True)
    objects.write_bytes(photo)
    client = TestClient(app)

    def login(user: str) -> dict[str, str]:
        body = {"username": user, "password": PASSWORD, "device_id": f"dev-{user}"}
        return {
            "Authorization": f"Bearer {client.post('/api/v1/login', json=body).json()['token']}"
        }

    url = f"/api/v1/attachments/{sha}/content"
    assert client.get(url, headers=login("agent43")).content == photo  # its uploader
    assert client.get(url, headers=login("coord43")).content == photo  # through p43
    assert client.get(url, headers=login("agent15")).status_code == 404  # p15: forged
