"""November 2026 at a small company, told through the fake channel with a fake clock: the
history that tests/scenario/test_metrics_month.py checks every metric against, by hand.

The organisation is ``tests/scenario/month_org``: one calendar "office" (Asia/Shanghai,
09:00-17:00, Monday to Friday: 8 business hours a day, no holidays in November), three
services (it.reset and it.laptop of the IT department, hr.letter of HR), two fulfilment groups
(it: ivan, iris; hr: hank). Every time below is Shanghai time (UTC+8); November 2 is a Monday.

    REQ-1  ann  it.reset   Mon 11-02 09:00 filed; ivan claims 09:30, done 10:30 (resolved);
                           ann confirms 11:00 (closed, survey sent), scores 5 at 11:05
    REQ-2  ben  it.laptop  Tue 11-03 14:00 filed; mgr approves Wed 11-04 11:00 (the approval
                           step of 5 business hours: 14-17 + 09-11); iris claims 13:00, done
                           16:00; ben confirms 16:30, scores 4 at 16:35
    REQ-3  ann  hr.letter  Thu 11-05 10:00 filed; hank claims 11:00, asks ann a question at
                           12:00 (need-info round), ann answers Fri 11-06 10:00; hank done
                           11:00; ann confirms 12:00, scores 2 at 12:05
    REQ-4  ben  it.laptop  Mon 11-09 09:00 filed; mgr rejects 10:00
    REQ-5  ben  it.laptop  Mon 11-09 11:00 resubmission of REQ-4; mgr approves 12:00; iris
                           claims 13:00, done 15:00; ben never confirms (stays resolved)
    REQ-6  cat  it.reset   Tue 11-10 09:00 filed; ivan claims 10:00, done 11:00; cat says No at
                           12:00 (reopened); ivan done again 14:00; cat never confirms
    REQ-7  ann  it.reset   Wed 11-11 09:00 filed, asks to expedite at once (EXC-1, reason
                           customer-site, impact low); dir grants 10:00 (resolution 2bh from
                           the grant); ivan claims 10:30, done 15:00; ann confirms 16:00
                           (closed; the next sweep ends EXC-1 and creates recovery task
                           TASK-7, due 2bh later:
                           Thu 11-12 10:00); ann never answers the survey; ivan claims
                           TASK-7 Thu 11:00, done 11:30 (late)
    REQ-8  ben  it.laptop  Mon 11-16 09:00 filed; mgr never decides (pending approval)
    REQ-9  ben  it.laptop  Mon 11-16 09:30 filed while REQ-8 is open (the duplicate); ben
                           withdraws it 10:00
    REQ-10 ann  it.laptop  Wed 11-25 09:00 filed; mgr approves 10:00; nobody claims TASK-8
    REQ-11 cat  hr.letter  Mon 11-30 13:30 filed; hank claims TASK-9 14:00, still working
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.testing import ChatDriver, FakeClock
from chat.replies import Card
from tests.scenario.approval_steps import request_row, submit
from tests.scenario.exception_steps import ask_exception, click
from tests.scenario.helpers import fill_form

ORG = Path(__file__).parent / "month_org"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """``day`` November 2026 at ``hour:minute`` Shanghai time, as the UTC the clock keeps."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def org_sections() -> dict[str, dict[str, object]]:
    """The settings sections that point esmbot at the month's organisation."""
    return {"catalog": {"path": str(ORG / "catalog")},
            "directory": {"path": str(ORG / "directory.toml")},
            "calendars": {"path": str(ORG / "calendars.toml")},
            "policies": {"calendar": "office"},
            # a question to a requester is answered the next morning: keep it open a day
            "bot": {"dialog_timeout_minutes": 1440}}


def month_clock() -> FakeClock:
    return FakeClock(local(2, 8))


async def at(chat: ChatDriver, day: int, hour: int, minute: int = 0) -> None:
    """Move the fake clock to that moment (time only moves on; no timer sweep runs, so nothing
    happens by itself: every move of the month is someone's)."""
    moment = local(day, hour, minute)
    assert moment >= chat.clock.now, (moment, chat.clock.now)
    chat.clock.now = moment


async def file(chat: ChatDriver, person: str, opening: str, service: str,
               answers: dict[str, str] | None = None) -> None:
    await chat.say(person, opening)
    await fill_form(chat, person, service, answers)
    await submit(chat, person)


async def confirm(chat: ChatDriver, person: str, number: int, answer: str) -> None:
    await chat.click_action(person, f"cfm:{number}:{answer}")


async def score(chat: ChatDriver, person: str, number: int, value: int) -> None:
    await chat.click_action(person, f"csat:{number}:{value}")


async def status_of(chat: ChatDriver, number: int) -> str:
    return (await request_row(chat, number)).status


async def build_month(chat: ChatDriver) -> None:
    """Play November 2026 (see the module's text); asserts each request ends where it should."""
    await week_one(chat)
    await week_two(chat)
    await weeks_three_to_five(chat)
    expected = {1: "closed", 2: "closed", 3: "closed", 4: "rejected", 5: "resolved",
                6: "resolved", 7: "closed", 8: "pending_approval", 9: "withdrawn",
                10: "in_progress", 11: "in_progress"}
    assert {n: await status_of(chat, n) for n in expected} == expected


