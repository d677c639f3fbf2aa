"""deletions as one operation; conflicts that follow their record

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 12:00:00.000000

- `deletion_id` on every user record: the deletion (one id per `soft_delete`) that
  tombstoned the row, synced with it, so that every laptop can undo a whole deletion.
- `sync_conflicts.record_version`: the server version of the record the conflict was
  last brought up to date with; `sync_conflicts.details`: what a person needs to read a
  conflict (who deleted what, where an imported value came from, what replaced it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

USER_TABLES = (
    "contacts",
    "visits",
    "visit_participants",
    "answers",
    "interviews",
    "interviewees",
    "interview_answers",
    "theme_ratings",
    "recommendations",
    "attachments",
    "quick_notes",
)


def upgrade() -> None:
    # Nullable columns without a default: SQLite adds them without copying the tables.
    # Tombstones made before this revision have no deletion id: each is its own deletion.
    for table in USER_TABLES:
        op.add_column(table, sa.Column("deletion_id", sa.String(length=36), nullable=True))
    op.add_column("sync_conflicts", sa.Column("record_version", sa.Integer(), nullable=True))
    op.add_column("sync_conflicts", sa.Column("details", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in (*USER_TABLES, "sync_conflicts"):
        with op.batch_alter_table(table) as batch:
            if table == "sync_conflicts":
                batch.drop_column("details")
                batch.drop_column("record_version")
            else:
                batch.drop_column("deletion_id")
