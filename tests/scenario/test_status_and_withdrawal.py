"""Anyone involved asks where a request is; the requester withdraws it with a reason."""

from __future__ import annotations

import pytest

from bot.testing import ChatDriver
from chat.replies import Card
from store import audit
from tests.scenario.helpers import fill_form, text_of


@pytest.fixture
async def filed(chat: ChatDriver) -> ChatDriver:
    """alice has filed REQ-1, a laptop request owned by the IT desk (carol, dave); it waits for
    her manager bob (赵强)."""
    await chat.say("alice", "我要申请一台笔记本，预算8000")
    await fill_form(chat, "alice", "it.laptop", {"reason": "旧电脑坏了需要更换"})
    await chat.click("alice", "提交")
    return chat


@pytest.mark.parametrize("text", ["REQ-1", "status REQ-1", "REQ-1 到哪了", "req-1", "查询 REQ-1"])
async def test_alice_asks_where_her_request_is(filed: ChatDriver, text: str) -> None:
    [card] = await filed.say("alice", text)
    assert isinstance(card, Card)
    shown = text_of(card)
    assert "REQ-1" in card.title and "审批中" in shown and "处理人=赵强" in shown
    assert "8,000" in shown


async def test_my_requests_lists_them(filed: ChatDriver) -> None:
    [card] = await filed.say("alice", "我的申请")
    assert "REQ-1" in text_of(card)
    await filed.say("sam", "my requests")
    assert "no requests" in text_of(filed.last("sam"))


async def test_the_service_owner_group_may_see_it_others_may_not(filed: ChatDriver) -> None:
    [card] = await filed.say("carol", "REQ-1")
    assert isinstance(card, Card) and "REQ-1" in card.title
    [answer] = await filed.say("grace", "REQ-1")
    assert "没有找到" in text_of(answer)
    [answer] = await filed.say("alice", "REQ-99")
    assert "没有找到" in text_of(answer)


async def test_withdrawing_asks_for_a_reason_and_records_it(filed: ChatDriver) -> None:
    [question] = await filed.say("alice", "撤回 REQ-1")
    assert "原因" in text_of(question)
    await filed.say("alice", "预算不够了")
    assert "已撤回 REQ-1" in text_of(filed.last("alice"))
    [card] = await filed.say("alice", "REQ-1")
    assert "已撤回" in text_of(card) and "预算不够了" in text_of(card)
    async with filed.app.db.unit_of_work() as uow:
        events = await audit.events_for(uow.session, subject="REQ-1")
    withdrawn = events[-1]
    assert withdrawn.action == "request.withdrawn" and withdrawn.data["reason"] == "预算不够了"


async def test_withdraw_in_english_with_the_reason_inline(filed: ChatDriver) -> None:
    await filed.say("alice", "withdraw REQ-1 not needed any more")
    assert "已撤回" in text_of(filed.last("alice"))
    [answer] = await filed.say("alice", "withdraw REQ-1 again")
    assert "不能撤回" in text_of(answer)


async def test_only_the_requester_may_withdraw(filed: ChatDriver) -> None:
    [answer] = await filed.say("carol", "撤回 REQ-1 不想做")
    assert "只有申请人" in text_of(answer)
    [card] = await filed.say("alice", "REQ-1")
    assert "审批中" in text_of(card)


async def test_cancel_keeps_the_request_when_asked_for_a_reason(filed: ChatDriver) -> None:
    await filed.say("alice", "撤回 REQ-1")
    await filed.say("alice", "取消")
    assert "保持不变" in text_of(filed.last("alice"))


async def test_the_withdraw_button_on_the_status_card(filed: ChatDriver) -> None:
    await filed.say("alice", "REQ-1")
    await filed.click("alice", "撤回")
    await filed.say("alice", "买错了")
    assert "已撤回" in text_of(filed.last("alice"))
