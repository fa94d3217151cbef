"""The terminal channel's mailbox: messages for personas who are not at the keyboard."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import ConsoleInboxRow


async def deliver(
    session: AsyncSession, *, person: str, message: dict[str, Any], now: datetime
) -> None:
    session.add(ConsoleInboxRow(person=person, message=dict(message), created_at=now, seen=False))
    await session.flush()


async def take_unseen(session: AsyncSession, *, person: str) -> list[dict[str, Any]]:
    """What arrived for ``person`` since last time, oldest first; marks it seen."""
    query = (
        select(ConsoleInboxRow)
        .where(col(ConsoleInboxRow.person) == person, col(ConsoleInboxRow.seen).is_(False))
        .order_by(col(ConsoleInboxRow.id))
    )
    rows = list(await session.scalars(query))
    if rows:
        ids = [row.id for row in rows]
        await session.execute(
            update(ConsoleInboxRow).where(col(ConsoleInboxRow.id).in_(ids)).values(seen=True)
        )
    return [dict(row.message) for row in rows]
