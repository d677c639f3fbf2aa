"""What every route receives: the server's context (database, files, passwords, clock)
and the one error a route raises (`ApiError`, answered as JSON by server/app.py).

Its own module, below the routes and the app that assembles them: the routes import
these, the app imports the routes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from fastapi import Request

from fieldvisit.server.auth import LoginLimiter, Passwords
from fieldvisit.server.blobs import BlobStore
from fieldvisit.server.db import Database


class ApiError(Exception):
    """An answer other than success: its HTTP status, short code and French detail."""

    def __init__(
        self, status: int, code: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers


def _no_file_ref(_sha256: str) -> str:
    """Without a database there is no key for file references: the logs say "…"."""
    return "…"


@dataclass
class ServerContext:
    """The server's parts, made once by `create_app` and kept in `app.state.ctx`."""

    db: Database
    blobs: BlobStore
    passwords: Passwords
    limiter: LoginLimiter
    clock: Callable[[], datetime]
    # What the logs say instead of an attachment's hash (server/epoch.py).
    file_ref: Callable[[str], str] = _no_file_ref


def context_of(request: Request) -> ServerContext:
    """The routes' dependency: the context of the app that received the request."""
    return cast(ServerContext, request.app.state.ctx)
