"""Values checked the way a service desk checks them (issue 15), through the fake channel on
Wednesday 2 December 2026: dates in the past and returns before departures are refused with
a reason and asked again, amounts over the maximum say the maximum, text is stored as typed,
and the form's polish (a counter that never jumps, an edit that shows the current value, no
"approved" for a service without approval, a skipped survey comment that is not thanked)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.features.audit.verification import verify
from bot.testing import ChatDriver, FakeClock
from store import audit, requests
from tests.scenario.approval_steps import request_row, submit
from tests.scenario.helpers import fill_form, is_confirmation, text_of

WEDNESDAY = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[ChatDriver]:
    """The scenario ``chat`` on 2 December 2026; the audit trail must verify at the end."""
    driver = await ChatDriver.open(f"sqlite+aiosqlite:///{tmp_path / 'esmbot.db'}",
                                   clock=FakeClock(WEDNESDAY))
    yield driver
    report = await verify(driver.app.db)
    await driver.close()
    assert report.problems == (), report.problems


async def say(chat: ChatDriver, person: str, text: str) -> str:
    return "\n".join(text_of(m) for m in await chat.say(person, text))


async def stored(chat: ChatDriver) -> list[requests.RequestRow]:
    async with chat.app.db.unit_of_work() as uow:
        return await requests.list_requests(uow.session)


async def submitted_answers(chat: ChatDriver, rid: str = "REQ-1") -> dict[str, object]:
    async with chat.app.db.unit_of_work() as uow:
        events = await audit.events_for(uow.session, subject=rid)
    [event] = [e for e in events if e.action == "request.submitted"]
    answers = event.data["answers"]
    assert isinstance(answers, dict)
    return answers


# --- dates: bounds and the rule across fields --------------------------------------------


async def test_alice_cannot_leave_yesterday_nor_come_back_before_she_left(
    chat: ChatDriver,
) -> None:
    await chat.say("alice", "我要出差")
    await chat.say("alice", "上海（腾讯总部）")
    assert chat.last("alice").asks == "start_date"
    assert "例如 2026-12-09、12月9日" in text_of(chat.last("alice"))  # never a past day
    refused = await say(chat, "alice", "昨天")
    assert "最早可以选 2026年12月2日（周三）" in refused
    assert chat.last("alice").asks == "start_date"
    await chat.say("alice", "12.25")
    assert chat.last("alice").asks == "end_date"
    await chat.say("alice", "12月20日")  # before she leaves: caught before the card
    await chat.say("alice", "5000")
    told = await chat.say("alice", "去上海拜访客户")
    assert any("返回日期不能早于出发日期" in text_of(m) for m in told)
    assert chat.last("alice").asks == "end_date" and not is_confirmation(chat.last("alice"))
    assert "当前：2026年12月20日（周日）" in text_of(chat.last("alice"))
    await chat.say("alice", "月底")
    card = chat.last("alice")
    assert is_confirmation(card)
    assert "2026年12月31日" in text_of(card)
    await submit(chat, "alice")
    [row] = await stored(chat)
    assert row.answers["start_date"] == "2026-12-25" and row.answers["end_date"] == "2026-12-31"
    assert row.answers["destination"] == "上海（腾讯总部）"  # as typed, full-width brackets


async def test_sam_is_told_the_same_in_english_and_back_keeps_the_rule(chat: ChatDriver) -> None:
    await chat.say("sam", "I need a business trip")
    await chat.say("sam", "Shanghai")
    assert "e.g. 2026-12-09, Dec 9" in text_of(chat.last("sam"))
    assert "too early" in await say(chat, "sam", "2026-12-01")
    assert "too late" in await say(chat, "sam", "2028-01-05")  # max is a year from today
    await chat.say("sam", "25/12")
    await chat.say("sam", "Dec 20")
    await chat.say("sam", "5000")
    told = await say(chat, "sam", "Visiting a customer")
    assert "You cannot come back before you leave." in told
    again = await say(chat, "sam", "back")  # keeping the wrong answer is not a way out
    assert "You cannot come back before you leave." in again
    assert chat.last("sam").asks == "end_date"
    await chat.say("sam", "end of month")
    assert is_confirmation(chat.last("sam"))
    await submit(chat, "sam")
    [row] = await stored(chat)
    assert (row.answers["start_date"], row.answers["end_date"]) == ("2026-12-25", "2026-12-31")


async def test_a_meeting_room_cannot_be_booked_for_yesterday(chat: ChatDriver) -> None:
    await chat.say("alice", "订会议室")
    await chat.click("alice", "黄山厅（6 人）")
    assert chat.last("alice").asks == "meeting_date"
    assert "最早可以选 2026年12月2日" in await say(chat, "alice", "2026-12-01")
    await chat.say("alice", "下个月1号")
    assert chat.last("alice").asks == "time"
    await fill_form(chat, "alice", "admin.meeting_room", {"time": "14:00-15:00"})
    await submit(chat, "alice")
    [row] = await stored(chat)
    assert row.answers["meeting_date"] == "2027-01-01"


async def test_new_years_day_is_the_coming_one(chat: ChatDriver) -> None:
    await chat.say("alice", "订会议室")
    await chat.click("alice", "黄山厅（6 人）")
    await chat.say("alice", "元旦")
    await fill_form(chat, "alice", "admin.meeting_room", {"time": "14:00-15:00"})
    assert "2027年1月1日" in text_of(chat.last("alice"))


async def test_a_room_asked_for_yesterday_in_the_first_sentence_is_asked_again(
    chat: ChatDriver,
) -> None:
    told = await say(chat, "alice", "订昨天的会议室")
    assert "「日期」没有记下：这一天太早了：最早可以选 2026年12月2日" in told  # not taken
    await chat.click("alice", "黄山厅（6 人）")
    assert chat.last("alice").asks == "meeting_date"


async def test_an_amendment_cannot_bring_the_return_before_the_departure(
    chat: ChatDriver,
) -> None:
    await chat.say("alice", "我要出差")
    await fill_form(chat, "alice", "fin.travel", {
        "destination": "上海", "start_date": "12月20日", "end_date": "12月24日",
        "budget": "5000", "reason": "拜访客户"})
    await submit(chat, "alice")
    refused = await say(chat, "alice", "修改 REQ-1 返回日期 12月18日")
    assert "返回日期不能早于出发日期" in refused
    assert (await request_row(chat)).answers["end_date"] == "2026-12-24"
    assert "最早可以选" in await say(chat, "alice", "修改 REQ-1 出发日期 昨天")
    assert (await request_row(chat)).answers["start_date"] == "2026-12-20"


# --- amounts -----------------------------------------------------------------------------


async def test_an_amount_over_the_maximum_says_the_maximum(chat: ChatDriver) -> None:
    await chat.say("alice", "我要报销差旅费")
    assert chat.last("alice").asks == "amount"
    assert "不能超过 ¥200,000" in await say(chat, "alice", "一百万亿")
    assert "金额需要是数字" in await say(chat, "alice", "12/25")  # a date, not two amounts
    assert chat.last("alice").asks == "amount"


async def test_sam_hears_the_maximum_in_english(chat: ChatDriver) -> None:
    await chat.say("sam", "I want to claim travel expenses")
    assert "It must be at most CNY 200,000." in await say(chat, "sam", "300000")
    assert "must be a number" in await say(chat, "sam", "12/25")


# --- text as typed -----------------------------------------------------------------------


async def test_a_reason_is_stored_and_audited_as_typed(chat: ChatDriver) -> None:
    await chat.say("alice", "我要申请一台笔记本，预算8000")
    await fill_form(chat, "alice", "it.laptop", {"reason": "旧电脑坏了，无法开机"})
    await submit(chat, "alice")
    [row] = await stored(chat)
    assert row.answers["reason"] == "旧电脑坏了，无法开机"
    assert (await submitted_answers(chat))["reason"] == "旧电脑坏了，无法开机"


async def test_an_amended_reason_keeps_its_full_width_punctuation(chat: ChatDriver) -> None:
    await chat.say("alice", "我要申请一台笔记本，预算8000")
    await fill_form(chat, "alice", "it.laptop", {"reason": "旧电脑坏了需要更换"})
    await submit(chat, "alice")
    await chat.say("alice", "修改 REQ-1 原因 旧电脑坏了，无法开机（已送修）")
    row = await request_row(chat)
    assert row.answers["reason"] == "旧电脑坏了，无法开机（已送修）"


# --- polish ------------------------------------------------------------------------------


def progress_of(text: str) -> str:
    return text[text.index("[") + 1: text.index("]")]


async def test_the_counter_counts_the_questions_asked_and_never_jumps(chat: ChatDriver) -> None:
    await chat.say("alice", "我要申请一台笔记本，预算8000")  # the budget is noted, not asked
    counters = [progress_of(text_of(chat.last("alice")))]
    await chat.click("alice", "高性能本")  # this opens the GPU question
    counters.append(progress_of(text_of(chat.last("alice"))))
    await chat.say("alice", "是")
    counters.append(progress_of(text_of(chat.last("alice"))))
    positions = [int(c.split()[1].split("/")[0]) for c in counters]
    assert positions == [1, 2, 3], counters
    assert counters[-1] == "第 3/3 项"


async def test_editing_an_answer_shows_what_it_is_now(chat: ChatDriver) -> None:
    await chat.say("sam", "I want to claim travel expenses of 8000")
    await fill_form(chat, "sam", "fin.expense", {"description": "Client visit"})
    await chat.click("sam", "Edit")
    await chat.click("sam", "Description")
    question = text_of(chat.last("sam"))
    assert "Now: Client visit" in question and "[" not in question.split("\n")[0]
    await chat.say("sam", "Client visit in Beijing")
    assert is_confirmation(chat.last("sam"))


async def file_password_reset(chat: ChatDriver, person: str) -> None:
    """it.password: no approval, one task for the IT desk (carol, dave); confirmation off."""
    await chat.say(person, "忘记密码了")
    await fill_form(chat, person, "it.password")
    await submit(chat, person)


async def test_a_service_without_approval_never_says_approved(chat: ChatDriver) -> None:
    await file_password_reset(chat, "alice")
    told = "\n".join(text_of(m) for m in chat.inbox("alice"))
    assert "已交给" in told and "审批通过" not in told
    status = await say(chat, "alice", "REQ-1")
    assert "已批准" not in status and "办理中" in status


async def test_a_survey_comment_skipped_is_skipped_not_thanked(chat: ChatDriver) -> None:
    await file_password_reset(chat, "alice")
    await chat.click("dave", "认领")
    await chat.click("dave", "完成")
    await chat.click("alice", "4")
    reply = await say(chat, "alice", "跳过")
    assert "不写评论" in reply and "谢谢你的反馈" not in reply
    async with chat.app.db.unit_of_work() as uow:
        events = await audit.events_for(uow.session, subject="REQ-1")
    assert "survey.commented" not in [e.action for e in events]


async def test_a_survey_comment_is_still_thanked(chat: ChatDriver) -> None:
    await file_password_reset(chat, "alice")
    await chat.click("dave", "认领")
    await chat.click("dave", "完成")
    await chat.click("alice", "5")
    assert "谢谢你的反馈" in await say(chat, "alice", "很快就好了，谢谢")

