"""Logging set-up: a rotating log file that a person can send to the support team.

No Qt here: the desktop app calls `setup_logging()` first thing, and installs
`install_excepthook()` so that an uncaught exception is written to the log (with its
traceback) and handed to the UI, which shows a French message instead of a traceback.
`FIELDVISIT_LOG_DIR` (or the `log_dir` argument) replaces the platformdirs location.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

import platformdirs

APP_NAME = "fieldvisit"
ENV_LOG_DIR = "FIELDVISIT_LOG_DIR"
LOG_FILE_NAME = "fieldvisit.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

log = logging.getLogger("fieldvisit")

ExceptionHandler = Callable[[BaseException], None]


def default_log_dir() -> Path:
    """FIELDVISIT_LOG_DIR if set, else the platform's log folder for the app."""
    chosen = os.environ.get(ENV_LOG_DIR)
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


class _AppFileHandler(RotatingFileHandler):
    """Marks the handler this module installed, so a second set-up replaces it."""


def setup_logging(log_dir: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Send the `fieldvisit` loggers to a rotating file; return its path.

    If the folder cannot be created (read-only home…), logging goes to stderr only and
    None is returned: the app must still start.
    """
    folder = log_dir or default_log_dir()
    close_logging()
    log.setLevel(level)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = _AppFileHandler(
            folder / LOG_FILE_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError as err:
        logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT)
        log.warning("cannot write the log file in %s: %s", folder, err)
        return None
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    log.addHandler(handler)
    return Path(handler.baseFilename)


def close_logging() -> None:
    """Detach and close the log file (at exit; tests call it too)."""
    for handler in [h for h in log.handlers if isinstance(h, _AppFileHandler)]:
        log.removeHandler(handler)
        handler.close()


def current_log_file() -> Path | None:
    """The file the app logs to, if setup_logging() succeeded."""
    for handler in log.handlers:
        if isinstance(handler, _AppFileHandler):
            return Path(handler.baseFilename)
    return None


def install_excepthook(on_error: ExceptionHandler) -> Callable[[], None]:
    """Log uncaught exceptions (main and other threads) and hand them to on_error.

    Returns a function that puts the previous hooks back.
    """
    previous_hook = sys.excepthook
    previous_thread_hook = threading.excepthook

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous_hook(kind, error, trace)
            return
        log.error("uncaught exception", exc_info=(kind, error, trace))
        try:
            on_error(error)
        except Exception:  # the reporter itself must never bring the app down
            log.exception("the error reporter failed")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        log.error(
            "uncaught exception in thread %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )

    def restore() -> None:
        sys.excepthook = previous_hook
        threading.excepthook = previous_thread_hook

    sys.excepthook = hook
    threading.excepthook = thread_hook
    return restore
