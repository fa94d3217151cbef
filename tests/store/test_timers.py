"""Timers in the store: schedule, replace, dedupe, cancel, claim under a lease, finish once,
retry or die, coalesce, reschedule; the leader lease; the migration that adds them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from store import migrate, outbox, timers
from store.db import Database
from store.models import TimerRow
from store.types import JsonDocument, UtcDateTime
from tests.pg import fresh_database
from tests.store.conftest import T0

MINUTE = timedelta(minutes=1)


async def _schedule(db: Database, now: datetime, **fields: Any) -> TimerRow | None:
    values: dict[str, Any] = {"kind": "approval.remind", "subject": "seat:5", "due_at": now,
                              **fields}
    async with db.unit_of_work() as uow:
        return await timers.schedule(uow.session, now=now, **values)


async def _claim(db: Database, now: datetime, owner: str = "s1", lease: float = 60.0,
                 limit: int = 100) -> list[timers.Claim]:
    async with db.unit_of_work() as uow:
        return await timers.claim_due(uow.session, now=now, owner=owner, lease_seconds=lease,
                                      limit=limit)


async def _get(db: Database, timer: TimerRow | timers.Claim | None) -> TimerRow:
    assert timer is not None and timer.id is not None
    async with db.unit_of_work() as uow:
        found = await timers.get(uow.session, timer_id=timer.id)
    assert found is not None
    return found


async def _states(db: Database) -> dict[int, str]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(text("SELECT id, state FROM timer ORDER BY id"))
        return {row.id: row.state for row in rows}


# ---------------------------------------------------------------- scheduling and cancelling

async def test_a_scheduled_timer_waits_pending_with_what_it_was_given(
    db: Database, now: datetime
) -> None:
    timer = await _schedule(db, now, due_at=now + 4 * MINUTE * 60, recipient="bob",
                            payload={"step": 2})
    stored = await _get(db, timer)
    assert (stored.kind, stored.subject, stored.recipient, stored.payload) == (
        "approval.remind", "seat:5", "bob", {"step": 2})
    assert (stored.state, stored.attempts, stored.created_at) == ("pending", 0, now)
    assert stored.due_at == now + timedelta(hours=4)
    assert stored.fired_at is None and stored.lease_owner is None


async def test_schedule_returns_the_row_as_stored_in_one_statement(
    db: Database, now: datetime
) -> None:
    statements: list[str] = []
    sa.event.listen(db.engine.sync_engine, "before_cursor_execute",
                    lambda _c, _cu, statement, *_: statements.append(statement))
    shanghai = now.astimezone(ZoneInfo("Asia/Shanghai"))
    async with db.unit_of_work() as uow:
        statements.clear()
        timer = await timers.schedule(uow.session, kind="approval.remind", subject="seat:5",
                                      due_at=shanghai + MINUTE, now=shanghai, recipient="bob",
                                      payload={"step": 2}, dedupe_key="once")
        assert [s.split()[0] for s in statements if s != "BEGIN IMMEDIATE"] == ["INSERT"]
        assert timer is not None
        [pending] = await timers.pending_of(uow.session, subject="seat:5")
        assert pending is timer  # it is the session's copy of the row
        assert timer.due_at.tzinfo == UTC and timer.created_at.tzinfo == UTC
    stored = await _get(db, timer)
    columns = [c.name for c in sa.inspect(TimerRow).columns]
    assert {c: getattr(timer, c) for c in columns} == {c: getattr(stored, c) for c in columns}


async def test_schedule_refuses_a_time_without_a_zone(db: Database, now: datetime) -> None:
    async with db.unit_of_work() as uow:
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            await timers.schedule(uow.session, kind="approval.remind", subject="seat:5",
                                  due_at=now.replace(tzinfo=None), now=now)
        await uow.session.rollback()


async def test_replace_updates_the_sessions_copy_of_the_replaced_timer(
    db: Database, now: datetime
) -> None:
    async with db.unit_of_work() as uow:
        old = await timers.schedule(uow.session, kind="approval.remind", subject="seat:5",
                                    due_at=now, now=now)
        new = await timers.schedule(uow.session, kind="approval.remind", subject="seat:5",
                                    due_at=now + MINUTE, now=now, replace=True)
        assert old is not None and new is not None
        assert (old.state, new.state) == ("cancelled", "pending")


async def test_replace_cancels_the_pending_timer_of_the_same_kind_and_subject_only(
    db: Database, now: datetime
) -> None:
    old = await _schedule(db, now, due_at=now + MINUTE)
    escalation = await _schedule(db, now, kind="approval.escalate", due_at=now + MINUTE)
    other_seat = await _schedule(db, now, subject="seat:6", due_at=now + MINUTE)
    new = await _schedule(db, now, due_at=now + 2 * MINUTE, replace=True)
    assert (await _get(db, old)).state == "cancelled"
    assert [(await _get(db, t)).state for t in (escalation, other_seat, new)] == ["pending"] * 3


async def test_a_dedupe_key_schedules_once_and_leaves_the_transaction_usable(
    db: Database, now: datetime
) -> None:
    first = await _schedule(db, now, dedupe_key="digest:bob:2026-03-02", subject="digest")
    assert first is not None
    async with db.unit_of_work() as uow:
        again = await timers.schedule(uow.session, kind="approval.remind", subject="digest",
                                      due_at=now, now=now, dedupe_key="digest:bob:2026-03-02",
                                      replace=True)
        assert again is None
        await outbox.enqueue(uow.session, recipient={"channel": "slack", "user": "U1"},
                             message={"kind": "text"}, channel="slack", now=now)
    assert (await _get(db, first)).state == "pending"  # "replace" did nothing either
    async with db.unit_of_work() as uow:
        assert (await outbox.count_by_state(uow.session))["pending"] == 1  # it committed


async def test_cancel_touches_only_pending_timers_of_the_subject_and_kinds(
    db: Database, now: datetime
) -> None:
    remind = await _schedule(db, now, due_at=now + MINUTE)
    escalate = await _schedule(db, now, kind="approval.escalate", due_at=now + MINUTE)
    firing = await _schedule(db, now, kind="approval.escalate", due_at=now)
    await _claim(db, now)
    elsewhere = await _schedule(db, now, subject="seat:6", due_at=now + MINUTE)
    async with db.unit_of_work() as uow:
        assert await timers.cancel(uow.session, subject="seat:5", now=now,
                                   kinds=["approval.remind"]) == 1
    assert (await _get(db, remind)).state == "cancelled"
    async with db.unit_of_work() as uow:
        assert await timers.cancel(uow.session, subject="seat:5", now=now) == 1
        assert await timers.cancel(uow.session, subject="seat:5", now=now) == 0
    assert [(await _get(db, t)).state for t in (escalate, firing, elsewhere)] == [
        "cancelled", "claimed", "pending"]


# ----------------------------------------------------------------------------- claiming

async def test_claim_takes_due_timers_longest_due_first_under_a_lease(
    db: Database, now: datetime
) -> None:
    later = await _schedule(db, now, subject="seat:1", due_at=now - MINUTE)
    earliest = await _schedule(db, now, subject="seat:2", due_at=now - 2 * MINUTE)
    await _schedule(db, now, subject="seat:3", due_at=now + MINUTE)
    claimed = await _claim(db, now, lease=300)
    assert [t.id for t in claimed] == [(earliest or TimerRow()).id, (later or TimerRow()).id]
    assert [(t.kind, t.subject, t.due_at, t.attempts) for t in claimed] == [
        ("approval.remind", "seat:2", now - 2 * MINUTE, 1),
        ("approval.remind", "seat:1", now - MINUTE, 1)]
    stored = [await _get(db, t) for t in claimed]
    assert all(t.state == "claimed" and t.lease_owner == "s1" and t.attempts == 1
               and t.lease_until == now + timedelta(seconds=300) for t in stored)
    assert await _claim(db, now, owner="s2") == []
    assert len(await _claim(db, now + MINUTE, owner="s2")) == 1  # the third fell due


async def test_a_claim_updates_the_sessions_copy_of_the_timer(
    db: Database, now: datetime
) -> None:
    async with db.unit_of_work() as uow:
        timer = await timers.schedule(uow.session, kind="approval.remind", subject="seat:5",
                                      due_at=now, now=now)
        [claim] = await timers.claim_due(uow.session, now=now, owner="s1", lease_seconds=60,
                                         limit=10)
        assert timer is not None and claim.id == timer.id
        assert (timer.state, timer.lease_owner, timer.attempts) == ("claimed", "s1", 1)
        assert timer.lease_until == now + MINUTE


async def test_a_claim_whose_lease_ran_out_is_taken_by_another_sweeper(
    db: Database, now: datetime
) -> None:
    timer = await _schedule(db, now)
    await _claim(db, now, owner="killed", lease=30)
    assert await _claim(db, now + timedelta(seconds=29), owner="s2") == []
    [again] = await _claim(db, now + timedelta(seconds=30), owner="s2")
    assert (again.id, again.attempts) == ((timer or TimerRow()).id, 2)
    assert (await _get(db, again)).lease_owner == "s2"


async def test_finish_is_conditional_on_still_holding_the_claim(
    db: Database, now: datetime
) -> None:
    await _schedule(db, now)
    [mine] = await _claim(db, now, owner="slow", lease=30)
    later = now + MINUTE
    [theirs] = await _claim(db, later, owner="s2")
    async with db.unit_of_work() as uow:
        [row] = await timers.lock_claimed_many(uow.session, timer_ids=[theirs.id], owner="s2")
        assert await timers.finish_many(uow.session, timers=[row], owner="slow", now=later) == 0
        assert row.state == "claimed"  # the session's copy is left as it was
        assert await timers.finish_many(uow.session, timers=[row], owner="s2", now=later) == 1
        assert (row.state, row.fired_at, row.lease_owner) == ("done", later, None)
        assert await timers.finish_many(uow.session, timers=[row], owner="s2", now=later) == 0
        assert await timers.finish_many(uow.session, timers=[], owner="s2", now=later) == 0
    done = await _get(db, theirs)
    assert (done.state, done.fired_at, done.lease_owner, done.lease_until) == (
        "done", later, None, None)
    assert mine.id == theirs.id


async def test_a_batch_is_finished_in_one_statement_only_where_the_claim_holds(
    db: Database, now: datetime
) -> None:
    first, second, third = [await _schedule(db, now, subject=f"seat:{n}") for n in range(3)]
    await _claim(db, now, owner="slow", lease=30)
    async with db.unit_of_work() as uow:
        rows = await timers.lock_claimed_many(
            uow.session, timer_ids=[(t or TimerRow()).id or 0 for t in (third, first, second)],
            owner="slow")
        assert [t.id for t in rows] == [(t or TimerRow()).id for t in (third, first, second)]
        assert await timers.finish_many(uow.session, timers=rows, owner="slow", now=now) == 3
    assert {(await _get(db, t)).state for t in (first, second, third)} == {"done"}


async def test_a_failed_timer_waits_for_its_retry_keeping_its_due_time_then_dies(
    db: Database, now: datetime
) -> None:
    timer = await _schedule(db, now)
    [claimed] = await _claim(db, now)
    retry_at = now + timedelta(seconds=10)
    async with db.unit_of_work() as uow:
        await timers.release_failed(uow.session, timer_id=claimed.id or 0, owner="s1", now=now,
                                    error="KeyError('bob')", retry_at=retry_at)
    waiting = await _get(db, timer)
    assert (waiting.state, waiting.due_at, waiting.last_error) == ("pending", now,
                                                                   "KeyError('bob')")
    assert await _claim(db, retry_at - timedelta(seconds=1)) == []
    [again] = await _claim(db, retry_at)
    async with db.unit_of_work() as uow:
        await timers.release_failed(uow.session, timer_id=again.id or 0, owner="s1",
                                    now=retry_at, error="still failing", retry_at=None)
    dead = await _get(db, timer)
    assert (dead.state, dead.attempts, dead.last_error) == ("dead", 2, "still failing")
    assert await _claim(db, now + timedelta(days=1)) == []


async def test_release_by_a_sweeper_that_lost_the_claim_changes_nothing(
    db: Database, now: datetime
) -> None:
    await _schedule(db, now)
    [mine] = await _claim(db, now, owner="slow", lease=1)
    await _claim(db, now + MINUTE, owner="s2")
    async with db.unit_of_work() as uow:
        await timers.release_failed(uow.session, timer_id=mine.id or 0, owner="slow", now=now,
                                    error="boom", retry_at=None)
    kept = await _get(db, mine)
    assert (kept.state, kept.lease_owner, kept.last_error) == ("claimed", "s2", None)


async def test_concurrent_claims_take_disjoint_timers(db: Database, now: datetime) -> None:
    ids = [(await _schedule(db, now, subject=f"task:{n}") or TimerRow()).id for n in range(40)]
    batches = await asyncio.gather(*(_claim(db, now, owner=f"s{n}", limit=7) for n in range(8)))
    claimed = [t.id for batch in batches for t in batch]
    assert sorted(claimed) == sorted(ids) and len(set(claimed)) == len(claimed)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite: one writer at a time
async def test_open_claims_on_postgresql_skip_each_others_timers(
    db: Database, now: datetime
) -> None:
    ids = [(await _schedule(db, now, subject=f"task:{n}") or TimerRow()).id for n in range(6)]
    async with db.unit_of_work() as first, db.unit_of_work() as second:
        mine = await timers.claim_due(first.session, now=now, owner="a", lease_seconds=60,
                                      limit=4)
        theirs = await timers.claim_due(second.session, now=now, owner="b", lease_seconds=60,
                                        limit=4)
    assert [t.id for t in mine] == ids[:4]
    assert [t.id for t in theirs] == ids[4:]


async def test_lock_claimed_gives_the_timer_only_to_its_claimer(
    db: Database, now: datetime
) -> None:
    await _schedule(db, now)
    [claimed] = await _claim(db, now, owner="s1")
    pending = await _schedule(db, now + MINUTE, due_at=now + MINUTE)
    async with db.unit_of_work() as uow:
        lock = timers.lock_claimed_many
        assert await lock(uow.session, timer_ids=[claimed.id], owner="s2") == []
        ids = [999, claimed.id, (pending or TimerRow()).id or 0]
        [mine] = await lock(uow.session, timer_ids=ids, owner="s1")
        assert (mine.id, mine.state, mine.payload) == (claimed.id, "claimed", {})
        assert await lock(uow.session, timer_ids=[], owner="s1") == []


# ------------------------------------------------------------- coalescing and rescheduling

async def test_reminders_for_one_person_can_be_coalesced_and_completed_together(
    db: Database, now: datetime
) -> None:
    first = await _schedule(db, now, subject="seat:1", recipient="bob", due_at=now)
    soon = await _schedule(db, now, subject="seat:2", recipient="bob", due_at=now + MINUTE)
    await _schedule(db, now, subject="seat:3", recipient="bob", due_at=now + 90 * MINUTE)
    await _schedule(db, now, subject="seat:4", recipient="erin", due_at=now)
    await _schedule(db, now, subject="task:4", kind="task.remind", recipient="bob", due_at=now)
    async with db.unit_of_work() as uow:
        found = await timers.pending_for(uow.session, kind="approval.remind", recipient="bob",
                                         due_before=now + 60 * MINUTE)
        assert [t.subject for t in found] == ["seat:1", "seat:2"]
        assert await timers.complete_many(uow.session, timer_ids=[t.id or 0 for t in found],
                                          now=now) == 2
        assert await timers.complete_many(uow.session, timer_ids=[], now=now) == 0
    assert [(await _get(db, t)).fired_at for t in (first, soon)] == [now, now]
    assert list((await _states(db)).values()).count("done") == 2


async def test_the_moments_of_subjects_are_every_timer_not_cancelled_soonest_first(
    db: Database, now: datetime
) -> None:
    await _schedule(db, now, subject="task:1", kind="task.remind", due_at=now)
    await _claim(db, now)
    await _schedule(db, now, subject="task:1", kind="task.breach", due_at=now + MINUTE)
    seat = await _schedule(db, now, subject="seat:1", due_at=now + 2 * MINUTE)
    await _schedule(db, now, subject="seat:1", due_at=now + 3 * MINUTE, replace=True)
    await _schedule(db, now, subject="seat:2", due_at=now)
    async with db.unit_of_work() as uow:
        moments = await timers.moments_of(uow.session, subjects={"task:1", "seat:1"})
        assert await timers.moments_of(uow.session, subjects=[]) == []
    assert moments == [
        ("task:1", "task.remind", "claimed", now),
        ("task:1", "task.breach", "pending", now + MINUTE),
        ("seat:1", "approval.remind", "pending", now + 3 * MINUTE)]
    assert (await _get(db, seat)).state == "cancelled"


async def test_a_pending_timer_is_rescheduled_and_a_finished_one_is_not(
    db: Database, now: datetime
) -> None:
    await _schedule(db, now, due_at=now + MINUTE)
    async with db.unit_of_work() as uow:
        [pending] = await timers.pending_of(uow.session, subject="seat:5")
        await timers.reschedule(uow.session, timer=pending, due_at=now + 10 * MINUTE)
    assert (await _get(db, pending)).due_at == now + 10 * MINUTE
    assert await _claim(db, now + MINUTE) == []
    [claimed] = await _claim(db, now + 10 * MINUTE)
    async with db.unit_of_work() as uow:
        rows = await timers.lock_claimed_many(uow.session, timer_ids=[claimed.id], owner="s1")
        await timers.finish_many(uow.session, timers=rows, owner="s1", now=now)
        done = await timers.get(uow.session, timer_id=claimed.id or 0)
        assert done is not None
        with pytest.raises(ValueError, match="done"):
            await timers.reschedule(uow.session, timer=done, due_at=now)
        assert await timers.pending_of(uow.session, subject="seat:5") == []


async def test_a_handler_may_put_its_claimed_timer_back_for_later(
    db: Database, now: datetime
) -> None:
    timer = await _schedule(db, now)
    await _claim(db, now)
    async with db.unit_of_work() as uow:
        [claimed] = await timers.lock_claimed_many(
            uow.session, timer_ids=[(timer or TimerRow()).id or 0], owner="s1")
        await timers.reschedule(uow.session, timer=claimed, due_at=now + 60 * MINUTE)
    deferred = await _get(db, timer)
    assert (deferred.state, deferred.lease_owner, deferred.attempts) == ("pending", None, 0)
    assert deferred.due_at == now + timedelta(hours=1)


# ------------------------------------------------------------------------ the leader lease

async def _lease(db: Database, owner: str, now: datetime, seconds: float = 60) -> bool:
    async with db.unit_of_work() as uow:
        return await timers.acquire_lease(uow.session, name="sweeper", owner=owner, now=now,
                                          seconds=seconds)


async def test_a_lease_is_exclusive_until_it_runs_out_and_its_holder_renews_it(
    db: Database, now: datetime
) -> None:
    assert await _lease(db, "a", now, seconds=30)
    assert not await _lease(db, "b", now + timedelta(seconds=29))
    assert await _lease(db, "a", now + timedelta(seconds=29), seconds=30)  # renewed to 59 s
    assert not await _lease(db, "b", now + timedelta(seconds=58))
    assert await _lease(db, "b", now + timedelta(seconds=59))
    assert not await _lease(db, "a", now + timedelta(seconds=60))


async def test_a_released_lease_is_free_at_once(db: Database, now: datetime) -> None:
    assert await _lease(db, "a", now)
    async with db.unit_of_work() as uow:
        assert not await timers.release_lease(uow.session, name="sweeper", owner="b", now=now)
        assert await timers.release_lease(uow.session, name="sweeper", owner="a", now=now)
    assert await _lease(db, "b", now)


async def test_of_many_asking_at_once_exactly_one_gets_the_lease(
    db: Database, now: datetime
) -> None:
    results = await asyncio.gather(*(_lease(db, f"p{n}", now) for n in range(8)))
    assert results.count(True) == 1


# --------------------------------------------------------------------------- the migration

OUTBOX_0003 = sa.table(
    "outbox", *(sa.column(name, UtcDateTime()) for name in ("created_at", "next_attempt_at")),
    *(sa.column(name, JsonDocument) for name in ("recipient", "message")),
    *(sa.column(name) for name in ("channel", "kind", "state", "attempts")),
)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_upgrading_gives_queued_outbox_rows_their_recipient_key(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if kind == "postgresql":
        request.getfixturevalue("postgres_server")
    async with fresh_database(kind, tmp_path, migrated=False) as url:
        db = await Database.open(url, migrate=False)
        try:
            await migrate.upgrade(db.engine, "0003")
            async with db.engine.begin() as conn:
                for user in ("U1", "U2"):
                    await conn.execute(OUTBOX_0003.insert().values(
                        created_at=T0, next_attempt_at=T0, channel="slack", message={},
                        kind="send", state="pending", attempts=0,
                        recipient={"channel": "slack", "tenant": "T1", "conversation": "",
                                   "user": user}))
            await migrate.upgrade(db.engine)
            async with db.engine.connect() as conn:
                keys = (await conn.execute(
                    text("SELECT recipient_key FROM outbox ORDER BY id"))).scalars().all()
        finally:
            await db.close()
    assert keys == ["slack:T1:@U1:U1", "slack:T1:@U2:U2"]
