"""Helpers for tests and benchmarks: fast password hashes, users, a PostgreSQL schema,
crafted push bodies, and a server snapshot to restore later (a restore from a backup).

Not used by the server itself. Cheap argon2id parameters keep test logins fast; the
real server always uses argon2-cffi's defaults.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fieldvisit.core.clock import utc_now
from fieldvisit.server.auth import Passwords
from fieldvisit.server.db import Database
from fieldvisit.server.models import User

ENV_TEST_PG_URL = "FIELDVISIT_TEST_PG_URL"


def fast_passwords() -> Passwords:
    return Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def add_user(
    db: Database,
    passwords: Passwords,
    username: str,
    password: str,
    role: str = "agent",
    territories: tuple[str, ...] = ("15",),
) -> None:
    with db.transaction() as session:
        session.add(
            User(
                username=username,
                password_hash=passwords.hash(password),
                role=role,
                territories=",".join(territories),
                created_at=utc_now(),
                disabled=False,
            )
        )


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A fresh schema in the PostgreSQL database of base_url; yields a URL that uses it."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


STAMP = "2026-03-14T09:00:00.000000+00:00"


def visit_fields(departement: str = "15", commune_code: str = "15187", **extra: object) -> dict:
    fields: dict[str, object] = {
        "commune_code": commune_code,
        "commune_name": "Commune",
        "departement": departement,
        "visit_date": "2026-03-14",
        "visit_type": "premiere",
        "status": "planifiee",
        "author": "",
        "summary": "",
        "previous_visit_id": None,
        "checklist_form_id": None,
        "checklist_form_version": None,
        "diagnostic_form_id": None,
        "diagnostic_form_version": None,
        "created_at": STAMP,
    }
    fields.update(extra)
    return fields


def answer_fields(visit_id: str, item_id: str = "item", value: object = "oui") -> dict:
    return {
        "visit_id": visit_id,
        "form_id": "visite-centre-bourg",
        "item_id": item_id,
        "value": value,
        "comment": "",
        "created_at": STAMP,
    }


def contact_fields(commune_code: str | None = "15187", name: str = "Mme Maire") -> dict:
    return {
        "name": name,
        "role": "maire",
        "organisation": "",
        "phone": None,
        "email": None,
        "commune_code": commune_code,
        "created_at": STAMP,
    }


def participant_fields(visit_id: str, contact_id: str) -> dict:
    return {"visit_id": visit_id, "contact_id": contact_id, "created_at": STAMP}


def attachment_fields(visit_id: str, sha256: str, size: int) -> dict:
    return {
        "visit_id": visit_id,
        "sha256": sha256,
        "filename": "photo.jpg",
        "media_type": "image/jpeg",
        "size": size,
        "caption": "",
        "form_id": None,
        "item_id": None,
        "created_at": STAMP,
    }


def interview_fields(visit_id: str, form_id: str = "entretien-elu") -> dict:
    return {
        "visit_id": visit_id,
        "form_id": form_id,
        "form_version": 1,
        "title": "Entretien",
        "held_on": None,
        "notes": "",
        "created_at": STAMP,
    }


def interviewee_fields(interview_id: str, contact_id: str) -> dict:
    return {"interview_id": interview_id, "contact_id": contact_id, "created_at": STAMP}


def interview_answer_fields(
    interview_id: str, item_id: str = "item", value: object = "oui"
) -> dict:
    return {
        "interview_id": interview_id,
        "item_id": item_id,
        "value": value,
        "comment": "",
        "created_at": STAMP,
    }


def rating_fields(visit_id: str, theme_id: str = "theme", level: int | None = 2) -> dict:
    return {
        "visit_id": visit_id,
        "theme_id": theme_id,
        "level": level,
        "observations": "",
        "created_at": STAMP,
    }


def recommendation_fields(visit_id: str, **extra: object) -> dict:
    fields: dict[str, object] = {
        "visit_id": visit_id,
        "text": "Installer l'éclairage du parking",
        "theme_id": None,
        "priority": 2,
        "horizon": "court",
        "porteur": "commune",
        "dispositif": "aucun",
        "due_date": None,
        "status": "a_engager",
        "carried_from_id": None,
        "created_at": STAMP,
    }
    fields.update(extra)
    return fields


def observation_fields(visit_id: str, **extra: object) -> dict:
    """An observation of the walk (« Points d'attention »)."""
    fields: dict[str, object] = {
        "visit_id": visit_id,
        "category": "eclairage",
        "place": "Rue du Marché",
        "severity": "moyenne",
        "comment": "",
        "action_id": None,
        "pin": None,
        "created_at": STAMP,
    }
    return {**fields, **extra}


def signature_fields(visit_id: str, role: str = "maire", **extra: object) -> dict:
    """A signature drawn on screen (one per visit and role: its id is natural)."""
    fields: dict[str, object] = {
        "visit_id": visit_id,
        "role": role,
        "name": "Jeanne Martin",
        "signed_at": STAMP,
        "strokes": [[[0.1, 0.5], [0.5, 0.2], [0.9, 0.7]]],
        "created_at": STAMP,
    }
    return {**fields, **extra}


def occurrence_fields(visit_id: str, group_id: str = "locaux", **extra: object) -> dict:
    """An occurrence of a form's repeatable group."""
    fields: dict[str, object] = {
        "visit_id": visit_id,
        "form_id": "test-checklist",
        "group_id": group_id,
        "created_at": STAMP,
    }
    return {**fields, **extra}


def occurrence_answer_fields(
    occurrence_id: str, visit_id: str, item_id: str = "local_nom", value: object = "Poste"
) -> dict:
    """The answer to one item of an occurrence (a natural key: see `keyed`)."""
    return {
        "occurrence_id": occurrence_id,
        "visit_id": visit_id,
        "item_id": item_id,
        "value": value,
        "created_at": STAMP,
    }


def note_fields(visit_id: str, moved_to: str | None = None) -> dict:
    return {
        "visit_id": visit_id,
        "text": "Note",
        "noted_at": STAMP,
        "moved_to": moved_to,
        "created_at": STAMP,
    }


def push_body(device: str, *changes: dict, batch_id: str | None = None) -> dict:
    """A push request's JSON (a fresh batch id unless given)."""
    return {
        "batch_id": batch_id or str(uuid.uuid4()),
        "device_id": device,
        "changes": list(changes),
    }


def change(table: str, record_id: str, fields: dict, base: int = 0, deleted: bool = False) -> dict:
    return {
        "table": table,
        "id": record_id,
        "base_version": base,
        "fields": fields,
        "deleted": deleted,
    }


def natural(table: str, fields: dict) -> str:
    """The id of a record with a natural key (an answer, a participant…), as the app
    makes it and the server requires it (`wire.NATURAL_KEYS`)."""
    from fieldvisit.sync.wire import natural_record_id

    record_id = natural_record_id(table, fields)
    if record_id is None:
        raise ValueError(f"{table} has no natural key")
    return record_id


def keyed(table: str, fields: dict, base: int = 0, deleted: bool = False) -> dict:
    """A change of a natural-key record under its natural id."""
    return change(table, natural(table, fields), fields, base, deleted)


def server_snapshot(db: Database) -> dict[tuple[str, str], tuple[dict, bool]]:
    """Every record the server holds: (table, id) -> (fields, deleted)."""
    import json

    from sqlalchemy import select

    from fieldvisit.server.models import Record

    with db.reading() as session:
        return {
            (r.table_name, r.record_id): (json.loads(r.data), r.deleted_at is not None)
            for r in session.scalars(select(Record))
        }


def plant_record(
    db: Database, table: str, record_id: str, fields: dict, territory: str = "15"
) -> None:
    """A record as an older (or faulty) server accepted it, unchecked: written straight
    into the server's database with the next sequence number. Laptops must cope."""
    import json
    from datetime import UTC, datetime

    from sqlalchemy import select

    from fieldvisit.server.models import Counter, Record

    with db.transaction() as session:
        counter = session.get(Counter, "seq")
        assert counter is not None
        counter.value += 1
        row = session.scalars(
            select(Record).where(Record.table_name == table, Record.record_id == record_id)
        ).first()
        if row is None:
            row = Record(
                table_name=table,
                record_id=record_id,
                version=0,
                territory=territory,
                updated_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
                updated_by="ancien-serveur",
                updated_by_user="agent15",
            )
            session.add(row)
        row.version += 1
        row.seq = counter.value
        row.data = json.dumps(fields)


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run app under a real uvicorn on 127.0.0.1 (a free port) in a thread; yields its URL.

    Real sockets without a separate process: tests can cut connections half-way and
    still inspect the app's database.
    """
    import threading

    import uvicorn

    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_config=None,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)  # signals stay with the main thread
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@dataclass(frozen=True)
class ServerBackup:
    """Every row of every server table at one moment (see `snapshot_server`)."""

    rows: dict[str, list[dict[str, Any]]]


def _server_tables() -> list[Any]:
    # Every module that declares server tables, so that the metadata knows them all.
    from fieldvisit.server import blobs, epoch, history, models  # noqa: F401

    return list(models.Base.metadata.sorted_tables)


def snapshot_server(db: Database) -> ServerBackup:
    """A backup of the server's database, taken while it runs (one read transaction),
    on SQLite or PostgreSQL alike. The attachments folder is not part of it, as in
    the real procedure (it only grows)."""
    from sqlalchemy import select

    with db.reading() as session:
        return ServerBackup(
            {
                table.name: [dict(row._mapping) for row in session.execute(select(table))]
                for table in _server_tables()
            }
        )


def restore_server(
    db: Database, backup: ServerBackup, now: Any = None, *, renew: bool = True
) -> str:
    """Put a snapshot back in place of the database, as `fieldvisit-server restore`
    does (and `restored` after pg_restore): same rows, then a new epoch, so that laptops
    notice. The server keeps running on it; devices logged in after the snapshot must
    log in again, as after a real restore. `renew=False`: the rows only, as a copy put
    back by hand (laptops then notice by their cursors, a restart by the files
    folder's mark). Returns the epoch."""
    from sqlalchemy import delete, insert

    from fieldvisit.server import epoch

    tables = _server_tables()
    with db.transaction() as session:
        for table in reversed(tables):
            session.execute(delete(table))
        for table in tables:
            rows = backup.rows.get(table.name, [])
            if rows:
                session.execute(insert(table), rows)
        if not renew:
            return epoch.current_epoch(session)
        return epoch.renew(session, now or utc_now())


def push_as(client: Any, headers: dict[str, str], *changes: dict) -> list[dict]:
    """Push `changes` as the account of `headers` from its laptop « dev-<username> »
    (a FastAPI TestClient); the per-record results of an accepted batch."""
    device = "dev-" + client.get("/api/v1/me", headers=headers).json()["username"]
    answer = client.post("/api/v1/push", headers=headers, json=push_body(device, *changes))
    assert answer.status_code == 200, answer.text
    return list(answer.json()["results"])


def pulled_by_id(client: Any, headers: dict[str, str]) -> dict[str, dict]:
    """Every record the account of `headers` pulls (up to 1,000), by id."""
    records = client.get("/api/v1/changes?limit=1000", headers=headers).json()["records"]
    return {r["id"]: r for r in records}
