"""Every action on a card has a typed form too (issue 15): "确认 REQ-1", "是"/"否" to the open
confirmation, "认领 TASK-1"...; "REQ-1" shows its viewer the card they can act on; a "No" at
confirmation reopens the task it names, or asks which part is not done; and after "No" the
card's title and body agree."""

from __future__ import annotations

import pytest

from bot.features import REGISTRY
from bot.features.intake.commands import KEEP_WORDS, NEW_WORDS
from bot.testing import ChatDriver
from chat.replies import Card, Message
from dialogs.words import command_of
from store import tasks
from store.models import TaskRow
from tests.scenario.approval_steps import file_laptop, request_row, trail
from tests.scenario.helpers import text_of
from tests.scenario.test_onboarding import file_onboarding


def words(messages: list[Message]) -> str:
    return "\n".join(text_of(m) for m in messages)


async def task_row(chat: ChatDriver, task_id: int) -> TaskRow:
    async with chat.app.db.unit_of_work() as uow:
        row = await tasks.get_task(uow.session, task_id=task_id)
    assert row is not None
    return row


async def resolved_laptop(chat: ChatDriver, person: str = "alice") -> None:
    """REQ-1: a laptop bob approves; kate buys it (TASK-1), carol sets it up (TASK-2, last)."""
    await file_laptop(chat, person, 800)
    await chat.say("bob", "同意 REQ-1")
    for agent, tid in (("kate", "TASK-1"), ("carol", "TASK-2")):
        await chat.say(agent, f"认领 {tid}")
        await chat.say(agent, f"完成 {tid}")
    assert (await request_row(chat)).status == "resolved"


def confirmation_cards(chat: ChatDriver, person: str) -> list[Card]:
    """The copies of the requester's confirmation card (sent, then updated), oldest first."""
    return [m for m in chat.inbox(person) if isinstance(m, Card) and m.title.startswith("REQ-1")
            and ("已办结" in m.title or "：" in m.title or '": ' in m.title
                 or "resolved" in m.title.lower())]


async def test_confirm_typed_closes_the_request(chat: ChatDriver) -> None:
    await resolved_laptop(chat)
    assert "REQ-1 已关闭" in words(await chat.say("alice", "确认 REQ-1"))
    assert (await request_row(chat)).status == "closed"


async def test_a_bare_yes_answers_the_open_confirmation(chat: ChatDriver) -> None:
    await resolved_laptop(chat, "sam")
    assert "REQ-1" in words(await chat.say("sam", "yes"))
    assert (await request_row(chat)).status == "closed"


async def test_a_bare_yes_with_nothing_to_confirm_says_so(chat: ChatDriver) -> None:
    assert "没有等你确认" in words(await chat.say("alice", "是"))


async def test_req_n_shows_the_requester_the_confirmation_card(chat: ChatDriver) -> None:
    await resolved_laptop(chat)
    [status, confirmation] = await chat.say_new("alice", "REQ-1")
    assert isinstance(status, Card) and status.title.startswith("REQ-1")
    assert isinstance(confirmation, Card)
    assert [b.label for b in confirmation.buttons] == ["是，已解决", "否，还有问题"]


async def test_no_asks_which_part_when_the_reason_names_no_task(chat: ChatDriver) -> None:
    await resolved_laptop(chat)
    await chat.say("alice", "否")
    [which] = await chat.say("alice", "还是不能用")
    assert isinstance(which, Card)
    assert which.title == "REQ-1 的哪一项还没完成？点选一项，或回复编号："
    assert [b.label for b in which.buttons] == ["采购笔记本", "装机并交付"]
    assert (await request_row(chat)).status == "resolved"  # nothing reopened yet

    assert "请回复 1-2" in words(await chat.say("alice", "都不是"))
    await chat.say("alice", "2")
    assert (await request_row(chat)).status == "in_progress"
    setup, bought = await task_row(chat, 2), await task_row(chat, 1)
    assert setup.state == "claimed" and setup.assignee == "carol" and bought.state == "done"
    reopened = [e.data for e in await trail(chat) if e.action == "task.reopened"]
    assert reopened == [{"task": "TASK-2", "reason": "还是不能用"}]

    latest = confirmation_cards(chat, "alice")[-1]  # title and body agree after "No"
    assert "处理中" in latest.title and "已办结" not in latest.title
    assert "还没解决" in latest.body and "还是不能用" in latest.body
    assert latest.buttons == ()


async def test_in_english_the_part_not_done_is_tapped(chat: ChatDriver) -> None:
    await resolved_laptop(chat, "sam")
    await chat.say("sam", "no")
    await chat.say("sam", "still not working")
    await chat.click("sam", "Set up and hand over")
    assert (await task_row(chat, 2)).state == "claimed"
    reopened = [e.data for e in await trail(chat) if e.action == "task.reopened"]
    assert reopened == [{"task": "TASK-2", "reason": "still not working"}]
    latest = confirmation_cards(chat, "sam")[-1]
    assert "in progress" in latest.title.lower() and "not solved" in latest.body


