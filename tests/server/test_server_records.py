"""Push and pull: versions, idempotent batches, conflicts, tombstones, scoping rules."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

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


def _push(client: TestClient, headers: dict[str, str], device: str, *changes: dict) -> list[dict]:
    answer = client.post("/api/v1/push", headers=headers, json=push_body(device, *changes))
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def _pull(client: TestClient, headers: dict[str, str], after: int = 0, limit: int = 500) -> dict:
    answer = client.get(f"/api/v1/changes?after={after}&limit={limit}", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_new_record_then_update_with_right_base_then_conflict_with_stale_base(
    client: TestClient, login_as: Login
) -> None:
    h = login_as("agent15")
    [first] = _push(client, h, "dev-agent15", change("visits", "v1", visit_fields()))
    assert first["status"] == "accepted" and first["version"] == 1
    [second] = _push(
        client, h, "dev-agent15", change("visits", "v1", visit_fields(summary="a"), base=1)
    )
    assert second == {**second, "status": "accepted", "version": 2}
    [stale] = _push(
        client, h, "dev-agent15", change("visits", "v1", visit_fields(summary="b"), base=1)
    )
    assert stale["status"] == "conflict"
    assert stale["current"]["version"] == 2
    assert stale["current"]["fields"]["summary"] == "a"


def test_same_natural_key_created_on_two_devices_conflicts_instead_of_duplicating(
    client: TestClient, login_as: Login
) -> None:
    h = login_as("agent15")
    _push(client, h, "dev-agent15", change("visits", "v1", visit_fields()))
    _push(client, h, "dev-agent15", keyed("answers", answer_fields("v1", value="oui")))
    [other] = _push(client, h, "dev-agent15", keyed("answers", answer_fields("v1", value="non")))
    assert other["status"] == "conflict"
    page = _pull(client, h)
    assert [r["id"] for r in page["records"]].count(natural("answers", answer_fields("v1"))) == 1


def test_replayed_batch_gets_the_same_answer_and_changes_nothing(
    client: TestClient, login_as: Login
) -> None:
    h = login_as("agent15")
    body = push_body("dev-agent15", change("visits", "v1", visit_fields()))
    first = client.post("/api/v1/push", headers=h, json=body).json()
    again = client.post("/api/v1/push", headers=h, json=body).json()
    assert again["replayed"] is True
    assert again["results"] == first["results"]
    page = _pull(client, h)
    assert len(page["records"]) == 1 and page["records"][0]["version"] == 1


def test_a_batch_id_reused_for_other_content_is_refused(
    client: TestClient, login_as: Login
) -> None:
    h = login_as("agent15")
    body = push_body("dev-agent15", change("visits", "v1", visit_fields()), batch_id="b-1")
    client.post("/api/v1/push", headers=h, json=body)
    other = push_body("dev-agent15", change("visits", "v2", visit_fields()), batch_id="b-1")
    answer = client.post("/api/v1/push", headers=h, json=other)
    assert answer.status_code == 409 and "déjà utilisé" in answer.json()["detail"]


def test_pull_pages_follow_the_cursor_and_only_show_the_last_version(
    client: TestClient, login_as: Login
) -> None:
    h = login_as("agent15")
    _push(client, h, "dev-agent15", *[change("visits", f"v{i}", visit_fields()) for i in range(5)])
    _push(client, h, "dev-agent15", change("visits", "v0", visit_fields(summary="x"), base=1))
    first = _pull(client, h, limit=2)
    assert first["has_more"] and [r["id"] for r in first["records"]] == ["v1", "v2"]
    rest = _pull(client, h, after=first["next_cursor"], limit=10)
    assert [r["id"] for r in rest["records"]] == ["v3", "v4", "v0"]
    assert not rest["has_more"]
    assert _pull(client, h, after=rest["next_cursor"])["records"] == []


def test_tombstones_are_pulled_and_an_undelete_is_an_edit(
    client: TestClient, login_as: Login
) -> None:
    h = login_as("agent15")
    _push(client, h, "dev-agent15", change("visits", "v1", visit_fields()))
    [gone] = _push(
        client, h, "dev-agent15", change("visits", "v1", visit_fields(), base=1, deleted=True)
    )
    assert gone["version"] == 2
    record = _pull(client, h)["records"][0]
    assert record["deleted_at"] is not None
    [back] = _push(client, h, "dev-agent15", change("visits", "v1", visit_fields(), base=2))
    assert back["version"] == 3
    assert _pull(client, h)["records"][0]["deleted_at"] is None


def test_unchanged_push_does_not_make_a_new_version(client: TestClient, login_as: Login) -> None:
    h = login_as("agent15")
    _push(client, h, "dev-agent15", change("visits", "v1", visit_fields()))
    [same] = _push(client, h, "dev-agent15", change("visits", "v1", visit_fields(), base=1))
    assert same["status"] == "accepted" and same["version"] == 1


def test_invalid_records_are_rejected_one_by_one(client: TestClient, login_as: Login) -> None:
    h = login_as("agent15")
    bad_date = visit_fields(visit_date="14/03/2026")
    results = _push(
        client,
        h,
        "dev-agent15",
        change("visits", "v1", visit_fields()),
        change("visits", "v2", bad_date),
        change("visits", "v3", {"summary": "x"}),
        keyed("answers", answer_fields("inconnue")),
    )
    assert [r["status"] for r in results] == ["accepted", "rejected", "rejected", "rejected"]
    assert "visit_date" in results[1]["reason"]
    assert "champs manquants" in results[2]["reason"]
    assert "inconnu du serveur" in results[3]["reason"]


def test_a_visit_cannot_move_to_another_departement(client: TestClient, login_as: Login) -> None:
    h = login_as("admin")
    _push(client, h, "dev-admin", change("visits", "v1", visit_fields()))
    [moved] = _push(
        client,
        h,
        "dev-admin",
        change("visits", "v1", visit_fields("43", "43157"), base=1),
    )
    assert moved["status"] == "rejected" and "ne peut pas changer" in moved["reason"]


def test_children_take_the_territory_of_their_visit(client: TestClient, login_as: Login) -> None:
    admin = login_as("admin")
    _push(client, admin, "dev-admin", change("visits", "v43", visit_fields("43", "43157")))
    _push(client, admin, "dev-admin", keyed("answers", answer_fields("v43")))
    agent15 = login_as("agent15")
    agent43 = login_as("agent43")
    assert _pull(client, agent15)["records"] == []
    a43 = natural("answers", answer_fields("v43"))
    assert [r["id"] for r in _pull(client, agent43)["records"]] == ["v43", a43]
    [refused] = _push(client, agent15, "dev-agent15", keyed("answers", answer_fields("v43"), 1))
    assert refused["status"] == "rejected"
    assert "territoire" in refused["reason"]


def test_a_contact_met_in_another_territory_becomes_visible_there(
    client: TestClient, login_as: Login
) -> None:
    agent15 = login_as("agent15")
    coord = login_as("coord43")  # territories 15 and 43
    agent43 = login_as("agent43")
    _push(client, agent15, "dev-agent15", change("contacts", "c15", contact_fields("15187")))
    _push(client, coord, "dev-coord43", change("visits", "v43", visit_fields("43", "43157")))
    cursor = _pull(client, agent43)["next_cursor"]
    [linked] = _push(
        client,
        coord,
        "dev-coord43",
        keyed("visit_participants", participant_fields("v43", "c15")),
    )
    assert linked["status"] == "accepted"
    ids = [r["id"] for r in _pull(client, agent43, after=cursor)["records"]]
    p1 = natural("visit_participants", participant_fields("v43", "c15"))
    assert sorted(ids) == sorted(["c15", p1])  # the contact comes along with its participant


def test_a_contact_from_elsewhere_cannot_be_linked_to_gain_access(
    client: TestClient, login_as: Login
) -> None:
    agent15 = login_as("agent15")
    agent43 = login_as("agent43")
    _push(client, agent15, "dev-agent15", change("contacts", "c15", contact_fields("15187")))
    _push(client, agent43, "dev-agent43", change("visits", "v43", visit_fields("43", "43157")))
    [refused] = _push(
        client,
        agent43,
        "dev-agent43",
        keyed("visit_participants", participant_fields("v43", "c15")),
    )
    assert refused["status"] == "rejected" and "hors de vos territoires" in refused["reason"]


def test_contact_without_commune_belongs_to_its_creator_territory(
    client: TestClient, login_as: Login
) -> None:
    agent43 = login_as("agent43")
    [ok] = _push(client, agent43, "dev-agent43", change("contacts", "c", contact_fields(None)))
    assert ok["status"] == "accepted"
    assert [r["id"] for r in _pull(client, agent43)["records"]] == ["c"]
    assert _pull(client, login_as("agent15"))["records"] == []


def test_server_restart_between_pull_and_push_keeps_everything(
    make_app: Callable[..., FastAPI], app: FastAPI, login_as: Login
) -> None:
    client = TestClient(app)
    h = login_as("agent15")
    _push(client, h, "dev-agent15", change("visits", "v1", visit_fields()))
    cursor = _pull(client, h)["next_cursor"]
    restarted = TestClient(make_app())  # same database, new process state
    [ok] = _push(
        restarted, h, "dev-agent15", change("visits", "v1", visit_fields(summary="s"), base=1)
    )
    assert ok["version"] == 2
    assert [r["id"] for r in _pull(restarted, h, after=cursor)["records"]] == ["v1"]


def test_push_from_another_device_than_the_token_is_refused(
    client: TestClient, login_as: Login
) -> None:
    h = login_as("agent15")
    answer = client.post(
        "/api/v1/push", headers=h, json=push_body("autre", change("visits", "v", visit_fields()))
    )
    assert answer.status_code == 403


def test_the_spliced_page_json_is_the_page_document(
    app: FastAPI, client: TestClient, login_as: Login
) -> None:
    from fieldvisit.server.records import pull_page
    from fieldvisit.server.scoping import Principal
    from fieldvisit.sync.wire import PullPage

    h = login_as("admin")
    _push(client, h, "dev-admin", change("visits", "v1", visit_fields(summary="« é »\n")))
    _push(client, h, "dev-admin", change("visits", "v1", visit_fields(), base=1, deleted=True))
    who = Principal(1, "admin", "admin", frozenset(), 1, "dev-admin")
    with app.state.ctx.db.reading() as session:
        page = pull_page(session, who, 0, 10)
    assert PullPage.model_validate_json(page.json()) == PullPage.model_validate(
        page.model().model_dump()
    )
