"""The HTTP endpoints (see `sync/wire.py` for the list and the documents)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, PlainTextResponse, Response
from pydantic import ValidationError
from sqlalchemy import select, update

from fieldvisit import __version__
from fieldvisit.server.app import ApiError, ServerContext, context_of
from fieldvisit.server.auth import find_user, issue_token, token_hash
from fieldvisit.server.blobs import UploadProblem
from fieldvisit.server.forms import FormRejected, list_forms, publish_form
from fieldvisit.server.models import Blob, Device, PublishedForm, Record, User
from fieldvisit.server.records import BatchIdReused, pull_page, push, readable
from fieldvisit.server.scoping import Principal
from fieldvisit.sync.wire import (
    API_PREFIX,
    FORM_ID_RE,
    MAX_CHUNK_BYTES,
    MAX_PAGE_RECORDS,
    PROTOCOL_VERSION,
    SHA256_RE,
    FormList,
    HealthStatus,
    LoginRequest,
    LoginResponse,
    PullPage,
    PushBatch,
    PushResult,
    UploadStatus,
    UserInfo,
)

router = APIRouter()
LAST_SEEN_STEP = timedelta(minutes=5)

Ctx = Annotated[ServerContext, Depends(context_of)]
Sha = Annotated[str, Path(pattern=SHA256_RE.pattern)]
FormId = Annotated[str, Path(pattern=FORM_ID_RE.pattern)]
FormVersion = Annotated[int, Path(ge=1, le=1_000_000)]


def _unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message, {"WWW-Authenticate": "Bearer"})


def principal(ctx: Ctx, authorization: Annotated[str | None, Header()] = None) -> Principal:
    """The user behind the request's `Authorization: Bearer <token>`."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        raise _unauthorized(
            "not_authenticated", "Authentification requise : connectez-vous (fieldvisit login)."
        )
    now = ctx.clock()
    with ctx.db.reading() as session:
        row = session.execute(
            select(Device, User)
            .join(User, User.id == Device.user_id)
            .where(Device.token_hash == token_hash(token.strip()))
        ).first()
    if row is None:
        raise _unauthorized(
            "token_unknown", "Jeton inconnu : reconnectez-vous avec « fieldvisit login »."
        )
    device, user = row
    if device.revoked_at is not None:
        raise _unauthorized(
            "token_revoked",
            "Cet appareil a été déconnecté (jeton révoqué) : reconnectez-vous avec "
            "« fieldvisit login ».",
        )
    if device.expires_at <= now:
        raise _unauthorized(
            "token_expired", "Session expirée : reconnectez-vous avec « fieldvisit login »."
        )
    if user.disabled:
        raise _unauthorized("user_disabled", "Compte désactivé : contactez un administrateur.")
    if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_STEP:
        with ctx.db.transaction() as session:  # a write at most every few minutes
            session.execute(update(Device).where(Device.id == device.id).values(last_seen_at=now))
    return Principal(
        user_id=user.id,
        username=user.username,
        role=user.role,
        territories=frozenset(user.territory_list),
        device_row=device.id,
        device_id=device.device_id,
    )


Who = Annotated[Principal, Depends(principal)]


@router.get("/health", response_model=HealthStatus)
def health(ctx: Ctx) -> HealthStatus:
    with ctx.db.reading() as session:
        session.execute(select(1))
    return HealthStatus(status="ok", protocol=PROTOCOL_VERSION, version=__version__)


@router.post(f"{API_PREFIX}/login", response_model=LoginResponse)
def login(body: LoginRequest, request: Request, ctx: Ctx) -> LoginResponse:
    address = request.client.host if request.client else "?"
    wait = ctx.limiter.retry_after(body.username, address)
    if wait:
        raise ApiError(
            429,
            "too_many_attempts",
            f"Trop de tentatives de connexion : réessayez dans {wait} secondes.",
            {"Retry-After": str(wait)},
        )
    with ctx.db.reading() as session:
        user = find_user(session, body.username)
        stored = user.password_hash if user is not None and not user.disabled else None
    if not ctx.passwords.verify(stored, body.password) or user is None:
        ctx.limiter.failed(body.username, address)
        raise _unauthorized("bad_credentials", "Nom d'utilisateur ou mot de passe incorrect.")
    ctx.limiter.succeeded(body.username, address)
    now = ctx.clock()
    with ctx.db.transaction() as session:
        user = session.merge(user)
        token, device = issue_token(session, user, body.device_id, body.device_name, now)
    return LoginResponse(
        token=token,
        expires_at=device.expires_at,
        user=UserInfo(username=user.username, role=user.role, territories=user.territory_list),  # type: ignore[arg-type]
    )


@router.post(f"{API_PREFIX}/logout", status_code=204)
def logout(who: Who, ctx: Ctx) -> Response:
    with ctx.db.transaction() as session:
        device = session.get(Device, who.device_row)
        if device is not None and device.revoked_at is None:
            device.revoked_at = ctx.clock()
    return Response(status_code=204)


@router.get(f"{API_PREFIX}/me", response_model=UserInfo)
def me(who: Who) -> UserInfo:
    return UserInfo(username=who.username, role=who.role, territories=sorted(who.territories))  # type: ignore[arg-type]


