"""Inbox before the ack: inbound_event keeps the event itself until its turn has committed.

The row is written before the platform is answered; ``processed_at`` is set by the turn's
transaction; ``lease_owner``/``lease_until``/``attempts`` let a process recover rows that a
crashed one left unprocessed. Rows taken in before this revision were handled: processed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

UtcDateTime = sa.DateTime(timezone=True)
Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_event") as batch:
        batch.add_column(sa.Column("lock_id", sa.String(), nullable=True))
        batch.add_column(sa.Column("payload", Json, nullable=True))
        batch.add_column(sa.Column("processed_at", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("lease_owner", sa.String(), nullable=True))
        batch.add_column(sa.Column("lease_until", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False,
                                   server_default="0"))
    op.execute("UPDATE inbound_event SET processed_at = received_at")
    op.create_index("ix_inbound_event_processed_at_received_at", "inbound_event",
                    ["processed_at", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_inbound_event_processed_at_received_at", table_name="inbound_event")
    with op.batch_alter_table("inbound_event") as batch:
        for column in ("attempts", "lease_until", "lease_owner", "processed_at", "payload",
                       "lock_id"):
            batch.drop_column(column)
