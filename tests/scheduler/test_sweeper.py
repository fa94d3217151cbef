"""The sweeper fires each due timer once, however late; retries a failing handler, then gives
up; and on SQLite lets only the holder of the leader lease sweep."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from bot.testing import FakeClock
from chat.events import ConversationKey
from chat.replies import Text
from scheduler.notices import NOTICE_HANDLERS, schedule_notice
from scheduler.sweeper import Sweeper, TimerFiring, TimerHandler
from store import outbox, timers
from store.db import Database
from store.models import OutboxRow, TimerRow

BOB = ConversationKey(channel="fake", tenant="T1", conversation="", user="bob")


def sweeper(db: Database, clock: FakeClock, extra: Mapping[str, TimerHandler] | None = None,
            **options: Any) -> Sweeper:
    return Sweeper(db, {**NOTICE_HANDLERS, **(extra or {})}, clock, **options)


async def remind_bob(db: Database, clock: FakeClock, *, due_in: timedelta = timedelta(0),
                     text: str = "REQ-1 is waiting for you", kind: str = "notice") -> int:
    async with db.unit_of_work() as uow:
        if kind == "notice":
            timer = await schedule_notice(uow.session, key=BOB, message=Text(text),
                                          due_at=clock() + due_in, now=clock(),
                                          subject="request:1")
        else:
            timer = await timers.schedule(uow.session, kind=kind, subject="request:1",
                                          due_at=clock() + due_in, now=clock(), recipient="bob")
    assert timer is not None and timer.id is not None
    return timer.id


async def timer_row(db: Database, timer_id: int) -> TimerRow:
    async with db.unit_of_work() as uow:
        found = await timers.get(uow.session, timer_id=timer_id)
    assert found is not None
    return found


async def sent_by_timers(db: Database) -> list[OutboxRow]:
    async with db.unit_of_work() as uow:
        return list(await uow.session.scalars(select(OutboxRow).order_by(col(OutboxRow.id))))


class Probe:
    """A timer kind for tests: records each firing, fails while told to."""

    def __init__(self, failures: int = 0) -> None:
        self.firings: list[TimerFiring] = []
        self.failures = failures

    async def __call__(self, firing: TimerFiring) -> None:
        self.firings.append(firing)
        await outbox.enqueue(firing.uow.session, recipient=BOB.as_dict(),
                             message={"kind": "text", "body": "probe"}, channel="fake",
                             now=firing.now, correlation=f"probe:{firing.timer.id}")
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the directory is unreachable")


async def test_a_due_notice_is_sent_once_and_a_later_one_waits(
    db: Database, clock: FakeClock
) -> None:
    now_id = await remind_bob(db, clock)
    later_id = await remind_bob(db, clock, due_in=timedelta(hours=1), text="later")
    woken: list[str] = []
    bot = sweeper(db, clock, on_commit=lambda: woken.append("dispatcher"))

    assert await bot.sweep() == 1
    assert await bot.sweep() == 0
    [row] = await sent_by_timers(db)
    assert (row.correlation, row.channel, row.recipient) == (f"timer:{now_id}", "fake",
                                                             BOB.as_dict())
    assert row.message["body"] == "REQ-1 is waiting for you" and row.state == "pending"
    assert row.recipient_key == BOB.lock_id
    fired = await timer_row(db, now_id)
    assert (fired.state, fired.fired_at, fired.attempts) == ("done", clock(), 1)
    assert (await timer_row(db, later_id)).state == "pending"
    assert woken == ["dispatcher"]

    clock.advance(hours=1)
    assert await bot.sweep() == 1
    assert [r.correlation for r in await sent_by_timers(db)] == [f"timer:{now_id}",
                                                                 f"timer:{later_id}"]


async def test_a_timer_overdue_by_three_hours_fires_and_knows_how_late(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    probe = Probe()
    timer_id = await remind_bob(db, clock, kind="probe")
    clock.advance(hours=3)  # nobody ran meanwhile
    caplog.set_level(logging.INFO, logger="esmbot.timers")
    assert await sweeper(db, clock, {"probe": probe}).sweep() == 1
    [firing] = probe.firings
    assert firing.late_by == timedelta(hours=3) and firing.now == clock()
    assert (await timer_row(db, timer_id)).fired_at == clock()
    assert f"timer={timer_id} kind=probe subject=request:1 fires 3:00:00 late" in caplog.text


async def test_a_failing_handler_is_rolled_back_and_retried_with_backoff(
    db: Database, clock: FakeClock
) -> None:
    probe = Probe(failures=1)
    timer_id = await remind_bob(db, clock, kind="probe")
    bot = sweeper(db, clock, {"probe": probe})
    assert await bot.sweep() == 0
    assert await sent_by_timers(db) == []  # what the handler wrote went with its failure
    waiting = await timer_row(db, timer_id)
    assert waiting.state == "pending" and "unreachable" in (waiting.last_error or "")
    assert await bot.sweep() == 0  # not before its backoff
    clock.advance(seconds=5)
    assert await bot.sweep() == 1
    assert [row.correlation for row in await sent_by_timers(db)] == [f"probe:{timer_id}"]
    done = await timer_row(db, timer_id)
    assert (done.state, done.attempts) == ("done", 2)
    assert [f.late_by for f in probe.firings] == [timedelta(0), timedelta(seconds=5)]


async def test_a_handler_that_keeps_failing_goes_dead_after_its_attempts(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    timer_id = await remind_bob(db, clock, kind="probe")
    bot = sweeper(db, clock, {"probe": Probe(failures=99)}, max_attempts=3)
    for _ in range(3):
        assert await bot.sweep() == 0
        clock.advance(minutes=5)
    dead = await timer_row(db, timer_id)
    assert (dead.state, dead.attempts) == ("dead", 3)
    assert f"timer={timer_id} kind=probe subject=request:1 is dead after 3 attempt(s)" \
        in caplog.text
    clock.advance(days=1)
    assert await bot.sweep() == 0 and await sent_by_timers(db) == []


async def test_a_timer_of_an_unknown_kind_is_dead_at_once(
    db: Database, clock: FakeClock
) -> None:
    timer_id = await remind_bob(db, clock, kind="retired.kind")
    assert await sweeper(db, clock).sweep() == 0
    dead = await timer_row(db, timer_id)
    assert dead.state == "dead" and "no handler for timer kind 'retired.kind'" in (
        dead.last_error or "")


async def test_kinds_registered_after_start_are_used(db: Database, clock: FakeClock) -> None:
    handlers: dict[str, TimerHandler] = {}
    bot = Sweeper(db, handlers, clock)
    handlers["probe"] = probe = Probe()
    await remind_bob(db, clock, kind="probe")
    assert await bot.sweep() == 1 and len(probe.firings) == 1


async def test_a_handler_may_defer_its_timer_to_later(db: Database, clock: FakeClock) -> None:
    deferrals: list[TimerFiring] = []

    async def quiet_hours(firing: TimerFiring) -> None:
        if not deferrals:
            deferrals.append(firing)
            await timers.reschedule(firing.uow.session, timer=firing.timer,
                                    due_at=firing.now + timedelta(hours=9))
        else:
            await NOTICE_HANDLERS["notice"](firing)

    timer_id = await remind_bob(db, clock)
    bot = sweeper(db, clock, {"notice": quiet_hours})
    assert await bot.sweep() == 1
    assert await sent_by_timers(db) == []
    assert (await timer_row(db, timer_id)).state == "pending"
    clock.advance(hours=9)
    assert await bot.sweep() == 1
    assert len(await sent_by_timers(db)) == 1
    assert (await timer_row(db, timer_id)).state == "done"


async def test_a_stalled_sweeper_does_not_fire_a_timer_taken_over_after_its_lease(
    db: Database, clock: FakeClock
) -> None:
    stalled = sweeper(db, clock, lease_seconds=30, owner="stalled")
    other = sweeper(db, clock, lease_seconds=30, owner="other")
    timer_id = await remind_bob(db, clock)
    [claimed] = await stalled._claim()  # then it hangs ...
    clock.advance(seconds=31)
    assert await other.sweep() == 1  # ... its lease runs out and the other fires the timer
    assert await stalled._fire([claimed]) == 0  # ... and when it wakes up it does not, again
    assert [row.correlation for row in await sent_by_timers(db)] == [f"timer:{timer_id}"]
    taken = await timer_row(db, timer_id)
    assert (taken.state, taken.attempts) == ("done", 2)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_on_sqlite_a_second_sweeper_without_the_lease_does_nothing(
    db: Database, clock: FakeClock
) -> None:
    leader = sweeper(db, clock, lease_seconds=60, owner="leader")
    follower = sweeper(db, clock, lease_seconds=60, owner="follower")
    assert await leader.sweep() == 0  # nothing due yet, but it leads now
    await remind_bob(db, clock)
    assert await follower.sweep() == 0
    assert await sent_by_timers(db) == []
    clock.advance(seconds=30)
    assert await leader.sweep() == 1  # and it renewed the lease for 60 s more
    await remind_bob(db, clock)
    clock.advance(seconds=59)
    assert await follower.sweep() == 0
    clock.advance(seconds=1)  # the leader stopped sweeping (it died): its lease ran out
    assert await follower.sweep() == 1
    assert await leader.sweep() == 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_sweeper_that_stops_hands_the_lease_over_at_once(
    db: Database, clock: FakeClock
) -> None:
    leader = sweeper(db, clock, owner="leader")
    follower = sweeper(db, clock, owner="follower")
    await leader.sweep()
    await remind_bob(db, clock)
    await leader.stop()
    assert await leader.sweep() == 0
    assert await follower.sweep() == 1


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_on_postgresql_sweepers_share_the_work_and_fire_each_timer_once(
    db: Database, clock: FakeClock
) -> None:
    async with db.unit_of_work() as uow:
        for n in range(300):
            await schedule_notice(uow.session, key=BOB, message=Text(f"#{n}"), due_at=clock(),
                                  now=clock(), subject=f"request:{n}")
    crew = [sweeper(db, clock, batch_size=20, owner=f"replica-{n}") for n in range(3)]
    fired = await asyncio.gather(*(replica.sweep() for replica in crew))
    assert sum(fired) == 300 and all(fired)
    async with db.unit_of_work() as uow:
        rows, correlations = (await uow.session.execute(
            select(func.count(), func.count(col(OutboxRow.correlation).distinct())))).one()
    assert rows == correlations == 300
