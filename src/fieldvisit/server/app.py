"""The FastAPI application: `create_app(db_url, files_dir)` for uvicorn and for tests.

Every error answer is JSON `{"detail": French message, "code": short code}`: bad input
422, unknown 404, authentication 401, permission 403, too large 413, too many login
attempts 429, database unavailable 503, no space left on the server's disk 507, and for
anything unexpected a 500 whose message
carries a reference (also in the `X-Request-Id` header) to find the traceback in the
server's error log — never the traceback itself. Conflicts are not errors: a push
answers 200 with a status per record.

Two pure-ASGI layers wrap the routes: `Guard` (outermost: request id, security headers,
access log, the 500 answer) and `BodyLimit` (the request size limit of each endpoint).
"""

from __future__ import annotations

import errno
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldvisit import __version__
from fieldvisit.core.clock import utc_now
from fieldvisit.server import epoch, logs
from fieldvisit.server.auth import LoginLimiter, Passwords
from fieldvisit.server.blobs import BlobStore
from fieldvisit.server.context import ApiError, ServerContext
from fieldvisit.server.db import Database, make_server_engine, migrate
from fieldvisit.server.validation import communes
from fieldvisit.sync.wire import API_PREFIX, MAX_BODY_BYTES, MAX_CHUNK_BYTES, MAX_FORM_BYTES

# Every other request (login, pulls, status queries) carries at most a small JSON body.
MAX_SMALL_BODY = 16 * 1024
# After a restore, a laptop lists the versions it holds, 1,000 at a time (~80 bytes each).
MAX_LOST_VERSIONS_BODY = 256 * 1024


def error_response(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"detail": detail, "code": code}, status_code=status, headers=headers)


def _size_text(limit: int) -> str:
    return f"{limit // 2**20} Mo" if limit >= 2**20 else f"{limit // 1024} Ko"


def body_limit(method: str, path: str) -> tuple[int, str]:
    """(largest body accepted, what to say when it is exceeded) for a request."""
    if method == "PUT" and path.startswith(f"{API_PREFIX}/attachments/"):
        return MAX_CHUNK_BYTES, (
            f"Morceau de fichier trop volumineux (plus de {_size_text(MAX_CHUNK_BYTES)}) : "
            "envoyez-le en morceaux plus petits."
        )
    if method == "POST" and path == f"{API_PREFIX}/push":
        return MAX_BODY_BYTES, (
            f"Requête trop volumineuse (plus de {_size_text(MAX_BODY_BYTES)}) : envoyez-la en "
            "plusieurs fois."
        )
    if method == "POST" and path == f"{API_PREFIX}/lost-versions":
        return MAX_LOST_VERSIONS_BODY, (
            f"Requête trop volumineuse (plus de {_size_text(MAX_LOST_VERSIONS_BODY)}) : "
            "envoyez-la en plusieurs fois."
        )
    if method == "PUT" and path.startswith(f"{API_PREFIX}/forms/"):
        return MAX_FORM_BYTES, (
            f"Formulaire trop volumineux (plus de {_size_text(MAX_FORM_BYTES)})."
        )
    return MAX_SMALL_BODY, (
        f"Requête trop volumineuse pour cette adresse (plus de {_size_text(MAX_SMALL_BODY)})."
    )


