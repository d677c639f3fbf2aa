"""The HTTP endpoints (see `sync/wire.py` for the list and the documents)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, PlainTextResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from sqlalchemy import select, update

from fieldvisit import __version__
from fieldvisit.server import epoch, logs
from fieldvisit.server.auth import find_user, issue_token, token_hash
from fieldvisit.server.blobs import UploadProblem
from fieldvisit.server.context import ApiError, ServerContext, context_of
from fieldvisit.server.forms import FormRejected, list_forms, publish_form
from fieldvisit.server.history import MAX_VERSIONS, RecordHistory, read_history
from fieldvisit.server.models import Device, PublishedForm, User
from fieldvisit.server.records import BatchIdReused, pull_page, push
from fieldvisit.server.scoping import Principal
from fieldvisit.sync.wire import (
    API_PREFIX,
    FORM_ID_RE,
    MAX_CHUNK_BYTES,
    MAX_PAGE_RECORDS,
    PROTOCOL_VERSION,
    SHA256_RE,
    ErrorBody,
    FormList,
    HealthStatus,
    LoginRequest,
    LoginResponse,
    LostVersions,
    LostVersionsQuery,
    PullPage,
    PushBatch,
    PushResult,
    TableName,
    UploadStatus,
    UserInfo,
)

# Every error answer is an ErrorBody; the OpenAPI document lists which ones each
# endpoint may give (the fuzz test holds the server to it).
ERRORS: dict[int, str] = {
    401: "Non authentifié : jeton absent, inconnu, expiré ou révoqué",
    403: "Interdit pour ce compte ou cet appareil",
    404: "Introuvable (ou hors des territoires du compte)",
    409: "En conflit avec l'état du serveur",
    413: "Requête trop volumineuse pour cette adresse",
    422: "Requête invalide",
    429: "Trop de tentatives de connexion",
    503: "Base de données momentanément indisponible",
    507: "Plus de place sur le disque du serveur (rien n'est enregistré : réessayer plus tard)",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorBody, "description": ERRORS[code]} for code in codes}


def binary(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    schema = {"type": "string", "format": "binary"}
    return {200: {"description": description, "content": {media_type: {"schema": schema}}}}


_QUERY_NAMES: dict[str, frozenset[str]] = {}


def _query_names(dependant: Any) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def strict_query(request: Request) -> None:
    """Refuse query parameters the endpoint does not declare (a typo, or a probe)."""
    route = request.scope.get("route")
    if route is None or not request.query_params:
        return
    key = f"{request.method} {route.path}"
    allowed = _QUERY_NAMES.get(key)
    if allowed is None:
        allowed = _QUERY_NAMES[key] = frozenset(_query_names(route.dependant))
    unknown = sorted({name for name in request.query_params if name not in allowed})
    if unknown:
        shown = ", ".join(f"« {name[:40]} »" for name in unknown[:3])
        raise ApiError(422, "invalid_request", f"Requête invalide — paramètre inconnu : {shown}")


router = APIRouter(responses=errors(413, 422, 503, 507), dependencies=[Depends(strict_query)])
LAST_SEEN_STEP = timedelta(minutes=5)

Ctx = Annotated[ServerContext, Depends(context_of)]
Sha = Annotated[str, Path(pattern=SHA256_RE.pattern)]
FormId = Annotated[str, Path(pattern=FORM_ID_RE.pattern)]
FormVersion = Annotated[int, Path(ge=1, le=1_000_000)]
RecordIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[\w-]+$")]
# Upload positions: far beyond any attachment, but still a 64-bit integer in the database.
Offset = Annotated[int, Query(ge=0, le=2**62)]


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _has_control_chars(text: str) -> bool:
    return any(ch < " " or ch == "\x7f" for ch in text)


def _unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message, {"WWW-Authenticate": "Bearer"})


# Declared as a security scheme in the OpenAPI document; refusals are ours (401, French).
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="jeton",
    description="Jeton d'appareil renvoyé par POST /api/v1/login.",
)


def principal(
    request: Request,
    ctx: Ctx,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The user behind the request's `Authorization: Bearer <token>`.

    Also written to `request.state.principal` for the access log (user and device,
    never the token).
    """
    token = credentials.credentials if credentials is not None else ""
    if not token.strip() or len(token) > 200:
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
        logs.audit("token_refused", reason="token_unknown", client=_client(request))
        raise _unauthorized(
            "token_unknown", "Jeton inconnu : reconnectez-vous avec « fieldvisit login »."
        )
    device, user = row
    refusal = None
    if device.revoked_at is not None:
        refusal = _unauthorized(
            "token_revoked",
            "Cet appareil a été déconnecté (jeton révoqué) : reconnectez-vous avec "
            "« fieldvisit login ».",
        )
    elif device.expires_at <= now:
        refusal = _unauthorized(
            "token_expired", "Session expirée : reconnectez-vous avec « fieldvisit login »."
        )
    elif user.disabled:
        refusal = _unauthorized("user_disabled", "Compte désactivé : contactez un administrateur.")
    if refusal is not None:
        logs.audit(
            "token_refused",
            reason=refusal.code,
            user=user.username,
            device=device.device_id,
            client=_client(request),
        )
        raise refusal
    if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_STEP:
        with ctx.db.transaction() as session:  # a write at most every few minutes
            session.execute(update(Device).where(Device.id == device.id).values(last_seen_at=now))
    who = Principal(
        user_id=user.id,
        username=user.username,
        role=user.role,
        territories=frozenset(user.territory_list),
        device_row=device.id,
        device_id=device.device_id,
    )
    request.state.principal = who
    return who


