"""The approval moves people know from 钉钉审批 and 企业微信审批, through the fake channel.

转交 (transfer): an approver hands their seat to a colleague. 加签 (add an approver): an
approver adds a colleague to the current step, who must also approve. 抄送 (CC): the laptop rule
from 1000 copies the department head (孙伟, frank) on the outcome, who may then open it.

alice (王小丽, zh) and sam (Sam Taylor, en) report to bob (赵强); a laptop from 1000 goes on to
erin (Erin Li, en) or henry (吴刚), any one. carol (陈静) and dave (刘洋) are on the IT desk.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.features.approvals.commands import AddApprover, Transfer, parse_move
from bot.features.tasks.commands import TaskAction, parse_task
from bot.testing import ChatDriver
from chat.replies import Message
from dialogs.loader import demo_paths, load_bundle
from dialogs.model import Bundle
from tests.scenario.approval_steps import (
    approval_cards,
    approve_button,
    file_laptop,
    latest_card,
    request_row,
    seat_states,
    texts,
    trail,
)
from tests.scenario.helpers import text_of


def transfer_button(card: object) -> str | None:
    from chat.replies import Card

    assert isinstance(card, Card)
    return next((b.action_id for b in card.buttons if b.action_id.endswith(":transfer")), None)


def said(replies: list[Message]) -> str:
    """Everything a person got back in one turn (an updated card among it)."""
    return "\n".join(text_of(m) for m in replies)


def events(rows: list, action: str) -> list[dict]:
    return [dict(r.data, actor=r.actor, on_behalf_of=r.on_behalf_of) for r in rows
            if r.action == action]


# --- 转交 / transfer ------------------------------------------------------------------------


def test_a_req_id_is_a_transfer_of_approval_and_a_task_id_stays_with_tasks() -> None:
    assert parse_move("转交 REQ-12 给 carol 我在休假") == Transfer(12, "给 carol 我在休假")
    assert parse_move("transfer REQ-3 to erin") == Transfer(3, "to erin")
    assert parse_move("加签 REQ-4 dave") == AddApprover(4, "dave")
    assert parse_move("转交 TASK-7 给 dave") is None
    assert parse_task("转交 TASK-7 给 dave") == TaskAction("handover", 7, "给 dave")


async def test_bob_on_leave_hands_his_seat_to_carol_who_approves(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    bobs = latest_card(chat, "bob")
    assert [b.label for b in bobs.buttons] == ["同意", "驳回", "退回", "详情", "转交"]

    answer = said(await chat.say("bob", "转交 REQ-1 给 carol 我在休假"))

    assert "已把 REQ-1 的审批转交给 陈静" in answer
    carols = latest_card(chat, "carol")
    assert approve_button(carols) is not None
    assert "赵强 把 REQ-1「笔记本电脑申请」的审批转交给了你。留言：我在休假" in texts(chat, "carol")
    bobs = latest_card(chat, "bob")  # his card, updated in place
    assert approve_button(bobs) is None and "这一步已转交给 陈静 审批" in text_of(bobs)
    assert "赵强：已转交给 陈静" in text_of(carols)
    assert "REQ-1 的审批已由 赵强 转交给 陈静" in texts(chat, "alice")
    [moved] = events(await trail(chat), "approval.transferred")
    assert (moved["from"], moved["to"], moved["reason"], moved["actor"]) == (
        "bob", "carol", "我在休假", "bob")
    assert await seat_states(chat) == {(1, "bob"): "handed_over", (1, "carol"): "pending"}

    late = said(await chat.say("bob", "同意 REQ-1"))
    assert "你已把 REQ-1 的审批转交给 陈静" in late
    assert (await request_row(chat)).status == "pending_approval"

    await chat.click("carol", "同意")
    assert (await request_row(chat)).status == "in_progress"
    assert "陈静 同意了 REQ-1" in texts(chat, "alice")
    status = said(await chat.say("bob", "REQ-1"))  # who handed over may still look
    assert "REQ-1" in status and "没有找到" not in status


async def test_erin_taps_transfer_and_is_asked_to_whom_in_english(chat: ChatDriver) -> None:
    await file_laptop(chat, "sam", 8000)
    await chat.click("bob", "同意")
    erins = latest_card(chat, "erin")
    assert [b.label for b in erins.buttons] == [
        "Approve", "Reject", "Send back", "Details", "Transfer"]

    question = said(await chat.click("erin", "Transfer"))
    assert "Who should decide REQ-1 instead of you?" in question
    unknown = said(await chat.say("erin", "nobody-here"))
    assert 'nobody called "nobody-here"' in unknown
    done = said(await chat.say("erin", "dave on leave until Monday"))

    assert "REQ-1 is now with 刘洋 to decide" in done
    assert approve_button(latest_card(chat, "dave")) is not None
    assert "handed over to 刘洋" in text_of(latest_card(chat, "erin"))
    assert "Erin Li handed the approval of REQ-1 over to 刘洋" in texts(chat, "sam")
    [moved] = events(await trail(chat), "approval.transferred")
    assert (moved["from"], moved["to"], moved["reason"]) == (
        "erin", "dave", "on leave until Monday")

    await chat.click("dave", "同意")
    assert (await request_row(chat)).status == "in_progress"


async def test_a_seat_never_goes_to_the_requester_nor_to_someone_on_the_step(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "alice", 800)
    own = said(await chat.say("bob", "转交 REQ-1 给 王小丽"))
    assert "王小丽 是 REQ-1 的申请人，不能审批自己的申请" in own
    same = said(await chat.say("bob", "转交 REQ-1 给 bob"))
    assert "赵强 已经是 REQ-1 这一步的审批人了" in same
    stranger = said(await chat.say("frank", "转交 REQ-1 给 dave"))  # frank is not on it
    assert "没有找到 REQ-1" in stranger
    not_mine = said(await chat.say("carol", "转交 REQ-1 给 dave"))  # she sees it, but is not on it
    assert "赵强" in not_mine and approval_cards(chat, "dave") == []
    by_alice = said(await chat.say("alice", "转交 REQ-1 给 dave"))
    assert "不能审批自己" in by_alice

    refused = [e["why"] for e in events(await trail(chat), "approval.refused")]
    assert refused == ["target_is_requester", "target_on_step", "not_an_approver", "own_request"]
    assert await seat_states(chat) == {(1, "bob"): "pending"}
    assert events(await trail(chat), "approval.transferred") == []


async def test_a_transfer_to_nobody_named_asks_and_cancelling_keeps_the_seat(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "alice", 800)
    question = said(await chat.say("bob", "转交 REQ-1"))
    assert "把 REQ-1 的审批转交给谁" in question
    kept = said(await chat.say("bob", "取消"))
    assert "REQ-1 仍由你审批" in kept
    assert await seat_states(chat) == {(1, "bob"): "pending"}
    glued = said(await chat.say("bob", "转交 REQ-1 给刘洋出差中"))
    assert "转交给 刘洋" in glued
    [moved] = events(await trail(chat), "approval.transferred")
    assert (moved["to"], moved["reason"]) == ("dave", "出差中")


async def test_a_seat_handed_on_and_back_is_the_same_seat_again(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    await chat.say("bob", "转交 REQ-1 给 carol")
    await chat.say("carol", "转交 REQ-1 给 bob 还是你来批")
    assert await seat_states(chat) == {(1, "bob"): "pending", (1, "carol"): "handed_over"}
    await chat.click("bob", "同意")
    assert (await request_row(chat)).status == "in_progress"


async def test_an_old_transfer_button_after_the_seat_moved_does_nothing(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    old = transfer_button(latest_card(chat, "bob"))
    assert old is not None
    await chat.say("bob", "转交 REQ-1 给 carol")
    answer = said(await chat.click_action("bob", old))
    assert "你已把 REQ-1 的审批转交给 陈静" in answer
    garbled = said(await chat.click_action("bob", "apm:x:bob:transfer"))
    assert garbled
    forged = said(await chat.click_action("dave", "apm:1:carol:transfer"))  # not his seat
    assert "不需要你审批（审批人：陈静）" in forged
    assert len(events(await trail(chat), "approval.transferred")) == 1
    assert (await seat_states(chat))[(1, "carol")] == "pending"


# --- 加签 / add an approver -----------------------------------------------------------------


async def test_bob_adds_dave_and_the_step_waits_for_dave_too(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    answer = said(await chat.say("bob", "加签 REQ-1 dave 请确认库存"))
    assert "已给 REQ-1 加签 刘洋" in answer
    daves = latest_card(chat, "dave")
    assert approve_button(daves) is not None and "刘洋（赵强 加签）" in text_of(daves)
    assert "赵强 请你一起审批 REQ-1" in texts(chat, "dave")
    assert "赵强 给 REQ-1 加签了 刘洋" in texts(chat, "alice")
    [added] = events(await trail(chat), "approval.approver_added")
    assert (added["by_seat"], added["added"], added["required"], added["note"]) == (
        "bob", "dave", 2, "请确认库存")

    await chat.click("bob", "同意")
    assert (await request_row(chat)).status == "pending_approval"
    assert "还需 1 人同意" in texts(chat, "alice")
    await chat.click("dave", "同意")
    assert (await request_row(chat)).status == "in_progress"


async def test_an_added_approver_is_needed_even_on_an_any_one_step_in_english(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "sam", 8000)
    await chat.click("bob", "同意")
    answer = said(await chat.say("erin", "add approver REQ-1 dave"))
    assert "刘洋 is added to this step of REQ-1" in answer
    assert "the step needs their approval too" in texts(chat, "sam")

    await chat.click("henry", "同意")  # any one of erin/henry, but dave was added
    assert (await request_row(chat)).status == "pending_approval"
    assert approve_button(latest_card(chat, "erin")) is not None
    await chat.click("erin", "Approve")  # two approvals, still not dave's
    assert (await request_row(chat)).status == "pending_approval"
    assert text_of(chat.last("sam")) == "1 more approval(s) needed on this step."
    await chat.click("dave", "同意")
    assert (await request_row(chat)).status == "in_progress"
    states = await seat_states(chat)
    assert (states[(2, "henry")], states[(2, "erin")], states[(2, "dave")]) == (
        "approved", "approved", "approved")


async def test_an_added_approver_who_decides_first_leaves_one_of_the_others(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "alice", 8000)
    await chat.click("bob", "同意")
    await chat.say("henry", "加签 REQ-1 dave")
    await chat.click("dave", "同意")
    assert (await request_row(chat)).status == "pending_approval"
    await chat.click("henry", "同意")
    assert (await request_row(chat)).status == "in_progress"
    assert (await seat_states(chat))[(2, "erin")] == "retired"


async def test_an_added_approver_who_rejects_ends_the_request(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    await chat.say("bob", "加签 REQ-1 dave")
    await chat.say("dave", "驳回 REQ-1 库存有现货，不必采购")
    row = await request_row(chat)
    assert row.status == "rejected" and "库存有现货" in (row.status_reason or "")


async def test_nobody_adds_the_requester_or_someone_already_there(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    own = said(await chat.say("bob", "加签 REQ-1 alice"))
    assert "不能审批自己的申请" in own
    await chat.say("bob", "加签 REQ-1 dave")
    twice = said(await chat.say("bob", "加签 REQ-1 dave"))
    assert "刘洋 已经是 REQ-1 这一步的审批人了" in twice
    question = said(await chat.say("dave", "add REQ-1"))
    assert "加签谁" in question
    again = said(await chat.say("dave", "alice"))
    assert "申请人" in again
    assert len(events(await trail(chat), "approval.approver_added")) == 1


# --- 抄送 / CC ------------------------------------------------------------------------------


async def test_the_department_head_is_copied_on_an_approved_laptop_and_may_open_it(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "alice", 8000)
    before = said(await chat.say("frank", "REQ-1"))
    assert "没有找到 REQ-1" in before
    await chat.click("bob", "同意")
    assert "抄送" not in texts(chat, "frank")
    await chat.click("henry", "同意")

    assert "【抄送】王小丽 的 REQ-1「笔记本电脑申请」已审批通过" in texts(chat, "frank")
    [copied] = events(await trail(chat), "approval.cc_sent")
    assert (copied["outcome"], copied["to"]) == ("approved", ["frank"])
    after = said(await chat.say("frank", "REQ-1"))
    assert "没有找到" not in after and "REQ-1" in after


async def test_a_cheap_laptop_copies_nobody(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    await chat.click("bob", "同意")
    assert events(await trail(chat), "approval.cc_sent") == []
    assert "抄送" not in texts(chat, "frank")


def english_frank() -> Bundle:
    bundle = load_bundle(*demo_paths())
    persons = {**bundle.directory.persons,
               "frank": replace(bundle.directory.persons["frank"], locale="en")}
    return replace(bundle, directory=replace(bundle.directory, persons=persons))


@pytest.fixture
async def english(sqlite_url: str) -> AsyncIterator[ChatDriver]:
    driver = await ChatDriver.open(sqlite_url, bundle=english_frank())
    yield driver
    await driver.close()


async def test_a_rejection_is_copied_in_the_copied_persons_language(english: ChatDriver) -> None:
    chat = english
    await file_laptop(chat, "sam", 8000)
    await chat.click("bob", "同意")
    await chat.say("erin", "reject REQ-1 over the budget")

    assert "[CC] Sam Taylor's REQ-1" in texts(chat, "frank")
    assert "is rejected: over the budget" in texts(chat, "frank")
    [copied] = events(await trail(chat), "approval.cc_sent")
    assert (copied["outcome"], copied["to"]) == ("rejected", ["frank"])
    status = said(await chat.say("frank", "REQ-1"))
    assert "not found" not in status.lower()


async def test_the_requester_is_never_copied(tmp_path: Path) -> None:
    """frank files his own laptop: he is the department head the rule copies."""
    chat = await ChatDriver.open(f"sqlite+aiosqlite:///{tmp_path / 'cc.db'}")
    try:
        await file_laptop(chat, "frank", 8000)
        await chat.click("leo", "同意")
        await chat.click("henry", "同意")
        assert events(await trail(chat), "approval.cc_sent") == []
        assert "抄送" not in texts(chat, "frank")
    finally:
        await chat.close()


async def test_a_delegate_hands_the_seat_they_hold_on_behalf_of_the_approver(
    tmp_path: Path,
) -> None:
    """In early January 2027 carol decides bob's approvals; she passes alice's to dave."""
    from datetime import UTC, datetime

    from bot.testing import FakeClock

    clock = FakeClock(datetime(2027, 1, 5, 2, 0, tzinfo=UTC))
    chat = await ChatDriver.open(f"sqlite+aiosqlite:///{tmp_path / 'leave.db'}", clock=clock)
    try:
        await file_laptop(chat, "alice", 800)
        assert approve_button(latest_card(chat, "carol")) is not None  # bob's seat, held
        answer = said(await chat.say("carol", "转交 REQ-1 给 dave 赵强休假中"))
        assert "已把 REQ-1 的审批转交给 刘洋" in answer
        [moved] = events(await trail(chat), "approval.transferred")
        assert (moved["from"], moved["to"], moved["actor"], moved["on_behalf_of"]) == (
            "bob", "dave", "carol", "bob")
        assert "这一步已转交给 刘洋 审批" in text_of(latest_card(chat, "carol"))
        status = said(await chat.say("alice", "REQ-1"))
        assert "赵强：已转交给 刘洋" in status and "刘洋" in status
        await chat.click("dave", "同意")
        assert (await request_row(chat)).status == "in_progress"
    finally:
        await chat.close()
