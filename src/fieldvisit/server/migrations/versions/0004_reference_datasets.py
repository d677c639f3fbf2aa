"""public datasets held for the laptops (server/reference.py)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 18:00:00.000000

- `reference_datasets`: the edition of each public dataset (SSMSI, PVD, FRR,
  gendarmerie) the server holds, its file and when it was imported.
- `reference_parts`: one row per dataset × département: the published header and that
  département's rows, gzipped, with their SHA-256 (what laptops compare).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reference_datasets",
        sa.Column("dataset", sa.String(length=32), nullable=False),
        sa.Column("edition", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("dataset", name=op.f("pk_reference_datasets")),
    )
    op.create_table(
        "reference_parts",
        sa.Column("dataset", sa.String(length=32), nullable=False),
        sa.Column("territory", sa.String(length=3), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("dataset", "territory", name=op.f("pk_reference_parts")),
    )


def downgrade() -> None:
    op.drop_table("reference_parts")
    op.drop_table("reference_datasets")
