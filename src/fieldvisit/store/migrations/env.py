"""Alembic environment: migrations run on a connection handed over by store.database."""

from typing import Any, Literal

from alembic import context
from sqlalchemy.types import TypeDecorator

from fieldvisit.store.models import Base


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Migrations must not import app types that may change later: write the SQL type.
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite needs table copies for most ALTERs
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
