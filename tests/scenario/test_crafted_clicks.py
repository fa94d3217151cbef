"""A stranger's crafted click is answered exactly as a typed REQ-n (or TASK-n) they may not
see: "not found", nothing about the request, its steps or who approves it, and nothing
changes. Every action prefix in the registry that names a request, a step or a task is
tried, while the approval is pending and after it was decided."""

from __future__ import annotations

import pytest

from bot.features import REGISTRY
from bot.testing import ChatDriver
from tests.scenario.approval_steps import file_laptop, seat_states, trail
from tests.scenario.helpers import text_of

# One crafted id per prefix, about REQ-1 (its step 1, bob's seat) or TASK-1.
CRAFTED = {
    "apr": ["apr:1:x:approve", "apr:1:bob:approve", "apr:1:bob:reject"],
    "apm": ["apm:1:bob:transfer", "apm:1:x:transfer"],
    "ret": ["ret:1:bob", "ret:1:x"],
    "ans": ["ans:1"],
    "rs": ["rs:1"],
    "cfm": ["cfm:1:yes", "cfm:1:no"],
    "csat": ["csat:1:5"],
    "rop": ["rop:1:1"],
    "exc": ["exc:ask:1", "exc:kind:1:expedite", "exc:grant:1:approver", "exc:deny:1:approver",
            "exc:reason:1:1", "exc:impact:1:high"],
    "st": ["st:1"],
    "wd": ["wd:1"],
    "tsk": ["tsk:1:claim", "tsk:1:done", "tsk:1:info", "tsk:1:handover", "tsk:1:release"],
}
# Prefixes that name nothing a person could be kept from: the catalog, a service to file, the
# clicker's own requests, a step of the clicker's own form, which of their own forms to go on with.
NAME_NOTHING_PRIVATE = {"cat", "pick", "mine", "dlg", "sw"}


def test_every_action_prefix_is_tried_or_names_nothing_private() -> None:
    assert set(REGISTRY.actions) == set(CRAFTED) | NAME_NOTHING_PRIVATE


async def sams_answers(chat: ChatDriver) -> dict[str, str]:
    answers = {}
    for action in (a for ids in CRAFTED.values() for a in ids):
        [answer] = await chat.click_action("sam", action)
        answers[action] = text_of(answer)
    return answers


NAMES_AN_EXCEPTION = ("exc:grant:", "exc:deny:", "exc:reason:", "exc:impact:")


def expected(action: str, typed_request: str, typed_task: str, typed_exception: str) -> str:
    if action.startswith(NAMES_AN_EXCEPTION):
        return typed_exception
    return typed_task if action.startswith("tsk:") else typed_request


@pytest.mark.parametrize("when", ["pending", "decided"])
async def test_a_strangers_crafted_click_gets_the_typed_not_found(chat: ChatDriver,
                                                                  when: str) -> None:
    await file_laptop(chat, "alice", 800)  # bob (赵强) approves; sam is alice's peer
    if when == "decided":
        await chat.click("bob", "同意")  # kate's TASK-1 starts
    [typed_request] = await chat.say("sam", "同意 REQ-1")
    [typed_task] = await chat.say("sam", "TASK-1")
    [typed_exception] = await chat.say("sam", "grant EXC-1")
    before = await seat_states(chat)
    for action, answer in (await sams_answers(chat)).items():
        assert answer == expected(action, text_of(typed_request), text_of(typed_task),
                                  text_of(typed_exception)), action
        assert "赵强" not in answer and "approver" not in answer
    assert "REQ-1 was not found" in text_of(typed_request)  # sam reads English
    assert await seat_states(chat) == before
    assert not [e for e in await trail(chat) if e.actor == "sam"]
