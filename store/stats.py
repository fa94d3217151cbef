"""What the operators' ``/metrics`` reads from the store at each scrape: the outbox by state
and the age of its oldest undelivered row, the timers that are due and how late the oldest is.
Each is one indexed aggregate (``ix_outbox_state_next_attempt_at``, ``ix_timer_state_due_at``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.models import OUTBOX_STATES, OutboxRow, TimerRow


@dataclass(frozen=True)
class StoreStats:
    outbox: dict[str, int]  # rows per state
    oldest_undelivered_seconds: float  # pending or sending; 0 when none
    timers_due: int  # pending and due now
    oldest_due_seconds: float  # how long the most overdue pending timer has waited; 0 if none


async def read_stats(session: AsyncSession, *, now: datetime) -> StoreStats:
    counts = dict.fromkeys(OUTBOX_STATES, 0)
    rows = await session.execute(select(col(OutboxRow.state), func.count()).group_by(
        col(OutboxRow.state)))
    counts.update({state: int(count) for state, count in rows})
    oldest = await session.scalar(select(func.min(col(OutboxRow.created_at))).where(
        col(OutboxRow.state).in_(("pending", "sending"))))
    due = (await session.execute(select(func.count(), func.min(col(TimerRow.due_at))).where(
        col(TimerRow.state) == "pending", col(TimerRow.due_at) <= now))).one()
    return StoreStats(outbox=counts, oldest_undelivered_seconds=_age(now, oldest),
                      timers_due=int(due[0] or 0), oldest_due_seconds=_age(now, due[1]))


def _age(now: datetime, since: datetime | None) -> float:
    return max(0.0, (now - since).total_seconds()) if since is not None else 0.0
