"""Single sign-on states (``sso_state``): one row per sign-in started at a platform, spent by
the first callback that names it. Only hashes of the state and of the browser's cookie are
kept, so the table lets nobody finish someone else's sign-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import SsoStateRow

_TABLE = SsoStateRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SsoState:
    platform: str
    browser_hash: str
    nonce: str
    next_path: str
    expires_at: datetime


async def add(session: AsyncSession, state_hash: str, state: SsoState, *, now: datetime
              ) -> None:
    await session.execute(insert(_TABLE).values(
        state_hash=state_hash, platform=state.platform, browser_hash=state.browser_hash,
        nonce=state.nonce, next_path=state.next_path, created_at=now,
        expires_at=state.expires_at, used_at=None))


async def spend(session: AsyncSession, state_hash: str, *, now: datetime) -> SsoState | None:
    """The state, marked used by this call; None when it is unknown or was used before (two
    callbacks racing with one state: one of them gets it)."""
    spent = await session.execute(
        update(_TABLE).where(col(SsoStateRow.state_hash) == state_hash,
                             col(SsoStateRow.used_at).is_(None))
        .values(used_at=now)
        .returning(_TABLE.c.platform, _TABLE.c.browser_hash, _TABLE.c.nonce,
                   _TABLE.c.next_path, _TABLE.c.expires_at))
    row = spent.first()
    if row is None:
        return None
    return SsoState(platform=row.platform, browser_hash=row.browser_hash, nonce=row.nonce,
                    next_path=row.next_path, expires_at=row.expires_at)


async def was_spent(session: AsyncSession, state_hash: str) -> bool:
    """A state that exists and was used (a second callback with it)."""
    found = await session.scalar(select(col(SsoStateRow.used_at)).where(
        col(SsoStateRow.state_hash) == state_hash))
    return found is not None


async def prune(session: AsyncSession, *, before: datetime) -> int:
    """Forget the states that expired before ``before`` (used or not); returns how many."""
    gone = await session.execute(delete(_TABLE).where(col(SsoStateRow.expires_at) < before))
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]
