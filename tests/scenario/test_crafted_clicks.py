"""A stranger's crafted click on an approval step is answered exactly as a typed REQ-n they
may not see: "not found", nothing about the request or who approves it."""

from __future__ import annotations

from bot.testing import ChatDriver
from tests.scenario.approval_steps import file_laptop, seat_states, trail
from tests.scenario.helpers import text_of


async def test_a_strangers_crafted_click_gets_the_typed_not_found(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 800)  # bob (赵强) approves; sam is alice's peer
    [typed] = await chat.say("sam", "同意 REQ-1")
    for action in ("apr:1:x:approve", "apr:1:bob:approve", "apr:1:bob:reject"):
        [clicked] = await chat.click_action("sam", action)
        assert text_of(clicked) == text_of(typed)
        assert "REQ-1 was not found" in text_of(clicked)  # sam reads English
        assert "赵强" not in text_of(clicked) and "approver" not in text_of(clicked)
    assert (await seat_states(chat))[(1, "bob")] == "pending"
    assert not [e for e in await trail(chat) if e.action.startswith("approval.")
                and e.action != "approval.requested" and e.actor == "sam"]
