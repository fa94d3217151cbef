"""重新提交 / Resubmit: the rejection message has a Resubmit button that opens the same form
prefilled with the rejected answers; the new request links to the old one."""

from __future__ import annotations

from bot.testing import ChatDriver
from chat.replies import Card
from tests.scenario.approval_steps import file_laptop, request_row, submit, trail
from tests.scenario.helpers import is_confirmation, text_of


async def test_alice_resubmits_a_rejected_laptop_with_a_lower_budget(chat: ChatDriver) -> None:
    await file_laptop(chat, "alice", 8000)
    await chat.say("bob", "驳回 REQ-1 预算太高")
    rejection = chat.last("alice")
    assert isinstance(rejection, Card) and "预算太高" in text_of(rejection)
    assert [b.label for b in rejection.buttons] == ["重新提交", "详情"]

    [*_, confirm] = await chat.click("alice", "重新提交")
    assert is_confirmation(confirm)  # every answer is there already
    assert "8,000" in text_of(confirm) and "旧电脑坏了需要更换" in text_of(confirm)
    await chat.say("alice", "修改")
    await chat.say("alice", "预算")
    await chat.say("alice", "900")
    await submit(chat, "alice")

    new = await request_row(chat, 2)
    assert new.status == "pending_approval" and new.answers["amount"] == 900
    assert new.answers["reason"] == "旧电脑坏了需要更换"
    assert "REQ-2 是 REQ-1 的重新提交" in "\n".join(text_of(m) for m in chat.inbox("alice"))
    [linked] = [e for e in await trail(chat, "REQ-2") if e.action == "request.resubmitted"]
    assert linked.data == {"from": "REQ-1"} and linked.actor == "alice"
    assert (await request_row(chat, 1)).status == "rejected"


async def test_in_english_sam_resubmits_by_typing(chat: ChatDriver) -> None:
    await file_laptop(chat, "sam", 800)
    await chat.say("bob", "reject REQ-1 use the pool laptop")
    rejection = chat.last("sam")
    assert isinstance(rejection, Card) and [b.label for b in rejection.buttons] == [
        "Resubmit", "Details"]
    [*_, confirm] = await chat.say("sam", "resubmit REQ-1")
    assert is_confirmation(confirm)
    await submit(chat, "sam")
    assert (await request_row(chat, 2)).status == "pending_approval"
    assert [e.data for e in await trail(chat, "REQ-2") if e.action == "request.resubmitted"] \
        == [{"from": "REQ-1"}]


async def test_only_the_requester_resubmits_and_only_a_rejected_request(
    chat: ChatDriver,
) -> None:
    await file_laptop(chat, "alice", 800)
    [waiting] = await chat.say("alice", "重新提交 REQ-1")
    assert "只有被驳回或已撤回的申请可以重新提交" in text_of(waiting)
    await chat.say("bob", "驳回 REQ-1 不需要")
    [not_bobs] = await chat.say("bob", "重新提交 REQ-1")
    assert "只有申请人本人" in text_of(not_bobs)
    [stranger] = await chat.say("grace", "重新提交 REQ-1")
    assert "没有找到 REQ-1" in text_of(stranger)
    [amend] = await chat.say("alice", "修改 REQ-1 预算 700")
    assert "重新提交 REQ-1" in text_of(amend) and "撤回后" not in text_of(amend)