Who = Annotated[Principal, Depends(principal)]


@router.get("/health", response_model=HealthStatus)
def health(ctx: Ctx) -> HealthStatus:
    with ctx.db.reading() as session:
        session.execute(select(1))
    return HealthStatus(status="ok", protocol=PROTOCOL_VERSION, version=__version__)


@router.post(f"{API_PREFIX}/login", response_model=LoginResponse, responses=errors(401, 429))
def login(body: LoginRequest, request: Request, ctx: Ctx) -> LoginResponse:
    for name in ("username", "device_name"):
        if _has_control_chars(getattr(body, name)):
            raise ApiError(
                422,
                "invalid_request",
                f"Requête invalide — {name} : caractères de contrôle interdits.",
            )
    address = _client(request)
    wait = ctx.limiter.retry_after(body.username, address)
    if wait:
        logs.audit("login_refused", reason="too_many_attempts", client=address)
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
        # The name typed is logged only if it is an account: a password typed in the
        # user field by mistake must not end up in the log.
        logs.audit(
            "login_refused",
            reason="bad_credentials",
            user=user.username if user is not None else None,
            unknown_user=user is None,
            client=address,
        )
        raise _unauthorized("bad_credentials", "Nom d'utilisateur ou mot de passe incorrect.")
    ctx.limiter.succeeded(body.username, address)
    now = ctx.clock()
    with ctx.db.transaction() as session:
        user = session.merge(user)
        token, device = issue_token(session, user, body.device_id, body.device_name, now)
    logs.audit(
        "login",
        user=user.username,
        device=body.device_id,
        device_row=device.id,
        expires_at=device.expires_at.isoformat(),
        client=address,
    )
    return LoginResponse(
        token=token,
        expires_at=device.expires_at,
        user=UserInfo(username=user.username, role=user.role, territories=user.territory_list),  # type: ignore[arg-type]
    )


@router.post(f"{API_PREFIX}/logout", status_code=204, responses=errors(401))
def logout(who: Who, ctx: Ctx) -> Response:
    with ctx.db.transaction() as session:
        device = session.get(Device, who.device_row)
        if device is not None and device.revoked_at is None:
            device.revoked_at = ctx.clock()
    logs.audit("logout", user=who.username, device=who.device_id)
    return Response(status_code=204)


@router.get(f"{API_PREFIX}/me", response_model=UserInfo, responses=errors(401))
def me(who: Who) -> UserInfo:
    return UserInfo(username=who.username, role=who.role, territories=sorted(who.territories))  # type: ignore[arg-type]


