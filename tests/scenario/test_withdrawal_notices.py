"""A request withdrawn after approval: its approvers and agents are told, its open tasks are
cancelled with the reason, and the trail says who was told.

alice files a 150,000 purchase: bob, frank, then 2 of henry, leo and grace; kate (采购组)
does the procurement tasks.
"""

from __future__ import annotations

from bot.testing import ChatDriver
from store import tasks
from tests.scenario.approval_steps import (
    file_laptop,
    file_purchase,
    request_row,
    texts,
    trail,
)


async def approve_purchase(chat: ChatDriver) -> None:
    await file_purchase(chat, "alice", 150000)
    for person in ("bob", "frank", "henry", "leo"):
        await chat.click(person, "同意")
    assert (await request_row(chat)).status == "in_progress"


async def test_a_withdrawn_purchase_tells_its_four_approvers_and_the_agents(
    chat: ChatDriver,
) -> None:
    await approve_purchase(chat)
    await chat.say("kate", "认领")
    await chat.say("alice", "撤回 REQ-1 项目取消了")

    assert (await request_row(chat)).status == "withdrawn"
    for person in ("bob", "frank", "henry", "leo", "grace", "kate"):
        assert "王小丽 撤回了 REQ-1" in texts(chat, person), person
        assert "原因：项目取消了" in texts(chat, person)
    assert "撤回了 REQ-1" not in texts(chat, "carol")  # not involved
    withdrawn = next(e for e in await trail(chat) if e.action == "request.withdrawn")
    assert withdrawn.data["told"] == ["bob", "frank", "grace", "henry", "kate", "leo"]
    async with chat.app.db.unit_of_work() as uow:
        rows = await tasks.tasks_of(uow.session, request_id=1)
    assert rows and all(t.state in ("cancelled", "done", "skipped") for t in rows)
    cancelled = [e for e in await trail(chat) if e.action == "task.cancelled"]
    assert cancelled and all(e.data["reason"] == "项目取消了" for e in cancelled)


async def test_in_english_erin_hears_that_sam_withdrew(chat: ChatDriver) -> None:
    await file_laptop(chat, "sam", 8000)
    await chat.click("bob", "同意")
    await chat.click("erin", "Approve")
    await chat.say("sam", "withdraw REQ-1 bought one myself")
    assert "Sam Taylor withdrew REQ-1" in texts(chat, "erin")
    assert "Reason: bought one myself" in texts(chat, "erin")
    assert "撤回了 REQ-1" in texts(chat, "bob")


async def test_a_request_still_waiting_tells_whoever_was_asked(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    await chat.say("alice", "撤回 REQ-1 不需要了")
    assert "王小丽 撤回了 REQ-1" in texts(chat, "bob")
    withdrawn = next(e for e in await trail(chat) if e.action == "request.withdrawn")
    assert withdrawn.data["told"] == ["bob"]
