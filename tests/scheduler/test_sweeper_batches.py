"""A claimed batch fires in one transaction, and still each timer's effects commit exactly once:
a failing handler costs only its own timer a retry, a failure no handler raised is narrowed
down, a crash mid-batch loses the batch's uncommitted work and nothing else, and a timer taken
over or finished by an earlier handler of the batch is not fired again."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.testing import FakeClock
from scheduler.sweeper import Sweeper, TimerFiring
from store import outbox, timers
from store.db import Database
from store.models import TimerRow
from tests.scheduler.test_sweeper import BOB, remind_bob, sent_by_timers, sweeper, timer_row


class Crash(BaseException):
    """The process dies here: nothing after it runs, nothing uncommitted survives."""


class Picky:
    """A timer kind for tests: queues a message, then raises for the timers it is told to."""

    def __init__(self, failing: set[int] | None = None,
                 error: type[BaseException] = RuntimeError) -> None:
        self.fired: list[int] = []
        self.failing = failing or set()
        self.error = error

    async def __call__(self, firing: TimerFiring) -> None:
        timer_id = firing.timer.id or 0
        self.fired.append(timer_id)
        await outbox.enqueue(firing.uow.session, recipient=BOB.as_dict(),
                             message={"kind": "text", "body": f"#{timer_id}"}, channel="fake",
                             now=firing.now, correlation=f"picky:{timer_id}")
        if timer_id in self.failing:
            raise self.error(f"timer {timer_id} cannot be fired")


async def due_now(db: Database, clock: FakeClock, count: int) -> list[int]:
    return [await remind_bob(db, clock, kind="picky") for _ in range(count)]


async def sent(db: Database) -> Counter[str]:
    return Counter(row.correlation or "" for row in await sent_by_timers(db))


async def test_a_batch_fires_in_one_transaction(db: Database, clock: FakeClock) -> None:
    ids = await due_now(db, clock, 5)
    commits: list[str] = []
    event.listen(db.engine.sync_engine, "commit", lambda _connection: commits.append("commit"))
    picky = Picky()
    assert await sweeper(db, clock, {"picky": picky}).sweep() == 5
    assert len(commits) == 2  # the claim, then the firing of all five
    assert picky.fired == ids
    assert await sent(db) == Counter(f"picky:{n}" for n in ids)
    assert {(await timer_row(db, n)).state for n in ids} == {"done"}


async def test_a_long_batch_is_split_so_that_turns_do_not_wait_for_all_of_it(
    db: Database, clock: FakeClock
) -> None:
    ids = await due_now(db, clock, 3)
    commits: list[str] = []
    event.listen(db.engine.sync_engine, "commit", lambda _connection: commits.append("commit"))
    picky = Picky()
    bot = sweeper(db, clock, {"picky": picky}, transaction_seconds=0)  # always "too long"
    assert await bot.sweep() == 3
    assert len(commits) == 4  # the claim, then one timer per transaction
    assert picky.fired == ids
    assert await sent(db) == Counter(f"picky:{n}" for n in ids)


async def test_one_failing_handler_costs_only_its_own_timer_a_retry(
    db: Database, clock: FakeClock
) -> None:
    ids = await due_now(db, clock, 5)
    failing = ids[2]
    picky = Picky(failing={failing})
    bot = sweeper(db, clock, {"picky": picky})

    assert await bot.sweep() == 4
    assert await sent(db) == Counter(f"picky:{n}" for n in ids if n != failing)
    for n in ids:
        row = await timer_row(db, n)
        assert row.attempts == 1  # firing the others again did not count as another attempt
        assert row.state == ("pending" if n == failing else "done")
    waiting = await timer_row(db, failing)
    assert "cannot be fired" in (waiting.last_error or "")
    assert waiting.lease_until == clock() + timedelta(seconds=5)  # its backoff, as before

    picky.failing.clear()
    assert await bot.sweep() == 0  # not before its backoff
    clock.advance(seconds=5)
    assert await bot.sweep() == 1
    assert await sent(db) == Counter(f"picky:{n}" for n in ids)  # each exactly once
    assert ((await timer_row(db, failing)).state,
            (await timer_row(db, failing)).attempts) == ("done", 2)


async def test_every_failing_handler_of_a_batch_is_retried_alone(
    db: Database, clock: FakeClock
) -> None:
    ids = await due_now(db, clock, 6)
    failing = {ids[0], ids[3], ids[5]}
    picky = Picky(failing=failing)
    assert await sweeper(db, clock, {"picky": picky}).sweep() == 3
    assert await sent(db) == Counter(f"picky:{n}" for n in ids if n not in failing)
    assert {n: (await timer_row(db, n)).state for n in ids} == {
        n: "pending" if n in failing else "done" for n in ids}
    assert max(Counter(picky.fired).values()) <= 2  # a handler runs at most twice


async def test_a_row_a_handler_left_unwritten_fails_that_handler_not_the_next(
    db: Database, clock: FakeClock
) -> None:
    """A handler adds a row without writing it, and the row is refused when it is written:
    the timer of that handler is retried, not the one whose statement would have flushed it."""
    ids = await due_now(db, clock, 4)
    async with db.unit_of_work() as uow:
        await timers.schedule(uow.session, kind="picky", subject="later", now=clock(),
                              due_at=clock() + timedelta(days=1), dedupe_key="taken")
    clashing = ids[1]
    picky = Picky()

    async def leaves_a_clash_behind(firing: TimerFiring) -> None:
        await picky(firing)
        if firing.timer.id == clashing:  # refused once written: the key is taken
            firing.uow.session.add(TimerRow(kind="picky", subject="again", dedupe_key="taken",
                                            due_at=firing.now, created_at=firing.now))

    assert await sweeper(db, clock, {"picky": leaves_a_clash_behind}).sweep() == 3
    assert await sent(db) == Counter(f"picky:{n}" for n in ids if n != clashing)
    failed = await timer_row(db, clashing)
    assert (failed.state, failed.attempts) == ("pending", 1)
    assert "IntegrityError" in (failed.last_error or "")


async def test_a_failure_no_handler_raised_is_narrowed_down_to_its_timer(
    db: Database, clock: FakeClock
) -> None:
    """Marking the batch done fails (the database refuses it) after every handler returned:
    halving the batch finds the timer, which is retried; the others fire."""
    ids = await due_now(db, clock, 5)
    poisoned = ids[3]

    def refuse(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        marks_done = statement.startswith("UPDATE timer") and "fired_at" in statement
        if marks_done and poisoned in _flat(parameters):
            raise RuntimeError("the disk is full")

    event.listen(db.engine.sync_engine, "before_cursor_execute", refuse)
    picky = Picky()
    assert await sweeper(db, clock, {"picky": picky}).sweep() == 4
    event.remove(db.engine.sync_engine, "before_cursor_execute", refuse)
    assert await sent(db) == Counter(f"picky:{n}" for n in ids if n != poisoned)
    failed = await timer_row(db, poisoned)
    assert (failed.state, failed.attempts) == ("pending", 1)
    assert "the disk is full" in (failed.last_error or "")


def _flat(parameters: Any) -> list[Any]:
    values = parameters.values() if isinstance(parameters, dict) else parameters
    return [v for value in values
            for v in (value if isinstance(value, list | tuple) else [value])]


async def test_a_crash_mid_batch_loses_that_batch_only_and_nothing_fires_twice(
    db: Database, clock: FakeClock
) -> None:
    ids = await due_now(db, clock, 5)
    crashing = sweeper(db, clock, {"picky": Picky(failing={ids[3]}, error=Crash)},
                       batch_size=2, lease_seconds=30, owner="crashing")
    with pytest.raises(Crash):
        await crashing.sweep()  # the first batch committed; the process died in the second
    assert await sent(db) == Counter(f"picky:{n}" for n in ids[:2])
    assert [(await timer_row(db, n)).state for n in ids] == [
        "done", "done", "claimed", "claimed", "pending"]

    picky = Picky()
    other = sweeper(db, clock, {"picky": picky}, batch_size=2, lease_seconds=30,
                    owner="other")
    await other.sweep()  # the dead sweeper's claims (and SQLite lease) hold until they end
    assert not set(picky.fired) & set(ids[2:4])
    clock.advance(seconds=30)
    await other.sweep()
    assert sorted(picky.fired) == ids[2:]
    assert await sent(db) == Counter(f"picky:{n}" for n in ids)  # each exactly once
    assert [(await timer_row(db, n)).attempts for n in ids] == [1, 1, 2, 2, 1]


async def test_a_stalled_sweeper_fires_only_what_was_not_taken_over(
    db: Database, clock: FakeClock
) -> None:
    ids = await due_now(db, clock, 3)
    stalled = sweeper(db, clock, {"picky": Picky()}, lease_seconds=30, owner="stalled")
    other = sweeper(db, clock, {"picky": Picky()}, lease_seconds=30, owner="other",
                    batch_size=1)
    claims = await stalled._claim()  # then it hangs ...
    clock.advance(seconds=31)
    async with db.unit_of_work() as uow:  # ... and another sweeper takes over the first
        [taken] = await timers.claim_due(uow.session, now=clock(), owner="other",
                                         lease_seconds=30, limit=1)
    assert await stalled._fire(claims) == 2  # it wakes up: the other two are still its own
    assert await other._fire([taken]) == 1
    assert await sent(db) == Counter(f"picky:{n}" for n in ids)


async def test_a_timer_finished_by_an_earlier_handler_of_the_batch_is_not_fired(
    db: Database, clock: FakeClock
) -> None:
    first, second = await due_now(db, clock, 2)
    picky = Picky()

    async def coalescing(firing: TimerFiring) -> None:
        await picky(firing)
        await timers.complete_many(firing.uow.session, timer_ids=[second], now=firing.now)

    assert await Sweeper(db, {"picky": coalescing}, clock).sweep() == 1
    assert picky.fired == [first]
    assert [(await timer_row(db, n)).state for n in (first, second)] == ["done", "done"]
