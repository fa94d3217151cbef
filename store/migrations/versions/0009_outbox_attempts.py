"""Outbox attempts: outbox.attempted_at and outbox.retry_since.

``attempted_at`` is when the row was last handed to a sender (written, with the lease, before
the platform is called), so a row taken over from a dead sender is known to be in doubt.
``retry_since`` is when the row's current retry window opened (its first failure, or an
operator's ``esmbot outbox retry``); it is dead-lettered when that window closes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UtcDateTime = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("attempted_at", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("retry_since", UtcDateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("retry_since")
        batch.drop_column("attempted_at")
