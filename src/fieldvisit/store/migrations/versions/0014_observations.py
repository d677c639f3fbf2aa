"""observations of the walk, their photos and the plan of the town centre

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-07 16:00:00.000000

- `observations`: one row per observation of the walk (« Points d'attention »):
  category, place, severity, comment, the action of the plan it led to, its pin on the
  visit's plan ({"x", "y"} fractions), with the sync columns of every user record.
- `attachments.observation_id`: the observation a photo shows.
- `attachments.role`: "plan" for the plan of the town centre (None for a photo).

The new attachment columns are nullable, no default: SQLite adds them without copying
the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "observations",
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("action_id", sa.String(length=36), nullable=True),
        sa.Column("pin", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("server_version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("pending", sa.Boolean(), server_default=sa.text("1"), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deletion_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["recommendations.id"]),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_observations_visit_id", "observations", ["visit_id"], unique=False)
    op.create_index(
        "ix_observations_pending",
        "observations",
        ["pending"],
        unique=False,
        sqlite_where=sa.text("pending = 1"),
    )
    # SQLite adds a column with its foreign key in place (ALTER TABLE … REFERENCES),
    # without copying the table; Alembic's add_column would want a batch copy.
    op.execute(
        "ALTER TABLE attachments ADD COLUMN observation_id VARCHAR(36) REFERENCES observations (id)"
    )
    op.add_column("attachments", sa.Column("role", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("role")
        batch.drop_column("observation_id")
    op.drop_index("ix_observations_pending", table_name="observations")
    op.drop_index("ix_observations_visit_id", table_name="observations")
    op.drop_table("observations")