class BodyLimit:
    """Refuses bodies over the endpoint's limit with 413, declared or streamed (pure ASGI).

    A body without Content-Length is read here up to the limit and handed on whole; a
    client that hangs up half-way is a `ClientDisconnect`, never a shorter body.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, message_text = body_limit(scope["method"], scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = False
            if too_big:
                await self._refuse(message_text, scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                raise ClientDisconnect()
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                await self._refuse(message_text, scope, receive, send)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        replay: list[Message] = [
            {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        ]

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)

    async def _refuse(self, text: str, scope: Scope, receive: Receive, send: Send) -> None:
        await error_response(413, "too_large", text)(scope, receive, send)


CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"content-security-policy", CSP.encode("ascii")),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000")
_REPLACED = {name for name, _value in SECURITY_HEADERS} | {HSTS[0], b"x-request-id"}
# Query parameters written to the access log (numbers only); anything else is left out.
LOGGED_QUERY = ("after", "limit", "offset", "size")


def _logged_query(scope: Scope) -> dict[str, str]:
    """The numeric parameters, when they are numbers: a value that is not (a token
    pasted in the wrong place, say) is logged as « ? »."""
    raw = scope.get("query_string", b"").decode("latin-1")
    return {
        key: value if value.isascii() and value.isdigit() and len(value) <= 20 else "?"
        for key, value in parse_qsl(raw, keep_blank_values=True)
        if key in LOGGED_QUERY
    }


class Guard:
    """The outermost layer: a request id, security headers on every answer, one access
    log line per request, and a JSON 500 with a reference instead of a stack trace.

    HSTS is sent only when the request came over TLS (uvicorn's --ssl-* options, or a
    trusted reverse proxy's X-Forwarded-Proto: https): on plain HTTP browsers ignore it,
    and a server on a private network without TLS must not promise HTTPS it lacks.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        path = logs.redact_path(scope["path"], _file_ref_of(scope))[:300]
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        extra = [*SECURITY_HEADERS, (b"x-request-id", request_id.encode("ascii"))]
        if scope.get("scheme") == "https":
            extra.append(HSTS)
        status = 0
        received = sent = 0
        outcome = "ok"

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in _REPLACED
                ]
                message = {**message, "headers": headers + extra}
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except ClientDisconnect:
            outcome = "client_disconnected"  # nothing to answer: nobody is listening
        except Exception as err:
            outcome = "internal_error"
            logs.error(
                "unhandled_exception",
                exc_info=err,
                request_id=request_id,
                method=scope["method"],
                path=path,
            )
            if status == 0:
                response = error_response(
                    500,
                    "internal_error",
                    f"Erreur interne du serveur (référence {request_id}) : réessayez plus "
                    "tard ; si cela se reproduit, donnez cette référence à l'administrateur.",
                )
                await response(scope, receive, guarded_send)
        finally:
            who = state.get("principal")
            client = scope.get("client")
            logs.access(
                request_id=request_id,
                method=scope["method"],
                path=path,
                query=_logged_query(scope),
                status=status or (499 if outcome == "client_disconnected" else 500),
                outcome=outcome,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                bytes_in=received,
                bytes_out=sent,
                client=client[0] if client else None,
                user=getattr(who, "username", None),
                device=getattr(who, "device_id", None),
            )


def _file_ref_of(scope: Scope) -> Callable[[str], str] | None:
    """The app's file references (Starlette puts the app in the scope), if it has a
    database; None for the bare API (`make_api`)."""
    app = scope.get("app")
    ctx = getattr(getattr(app, "state", None), "ctx", None)
    return getattr(ctx, "file_ref", None)


def _validation_message(err: RequestValidationError) -> str:
    parts = []
    for item in err.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "corps"
        parts.append(f"{where} : {item.get('msg', 'invalide')}")
    more = len(err.errors()) - 5
    suffix = f" (et {more} autre(s))" if more > 0 else ""
    return "Requête invalide — " + " ; ".join(parts) + suffix


HTTP_MESSAGES = {
    404: ("not_found", "Adresse inconnue sur ce serveur."),
    405: ("method_not_allowed", "Méthode non autorisée pour cette adresse."),
}


# A write refused for want of space: the disk, or the user's quota on it.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
SQLITE_FULL = 13  # sqlite3.SQLITE_FULL: "database or disk is full"
PG_DISK_FULL = "53100"  # SQLSTATE disk_full


def database_disk_full(err: exc.DBAPIError) -> bool:
    """Whether the database refused a write because its disk is full."""
    orig = err.orig
    if getattr(orig, "sqlite_errorcode", None) == SQLITE_FULL:
        return True
    return getattr(orig, "sqlstate", None) == PG_DISK_FULL


def disk_full_response() -> JSONResponse:
    """507 Insufficient Storage: nothing of the request was kept, the client keeps its
    data and tries again later (sync/client.py says so to the person)."""
    return error_response(
        507,
        "server_disk_full",
        "Le serveur n'a plus de place pour enregistrer (disque plein) : rien n'est perdu, "
        "rien de cet envoi n'a été gardé ; réessayez plus tard et prévenez "
        "l'administrateur du serveur.",
        {"Retry-After": "60"},
    )


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, err: ApiError) -> JSONResponse:
        return error_response(err.status, err.code, err.detail, err.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, err: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _validation_message(err))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, err: StarletteHTTPException) -> JSONResponse:
        if err.status_code == 400:  # FastAPI: a body that is not JSON (or not UTF-8)
            return error_response(
                422,
                "invalid_request",
                "Requête invalide — corps illisible : JSON en UTF-8 attendu.",
            )
        code, message = HTTP_MESSAGES.get(err.status_code, ("http_error", str(err.detail)))
        return error_response(err.status_code, code, message, getattr(err, "headers", None))

    def _log_database_error(event: str, request: Request, err: exc.DBAPIError) -> None:
        """The failure's kind only: the driver's message may quote the values sent."""
        logs.error(
            event,
            request_id=getattr(request.state, "request_id", None),
            error=type(err.orig).__name__ if err.orig is not None else type(err).__name__,
        )

    @app.exception_handler(OSError)
    async def file_error(request: Request, err: OSError) -> JSONResponse:
        if err.errno not in DISK_FULL_ERRNOS:
            raise err  # anything else is unexpected: Guard's 500 with a reference
        logs.error(
            "disk_full",
            request_id=getattr(request.state, "request_id", None),
            error=errno.errorcode.get(err.errno or 0, "?"),
        )
        return disk_full_response()

    @app.exception_handler(exc.OperationalError)
    async def database_down(request: Request, err: exc.OperationalError) -> JSONResponse:
        if database_disk_full(err):
            _log_database_error("database_disk_full", request, err)
            return disk_full_response()
        _log_database_error("database_unavailable", request, err)
        return error_response(
            503,
            "database_unavailable",
            "Base de données du serveur momentanément indisponible : réessayez plus tard.",
            {"Retry-After": "5"},
        )

    @app.exception_handler(exc.DataError)
    async def data_refused(request: Request, err: exc.DataError) -> JSONResponse:
        # A value the database cannot store (PostgreSQL: a NUL character, a number out of
        # range): the request is at fault, not the server.
        _log_database_error("data_refused_by_database", request, err)
        return error_response(
            422, "invalid_request", "Requête invalide — valeur refusée par la base de données."
        )

    @app.exception_handler(exc.IntegrityError)
    async def write_race(request: Request, err: exc.IntegrityError) -> JSONResponse:
        # Two requests creating the same row at the same moment: the loser retries.
        _log_database_error("concurrent_write", request, err)
        return error_response(
            409,
            "concurrent_write",
            "Écriture simultanée d'un autre appareil : réessayez.",
            {"Retry-After": "1"},
        )


def create_app(
    db_url: str,
    files_dir: Path | None = None,
    *,
    passwords: Passwords | None = None,
    limiter: LoginLimiter | None = None,
    clock: Callable[[], datetime] = utc_now,
    run_migrations: bool = True,
) -> FastAPI:
    """The server app on this database (migrated to the newest schema first).

    `files_dir` holds attachment bytes; by default a folder next to a SQLite file.
    """
    communes()  # the reference visits are checked against: a missing file fails here
    engine = make_server_engine(db_url)
    if run_migrations:
        migrate(engine)
    if files_dir is None:
        sqlite_file = engine.url.database
        if engine.dialect.name != "sqlite" or not sqlite_file:
            raise ValueError("files_dir is required unless the database is a SQLite file")
        files_dir = Path(sqlite_file).with_name(Path(sqlite_file).stem + "-files")
    database = Database(engine)
    blobs = BlobStore(files_dir)
    # A backup put back, or a database behind the files folder's mark: a new epoch, so
    # that laptops re-offer what it lost (server/epoch.py).
    renewed = epoch.on_start(database, files_dir, clock())
    if renewed is not None:
        logs.audit("epoch_renewed", reason=renewed)
    with database.reading() as session:
        log_key = epoch.state(session).log_key
    context = ServerContext(
        db=database,
        blobs=blobs,
        passwords=passwords or Passwords(),
        limiter=limiter or LoginLimiter(),
        clock=clock,
        file_ref=partial(epoch.file_reference, log_key),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        try:
            epoch.mark_stop(context.db, files_dir)
        except (exc.SQLAlchemyError, OSError) as err:  # the next start compares less
            logs.error("mark_not_written", error=type(err).__name__)
        context.db.close()

    app = make_api(lifespan)
    app.state.ctx = context
    return app


def make_api(lifespan: Any = None) -> FastAPI:
    """The routes, error handlers, middleware and OpenAPI document, without a database
    (`create_app` adds one; the fuzz test reads the schema from here)."""
    from fieldvisit.server import reference_routes, routes

    app = FastAPI(
        lifespan=lifespan,
        title="fieldvisit-server",
        version=__version__,
        description="Synchronisation des visites de terrain fieldvisit.",
        # The schema is served (/openapi.json) but not the Swagger/ReDoc pages: they load
        # their scripts from a public CDN, which an internal server must not make an
        # administrator's browser run (see docs/SECURITY.md).
        docs_url=None,
        redoc_url=None,
    )
    _install_handlers(app)
    app.include_router(routes.router)
    app.include_router(reference_routes.router)
    app.add_middleware(BodyLimit)
    app.add_middleware(Guard)  # added last: outermost
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            # Bodies parsed by the routes themselves (push): their models, by reference.
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(routes.EXTRA_SCHEMAS)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    return app
