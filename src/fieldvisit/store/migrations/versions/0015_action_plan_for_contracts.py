"""the action plan a contrat de sécurité needs: dispositifs, porteur, cost, funding

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 21:00:00.000000

New columns of `recommendations` (core/action_plan.py says what they hold):

- `dispositifs`: JSON list of dispositif codes; filled here from the single
  `dispositif` (none for « aucun »), which stays for older apps;
- `porteur_contact_id`: the named person who carries the action (a contact), besides
  the organisation in `porteur`;
- `description`, `success_indicator`: long texts, nullable (an older app sends none:
  None reads as ""); "" for the existing actions;
- `estimated_cost`: whole euros, or NULL;
- `funding`: JSON list of {"source", "amount"} lines, or NULL;
- `review_date`: when the action is next reviewed, or NULL.

All nullable: SQLite adds them without copying the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("recommendations", sa.Column("dispositifs", sa.Text(), nullable=True))
    # SQLite adds a column with its foreign key in place (ALTER TABLE … REFERENCES).
    op.execute(
        "ALTER TABLE recommendations ADD COLUMN porteur_contact_id VARCHAR(36) "
        "REFERENCES contacts (id)"
    )
    op.add_column(
        "recommendations",
        sa.Column("description", sa.Text(), nullable=True),
    )
    op.add_column("recommendations", sa.Column("estimated_cost", sa.Integer(), nullable=True))
    op.add_column("recommendations", sa.Column("funding", sa.Text(), nullable=True))
    op.add_column(
        "recommendations",
        sa.Column("success_indicator", sa.Text(), nullable=True),
    )
    op.add_column("recommendations", sa.Column("review_date", sa.Date(), nullable=True))
    op.execute("UPDATE recommendations SET description = '', success_indicator = ''")
    # The single dispositif becomes the list's one entry (« aucun »: an empty list).
    op.execute(
        "UPDATE recommendations SET dispositifs = CASE WHEN dispositif = 'aucun' "
        "OR dispositif = '' THEN '[]' ELSE json_array(dispositif) END"
    )


def downgrade() -> None:
    with op.batch_alter_table("recommendations") as batch:
        for name in (
            "review_date",
            "success_indicator",
            "funding",
            "estimated_cost",
            "description",
            "porteur_contact_id",
            "dispositifs",
        ):
            batch.drop_column(name)
