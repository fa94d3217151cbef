"""Dialog state per conversation, keyed by ``ConversationKey.lock_id``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import DialogStateRow


async def load_dialog(session: AsyncSession, *, lock_id: str) -> DialogStateRow | None:
    return await session.get(DialogStateRow, lock_id)


async def save_dialog(
    session: AsyncSession,
    *,
    lock_id: str,
    person: str,
    channel: str,
    state: dict[str, Any],
    now: datetime,
    expires_at: datetime,
) -> DialogStateRow:
    """Insert or replace the state; ``version`` goes up by one on every save."""
    row = await session.get(DialogStateRow, lock_id)
    if row is None:
        row = DialogStateRow(lock_id=lock_id, person=person, channel=channel, version=0)
    row.person = person
    row.channel = channel
    row.state = dict(state)
    row.version += 1
    row.updated_at = now
    row.expires_at = expires_at
    session.add(row)
    await session.flush()
    return row


async def delete_dialog(session: AsyncSession, *, lock_id: str) -> None:
    await session.execute(delete(DialogStateRow).where(col(DialogStateRow.lock_id) == lock_id))


async def expired_dialogs(
    session: AsyncSession, *, now: datetime, limit: int = 100
) -> list[DialogStateRow]:
    """Dialogs whose ``expires_at`` has passed, the longest expired first."""
    query = (
        select(DialogStateRow)
        .where(col(DialogStateRow.expires_at) <= now)
        .order_by(col(DialogStateRow.expires_at))
        .limit(limit)
    )
    return list(await session.scalars(query))