async def week_one(chat: ChatDriver) -> None:
    await at(chat, 2, 9)
    await file(chat, "ann", "我要重置密码", "it.reset", {"system": "邮箱"})  # REQ-1
    await at(chat, 2, 9, 30)
    await chat.say("ivan", "认领 TASK-1")
    await at(chat, 2, 10, 30)
    await chat.say("ivan", "完成 TASK-1")
    await at(chat, 2, 11)
    await confirm(chat, "ann", 1, "yes")
    await at(chat, 2, 11, 5)
    await score(chat, "ann", 1, 5)

    await at(chat, 3, 14)
    await file(chat, "ben", "我要申请笔记本", "it.laptop", {"amount": "800"})  # REQ-2
    await at(chat, 4, 11)
    await chat.say("mgr", "同意 REQ-2")
    await at(chat, 4, 13)
    await chat.say("iris", "认领 TASK-2")
    await at(chat, 4, 16)
    await chat.say("iris", "完成 TASK-2")
    await at(chat, 4, 16, 30)
    await confirm(chat, "ben", 2, "yes")
    await at(chat, 4, 16, 35)
    await score(chat, "ben", 2, 4)

    await at(chat, 5, 10)
    await file(chat, "ann", "我要开在职证明", "hr.letter", {"purpose": "办理签证"})  # REQ-3
    await at(chat, 5, 11)
    await chat.say("hank", "认领 TASK-3")
    await at(chat, 5, 12)
    await chat.say("hank", "问 TASK-3 需要中文版还是英文版？")
    await at(chat, 6, 10)
    await chat.say("ann", "英文版")
    await at(chat, 6, 11)
    await chat.say("hank", "完成 TASK-3")
    await at(chat, 6, 12)
    await confirm(chat, "ann", 3, "yes")
    await at(chat, 6, 12, 5)
    await score(chat, "ann", 3, 2)


async def week_two(chat: ChatDriver) -> None:
    await at(chat, 9, 9)
    await file(chat, "ben", "我要申请笔记本", "it.laptop", {"amount": "9000"})  # REQ-4
    await at(chat, 9, 10)
    await chat.say("mgr", "驳回 REQ-4 预算太高")
    await at(chat, 9, 11)
    await chat.say("ben", "重新提交 REQ-4")  # REQ-5: every answer is there already
    await submit(chat, "ben")
    await at(chat, 9, 12)
    await chat.say("mgr", "同意 REQ-5")
    await at(chat, 9, 13)
    await chat.say("iris", "认领 TASK-4")
    await at(chat, 9, 15)
    await chat.say("iris", "完成 TASK-4")

    await at(chat, 10, 9)
    await file(chat, "cat", "我要重置密码", "it.reset", {"system": "VPN"})  # REQ-6
    await at(chat, 10, 10)
    await chat.say("ivan", "认领 TASK-5")
    await at(chat, 10, 11)
    await chat.say("ivan", "完成 TASK-5")
    await at(chat, 10, 12)
    await confirm(chat, "cat", 6, "no")
    await answer_reopen_reason(chat, "cat")
    await at(chat, 10, 14)
    await chat.say("ivan", "完成 TASK-5")

    await at(chat, 11, 9)
    await file(chat, "ann", "我要重置密码", "it.reset", {"system": "ERP"})  # REQ-7
    await ask_exception(chat, "ann", "加急 REQ-7", reason="客户现场", impact="低",
                        validity="默认", justification="客户明早在现场演示，必须今天登录")
    await at(chat, 11, 10)
    await click(chat, "dir", "批准例外")
    await at(chat, 11, 10, 30)
    await chat.say("ivan", "认领 TASK-6")
    await at(chat, 11, 15)
    await chat.say("ivan", "完成 TASK-6")
    await at(chat, 11, 16)
    await confirm(chat, "ann", 7, "yes")  # closed: EXC-1 is to end
    await chat.tick(seconds=0)  # the sweep ends EXC-1 and creates its recovery task TASK-7
    await at(chat, 12, 11)
    await chat.say("ivan", "认领 TASK-7")
    await at(chat, 12, 11, 30)
    await chat.say("ivan", "完成 TASK-7")


async def answer_reopen_reason(chat: ChatDriver, person: str) -> None:
    """If the bot asks why it is not solved, say so."""
    last = chat.last(person)
    if not isinstance(last, Card) and ("？" in last.text or "?" in last.text):
        await chat.say(person, "还是登录不了")


async def weeks_three_to_five(chat: ChatDriver) -> None:
    await at(chat, 16, 9)
    await file(chat, "ben", "我要申请笔记本", "it.laptop", {"amount": "700"})  # REQ-8
    await at(chat, 16, 9, 30)
    await file(chat, "ben", "我要申请笔记本", "it.laptop", {"amount": "700"})  # REQ-9
    await at(chat, 16, 10)
    await chat.say("ben", "撤回 REQ-9 重复提交了")

    await at(chat, 25, 9)
    await file(chat, "ann", "我要申请笔记本", "it.laptop", {"amount": "600"})  # REQ-10
    await at(chat, 25, 10)
    await chat.say("mgr", "同意 REQ-10")

    await at(chat, 30, 13, 30)
    await file(chat, "cat", "我要开在职证明", "hr.letter", {"purpose": "办理贷款"})  # REQ-11
    await at(chat, 30, 14)
    await chat.say("hank", "认领 TASK-9")
    assert chat.clock.now < local(30, 14, 1)


def after_the_month() -> datetime:
    """When the figures are computed: Tuesday December 1, 10:00 Shanghai."""
    return local(30, 10) + timedelta(days=1)
