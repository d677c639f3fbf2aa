"""refused changes, set-aside pulled records, the account's role and territories

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # New tables and two nullable columns: no table is copied. The role and
    # territories are filled at the next sync (GET /me).
    op.add_column("sync_state", sa.Column("role", sa.String(length=16), nullable=True))
    op.add_column("sync_state", sa.Column("territories", sa.Text(), nullable=True))
    op.create_table(
        "sync_refused",
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("refused_by", sa.String(length=16), nullable=False),
        sa.Column("refused_at", sa.String(length=32), nullable=False),
        sa.Column("stamp_updated_at", sa.String(length=40), nullable=False),
        sa.Column("stamp_deleted_at", sa.String(length=40), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "record_id", name=op.f("pk_sync_refused")),
    )
    op.create_table(
        "sync_set_aside",
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_aside_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "record_id", name=op.f("pk_sync_set_aside")),
    )


def downgrade() -> None:
    op.drop_table("sync_set_aside")
    op.drop_table("sync_refused")
    with op.batch_alter_table("sync_state") as batch:
        batch.drop_column("territories")
        batch.drop_column("role")
