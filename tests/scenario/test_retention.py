"""Retention (issue 21): delivered outbox rows and seen terminal messages are forgotten after
`[retention]`; pending and dead rows, unseen messages and the audit trail stay."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import RETENTION_JOB, BotApp, build_app
from bot.settings import Settings
from store import console_inbox, outbox

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[BotApp]:
    settings = Settings.model_validate({
        "store": {"url": f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}"},
        "retention": {"outbox_sent_days": 30, "mailbox_days": 7},
    })
    app = await build_app(settings, clock=lambda: T0)
    yield app
    await app.close()


async def rows(bot: BotApp, query: str) -> list[tuple[object, ...]]:
    async with bot.db.engine.connect() as conn:
        return [tuple(row) for row in await conn.execute(text(query))]


async def test_old_deliveries_and_seen_messages_go_the_rest_stays(bot: BotApp) -> None:
    async with bot.db.unit_of_work() as uow:
        for days_ago, state in ((40, "sent"), (40, "dead"), (40, "pending"), (2, "sent")):
            queued = await outbox.enqueue(uow.session, recipient={"user": "alice"},
                                          message={"kind": "text", "text": state},
                                          channel="fake", now=T0 - timedelta(days=days_ago))
            await uow.session.execute(text(
                "UPDATE outbox SET state = :state, sent_at = :at WHERE id = :id"),
                {"state": state, "at": T0 - timedelta(days=days_ago), "id": queued.id})
        for days_ago, person in ((10, "bob"), (10, "carol"), (1, "dave")):
            await console_inbox.deliver(uow.session, person=person, message={"text": "hi"},
                                        now=T0 - timedelta(days=days_ago))
        await console_inbox.take_unseen(uow.session, person="bob")  # bob saw his
        await console_inbox.take_unseen(uow.session, person="dave")

    assert await bot.apply_retention() == 2
    left = await rows(bot, "SELECT state, sent_at IS NOT NULL FROM outbox ORDER BY id")
    assert [state for state, _ in left] == ["dead", "pending", "sent"]
    assert await rows(bot, "SELECT person FROM console_inbox ORDER BY id") == [("carol",),
                                                                               ("dave",)]


async def test_retention_runs_once_a_day_on_the_scheduler(bot: BotApp) -> None:
    bot.start_background()
    job = bot.scheduler.get_job(RETENTION_JOB)
    assert job is not None and job.trigger.interval == timedelta(days=1)
