"""The reload generation (``reload_generation``, one row): asked for by ``esmbot reload`` or a
SIGHUP, read by every replica's poll."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import ReloadGenerationRow

ROW_ID = 1


async def current_generation(session: AsyncSession) -> int:
    """0 until the first reload is asked for."""
    value = await session.scalar(select(col(ReloadGenerationRow.generation)).where(
        col(ReloadGenerationRow.id) == ROW_ID))
    return int(value or 0)


async def ask_reload(session: AsyncSession, *, by: str, now: datetime) -> int:
    """Bump the generation (its row is made by the migration); returns the new one."""
    bumped = await session.execute(
        update(ReloadGenerationRow).where(col(ReloadGenerationRow.id) == ROW_ID)
        .values(generation=col(ReloadGenerationRow.generation) + 1, requested_at=now,
                requested_by=by)
        .returning(col(ReloadGenerationRow.generation)))
    return int(bumped.scalar_one())
