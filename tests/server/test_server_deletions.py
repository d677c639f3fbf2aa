"""The server never holds a live record under a deleted parent (server/deletions.py).

Crafted pushes: a live record under a deleted visit is refused (`parent_deleted`), the
deletion of a visit whose records changed since the deleting laptop saw them is
refused (`children_changed`), and a deletion that comes in one batch is applied whole
or not at all. Both codes are retried after a pull.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from fieldvisit.server.testing import (
    answer_fields,
    change,
    natural,
    push_body,
    server_snapshot,
    visit_fields,
)
from fieldvisit.sync.wire import RETRY_LATER_CODES

Login = Callable[..., dict[str, str]]
DEVICE = "dev-agent15"
# Answers carry their natural-key ids (the server refuses any other).
ID = {f"a{n}": natural("answers", answer_fields("v1", f"item{n}")) for n in (1, 2, 3)}
NAME = {record_id: name for name, record_id in ID.items()}


def _push(client: TestClient, headers: dict[str, str], *changes: dict) -> list[dict]:
    answer = client.post("/api/v1/push", headers=headers, json=push_body(DEVICE, *changes))
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def _deleted(fields: dict, deletion: str | None) -> dict:
    return {**fields, "deletion_id": deletion}


def _visit_with_answers(client: TestClient, h: dict[str, str]) -> None:
    _push(
        client,
        h,
        change("visits", "v1", visit_fields()),
        change("answers", ID["a1"], answer_fields("v1", "item1")),
        change("answers", ID["a2"], answer_fields("v1", "item2")),
    )


def _deletion(*, a1_base: int = 1, deletion: str = "d-1") -> list[dict]:
    """The deletion of v1 as a laptop sends it: children first, one deletion id."""
    return [
        change(
            "answers", ID["a1"], _deleted(answer_fields("v1", "item1"), deletion), a1_base, True
        ),
        change("answers", ID["a2"], _deleted(answer_fields("v1", "item2"), deletion), 1, True),
        change("visits", "v1", _deleted(visit_fields(), deletion), 1, True),
    ]


def _state(app: FastAPI) -> dict[str, bool]:
    return {
        NAME.get(k[1], k[1]): deleted
        for k, (_, deleted) in server_snapshot(app.state.ctx.db).items()
    }


def test_a_whole_deletion_at_the_versions_seen_is_applied(
    client: TestClient, login_as: Login, app: FastAPI
) -> None:
    h = login_as("agent15")
    _visit_with_answers(client, h)
    results = _push(client, h, *_deletion())
    assert [r["status"] for r in results] == ["accepted"] * 3
    assert _state(app) == {"v1": True, "a1": True, "a2": True}
    fields = json.loads(client.get("/api/v1/changes?after=0", headers=h).text)["records"][0]
    assert fields["fields"]["deletion_id"] == "d-1"


def test_a_live_record_under_a_deleted_visit_is_refused_until_the_visit_comes_back(
    client: TestClient, login_as: Login, app: FastAPI
) -> None:
    h = login_as("agent15")
    _visit_with_answers(client, h)
    _push(client, h, *_deletion())
    [new] = _push(client, h, change("answers", ID["a3"], answer_fields("v1", "item3")))
    [edit] = _push(client, h, change("answers", ID["a1"], answer_fields("v1", "item1"), base=2))
    for refused in (new, edit):
        assert (refused["status"], refused["code"]) == ("rejected", "parent_deleted")
        assert refused["code"] in RETRY_LATER_CODES and "supprimé" in refused["reason"]
    assert "a3" not in _state(app)
    # The laptop undoes the deletion: the visit first, then its records, in one batch.
    results = _push(
        client,
        h,
        change("visits", "v1", visit_fields(), base=2),
        change("answers", ID["a1"], answer_fields("v1", "item1"), base=2),
        change("answers", ID["a2"], answer_fields("v1", "item2"), base=2),
        change("answers", ID["a3"], answer_fields("v1", "item3")),
    )
    assert [r["status"] for r in results] == ["accepted"] * 4
    assert not any(_state(app).values())


def test_deleting_a_visit_with_a_record_the_laptop_never_saw_is_refused_whole(
    client: TestClient, login_as: Login, app: FastAPI
) -> None:
    h = login_as("agent15")
    _visit_with_answers(client, h)
    _push(client, h, change("answers", ID["a3"], answer_fields("v1", "item3")))  # another laptop
    results = _push(client, h, *_deletion())
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "children_changed")] * 3
    assert not any(_state(app).values())  # nothing of it applied


def test_deleting_a_visit_whose_record_changed_meanwhile_is_refused_whole(
    client: TestClient, login_as: Login, app: FastAPI
) -> None:
    h = login_as("agent15")
    _visit_with_answers(client, h)
    _push(client, h, change("answers", ID["a1"], answer_fields("v1", "item1", "non"), base=1))
    first, *rest = _push(client, h, *_deletion(a1_base=1))
    assert first["status"] == "conflict" and first["current"]["fields"]["value"] == "non"
    assert [(r["status"], r["code"]) for r in rest] == [("rejected", "children_changed")] * 2
    assert not any(_state(app).values())


def test_a_deletion_split_over_batches_never_leaves_a_live_record_under_its_visit(
    client: TestClient, login_as: Login, app: FastAPI
) -> None:
    h = login_as("agent15")
    _visit_with_answers(client, h)
    a1, a2, visit = _deletion()
    assert [r["status"] for r in _push(client, h, a1, a2)] == ["accepted"] * 2
    _push(client, h, change("answers", ID["a3"], answer_fields("v1", "item3")))  # meanwhile
    [refused] = _push(client, h, visit)
    assert (refused["status"], refused["code"]) == ("rejected", "children_changed")
    assert _state(app) == {"v1": False, "a1": True, "a2": True, "a3": False}


def test_a_visit_tombstone_without_a_deletion_id_is_refused_while_records_live_under_it(
    client: TestClient, login_as: Login, app: FastAPI
) -> None:
    """An older app deleting the visit before its records: refused, nothing orphaned."""
    h = login_as("agent15")
    _visit_with_answers(client, h)
    [refused] = _push(client, h, change("visits", "v1", visit_fields(), 1, True))
    assert refused["code"] == "children_changed"
    assert not _state(app)["v1"]
