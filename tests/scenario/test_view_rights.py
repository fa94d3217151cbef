"""People asked to act can see: a manager who gets an escalation about REQ-1 opens REQ-1
(view only); someone never asked still gets "not found". erin reads it in English."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.testing import ChatDriver
from chat.replies import Card
from tests.scenario.approval_steps import file_laptop, request_row, texts
from tests.scenario.helpers import text_of
from tests.scenario.test_time import quick_bundle


@pytest.fixture
async def quick(sqlite_url: str) -> AsyncIterator[ChatDriver]:
    driver = await ChatDriver.open(sqlite_url, bundle=quick_bundle())
    yield driver
    await driver.close()


async def test_frank_escalated_about_bobs_approval_may_open_it_but_not_decide(
    quick: ChatDriver,
) -> None:
    chat = quick
    await file_laptop(chat, "alice", 800)
    [before] = await chat.say("frank", "REQ-1")
    assert "没有找到 REQ-1" in text_of(before)
    await chat.tick(seconds=41)
    assert "赵强 还没有处理 REQ-1 的审批" in texts(chat, "frank")

    [card] = await chat.say("frank", "REQ-1")
    assert isinstance(card, Card) and "REQ-1" in card.title and "审批中" in text_of(card)
    [refused] = await chat.say("frank", "同意 REQ-1 我替他批")
    assert "不需要你审批" in text_of(refused)
    assert (await request_row(chat)).status == "pending_approval"
    [other] = await chat.say("grace", "REQ-1")
    assert "没有找到 REQ-1" in text_of(other)


async def test_sams_second_step_escalates_to_each_approvers_manager(quick: ChatDriver) -> None:
    chat = quick
    await file_laptop(chat, "sam", 8000)
    await chat.click("bob", "同意")
    [before] = await chat.say("leo", "REQ-1")
    assert "没有找到 REQ-1" in text_of(before)
    await chat.tick(seconds=41)  # erin's and henry's seats escalate: frank and leo
    [card, *_his_approval_card] = await chat.say("leo", "REQ-1")
    assert isinstance(card, Card) and "REQ-1" in card.title
    [mine, *_her_approval_card] = await chat.say("erin", "status REQ-1")
    assert isinstance(mine, Card) and "pending approval" in text_of(mine)
