"""signatures drawn on screen for a visit's report

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 21:00:00.000000

- `signatures`: one row per visit and signer role (the author, the maire, the
  commandant de brigade; natural id, re-signing replaces it): the signer's name, when
  they signed, and the drawing's strokes (core/signature.py), with the sync columns of
  every user record.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signatures",
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("signed_at", sa.String(length=32), nullable=False),
        sa.Column("strokes", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("server_version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("pending", sa.Boolean(), server_default=sa.text("1"), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("visit_id", "role"),
    )
    op.create_index(
        "ix_signatures_pending",
        "signatures",
        ["pending"],
        unique=False,
        sqlite_where=sa.text("pending = 1"),
    )


def downgrade() -> None:
    op.drop_index("ix_signatures_pending", table_name="signatures")
    op.drop_table("signatures")
