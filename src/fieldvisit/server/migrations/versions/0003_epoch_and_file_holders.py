"""the server's epoch (restores), uploads per account, holders and proofs of files

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 09:00:00.000000

- `server_state`: the epoch (server/epoch.py) and the key of file references in logs.
- `epoch_versions`: each record's version when a restore began the current epoch.
- `uploads`: one partial upload per account and file (server/blobs.py); the shared
  partials of before (`blobs` rows not complete) are dropped: their clients start
  those uploads again.
- `blob_holders`: accounts that sent a file's complete bytes. Before this revision only
  the first uploader of a file is known: it is its holder.
- `blob_proofs`: territories where a holder attached a file. Existing attachment
  records count where their territory is one of the first uploader's (or the uploader
  is an admin); a record naming a file its territory never had is left unproven, so
  its file is not served through it.
"""

import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    server_state = op.create_table(
        "server_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.String(length=64), nullable=False),
        sa.Column("epoch_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("restored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("renew_on_start", sa.Boolean(), nullable=False),
        sa.Column("log_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_state")),
    )
    op.create_table(
        "epoch_versions",
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "record_id", name=op.f("pk_epoch_versions")),
    )
    op.create_table(
        "uploads",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_uploads_user_id_users")),
        sa.PrimaryKeyConstraint("sha256", "user_id", name=op.f("pk_uploads")),
    )
    holders = op.create_table(
        "blob_holders",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_blob_holders_user_id_users")
        ),
        sa.PrimaryKeyConstraint("sha256", "user_id", name=op.f("pk_blob_holders")),
    )
    proofs = op.create_table(
        "blob_proofs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("territory", sa.String(length=3), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "territory", name=op.f("pk_blob_proofs")),
    )

    now = datetime.now(UTC)
    op.bulk_insert(
        server_state,
        [
            {
                "id": 1,
                "epoch": str(uuid.uuid4()),
                "epoch_started_at": now,
                "restored_at": None,
                "renew_on_start": False,
                "log_key": secrets.token_hex(32),
            }
        ],
    )
    connection = op.get_bind()
    blobs = sa.table(
        "blobs",
        sa.column("sha256"),
        sa.column("complete", sa.Boolean()),
        sa.column("uploaded_by"),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("completed_at", sa.DateTime(timezone=True)),
    )
    connection.execute(sa.delete(blobs).where(blobs.c.complete.is_(False)))
    uploaded = connection.execute(
        sa.select(blobs.c.sha256, blobs.c.uploaded_by, blobs.c.completed_at, blobs.c.created_at)
    ).all()
    if uploaded:
        op.bulk_insert(
            holders,
            [
                {"sha256": sha, "user_id": user, "since": done or made or now}
                for sha, user, done, made in uploaded
            ],
        )
    users = sa.table("users", sa.column("id"), sa.column("role"), sa.column("territories"))
    reach = {
        user_id: None if role == "admin" else set(filter(None, (territories or "").split(",")))
        for user_id, role, territories in connection.execute(
            sa.select(users.c.id, users.c.role, users.c.territories)
        )
    }
    uploader = {sha: user for sha, user, _done, _made in uploaded}
    records = sa.table(
        "records", sa.column("table_name"), sa.column("sha256"), sa.column("territory")
    )
    proven: set[tuple[str, str]] = set()
    for sha, territory in connection.execute(
        sa.select(records.c.sha256, records.c.territory)
        .where(records.c.table_name == "attachments", records.c.sha256.is_not(None))
        .distinct()
    ):
        if territory is None or sha not in uploader:
            continue
        allowed = reach.get(uploader[sha], set())
        if allowed is None or territory in allowed:
            proven.add((sha, territory))
    if proven:
        op.bulk_insert(
            proofs, [{"sha256": sha, "territory": territory} for sha, territory in sorted(proven)]
        )


def downgrade() -> None:
    op.drop_table("blob_proofs")
    op.drop_table("blob_holders")
    op.drop_table("uploads")
    op.drop_table("epoch_versions")
    op.drop_table("server_state")
