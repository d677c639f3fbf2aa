"""partial index of the given answers (the visit list's progress count)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain CREATE INDEX: no table copy, the answers stay as they are.
    op.create_index(
        "ix_answers_given_visit_id",
        "answers",
        ["visit_id"],
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL AND value IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_answers_given_visit_id", table_name="answers")
