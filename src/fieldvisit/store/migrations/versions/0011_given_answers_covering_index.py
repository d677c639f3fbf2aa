"""covering index of the given answers (the visit list's progress column)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 09:00:00.000000

The visit list computes every visit's progress from its given answers (item and value:
conditions decide which items count). Revision 0003's partial index held only the
visit id, so reading 300,000 answers for 10,000 visits looked each one up in the table
(rows that also carry comments and sync columns). This index holds what progress reads,
in the order it groups them (visit, form), for the same rows: the read is the index
alone. It replaces 0003's, which it serves as well (its first column is the visit id).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GIVEN = "deleted_at IS NULL AND value IS NOT NULL"


def upgrade() -> None:
    # Plain CREATE / DROP INDEX statements: no table copy, the answers stay as they are.
    op.create_index(
        "ix_answers_given",
        "answers",
        # deleted_at: NULL in every entry; listed so that SQLite reads nothing else.
        ["visit_id", "form_id", "item_id", "value", "deleted_at"],
        unique=False,
        sqlite_where=sa.text(GIVEN),
    )
    op.drop_index("ix_answers_given_visit_id", table_name="answers")


def downgrade() -> None:
    op.create_index(
        "ix_answers_given_visit_id",
        "answers",
        ["visit_id"],
        unique=False,
        sqlite_where=sa.text(GIVEN),
    )
    op.drop_index("ix_answers_given", table_name="answers")
