"""Dedupe of inbound platform events: each (channel, event_id) is taken in once.

The rows are the inbox's (``store.inbox``): ``remember_event`` records an event as taken in and
processed at once, in the caller's transaction (a turn that did not go through the inbox).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from store.dialect import dialect_of
from store.models import InboundEventRow

_TABLE = InboundEventRow.__table__  # type: ignore[attr-defined]
_REMEMBER = {  # built once per dialect: every turn runs it
    "postgresql": postgresql_insert(_TABLE).on_conflict_do_nothing(
        index_elements=["channel", "event_id"]),
    "sqlite": sqlite_insert(_TABLE).on_conflict_do_nothing(
        index_elements=["channel", "event_id"]),
}


async def remember_event(
    session: AsyncSession, *, channel: str, event_id: str, now: datetime
) -> bool:
    """True the first time this event is seen, False for a redelivery (also across replicas)."""
    result = cast(CursorResult[Any], await session.execute(
        _REMEMBER[dialect_of(session)],
        {"channel": channel, "event_id": event_id, "received_at": now,
         "processed_at": now, "attempts": 0}))
    return result.rowcount == 1


async def prune_events(session: AsyncSession, *, before: datetime) -> int:
    """Forget processed events received before ``before``; returns how many were removed.
    An unprocessed one is kept until it is processed (``store.inbox``)."""
    statement = delete(InboundEventRow).where(col(InboundEventRow.received_at) < before,
                                              col(InboundEventRow.processed_at).is_not(None))
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount
