"""The web console: console_session (a signed-in browser, ended at sign-out or expiry) and
console_link (a one-time sign-in link sent in chat). Only hashes of their tokens are kept.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UtcDateTime = sa.DateTime(timezone=True)

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_session",
        sa.Column("token_hash", sa.String(), primary_key=True),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("ended_at", UtcDateTime, nullable=True),
        sa.Column("locale", sa.String(), nullable=True),
        sa.Column("signed_in_by", sa.String(), nullable=False),
    )
    op.create_index("ix_console_session_expires_at", "console_session", ["expires_at"])
    op.create_table(
        "console_link",
        sa.Column("token_hash", sa.String(), primary_key=True),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("used_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_console_link_expires_at", "console_link", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_console_link_expires_at", table_name="console_link")
    op.drop_table("console_link")
    op.drop_index("ix_console_session_expires_at", table_name="console_session")
    op.drop_table("console_session")
