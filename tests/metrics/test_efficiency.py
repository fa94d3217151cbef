"""The efficiency figures on a small day of history, worked out by hand. The fake clock starts
on Monday 2026-11-23 10:00 in Shanghai (the cn-office calendar: 09:00-12:00, 13:30-18:00).

- REQ-1 it.password (alice) 10:00; carol claims TASK-1 11:00, done 11:30 (closed at once).
- REQ-2 it.password (grace, Finance) 11:30; dave claims TASK-2 14:15, done 15:30.
- REQ-3 it.laptop 800 (alice) 15:30; bob approves 16:30: TASK-4 procure (procurement, ready),
  TASK-5 setup (it-desk, blocked).
- REQ-4 it.password (alice) 15:30, TASK-3 ready and nobody claims it.
- The figures are taken at 17:45, for November.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.metrics import efficiency
from bot.metrics.model import Cut, Figure, Period, Stats
from bot.metrics.periods import parse_period
from bot.testing import ChatDriver
from tests.metrics.journeys import claim_and_finish, file_password
from tests.scenario.approval_steps import file_laptop

SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = parse_period("2026-11", "Asia/Shanghai")
EVERYTHING = Cut()


def sh(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=SH)


async def at(chat: ChatDriver, hour: int, minute: int = 0) -> None:
    chat.clock.now = sh(hour, minute).astimezone(UTC)


@pytest.fixture
async def day(db_url: str) -> AsyncIterator[ChatDriver]:
    chat = await ChatDriver.open(db_url)
    await file_password(chat, "alice")  # REQ-1 at 10:00
    await at(chat, 11)
    await claim_and_finish(chat, "carol", later_minutes=30)
    await file_password(chat, "grace")  # REQ-2 at 11:30
    await at(chat, 14, 15)
    await claim_and_finish(chat, "dave", later_minutes=75)
    await file_laptop(chat, "alice", 800)  # REQ-3 at 15:30
    await file_password(chat, "alice")  # REQ-4 at 15:30
    await at(chat, 16, 30)
    await chat.click("bob", "同意")
    await at(chat, 17, 45)
    yield chat
    await chat.close()


async def figures_of(chat: ChatDriver, cut: Cut = EVERYTHING, period: Period = NOVEMBER
                     ) -> dict[str, Figure]:
    async with chat.app.db.unit_of_work() as uow:
        found = await efficiency.figures(uow.session, chat.app.services, period, cut,
                                         chat.clock.now)
    return {figure.key: figure for figure in found}


async def test_completion_sla_stages_and_rework_of_the_resolved_requests(
        day: ChatDriver) -> None:
    found = await figures_of(day)
    # completion: REQ-1 1.5 h (all working time); REQ-2 11:30-15:30 = 4 h wall, working
    # 11:30-12:00 + 13:30-15:30 = 2.5 h
    completion = found["completion_time"]
    assert completion.wall == Stats(2, 2.75, 2.75, 4.0)  # p90: the 2nd of 2
    assert completion.business == Stats(2, 2.0, 2.0, 2.5)
    assert set(completion.by["service"]) == {"it.password"}
    assert completion.by["group"]["it-desk"].wall == completion.wall
    # resolution 2bh: REQ-1 1.5 h on time, REQ-2 2.5 h late
    resolution = found["sla_resolution"]
    assert (resolution.numerator, resolution.denominator, resolution.value) == (1, 2, 0.5)
    # response 1bh: REQ-1 claimed after 1 h (on time); REQ-2 after 0.5 + 0.75 h (late)
    response = found["sla_response"]
    assert (response.numerator, response.denominator) == (1, 2)
    assert response.by["service"]["it.password"].value == 0.5
    # stages: REQ-1 claim_wait 1 h, work 0.5 h; REQ-2 claim_wait 2.75 h (1.25 working),
    # work 1.25 h
    stages = found["stage_time"]
    assert stages.value == 2.75
    assert stages.parts["claim_wait"] == 1.875 and stages.parts["work"] == 0.875
    assert stages.parts["claim_wait_bh"] == 1.125 and stages.parts["work_bh"] == 0.875
    assert stages.parts["approval"] == 0.0 and stages.parts["requester_wait"] == 0.0
    assert (found["rework"].numerator, found["rework"].denominator) == (0, 2)


async def test_what_is_open_at_the_moment(day: ChatDriver) -> None:
    found = await figures_of(day)
    backlog = found["backlog"]
    assert backlog.value == 2  # REQ-3 and REQ-4
    assert dict(backlog.parts) == {"submitted": 0, "pending_approval": 0, "in_progress": 2,
                                   "returned": 0}
    assert {g: f.value for g, f in backlog.by["group"].items()} == {"it-desk": 2,
                                                                    "procurement": 1}
    assert {a: f.value for a, f in backlog.by["age"].items()} == {
        "0-1d": 2, "1-3d": 0, "3-7d": 0, ">7d": 0}
    # REQ-4: 2bh from 15:30, 2.25 h used at 17:45; REQ-3's 5bd is far
    assert found["breached_open"].items == ("REQ-4",)
    # TASK-3 (2bh) used 2.25 h: over 75 %; TASK-4 (2bd) 1.25 h of 15 h
    assert found["tasks_at_risk"].items == ("TASK-3",)


async def test_approval_time_per_step_service_and_approver(day: ChatDriver) -> None:
    approval = (await figures_of(day))["approval_time"]
    assert approval.wall == Stats(1, 1.0, 1.0, 1.0) == approval.business  # 15:30-16:30
    assert set(approval.by["service"]) == {"it.laptop"}
    assert approval.by["approver"]["bob"].wall == Stats(1, 1.0, 1.0, 1.0)


async def test_a_cut_keeps_only_its_requests(day: ChatDriver) -> None:
    laptops = await figures_of(day, Cut(service="it.laptop"))
    assert laptops["completion_time"].wall == Stats(0, None, None, None)
    assert laptops["sla_resolution"].value is None  # 0 / 0: n/a
    assert laptops["backlog"].value == 1 and laptops["approval_time"].wall is not None
    assert laptops["approval_time"].wall.count == 1
    procurement = await figures_of(day, Cut(group="procurement"))
    assert procurement["backlog"].value == 1 and procurement["tasks_at_risk"].value == 0
    desk = await figures_of(day, Cut(group="it-desk"))
    assert desk["tasks_at_risk"].items == ("TASK-3",)
    assert desk["approval_time"].wall == Stats(1, 1.0, 1.0, 1.0)  # REQ-3 has an it-desk task
    engineering = await figures_of(day, Cut(requester_department="Engineering"))
    assert engineering["completion_time"].wall == Stats(1, 1.5, 1.5, 1.5)  # alice's REQ-1


async def test_a_period_before_the_history_counts_nothing(day: ChatDriver) -> None:
    october = await figures_of(day, period=parse_period("2026-10", "Asia/Shanghai"))
    assert october["completion_time"].wall == Stats(0, None, None, None)
    assert october["backlog"].value == 0 and october["breached_open"].items == ()
    assert october["rework"].value is None
