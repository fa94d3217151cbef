"""Fulfilment: task, survey_response.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

UtcDateTime = sa.DateTime(timezone=True)
JsonDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("request.id"), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("title", JsonDocument, nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("depends_on", JsonDocument, nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("assignee", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("question", sa.String(), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("ready_at", UtcDateTime, nullable=True),
        sa.Column("claimed_at", UtcDateTime, nullable=True),
        sa.Column("done_at", UtcDateTime, nullable=True),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_task_request_id", "task", ["request_id"])
    op.create_index("ix_task_group_state", "task", ["group_id", "state"])
    op.create_index("ix_task_assignee_state", "task", ["assignee", "state"])
    op.create_table(
        "survey_response",
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("request.id"), primary_key=True),
        sa.Column("service_id", sa.String(), nullable=False),
        sa.Column("groups", JsonDocument, nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(), nullable=True),
        sa.Column("sent_at", UtcDateTime, nullable=False),
        sa.Column("answered_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_survey_response_service_id", "survey_response", ["service_id"])


def downgrade() -> None:
    op.drop_table("survey_response")
    op.drop_table("task")
