"""The server fuzzed from its own OpenAPI schema (schemathesis 4) on SQLite and PostgreSQL.

Each identity — anonymous, an agent of the Haute-Loire (43), a coordinator of the
Cantal (15), an admin — gets a freshly seeded server (uvicorn on 127.0.0.1) holding one
visit per territory (contact, participant, answer, interview, note and photo), every
text carrying its territory's marker. Schemathesis sends each operation its coverage
cases (boundary values, each constraint broken in turn, missing parameters, wrong
content types) and `EXAMPLES` generated requests, valid and invalid, with the
identity's real token. Half of the requests are aimed at the seeded data: the photo
hashes of both territories in the path, the token's device, valid changes to the other
territory's records, its records' history (the visit's first version is marked too),
and lost-versions queries naming its records under the server's real epoch. Every
route of the server is fuzzed (`test_every_route_is_fuzzed`), `/api/v1/lost-versions`
and the history included.

Asserted on every answer: no 5xx, the status code, content type and body are those the
schema documents, a request that breaks the schema is refused, and no body contains the
marker of a territory the identity may not read.

Examples: `EXAMPLES` = 40 per operation and identity. With the coverage cases that is
about 800 requests per identity and database (14 operations), 3,200 per database; the
whole file took about 2 minutes for both databases on the 2-core development machine
while other jobs ran. Derandomized: CI runs the same requests every time.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from fieldvisit.core.clock import utc_now
from fieldvisit.server import epoch
from fieldvisit.server.app import create_app, make_api
from fieldvisit.server.auth import find_user, issue_token
from fieldvisit.server.testing import (
    ENV_TEST_PG_URL,
    STAMP,
    add_user,
    answer_fields,
    attachment_fields,
    change,
    contact_fields,
    fast_passwords,
    keyed,
    participant_fields,
    postgres_schema,
    push_body,
    serve,
    visit_fields,
)

EXAMPLES = 40
PG_URL = os.environ.get(ENV_TEST_PG_URL)
PASSWORD = "mot-de-passe-solide"
USERS = {
    "agent43": ("agent", ("43",)),
    "coord15": ("coordinateur", ("15",)),
    "admin": ("admin", ()),
}

MARKERS = {"15": "MARQUEUR-CANTAL-7e1c5a", "43": "MARQUEUR-HAUTE-LOIRE-4b9d02"}
COMMUNES = {"15": "15187", "43": "43157"}
PHOTOS = {dep: f"JPEG… {marker} …".encode() for dep, marker in MARKERS.items()}
SHAS = {dep: hashlib.sha256(data).hexdigest() for dep, data in PHOTOS.items()}
# Who is fuzzed, and the territories whose markers they may see.
IDENTITIES = {
    "anonymous": frozenset[str](),
    "agent43": frozenset({"43"}),
    "coord15": frozenset({"15"}),
    "admin": frozenset({"15", "43"}),
}


@schemathesis.serializer("application/toml")
def _toml(ctx: Any, value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _seed(client: TestClient, admin: dict[str, str]) -> None:
    for dep, marker in MARKERS.items():
        data = PHOTOS[dep]
        put = client.put(
            f"/api/v1/attachments/{SHAS[dep]}?offset=0&size={len(data)}",
            headers=admin,
            content=data,
        )
        assert put.json()["complete"], put.text
        visit = visit_fields(dep, COMMUNES[dep], summary=f"Diagnostic {marker}")
        interview = {
            "visit_id": f"v{dep}",
            "form_id": "entretien-maire",
            "form_version": 1,
            "title": f"Entretien {marker}",
            "held_on": None,
            "notes": f"Notes {marker}",
            "created_at": STAMP,
        }
        note = {
            "visit_id": f"v{dep}",
            "text": f"Note {marker}",
            "noted_at": STAMP,
            "moved_to": None,
            "created_at": STAMP,
        }
        photo = attachment_fields(f"v{dep}", SHAS[dep], len(data))
        photo["caption"] = f"Photo {marker}"
        body = push_body(
            "fuzz-admin",
            change("contacts", f"c{dep}", contact_fields(COMMUNES[dep], f"M. {marker}")),
            change("visits", f"v{dep}", visit),
            keyed("visit_participants", participant_fields(f"v{dep}", f"c{dep}")),
            keyed("answers", {**answer_fields(f"v{dep}"), "comment": marker}),
            change("interviews", f"i{dep}", interview),
            change("quick_notes", f"n{dep}", note),
            change("attachments", f"p{dep}", photo),
        )
        results = client.post("/api/v1/push", headers=admin, json=body).json()["results"]
        assert {r["status"] for r in results} == {"accepted"}, results
        # An edit: the visit's history holds its first, marked version.
        edited = change("visits", f"v{dep}", {**visit, "summary": f"Revu {marker}"}, base=1)
        results = client.post(
            "/api/v1/push", headers=admin, json=push_body("fuzz-admin", edited)
        ).json()["results"]
        assert results[0]["status"] == "accepted", results
    form = b'id = "essai"\nversion = 1\ntitle = "Essai"\nkind = "checklist"\n'
    assert client.put("/api/v1/forms/essai/1", headers=admin, content=form).status_code == 201


class Tokens:
    """Real device tokens, minted in the database (no login attempts to rate-limit)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.current: dict[str, str] = {}

    def device(self, identity: str) -> str:
        return f"fuzz-{identity}"

    def header(self, identity: str) -> dict[str, str]:
        if identity == "anonymous":
            return {}
        if identity not in self.current:
            ctx = self.app.state.ctx
            with ctx.db.transaction() as session:
                user = find_user(session, identity)
                assert user is not None
                token, _ = issue_token(session, user, self.device(identity), "fuzz", utc_now())
            self.current[identity] = token
        return {"Authorization": f"Bearer {self.current[identity]}"}

    def forget(self, identity: str) -> None:
        """After a logout the token is revoked: the next request uses a fresh one."""
        self.current.pop(identity, None)


