"""Dedupe: an event is new once; redeliveries (even concurrent ones) are recognised."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from store import inbound
from store.db import Database


async def _remember(db: Database, event_id: str, now: datetime, channel: str = "slack") -> bool:
    async with db.unit_of_work() as uow:
        return await inbound.remember_event(uow.session, channel=channel, event_id=event_id,
                                            now=now)


async def test_the_same_event_twice_is_new_only_the_first_time(
    db: Database, now: datetime
) -> None:
    assert await _remember(db, "Ev1", now) is True
    assert await _remember(db, "Ev1", now) is False


async def test_event_ids_are_per_channel(db: Database, now: datetime) -> None:
    assert await _remember(db, "42", now, channel="wecom") is True
    assert await _remember(db, "42", now, channel="dingtalk") is True


async def test_a_duplicate_within_one_transaction_is_seen(db: Database, now: datetime) -> None:
    async with db.unit_of_work() as uow:
        first = await inbound.remember_event(uow.session, channel="s", event_id="e", now=now)
        second = await inbound.remember_event(uow.session, channel="s", event_id="e", now=now)
    assert (first, second) == (True, False)


async def test_concurrent_deliveries_of_one_event_give_exactly_one_new(
    db: Database, now: datetime
) -> None:
    results = await asyncio.gather(*(_remember(db, "Ev-dup", now) for _ in range(10)))
    assert sorted(results) == [False] * 9 + [True]


async def test_old_events_are_pruned(db: Database, now: datetime) -> None:
    await _remember(db, "old", now - timedelta(days=8))
    await _remember(db, "new", now)
    async with db.unit_of_work() as uow:
        removed = await inbound.prune_events(uow.session, before=now - timedelta(days=7))
    assert removed == 1
    assert await _remember(db, "old", now) is True
    assert await _remember(db, "new", now) is False
