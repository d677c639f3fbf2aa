"""Every endpoint × every role × both territories: who may read and write what.

Seed: one visit with an answer and a photo in the Cantal (15), one in the Haute-Loire
(43), pushed by the admin. Then each user (and anonymous) walks every endpoint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from fieldvisit.server import epoch
from fieldvisit.server.auth import find_user
from fieldvisit.server.blobs import BlobHolder, BlobProof, Upload
from fieldvisit.server.history import PreviousVersion
from fieldvisit.server.models import Grant, Record
from fieldvisit.server.testing import (
    add_user,
    answer_fields,
    attachment_fields,
    change,
    contact_fields,
    interview_answer_fields,
    interview_fields,
    interviewee_fields,
    keyed,
    natural,
    note_fields,
    participant_fields,
    push_body,
    rating_fields,
    recommendation_fields,
    visit_fields,
)

Login = Callable[..., dict[str, str]]
PASSWORD = "mot-de-passe-solide"  # as in conftest.py
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


# --- Crafted requests: what a hostile colleague sends by hand -------------------------
#
# Each territory's records are pushed by an agent of that territory (the holder of its
# photos, who also has an upload in progress); every text and file carries the
# territory's marker. Then each user (and anonymous) sends, aimed at each territory,
# requests the app never makes: another territory's photo hashes, ids, parents,
# communes and partial uploads, its history, its lost versions, deletions of its
# visits. Each has its expected answer (status and code), depending only on whether the
# territory is the user's; where it is not, no answer holds a byte of its marker, and
# nothing of that territory changed. Then its owner's work goes on as if nothing
# happened (his future answer, his upload).

MARK = {"15": "QX-CANTAL-d41f7a", "43": "QX-HTLOIRE-93b0c2"}
COMMUNE = {"15": "15187", "43": "43157"}  # Saint-Flour, Le Puy-en-Velay
ALT_COMMUNE = {"15": "15014", "43": "43268"}  # Aurillac, Yssingeaux
OTHER = {"15": "43", "43": "15"}
OWNER = {"15": "owner15", "43": "owner43"}  # agents who pushed each territory's records
OWN = {"agent15": "15", "agent43": "43", "coord15": "15", "coord43": "15", "admin": "43"}
CRAFTED_PHOTO = {
    dep: b"\xff\xd8 " + mark.encode() + b" place du marche" * 20 + b" \xff\xd9"
    for dep, mark in MARK.items()
}
CRAFTED_SHA = {dep: hashlib.sha256(data).hexdigest() for dep, data in CRAFTED_PHOTO.items()}
IN_PROGRESS = {  # the photo each owner is uploading: half of it sent
    dep: b"\xff\xd8 " + mark.encode() + b" parking de la gare" * 30 + b" \xff\xd9"
    for dep, mark in MARK.items()
}
IN_PROGRESS_SHA = {dep: hashlib.sha256(data).hexdigest() for dep, data in IN_PROGRESS.items()}
UNKNOWN_SHA = hashlib.sha256(b"jamais vu sur ce serveur").hexdigest()


def _ids(dep: str) -> dict[str, str]:
    """The ids of a territory's records (natural-key ones computed as the app does)."""
    v, vb, i, ib, c = f"v{dep}", f"v{dep}b", f"i{dep}", f"i{dep}b", f"c{dep}"
    return {
        "contact": c,
        "visit": v,
        "visit_b": vb,
        "interview": i,
        "interview_b": ib,
        "answer": natural("answers", answer_fields(v, "eclairage")),
        "answer_b": natural("answers", answer_fields(vb, "eclairage")),
        "participant": natural("visit_participants", participant_fields(v, c)),
        "interviewee": natural("interviewees", interviewee_fields(i, c)),
        "interview_answer": natural("interview_answers", interview_answer_fields(i, "q1")),
        "interview_answer_b": natural("interview_answers", interview_answer_fields(ib, "q1")),
        "rating": natural("theme_ratings", rating_fields(v, "eclairage")),
        "recommendation": f"r{dep}",
        "note": f"n{dep}",
        "note_b": f"n{dep}b",
        "photo": f"p{dep}",
        # The answer its owner has not typed yet: anyone who knows the visit's id can
        # compute the id it will have.
        "future_answer": natural("answers", answer_fields(v, "futur")),
    }


