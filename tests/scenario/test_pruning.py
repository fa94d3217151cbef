"""The inbound dedupe and the replay guard do not grow forever: event ids older than
``[inbound] retention_hours`` and signatures whose window has closed are pruned."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import PRUNE_JOB, BotApp, build_app
from bot.settings import Settings
from store import inbound

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def bot(tmp_path: Path, clock: Clock) -> AsyncIterator[BotApp]:
    settings = Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"},
        "inbound": {"retention_hours": 24, "prune_minutes": 5},
    })
    app = await build_app(settings, clock=clock)
    yield app
    await app.close()


async def count(bot: BotApp, table: str) -> int:
    async with bot.db.engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_old_event_ids_and_closed_windows_are_pruned(bot: BotApp, clock: Clock) -> None:
    async with bot.db.unit_of_work() as uow:
        for hours_ago, event_id in ((30, "old"), (2, "recent")):
            await inbound.remember_event(uow.session, channel="wecom", event_id=event_id,
                                         now=T0 - timedelta(hours=hours_ago))
    assert await bot.first_use("wecom", "n1", "d1", keep_seconds=600)
    assert await bot.first_use("dingtalk", "t:s", "d2", keep_seconds=3600)
    clock.now = T0 + timedelta(minutes=30)  # wecom's n1 window has closed, dingtalk's not

    assert await bot.prune_inbound() == 2
    async with bot.db.engine.connect() as conn:
        left = await conn.execute(text("SELECT event_id FROM inbound_event"))
        assert [row[0] for row in left] == ["recent"]
    assert await count(bot, "seen_signature") == 1
    assert await bot.first_use("wecom", "n1", "other body", keep_seconds=600)  # forgotten
    assert not await bot.first_use("dingtalk", "t:s", "other body", keep_seconds=3600)
    assert await bot.first_use("dingtalk", "t:s", "d2", keep_seconds=3600)  # a redelivery


async def test_pruning_runs_on_the_scheduler(bot: BotApp) -> None:
    bot.start_background()
    job = bot.scheduler.get_job(PRUNE_JOB)
    assert job is not None and job.trigger.interval == timedelta(minutes=5)
