"""Metrics (issue 19): request_fact.folded_at and request_fact.open_clocks, the SLA clocks of an
open request at the end of its trail, so that breached_open and tasks_at_risk read them instead
of folding the trails again. Rows folded before have NULL there (the metrics replay their
trails until ``esmbot metrics rebuild`` refolds them).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

UtcDateTime = sa.DateTime(timezone=True)
JsonDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("request_fact") as batch:
        batch.add_column(sa.Column("folded_at", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("open_clocks", JsonDocument, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("request_fact") as batch:
        batch.drop_column("open_clocks")
        batch.drop_column("folded_at")
