"""Approval moves: approval_seat.handed_to (转交) and approval_seat.added_by (加签).

A seat handed over keeps its row (state ``handed_over``, ``handed_to`` the new holder); the new
holder gets a seat of their own. A seat added to a step names who added it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("approval_seat") as batch:
        batch.add_column(sa.Column("handed_to", sa.String(), nullable=True))
        batch.add_column(sa.Column("added_by", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("approval_seat") as batch:
        batch.drop_column("added_by")
        batch.drop_column("handed_to")
