"""The store's SQLAlchemy engine over keyed SQLCipher connections (store/connection.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# The dialect is otherwise imported inside the first create_engine(), on the start-up
# path that a person waits for; importing it here moves that cost to import time.
import sqlalchemy.dialects.sqlite.pysqlite  # noqa: F401
import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event

from fieldvisit.security.keys import DataKeys
from fieldvisit.store.connection import BUSY_TIMEOUT_MS, connect


def keyed_engine(path: Path, keys: DataKeys) -> Engine:
    """An engine whose connections are keyed SQLCipher connections (the pysqlite
    dialect over sqlcipher3's DB-API, which mirrors sqlite3's, errors included)."""
    return create_engine(
        f"sqlite+pysqlite:///{path}",
        module=sqlcipher,
        creator=lambda: connect(path, keys),
        # An error's message (logged with its traceback) must not carry the values of
        # the statement: they are what people typed, which the database keeps encrypted.
        hide_parameters=True,
    )


def make_engine(path: Path, keys: DataKeys) -> Engine:
    """The store's engine: WAL, foreign keys, a busy timeout on every connection."""
    engine = keyed_engine(path, keys)
    event.listen(engine, "connect", _pragmas)
    return engine


def _pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()
