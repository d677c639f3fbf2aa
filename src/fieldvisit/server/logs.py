"""Structured logs of the server: JSON lines, one event per line.

Three loggers, each a separate file with `fieldvisit-server run --log-dir DIR`:

- `fieldvisit.server.access` (access.jsonl): every HTTP request — method, path, status,
  duration, bytes, client address, user and device when authenticated, request id.
- `fieldvisit.server.audit` (audit.jsonl): who read or changed what — logins (ok or
  refused), refused tokens, logouts, pulls and pushes with the record ids and counts,
  attachment uploads and downloads by file reference (and the records a download went
  through), form publications, re-offers after a restore.
- `fieldvisit.server.errors` (errors.jsonl): unexpected failures with their traceback and
  the reference given to the client.

What is never written: tokens (the Authorization header is never read here), passwords
(request bodies are never logged), record contents (only table names, ids, versions and
counts), query strings other than the known numeric parameters, the name typed at a
failed login unless it is an existing account (people type passwords in the user field),
and content hashes of attachments: a line names a file by a *file reference*, a keyed
hash of its SHA-256 (`server/epoch.py: file_reference`, key in the database), in the
audit fields and in every logged path (`redact_path`); `fieldvisit-server files ref
SHA256` gives an administrator the reference of a file. SQL parameters stay out of
error messages too (`hide_parameters` on the engine).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ACCESS = logging.getLogger("fieldvisit.server.access")
AUDIT = logging.getLogger("fieldvisit.server.audit")
ERRORS = logging.getLogger("fieldvisit.server.errors")

FILES = {ACCESS: "access.jsonl", AUDIT: "audit.jsonl", ERRORS: "errors.jsonl"}


class JsonLines(logging.Formatter):
    """{"ts", "level", "log", "event", ...fields} on one line; tracebacks as a field."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "log": record.name.rsplit(".", 1)[-1],
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str, separators=(",", ":"))


def _emit(logger: logging.Logger, level: int, event: str, fields: dict[str, Any]) -> None:
    if logger.isEnabledFor(level):
        logger.log(level, event, extra={"fields": fields})


def access(**fields: Any) -> None:
    _emit(ACCESS, logging.INFO, "request", fields)


def audit(event: str, **fields: Any) -> None:
    _emit(AUDIT, logging.INFO, event, fields)


def error(event: str, exc_info: BaseException | None = None, **fields: Any) -> None:
    if ERRORS.isEnabledFor(logging.ERROR):
        ERRORS.error(event, exc_info=exc_info, extra={"fields": fields})


_SHA256_IN_PATH = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])")


def redact_path(path: str, file_ref: Callable[[str], str] | None) -> str:
    """A request path as logged: every 64-hex segment (an attachment's hash) replaced
    by its file reference (or `…` when the server has none, e.g. no database)."""

    def replace(match: re.Match[str]) -> str:
        return file_ref(match.group(0).lower()) if file_ref is not None else "…"

    return _SHA256_IN_PATH.sub(replace, path)


def ids_by_table(pairs: Any) -> dict[str, list[str]]:
    """{table: [record ids]} from (table, id) pairs, in their order."""
    out: dict[str, list[str]] = {}
    for table, record_id in pairs:
        out.setdefault(table, []).append(record_id)
    return out


def configure(log_dir: Path | None = None) -> None:
    """JSON lines to files in log_dir (reopened when logrotate moves them), else stderr.

    uvicorn's warnings and errors go to errors.jsonl as well; its access log is replaced
    by ours.
    """
    formatter = JsonLines()
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True, mode=0o750)
    for logger, name in FILES.items():
        for old in list(logger.handlers):
            logger.removeHandler(old)
            old.close()
        handler: logging.Handler
        if log_dir is None:
            handler = logging.StreamHandler(sys.stderr)
        else:
            handler = logging.handlers.WatchedFileHandler(log_dir / name, encoding="utf-8")
        handler.setFormatter(formatter)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    # uvicorn's own messages (start-up, protocol errors): plain text on stderr as usual,
    # and as JSON lines in errors.jsonl. `cmd_run` passes log_config=None to uvicorn so
    # that it keeps these handlers; its access log is replaced by ours.
    uvicorn_errors = logging.getLogger("uvicorn.error")
    for old in list(uvicorn_errors.handlers):
        uvicorn_errors.removeHandler(old)
        old.close()
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    uvicorn_errors.addHandler(console)
    if log_dir is not None:  # its warnings and errors only: start-up lines stay on stderr
        handler = logging.handlers.WatchedFileHandler(log_dir / FILES[ERRORS], encoding="utf-8")
        handler.setFormatter(formatter)
        handler.setLevel(logging.WARNING)
        uvicorn_errors.addHandler(handler)
    uvicorn_errors.setLevel(logging.INFO)
    uvicorn_errors.propagate = False