@router.get(f"{API_PREFIX}/changes", response_model=PullPage)
def changes(
    who: Who,
    ctx: Ctx,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_RECORDS)] = 500,
) -> Response:
    with ctx.db.reading() as session:
        page = pull_page(session, who, after, limit)
    return Response(page.json(), media_type="application/json")


PUSH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": PushBatch.model_json_schema()}},
    }
}


@router.post(f"{API_PREFIX}/push", response_model=PushResult, openapi_extra=PUSH_BODY)
async def push_changes(request: Request, who: Who, ctx: Ctx) -> Response:
    # Parsed here rather than by FastAPI: pydantic's own JSON parser is several times
    # faster on a 500-record batch, and the raw bytes identify a replayed request.
    raw = await request.body()
    try:
        batch = PushBatch.model_validate_json(raw)
    except ValidationError as err:
        raise RequestValidationError(err.errors(include_url=False)) from err
    result = await run_in_threadpool(_push, ctx, who, batch, hashlib.sha256(raw).hexdigest())
    return Response(result, media_type="application/json")


def _push(ctx: ServerContext, who: Principal, batch: PushBatch, digest: str) -> str:
    if who.device_id != batch.device_id:
        raise ApiError(
            403,
            "wrong_device",
            "Ce lot vient d'un autre appareil que celui de la session : reconnectez-vous.",
        )
    try:
        with ctx.db.transaction() as session:
            result = push(session, who, batch, ctx.clock(), digest)
    except BatchIdReused as err:
        raise ApiError(
            409,
            "batch_id_reused",
            f"Identifiant de lot « {err} » déjà utilisé pour un autre envoi.",
        ) from err
    return result.model_dump_json()


@router.get(f"{API_PREFIX}/attachments/{{sha256}}", response_model=UploadStatus)
def upload_status(sha256: Sha, who: Who, ctx: Ctx) -> UploadStatus:
    with ctx.db.reading() as session:
        return ctx.blobs.status(session, sha256)


@router.put(f"{API_PREFIX}/attachments/{{sha256}}", response_model=UploadStatus)
async def upload_chunk(
    sha256: Sha,
    request: Request,
    who: Who,
    ctx: Ctx,
    offset: Annotated[int, Query(ge=0)],
    size: Annotated[int, Query(ge=0)],
) -> UploadStatus:
    data = await request.body()
    if len(data) > MAX_CHUNK_BYTES:
        raise ApiError(
            413, "too_large", f"Morceau trop gros : {MAX_CHUNK_BYTES // 2**20} Mo au plus."
        )
    return await run_in_threadpool(_write_chunk, ctx, who, sha256, offset, size, data)


def _write_chunk(
    ctx: ServerContext, who: Principal, sha256: str, offset: int, size: int, data: bytes
) -> UploadStatus:
    try:
        with ctx.db.transaction() as session:
            return ctx.blobs.write_chunk(
                session, who.user_id, sha256, offset, size, data, ctx.clock()
            )
    except UploadProblem as problem:
        raise ApiError(problem.http_status, problem.code, str(problem)) from problem


@router.get(f"{API_PREFIX}/attachments/{{sha256}}/content")
def download(sha256: Sha, who: Who, ctx: Ctx) -> FileResponse:
    missing = ApiError(404, "not_found", "Fichier joint introuvable sur le serveur.")
    with ctx.db.reading() as session:
        blob = session.get(Blob, sha256)
        if blob is None or not blob.complete:
            raise missing
        allowed = who.is_admin or blob.uploaded_by == who.user_id
        if not allowed:
            rows = session.scalars(
                select(Record).where(Record.table_name == "attachments", Record.sha256 == sha256)
            )
            allowed = any(readable(session, who, r) for r in rows)
    path = ctx.blobs.object_path(sha256)
    if not allowed or not path.is_file():
        raise missing
    return FileResponse(path, media_type="application/octet-stream")


@router.get(f"{API_PREFIX}/forms", response_model=FormList)
def forms(who: Who, ctx: Ctx) -> FormList:
    with ctx.db.reading() as session:
        return list_forms(session)


@router.get(f"{API_PREFIX}/forms/{{form_id}}/{{version}}")
def form_text(form_id: FormId, version: FormVersion, who: Who, ctx: Ctx) -> PlainTextResponse:
    with ctx.db.reading() as session:
        form = session.get(PublishedForm, (form_id, version))
    if form is None:
        raise ApiError(404, "not_found", f"Formulaire « {form_id} » v{version} non publié.")
    return PlainTextResponse(form.content, media_type="application/toml; charset=utf-8")


@router.put(f"{API_PREFIX}/forms/{{form_id}}/{{version}}", status_code=201)
async def publish(
    form_id: FormId, version: FormVersion, request: Request, who: Who, ctx: Ctx
) -> Response:
    if not who.is_admin:
        raise ApiError(403, "forbidden", "Seuls les administrateurs publient des formulaires.")
    raw = await request.body()
    created = await run_in_threadpool(_publish, ctx, who, form_id, version, raw)
    return Response(status_code=201 if created else 200)


def _publish(ctx: ServerContext, who: Principal, form_id: str, version: int, raw: bytes) -> bool:
    try:
        with ctx.db.transaction() as session:
            _form, created = publish_form(session, form_id, version, raw, who.user_id, ctx.clock())
    except FormRejected as err:
        raise ApiError(err.status, err.code, str(err)) from err
    return created
