"""Initial schema: request, dialog_state, inbound_event, outbox, audit_event, console_inbox.

Revision ID: 0001
Revises:
Create Date: 2025-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Plain types, frozen here: a migration must not change when application code does.
UtcDateTime = sa.DateTime(timezone=True)
JsonDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
JsonVerbatim = sa.JSON()

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _request()
    _dialog_state()
    _inbound_event()
    _outbox()
    _audit_event()
    _console_inbox()


def downgrade() -> None:
    for table in ("console_inbox", "audit_event", "outbox", "inbound_event", "dialog_state",
                  "request"):
        op.drop_table(table)


def _request() -> None:
    op.create_table(
        "request",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("service_id", sa.String(), nullable=False),
        sa.Column("service_version", sa.String(), nullable=False),
        sa.Column("requester", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("status_reason", sa.String(), nullable=True),
        sa.Column("answers", JsonDocument, nullable=False),
        sa.Column("locale", sa.String(), nullable=False),
        sa.Column("origin", JsonDocument, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("closed_at", UtcDateTime, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_request_requester_created_at", "request", ["requester", "created_at"])
    op.create_index("ix_request_status", "request", ["status"])


def _dialog_state() -> None:
    op.create_table(
        "dialog_state",
        sa.Column("lock_id", sa.String(), primary_key=True),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("state", JsonDocument, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_dialog_state_expires_at", "dialog_state", ["expires_at"])


def _inbound_event() -> None:
    op.create_table(
        "inbound_event",
        sa.Column("channel", sa.String(), primary_key=True),
        sa.Column("event_id", sa.String(), primary_key=True),
        sa.Column("received_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_inbound_event_received_at", "inbound_event", ["received_at"])


def _outbox() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("recipient", JsonDocument, nullable=False),
        sa.Column("message", JsonDocument, nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("target_ref", JsonDocument, nullable=True),
        sa.Column("correlation", sa.String(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime, nullable=False),
        sa.Column("lease_owner", sa.String(), nullable=True),
        sa.Column("lease_until", UtcDateTime, nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("sent_ref", JsonDocument, nullable=True),
        sa.Column("sent_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_outbox_state_next_attempt_at", "outbox", ["state", "next_attempt_at"])
    op.create_index("ix_outbox_correlation", "outbox", ["correlation"])


def _audit_event() -> None:
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("on_behalf_of", sa.String(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("data", JsonVerbatim, nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
    )
    op.create_index("ix_audit_event_subject", "audit_event", ["subject"])


def _console_inbox() -> None:
    op.create_table(
        "console_inbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("message", JsonDocument, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("seen", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_console_inbox_person_seen", "console_inbox", ["person", "seen"])