@router.get(f"{API_PREFIX}/changes", response_model=PullPage, responses=errors(401))
def changes(
    who: Who,
    ctx: Ctx,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_RECORDS)] = 500,
) -> Response:
    with ctx.db.reading() as session:
        page = pull_page(session, who, after, limit)
    if page.rows:  # who read what: ids only, never contents
        logs.audit(
            "pull",
            user=who.username,
            device=who.device_id,
            after=after,
            next_cursor=page.next_cursor,
            count=len(page.rows),
            records=logs.ids_by_table((r.table_name, r.record_id) for r in page.rows),
        )
    return Response(page.json(), media_type="application/json")


@router.get(
    f"{API_PREFIX}/records/{{table}}/{{record_id}}/history",
    response_model=RecordHistory,
    responses=errors(401, 404),
)
def record_history(
    table: Annotated[TableName, Path()],
    record_id: RecordIdPath,
    who: Who,
    ctx: Ctx,
    limit: Annotated[int, Query(ge=1, le=MAX_VERSIONS)] = 100,
) -> RecordHistory:
    """The versions of a record that pushes replaced, newest first (server/history.py)."""
    with ctx.db.reading() as session:
        history = read_history(session, who, table, record_id, limit)
    if history is None:
        logs.audit(
            "history_refused", user=who.username, device=who.device_id, table=table, id=record_id
        )
        raise ApiError(404, "not_found", "Enregistrement introuvable (ou hors de vos territoires).")
    logs.audit(
        "history_read",
        user=who.username,
        device=who.device_id,
        table=table,
        id=record_id,
        count=len(history.versions),
    )
    return history