@dataclass
class Target:
    identity: str
    url: str
    tokens: Tokens
    epoch: str  # the server's: lost-versions queries aimed at the seeded data use it


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not PG_URL, reason=f"{ENV_TEST_PG_URL} not set"),
        ),
    ],
)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def _database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite+pysqlite:///{folder / 'server.sqlite3'}"
    else:
        assert PG_URL is not None
        with postgres_schema(PG_URL) as url:
            yield url


@pytest.fixture(scope="module", params=list(IDENTITIES))
def target(
    request: pytest.FixtureRequest, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    """A seeded server of its own for each identity: one identity's writes never make
    another's leak check wrong (an admin may legitimately share a contact, say)."""
    identity = str(request.param)
    folder = tmp_path_factory.mktemp(f"fuzz-{identity}")
    with _database(backend, folder) as url:
        app = create_app(url, folder / "files", passwords=fast_passwords())
        ctx = app.state.ctx
        try:
            for name, (role, territories) in USERS.items():
                add_user(ctx.db, ctx.passwords, name, PASSWORD, role, territories)
            tokens = Tokens(app)
            _seed(TestClient(app), tokens.header("admin"))
            tokens.forget("admin")
            with ctx.db.reading() as session:
                current = epoch.current_epoch(session)
            with serve(app) as server_url:
                yield Target(identity, server_url, tokens, current)
        finally:
            ctx.db.close()


def _seeded_change(rng: random.Random) -> dict[str, Any]:
    """A valid change aimed at a seeded record (often of a territory not the user's)."""
    dep = rng.choice(sorted(MARKERS))
    base = rng.randint(0, 2)
    kind = rng.choice(["edit_visit", "edit_answer", "new_answer", "link_contact", "photo"])
    if kind == "edit_visit":
        return change("visits", f"v{dep}", visit_fields(dep, COMMUNES[dep]), base=base)
    if kind == "edit_answer":
        return keyed("answers", answer_fields(f"v{dep}", value="modifié"), base=base)
    if kind == "new_answer":
        return keyed("answers", answer_fields(f"v{dep}", item_id="autre"))
    if kind == "link_contact":
        other = rng.choice(sorted(MARKERS))
        return keyed("visit_participants", participant_fields(f"v{dep}", f"c{other}"))
    return change("attachments", f"fuzz-p{dep}", attachment_fields(f"v{dep}", SHAS[dep], 10))


# Seeded records of each territory, as (table, id): for history and lost versions.
SEEDED = {
    dep: [
        ("visits", f"v{dep}"),
        ("contacts", f"c{dep}"),
        ("interviews", f"i{dep}"),
        ("quick_notes", f"n{dep}"),
        ("attachments", f"p{dep}"),
        ("answers", keyed("answers", answer_fields(f"v{dep}"))["id"]),
    ]
    for dep in MARKERS
}


def _aim(case: Any, target: Target) -> bool:
    """Point half of the generated requests at the seeded data (hashes, device, records).

    The choices derive from the request itself: the run stays reproducible, and the
    coverage phase stays on (schemathesis turns it off for tests with extra strategies).
    """
    seed = repr((case.path_parameters, case.query, case.body)).encode("utf-8", "replace")
    rng = random.Random(hashlib.sha256(seed).digest())
    if rng.random() < 0.5:
        return False
    aimed = False
    if case.path_parameters and "sha256" in case.path_parameters:
        case.path_parameters["sha256"] = SHAS[rng.choice(sorted(SHAS))]
        aimed = True
    if case.path_parameters and "record_id" in case.path_parameters:
        table, record_id = rng.choice(SEEDED[rng.choice(sorted(SEEDED))])
        case.path_parameters.update(table=table, record_id=record_id)
        aimed = True
    if isinstance(case.body, dict) and "changes" in case.body:
        case.body["device_id"] = target.tokens.device(target.identity)
        case.body["changes"] = [_seeded_change(rng) for _ in range(rng.randint(1, 4))]
        aimed = True
    if isinstance(case.body, dict) and "epoch" in case.body:
        case.body["epoch"] = target.epoch
        picked = rng.sample([r for dep in sorted(SEEDED) for r in SEEDED[dep]], k=4)
        case.body["records"] = [
            {"table": table, "id": record_id, "version": rng.randint(0, 3)}
            for table, record_id in picked
        ]
        aimed = True
    return aimed


def _still_invalid(case: Any, aimed: bool, identity: str) -> bool:
    """Whether a request generated invalid is still invalid as sent: not if it was aimed
    at the seeded data, nor if its only fault was in the Authorization header we set."""
    if aimed or case.meta is None:
        return not aimed
    negated = {
        location
        for location, info in case.meta.components.items()
        if info.mode == GenerationMode.NEGATIVE
    }
    return identity == "anonymous" or negated - {ParameterLocation.HEADER} == negated


def _assert_no_leak(identity: str, body: bytes) -> None:
    for dep, marker in MARKERS.items():
        if dep not in IDENTITIES[identity]:
            assert marker.encode() not in body, f"{identity} received data of territory {dep}"


# The schema as the server serves it (the document does not depend on the database).
schema = schemathesis.openapi.from_dict(make_api().openapi())


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_fuzzed_requests_never_fail_nor_leak(case: Any, target: Target) -> None:
    # Coverage cases are built once and replayed for every identity: aim a copy.
    saved = copy.deepcopy((case.path_parameters, case.body))
    try:
        _check(case, target)
    finally:
        case.path_parameters, case.body = saved


def _check(case: Any, target: Target) -> None:
    identity, tokens = target.identity, target.tokens
    aimed = _aim(case, target)
    headers = tokens.header(identity)
    response = case.call(base_url=target.url, headers=headers)
    if case.path.endswith("/logout") and response.status_code == 204:
        tokens.forget(identity)
    assert response.status_code < 500, (response.status_code, response.text[:500])
    _assert_no_leak(identity, response.content)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    if _still_invalid(case, aimed, identity):
        checks.append(negative_data_rejection)
    case.validate_response(response, checks=checks, headers=headers)


def test_the_markers_are_really_served_to_those_who_may_read_them(app: FastAPI) -> None:
    """The leak check above is meaningful: on a freshly seeded server the same reads do
    show each territory's markers to their own users (pulls, downloads)."""
    tokens = Tokens(app)
    _seed(TestClient(app), tokens.header("admin"))
    with serve(app) as url, httpx.Client(base_url=url) as client:
        for identity, mine in IDENTITIES.items():
            if identity == "anonymous":
                continue
            pulled = client.get("/api/v1/changes", headers=tokens.header(identity)).content
            for dep, marker in MARKERS.items():
                assert (marker.encode() in pulled) == (dep in mine), (identity, dep)
                photo = client.get(
                    f"/api/v1/attachments/{SHAS[dep]}/content", headers=tokens.header(identity)
                )
                assert (photo.status_code == 200) == (dep in mine)
                if dep in mine:
                    assert marker.encode() in photo.content
                history = client.get(
                    f"/api/v1/records/visits/v{dep}/history", headers=tokens.header(identity)
                )
                assert (f"Diagnostic {marker}" in history.text) == (dep in mine)
                held = [{"table": t, "id": i, "version": 9} for t, i in SEEDED[dep]]
                lost = client.post(
                    "/api/v1/lost-versions",
                    headers=tokens.header(identity),
                    json={"epoch": _epoch(app), "records": held},
                )
                assert (marker in lost.text) == (dep in mine), (identity, dep)
        assert json.loads(client.get("/health").content)["status"] == "ok"


def _epoch(app: FastAPI) -> str:
    with app.state.ctx.db.reading() as session:
        return epoch.current_epoch(session)


def test_every_route_is_fuzzed(app: FastAPI) -> None:
    """The fuzzed schema is the one the server serves, every route of it: a new
    endpoint (lost versions, history…) is fuzzed without anyone adding it here."""
    served = {
        (method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item
    }
    fuzzed = {
        (operation.method.upper(), operation.path)
        for operation in (result.ok() for result in schema.get_all_operations())
    }
    assert fuzzed == served
    assert {("POST", "/api/v1/lost-versions"), ("POST", "/api/v1/push")} <= fuzzed
    assert ("GET", "/api/v1/records/{table}/{record_id}/history") in fuzzed
