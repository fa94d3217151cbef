"""Metrics (issue 19): audit_check, one row per verification of the audit chain, for the
compliance figure audit_chain.

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UtcDateTime = sa.DateTime(timezone=True)

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_check",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("chain_ok", sa.Boolean(), nullable=False),
        sa.Column("checked", sa.Integer(), nullable=False),
        sa.Column("first_bad_seq", sa.Integer(), nullable=True),
        sa.Column("problems", sa.Integer(), nullable=False),
        sa.Column("since", UtcDateTime, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_check_at", "audit_check", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_check_at", "audit_check")
    op.drop_table("audit_check")
