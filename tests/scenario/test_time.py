"""Time in chat: reminders, escalations, breaches and timeouts arrive at the right moments.

The laptop service is given durations in seconds (wall clock) so the journey fits in a test:
approval reminder 20 s, escalation 40 s; task SLA 60 s with a reminder 20 s before and the
service owner told 30 s after a breach; resolution 5 min; confirmation timeout 3 min.
The clock is fake: ``tick`` moves it and runs one sweep, as the scheduler would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.testing import ChatDriver, FakeClock
from dialogs.loader import demo_paths, load_bundle
from dialogs.model import Bundle, Catalog, CompletionDef, PolicyDef, SlaDef
from org.durations import parse_duration
from store import timers
from tests.scenario.approval_steps import file_laptop, request_row, texts, trail
from tests.scenario.helpers import text_of


def quick_bundle() -> Bundle:
    bundle = load_bundle(*demo_paths())
    laptop = bundle.catalog.get("it.laptop")
    assert laptop is not None
    d = parse_duration
    quick = replace(
        laptop,
        sla=SlaDef(d("10m"), d("5m"), "cn-office"),
        tasks=tuple(replace(t, sla=d("60s")) for t in laptop.tasks),
        policies=PolicyDef(d("20s"), d("40s"), d("20s"), d("30s")),
        completion=CompletionDef(True, d("3m")),
    )
    services = {**bundle.catalog.services, "it.laptop": quick}
    return replace(bundle, catalog=Catalog(services))


@pytest.fixture
async def quick(sqlite_url: str) -> AsyncIterator[ChatDriver]:
    driver = await ChatDriver.open(sqlite_url, bundle=quick_bundle())
    yield driver
    await driver.close()


async def test_reminder_escalation_and_breach_arrive_when_due(quick: ChatDriver) -> None:
    chat = quick
    await file_laptop(chat, "alice", 800)

    await chat.tick(seconds=19)
    assert "提醒" not in texts(chat, "bob")
    await chat.tick(seconds=2)
    assert "提醒：REQ-1 等你审批已" in texts(chat, "bob")
    await chat.tick(seconds=20)
    assert "赵强 还没有处理 REQ-1 的审批" in texts(chat, "frank")  # bob's manager

    await chat.click("bob", "同意")  # kate's task starts: due in 60 s
    await chat.tick(seconds=41)
    assert "提醒：TASK-1「采购笔记本」将于" in texts(chat, "kate")
    await chat.tick(seconds=20)
    assert "TASK-1「采购笔记本」已超出处理时限" in texts(chat, "kate")
    await chat.tick(seconds=31)
    assert "升级：REQ-1 的 TASK-1" in texts(chat, "carol")  # it-desk owns the service
    actions = [e.action for e in await trail(chat)]
    for expected in ("approval.reminded", "approval.escalated", "task.breached",
                     "task.escalated"):
        assert actions.count(expected) == 1, expected


async def test_a_decision_cancels_the_reminder(quick: ChatDriver) -> None:
    chat = quick
    await file_laptop(chat, "alice", 800)
    await chat.click("bob", "同意")
    await chat.tick(seconds=45)
    assert "等你审批" not in texts(chat, "bob")
    assert "还没有处理" not in texts(chat, "frank")


async def test_the_requester_hears_when_the_promised_time_is_missed(quick: ChatDriver) -> None:
    chat = quick
    await file_laptop(chat, "alice", 800)
    await chat.click("bob", "同意")
    await chat.tick(minutes=5, seconds=1)
    assert "超出了承诺的处理时间" in texts(chat, "alice")


async def test_waiting_for_the_requester_pauses_the_task_clock(quick: ChatDriver) -> None:
    chat = quick
    await file_laptop(chat, "alice", 800)
    await chat.click("bob", "同意")
    await chat.say("kate", "认领 TASK-1")
    await chat.tick(seconds=30)
    await chat.say("kate", "问 TASK-1 要什么颜色？")
    await chat.tick(minutes=10)  # the question waits; the SLA does not run
    assert "已超出处理时限" not in texts(chat, "kate")
    await chat.say("alice", "黑色")
    await chat.tick(seconds=25)
    assert "已超出处理时限" not in texts(chat, "kate")
    await chat.tick(seconds=10)  # 30 + 35 s of work: past the 60 s
    assert "已超出处理时限" in texts(chat, "kate")


async def test_an_unconfirmed_resolution_closes_by_itself(quick: ChatDriver) -> None:
    chat = quick
    await file_laptop(chat, "alice", 800)
    await chat.click("bob", "同意")
    await chat.say("kate", "完成 TASK-1")
    await chat.say("carol", "完成 TASK-2")
    assert (await request_row(chat)).status == "resolved"
    await chat.tick(minutes=3, seconds=1)
    assert (await request_row(chat)).status == "closed"
    assert "已自动关闭" in texts(chat, "alice")


async def test_a_timer_due_while_nothing_ran_fires_late_and_says_so(quick: ChatDriver) -> None:
    chat = quick
    await file_laptop(chat, "alice", 800)
    await chat.tick(hours=3)  # as if esmbot had been down for three hours
    reminder = [text_of(m) for m in chat.inbox("bob") if "等你审批" in text_of(m)]
    assert len(reminder) == 1 and "晚到 3 小时" in reminder[0]


async def test_quiet_hours_hold_a_reminder_until_the_morning(sqlite_url: str) -> None:
    night = FakeClock(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))  # 21:00 in Shanghai
    chat = await ChatDriver.open(sqlite_url, bundle=quick_bundle(), clock=night)
    try:
        await file_laptop(chat, "alice", 800)
        await chat.tick(seconds=21)
        assert "等你审批" not in texts(chat, "bob")
        async with chat.app.db.unit_of_work() as uow:
            waiting = [t for t in await timers.pending_of(uow.session, subject="seat:1")
                       if t.kind == "approval.remind"]
        assert [t.due_at for t in waiting] == [datetime(2026, 11, 24, 0, 0, tzinfo=UTC)]
        await chat.tick(hours=11)  # 08:00 in Shanghai
        assert "等你审批" in texts(chat, "bob")
    finally:
        await chat.close()


async def test_status_shows_due_times_in_business_terms(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)  # the demo laptop: response 4bh, resolution 3bd
    [card] = await chat.say("alice", "REQ-1")
    shown = text_of(card)
    assert "首次响应=2026-11-23 15:30（剩余 4 工作小时）" in shown
    assert "解决时限=2026-11-30 10:00（剩余 37.5 工作小时）" in shown  # 5bd = 37.5 h


async def test_morning_digests_list_pending_approvals_and_overdue_tasks(quick: ChatDriver) -> None:
    from bot.features.time.install import plan_digest_timers

    chat = quick
    await file_laptop(chat, "alice", 800)
    await file_laptop(chat, "sam", 800)
    await chat.click_action("bob", "apr:2:bob:approve")  # sam's: its tasks start
    await chat.tick(minutes=2)  # TASK-1 (procurement) is now past its 60 s

    assert await plan_digest_timers(chat.app, "Asia/Shanghai") >= 2
    assert await plan_digest_timers(chat.app, "Asia/Shanghai") == 0  # once a day, per person
    await chat.tick(seconds=1)

    digest = [m for m in chat.inbox("bob") if "审批在等你" in text_of(m)]
    assert len(digest) == 1 and "REQ-1" in text_of(digest[0])
    assert "同意 REQ-1" in text_of(digest[0])
    overdue = [m for m in chat.inbox("kate") if "任务已超时" in text_of(m)]
    assert len(overdue) == 1 and "TASK-1" in text_of(overdue[0])


async def test_a_timers_actions_name_the_timer_as_their_source(quick: ChatDriver) -> None:
    chat = quick
    await file_laptop(chat, "alice", 800)
    await chat.tick(seconds=21)
    events = await trail(chat)
    reminded = next(e for e in events if e.action == "approval.reminded")
    assert reminded.source is not None and reminded.source["channel"] == "timer"
    assert reminded.source["event_id"].startswith("timer:") and "user" not in reminded.source
    submitted = next(e for e in events if e.action == "request.submitted")
    assert submitted.source is not None and submitted.source["user"] == "alice"
    assert submitted.source["channel"] == chat.channel.name
