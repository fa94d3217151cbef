"""Delegation, as an approver away would use it: the delegator hears what their delegate
decided, "我的委托" shows what the directory file has scheduled, and "委托 carol" without an
end date asks until when. Today is 2026-11-23; the directory file has bob delegating to carol
(陈静) from 2027-01-05 to 2027-01-09."""

from __future__ import annotations

from bot.testing import ChatDriver
from tests.scenario.approval_steps import file_laptop, request_row, texts, trail
from tests.scenario.helpers import text_of


async def test_bob_hears_that_carol_approved_for_him(chat: ChatDriver) -> None:
    await chat.say("bob", "委托 carol 代批到12月10日")
    await file_laptop(chat, "alice", 800)
    await chat.say("carol", "同意 REQ-1 配置合理")
    assert (await request_row(chat)).status == "in_progress"
    assert "陈静 代你同意了 REQ-1。意见：配置合理" in texts(chat, "bob")


async def test_in_english_erin_hears_that_mia_rejected_for_her(chat: ChatDriver) -> None:
    await chat.say("erin", "delegate to mia until 2026-12-10")
    await file_laptop(chat, "alice", 8000)
    await chat.click("bob", "同意")
    await chat.say("mia", "驳回 REQ-1 超出预算")
    assert (await request_row(chat)).status == "rejected"
    assert "黄敏 rejected REQ-1 on your behalf. Comment: 超出预算" in texts(chat, "erin")


async def test_my_delegation_shows_the_one_the_directory_file_schedules(chat: ChatDriver) -> None:
    [shown] = await chat.say("bob", "我的委托")
    assert "已安排：2027-01-05 至 2027-01-09 由 陈静 代批" in text_of(shown)
    await chat.say("bob", "委托 henry 代批到12月10日")
    [both] = await chat.say("bob", "我的委托")
    assert "你已委托 吴刚 代批，2026-11-23 至 2026-12-10" in text_of(both)
    assert "已安排：2027-01-05 至 2027-01-09 由 陈静 代批" in text_of(both)
    [none] = await chat.say("alice", "我的委托")
    assert "没有委托" in text_of(none)


async def test_delegating_without_an_end_date_asks_until_when(chat: ChatDriver) -> None:
    [asked] = await chat.say("bob", "委托 carol")
    assert "委托 陈静 代批到哪天" in text_of(asked)
    [made] = await chat.say("bob", "12月10日")
    assert "已委托 陈静" in text_of(made) and "2026-12-10" in text_of(made)
    assert [e.action for e in await trail(chat, "person:bob")] == ["delegation.created"]

    [asked_en] = await chat.say("erin", "delegate mia")
    assert "Until when should" in text_of(asked_en)
    [kept] = await chat.say("erin", "cancel")
    assert "no delegation was made" in text_of(kept)
    assert [e.action for e in await trail(chat, "person:erin")] == []
