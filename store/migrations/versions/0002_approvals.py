"""Approvals: approval_step, approval_seat, delegation.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UtcDateTime = sa.DateTime(timezone=True)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _approval_step()
    _approval_seat()
    _delegation()


def downgrade() -> None:
    for table in ("delegation", "approval_seat", "approval_step"):
        op.drop_table(table)


def _approval_step() -> None:
    op.create_table(
        "approval_step",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("request.id"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("required", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("ended_because", sa.String(), nullable=True),
        sa.Column("started_at", UtcDateTime, nullable=True),
        sa.Column("finished_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_approval_step_request_round", "approval_step", ["request_id", "round"])


def _approval_seat() -> None:
    op.create_table(
        "approval_seat",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("step_id", sa.Integer(), sa.ForeignKey("approval_step.id"), nullable=False),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("request.id"), nullable=False),
        sa.Column("approver", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("comment", sa.String(), nullable=True),
        sa.Column("decided_at", UtcDateTime, nullable=True),
        sa.UniqueConstraint("step_id", "approver", name="uq_approval_seat_step_approver"),
    )
    op.create_index("ix_approval_seat_approver_state", "approval_seat", ["approver", "state"])
    op.create_index("ix_approval_seat_request_id", "approval_seat", ["request_id"])


def _delegation() -> None:
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("from_person", sa.String(), nullable=False),
        sa.Column("to_person", sa.String(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("cancelled_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_delegation_from_person", "delegation", ["from_person"])
