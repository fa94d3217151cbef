"""Metrics (issue 19): request_fact, one summary row per request folded from its trail.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

UtcDateTime = sa.DateTime(timezone=True)
JsonDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED = ("submitted_at", "first_resolved_at", "closed_at", "first_claim_at", "ended_at")


def upgrade() -> None:
    # Rows are filled by ``esmbot metrics rebuild`` (run on start for requests without one).
    op.create_table(
        "request_fact",
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("request.id"), primary_key=True,
                  autoincrement=False),
        sa.Column("service_id", sa.String(), nullable=False),
        sa.Column("service_department", sa.String(), nullable=True),
        sa.Column("requester", sa.String(), nullable=False),
        sa.Column("requester_department", sa.String(), nullable=True),
        sa.Column("groups", JsonDocument, nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("statuses", JsonDocument, nullable=False),
        sa.Column("submitted_at", UtcDateTime, nullable=False),
        sa.Column("first_response_at", UtcDateTime, nullable=True),
        sa.Column("first_resolved_at", UtcDateTime, nullable=True),
        sa.Column("closed_at", UtcDateTime, nullable=True),
        sa.Column("ended_at", UtcDateTime, nullable=True),
        sa.Column("completion_wall_s", sa.Float(), nullable=True),
        sa.Column("completion_business_s", sa.Float(), nullable=True),
        sa.Column("response_target", sa.String(), nullable=True),
        sa.Column("response_late", sa.Boolean(), nullable=True),
        sa.Column("resolution_target", sa.String(), nullable=True),
        sa.Column("resolution_late", sa.Boolean(), nullable=True),
        sa.Column("expedited", sa.Boolean(), nullable=False),
        sa.Column("need_info_rounds", sa.Integer(), nullable=False),
        sa.Column("reopens", sa.Integer(), nullable=False),
        sa.Column("amendments", sa.Integer(), nullable=False),
        sa.Column("rejections", sa.Integer(), nullable=False),
        sa.Column("resubmission_of", sa.Integer(), nullable=True),
        sa.Column("stage_wall", JsonDocument, nullable=False),
        sa.Column("stage_business", JsonDocument, nullable=False),
        sa.Column("approval_required", sa.Boolean(), nullable=False),
        sa.Column("approval_done_at", UtcDateTime, nullable=True),
        sa.Column("first_claim_at", UtcDateTime, nullable=True),
        sa.Column("deferred_approval", sa.Boolean(), nullable=False),
        sa.Column("trail_complete", sa.Boolean(), nullable=False),
        sa.Column("folded_seq", sa.Integer(), nullable=False),
        sa.Column("folded_at", UtcDateTime, nullable=True),
    )
    for column in INDEXED:
        op.create_index(f"ix_request_fact_{column}", "request_fact", [column])
    op.create_index("ix_request_fact_service", "request_fact", ["service_id"])


def downgrade() -> None:
    op.drop_table("request_fact")