async def test_a_reason_naming_a_task_reopens_that_one_not_the_last_finished(
    chat: ChatDriver,
) -> None:
    await resolved_laptop(chat)
    await chat.click("alice", "否，还有问题")
    await chat.say("alice", "笔记本还没到货")
    bought, setup = await task_row(chat, 1), await task_row(chat, 2)
    assert bought.state == "claimed" and bought.assignee == "kate"
    assert setup.state == "done"  # finished last, but not the one meant


async def test_the_missing_badge_reopens_the_badge_task(chat: ChatDriver) -> None:
    await file_onboarding(chat)
    for agent, tid in (("ivy", "TASK-1"), ("carol", "TASK-2"), ("kate", "TASK-3"),
                       ("carol", "TASK-4"), ("jack", "TASK-5"), ("tina", "TASK-6")):
        await chat.say(agent, f"认领 {tid}")
        await chat.say(agent, f"完成 {tid}")
    assert (await request_row(chat)).status == "resolved"
    await chat.say("bob", "否")
    assert "钱芳" not in words(await chat.say("bob", "工牌还没拿到"))
    badge, finance = await task_row(chat, 5), await task_row(chat, 6)
    assert badge.state == "claimed" and badge.assignee == "jack"
    assert finance.state == "done"


# --- every card action has a typed form ----------------------------------------------------

# For each action prefix a card can carry (and each verb of it), what a person types instead.
TYPED_FORMS: dict[str, tuple[str, ...]] = {
    "apr": ("同意 REQ-1", "驳回 REQ-1 超预算", "approve REQ-1", "reject REQ-1 too much"),
    "apm": ("转交 REQ-1 给 carol", "transfer REQ-1 to carol"),
    "ret": ("退回 REQ-1 请补充型号", "send back REQ-1 which model?"),
    "ans": ("答复 REQ-1 型号是 X1", "answer REQ-1 model X1"),
    "rs": ("重新提交 REQ-1", "resubmit REQ-1"),
    "st": ("REQ-1", "status REQ-1"),
    "mine": ("我的申请", "my requests"),
    "wd": ("撤回 REQ-1", "withdraw REQ-1"),
    "tsk": ("认领 TASK-1", "完成 TASK-1", "问 TASK-1", "转交 TASK-1 给 dave", "释放 TASK-1",
            "claim TASK-1", "done TASK-1", "ask TASK-1", "hand over TASK-1 to dave",
            "release TASK-1"),
    "cfm": ("确认 REQ-1", "未解决 REQ-1", "confirm REQ-1", "not solved REQ-1"),
    "csat": ("评分 REQ-1 5", "rate REQ-1 4"),
    "cat": ("服务目录", "catalog"),
    "exc": ("加急 REQ-1", "申请例外 REQ-1", "expedite REQ-1", "exception REQ-1",
            "批准例外 EXC-1", "grant EXC-1", "拒绝例外 EXC-1 没有必要", "deny EXC-1 not needed"),
}
# Actions whose typed form is an answer to the open form or question, not a command.
ANSWERED = {
    "dlg": ("提交", "修改", "取消", "submit", "edit", "cancel"),  # the form's words; values typed
    "pick": ("在职证明", "employment certificate"),  # the service's name is a request for it
    "sw": ("继续", "开始", "continue", "start"),  # the answer to "continue or start?"
    "rop": ("2",),  # the answer to "which part is not done?" (journey above)
}


def test_every_card_action_has_a_typed_form() -> None:
    assert set(REGISTRY.actions) == set(TYPED_FORMS) | set(ANSWERED)


@pytest.mark.parametrize(("prefix", "typed"),
                         [(p, t) for p, forms in TYPED_FORMS.items() for t in forms])
def test_each_typed_form_is_a_command_of_the_feature_that_answers_the_button(
    prefix: str, typed: str
) -> None:
    command = REGISTRY.parse_command(typed)
    assert command is not None, typed
    owner = REGISTRY.commands[type(command)][0]
    button_owner = next(f for f in REGISTRY.features if prefix in f.actions)
    assert owner.name == button_owner.name, (typed, owner.name)


async def test_the_answers_are_read_where_they_are_asked(chat: ChatDriver) -> None:
    assert all(command_of(word) for word in ANSWERED["dlg"])
    assert {"继续", "continue"} <= KEEP_WORDS and {"开始", "start"} <= NEW_WORDS
    for name in ANSWERED["pick"]:
        assert chat.app.services.matcher.match(name).kind == "found", name
