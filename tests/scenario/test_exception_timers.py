"""An exception's reminder and expiry are timer rows: each fires once, across a restart of the
bot and across two replicas sweeping one PostgreSQL database at the same moment."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import col

from bot.features.audit.verification import verify
from bot.testing import ChatDriver, FakeClock
from store.models import AuditEventRow, TimerRow
from tests.pg import fresh_database
from tests.scenario.exception_steps import ask_exception, click, exception_row
from tests.scenario.helpers import text_of
from tests.scenario.test_onboarding import file_onboarding


async def granted_expedite(chat: ChatDriver) -> None:
    """bob's onboarding REQ-1, expedited for 2bd by nina (the reminder 1bd before the end)."""
    await file_onboarding(chat)
    await ask_exception(chat, "bob", "加急 REQ-1", reason="新员工即将入职", impact="中",
                        validity="2bd", justification="新同事下周一入职")
    await click(chat, "nina", "批准例外")


async def counts(chat: ChatDriver) -> dict[str, int]:
    async with chat.app.db.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(col(AuditEventRow.action), func.count()).where(
                col(AuditEventRow.action).in_(("exception.reminded", "exception.expired",
                                               "exception.recovery_created")))
            .group_by(col(AuditEventRow.action)))
        timers = await uow.session.execute(
            select(col(TimerRow.kind), col(TimerRow.state))
            .where(col(TimerRow.subject) == "exception:1"))
    found: dict[str, int] = {str(action): int(n) for action, n in rows}
    for kind, state in timers:
        found[f"{kind}:{state}"] = found.get(f"{kind}:{state}", 0) + 1
    return found


def reminders(*drivers: ChatDriver, person: str = "bob") -> int:
    return sum(1 for d in drivers for m in d.inbox(person)
               if "EXC-1" in text_of(m) and "将于" in text_of(m))


async def test_reminder_and_expiry_fire_once_across_a_restart(sqlite_url: str) -> None:
    clock = FakeClock()
    first = await ChatDriver.open(sqlite_url, clock=clock)
    await granted_expedite(first)
    await first.close()  # the bot stops; the reminder falls due while nothing runs

    clock.advance(days=1, hours=2)
    second = await ChatDriver.open(sqlite_url, clock=clock)
    try:
        assert await second.tick() >= 1
        assert await second.tick(minutes=5) == 0
        assert reminders(second) == 1
        await second.tick(days=3)
        await second.tick(days=1)
        assert (await exception_row(second)).state == "ended"
        found = await counts(second)
        assert (found["exception.reminded"], found["exception.expired"],
                found["exception.recovery_created"]) == (1, 1, 1)
        assert found["exception.remind:done"] == found["exception.expire:done"] == 1
        assert (await verify(second.app.db)).problems == ()
    finally:
        await second.close()


async def test_two_replicas_on_postgresql_fire_the_reminder_and_the_expiry_once(
    tmp_path: Path, postgres_server: str
) -> None:
    async with fresh_database("postgresql", tmp_path, migrated=True) as url:
        clock = FakeClock()
        east = await ChatDriver.open(url, clock=clock)
        west = await ChatDriver.open(url, clock=clock)
        try:
            await granted_expedite(east)
            for advance in ({"days": 1, "hours": 2}, {"minutes": 5}, {"days": 3}, {"days": 1}):
                clock.advance(**advance)
                await asyncio.gather(east.app.sweeper.sweep(), west.app.sweeper.sweep())
                await asyncio.gather(east.app.dispatcher.drain(), west.app.dispatcher.drain())
            assert reminders(east, west) == 1
            assert reminders(east, west, person="nina") == 1
            found = await counts(east)
            assert (found["exception.reminded"], found["exception.expired"],
                    found["exception.recovery_created"]) == (1, 1, 1)
            assert found["exception.remind:done"] == found["exception.expire:done"] == 1
            assert (await verify(east.app.db)).problems == ()
        finally:
            await west.close()
            await east.close()
