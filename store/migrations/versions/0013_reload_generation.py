"""Reload without restart: reload_generation (one row; every replica re-reads its files when
the generation it loaded is older).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

UtcDateTime = sa.DateTime(timezone=True)

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "reload_generation",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("requested_at", UtcDateTime, nullable=False),
        sa.Column("requested_by", sa.String(), nullable=False),
    )
    # The one row exists from the start, so that asking for a reload is always an UPDATE
    # (two replicas asking at once never race to insert it).
    op.bulk_insert(table, [{"id": 1, "generation": 0, "requested_at": datetime.now(UTC),
                            "requested_by": "migration"}])


def downgrade() -> None:
    op.drop_table("reload_generation")
