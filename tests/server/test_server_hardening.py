"""Server hardening: size limits per endpoint, strict input, security headers, no stack
trace to clients, values the database or a laptop could not store."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fieldvisit.server import routes
from fieldvisit.server.app import MAX_SMALL_BODY, make_api
from fieldvisit.server.testing import change, push_body, visit_fields
from fieldvisit.sync.wire import MAX_CHUNK_BYTES, MAX_FORM_BYTES

Login = Callable[..., dict[str, str]]


@pytest.fixture
def h(login_as: Login) -> dict[str, str]:
    return login_as("agent15")


def _error(answer, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"detail", "code"} and body["detail"]
    return body


# --- size limits -----------------------------------------------------------------------


def test_each_endpoint_has_its_own_body_limit(client: TestClient, login_as: Login) -> None:
    admin = login_as("admin")
    login = client.post(
        "/api/v1/login",
        headers={"Content-Type": "application/json"},
        content=b'{"username": "' + b"x" * MAX_SMALL_BODY + b'"}',
    )
    assert _error(login, 413)["code"] == "too_large"
    assert "16 Ko" in login.json()["detail"]
    form = client.put("/api/v1/forms/essai/1", headers=admin, content=b"#" * (MAX_FORM_BYTES + 1))
    assert "Formulaire trop volumineux" in _error(form, 413)["detail"]
    sha = hashlib.sha256(b"x").hexdigest()
    chunk = client.put(
        f"/api/v1/attachments/{sha}?offset=0&size={MAX_CHUNK_BYTES + 1}",
        headers=admin,
        content=b"x" * (MAX_CHUNK_BYTES + 1),
    )
    assert "Morceau de fichier trop volumineux" in _error(chunk, 413)["detail"]
    # Just under the limits: refused for what they say, not for their size.
    small = client.put("/api/v1/forms/essai/1", headers=admin, content=b"#" * 1000)
    assert small.status_code == 422
    again = client.get("/api/v1/me", headers=admin)  # the connection is still usable
    assert again.status_code == 200


def test_a_body_on_a_read_is_limited_too(client: TestClient, h: dict) -> None:
    answer = client.request("GET", "/api/v1/changes", headers=h, content=b"x" * 100_000)
    _error(answer, 413)


# --- strict input ----------------------------------------------------------------------


def test_unknown_query_parameters_are_refused(client: TestClient, h: dict) -> None:
    answer = client.get("/api/v1/changes?after=0&token=abc", headers=h)
    assert "paramètre inconnu : « token »" in _error(answer, 422)["detail"]
    assert client.get("/api/v1/changes?after=0&limit=10", headers=h).status_code == 200


def test_a_body_that_is_not_json_is_a_french_422(client: TestClient) -> None:
    answer = client.post(
        "/api/v1/login", headers={"Content-Type": "application/json"}, content=b"\xff\xfe{"
    )
    assert "JSON" in _error(answer, 422)["detail"]


@pytest.mark.parametrize("field", ["username", "device_name"])
def test_control_characters_in_login_names_are_refused(client: TestClient, field: str) -> None:
    # PostgreSQL cannot store a NUL character: without this check, a 500.
    body = {"username": "agent15", "password": "x", "device_id": "d", field: "a\x00b"}
    answer = client.post("/api/v1/login", json=body)
    assert "caractères de contrôle" in _error(answer, 422)["detail"]


def test_a_deeply_nested_form_is_refused_not_a_crash(client: TestClient, login_as: Login) -> None:
    admin = login_as("admin")
    nested = b"a = " + b"[" * 50_000
    answer = client.put("/api/v1/forms/essai/1", headers=admin, content=nested)
    assert "imbrication" in _error(answer, 422)["detail"]


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        (visit_fields(checklist_form_version=2**63), "hors de l'intervalle"),
        (visit_fields(checklist_form_version=-(2**63) - 1), "hors de l'intervalle"),
        (visit_fields(created_at="9999-12-31T23:00:00-05:00"), "date hors limites"),
        (visit_fields(created_at="0001-01-01T00:30:00+01:00"), "date hors limites"),
        (visit_fields(departement="15\n"), "n'est pas un numéro de département"),
        (visit_fields(departement="١٥"), "n'est pas un numéro de département"),  # Arabic
    ],
)
def test_values_a_laptop_could_not_store_are_rejected(
    client: TestClient, h: dict, fields: dict, why: str
) -> None:
    """A record accepted here goes to every laptop of the territory: one value their
    SQLite cannot hold (or UTC cannot represent) would break all their pulls."""
    answer = client.post("/api/v1/push", headers=h, json=push_body("dev-agent15", change(
        "visits", "v", fields)))  # fmt: skip
    result = answer.json()["results"][0]
    assert result["status"] == "rejected" and why in result["reason"], result
    assert client.get("/api/v1/changes", headers=h).json()["records"] == []


def test_the_largest_allowed_values_are_accepted(client: TestClient, h: dict) -> None:
    fields = visit_fields(checklist_form_version=1_000_000, created_at="9999-12-31T23:00:00Z")
    answer = client.post("/api/v1/push", headers=h, json=push_body("dev-agent15", change(
        "visits", "v", fields)))  # fmt: skip
    assert answer.json()["results"][0]["status"] == "accepted"


# --- headers ---------------------------------------------------------------------------


def test_security_headers_on_every_answer(client: TestClient, h: dict) -> None:
    for answer in (
        client.get("/health"),
        client.get("/api/v1/changes", headers=h),
        client.get("/api/v1/changes"),  # 401
        client.get("/nope"),  # 404
        client.get("/openapi.json"),
    ):
        headers = answer.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"
        assert headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert headers["X-Frame-Options"] == "DENY"
        assert len(headers["X-Request-Id"]) == 16
        assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_hsts_only_over_tls(app: FastAPI) -> None:
    """Over HTTPS (uvicorn's TLS, or a trusted proxy's X-Forwarded-Proto) only."""
    tls = TestClient(app, base_url="https://testserver")
    assert tls.get("/health").headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = TestClient(app, base_url="http://testserver")
    assert "Strict-Transport-Security" not in plain.get("/health").headers


def test_no_docs_page_with_third_party_scripts(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    schema = client.get("/openapi.json").json()
    assert "/api/v1/push" in schema["paths"]
    assert schema["paths"]["/api/v1/push"]["post"]["security"] == [{"jeton": []}]


def test_the_openapi_document_does_not_need_a_database() -> None:
    document = make_api().openapi()
    push = document["paths"]["/api/v1/push"]["post"]["requestBody"]["content"]
    assert push["application/json"]["schema"] == {"$ref": "#/components/schemas/PushBatch"}
    assert "Change" in document["components"]["schemas"]


# --- no stack trace to clients ---------------------------------------------------------


def test_an_unexpected_error_is_a_500_with_a_reference_and_a_logged_traceback(
    app: FastAPI, h: dict, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_session: object) -> None:
        raise RuntimeError("détail interne secret /srv/fieldvisit/db")

    monkeypatch.setattr(routes, "list_forms", broken)
    caplog.set_level(logging.INFO, logger="fieldvisit.server")
    answer = TestClient(app).get("/api/v1/forms", headers=h)
    body = _error(answer, 500)
    reference = answer.headers["X-Request-Id"]
    assert body["code"] == "internal_error" and reference in body["detail"]
    assert "secret" not in answer.text and "Traceback" not in answer.text
    errors = [r for r in caplog.records if r.name == "fieldvisit.server.errors"]
    assert len(errors) == 1 and errors[0].fields["request_id"] == reference  # type: ignore[attr-defined]
    assert errors[0].exc_info is not None and "secret" in str(errors[0].exc_info[1])
    access = [r for r in caplog.records if r.name == "fieldvisit.server.access"]
    assert access[-1].fields["status"] == 500  # type: ignore[attr-defined]
    assert access[-1].fields["user"] == "agent15"  # type: ignore[attr-defined]
    # The server goes on answering.
    monkeypatch.undo()
    assert TestClient(app).get("/api/v1/forms", headers=h).status_code == 200


def test_two_devices_creating_the_same_row_at_once_get_a_409_not_a_500(
    app: FastAPI, h: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import IntegrityError

    def race(*_args: object, **_kwargs: object) -> None:
        raise IntegrityError("INSERT INTO blobs …", {}, Exception("duplicate key"))

    monkeypatch.setattr(app.state.ctx.blobs, "write_chunk", race)
    sha = hashlib.sha256(b"photo").hexdigest()
    answer = TestClient(app).put(
        f"/api/v1/attachments/{sha}?offset=0&size=5", headers=h, content=b"photo"
    )
    assert _error(answer, 409)["code"] == "concurrent_write"
    assert answer.headers["Retry-After"]
