"""Timers: timer, lease; outbox.recipient_key (rows to one recipient go out in order).

Existing outbox rows get their ``recipient_key`` computed here, in Python, from their
``recipient`` JSON (batches of ``BATCH`` rows), so the same code runs on SQLite and PostgreSQL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

UtcDateTime = sa.DateTime(timezone=True)
JsonDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500


def upgrade() -> None:
    _timer()
    _lease()
    _outbox_recipient_key()


def downgrade() -> None:
    op.drop_index("ix_outbox_recipient_key_state", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("recipient_key")
    op.drop_table("lease")
    op.drop_table("timer")


def _timer() -> None:
    op.create_table(
        "timer",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("recipient", sa.String(), nullable=True),
        sa.Column("payload", JsonDocument, nullable=False),
        sa.Column("due_at", UtcDateTime, nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("dedupe_key", sa.String(), nullable=True),
        sa.Column("lease_owner", sa.String(), nullable=True),
        sa.Column("lease_until", UtcDateTime, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("fired_at", UtcDateTime, nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.UniqueConstraint("dedupe_key", name="uq_timer_dedupe_key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_timer_state_due_at", "timer", ["state", "due_at"])
    op.create_index("ix_timer_subject_state", "timer", ["subject", "state"])
    op.create_index("ix_timer_recipient_kind_state", "timer", ["recipient", "kind", "state"])


def _lease() -> None:
    op.create_table(
        "lease",
        sa.Column("name", sa.String(), primary_key=True),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("until", UtcDateTime, nullable=False),
    )


def _outbox_recipient_key() -> None:
    # Added with a default so existing rows are valid, filled in, then the default is dropped
    # (SQLite: Alembic's batch mode copies the table to drop it).
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("recipient_key", sa.String(), nullable=False,
                                   server_default=""))
    _backfill_recipient_keys()
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("recipient_key", existing_type=sa.String(), server_default=None)
    op.create_index("ix_outbox_recipient_key_state", "outbox", ["recipient_key", "state"])


def _backfill_recipient_keys() -> None:
    outbox = sa.table("outbox", sa.column("id", sa.Integer()),
                      sa.column("recipient", JsonDocument),
                      sa.column("recipient_key", sa.String()))
    connection = op.get_bind()
    update = (outbox.update().where(outbox.c.id == sa.bindparam("row_id"))
              .values(recipient_key=sa.bindparam("key")))
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(outbox.c.id, outbox.c.recipient).where(outbox.c.id > last_id)
            .order_by(outbox.c.id).limit(BATCH)).all()
        if not rows:
            return
        connection.execute(update, [{"row_id": row.id, "key": recipient_key(row.recipient)}
                                    for row in rows])
        last_id = rows[-1].id


def recipient_key(recipient: dict[str, Any] | None) -> str:
    """Frozen copy of ``store.outbox.recipient_key`` (a migration must not change later)."""
    data = recipient or {}
    user = str(data.get("user") or "")
    conversation = str(data.get("conversation") or "") or "@" + user
    return f"{data.get('channel') or ''}:{data.get('tenant') or ''}:{conversation}:{user}"
