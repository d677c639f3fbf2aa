"""Every endpoint × every role × both territories: who may read and write what.

Seed: one visit with an answer and a photo in the Cantal (15), one in the Haute-Loire
(43), pushed by the admin. Then each user (and anonymous) walks every endpoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fieldvisit.server.testing import (
    answer_fields,
    attachment_fields,
    change,
    natural,
    push_body,
    visit_fields,
)

Login = Callable[..., dict[str, str]]
PHOTO = {dep: f"photo du {dep}".encode() for dep in ("15", "43")}
SHA = {dep: hashlib.sha256(data).hexdigest() for dep, data in PHOTO.items()}
ANSWER = {dep: natural("answers", answer_fields(f"v{dep}")) for dep in ("15", "43")}
TERRITORIES = {
    "agent15": {"15"},
    "agent43": {"43"},
    "coord15": {"15"},
    "coord43": {"15", "43"},
    "admin": {"15", "43"},
}
FORM = b'id = "essai"\nversion = 1\ntitle = "Essai"\nkind = "checklist"\n'

# Every route of the API, as (method, path template): the walk below must cover each.
WALKED = {
    ("GET", "/health"),
    ("POST", "/api/v1/login"),
    ("POST", "/api/v1/logout"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/changes"),
    ("POST", "/api/v1/push"),
    ("POST", "/api/v1/lost-versions"),
    ("GET", "/api/v1/attachments/{sha256}"),
    ("PUT", "/api/v1/attachments/{sha256}"),
    ("GET", "/api/v1/attachments/{sha256}/content"),
    ("GET", "/api/v1/forms"),
    ("GET", "/api/v1/forms/{form_id}/{version}"),
    ("PUT", "/api/v1/forms/{form_id}/{version}"),
    ("GET", "/api/v1/records/{table}/{record_id}/history"),
}


def test_the_walk_covers_every_route(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    routes = {(method.upper(), path) for path, item in paths.items() for method in item}
    assert routes == WALKED


@pytest.fixture
def seeded(client: TestClient, login_as: Login) -> TestClient:
    admin = login_as("admin")
    for dep, commune in (("15", "15187"), ("43", "43157")):
        data = PHOTO[dep]
        put = client.put(
            f"/api/v1/attachments/{SHA[dep]}?offset=0&size={len(data)}", headers=admin, content=data
        )
        assert put.json()["complete"]
        body = push_body(
            "dev-admin",
            change("visits", f"v{dep}", visit_fields(dep, commune)),
            change("answers", ANSWER[dep], answer_fields(f"v{dep}")),
            change("attachments", f"p{dep}", attachment_fields(f"v{dep}", SHA[dep], len(data))),
        )
        results = client.post("/api/v1/push", headers=admin, json=body).json()["results"]
        assert {r["status"] for r in results} == {"accepted"}
    client.put("/api/v1/forms/essai/1", headers=admin, content=FORM)
    return client


@pytest.mark.parametrize("user", ["anonymous", *TERRITORIES])
def test_every_endpoint_for_every_role_and_territory(
    seeded: TestClient, login_as: Login, user: str
) -> None:
    client = seeded
    h = {} if user == "anonymous" else login_as(user)
    mine = TERRITORIES.get(user, set())
    is_admin = user == "admin"
    authenticated = user != "anonymous"

    def expect(status: int, method: str, url: str, **kwargs: object) -> None:
        answer = client.request(method, url, headers=h, **kwargs)  # type: ignore[arg-type]
        wanted = status if authenticated else 401
        assert answer.status_code == wanted, (user, method, url, answer.text)
        assert answer.status_code < 500

    assert client.get("/health").status_code == 200
    expect(200, "GET", "/api/v1/me")
    expect(200, "GET", "/api/v1/forms")
    expect(200, "GET", "/api/v1/forms/essai/1")
    expect(
        201 if is_admin else 403,
        "PUT",
        "/api/v1/forms/essai/2",
        content=FORM.replace(b"1\n", b"2\n", 1),
    )
    for dep in ("15", "43"):
        expect(200, "GET", f"/api/v1/attachments/{SHA[dep]}")
        readable = dep in mine
        expect(200 if readable else 404, "GET", f"/api/v1/attachments/{SHA[dep]}/content")
        for table, record in (("visits", f"v{dep}"), ("answers", ANSWER[dep])):
            expect(200 if readable else 404, "GET", f"/api/v1/records/{table}/{record}/history")
    expect(404, "GET", "/api/v1/records/answers/absent/history")
    own = b"une photo de plus"
    own_sha = hashlib.sha256(own).hexdigest()
    expect(200, "PUT", f"/api/v1/attachments/{own_sha}?offset=0&size={len(own)}", content=own)
    if not authenticated:
        expect(401, "POST", "/api/v1/lost-versions", json={"epoch": "e", "records": []})
        expect(401, "GET", "/api/v1/changes")
        expect(
            401, "POST", "/api/v1/push", json=push_body("x", change("visits", "v", visit_fields()))
        )
        expect(401, "POST", "/api/v1/logout")
        return

    # Reading: exactly the records of the user's territories.
    records = client.get("/api/v1/changes", headers=h).json()["records"]
    seen = {r["id"] for r in records}
    expected = {record for dep in mine for record in (f"v{dep}", ANSWER[dep], f"p{dep}")}
    assert seen == expected, user

    # Writing: an update of each territory's answer, a new visit in each territory.
    device = f"dev-{user}"
    for dep, commune in (("15", "15187"), ("43", "43157")):
        allowed = dep in mine
        update = change("answers", ANSWER[dep], answer_fields(f"v{dep}", value=user), base=1)
        fresh = change("visits", f"new-{user}-{dep}", visit_fields(dep, commune))
        stale = change("answers", ANSWER[dep], answer_fields(f"v{dep}", value="x"), base=0)
        body = push_body(device, update, fresh, stale)
        results = client.post("/api/v1/push", headers=h, json=body).json()["results"]
        statuses = [r["status"] for r in results]
        if allowed:
            assert statuses == ["accepted", "accepted", "conflict"], (user, dep, results)
        else:
            assert statuses == ["rejected", "rejected", "rejected"], (user, dep, results)
            assert all("territoire" in r["reason"] for r in results)
            assert all(r["current"] is None for r in results)  # nothing leaks
    # History: the version each accepted update replaced, only where the user may read.
    for dep in ("15", "43"):
        answer = client.get(f"/api/v1/records/answers/{ANSWER[dep]}/history", headers=h)
        if dep in mine:
            versions = answer.json()["versions"]
            replaced = [
                (v["version"], v["fields"]["value"], v["replaced_by_user"]) for v in versions
            ]
            assert replaced == [(1, "oui", user)], (user, dep)
        else:
            assert answer.status_code == 404, (user, dep)
            assert "oui" not in answer.text  # nothing leaks
    # After a restore, the versions the server lost: a record of another territory is
    # answered as one the server never had, without its fields.
    epoch = client.get("/api/v1/changes", headers=h).json()["epoch"]
    held = [{"table": "visits", "id": f"v{dep}", "version": 9} for dep in ("15", "43")]
    asked = {"epoch": epoch, "records": held}
    lost = client.post("/api/v1/lost-versions", headers=h, json=asked).json()["records"]
    for dep, base in zip(("15", "43"), lost, strict=True):
        if dep in mine:
            assert base["version"] == 1 and base["fields"]["departement"] == dep, (user, base)
        else:
            assert base == {
                "table": "visits",
                "id": f"v{dep}",
                "version": 0,
                "fields": None,
                "deleted": False,
            }, (user, base)
    expect(409, "POST", "/api/v1/lost-versions", json={"epoch": "autre", "records": held})
    expect(204, "POST", "/api/v1/logout")
    assert client.get("/api/v1/me", headers=h).status_code == 401
