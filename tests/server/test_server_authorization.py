"""Every endpoint × every role × both territories: who may read and write what.

Seed: one visit with an answer and a photo in the Cantal (15), one in the Haute-Loire
(43), pushed by the admin. Then each user (and anonymous) walks every endpoint with the
requests the app makes. Below, the same users send crafted requests at each territory
(`test_crafted_requests_of_every_role_at_every_territory`, docs/SECURITY.md "A hostile
colleague").
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from starlette.routing import Match

from fieldvisit.core.clock import utc_now
from fieldvisit.server import epoch, logs
from fieldvisit.server.auth import find_user, token_hash
from fieldvisit.server.blobs import BlobHolder, BlobProof, Upload
from fieldvisit.server.cli import main as server_main
from fieldvisit.server.history import PreviousVersion
from fieldvisit.server.models import Device, Grant, Record
from fieldvisit.server.reference import import_reference
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

# Every route of the server, as (method, path template): the walks below cover each.
WALKED = {
    ("GET", "/health"),
    ("GET", "/openapi.json"),
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
    ("GET", "/api/v1/reference"),
    ("GET", "/api/v1/reference/{dataset}/{territory}"),
}


def _route_table(app: FastAPI) -> list[Any]:
    """The app's routes, those of included routers one by one."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before 0.16x: app.routes is already flat
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def served_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, from its routing table: routes left out
    of the OpenAPI document included. HEAD is GET without its body (same endpoint)."""
    return {
        (method, route.path)
        for route in _route_table(app)
        for method in (getattr(route, "methods", None) or ())
        if method != "HEAD"
    }


def _route_of(app: FastAPI, method: str, path: str) -> tuple[str, str]:
    scope = {"type": "http", "method": method, "path": path}
    for route in _route_table(app):
        match, _child = route.matches(scope)
        if match is Match.FULL:
            return (method, route.path)
    raise AssertionError(f"no route answers {method} {path}")


def test_the_walk_covers_every_route(app: FastAPI) -> None:
    """A new route fails here until the walks have a case for it (and WALKED names it)."""
    assert served_routes(app) == WALKED
    paths = app.openapi()["paths"]
    documented = {(method.upper(), path) for path, item in paths.items() for method in item}
    assert documented == WALKED - {("GET", "/openapi.json")}


def _publish_pvd(app: FastAPI, folder: Path) -> None:
    """The PVD list as published, split per département: 15, 43 and 63 (nobody's here)."""
    pvd = folder / "pvd.csv"
    pvd.write_text(
        "insee_com,lib_com,date_signature\n15187,Saint-Flour,\n43157,Le Puy,\n63113,Clermont,\n"
    )
    import_reference(app.state.ctx.db, pvd, territories=("15", "43", "63"), now=utc_now())


@pytest.fixture
def seeded(app: FastAPI, client: TestClient, login_as: Login, tmp_path: Path) -> TestClient:
    _publish_pvd(app, tmp_path)
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
    # Public data: the parts of the user's territories (every part for an admin).
    for dep in ("15", "43"):
        expect(200 if dep in mine else 404, "GET", f"/api/v1/reference/pvd/{dep}")
    expect(200 if is_admin else 404, "GET", "/api/v1/reference/pvd/63")
    expect(200, "GET", "/api/v1/reference")
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

    parts = client.get("/api/v1/reference", headers=h).json()["parts"]
    assert {p["territory"] for p in parts} == (mine | {"63"} if is_admin else mine), user

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
        partial = ctx.blobs.partial_path(owner.id, IN_PROGRESS_SHA[dep])
        uploading = (upload.size, upload.updated_at, partial.read_bytes()) if upload else None
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


@dataclass
class Seeded:
    batch_ids: dict[str, str]  # each owner's last batch id (replayed by the walk)
    owners: dict[str, dict[str, str]]  # each owner's session (it must outlive the walk)
    tokens: list[str]  # every token given out while seeding


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    """The server's log files, as `fieldvisit-server run --log-dir` writes them; the
    loggers are put back as they were afterwards."""
    loggers = [*logs.FILES, logging.getLogger("uvicorn.error")]
    saved = {lg: (list(lg.handlers), lg.level, lg.propagate) for lg in loggers}
    for lg in loggers:
        for handler in list(lg.handlers):
            lg.removeHandler(handler)  # kept open: put back below
    folder = tmp_path / "logs"
    logs.configure(folder)
    yield folder
    for lg, (handlers, level, propagate) in saved.items():
        for handler in list(lg.handlers):
            lg.removeHandler(handler)
            handler.close()
        for handler in handlers:
            lg.addHandler(handler)
        lg.setLevel(level)
        lg.propagate = propagate


def _token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


@pytest.fixture
def territories(
    app: FastAPI, client: TestClient, login_as: Login, log_dir: Path, tmp_path: Path
) -> Seeded:
    """Both territories seeded by their owners (with logs written from the start), a
    published form and the PVD list split per département."""
    ctx = app.state.ctx
    _publish_pvd(app, tmp_path)
    seeded = Seeded({}, {}, [])
    for dep, owner in OWNER.items():
        add_user(ctx.db, ctx.passwords, owner, PASSWORD, "agent", (dep,))
        h = seeded.owners[dep] = login_as(owner)
        seeded.tokens.append(_token(h))
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
        seeded.batch_ids[dep] = body["batch_id"]
        half = IN_PROGRESS[dep][: len(IN_PROGRESS[dep]) // 2]
        size = len(IN_PROGRESS[dep])
        put = client.put(
            f"/api/v1/attachments/{IN_PROGRESS_SHA[dep]}?offset=0&size={size}",
            headers=h,
            content=half,
        )
        assert put.json()["received"] == len(half), put.text
    publisher = login_as("admin", device="dev-publication")
    seeded.tokens.append(_token(publisher))
    assert client.put("/api/v1/forms/essai/1", headers=publisher, content=FORM).status_code == 201
    return seeded


# Identities without a live session, and the code each request of theirs gets. The
# ended ones are tokens of a coordinator of both territories: alive, they read all.
SHUT_OUT = {
    "anonymous": "not_authenticated",
    "expired": "token_expired",  # 90 days after the login
    "logged_out": "token_revoked",
    "password_changed": "token_revoked",  # `fieldvisit-server users passwd`
    "replaced": "token_revoked",  # the same device logged in again
    "disabled": "user_disabled",
}
NEW_PASSWORD = "Nouveau-Mot-De-Passe-2b8e41"


def _ended_session(
    app: FastAPI, client: TestClient, login_as: Login, db_url: str, kind: str
) -> tuple[dict[str, str], list[str]]:
    """A token of `kind` (SHUT_OUT), and every token given out on the way."""
    ctx, name = app.state.ctx, f"ancien-{kind}"
    add_user(ctx.db, ctx.passwords, name, PASSWORD, "coordinateur", ("15", "43"))
    h = login_as(name)
    assert client.get("/api/v1/me", headers=h).status_code == 200  # alive until now
    tokens = [_token(h)]
    if kind == "expired":
        with ctx.db.transaction() as session:
            device = session.scalar(
                select(Device).where(Device.token_hash == token_hash(tokens[0]))
            )
            assert device is not None
            device.expires_at = ctx.clock() - timedelta(seconds=1)
    elif kind == "logged_out":
        assert client.post("/api/v1/logout", headers=h).status_code == 204
    elif kind == "password_changed":
        with pytest.MonkeyPatch.context() as env:
            env.setenv("FIELDVISIT_SERVER_PASSWORD", NEW_PASSWORD)
            assert server_main(["users", "passwd", name, "--db", db_url]) == 0
    elif kind == "replaced":
        tokens.append(_token(login_as(name)))
    elif kind == "disabled":
        with ctx.db.transaction() as session:
            user = find_user(session, name)
            assert user is not None
            user.disabled = True
    else:
        raise AssertionError(kind)
    return h, tokens


Outcome = tuple[str, str | None]  # a pushed record's (status, code)
ACCEPTED: Outcome = ("accepted", None)
CONFLICT: Outcome = ("conflict", None)


def refused(code: str) -> Outcome:
    return ("rejected", code)


class Walker:
    """One identity's crafted requests at one territory; every request and answer is
    kept (for the route coverage and the leak check). An identity without a live
    session (anonymous, or a token that ended: `SHUT_OUT`) must get 401 with its code
    at every route that needs a session, and nothing else."""

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
        self.refused_code = SHUT_OUT.get(user)  # the 401 code of every request, if any
        self.shut_out = self.refused_code is not None
        self.mine = not self.shut_out and (user == "admin" or dep in TERRITORIES[user])
        self.own = OWN.get(user, "15")  # the territory of the user's own records
        self.ids = _ids(dep)
        self.answers: list[bytes] = []
        self.sent: list[tuple[str, str]] = []  # (method, path) of every request
        self.tokens: list[str] = []  # every token the walk was given (none may be logged)
        self.device = f"dev-{user}"

    def send(self, method: str, url: str, everyone: bool = False, **kwargs: object) -> Response:
        """`everyone`: the route needs no session, the caller checks the answer."""
        answer = self.client.request(method, url, headers=self.headers, **kwargs)  # type: ignore[arg-type]
        self.sent.append((method, url.split("?")[0]))
        self.answers.append(answer.content + repr(answer.headers.raw).encode())
        assert answer.status_code < 500, (self.user, method, url, answer.text)
        if self.shut_out and not everyone:
            assert answer.status_code == 401, (self.user, method, url, answer.text)
            assert answer.json()["code"] == self.refused_code, (self.user, answer.text)
        return answer

    def either(self, mine: Outcome, other: Outcome) -> Outcome:
        return mine if self.mine else other

    def setup(self, *changes: dict) -> None:
        """The user's own records a crafted request needs (nothing without a session)."""
        if self.shut_out:
            return
        answer = self.send("POST", "/api/v1/push", json=push_body(self.device, *changes))
        assert {r["status"] for r in answer.json()["results"]} == {"accepted"}, answer.text

    def push(
        self, *changes: dict, expect: list[Outcome] | None, batch_id: str | None = None
    ) -> list[dict]:
        """`expect` None: the caller compares the results (`crafted_existence`)."""
        body = push_body(self.device, *changes, batch_id=batch_id)
        answer = self.send("POST", "/api/v1/push", json=body)
        if self.shut_out:
            return []
        assert answer.status_code == 200, (self.user, self.dep, answer.text)
        results = answer.json()["results"]
        got = [(r["status"], r.get("code")) for r in results]
        assert expect is None or got == expect, (self.user, self.dep, results)
        for result in results:
            if result["status"] == "rejected":
                assert result["current"] is None, result
        return list(results)

    def request(
        self,
        method: str,
        url: str,
        expect: tuple[int, str | None],
        everyone: bool = False,
        **kwargs: object,
    ) -> Response:
        """`everyone`: `expect` holds for every identity, with or without a session."""
        answer = self.send(method, url, everyone=everyone, **kwargs)
        if everyone or not self.shut_out:
            code = answer.json().get("code") if answer.status_code >= 400 else None
            assert (answer.status_code, code) == expect, (self.user, self.dep, url, answer.text)
        return answer

    def version(self, table: str, key: str) -> int:
        return _fields_of(self.client.app, table, self.ids[key])[0]  # type: ignore[arg-type]

    def current(self, table: str, key: str, **changed: object) -> dict:
        """A change of one of the territory's records at its current version."""
        version, fields = _fields_of(self.client.app, table, self.ids[key])  # type: ignore[arg-type]
        return change(table, self.ids[key], {**fields, **changed}, base=version)

    def routes(self) -> set[tuple[str, str]]:
        """The routes (method, path template) the walk's requests reached."""
        return {_route_of(self.client.app, method, path) for method, path in self.sent}  # type: ignore[arg-type]


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
        elif not w.shut_out and not w.mine:
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
    if w.shut_out:
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
    if not w.shut_out:
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
    if not w.shut_out:
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
    if not w.shut_out:
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
    # The id of an existing answer of theirs, for an answer of one's own visit: in a
    # territory of his, an answer moved; elsewhere, as for an id the server never had.
    taken = change(
        "answers",
        ids["answer"],
        answer_fields(own_visit, "eclairage"),
        base=w.version("answers", "answer"),
    )
    w.push(taken, expect=[w.either(refused("parent_changed"), refused("natural_id_mismatch"))])
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
    # A natural-key id under another parent is no id of that parent's: elsewhere, the
    # answer for an id the server never had (the interviewee: its contact is theirs).
    misnamed = w.either(refused("parent_changed"), refused("natural_id_mismatch"))
    for table, key, parent, expected in (
        ("quick_notes", "note", {"visit_id": own_visit}, moved),
        ("attachments", "photo", {"visit_id": own_visit}, moved),
        ("interviews", "interview", {"visit_id": own_visit}, moved),
        ("recommendations", "recommendation", {"visit_id": own_visit}, moved),
        ("interviewees", "interviewee", {"interview_id": own_interview}, moved),
        ("interview_answers", "interview_answer", {"interview_id": own_interview}, misnamed),
    ):
        w.push(w.current(table, key, **parent), expect=[expected])
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


WRONG_PASSWORD = "Mauvais-Mot-De-Passe-5e1d07"
PASTED = "Jeton-Colle-Dans-L-Adresse-1f9e3a"  # a secret typed in the wrong place


def crafted_accounts(w: Walker) -> None:
    """The routes around accounts and forms: the owner's name at the login, his device
    id (it is in the logs), one's own account asked with another's name, forms."""
    health = w.request("GET", "/health", expect=(200, None), everyone=True)
    assert health.json()["status"] == "ok"
    schema = w.request("GET", "/openapi.json", expect=(200, None), everyone=True)
    assert schema.json() == w.client.app.openapi()  # type: ignore[attr-defined]
    # The owner's name with a wrong password: the answer of a name nobody has.
    tried = [
        w.request(
            "POST",
            "/api/v1/login",
            json={"username": name, "password": WRONG_PASSWORD, "device_id": f"{w.device}-x"},
            expect=(401, "bad_credentials"),
            everyone=True,
        )
        for name in (OWNER[w.dep], f"inconnu-{w.dep}-7c2f")
    ]
    assert tried[0].json() == tried[1].json()
    if not w.shut_out:
        # His own login on the owner's device id: a second device of his own, the
        # owner's session lives on (checked after the walk).
        login = w.request(
            "POST",
            "/api/v1/login",
            json={"username": w.user, "password": PASSWORD, "device_id": f"dev-{OWNER[w.dep]}"},
            expect=(200, None),
            everyone=True,
        )
        w.tokens.append(login.json()["token"])
        assert login.json()["user"]["username"] == w.user
    me = w.request("GET", "/api/v1/me", expect=(200, None))
    if not w.shut_out:
        assert me.json()["username"] == w.user
    w.request(
        "GET", f"/api/v1/me?username={OWNER[w.dep]}", expect=(422, "invalid_request"), everyone=True
    )
    # A secret pasted into an address: refused, and never logged (see the log check).
    for secret in (PASTED, *w.tokens[:1]):
        w.request("GET", f"/api/v1/changes?after={secret}", expect=(422, "invalid_request"))
    # Forms belong to no territory: every account reads them; only admins publish, and
    # the refusal is the same for a form that exists and one that does not.
    listed = w.request("GET", "/api/v1/forms", expect=(200, None))
    text = w.request("GET", "/api/v1/forms/essai/1", expect=(200, None))
    if not w.shut_out:
        assert [f["form_id"] for f in listed.json()["forms"]] == ["essai"]
        assert text.content == FORM
    if w.user == "admin":
        w.request("PUT", "/api/v1/forms/essai/1", content=FORM, expect=(200, None))
        return
    refusals = [
        w.request("PUT", url, content=FORM, expect=(403, "forbidden"))
        for url in ("/api/v1/forms/essai/1", f"/api/v1/forms/jamais-{w.user}/1")
    ]
    assert refusals[0].content == refusals[1].content


def _same_answers(theirs: list[dict], none: list[dict], names: dict[str, str]) -> None:
    """Results of a push naming the territory's records, and of the same push naming
    ids the server never had (`names`: their id -> the other id): alike but for ids."""

    def seen(results: list[dict]) -> list[tuple[object, ...]]:
        out: list[tuple[object, ...]] = []
        for r in results:
            reason = r.get("reason") or ""
            for their_id, other in names.items():
                reason = reason.replace(other, their_id)
            out.append((r["status"], r.get("code"), reason, r.get("version"), r.get("current")))
        return out

    assert seen(theirs) == seen(none), (theirs, none)


# No oracle: a push naming the territory's records (at any version, as the id of a
# natural-key child, inside one's own deletion) is answered as the same push naming
# records the server never had. (Only a push that gives a new record of one's own an
# id that exists elsewhere cannot be answered as for a new one: docs/SECURITY.md, "Not
# protected".) Not for a territory of one's own: one reads it anyway.


def crafted_no_oracle_versions(w: Walker) -> None:
    """Their records overwritten at their version, behind it, ahead of it, against a
    record under their visit (or in their commune) the server never had."""
    if w.mine or w.shut_out:
        return
    ids, user = w.ids, w.user
    for table, key, fresh in (
        ("visits", "visit", None),
        ("contacts", "contact", None),
        ("quick_notes", "note", None),
        ("answers", "answer", natural("answers", answer_fields(ids["visit"], "jamais"))),
    ):
        version, fields = _fields_of(w.client.app, table, ids[key])  # type: ignore[arg-type]
        if table == "answers":
            fields = answer_fields(ids["visit"], "jamais")
        other = fresh or f"x-jamais-{table}-{user}"
        none = w.push(change(table, other, fields, base=version), expect=None)
        for base in (version, 0, version - 1, version + 7):
            theirs = w.push(w.current(table, key) | {"base_version": base}, expect=None)
            _same_answers(theirs, none, {ids[key]: other})


def crafted_no_oracle_natural_ids(w: Walker) -> None:
    """The id of an answer of theirs (computed from their visit's id) on an answer of
    one's own visit, against the id of an answer they never gave: a mismatch both."""
    if w.mine or w.shut_out:
        return
    ids, user = w.ids, w.user
    own_visit, own_interview = f"own-v-{user}", f"own-i-{user}"
    for table, key, fields, unused in (
        (
            "answers",
            "answer",
            answer_fields(own_visit, "eclairage"),
            answer_fields(ids["visit"], "jamais"),
        ),
        (
            "interview_answers",
            "interview_answer",
            interview_answer_fields(own_interview, "q1"),
            interview_answer_fields(ids["interview"], "jamais"),
        ),
        (
            "theme_ratings",
            "rating",
            rating_fields(own_visit, "eclairage"),
            rating_fields(ids["visit"], "jamais"),
        ),
    ):
        other = natural(table, unused)
        none = w.push(change(table, other, fields, base=1), expect=None)
        theirs = w.push(change(table, ids[key], fields, base=w.version(table, key)), expect=None)
        _same_answers(theirs, none, {ids[key]: other})
        assert none[0]["code"] == "natural_id_mismatch", none


def crafted_no_oracle_deletions(w: Walker) -> None:
    """One's own visit deleted with the same deletion id as their visit (at its version
    or not: it has live records) or as a visit the server never had: his own deletion
    is judged alone."""
    if w.mine or w.shut_out:
        return
    ids, user = w.ids, w.user
    _version, their_fields = _fields_of(w.client.app, "visits", ids["visit"])  # type: ignore[arg-type]
    for n, base in enumerate((w.version("visits", "visit"), 0)):
        mine_a, mine_b, other = f"x-dv{n}a-{user}", f"x-dv{n}b-{user}", f"x-jamais-dv{n}-{user}"
        w.setup(
            change("visits", mine_a, visit_fields(w.own, COMMUNE[w.own])),
            change("visits", mine_b, visit_fields(w.own, COMMUNE[w.own])),
        )
        own_tombstone = _tombstone(mine_a, visit_fields(w.own, COMMUNE[w.own]), 1, f"{n}a-{user}")
        theirs = w.push(
            own_tombstone, _tombstone(ids["visit"], their_fields, base, f"{n}a-{user}"), expect=None
        )
        own_tombstone = _tombstone(mine_b, visit_fields(w.own, COMMUNE[w.own]), 1, f"{n}b-{user}")
        none = w.push(
            own_tombstone, _tombstone(other, their_fields, base, f"{n}b-{user}"), expect=None
        )
        _same_answers(theirs, none, {ids["visit"]: other, mine_a: mine_b})
        assert theirs[0]["status"] == "accepted", theirs


def _tombstone(visit_id: str, fields: dict, base: int, deletion: str) -> dict:
    """A visit's tombstone in the deletion `deletion`."""
    marked = {**fields, "deletion_id": f"del-{deletion}"}
    return change("visits", visit_id, marked, base=base, deleted=True)


def crafted_logout(w: Walker) -> None:
    """The last step: a logout (naming the owner's device) ends one's own session
    only; the owner's is checked alive afterwards."""
    body = {"device_id": f"dev-{OWNER[w.dep]}"}
    w.request("POST", "/api/v1/logout", json=body, expect=(204, None))
    if not w.shut_out:
        gone = w.send("GET", "/api/v1/me", everyone=True)
        assert (gone.status_code, gone.json()["code"]) == (401, "token_revoked")


def crafted_reference(w: Walker) -> None:
    """Public data: the list names only the user's territories' parts, and another
    territory's part is answered as one that was never published (no oracle)."""
    listed = w.request("GET", "/api/v1/reference", expect=(200, None))
    if not w.shut_out:
        territories = {part["territory"] for part in listed.json()["parts"]}
        assert (w.dep in territories) == w.mine, (w.user, w.dep, territories)
        assert "63" not in territories or w.user == "admin"
    part = w.request(
        "GET",
        f"/api/v1/reference/pvd/{w.dep}",
        expect=(200, None) if w.mine else (404, "not_found"),
    )
    if w.mine:
        assert part.headers["content-type"] == "application/gzip"
    elif not w.shut_out:
        never = w.request("GET", "/api/v1/reference/pvd/974", expect=(404, "not_found"))
        assert part.json()["code"] == never.json()["code"]
        assert part.json()["detail"].replace(w.dep, "NN") == never.json()["detail"].replace(
            "974", "NN"
        )


CRAFTED = (
    crafted_accounts,
    crafted_reference,
    crafted_history,
    crafted_lost_versions,
    crafted_foreign_hashes,
    crafted_partial_uploads,
    crafted_no_oracle_versions,
    crafted_no_oracle_natural_ids,
    crafted_no_oracle_deletions,
    crafted_foreign_ids,
    crafted_communes,
    crafted_parents,
    crafted_deletions,
)
# Each valid identity at each territory; each ended session at one of them (alike).
WALKERS = [
    *((user, dep) for user in ("anonymous", *TERRITORIES) for dep in ("15", "43")),
    ("expired", "15"),
    ("logged_out", "43"),
    ("password_changed", "15"),
    ("replaced", "43"),
    ("disabled", "15"),
]


@pytest.mark.parametrize(("user", "dep"), WALKERS)
def test_crafted_requests_of_every_role_at_every_territory(
    app: FastAPI,
    client: TestClient,
    login_as: Login,
    territories: Seeded,
    log_dir: Path,
    db_url: str,
    user: str,
    dep: str,
) -> None:
    tokens = list(territories.tokens)
    if user == "anonymous":
        headers: dict[str, str] = {}
    elif user in SHUT_OUT:
        headers, ended = _ended_session(app, client, login_as, db_url, user)
        tokens += ended
    else:
        headers = login_as(user)
        tokens.append(_token(headers))
    w = Walker(client, headers, user, dep, territories.batch_ids)
    w.tokens += tokens[len(territories.tokens) :]  # his own first
    own_visit = f"own-v-{user}"
    w.setup(
        change("visits", own_visit, visit_fields(w.own, COMMUNE[w.own])),
        change("interviews", f"own-i-{user}", interview_fields(own_visit)),
        change("quick_notes", f"own-n-{user}", note_fields(own_visit)),
    )
    before = {d: _territory_state(app, d) for d in ("15", "43")}
    for crafted in CRAFTED:
        crafted(w)
    pulled = w.request("GET", "/api/v1/changes?limit=1000", expect=(200, None))
    marker = MARK[dep].encode()
    if w.mine:
        assert marker in pulled.content  # the same answers do carry it when allowed
    else:
        # Nothing of the territory changed, and no answer held a byte of its marker.
        assert _territory_state(app, dep) == before[dep]
        for answer in w.answers:
            assert marker not in answer, (user, dep, answer[:300])
    if w.shut_out:  # nothing changed anywhere
        assert {d: _territory_state(app, d) for d in ("15", "43")} == before

    # Its owner's work goes on, in the session he had before the walk: the answer
    # whose id was squatted, the upload jammed.
    owner, ids = territories.owners[dep], _ids(dep)
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
    if not w.shut_out:
        assert status.json() == _unknown_upload(sha)
    w.request("GET", f"/api/v1/attachments/{sha}/content", expect=(404, "not_found"))
    if not w.mine:
        assert all(marker not in answer for answer in w.answers)
    crafted_logout(w)
    assert client.get("/api/v1/me", headers=owner).status_code == 200

    # Every route of the server had its crafted requests.
    assert w.routes() == served_routes(app), served_routes(app) - w.routes()
    _check_log_files(log_dir, w, tokens)


def _check_log_files(log_dir: Path, w: Walker, tokens: list[str]) -> None:
    """The files the server wrote during the walk, read back: one access line per
    request, and no file hash, token (nor its stored hash), password or content."""
    files = {path.name: path.read_bytes() for path in log_dir.iterdir()}
    assert set(files) == set(logs.FILES.values()), files.keys()
    access = [json.loads(line) for line in files["access.jsonl"].splitlines()]
    assert len(access) >= len(w.sent), (len(access), len(w.sent))
    if not w.shut_out:
        assert any(line.get("user") == w.user for line in access)
    audit = files["audit.jsonl"].decode("utf-8")
    assert '"event":"upload"' in audit and '"event":"push"' in audit  # they were written
    if w.shut_out and w.user != "anonymous":
        assert f'"reason":"{w.refused_code}"' in audit  # his refused token, by its reason
    shas = [*CRAFTED_SHA.values(), *IN_PROGRESS_SHA.values(), UNKNOWN_SHA]
    needles = [
        *((f"hash {sha[:8]}", sha) for sha in shas),
        *((f"hash {sha[:8]} in capitals", sha.upper()) for sha in shas),
        *((f"token {t[:6]}", t) for t in tokens),
        *((f"stored hash of token {t[:6]}", token_hash(t)) for t in tokens),
        *((f"password {p[:4]}", p) for p in (PASSWORD, WRONG_PASSWORD, NEW_PASSWORD)),
        *((f"marker of {dep}", mark) for dep, mark in MARK.items()),
        ("pasted secret", PASTED),
    ]
    for name, content in files.items():
        for what, needle in needles:
            assert needle.encode() not in content, (name, what)
