"""Nothing anyone types crashes the bot; every message gets an answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.testing import ChatDriver
from store import dialogs
from tests.scenario.helpers import text_of

NASTY = [
    "",
    "   \t  ",
    "x" * 10_000,
    "🙂🙃🔥",
    "I need 一台 laptop 预算 8k pls",
    "\x00\x01\x02\x1b[31m",
    "REQ-",
    "REQ-99999999999999999999",
    "撤回",
    "{\"click\": \"dlg:x:submit\"}",
    "'; DROP TABLE request; --",
    "\u202eevil\u202c",
]


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
async def test_nasty_messages_get_an_answer_not_an_apology(chat: ChatDriver, text: str) -> None:
    replies = await chat.say("alice", text)
    assert replies, "every message deserves an answer"
    assert not any("出错了" in text_of(m) for m in replies)


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
async def test_nasty_answers_inside_a_form_are_re_asked(chat: ChatDriver, text: str) -> None:
    await chat.say("alice", "我要申请笔记本")
    await chat.click("alice", "标准办公本")
    replies = await chat.say("alice", text)
    assert replies and not any("出错了" in text_of(m) for m in replies)
    assert chat.last("alice").asks in ("amount", "reason")


@pytest.mark.parametrize("action", ["", "dlg", "dlg:nope:submit", "pick:no.such", "st:abc",
                                    "wd:99", "cat:Nowhere", "x" * 3000])
async def test_forged_or_stale_clicks_change_nothing(chat: ChatDriver, action: str) -> None:
    replies = await chat.click_action("alice", action)
    assert replies and not any("出错了" in text_of(m) for m in replies)


async def test_a_stranger_is_told_how_to_get_access(chat: ChatDriver) -> None:
    replies = await chat.say("mallory", "我要申请笔记本")
    assert "管理员" in text_of(replies[0])


@pytest.mark.parametrize("row", [
    {"kind": "mystery"}, {"kind": "form"}, {"kind": "prompt", "purpose": "x", "task": "seven"},
    {"v": 99, "kind": "choose", "text": "x", "options": []},
])
async def test_a_garbled_conversation_row_is_no_state_not_a_crash(
    chat: ChatDriver, row: dict[str, object]
) -> None:
    async with chat.app.db.unit_of_work() as uow:
        await dialogs.save_dialog(uow.session, lock_id=chat.key("alice").lock_id, person="alice",
                                  channel=chat.key("alice").channel, state=row,
                                  now=chat.app.services.clock(),
                                  expires_at=chat.app.services.clock() + timedelta(hours=1))
    replies = await chat.say("alice", "我要申请笔记本")
    assert replies and not any("出错了" in text_of(m) for m in replies)


async def test_a_form_saved_before_the_row_had_a_version_carries_on(chat: ChatDriver) -> None:
    await chat.say("alice", "我要申请笔记本")
    key = chat.key("alice")
    async with chat.app.db.unit_of_work() as uow:
        row = await dialogs.load_dialog(uow.session, lock_id=key.lock_id)
        assert row is not None and row.state["v"] == 1
        old = {k: v for k, v in row.state.items() if k != "v"}  # as the old code wrote it
        await dialogs.save_dialog(uow.session, lock_id=key.lock_id, person="alice",
                                  channel=key.channel, state=old, now=row.updated_at,
                                  expires_at=row.expires_at)
    await chat.click("alice", "标准办公本")
    assert chat.last("alice").asks in ("amount", "reason")
