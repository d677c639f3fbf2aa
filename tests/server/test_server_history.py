"""The server keeps every version a push replaces and shows it to those who may read it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from fieldvisit.server.db import make_server_engine
from fieldvisit.server.testing import (
    answer_fields,
    change,
    contact_fields,
    keyed,
    natural,
    participant_fields,
    push_body,
    visit_fields,
)

Login = Callable[..., dict[str, str]]
A1 = natural("answers", answer_fields("v1"))


def _push(client: TestClient, headers: dict[str, str], device: str, *changes: dict) -> list[Any]:
    answer = client.post("/api/v1/push", headers=headers, json=push_body(device, *changes))
    assert answer.status_code == 200, answer.text
    return [(r["status"], r.get("version")) for r in answer.json()["results"]]


def _history(client: TestClient, headers: dict[str, str], table: str, record_id: str) -> Any:
    return client.get(f"/api/v1/records/{table}/{record_id}/history", headers=headers)


def test_each_replaced_version_is_kept_with_who_replaced_it(
    client: TestClient, login_as: Login
) -> None:
    agent = login_as("agent15")
    coord = login_as("coord15")
    visit = change("visits", "v1", visit_fields("15"))
    assert _push(client, agent, "dev-agent15", visit, change("answers", A1, answer_fields("v1")))
    assert _push(
        client, coord, "dev-coord15", change("answers", A1, answer_fields("v1", value="non"), 1)
    ) == [("accepted", 2)]
    # Identical to the stored version: accepted, no new version, nothing to keep.
    same = change("answers", A1, answer_fields("v1", value="non"), 2)
    assert _push(client, coord, "dev-coord15", same) == [("accepted", 2)]
    # A stale base: a conflict, nothing replaced.
    stale = change("answers", A1, answer_fields("v1", value="na"), 1)
    assert _push(client, agent, "dev-agent15", stale) == [("conflict", None)]
    gone = change("answers", A1, answer_fields("v1", value="non"), 2, deleted=True)
    assert _push(client, agent, "dev-agent15", gone) == [("accepted", 3)]

    shown = _history(client, agent, "answers", A1).json()
    assert (shown["current_version"], shown["updated_by_user"]) == (3, "agent15")
    versions = shown["versions"]
    assert [
        (v["version"], v["fields"]["value"], v["deleted_at"], v["updated_by_user"])
        for v in versions
    ] == [(2, "non", None, "coord15"), (1, "oui", None, "agent15")]
    assert [(v["replaced_by_user"], v["replaced_by_device"]) for v in versions] == [
        ("agent15", "dev-agent15"),
        ("coord15", "dev-coord15"),
    ]
    assert versions[0]["replaced_at"] >= versions[1]["replaced_at"]
    # The newest two only, when asked.
    limited = client.get(
        f"/api/v1/records/answers/{A1}/history", params={"limit": 1}, headers=agent
    ).json()
    assert [v["version"] for v in limited["versions"]] == [2]


def test_pulled_records_say_which_account_pushed_them(client: TestClient, login_as: Login) -> None:
    agent = login_as("agent15")
    _push(client, agent, "dev-agent15", change("visits", "v1", visit_fields("15")))
    records = client.get("/api/v1/changes", headers=login_as("coord15")).json()["records"]
    assert [(r["id"], r["updated_by"], r["updated_by_user"]) for r in records] == [
        ("v1", "dev-agent15", "agent15")
    ]


def test_the_history_is_scoped_like_the_record(client: TestClient, login_as: Login) -> None:
    agent15, agent43 = login_as("agent15"), login_as("agent43")
    # A contact of the Cantal, met during a visit in the Haute-Loire: granted there too.
    assert _push(
        client, agent15, "dev-agent15", change("contacts", "c1", contact_fields("15187"))
    ) == [("accepted", 1)]
    renamed = change("contacts", "c1", contact_fields("15187", name="Mme la Maire"), 1)
    _push(client, agent15, "dev-agent15", renamed)
    assert _history(client, agent43, "contacts", "c1").status_code == 404
    _push(
        client,
        login_as("coord43"),
        "dev-coord43",
        change("visits", "v43", visit_fields("43", "43157")),
        keyed("visit_participants", participant_fields("v43", "c1")),
    )
    names = [
        v["fields"]["name"] for v in _history(client, agent43, "contacts", "c1").json()["versions"]
    ]
    assert names == ["Mme Maire"]
    # Unknown and malformed addresses: French refusals, never a server error.
    missing = _history(client, agent15, "answers", "absent")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert _history(client, agent15, "utilisateurs", "c1").status_code == 422
    assert _history(client, agent15, "contacts", "c 1").status_code == 422
    assert (
        client.get("/api/v1/records/contacts/c1/history?limit=0", headers=agent15).status_code
        == 422
    )
    assert client.get("/api/v1/records/contacts/c1/history?x=1", headers=agent15).status_code == 422


def test_a_server_database_of_revision_0001_gets_the_history(
    db_url: str, tmp_path: Path, make_app: Callable[..., FastAPI]
) -> None:
    """Records written before the history existed keep working: empty account, no versions."""
    from alembic import command
    from alembic.config import Config

    import fieldvisit.server.db as server_db

    engine = make_server_engine(db_url)
    config = Config()
    config.set_main_option("script_location", str(Path(server_db.__file__).with_name("migrations")))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO records (table_name, record_id, version, seq, territory, data, "
                "updated_at, updated_by) VALUES ('visits', 'ancienne', 1, 1, '15', :data, "
                ":stamp, 'vieil-appareil')"
            ),
            {"data": '{"summary": "avant"}', "stamp": "2026-01-01 09:00:00.000000"},
        )
        connection.execute(text("UPDATE counters SET value = 1 WHERE name = 'seq'"))
    engine.dispose()

    app = make_app()  # migrates to the newest revision
    from fieldvisit.server.testing import add_user

    add_user(app.state.ctx.db, app.state.ctx.passwords, "admin", "mot-de-passe-solide", "admin", ())
    client = TestClient(app)
    token = client.post(
        "/api/v1/login",
        json={"username": "admin", "password": "mot-de-passe-solide", "device_id": "d"},
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    record = client.get("/api/v1/changes", headers=headers).json()["records"][0]
    assert (record["id"], record["updated_by_user"]) == ("ancienne", "")
    shown = _history(client, headers, "visits", "ancienne").json()
    assert (shown["current_version"], shown["versions"]) == (1, [])
