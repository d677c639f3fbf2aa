"""the epoch of the server this data dir syncs with (sync_state.server_epoch)

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-07 09:00:00.000000

A restore of the server from a backup changes its epoch: the laptop then re-offers
what the server lost and pulls from 0 again (sync/epoch.py). NULL until the first
pull after this revision, which records the server's epoch without re-offering.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column: SQLite adds it without copying the table.
    op.add_column("sync_state", sa.Column("server_epoch", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.drop_column("server_epoch")
