"""Approvers away (delegation, in chat and from the directory file) and requesters changing
their minds (amendment restarts approval)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.testing import ChatDriver, FakeClock
from chat.replies import Card
from tests.scenario.approval_steps import (
    approval_cards,
    approve_button,
    file_expense,
    file_laptop,
    latest_card,
    request_row,
    seat_states,
    texts,
    trail,
)
from tests.scenario.helpers import text_of


async def test_a_delegate_gets_new_cards_and_decides_on_behalf(chat: ChatDriver) -> None:
    [made, *_] = await chat.say("bob", "委托 carol 代批到12月10日")
    assert "陈静" in text_of(made) and "2026-12-10" in text_of(made)
    assert "赵强 委托你代为审批" in texts(chat, "carol")

    await file_laptop(chat, "alice", 800)

    card = latest_card(chat, "carol")
    assert "代谁审批=赵强" in text_of(card)
    assert approval_cards(chat, "bob") == []
    assert "你已委托 陈静 代批" in texts(chat, "bob")

    await chat.click("carol", "同意")

    assert (await request_row(chat)).status == "in_progress"
    [event] = [e for e in await trail(chat) if e.action == "approval.approved"]
    assert (event.actor, event.on_behalf_of) == ("carol", "bob")
    assert "（陈静 代）" in text_of(latest_card(chat, "carol"))


async def test_pending_approvals_move_to_a_new_delegate(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    assert approval_cards(chat, "bob")

    [made, *_] = await chat.say("bob", "delegate to carol until 2026-12-10")
    assert "1 个待审批已转给 TA" in text_of(made)
    assert approve_button(latest_card(chat, "carol")) is not None
    [mine, retired, card] = await chat.say("carol", "待我审批")  # her first copy is retired
    assert "待你审批（1）" in text_of(mine) and approve_button(card) is not None
    assert isinstance(retired, Card) and retired.body == "已更新，见最新消息"

    await chat.click("carol", "同意")
    assert approve_button(latest_card(chat, "bob")) is None  # bob's own copy is updated too


async def test_the_approver_can_still_decide_while_delegating(chat: ChatDriver) -> None:
    await chat.say("bob", "委托 carol 代批到12月10日")
    await file_laptop(chat, "alice", 800)
    await chat.say("bob", "同意 REQ-1")
    assert (await seat_states(chat))[(1, "bob")] == "approved"
    assert approve_button(latest_card(chat, "carol")) is None


async def test_on_a_countersign_step_only_the_delegated_seat_moves(chat: ChatDriver) -> None:
    """Step 2 of a big expense: grace and henry together; henry is away, leo holds his seat."""
    await chat.say("henry", "委托 leo 代批到12月10日")
    await file_expense(chat, "alice", 30000)
    await chat.click("bob", "同意")

    assert approve_button(latest_card(chat, "grace")) is not None
    assert approve_button(latest_card(chat, "leo")) is not None
    assert approval_cards(chat, "henry") == []
    assert "你已委托 林涛 代批" in texts(chat, "henry")
    [started] = [e for e in await trail(chat) if e.action == "approval.step_started"
                 and e.data["step"] == 2]
    assert started.data["approvers"] == ["grace", "henry"]

    await chat.click("leo", "同意")
    assert (await request_row(chat)).status == "pending_approval"
    await chat.click("grace", "同意")
    assert (await request_row(chat)).status == "in_progress"
    assert (await seat_states(chat))[(2, "henry")] == "approved"
    [event] = [e for e in await trail(chat) if e.action == "approval.approved"
               and e.actor == "leo"]
    assert event.on_behalf_of == "henry"


async def test_cancelling_a_delegation_sends_cards_to_the_approver_again(
    chat: ChatDriver,
) -> None:
    await chat.say("bob", "委托 carol 代批到12月10日")
    [cancelled] = await chat.say("bob", "取消委托")
    assert "已取消委托" in text_of(cancelled)
    assert "取消了对你的审批委托" in texts(chat, "carol")
    await file_laptop(chat, "alice", 800)
    assert approval_cards(chat, "bob") and approval_cards(chat, "carol") == []
    assert [e.action for e in await trail(chat, "person:bob")] == [
        "delegation.created", "delegation.cancelled"]


async def test_a_delegation_from_the_directory_file_applies_on_its_dates(
    sqlite_url: str,
) -> None:
    # directory.toml: bob delegates to carol from 2027-01-05 to 2027-01-09
    clock = FakeClock(datetime(2027, 1, 6, 2, 0, tzinfo=UTC))
    chat = await ChatDriver.open(sqlite_url, clock=clock)
    try:
        [shown] = await chat.say("bob", "我的委托")
        assert "陈静" in text_of(shown) and "2027-01-09" in text_of(shown)
        await file_laptop(chat, "alice", 800)
        assert approval_cards(chat, "carol") and approval_cards(chat, "bob") == []

        await chat.say("bob", "取消委托")
        await file_laptop(chat, "sam", 800)
        assert approval_cards(chat, "bob", "REQ-2")
        assert approval_cards(chat, "carol", "REQ-2") == []
    finally:
        await chat.close()


async def test_delegation_mistakes_are_explained(chat: ChatDriver) -> None:
    [to_self] = await chat.say("bob", "委托 bob 代批到12月10日")
    assert "不能委托给自己" in text_of(to_self)
    [past] = await chat.say("bob", "委托 carol 代批到2026-01-01")
    assert "已经过去" in text_of(past)
    [nobody] = await chat.say("bob", "委托 zed 代批到12月10日")
    assert "没有找到" in text_of(nobody) and "委托 carol 代批到12月10日" in text_of(nobody)
    [no_date] = await chat.say("bob", "委托 carol")
    assert "代批到哪天" in text_of(no_date)  # issue 16: asked until when, no longer the usage


async def test_delegation_words_in_a_sentence_still_find_the_service(chat: ChatDriver) -> None:
    replies = await chat.say("alice", "委托书怎么开")
    assert not any("请这样写" in text_of(m) for m in replies)


async def test_an_amendment_restarts_approval_on_the_new_rule(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)  # one step: bob
    await chat.click("bob", "同意")  # ... approved at once
    await file_laptop(chat, "alice", 800)
    old = approve_button(latest_card(chat, "bob", "REQ-2"))
    assert old is not None

    [done, *_] = await chat.say("alice", "修改 REQ-2 预算 8000")

    assert "¥800.00 → ¥8,000.00" in text_of(done)
    row = await request_row(chat, 2)
    assert row.answers["amount"] == 8000 and row.status == "pending_approval"
    assert "王小丽 修改了 REQ-2" in texts(chat, "bob")
    [stale] = await chat.click_action("bob", old.action_id)
    assert "已失效" in text_of(stale)
    await chat.click("bob", "同意")
    assert approval_cards(chat, "erin", "REQ-2")  # the new chain has the director step
    actions = [e.action for e in await trail(chat, "REQ-2")]
    assert actions.index("request.amended") < actions.index("approval.restarted")
    assert actions.count("approval.started") == 2


async def test_earlier_approvers_are_told_when_the_chain_restarts(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 8000)
    await chat.click("bob", "同意")
    await chat.say("alice", "change REQ-1 Budget to 9000")
    assert "王小丽 修改了 REQ-1（预算 ¥8,000.00 → ¥9,000.00）" in texts(chat, "bob")
    assert "changed REQ-1" in texts(chat, "erin")  # erin's locale is English
    assert approve_button(latest_card(chat, "erin")) is None
    assert approve_button(latest_card(chat, "bob")) is not None  # step 1 again


async def test_amendment_mistakes_are_explained(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    [unknown] = await chat.say("alice", "修改 REQ-1 颜色 红色")
    assert "可以修改的项有：型号、预算、原因" in text_of(unknown)
    [bad] = await chat.say("alice", "修改 REQ-1 预算 很多")
    assert "预算" in text_of(bad)
    [same] = await chat.say("alice", "修改 REQ-1 预算 800")
    assert "没有改动" in text_of(same)
    [needs] = await chat.say("alice", "修改 REQ-1 型号 高性能本")  # pro needs the GPU question
    assert "独立显卡" in text_of(needs)
    [not_hers] = await chat.say("bob", "修改 REQ-1 预算 500")
    assert "只有申请人" in text_of(not_hers)
    await chat.click("bob", "同意")
    [late] = await chat.say("alice", "修改 REQ-1 预算 500")
    assert "撤回后重新提交" in text_of(late)
    assert (await request_row(chat)).answers["amount"] == 800
