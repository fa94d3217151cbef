"""Audit head and anchors: audit_head (the chain's newest link), audit_anchor (signed heads).

The head row of an existing database is computed here from its current chain (the newest
event's seq and hash, and the number of events), so upgrading keeps every event and the chain
verifies at once. An empty trail gets seq 0 and 64 zeros.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

UtcDateTime = sa.DateTime(timezone=True)
GENESIS_HASH = "0" * 64

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("signature", sa.String(), nullable=False),
        sa.Column("pushed_at", UtcDateTime, nullable=True),
        sqlite_autoincrement=True,
    )
    op.bulk_insert(head, [_current_head()])


def downgrade() -> None:
    op.drop_table("audit_anchor")
    op.drop_table("audit_head")


def _current_head() -> dict[str, object]:
    connection = op.get_bind()
    events = sa.table("audit_event", sa.column("seq", sa.Integer()), sa.column("hash"))
    count = connection.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
    last = connection.execute(
        sa.select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)).first()
    seq, hash_ = (int(last[0]), str(last[1])) if last is not None else (0, GENESIS_HASH)
    return {"id": 1, "seq": seq, "hash": hash_, "count": int(count),
            "updated_at": datetime.now(UTC)}
