"""Numbered choices: numbered_choice (what "1" clicks in a conversation, on any replica).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

UtcDateTime = sa.DateTime(timezone=True)
JsonDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "numbered_choice",
        sa.Column("conversation", sa.String(), primary_key=True),
        sa.Column("shown", JsonDocument, nullable=False),
        sa.Column("shown_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_numbered_choice_shown_at", "numbered_choice", ["shown_at"])


def downgrade() -> None:
    op.drop_index("ix_numbered_choice_shown_at", table_name="numbered_choice")
    op.drop_table("numbered_choice")
