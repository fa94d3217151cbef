"""Retention: what the store may forget after a while. Delivered outbox rows (kept a while so
that a card can still be edited in place) and the terminal's seen mailbox messages. The audit
trail is never pruned, nor anything it is checked against."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import ConsoleInboxRow, OutboxRow


async def prune_sent_outbox(session: AsyncSession, *, before: datetime) -> int:
    """Delivered rows sent before ``before``; pending, sending and dead ones always stay."""
    statement = delete(OutboxRow).where(col(OutboxRow.state) == "sent",
                                        col(OutboxRow.sent_at) < before)
    return cast(CursorResult[Any], await session.execute(statement)).rowcount


async def prune_seen_mailbox(session: AsyncSession, *, before: datetime) -> int:
    """Terminal mailbox messages already shown, older than ``before``; unseen ones stay."""
    statement = delete(ConsoleInboxRow).where(col(ConsoleInboxRow.seen).is_(True),
                                              col(ConsoleInboxRow.created_at) < before)
    return cast(CursorResult[Any], await session.execute(statement)).rowcount
