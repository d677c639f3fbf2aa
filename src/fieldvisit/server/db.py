"""The server's database: engine set-up for SQLite or PostgreSQL, and migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.core.errors import BadInput

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def normalise_url(db: str) -> str:
    """A SQLAlchemy URL from --db: a URL as is, or a plain path for a SQLite file."""
    if "://" not in db:
        return f"sqlite+pysqlite:///{Path(db).expanduser().resolve()}"
    try:
        url = make_url(db)
    except Exception as err:
        raise BadInput(f"Adresse de base de données invalide : « {db} » ({err}).") from err
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise BadInput(
            f"Base « {url.get_backend_name()} » non prise en charge : SQLite ou PostgreSQL "
            "(postgresql+psycopg://…)."
        )
    return db


def make_server_engine(db_url: str) -> Engine:
    url = make_url(normalise_url(db_url))
    if url.get_backend_name() == "sqlite":
        if url.database:
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        # Error messages (and so the error log) never show the values of a statement.
        hide_parameters=True,
        pool_size=10,
        max_overflow=10,
        connect_args={"prepare_threshold": None},
    )


def migrate(engine: Engine) -> None:
    """Bring the server database to the newest schema (Alembic, own script location)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """Engine plus sessions; one Session per request or unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
