"""Governed exceptions (issue 18): exception_grant, and task.recovery.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

UtcDateTime = sa.DateTime(timezone=True)
JsonDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exception_grant",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("request.id"), nullable=False),
        sa.Column("service_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("effect", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("requested_by", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("reason_text", sa.String(), nullable=True),
        sa.Column("impact", sa.String(), nullable=True),
        sa.Column("validity", sa.String(), nullable=True),
        sa.Column("justification", sa.String(), nullable=True),
        sa.Column("seats", JsonDocument, nullable=False),
        sa.Column("decisions", JsonDocument, nullable=False),
        sa.Column("granted_at", UtcDateTime, nullable=True),
        sa.Column("ends_at", UtcDateTime, nullable=True),
        sa.Column("ended_at", UtcDateTime, nullable=True),
        sa.Column("end_cause", sa.String(), nullable=True),
        sa.Column("end_note", sa.String(), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_exception_grant_request", "exception_grant", ["request_id"])
    op.create_index("ix_exception_grant_service_granted", "exception_grant",
                    ["service_id", "granted_at"])
    op.create_index("ix_exception_grant_state", "exception_grant", ["state"])
    with op.batch_alter_table("task") as batch:
        batch.add_column(sa.Column("recovery", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.drop_column("recovery")
    op.drop_table("exception_grant")