def _component_schemas(model: Any) -> dict[str, Any]:
    """model's JSON schema and those it refers to, for the OpenAPI components."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return {**schema.pop("$defs", {}), model.__name__: schema}


EXTRA_SCHEMAS = _component_schemas(PushBatch)
PUSH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushBatch"}}},
    }
}


@router.post(
    f"{API_PREFIX}/push",
    response_model=PushResult,
    responses=errors(401, 403, 409),
    openapi_extra=PUSH_BODY,
)
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
        logs.audit(
            "denied",
            reason="wrong_device",
            user=who.username,
            device=who.device_id,
            batch_id=batch.batch_id,
        )
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
    by_status: dict[str, list[tuple[str, str]]] = {}
    for answer in result.results:
        by_status.setdefault(answer.status, []).append((answer.table, answer.id))
    logs.audit(
        "push",
        user=who.username,
        device=who.device_id,
        batch_id=batch.batch_id,
        replayed=result.replayed,
        counts={status: len(keys) for status, keys in by_status.items()},
        records={status: logs.ids_by_table(keys) for status, keys in by_status.items()},
    )
    return result.model_dump_json()


@router.post(
    f"{API_PREFIX}/lost-versions",
    response_model=LostVersions,
    responses=errors(401, 409),
)
def lost_versions(body: LostVersionsQuery, who: Who, ctx: Ctx) -> LostVersions:
    """After a restore (server/epoch.py): which versions a laptop holds that the server
    lost, and the version of each to re-offer it on."""
    with ctx.db.reading() as session:
        current = epoch.current_epoch(session)
        if body.epoch != current:
            raise ApiError(
                409,
                "epoch_changed",
                "Le serveur a changé d'époque entre-temps (nouvelle restauration) : "
                "synchronisez à nouveau.",
            )
        lost = epoch.lost_versions(session, who, body.records)
    if lost:
        logs.audit(
            "lost_versions",
            user=who.username,
            device=who.device_id,
            asked=len(body.records),
            count=len(lost),
            records=logs.ids_by_table((r.table, r.id) for r in lost),
        )
    return LostVersions(epoch=current, records=lost)


@router.get(
    f"{API_PREFIX}/attachments/{{sha256}}", response_model=UploadStatus, responses=errors(401)
)
def upload_status(sha256: Sha, who: Who, ctx: Ctx) -> UploadStatus:
    """This account's upload of the file: complete only once it sent the bytes itself;
    for a file it never sent, the same answer as for a file the server never had."""
    with ctx.db.reading() as session:
        return ctx.blobs.status(session, who.user_id, sha256, ctx.clock())


CHUNK_BODY = {
    "requestBody": {
        "description": "Les octets à partir de `offset` (vide pour un fichier vide).",
        "required": False,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
FORM_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/toml": {"schema": {"type": "string"}}},
    }
}


@router.put(
    f"{API_PREFIX}/attachments/{{sha256}}",
    response_model=UploadStatus,
    responses=errors(401, 409),
    openapi_extra=CHUNK_BODY,
)
async def upload_chunk(
    sha256: Sha,
    request: Request,
    who: Who,
    ctx: Ctx,
    offset: Offset,
    size: Offset,
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
    now = ctx.clock()
    refused: UploadProblem | None = None
    try:
        # The hash's lock is held until the transaction has committed: two devices
        # completing the same photo at the same moment never both create its row.
        with ctx.blobs.lock(sha256), ctx.db.transaction() as session:
            try:
                status = ctx.blobs.write_chunk(
                    session, who.user_id, sha256, offset, size, data, now
                )
            except UploadProblem as problem:
                # Committed all the same: what a refusal throws away (a damaged or
                # expired upload, whose bytes are already deleted) stays thrown away.
                refused = problem
        if refused is not None:
            raise refused
    except UploadProblem as problem:
        logs.audit(
            "upload_refused",
            user=who.username,
            device=who.device_id,
            file=ctx.file_ref(sha256),
            reason=problem.code,
            offset=offset,
            size=size,
        )
        raise ApiError(problem.http_status, problem.code, str(problem)) from problem
    finally:
        ctx.blobs.sweep_if_due(ctx.db, now)  # partials without progress for 24 h
    logs.audit(
        "upload",
        user=who.username,
        device=who.device_id,
        file=ctx.file_ref(sha256),
        offset=offset,
        bytes=len(data),
        size=size,
        complete=status.complete,
    )
    return status


@router.get(
    f"{API_PREFIX}/attachments/{{sha256}}/content",
    response_class=FileResponse,
    responses={**binary("application/octet-stream", "Le fichier"), **errors(401, 404)},
)
def download(sha256: Sha, who: Who, ctx: Ctx) -> FileResponse:
    """The bytes, to their holders and through attachment records the user may read
    (server/blobs.py); 404 otherwise, as for a file the server never had."""
    with ctx.db.reading() as session:
        allowed = ctx.blobs.may_read(session, who, sha256)
        through = ctx.blobs.attached_through(session, who, sha256) if allowed else []
    path = ctx.blobs.object_path(sha256)
    if not allowed or not path.is_file():
        logs.audit(
            "download_refused", user=who.username, device=who.device_id, file=ctx.file_ref(sha256)
        )
        raise ApiError(404, "not_found", "Fichier joint introuvable sur le serveur.")
    logs.audit(
        "download",
        user=who.username,
        device=who.device_id,
        file=ctx.file_ref(sha256),
        attachments=through,
    )
    return FileResponse(path, media_type="application/octet-stream")


@router.get(f"{API_PREFIX}/forms", response_model=FormList, responses=errors(401))
def forms(who: Who, ctx: Ctx) -> FormList:
    with ctx.db.reading() as session:
        return list_forms(session)


@router.get(
    f"{API_PREFIX}/forms/{{form_id}}/{{version}}",
    response_class=Response,
    responses={**binary("application/toml", "Le texte TOML du formulaire"), **errors(401, 404)},
)
def form_text(form_id: FormId, version: FormVersion, who: Who, ctx: Ctx) -> PlainTextResponse:
    with ctx.db.reading() as session:
        form = session.get(PublishedForm, (form_id, version))
    if form is None:
        raise ApiError(404, "not_found", f"Formulaire « {form_id} » v{version} non publié.")
    return PlainTextResponse(form.content, media_type="application/toml; charset=utf-8")


@router.put(
    f"{API_PREFIX}/forms/{{form_id}}/{{version}}",
    status_code=201,
    responses={
        200: {"description": "Déjà publié avec le même contenu"},
        201: {"description": "Publié"},
        **errors(401, 403, 409),
    },
    openapi_extra=FORM_BODY,
)
async def publish(
    form_id: FormId, version: FormVersion, request: Request, who: Who, ctx: Ctx
) -> Response:
    if not who.is_admin:
        logs.audit(
            "denied",
            reason="publish_not_admin",
            user=who.username,
            device=who.device_id,
            form_id=form_id,
            version=version,
        )
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
    logs.audit(
        "form_published" if created else "form_republished_same",
        user=who.username,
        device=who.device_id,
        form_id=form_id,
        version=version,
    )
    return created
