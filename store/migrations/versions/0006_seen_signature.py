"""Replay guard: seen_signature (a callback nonce/signature used once, with one body).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UtcDateTime = sa.DateTime(timezone=True)

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_signature",
        sa.Column("channel", sa.String(), primary_key=True),
        sa.Column("nonce", sa.String(), primary_key=True),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_seen_signature_expires_at", "seen_signature", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_seen_signature_expires_at", table_name="seen_signature")
    op.drop_table("seen_signature")
