"""Resync after a turn reads the timers of a request, its tasks and its seats once, and writes
only what changes: kept timers stay (same rows), a fired one is not scheduled again, and a
turn that moves no clock writes nothing to the timer table."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select
from sqlmodel import col

from bot.features.time.recompute import recompute
from bot.testing import ChatDriver
from store.models import TimerRow
from tests.scenario.approval_steps import file_laptop, submit
from tests.scenario.helpers import fill_form
from tests.scenario.test_time import quick_bundle


@contextmanager
def timer_statements(chat: ChatDriver) -> Iterator[list[str]]:
    """The statements on the timer table run inside the block, by verb and table."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        flat = " ".join(statement.split())
        if re.match(r"SELECT .*? FROM timer\b", flat):
            seen.append("SELECT timer")
        elif flat.startswith(("INSERT INTO timer ", "UPDATE timer ")):
            seen.append(f"{flat.split()[0]} timer")

    engine = chat.app.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def timer_rows(chat: ChatDriver) -> list[tuple[int, str, str, str]]:
    async with chat.app.db.unit_of_work() as uow:
        rows = await uow.session.scalars(select(TimerRow).order_by(col(TimerRow.id)))
        return [(t.id or 0, t.kind, t.subject, t.state) for t in rows]


async def test_submitting_reads_the_timers_once_and_only_adds_the_new_ones(
    chat: ChatDriver
) -> None:
    await chat.say("alice", "我要申请一台笔记本，预算800")
    await fill_form(chat, "alice", "it.laptop", {"reason": "旧电脑坏了需要更换"})
    with timer_statements(chat) as seen:
        await submit(chat, "alice")
    added = [row for row in await timer_rows(chat) if row[3] == "pending"]
    assert seen.count("SELECT timer") == 1
    assert seen.count("INSERT timer") == len(added) >= 2
    assert "UPDATE timer" not in seen  # nothing to replace or cancel


async def test_a_resync_that_moves_no_clock_writes_nothing(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    before = await timer_rows(chat)
    with timer_statements(chat) as seen:
        assert await recompute(chat.app, "REQ-1") == 1
    assert seen == ["SELECT timer"]
    assert await timer_rows(chat) == before  # the very same rows, kept


async def test_a_reminder_that_fired_is_not_scheduled_again(sqlite_url: str) -> None:
    chat = await ChatDriver.open(sqlite_url, bundle=quick_bundle())
    try:
        await _a_fired_reminder_stays_fired(chat)
    finally:
        await chat.close()


async def _a_fired_reminder_stays_fired(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    await chat.tick(seconds=21)  # the approval reminder (20 s in the quick bundle) fires
    reminders = [row for row in await timer_rows(chat) if row[1] == "approval.remind"]
    assert [row[3] for row in reminders] == ["done"]
    with timer_statements(chat) as seen:
        await recompute(chat.app, "REQ-1")
    assert seen == ["SELECT timer"]
    assert [row for row in await timer_rows(chat) if row[1] == "approval.remind"] == reminders


async def test_a_decision_cancels_the_seats_timers_in_one_statement(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    with timer_statements(chat) as seen:
        await chat.click("bob", "同意")
    assert seen.count("SELECT timer") == 1
    assert seen.count("UPDATE timer") == 1  # the reminder and escalation of bob's seat
    seat_timers = {row[1]: row[3] for row in await timer_rows(chat) if row[2] == "seat:1"}
    assert seat_timers == {"approval.remind": "cancelled", "approval.escalate": "cancelled"}
