"""who pushed each version, and the previous versions of records (history)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A column with a default: no table copy on SQLite, no rewrite on PostgreSQL 11+.
    op.add_column(
        "records",
        sa.Column("updated_by_user", sa.String(length=100), server_default="", nullable=False),
    )
    op.create_table(
        "record_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_by_user", sa.String(length=100), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by_user", sa.String(length=100), nullable=False),
        sa.Column("replaced_by_device", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_history")),
    )
    op.create_index(
        "ix_record_history_record",
        "record_history",
        ["table_name", "record_id", "version"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_record_history_record", table_name="record_history")
    op.drop_table("record_history")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_column("updated_by_user")
