"""Logging set-up: a rotating log file that a person can send to the support team.

No Qt here: the desktop app calls `setup_logging()` first thing, and installs
`install_excepthook()` so that an uncaught exception is written to the log (with its
traceback) and handed to the UI, which shows a French message instead of a traceback.
`FIELDVISIT_LOG_DIR` (or the `log_dir` argument) replaces the platformdirs location.

A crash that Python cannot catch (a segmentation fault in a C library: Qt, SQLCipher,
Pillow…) kills the process without a word in the log; `enable_crash_traces()` (the app
and every command line) has `faulthandler` write every thread's Python stack to a file
of the log folder when it happens.
"""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Any

import platformdirs

APP_NAME = "fieldvisit"
ENV_LOG_DIR = "FIELDVISIT_LOG_DIR"
LOG_FILE_NAME = "fieldvisit.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
CRASH_TRACE_PREFIX = "fieldvisit-crash-"
KEPT_CRASH_TRACES = 20

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


# --- crash traces -----------------------------------------------------------------------

_crash_trace: tuple[Path, Any] | None = None


def enable_crash_traces(log_dir: Path | None = None) -> Path | None:
    """Have a fatal signal (segmentation fault, abort, bus error…) leave the Python stack
    of every thread in `fieldvisit-crash-<UTC time>-<pid>.txt` of the log folder.

    One file per process, opened now (nothing can be opened while crashing); a clean
    exit removes it if it stayed empty. Empty files of processes that are gone (a kill,
    a power cut) are removed by a later start; at most `KEPT_CRASH_TRACES` traces are
    kept. A trace holds file and function names, never values. Does nothing if
    faulthandler is on already (PYTHONFAULTHANDLER, `-X faulthandler`, pytest): who
    turned it on chose where traces go. Returns the file, or None.
    """
    global _crash_trace
    if _crash_trace is not None:
        return _crash_trace[0]
    if faulthandler.is_enabled():
        return None
    folder = log_dir or default_log_dir()
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = folder / f"{CRASH_TRACE_PREFIX}{stamp}-{os.getpid()}.txt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _prune_crash_traces(folder)
        handle = path.open("w", encoding="utf-8")
    except OSError as err:
        log.warning("no crash traces in %s: %s", folder, err)
        return None
    with contextlib.suppress(OSError):  # without locks, a later start may remove it
        _hold(handle)
    faulthandler.enable(file=handle, all_threads=True)
    _crash_trace = (path, handle)
    atexit.register(_close_crash_trace)
    return path


def _close_crash_trace() -> None:
    global _crash_trace
    if _crash_trace is None:
        return
    path, handle = _crash_trace
    faulthandler.disable()
    handle.close()
    _crash_trace = None
    try:
        if path.stat().st_size == 0:
            path.unlink()
    except OSError:
        pass


def _hold(handle: Any) -> None:
    """Mark the file as in use by this process (see `_in_use`)."""
    if os.name != "nt":
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _in_use(path: Path) -> bool:
    """Whether a running process holds this trace file. On Windows an open file cannot
    be removed anyway; elsewhere its process holds a lock on it."""
    if os.name == "nt":
        return False
    import fcntl

    with path.open("rb") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
    return False


def _prune_crash_traces(folder: Path) -> None:
    traces = sorted(folder.glob(f"{CRASH_TRACE_PREFIX}*.txt"), reverse=True)  # newest first
    kept = 0
    for path in traces:
        try:
            if path.stat().st_size > 0 and kept < KEPT_CRASH_TRACES:
                kept += 1
                continue
            if not _in_use(path):
                path.unlink()
        except OSError:
            continue  # gone meanwhile, or not ours to remove
