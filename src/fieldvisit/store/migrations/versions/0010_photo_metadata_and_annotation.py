"""a photo's EXIF facts and its annotation on the attachment record

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-09 10:00:00.000000

- `attachments.taken_at`: when the photo was taken (EXIF DateTimeOriginal, in UTC);
  photos are sorted by it and the import proposes the checklist item answered then.
- `attachments.orientation`: the EXIF orientation (1-8).
- `attachments.gps`: where it was taken, JSON {"lat", "lon"} (personal data: the
  Préférences decide where it goes).
- `attachments.annotation`: JSON shapes drawn over the photo (core/annotation.py),
  kept apart from the original file.

All nullable, no default: SQLite adds them without copying the table. Photos imported
before this revision have none of them (their files are not read again).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("taken_at", "orientation", "gps", "annotation")


def upgrade() -> None:
    op.add_column("attachments", sa.Column("taken_at", sa.String(length=32), nullable=True))
    op.add_column("attachments", sa.Column("orientation", sa.Integer(), nullable=True))
    op.add_column("attachments", sa.Column("gps", sa.Text(), nullable=True))
    op.add_column("attachments", sa.Column("annotation", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
