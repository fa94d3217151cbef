"""Dedupe of inbound platform events: each (channel, event_id) is taken in once."""

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
        {"channel": channel, "event_id": event_id, "received_at": now}))
    return result.rowcount == 1


async def prune_events(session: AsyncSession, *, before: datetime) -> int:
    """Forget events received before ``before``; returns how many were removed."""
    statement = delete(InboundEventRow).where(col(InboundEventRow.received_at) < before)
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount
