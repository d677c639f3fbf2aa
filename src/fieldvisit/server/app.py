"""The FastAPI application: `create_app(db_url, files_dir)` for uvicorn and for tests.

Every error answer is JSON `{"detail": French message, "code": short code}`: bad input
422, unknown 404, authentication 401, permission 403, too large 413, too many login
attempts 429, database unavailable 503. Conflicts are not errors: a push answers 200
with a status per record.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldvisit import __version__
from fieldvisit.core.clock import utc_now
from fieldvisit.server.auth import LoginLimiter, Passwords
from fieldvisit.server.blobs import BlobStore
from fieldvisit.server.db import Database, make_server_engine, migrate
from fieldvisit.sync.wire import MAX_BODY_BYTES


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers


@dataclass
class ServerContext:
    db: Database
    blobs: BlobStore
    passwords: Passwords
    limiter: LoginLimiter
    clock: Callable[[], datetime]


def error_response(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"detail": detail, "code": code}, status_code=status, headers=headers)


class BodyLimit:
    """Refuses bodies over `limit` bytes with 413, declared or streamed (pure ASGI)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = False
            if too_big:
                await self._refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        replay: list[Message] = [
            {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        ]

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413,
            "too_large",
            f"Requête trop volumineuse (plus de {self.limit // 2**20} Mo) : envoyez-la en "
            "plusieurs fois.",
        )
        await response(scope, receive, send)


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


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, err: ApiError) -> JSONResponse:
        return error_response(err.status, err.code, err.detail, err.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, err: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _validation_message(err))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, err: StarletteHTTPException) -> JSONResponse:
        code, message = HTTP_MESSAGES.get(err.status_code, ("http_error", str(err.detail)))
        return error_response(err.status_code, code, message, getattr(err, "headers", None))

    @app.exception_handler(exc.OperationalError)
    async def database_down(_request: Request, _err: exc.OperationalError) -> JSONResponse:
        return error_response(
            503,
            "database_unavailable",
            "Base de données du serveur momentanément indisponible : réessayez plus tard.",
            {"Retry-After": "5"},
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
    from fieldvisit.server import routes

    engine = make_server_engine(db_url)
    if run_migrations:
        migrate(engine)
    if files_dir is None:
        database = engine.url.database
        if engine.dialect.name != "sqlite" or not database:
            raise ValueError("files_dir is required unless the database is a SQLite file")
        files_dir = Path(database).with_name(Path(database).stem + "-files")
    context = ServerContext(
        db=Database(engine),
        blobs=BlobStore(files_dir),
        passwords=passwords or Passwords(),
        limiter=limiter or LoginLimiter(),
        clock=clock,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        context.db.close()

    app = FastAPI(
        lifespan=lifespan,
        title="fieldvisit-server",
        version=__version__,
        description="Synchronisation des visites de terrain fieldvisit.",
    )
    app.state.ctx = context
    _install_handlers(app)
    app.include_router(routes.router)
    app.add_middleware(BodyLimit)

    return app


def context_of(request: Request) -> ServerContext:
    ctx: Any = request.app.state.ctx
    return ctx  # type: ignore[no-any-return]
