"""A number typed as text: the answer to an open question or form when one is open, otherwise
"nothing to pick" (never a catalog search or a new form)."""

from __future__ import annotations

from bot.testing import ChatDriver
from store import requests
from tests.scenario.approval_steps import file_laptop, texts
from tests.scenario.helpers import text_of

NOTHING_TO_PICK = "「2」没有对应的选项"


async def test_alices_2_answers_the_agents_question(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)
    await chat.click("bob", "同意")
    await chat.say("kate", "认领 TASK-1")
    await chat.say("kate", "问 TASK-1 要几台显示器？")
    [forwarded] = await chat.say("alice", "2")
    assert "已把你的回复转给 钱芳" in text_of(forwarded)
    assert "王小丽 回复了 TASK-1：2" in texts(chat, "kate")


async def test_a_2_with_nothing_open_is_answered_and_nothing_is_filed(chat: ChatDriver) -> None:
    [answer] = await chat.say("alice", "2")
    assert NOTHING_TO_PICK in texts(chat, "alice")
    assert answer.asks is None
    async with chat.app.db.unit_of_work() as uow:
        assert await requests.list_requests(uow.session) == []