def _territory_records(dep: str) -> list[dict]:
    """Every record of the territory, marked, in the order a laptop pushes them."""
    m, ids = MARK[dep], _ids(dep)
    v, vb, i, ib, c = (ids[k] for k in ("visit", "visit_b", "interview", "interview_b", "contact"))
    photo = {**attachment_fields(v, CRAFTED_SHA[dep], len(CRAFTED_PHOTO[dep])), "caption": m}
    return [
        change("contacts", c, {**contact_fields(COMMUNE[dep], f"M. {m}"), "organisation": m}),
        change("visits", v, visit_fields(dep, COMMUNE[dep], summary=f"{m} premier jet")),
        change("visits", vb, visit_fields(dep, COMMUNE[dep], summary=f"{m} seconde visite")),
        keyed("answers", {**answer_fields(v, "eclairage", f"{m} valeur"), "comment": m}),
        keyed("answers", {**answer_fields(vb, "eclairage"), "comment": m}),
        keyed("visit_participants", participant_fields(v, c)),
        change("interviews", i, {**interview_fields(v), "notes": f"{m} notes"}),
        change("interviews", ib, {**interview_fields(vb), "notes": m}),
        keyed("interviewees", interviewee_fields(i, c)),
        keyed("interview_answers", {**interview_answer_fields(i, "q1"), "comment": m}),
        keyed("interview_answers", {**interview_answer_fields(ib, "q1"), "comment": m}),
        keyed("theme_ratings", {**rating_fields(v, "eclairage"), "observations": m}),
        change("recommendations", ids["recommendation"], recommendation_fields(v, text=m)),
        change("quick_notes", ids["note"], {**note_fields(v), "text": f"{m} note"}),
        change("quick_notes", ids["note_b"], {**note_fields(vb), "text": m}),
        change("attachments", ids["photo"], photo),
    ]


def _fields_of(app: FastAPI, table: str, record_id: str) -> tuple[int, dict]:
    with app.state.ctx.db.reading() as session:
        record = session.get(Record, (table, record_id))
        assert record is not None, (table, record_id)
        return record.version, json.loads(record.data)


def _territory_state(app: FastAPI, dep: str) -> dict[str, object]:
    """Everything the server holds of a territory: records, their history, grants,
    its photos' holders and proofs, its owner's upload in progress and its bytes."""
    ctx = app.state.ctx
    shas = (CRAFTED_SHA[dep], IN_PROGRESS_SHA[dep])
    with ctx.db.reading() as session:
        records = {
            (r.table_name, r.record_id): (r.version, r.data, r.deleted_at is None)
            for r in session.scalars(select(Record).where(Record.territory == dep))
        }
        history = sorted(
            (h.table_name, h.record_id, h.version, h.data)
            for h in session.scalars(select(PreviousVersion))
            if (h.table_name, h.record_id) in records
        )
        grants = sorted(
            (g.table_name, g.record_id, g.territory) for g in session.scalars(select(Grant))
        )
        holders = sorted(
            (h.sha256, h.user_id)
            for h in session.scalars(select(BlobHolder).where(BlobHolder.sha256.in_(shas)))
        )
        proofs = sorted(
            (p.sha256, p.territory)
            for p in session.scalars(select(BlobProof).where(BlobProof.sha256.in_(shas)))
        )
        owner = find_user(session, OWNER[dep])
        assert owner is not None
        upload = session.get(Upload, (IN_PROGRESS_SHA[dep], owner.id))
        uploading = (
            (upload.size, ctx.blobs.partial_path(owner.id, IN_PROGRESS_SHA[dep]).read_bytes())
            if upload
            else None
        )
    photo = ctx.blobs.object_path(CRAFTED_SHA[dep]).read_bytes()
    return {
        "records": records,
        "history": history,
        "grants": [g for g in grants if (g[0], g[1]) in records or g[2] == dep],
        "holders": holders,
        "proofs": proofs,
        "uploading": uploading,
        "photo": photo,
    }


