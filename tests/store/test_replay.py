"""The replay guard's table: a nonce is first once, a redelivery keeps its body, another body
is told apart (also when replicas race), and closed windows are pruned."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from store import replay
from store.db import Database
from store.replay import Sighting


async def _sight(db: Database, nonce: str, digest: str, until: datetime,
                 channel: str = "dingtalk") -> Sighting:
    async with db.unit_of_work() as uow:
        return await replay.sight(uow.session, channel=channel, nonce=nonce, digest=digest,
                                  keep_until=until)


async def test_a_nonce_is_first_once_then_same_or_other_body(db: Database, now: datetime
                                                               ) -> None:
    until = now + timedelta(minutes=10)
    assert await _sight(db, "1700:sig", "body-a", until) is Sighting.FIRST
    assert await _sight(db, "1700:sig", "body-a", until) is Sighting.SAME_BODY
    assert await _sight(db, "1700:sig", "body-b", until) is Sighting.OTHER_BODY
    assert await _sight(db, "1700:sig", "body-b", until, channel="wecom") is Sighting.FIRST


async def test_racing_replicas_see_exactly_one_first(db: Database, now: datetime) -> None:
    until = now + timedelta(minutes=10)
    seen = await asyncio.gather(*(_sight(db, "n", f"body-{i}", until) for i in range(6)))
    assert sorted(s.value for s in seen) == ["first"] + ["other_body"] * 5


async def test_closed_windows_are_pruned(db: Database, now: datetime) -> None:
    await _sight(db, "old", "a", now - timedelta(seconds=1))
    await _sight(db, "open", "a", now + timedelta(minutes=5))
    async with db.unit_of_work() as uow:
        assert await replay.prune_signatures(uow.session, now=now) == 1
    assert await _sight(db, "old", "b", now + timedelta(minutes=5)) is Sighting.FIRST
    assert await _sight(db, "open", "b", now + timedelta(minutes=5)) is Sighting.OTHER_BODY
