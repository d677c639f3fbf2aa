"""occurrences of repeatable groups and their answers

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 04:00:00.000000

- `repeat_occurrences`: one row per occurrence of a form's repeatable group (any
  `repeat = true` section but the walk's « Points d'attention », which are
  observations): its visit, form and group (section id), with the sync columns.
- `occurrence_answers`: the answer to one item of one occurrence (JSON value), unique
  per (occurrence, item), with the occurrence's visit.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sync_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("server_version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("pending", sa.Boolean(), server_default=sa.text("1"), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
    ]


def _pending_index(table: str) -> None:
    op.create_index(
        f"ix_{table}_pending", table, ["pending"], unique=False, sqlite_where=sa.text("pending = 1")
    )


def upgrade() -> None:
    op.create_table(
        "repeat_occurrences",
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        *_sync_columns(),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_repeat_occurrences_visit_id", "repeat_occurrences", ["visit_id"], unique=False
    )
    _pending_index("repeat_occurrences")
    op.create_table(
        "occurrence_answers",
        sa.Column("occurrence_id", sa.String(length=36), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        *_sync_columns(),
        sa.ForeignKeyConstraint(["occurrence_id"], ["repeat_occurrences.id"]),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("occurrence_id", "item_id"),
    )
    op.create_index(
        "ix_occurrence_answers_visit_id", "occurrence_answers", ["visit_id"], unique=False
    )
    _pending_index("occurrence_answers")


def downgrade() -> None:
    op.drop_index("ix_occurrence_answers_pending", table_name="occurrence_answers")
    op.drop_index("ix_occurrence_answers_visit_id", table_name="occurrence_answers")
    op.drop_table("occurrence_answers")
    op.drop_index("ix_repeat_occurrences_pending", table_name="repeat_occurrences")
    op.drop_index("ix_repeat_occurrences_visit_id", table_name="repeat_occurrences")
    op.drop_table("repeat_occurrences")
