"""partial indexes of the pending rows (sync) and of the visit list's columns

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 09:00:00.000000

Every sync round counts and reads the pending rows of each synced table; without an
index that is a scan of every table, which costs a no-op round in proportion to the
records held (212 ms at 50,000). A partial index of the pending rows holds only those:
empty on a synced laptop. The visit list reads its columns of every live visit, newest
first, from one covering index instead of the table (whose rows carry the summary).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The synced tables at this revision, written out: a migration must keep meaning what
# it meant. A table added later gets its index in the migration that creates it (the
# models declare one for every synced table: store/models.py, and a test checks both).
SYNCED_TABLES = (
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
VISIT_LIST_COLUMNS = [
    "visit_date",
    "id",
    "commune_code",
    "commune_name",
    "departement",
    "visit_type",
    "status",
    "author",
    "checklist_form_id",
    "checklist_form_version",
    "diagnostic_form_id",
    "diagnostic_form_version",
    "deleted_at",  # NULL in every entry: listed so that the index covers the query
]


def upgrade() -> None:
    # Plain CREATE INDEX statements: no table copy, the rows stay as they are.
    for table in SYNCED_TABLES:
        op.create_index(
            f"ix_{table}_pending",
            table,
            ["pending"],
            unique=False,
            sqlite_where=sa.text("pending = 1"),
        )
    op.create_index(
        "ix_visits_list",
        "visits",
        VISIT_LIST_COLUMNS,
        unique=False,
        sqlite_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_visits_list", table_name="visits")
    for table in SYNCED_TABLES:
        op.drop_index(f"ix_{table}_pending", table_name=table)