@pytest.fixture
def territories(app: FastAPI, client: TestClient, login_as: Login) -> dict[str, str]:
    """Both territories seeded by their owners; each owner's last batch id (replayed
    by the walk, as someone who read it in a log would)."""
    ctx = app.state.ctx
    batches = {}
    for dep, owner in OWNER.items():
        add_user(ctx.db, ctx.passwords, owner, PASSWORD, "agent", (dep,))
        h = login_as(owner)
        photo = CRAFTED_PHOTO[dep]
        put = client.put(
            f"/api/v1/attachments/{CRAFTED_SHA[dep]}?offset=0&size={len(photo)}",
            headers=h,
            content=photo,
        )
        assert put.json()["complete"], put.text
        body = push_body(f"dev-{owner}", *_territory_records(dep))
        results = client.post("/api/v1/push", headers=h, json=body).json()["results"]
        assert {r["status"] for r in results} == {"accepted"}, results
        # An edit, so that the visit has a history holding its first text.
        edited = visit_fields(dep, COMMUNE[dep], summary=f"{MARK[dep]} diagnostic")
        body = push_body(f"dev-{owner}", change("visits", f"v{dep}", edited, base=1))
        results = client.post("/api/v1/push", headers=h, json=body).json()["results"]
        assert results[0]["status"] == "accepted", results
        batches[dep] = body["batch_id"]
        half = IN_PROGRESS[dep][: len(IN_PROGRESS[dep]) // 2]
        size = len(IN_PROGRESS[dep])
        put = client.put(
            f"/api/v1/attachments/{IN_PROGRESS_SHA[dep]}?offset=0&size={size}",
            headers=h,
            content=half,
        )
        assert put.json()["received"] == len(half), put.text
    return batches


Outcome = tuple[str, str | None]  # a pushed record's (status, code)
ACCEPTED: Outcome = ("accepted", None)
CONFLICT: Outcome = ("conflict", None)


def refused(code: str) -> Outcome:
    return ("rejected", code)


class Walker:
    """One user's crafted requests at one territory; every answer is kept for the
    leak check. Anonymous: every request must be refused with 401, nothing else."""

    def __init__(
        self,
        client: TestClient,
        headers: dict[str, str],
        user: str,
        dep: str,
        batch_ids: dict[str, str],
    ) -> None:
        self.client = client
        self.batch_ids = batch_ids
        self.headers = headers
        self.user = user
        self.dep = dep
        self.anonymous = user == "anonymous"
        self.mine = not self.anonymous and (user == "admin" or dep in TERRITORIES[user])
        self.own = OWN.get(user, "15")  # the territory of the user's own records
        self.ids = _ids(dep)
        self.answers: list[bytes] = []
        self.device = f"dev-{user}"

    def send(self, method: str, url: str, **kwargs: object) -> Response:
        answer = self.client.request(method, url, headers=self.headers, **kwargs)  # type: ignore[arg-type]
        self.answers.append(answer.content + repr(answer.headers.raw).encode())
        assert answer.status_code < 500, (self.user, method, url, answer.text)
        if self.anonymous:
            assert answer.status_code == 401, (method, url, answer.text)
            assert answer.json()["code"] == "not_authenticated"
        return answer

    def either(self, mine: Outcome, other: Outcome) -> Outcome:
        return mine if self.mine else other

    def setup(self, *changes: dict) -> None:
        """The user's own records a crafted request needs (nothing for anonymous)."""
        if self.anonymous:
            return
        answer = self.send("POST", "/api/v1/push", json=push_body(self.device, *changes))
        assert {r["status"] for r in answer.json()["results"]} == {"accepted"}, answer.text

    def push(
        self, *changes: dict, expect: list[Outcome], batch_id: str | None = None
    ) -> list[dict]:
        body = push_body(self.device, *changes, batch_id=batch_id)
        answer = self.send("POST", "/api/v1/push", json=body)
        if self.anonymous:
            return []
        assert answer.status_code == 200, (self.user, self.dep, answer.text)
        results = answer.json()["results"]
        got = [(r["status"], r.get("code")) for r in results]
        assert got == expect, (self.user, self.dep, results)
        for result in results:
            if result["status"] == "rejected":
                assert result["current"] is None, result
        return list(results)

    def request(
        self, method: str, url: str, expect: tuple[int, str | None], **kwargs: object
    ) -> Response:
        answer = self.send(method, url, **kwargs)
        if not self.anonymous:
            code = answer.json().get("code") if answer.status_code >= 400 else None
            assert (answer.status_code, code) == expect, (self.user, self.dep, url, answer.text)
        return answer

    def version(self, table: str, key: str) -> int:
        return _fields_of(self.client.app, table, self.ids[key])[0]  # type: ignore[arg-type]

    def current(self, table: str, key: str, **changed: object) -> dict:
        """A change of one of the territory's records at its current version."""
        version, fields = _fields_of(self.client.app, table, self.ids[key])  # type: ignore[arg-type]
        return change(table, self.ids[key], {**fields, **changed}, base=version)


def _unknown_upload(sha: str) -> dict[str, object]:
    return {"sha256": sha, "size": None, "received": 0, "complete": False}


def crafted_history(w: Walker) -> None:
    """The history of the territory's records: as for a record the server never had."""
    unknown = w.request(
        "GET", "/api/v1/records/visits/x-inconnu/history", expect=(404, "not_found")
    )
    for table, key in (
        ("visits", "visit"),
        ("answers", "answer"),
        ("contacts", "contact"),
        ("interviews", "interview"),
        ("interviewees", "interviewee"),
        ("quick_notes", "note"),
        ("attachments", "photo"),
    ):
        url = f"/api/v1/records/{table}/{w.ids[key]}/history"
        answer = w.request("GET", url, expect=(200, None) if w.mine else (404, "not_found"))
        if w.mine and table == "visits":
            [first] = answer.json()["versions"]
            assert first["fields"]["summary"] == f"{MARK[w.dep]} premier jet"
        elif not w.anonymous and not w.mine:
            assert answer.content == unknown.content


def crafted_lost_versions(w: Walker) -> None:
    """Lost versions (after a restore) asked for the territory's records: answered as
    records the server never had, without their fields."""
    with w.client.app.state.ctx.db.reading() as session:  # type: ignore[attr-defined]
        current = epoch.current_epoch(session)
    keys = [
        ("visits", "visit"),
        ("answers", "answer"),
        ("contacts", "contact"),
        ("interview_answers", "interview_answer"),
        ("quick_notes", "note"),
        ("attachments", "photo"),
    ]
    held = [{"table": table, "id": w.ids[key], "version": 99} for table, key in keys]
    held.append({"table": "visits", "id": "x-inconnu", "version": 99})
    answer = w.request(
        "POST",
        "/api/v1/lost-versions",
        json={"epoch": current, "records": held},
        expect=(200, None),
    )
    if w.anonymous:
        return
    *bases, never = answer.json()["records"]
    assert never == {
        "table": "visits",
        "id": "x-inconnu",
        "version": 0,
        "fields": None,
        "deleted": False,
    }
    for (table, key), base in zip(keys, bases, strict=True):
        if w.mine:
            version, fields = _fields_of(w.client.app, table, w.ids[key])  # type: ignore[arg-type]
            assert (base["version"], base["fields"]) == (version, fields)
        else:
            assert base == {**never, "table": table, "id": w.ids[key]}


def crafted_foreign_hashes(w: Walker) -> None:
    """The territory's photo hashes (read in a log line, say) named in records of
    one's own, asked for, downloaded."""
    dep, user = w.dep, w.user
    own_visit = f"own-v-{user}"
    photo = attachment_fields(own_visit, CRAFTED_SHA[dep], len(CRAFTED_PHOTO[dep]))
    # Only an account that sent the bytes itself names them in a record...
    w.push(change("attachments", f"x-p1-{user}", photo), expect=[refused("file_not_received")])
    pending = attachment_fields(own_visit, IN_PROGRESS_SHA[dep], len(IN_PROGRESS[dep]))
    w.push(change("attachments", f"x-p2-{user}", pending), expect=[refused("file_not_received")])
    in_theirs = {**photo, "visit_id": w.ids["visit"]}
    w.push(
        change("attachments", f"x-p3-{user}", in_theirs),
        expect=[w.either(refused("file_not_received"), refused("out_of_territory"))],
    )
    # ... also when the record first arrives deleted, then comes back: a tombstone
    # names no file anyone gets; brought back, it needs the bytes, unless its territory
    # already has the photo (attached by one who had it: nothing new to read there).
    w.push(change("attachments", f"x-p4-{user}", photo, deleted=True), expect=[ACCEPTED])
    w.push(
        change("attachments", f"x-p4-{user}", photo, base=1),
        expect=[ACCEPTED if w.own == dep else refused("file_not_received")],
    )
    # Its upload status: what one's own upload is, as for a file the server never had.
    status = w.request("GET", f"/api/v1/attachments/{CRAFTED_SHA[dep]}", expect=(200, None))
    if not w.anonymous:
        assert status.json() == _unknown_upload(CRAFTED_SHA[dep])
    # Its download: to those who may read its record, otherwise as for no file at all.
    never = w.request(
        "GET", f"/api/v1/attachments/{UNKNOWN_SHA}/content", expect=(404, "not_found")
    )
    url = f"/api/v1/attachments/{CRAFTED_SHA[dep]}/content"
    download = w.request("GET", url, expect=(200, None) if w.mine else (404, "not_found"))
    if w.mine:
        assert download.content == CRAFTED_PHOTO[dep]
    else:
        assert download.content == never.content


def crafted_partial_uploads(w: Walker) -> None:
    """The owner's upload in progress (half sent): appended to, resized, restarted."""
    sha, data = IN_PROGRESS_SHA[w.dep], IN_PROGRESS[w.dep]
    half, url = len(data) // 2, f"/api/v1/attachments/{IN_PROGRESS_SHA[w.dep]}"
    status = w.request("GET", url, expect=(200, None))
    if not w.anonymous:
        assert status.json() == _unknown_upload(sha)  # not the owner's 50 %
    # The rest, where the owner's upload stopped: this account's own starts at 0.
    w.request(
        "PUT",
        f"{url}?offset={half}&size={len(data)}",
        content=data[half:],
        expect=(409, "wrong_offset"),
    )
    # One byte and a wrong size: his own partial upload, not the owner's.
    jam = w.request("PUT", f"{url}?offset=0&size=999999", content=b"x", expect=(200, None))
    if not w.anonymous:
        assert jam.json() == {"sha256": sha, "size": 999999, "received": 1, "complete": False}
    w.request(
        "PUT", f"{url}?offset=1&size={len(data)}", content=b"y", expect=(409, "size_mismatch")
    )
    # Started again with bytes of the right size but not the photo's: thrown away.
    w.request(
        "PUT",
        f"{url}?offset=0&size={len(data)}",
        content=b"z" * len(data),
        expect=(422, "hash_mismatch"),
    )
    w.request("GET", f"{url}/content", expect=(404, "not_found"))


def crafted_foreign_ids(w: Walker) -> None:
    """The territory's ids as parents and references, its future natural-key ids, its
    records overwritten, its owner's batch id replayed."""
    ids, dep, user = w.ids, w.dep, w.user
    own_visit, own_interview = f"own-v-{user}", f"own-i-{user}"
    theirs = w.either(ACCEPTED, refused("out_of_territory"))
    w.push(keyed("answers", answer_fields(ids["visit"], "intrus")), expect=[theirs])
    intruder = interview_answer_fields(ids["interview"], "intrus")
    w.push(keyed("interview_answers", intruder), expect=[theirs])
    w.push(
        keyed("visit_participants", participant_fields(own_visit, ids["contact"])), expect=[theirs]
    )
    w.push(
        keyed("interviewees", interviewee_fields(own_interview, ids["contact"])), expect=[theirs]
    )
    follow_up = visit_fields(w.own, COMMUNE[w.own], previous_visit_id=ids["visit"])
    w.push(change("visits", f"x-suite-{user}", follow_up), expect=[theirs])
    carried = recommendation_fields(own_visit, carried_from_id=ids["recommendation"])
    w.push(change("recommendations", f"x-reco-{user}", carried), expect=[theirs])
    # The id of the owner's future answer, on an answer of one's own visit: refused,
    # whoever sends it (the owner's answer gets it later: see the walk).
    w.push(
        change("answers", ids["future_answer"], answer_fields(own_visit, "futur")),
        expect=[refused("natural_id_mismatch")],
    )
    future = natural("interview_answers", interview_answer_fields(ids["interview"], "futur"))
    w.push(
        change("interview_answers", future, interview_answer_fields(own_interview, "futur")),
        expect=[refused("natural_id_mismatch")],
    )
    # The id of an existing answer of theirs, for an answer of one's own visit.
    taken = change(
        "answers",
        ids["answer"],
        answer_fields(own_visit, "eclairage"),
        base=w.version("answers", "answer"),
    )
    w.push(taken, expect=[w.either(refused("parent_changed"), refused("out_of_territory"))])
    # Their visit overwritten at a stale version (the answer would show the current
    # one), then at its right one; their contact too.
    stale = change("visits", ids["visit"], visit_fields(dep, COMMUNE[dep]), base=0)
    results = w.push(stale, expect=[w.either(CONFLICT, refused("out_of_territory"))])
    if w.mine:
        assert results[0]["current"]["fields"]["summary"] == f"{MARK[dep]} diagnostic"
    w.push(w.current("visits", "visit", summary="écrasé"), expect=[theirs])
    w.push(w.current("contacts", "contact", name="Écrasé"), expect=[theirs])
    # The owner's batch id, read in a log line, with one's own content.
    replay = push_body(
        w.device, change("visits", f"x-replay-{user}", visit_fields(w.own, COMMUNE[w.own]))
    )
    replay["batch_id"] = w.batch_ids[dep]
    w.request("POST", "/api/v1/push", json=replay, expect=(409, "batch_id_reused"))


def crafted_communes(w: Walker) -> None:
    """Visits declared in another département than their commune's: new, or by
    changing the commune of an existing visit (one's own, or the territory's)."""
    dep, own, user = w.dep, w.own, w.user
    hidden = change("visits", f"x-cache-{user}", visit_fields(OTHER[dep], COMMUNE[dep]))
    w.push(hidden, expect=[refused("commune_mismatch")])  # admins included
    w.setup(
        change("visits", f"x-v1-{user}", visit_fields(own, COMMUNE[own])),
        change("visits", f"x-v2-{user}", visit_fields(own, COMMUNE[own])),
    )
    same = own == dep  # a commune of the same département: an ordinary correction
    moved = change("visits", f"x-v1-{user}", visit_fields(own, ALT_COMMUNE[dep]), base=1)
    w.push(moved, expect=[ACCEPTED if same else refused("commune_mismatch")])
    moved = change("visits", f"x-v2-{user}", visit_fields(dep, ALT_COMMUNE[dep]), base=1)
    w.push(moved, expect=[ACCEPTED if same else refused("parent_changed")])
    elsewhere = COMMUNE[OTHER[dep]]
    w.push(
        w.current("visits", "visit", commune_code=elsewhere),
        expect=[w.either(refused("commune_mismatch"), refused("out_of_territory"))],
    )
    w.push(
        w.current("visits", "visit", commune_code=elsewhere, departement=OTHER[dep]),
        expect=[w.either(refused("parent_changed"), refused("out_of_territory"))],
    )


def crafted_parents(w: Walker) -> None:
    """Their records moved under one's own visit or interview, and one's own records
    moved under theirs."""
    ids, user = w.ids, w.user
    own_visit, own_interview = f"own-v-{user}", f"own-i-{user}"
    moved = w.either(refused("parent_changed"), refused("out_of_territory"))
    for table, key, parent in (
        ("quick_notes", "note", {"visit_id": own_visit}),
        ("attachments", "photo", {"visit_id": own_visit}),
        ("interviews", "interview", {"visit_id": own_visit}),
        ("recommendations", "recommendation", {"visit_id": own_visit}),
        ("interviewees", "interviewee", {"interview_id": own_interview}),
        ("interview_answers", "interview_answer", {"interview_id": own_interview}),
    ):
        w.push(w.current(table, key, **parent), expect=[moved])
    mine_into_theirs = change("quick_notes", f"own-n-{user}", note_fields(ids["visit"]), base=1)
    w.push(mine_into_theirs, expect=[refused("parent_changed")])
    own_into_theirs = change("interviews", own_interview, interview_fields(ids["visit"]), base=1)
    w.push(own_into_theirs, expect=[refused("parent_changed")])


def crafted_deletions(w: Walker) -> None:
    """Their second visit deleted (alone, then whole with every record under it at its
    right version, as if he knew them all), and their contact."""
    deletion = f"del-{w.user}-{w.dep}"

    def tombstone(table: str, key: str) -> dict:
        version, fields = _fields_of(w.client.app, table, w.ids[key])  # type: ignore[arg-type]
        fields = {**fields, "deletion_id": deletion}
        return change(table, w.ids[key], fields, base=version, deleted=True)

    w.push(
        tombstone("visits", "visit_b"),
        expect=[w.either(refused("children_changed"), refused("out_of_territory"))],
    )
    whole = [
        tombstone("interview_answers", "interview_answer_b"),
        tombstone("interviews", "interview_b"),
        tombstone("answers", "answer_b"),
        tombstone("quick_notes", "note_b"),
        tombstone("visits", "visit_b"),
    ]
    w.push(*whole, expect=[w.either(ACCEPTED, refused("out_of_territory"))] * len(whole))
    w.push(
        tombstone("contacts", "contact"),
        expect=[w.either(ACCEPTED, refused("out_of_territory"))],
    )


CRAFTED = (
    crafted_history,
    crafted_lost_versions,
    crafted_foreign_hashes,
    crafted_partial_uploads,
    crafted_foreign_ids,
    crafted_communes,
    crafted_parents,
    crafted_deletions,
)


@pytest.mark.parametrize("dep", ["15", "43"])
@pytest.mark.parametrize("user", ["anonymous", *TERRITORIES])
def test_crafted_requests_of_every_role_at_every_territory(
    app: FastAPI,
    client: TestClient,
    login_as: Login,
    territories: dict[str, str],
    user: str,
    dep: str,
) -> None:
    w = Walker(client, {} if user == "anonymous" else login_as(user), user, dep, territories)
    own_visit = f"own-v-{user}"
    w.setup(
        change("visits", own_visit, visit_fields(w.own, COMMUNE[w.own])),
        change("interviews", f"own-i-{user}", interview_fields(own_visit)),
        change("quick_notes", f"own-n-{user}", note_fields(own_visit)),
    )
    before = _territory_state(app, dep)
    for crafted in CRAFTED:
        crafted(w)
    pulled = w.request("GET", "/api/v1/changes?limit=1000", expect=(200, None))
    marker = MARK[dep].encode()
    if w.mine:
        assert marker in pulled.content  # the same answers do carry it when allowed
    else:
        # Nothing of the territory changed, and no answer held a byte of its marker.
        assert _territory_state(app, dep) == before
        for answer in w.answers:
            assert marker not in answer, (user, dep, answer[:300])

    # Its owner's work goes on: the answer whose id was squatted, the upload jammed.
    owner, ids = login_as(OWNER[dep]), _ids(dep)
    future = push_body(f"dev-{OWNER[dep]}", keyed("answers", answer_fields(ids["visit"], "futur")))
    [result] = client.post("/api/v1/push", headers=owner, json=future).json()["results"]
    assert (result["status"], result["id"]) == ("accepted", ids["future_answer"]), result
    data, sha = IN_PROGRESS[dep], IN_PROGRESS_SHA[dep]
    half = len(data) // 2
    status = client.get(f"/api/v1/attachments/{sha}", headers=owner).json()
    assert status == {"sha256": sha, "size": len(data), "received": half, "complete": False}
    rest = client.put(
        f"/api/v1/attachments/{sha}?offset={half}&size={len(data)}",
        headers=owner,
        content=data[half:],
    )
    assert rest.json()["complete"] is True, rest.text
    assert client.get(f"/api/v1/attachments/{sha}/content", headers=owner).content == data
    # Sent by its owner, the photo is still not the attacker's to ask about or fetch.
    status = w.request("GET", f"/api/v1/attachments/{sha}", expect=(200, None))
    if not w.anonymous:
        assert status.json() == _unknown_upload(sha)
    w.request("GET", f"/api/v1/attachments/{sha}/content", expect=(404, "not_found"))
    if not w.mine:
        assert all(marker not in answer for answer in w.answers)
